//! Edit helpers for fixes: byte edits that change one flag or one config field and keep the
//! file's style — `--flag=value` or the split form `--flag value`, block or flow lists, the
//! items' quoting, indentation and line endings.
//!
//! A command line is edited through one [`ArgvEditor`], chosen once per edit by [`editor`] from
//! where the words are written: a container's list in a manifest ([`yaml_list`]), a kubeadm
//! config's `extraArgs` ([`kubeadm_args`]), or the words of a systemd unit's `ExecStart=` and
//! of the environment files it expands ([`systemd`]); a k3s or RKE2 config's `*-arg` list
//! items are edited as a container's list items, a MicroK8s args file's flags as a unit's
//! words. Config fields are set by
//! [`kubelet_config`].
//!
//! Every helper returns `None` when it cannot be sure of the edit: a word that is not a whole
//! list item, a value written with escapes, a flow-style `extraArgs`. No fix is better than a
//! wrong one.

mod kubeadm_args;
mod kubelet_config;
mod systemd;
mod yaml_list;

pub(crate) use kubelet_config::{set_config_field, set_config_value};

use kubeharden_core::flags::{Flag, FlagKind, ValueForm, WrittenBy, flag_kind};
use kubeharden_core::inventory::{Distribution, Origin, Process};
use kubeharden_core::views::Etcd;
use kubeharden_core::{Component, FileId, Inventory, Span};

use crate::finding::{Applicability, Edit, Fix};
use kubeadm_args::KubeadmArgs;
use systemd::ShellWords;
use yaml_list::YamlList;

/// The edits of one fix, all in one file.
#[derive(Clone, Debug)]
pub(crate) struct Edits {
    pub(crate) file: FileId,
    pub(crate) edits: Vec<Edit>,
}

impl Edits {
    fn new(file: FileId, edits: Vec<Edit>) -> Self {
        Self { file, edits }
    }
}

/// A fix of `edits`, applied as `applicability` says.
pub(crate) fn fix(title: impl Into<String>, applicability: Applicability, edits: Edits) -> Fix {
    Fix {
        title: title.into(),
        applicability,
        file: edits.file,
        edits: edits.edits,
    }
}

/// A fix that changes only the offending value and breaks nothing that works today.
pub(crate) fn safe(title: impl Into<String>, edits: Edits) -> Fix {
    fix(title, Applicability::Safe, edits)
}

/// A fix that needs a choice the tool cannot know (a path) or may break a working cluster:
/// applied only with `--unsafe-fixes`.
pub(crate) fn unsafe_fix(title: impl Into<String>, edits: Edits) -> Fix {
    fix(title, Applicability::Unsafe, edits)
}

/// Edits the words of one process's command line that one file holds, in that file's format.
/// Each method returns `None` when it cannot be sure of the edit, or the format has no such
/// edit yet.
trait ArgvEditor {
    /// Sets `flag`'s value to `value` in place; a bare boolean `--flag` becomes `--flag=value`.
    fn set_value(&self, flag: &Flag, value: &str) -> Option<Vec<Edit>>;

    /// Appends `suffix` to `flag`'s written value.
    fn append(&self, flag: &Flag, suffix: &str) -> Option<Vec<Edit>>;

    /// The bytes that remove `flag` (both words of the split form) and what separates it from
    /// its neighbours.
    fn removal(&self, flag: &Flag) -> Option<Span>;

    /// Adds `words` (`--flag=value`), in order, after the command line's last word.
    fn add(&self, words: &[&str]) -> Option<Vec<Edit>>;
}

/// The editor for the words of `process`'s command line written in `file`, chosen from where
/// the command line comes from: a manifest's list or a kubeadm config only for words of the
/// process's own file, a unit's `ExecStart=` in the unit or any environment file it expands.
fn editor<'i>(
    inventory: &'i Inventory,
    process: &'i Process,
    file: FileId,
) -> Option<Box<dyn ArgvEditor + 'i>> {
    let text = inventory.file(file).text();
    match process.origin {
        Origin::Container { .. } if file == process.file => {
            Some(Box::new(YamlList { text, process }))
        }
        Origin::Kubeadm if file == process.file => Some(Box::new(KubeadmArgs {
            text,
            extra_args: process.flags_anchor,
        })),
        Origin::Service { .. } | Origin::PackagedUnit { .. } => Some(Box::new(ShellWords { text })),
        // One flag a line: words as a unit's, in the process's own args file.
        Origin::Distribution(Distribution::MicroK8s) if file == process.file => {
            Some(Box::new(ShellWords { text }))
        }
        // k3s/RKE2 `*-arg` list items, in any file of the config: list items as a
        // container's (never added to: the list may be another file's, or missing).
        Origin::Distribution(Distribution::K3s | Distribution::Rke2) => {
            Some(Box::new(YamlList { text, process }))
        }
        _ => None,
    }
}

/// The one file every word of `flag` is written in, by the user; `None` for a flag kubeadm
/// adds itself or one whose name and value come from different files.
fn written_file(flag: &Flag) -> Option<FileId> {
    let file = flag.occurrence().file();
    let value_here = flag
        .value
        .as_ref()
        .is_none_or(|v| v.written_by == WrittenBy::User && v.location().file() == file);
    (flag.written_by == WrittenBy::User && value_here).then_some(file)
}

/// The spans of `flag`'s argv words: `--name=value` (or bare `--name`), or `--name` and
/// `value` for the split form.
fn words(flag: &Flag) -> Vec<Span> {
    match &flag.value {
        Some(value) if value.form == ValueForm::Separate => {
            vec![flag.name_only_location().span(), value.location().span()]
        }
        _ => vec![flag.occurrence().span()],
    }
}

/// Sets `flag`'s value to `value` in place: the value's bytes for `--flag=value` and the
/// value item for `--flag value` (quotes kept); a bare boolean `--flag` becomes
/// `--flag=value`.
pub(crate) fn set_flag_value(
    inventory: &Inventory,
    process: &Process,
    flag: &Flag,
    value: &str,
) -> Option<Edits> {
    edit_flag(inventory, process, flag, |editor| {
        editor.set_value(flag, value)
    })
}

/// Appends `suffix` to `flag`'s written value (`,NodeRestriction` to a plugin list).
pub(crate) fn append_to_flag_value(
    inventory: &Inventory,
    process: &Process,
    flag: &Flag,
    suffix: &str,
) -> Option<Edits> {
    edit_flag(inventory, process, flag, |editor| {
        editor.append(flag, suffix)
    })
}

/// The edits `edit` makes with the editor of the file every word of `flag` is written in.
fn edit_flag(
    inventory: &Inventory,
    process: &Process,
    flag: &Flag,
    edit: impl FnOnce(&dyn ArgvEditor) -> Option<Vec<Edit>>,
) -> Option<Edits> {
    let file = written_file(flag)?;
    let edits = edit(editor(inventory, process, file)?.as_ref())?;
    Some(Edits::new(file, edits))
}

/// Removes every occurrence of `flags` (both words of the split form): a block item's whole
/// line, line break included; a flow item with one adjacent comma and the spaces after it; a
/// kubeadm `extraArgs` entry's lines; a shell word with its blanks.
pub(crate) fn remove_flags<'f>(
    inventory: &Inventory,
    process: &Process,
    flags: impl IntoIterator<Item = &'f Flag>,
) -> Option<Edits> {
    let flags: Vec<&Flag> = flags.into_iter().collect();
    let file = written_file(flags.first()?)?;
    // One fix edits one file.
    for flag in &flags {
        if written_file(flag)? != file {
            return None;
        }
    }
    let editor = editor(inventory, process, file)?;
    let mut spans = flags
        .iter()
        .map(|flag| editor.removal(flag))
        .collect::<Option<Vec<Span>>>()?;
    spans.sort_by_key(|span| span.start);
    // Neighbouring removals (two flow items sharing a comma) merge into one edit.
    let mut merged: Vec<Span> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    let edits = merged
        .into_iter()
        .map(|span| Edit {
            span,
            replacement: String::new(),
        })
        .collect();
    Some(Edits::new(file, edits))
}

/// Adds `word` (`--flag=value`) after the last word of `process`'s command line: a new block
/// item with the same indentation, quoting and line ending, or `, word` in a flow list.
pub(crate) fn add_flag(inventory: &Inventory, process: &Process, word: &str) -> Option<Edits> {
    add_flags(inventory, process, &[word])
}

/// [`add_flag`] for several words, in order, as one edit.
pub(crate) fn add_flags(
    inventory: &Inventory,
    process: &Process,
    new_words: &[&str],
) -> Option<Edits> {
    // etcd ignores every other flag when a config file decides: a new flag would change
    // nothing.
    let etcd_config_file = process.component == Some(Component::Etcd)
        && Etcd::new(inventory, process).config_file().is_some();
    if etcd_config_file {
        return None;
    }
    let edits = editor(inventory, process, process.file)?.add(new_words)?;
    Some(Edits::new(process.file, edits))
}

/// Sets the last `--name` to `value` in place, or adds `--name=value` when it is missing.
/// `None` for a repeated flag whose occurrences accumulate (`--authorization-mode`): changing
/// the last would not be enough.
pub(crate) fn set_or_add_flag(
    inventory: &Inventory,
    process: &Process,
    name: &str,
    value: &str,
) -> Option<Edits> {
    let last_wins = process
        .component
        .and_then(|component| flag_kind(component, name))
        .is_some_and(|kind| {
            matches!(
                kind,
                FlagKind::Bool | FlagKind::Scalar | FlagKind::ReplaceList
            )
        });
    if !last_wins && process.flags.all(name).nth(1).is_some() {
        return None;
    }
    match process.flags.last(name) {
        Some(flag) => set_flag_value(inventory, process, flag, value),
        None => add_flag(inventory, process, &format!("--{name}={value}")),
    }
}

/// The value's bytes replaced, or `=value` after a bare boolean.
fn set_word_value(text: &str, flag: &Flag, value: &str) -> Option<Vec<Edit>> {
    match &flag.value {
        Some(written) => {
            // Escapes or folded lines: the bytes are not the value.
            if text.get(written.location().span().range())? != written.text {
                return None;
            }
            Some(vec![Edit {
                span: written.location().span(),
                replacement: value.to_owned(),
            }])
        }
        None => {
            let span = flag.occurrence().span();
            if !text.get(span.range())?.starts_with('-') {
                return None;
            }
            Some(vec![Edit {
                span: Span::new(span.end, span.end),
                replacement: format!("={value}"),
            }])
        }
    }
}

/// `suffix` inserted after `flag`'s written value, when its bytes are the value.
fn append_to_value(text: &str, flag: &Flag, suffix: &str) -> Option<Vec<Edit>> {
    let written = flag.value.as_ref()?;
    let span = written.location().span();
    if text.get(span.range())? != written.text || written.text.is_empty() {
        return None;
    }
    Some(vec![Edit {
        span: Span::new(span.end, span.end),
        replacement: suffix.to_owned(),
    }])
}

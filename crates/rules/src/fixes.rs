//! Edit helpers for fixes: byte edits that change one flag or one config field and keep the
//! file's style — `--flag=value` or the split form `--flag value`, block or flow lists, the
//! items' quoting, indentation and line endings.
//!
//! kubeadm `extraArgs` entries (the `v1beta3` map and the `v1beta4` list of `{name, value}`)
//! can have their value set or extended (kept a string), be removed (whole lines), or be
//! added after the last entry in the same form; an `extraArgs` that is missing or empty gets
//! no new entry yet.
//!
//! A command line from a systemd unit's `ExecStart=` (or an environment file it expands) can
//! have a value set in place or a flag removed with its blanks (a continuation line whole);
//! a flag cannot be added there yet.
//!
//! Every helper returns `None` when it cannot be sure of the edit: a word that is not a whole
//! list item, a value written with escapes, a flow-style `extraArgs`. No fix is better than a
//! wrong one.

use kubeharden_core::flags::{Flag, FlagKind, ValueForm, WrittenBy, flag_kind};
use kubeharden_core::inventory::{KubeletConfigDoc, Origin, Process};
use kubeharden_core::views::Etcd;
use kubeharden_core::{Component, FileId, Inventory, Location, Span};

use crate::finding::{Applicability, Edit, Fix};

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

/// Characters that end a plain scalar inside a flow list.
const FLOW_INDICATORS: [char; 5] = [',', '[', ']', '{', '}'];

/// How one argv word is written in a YAML list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// A block-list item: `line` is its whole line, line break included, and `prefix` the
    /// bytes before the item (`    - `).
    Block { line: Span, prefix: Span },
    /// An item of a flow list `[a, b]`.
    Flow,
}

/// One argv word as a YAML list item.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// The item's bytes, quotes included.
    outer: Span,
    quote: Option<char>,
    style: Style,
}

/// The list item whose scalar content is exactly `word`, or `None` when `word` is not a
/// whole item of a block or flow list.
fn item(text: &str, word: Span) -> Option<Item> {
    let bytes = text.as_bytes();
    text.get(word.range())?;
    let (mut start, mut end) = (word.start, word.end);
    let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let quote = match (before, bytes.get(end).copied()) {
        (Some(q @ (b'"' | b'\'')), Some(e)) if e == q => {
            start -= 1;
            end += 1;
            Some(char::from(q))
        }
        _ => None,
    };
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let lead = &text[line_start..start];
    let tail = text[end..line_end].trim_end_matches(['\n', '\r']);
    let dash = lead.trim_start_matches(' ');
    let is_block_lead =
        dash.len() >= 2 && dash.starts_with('-') && dash[1..].trim_matches(' ').is_empty();
    let trailing = tail.trim_start_matches([' ', '\t']);
    let is_block_tail =
        trailing.is_empty() || (trailing.starts_with('#') && trailing.len() < tail.len());
    if is_block_lead && is_block_tail {
        return Some(Item {
            outer: Span::new(start, end),
            quote,
            style: Style::Block {
                line: Span::new(line_start, line_end),
                prefix: Span::new(line_start, start),
            },
        });
    }
    let prev = text[..start]
        .trim_end_matches([' ', '\t', '\r', '\n'])
        .chars()
        .last();
    let next = text[end..]
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .chars()
        .next();
    if matches!(prev, Some('[' | ',')) && matches!(next, Some(',' | ']')) {
        return Some(Item {
            outer: Span::new(start, end),
            quote,
            style: Style::Flow,
        });
    }
    None
}

/// The text of the file holding `process`'s command line, when it is a container's list in a
/// YAML manifest and `flag` (if any) is written there.
fn manifest_text<'i>(
    inventory: &'i Inventory,
    process: &Process,
    flag: Option<&Flag>,
) -> Option<&'i str> {
    if !matches!(process.origin, Origin::Container { .. }) {
        return None;
    }
    if flag.is_some_and(|flag| written_file(flag) != Some(process.file)) {
        return None;
    }
    Some(inventory.file(process.file).text())
}

/// The text of a kubeadm config whose `extraArgs` entry (map `name: value` or list item
/// `{name, value}`) holds `flag`, when the entry is written in block style.
fn kubeadm_entry<'i>(inventory: &'i Inventory, process: &Process, flag: &Flag) -> Option<&'i str> {
    if process.origin != Origin::Kubeadm || written_file(flag) != Some(process.file) {
        return None;
    }
    let text = inventory.file(process.file).text();
    let span = flag.occurrence().span();
    let entry = text.get(span.range())?;
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let lead = text[line_start..span.start].trim_start_matches(' ');
    (!entry.is_empty() && (lead.is_empty() || lead == "- ")).then_some(text)
}

/// [`set_flag_value`] for a kubeadm `extraArgs` entry: the value's bytes, quoted when they
/// were not (`extraArgs` values are strings, and a plain `0` would be a number).
fn set_kubeadm_value(text: &str, flag: &Flag, value: &str) -> Option<Vec<Edit>> {
    let written = flag.value.as_ref()?;
    if text.get(written.location().span().range())? != written.text {
        return None;
    }
    let bytes = text.as_bytes();
    let before = written
        .location()
        .span()
        .start
        .checked_sub(1)
        .and_then(|i| bytes.get(i));
    let quoted =
        matches!(before, Some(b'"' | b'\'')) && bytes.get(written.location().span().end) == before;
    if !quoted && written.location().span().is_empty() {
        return None;
    }
    let replacement = if quoted {
        value.to_owned()
    } else {
        format!("\"{value}\"")
    };
    Some(vec![Edit {
        span: written.location().span(),
        replacement,
    }])
}

/// The lines of a kubeadm `extraArgs` entry, line breaks included.
fn kubeadm_entry_lines(text: &str, flag: &Flag) -> Option<Span> {
    let span = flag.occurrence().span();
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    let tail = text[span.end..end]
        .trim_end_matches(['\n', '\r'])
        .trim_start();
    // The value's closing quote, then nothing but a comment.
    let tail = tail.trim_start_matches(['"', '\'']).trim_start();
    (tail.is_empty() || tail.starts_with('#')).then_some(Span::new(start, end))
}

/// The text of the systemd unit or environment file holding every word of `flag`, for a
/// command line from `ExecStart=`.
fn service_text<'i>(inventory: &'i Inventory, process: &Process, flag: &Flag) -> Option<&'i str> {
    if !matches!(process.origin, Origin::Service { .. }) {
        return None;
    }
    let file = written_file(flag)?;
    let text = inventory.file(file).text();
    for word in words(flag) {
        let written = text.get(word.range())?;
        if written.is_empty() || written.contains(char::is_whitespace) {
            return None;
        }
    }
    Some(text)
}

/// The bytes to delete for a word of a whitespace-separated command line: the word with the
/// blanks before it (after it, for a first word); a word alone on an `ExecStart=` continuation
/// line takes its line, or for the last line the ` \\` that led to it.
fn remove_shell_word(text: &str, word: Span) -> Option<Span> {
    let line_start = text[..word.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[word.end..]
        .find('\n')
        .map_or(text.len(), |i| word.end + i + 1);
    let lead = &text[line_start..word.start];
    let tail = text[word.end..line_end].trim_end_matches(['\n', '\r']);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    if blank(lead) && tail.trim() == "\\" {
        return Some(Span::new(line_start, line_end));
    }
    if blank(lead) && blank(tail) {
        // The last continuation line: drop the ` \\` before it.
        let before = text[..line_start].trim_end_matches(['\n', '\r']);
        let continued = before.strip_suffix('\\')?;
        let start = continued.trim_end_matches([' ', '\t']).len();
        return Some(Span::new(start, word.end));
    }
    let before = text[..word.start].trim_end_matches([' ', '\t']);
    if before.len() < word.start && !before.ends_with(['=', '"', '\'']) {
        return Some(Span::new(before.len(), word.end));
    }
    let after = &text[word.end..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    Some(Span::new(word.start, word.end + gap))
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
    let edits = set_flag_value_in(inventory, process, flag, value)?;
    Some(Edits::new(written_file(flag)?, edits))
}

fn set_flag_value_in(
    inventory: &Inventory,
    process: &Process,
    flag: &Flag,
    value: &str,
) -> Option<Vec<Edit>> {
    if let Some(text) = kubeadm_entry(inventory, process, flag) {
        return set_kubeadm_value(text, flag, value);
    }
    if let Some(text) = service_text(inventory, process, flag) {
        return set_word_value(text, flag, value);
    }
    let text = manifest_text(inventory, process, Some(flag))?;
    let mut last = None;
    for word in words(flag) {
        last = Some(item(text, word)?);
    }
    // In a plain flow item a comma would end the item.
    let last = last?;
    if last.style == Style::Flow && last.quote.is_none() && value.contains(FLOW_INDICATORS) {
        return None;
    }
    set_word_value(text, flag, value)
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

/// Appends `suffix` to `flag`'s written value (`,NodeRestriction` to a plugin list).
pub(crate) fn append_to_flag_value(
    inventory: &Inventory,
    process: &Process,
    flag: &Flag,
    suffix: &str,
) -> Option<Edits> {
    let edits = append_to_flag_value_in(inventory, process, flag, suffix)?;
    Some(Edits::new(written_file(flag)?, edits))
}

fn append_to_flag_value_in(
    inventory: &Inventory,
    process: &Process,
    flag: &Flag,
    suffix: &str,
) -> Option<Vec<Edit>> {
    if let Some(text) = kubeadm_entry(inventory, process, flag) {
        let written = flag.value.as_ref()?;
        if text.get(written.location().span().range())? != written.text || written.text.is_empty() {
            return None;
        }
        return Some(vec![Edit {
            span: Span::new(written.location().span().end, written.location().span().end),
            replacement: suffix.to_owned(),
        }]);
    }
    let text = manifest_text(inventory, process, Some(flag))?;
    let mut last = None;
    for word in words(flag) {
        last = Some(item(text, word)?);
    }
    // In a plain flow item a comma would end the item.
    let last = last?;
    if last.style == Style::Flow && last.quote.is_none() && suffix.contains(FLOW_INDICATORS) {
        return None;
    }
    let written = flag.value.as_ref()?;
    if text.get(written.location().span().range())? != written.text || written.text.is_empty() {
        return None;
    }
    Some(vec![Edit {
        span: Span::new(written.location().span().end, written.location().span().end),
        replacement: suffix.to_owned(),
    }])
}

/// Removes every occurrence of `flags` (both words of the split form): a block item's whole
/// line, line break included; a flow item with one adjacent comma and the spaces after it.
pub(crate) fn remove_flags<'f>(
    inventory: &Inventory,
    process: &Process,
    flags: impl IntoIterator<Item = &'f Flag>,
) -> Option<Edits> {
    let mut spans = Vec::new();
    let mut file = None;
    for flag in flags {
        // One fix edits one file.
        let here = written_file(flag)?;
        if file.replace(here).is_some_and(|earlier| earlier != here) {
            return None;
        }
        if let Some(text) = kubeadm_entry(inventory, process, flag) {
            spans.push(kubeadm_entry_lines(text, flag)?);
            continue;
        }
        if let Some(text) = service_text(inventory, process, flag) {
            let words = words(flag);
            let (first, last) = (*words.first()?, *words.last()?);
            // The split form's two words and what separates them go together.
            if first != last {
                let between = text.get(first.end..last.start)?;
                if !between.chars().all(|c| c == ' ' || c == '\t') {
                    return None;
                }
            }
            spans.push(remove_shell_word(text, Span::new(first.start, last.end))?);
            continue;
        }
        let text = manifest_text(inventory, process, Some(flag))?;
        spans.push(remove_words(text, &words(flag))?);
    }
    if spans.is_empty() {
        return None;
    }
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
    Some(Edits::new(file?, edits))
}

/// The bytes to delete for consecutive argv `words`.
fn remove_words(text: &str, words: &[Span]) -> Option<Span> {
    let items = words
        .iter()
        .map(|&w| item(text, w))
        .collect::<Option<Vec<_>>>()?;
    let (first, last) = (items.first()?, items.last()?);
    match (first.style, last.style) {
        (Style::Block { line: a, .. }, Style::Block { line: b, .. }) => {
            if items.iter().any(|i| i.style == Style::Flow) {
                return None;
            }
            Some(Span::new(a.start, b.end))
        }
        (Style::Flow, Style::Flow) => {
            let (start, end) = (first.outer.start, last.outer.end);
            // The comma before the item, so that removing neighbours never overlaps.
            let before = text[..start].trim_end_matches([' ', '\t', '\r', '\n']);
            if before.ends_with(',') {
                return Some(Span::new(before.len() - 1, end));
            }
            // The first item: take the comma after it and the spaces after that.
            let after = &text[end..];
            let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
            if after[gap..].starts_with(',') {
                let rest = &after[gap + 1..];
                let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                return Some(Span::new(start, end + gap + 1 + spaces));
            }
            Some(Span::new(start, end))
        }
        _ => None,
    }
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
    let edits = add_flags_in(inventory, process, new_words)?;
    Some(Edits::new(process.file, edits))
}

fn add_flags_in(inventory: &Inventory, process: &Process, new_words: &[&str]) -> Option<Vec<Edit>> {
    // etcd ignores every other flag when a config file decides: a new flag would change
    // nothing.
    let etcd_config_file = process.component == Some(Component::Etcd)
        && Etcd::new(inventory, process).config_file().is_some();
    if etcd_config_file {
        return None;
    }
    if process.origin == Origin::Kubeadm {
        let text = inventory.file(process.file).text();
        return add_kubeadm_args(text, process.flags_anchor, new_words);
    }
    let text = manifest_text(inventory, process, None)?;
    // After `--` or an operand that ends etcd's flags, a new word would not be a flag. A last
    // flag still waiting for its value (`--authorization-mode` at the end) would take the new
    // word as its value.
    if new_words.is_empty()
        || process.flags.stop().is_some()
        || !process.is_complete()
        || process.flags.iter().any(Flag::missing_value)
    {
        return None;
    }
    let last = process
        .flags
        .iter()
        .flat_map(words)
        .chain(
            process
                .flags
                .positionals()
                .iter()
                .map(|p| p.location().span()),
        )
        .max_by_key(|span| span.end);
    let elsewhere = process
        .flags
        .iter()
        .any(|flag| written_file(flag) != Some(process.file))
        || process
            .flags
            .positionals()
            .iter()
            .any(|p| p.location().file() != process.file);
    if elsewhere {
        return None;
    }
    let last = match last {
        Some(last) => item(text, last)?,
        // No flag yet: after the list's last item (the program).
        None => last_item(text, process.flags_anchor)?,
    };
    let quoted = |word: &str| match last.quote {
        Some('"') => format!("\"{word}\""),
        Some(_) => format!("'{word}'"),
        None if last.style == Style::Flow && word.contains(FLOW_INDICATORS) => {
            format!("\"{word}\"")
        }
        None => word.to_owned(),
    };
    let edit = match last.style {
        Style::Block { line, prefix } => {
            let prefix = &text[prefix.range()];
            let line_text = &text[line.range()];
            if line_text.ends_with('\n') {
                let eol = if line_text.ends_with("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                Edit {
                    span: Span::new(line.end, line.end),
                    replacement: new_words
                        .iter()
                        .map(|w| format!("{prefix}{}{eol}", quoted(w)))
                        .collect(),
                }
            } else {
                let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
                Edit {
                    span: Span::new(line.end, line.end),
                    replacement: new_words
                        .iter()
                        .map(|w| format!("{eol}{prefix}{}", quoted(w)))
                        .collect(),
                }
            }
        }
        Style::Flow => Edit {
            span: Span::new(last.outer.end, last.outer.end),
            replacement: new_words
                .iter()
                .map(|w| format!(", {}", quoted(w)))
                .collect(),
        },
    };
    Some(vec![edit])
}

/// The last item of the list under the key at `key` (`command:`, `args:`): a block list, or
/// a flow list on the key's line. `None` for an empty list or items spanning lines.
fn last_item(text: &str, key: Span) -> Option<Item> {
    let after = key.end + text.get(key.end..)?.find(':')? + 1;
    let line_end = text[after..]
        .find('\n')
        .map_or(text.len(), |i| after + i + 1);
    let rest = text[after..line_end].trim_matches([' ', '\t', '\r', '\n']);
    let content = if rest.starts_with('[') {
        let open = after + text[after..line_end].find('[')?;
        let close = open + text[open..line_end].rfind(']')?;
        let inner = &text[open + 1..close];
        let start = open + 1 + inner.rfind(',').map_or(0, |i| i + 1);
        trimmed(text, Span::new(start, close))?
    } else if rest.is_empty() || rest.starts_with('#') {
        let mut lines = text[line_end..].split_inclusive('\n');
        let mut offset = line_end;
        let mut dash: Option<String> = None;
        let mut last = None;
        for line in lines.by_ref() {
            let start = offset;
            offset += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            let stripped = body.trim_start_matches(' ');
            if stripped.is_empty() || stripped.starts_with('#') {
                continue;
            }
            let indent = &body[..body.len() - stripped.len()];
            match &dash {
                None if stripped.starts_with("- ") => dash = Some(format!("{indent}- ")),
                None => return None,
                Some(_) => {}
            }
            let prefix = dash.as_deref()?;
            if let Some(item) = body.strip_prefix(prefix) {
                let item_start = start + prefix.len();
                let end = item.find(" #").unwrap_or(item.len());
                last = Some(trimmed(text, Span::new(item_start, item_start + end))?);
            } else if indent.len() > prefix.len() - 2 {
                // A continuation line or a nested node: not a simple list.
                return None;
            } else {
                break;
            }
        }
        last?
    } else {
        return None;
    };
    item(text, content)
}

/// `span` without surrounding blanks and, when it is quoted, without its quotes.
fn trimmed(text: &str, span: Span) -> Option<Span> {
    let raw = text.get(span.range())?;
    let start = span.start + (raw.len() - raw.trim_start().len());
    let word = raw.trim();
    if word.is_empty() {
        return None;
    }
    let end = start + word.len();
    let quoted = word.len() >= 2
        && (word.starts_with('"') && word.ends_with('"')
            || word.starts_with('\'') && word.ends_with('\''));
    Some(if quoted {
        Span::new(start + 1, end - 1)
    } else {
        Span::new(start, end)
    })
}

/// [`add_flags`] for a kubeadm config: new entries after the last one of the block-style
/// `extraArgs` at `key`, in its form (`name: "value"` or `- name:` / `value:`), values
/// quoted. `None` when `extraArgs` is missing, empty or flow-style.
fn add_kubeadm_args(text: &str, key: Span, new_words: &[&str]) -> Option<Vec<Edit>> {
    if !text.get(key.range())?.ends_with("xtraArgs") {
        return None;
    }
    let key_line_start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
    let key_indent = key.start - key_line_start;
    let after = key.end + text[key.end..].find(':')? + 1;
    let line_end = text[after..]
        .find('\n')
        .map_or(text.len(), |i| after + i + 1);
    let rest = text[after..line_end].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let eol = if text[..line_end].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    // The entries: lines indented deeper than the key, or list items at the key's indentation.
    let mut offset = line_end;
    let mut end = None;
    let mut child: Option<(usize, bool)> = None;
    for line in text[line_end..].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let stripped = body.trim_start_matches(' ');
        let indent = body.len() - stripped.len();
        let start = offset;
        offset += line.len();
        if stripped.is_empty() || stripped.starts_with('#') {
            continue;
        }
        let is_item = stripped.starts_with("- ");
        if indent > key_indent || (indent == key_indent && is_item) {
            if child.is_none() {
                child = Some((indent, is_item));
            }
            end = Some((start, offset, line.ends_with('\n')));
        } else {
            break;
        }
    }
    let (child_indent, list) = child?;
    let (_, last_end, last_has_break) = end?;
    let pad = " ".repeat(child_indent);
    let mut insert = String::new();
    if !last_has_break {
        insert.push_str(eol);
    }
    for word in new_words {
        let (name, value) = word.strip_prefix("--")?.split_once('=')?;
        if value.contains(['"', '\\']) {
            return None;
        }
        if list {
            insert.push_str(&format!(
                "{pad}- name: {name}{eol}{pad}  value: \"{value}\"{eol}"
            ));
        } else {
            insert.push_str(&format!("{pad}{name}: \"{value}\"{eol}"));
        }
    }
    Some(vec![Edit {
        span: Span::new(last_end, last_end),
        replacement: insert,
    }])
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

/// Replaces a config file's written scalar at `location` with the plain scalar `value`
/// (quotes included: a quoted `"true"` would stay a string).
pub(crate) fn set_config_value(
    inventory: &Inventory,
    location: Location,
    value: &str,
) -> Option<Edits> {
    let text = inventory.file(location.file()).text();
    let written = text.get(location.span().range())?;
    if written.contains('\n') || written.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut span = location.span();
    let before = span
        .start
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .copied();
    if let (Some(q @ (b'"' | b'\'')), Some(&e)) = (before, bytes.get(span.end)) {
        if e == q {
            span = Span::new(span.start - 1, span.end + 1);
        }
    }
    let edit = Edit {
        span,
        replacement: value.to_owned(),
    };
    Some(Edits::new(location.file(), vec![edit]))
}

/// Sets field `path` (`authentication.x509.clientCAFile`) of a config document to the plain
/// scalar `value`: the written value in place, or a new `key: value` line under the nearest
/// existing parent (its first child, at its children's indentation), creating the missing
/// parents; with no parent at all, after the document's `kind:` line. `None` when a prefix
/// of `path` is a scalar or null, or the parent is a flow mapping.
pub(crate) fn set_config_field(
    inventory: &Inventory,
    doc: &KubeletConfigDoc,
    path: &str,
    value: &str,
) -> Option<Edits> {
    if let Some(leaf) = doc.fields.get(path) {
        return set_config_value(inventory, leaf.location, value);
    }
    // `x509:` written with no value (or a scalar) would be a duplicate key.
    if doc
        .fields
        .leaves()
        .any(|(p, _)| p == path || path.starts_with(&format!("{p}.")))
    {
        return None;
    }
    let text = inventory.file(doc.file).text();
    let (parent_path, anchor) = match doc.fields.nearest_parent(path) {
        Some(parent) => {
            let span = parent.span();
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let parent_line = &text[line_start..span.start];
            // The parent's dotted path, from how deep its key sits: find it among the prefixes.
            let prefix = path
                .match_indices('.')
                .map(|(i, _)| &path[..i])
                .rfind(|p| {
                    doc.fields.nearest_parent(&format!("{p}.x")) == Some(parent)
                        && doc.fields.nearest_parent(p) != Some(parent)
                })?;
            (Some((prefix, parent_line.len())), span)
        }
        None => (None, doc.kind_location.span()),
    };
    let line_end = text[anchor.end..]
        .find('\n')
        .map_or(text.len(), |i| anchor.end + i + 1);
    let eol = if text[..line_end].ends_with("\r\n")
        || (!text[..line_end].ends_with('\n') && text.contains("\r\n"))
    {
        "\r\n"
    } else {
        "\n"
    };
    let rest_of_line = text[anchor.end..line_end].trim_end_matches(['\n', '\r']);
    let (segments, indent, step) = match parent_path {
        Some((prefix, parent_indent)) => {
            // `key:` then nothing (or a comment): a block mapping follows.
            let after_colon = rest_of_line.trim_start().strip_prefix(':')?.trim();
            if !(after_colon.is_empty() || after_colon.starts_with('#')) {
                return None;
            }
            let next = text[line_end..]
                .lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| l.len() - l.trim_start_matches(' ').len());
            let child = match next {
                Some(n) if n > parent_indent => n,
                _ => parent_indent + 2,
            };
            let rest = &path[prefix.len() + 1..];
            (rest, child, child - parent_indent)
        }
        None => {
            let line_start = text[..anchor.start].rfind('\n').map_or(0, |i| i + 1);
            let kind_line = &text[line_start..anchor.start];
            let indent = kind_line.len() - kind_line.trim_start_matches(' ').len();
            (path, indent, 2)
        }
    };
    let parts: Vec<&str> = segments.split('.').collect();
    let mut insert = String::new();
    if !text[..line_end].ends_with('\n') {
        insert.push_str(eol);
    }
    for (depth, part) in parts.iter().enumerate() {
        let pad = " ".repeat(indent + depth * step);
        if depth + 1 == parts.len() {
            insert.push_str(&format!("{pad}{part}: {value}{eol}"));
        } else {
            insert.push_str(&format!("{pad}{part}:{eol}"));
        }
    }
    let edit = Edit {
        span: Span::new(line_end, line_end),
        replacement: insert,
    };
    Some(Edits::new(doc.file, vec![edit]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last(text: &str) -> Option<&str> {
        let key = text
            .find("command")
            .map(|i| Span::new(i, i + "command".len()))?;
        let item = last_item(text, key)?;
        Some(&text[item.outer.range()])
    }

    #[test]
    fn the_last_item_of_a_list_without_flags() {
        let block = "    command:\n    - kube-apiserver # the program\n    image: x\n";
        assert_eq!(last(block), Some("kube-apiserver"));
        assert_eq!(
            last("command:\n- 'kube-apiserver'\r\nimage: x\r\n"),
            Some("'kube-apiserver'")
        );
        assert_eq!(
            last("    command: [\"kube-apiserver\"]\n"),
            Some("\"kube-apiserver\"")
        );
        assert_eq!(last("    command: [a, b]  # c\n"), Some("b"));
        assert_eq!(last("    command: []\n"), None);
        assert_eq!(last("    command:\n    - >-\n      kube-apiserver\n"), None);
        assert_eq!(last("    command:\n    image: x\n"), None);
    }

    fn field(body: &str, path: &str) -> Option<String> {
        let text = crate::testing::kubelet_config(body);
        let mut builder = kubeharden_core::InventoryBuilder::new(Default::default());
        builder.add_file(kubeharden_core::SourceFile::new(
            "config.yaml",
            text.as_str(),
        ));
        let inventory = builder.build();
        let doc = inventory
            .kubelets()
            .into_iter()
            .find_map(|k| k.sources.config)?;
        let edits = set_config_field(&inventory, doc, path, "/ca.crt")?;
        let [edit] = edits.edits.as_slice() else {
            panic!("one insertion: {edits:?}");
        };
        let mut fixed = text.clone();
        fixed.replace_range(edit.span.range(), &edit.replacement);
        Some(fixed[fixed.find("KubeletConfiguration\n")? + 21..].to_owned())
    }

    #[test]
    fn a_missing_config_field_goes_under_its_nearest_parent() {
        let path = "authentication.x509.clientCAFile";
        assert_eq!(
            field("", path).as_deref(),
            Some("authentication:\n  x509:\n    clientCAFile: /ca.crt\n")
        );
        assert_eq!(
            field(
                "authentication:\n    webhook:\n        enabled: true\n",
                path
            )
            .as_deref(),
            Some(
                "authentication:\n    x509:\n        clientCAFile: /ca.crt\n    webhook:\n        enabled: true\n"
            )
        );
        assert_eq!(
            field("authentication:\n  x509:\n    clientCAFile: old\n", path).as_deref(),
            Some("authentication:\n  x509:\n    clientCAFile: /ca.crt\n")
        );
        // A null `x509:` or a flow mapping: no safe place to write.
        assert_eq!(field("authentication:\n  x509:\n", path), None);
        assert_eq!(
            field("authentication: {webhook: {enabled: true}}\n", path),
            None
        );
    }

    #[test]
    fn removing_a_flow_item_takes_one_comma() {
        let text = "command: [a, --x, b]\n";
        let start = text.find("--x").unwrap_or(0);
        let span = remove_words(text, &[Span::new(start, start + 3)]);
        assert_eq!(span.map(|s| &text[s.range()]), Some(", --x"));
        let text = "args: [\"--x\", b]\n";
        let span = remove_words(text, &[Span::new(8, 11)]);
        assert_eq!(span.map(|s| &text[s.range()]), Some("\"--x\", "));
    }
}

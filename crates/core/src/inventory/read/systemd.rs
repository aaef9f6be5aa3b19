//! systemd units and drop-ins, and the services they describe together with the environment
//! files they load: one [`Process`] per service.
//!
//! systemd expands `$NAME` in `ExecStart=` into the variable's value split at whitespace (no
//! quote removal) and `${NAME}` into exactly one word; variables from `EnvironmentFile=` beat
//! those from `Environment=`, and a later file beats an earlier one. Each word keeps the file
//! it was written in, so a flag from `kubeadm-flags.env` is reported there.

use std::path::Path;

use super::{Assembled, CommentSyntax, EnvFileDoc, FileKind, Format, path_names};
use crate::component::{Component, basename};
use crate::flags::{self, FlagSet, Word};
use crate::inventory::workload::{classify_argv, run_image};
use crate::inventory::{
    Detection, EnvVar, FileId, InputProblem, InputProblemKind, Inventory, Origin, Process,
    shared_components,
};
use crate::source::{Located, Location, MappedText, SourceFile, Span, Spanned};
use crate::sources::systemd::{ExecStart, UnitFile};
use crate::version::version_from_image;

/// A unit file or drop-in.
#[derive(Clone, Debug)]
pub struct UnitDoc {
    pub file: FileId,
    /// The service it configures, `kubelet.service`; `None` for a drop-in found outside a
    /// `<unit>.service.d` directory (its command decides which component it is).
    pub unit: Option<String>,
    pub dropin: bool,
    pub parsed: UnitFile,
}

/// systemd's unit directories, relative to a node's root, most important first.
pub const UNIT_DIRECTORIES: &[&str] = &[
    "etc/systemd/system",
    "run/systemd/system",
    "usr/lib/systemd/system",
    "lib/systemd/system",
];

/// Units of the components kubeharden reads.
pub const UNIT_NAMES: &[&str] = &[
    "kubelet.service",
    "kube-apiserver.service",
    "etcd.service",
    "kube-controller-manager.service",
    "kube-scheduler.service",
    // Container Linux (CoreOS) ran etcd as these.
    "etcd-member.service",
    "etcd2.service",
];

pub(super) const FORMAT: Format = Format {
    detect,
    walked,
    comments: CommentSyntax::WholeLines,
    read,
    assemble: Some(assemble),
};

/// `*.service`, a `*.conf` in a `<unit>.service.d` directory, or an extension-less or
/// `*.conf` file whose content is a unit's (a drop-in found elsewhere, a unit kept under
/// another name): see [`looks_like_unit`].
fn detect(path: &Path, text: &str) -> Option<FileKind> {
    let [name, parent, _] = path_names(path);
    if let Some(unit) = name.strip_suffix(".service").filter(|u| !u.is_empty()) {
        return Some(FileKind::Unit {
            unit: Some(format!("{unit}.service")),
            dropin: false,
        });
    }
    if name.ends_with(".conf")
        && let Some(unit) = parent
            .strip_suffix(".d")
            .filter(|u| u.ends_with(".service"))
    {
        return Some(FileKind::Unit {
            unit: Some(unit.to_owned()),
            dropin: true,
        });
    }
    if !FileKind::may_be_walked_by_content(path) {
        return None;
    }
    // A `.conf` with a `[Service]` section anywhere is a drop-in; an extension-less file must
    // start like a unit (a cloud-init `user-data` embeds units in YAML strings).
    let has_service =
        name.ends_with(".conf") && text.lines().any(|line| line.trim() == "[Service]");
    (has_service || looks_like_unit(text)).then(|| FileKind::Unit {
        unit: None,
        // A whole unit starts with `[Unit]`; a drop-in usually holds only `[Service]`.
        dropin: !text.lines().any(|line| line.trim() == "[Unit]"),
    })
}

/// Whether `text` starts like a unit or drop-in: its first line that is neither blank nor a
/// comment is a `[Unit]` or `[Service]` section header.
pub(super) fn looks_like_unit(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with(';'))
        .is_some_and(|line| line == "[Unit]" || line == "[Service]")
}

fn walked(path: &Path) -> bool {
    let [_, parent, _] = path_names(path);
    match path.extension().and_then(|e| e.to_str()) {
        Some("service") => true,
        Some("conf") => parent.ends_with(".service.d"),
        _ => false,
    }
}

fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, kind: &FileKind) {
    let (unit, dropin) = match kind {
        FileKind::Unit { unit, dropin } => (unit.clone(), *dropin),
        _ => (None, false),
    };
    inventory.units.push(UnitDoc {
        file: id,
        unit,
        dropin,
        parsed: crate::sources::systemd::parse_unit(file.text()),
    });
}

/// Rank of the directory holding a unit file: lower wins.
fn dir_rank(path: &Path) -> usize {
    let text = path.to_string_lossy();
    UNIT_DIRECTORIES
        .iter()
        .position(|dir| text.contains(dir))
        .unwrap_or(UNIT_DIRECTORIES.len())
}

/// One variable's value and the file it is written in.
#[derive(Clone, Copy)]
struct Var<'i> {
    file: FileId,
    value: &'i MappedText,
}

/// The process of every service, from the units, drop-ins and environment files read. A
/// drop-in joins the unit of its name in the same directory tree ([`tree_of`]): the files of
/// two nodes linted in one run stay two services.
fn assemble(inventory: &Inventory) -> Assembled {
    let mut services: Vec<(&Path, Option<String>, Vec<&UnitDoc>)> = Vec::new();
    for unit in &inventory.units {
        let tree = tree_of(inventory.file(unit.file).path());
        match services
            .iter_mut()
            .find(|(root, name, _)| name.is_some() && *name == unit.unit && *root == tree)
        {
            Some((_, _, members)) => members.push(unit),
            None => services.push((tree, unit.unit.clone(), vec![unit])),
        }
    }
    let mut assembled = Assembled::default();
    for (_, name, members) in services {
        let ordered = order_unit_files(inventory, &members);
        if let Some(process) = service_process(inventory, name, &ordered, &mut assembled.problems) {
            assembled.processes.push(process);
        }
    }
    assembled
}

/// The directory tree a unit file or drop-in belongs to: what comes before the unit directory
/// holding it (`node-a` for `node-a/etc/systemd/system/kubelet.service.d/10-kubeadm.conf`),
/// else the directory holding it, or holding its `*.service.d` directory.
pub(super) fn tree_of(path: &Path) -> &Path {
    for ancestor in path.ancestors().skip(1) {
        if let Some(dir) = UNIT_DIRECTORIES.iter().find(|dir| ancestor.ends_with(dir)) {
            let depth = Path::new(dir).components().count();
            return ancestor.ancestors().nth(depth).unwrap_or(Path::new(""));
        }
    }
    let parent = path.parent().unwrap_or(Path::new(""));
    match parent.file_name().and_then(|n| n.to_str()) {
        Some(name) if name.ends_with(".service.d") => parent.parent().unwrap_or(Path::new("")),
        _ => parent,
    }
}

/// The unit file systemd uses (the one in the most important directory), then the drop-ins
/// in name order (a drop-in in a more important directory replaces one of the same name).
fn order_unit_files<'i>(inventory: &'i Inventory, members: &[&'i UnitDoc]) -> Vec<&'i UnitDoc> {
    let path = |unit: &UnitDoc| inventory.file(unit.file).path();
    let main = members
        .iter()
        .copied()
        .filter(|unit| !unit.dropin)
        .min_by_key(|unit| dir_rank(path(unit)));
    let mut dropins: Vec<&UnitDoc> = members.iter().copied().filter(|u| u.dropin).collect();
    dropins.sort_by(|a, b| {
        path(a)
            .file_name()
            .cmp(&path(b).file_name())
            .then(dir_rank(path(a)).cmp(&dir_rank(path(b))))
    });
    dropins.dedup_by(|b, a| path(a).file_name() == path(b).file_name());
    main.into_iter().chain(dropins).collect()
}

fn service_process(
    inventory: &Inventory,
    name: Option<String>,
    ordered: &[&UnitDoc],
    problems: &mut Vec<InputProblem>,
) -> Option<Process> {
    // The command: the last ExecStart= after the last reset, with its file.
    let mut exec: Option<(FileId, &ExecStart)> = None;
    for unit in ordered {
        for line in &unit.parsed.exec_start {
            exec = line.as_ref().map(|e| (unit.file, e));
        }
    }
    let (vars, unresolved_files) = variables(inventory, ordered);
    let Some((exec_file, exec)) = exec else {
        return shipped_service(name.as_deref()?, ordered, &vars);
    };
    let lookup = |wanted: &str| {
        vars.iter()
            .rev()
            .find(|(name, _, _)| name == wanted)
            .map(|(_, file, value)| Var { file: *file, value })
    };

    let commands = match flags::shell::split_script(&exec.command) {
        Ok(commands) => commands,
        Err(error) => {
            problems.push(InputProblem {
                location: Location::new(exec_file, error.span),
                kind: InputProblemKind::Shell(error.message),
            });
            return None;
        }
    };
    let command = commands.into_iter().next()?;
    let mut words = Vec::new();
    let mut undefined = Vec::new();
    // On a node every file that could define a variable was read: systemd expands an
    // undefined one to nothing. Among files from a repository, a drop-in that defines it may
    // simply not be in the set: the word stays where it is, as an unknown value (of the flag
    // before it) or an unknown word, so the words after it keep their places.
    for word in command.words {
        expand_word(
            Word::written(exec_file, word),
            &lookup,
            &mut words,
            &mut undefined,
            !inventory.options.node_root,
        );
    }
    // An undefined variable may hold flags when an environment file the units name was not
    // read: then the command line is not complete.
    let unresolved: Vec<Located<String>> = if undefined.is_empty() {
        Vec::new()
    } else {
        unresolved_files
            .into_iter()
            .map(|(file, path)| {
                Located::new(
                    format!("EnvironmentFile={}", path.value),
                    Location::new(file, path.span),
                )
            })
            .collect()
    };

    let mut shell_problem = None;
    let (component, detection, flag_words) = classify_argv(&words, &mut shell_problem)?;
    // The version: the tag of the image a runtime runs, or the one CoreOS's kubelet-wrapper
    // composes from its variables.
    let image = run_image(&words)
        .map(|word| {
            Located::new(
                word.text.text.clone(),
                Location::new(word.file, word.text.span),
            )
        })
        .or_else(|| {
            let program = words.first()?;
            (basename(&program.text.text) == "kubelet-wrapper")
                .then(|| kubelet_wrapper_image(&lookup))
                .flatten()
        });
    let env = vars
        .iter()
        .map(|(var_name, file, value)| EnvVar {
            name: Located::new(var_name.clone(), Location::new(*file, value.span)),
            value: Some(value.clone()),
        })
        .collect();
    Some(Process {
        file: exec_file,
        origin: Origin::Service {
            unit: name.unwrap_or_else(|| format!("{}.service", component.name())),
        },
        image_version: image.as_ref().and_then(|i| version_from_image(&i.value)),
        image,
        component: Some(component),
        detection: Some(detection),
        flags: FlagSet::parse(component, &flag_words),
        flags_anchor: exec.key_span,
        env,
        unresolved,
    })
}

/// One variable of a service: its name, the file it is set in, and its value.
type ServiceVar = (String, FileId, MappedText);

/// A service's variables, `Environment=` in order, then `EnvironmentFile=` in order (later
/// wins), and the environment files it names that were not read.
fn variables(
    inventory: &Inventory,
    ordered: &[&UnitDoc],
) -> (Vec<ServiceVar>, Vec<(FileId, Spanned<String>)>) {
    let mut vars: Vec<ServiceVar> = Vec::new();
    let mut unresolved_files = Vec::new();
    for unit in ordered {
        for assignment in &unit.parsed.environment {
            vars.push((assignment.name.clone(), unit.file, assignment.value.clone()));
        }
    }
    for unit in ordered {
        for env_file in &unit.parsed.environment_files {
            let unit_path = inventory.file(unit.file).path();
            match find_env_file(inventory, unit_path, &env_file.path.value) {
                Some(doc) => vars.extend(
                    doc.vars
                        .iter()
                        .map(|a| (a.name.clone(), doc.file, a.value.clone())),
                ),
                None if env_file.optional && inventory.options.node_root => {}
                None => unresolved_files.push((unit.file, env_file.path.clone())),
            }
        }
    }
    (vars, unresolved_files)
}

/// Units Container Linux (CoreOS) shipped, configured by drop-ins that set `ETCD_*`
/// variables: the component, and the variable the shipped `ExecStart=` expands
/// (`/usr/lib/coreos/etcd-wrapper $ETCD_OPTS`, `/usr/bin/etcd2`).
const SHIPPED_UNITS: &[(&str, Component, Option<&str>)] = &[
    ("etcd-member.service", Component::Etcd, Some("ETCD_OPTS")),
    ("etcd2.service", Component::Etcd, None),
];

/// The process of a shipped unit whose files read hold no `ExecStart=`: the drop-ins only
/// set its variables, and the shipped command is assumed.
fn shipped_service(name: &str, ordered: &[&UnitDoc], vars: &[ServiceVar]) -> Option<Process> {
    let &(unit, component, args_var) = SHIPPED_UNITS.iter().find(|(unit, ..)| *unit == name)?;
    let lookup = |wanted: &str| vars.iter().rev().find(|(name, ..)| name == wanted);
    let mut words = Vec::new();
    if let Some((_, file, value)) = args_var.and_then(lookup) {
        value_words(*file, value, &mut words);
    }
    // A missing setting belongs with the variables the drop-ins set.
    let holder = ordered.last()?.file;
    let anchor = vars
        .iter()
        .rev()
        .find(|(name, file, _)| *file == holder && name.starts_with("ETCD_"))
        .map_or(Span::at(0), |(_, _, value)| value.span);
    Some(Process {
        file: holder,
        origin: Origin::PackagedUnit {
            unit: unit.to_owned(),
            packaging: "Container Linux (CoreOS)",
        },
        image: None,
        component: Some(component),
        detection: Some(Detection::Binary),
        image_version: None,
        flags: FlagSet::parse(component, &words),
        flags_anchor: anchor,
        env: vars
            .iter()
            .map(|(var_name, file, value)| EnvVar {
                name: Located::new(var_name.clone(), Location::new(*file, value.span)),
                value: Some(value.clone()),
            })
            .collect(),
        unresolved: Vec::new(),
    })
}

/// The image CoreOS's `kubelet-wrapper` runs: `KUBELET_IMAGE`, else `KUBELET_IMAGE_URL`
/// (`quay.io/coreos/hyperkube` when unset) tagged `KUBELET_IMAGE_TAG` (or the older
/// `KUBELET_VERSION`), located at the variable that names the tag.
fn kubelet_wrapper_image<'i>(lookup: &impl Fn(&str) -> Option<Var<'i>>) -> Option<Located<String>> {
    let located =
        |var: Var<'_>, value: String| Located::new(value, Location::new(var.file, var.value.span));
    if let Some(image) = lookup("KUBELET_IMAGE") {
        return Some(located(
            image,
            without_transport(&image.value.text).to_owned(),
        ));
    }
    let tag = lookup("KUBELET_IMAGE_TAG").or_else(|| lookup("KUBELET_VERSION"))?;
    let repository = lookup("KUBELET_IMAGE_URL")
        .or_else(|| lookup("KUBELET_ACI"))
        .map_or("quay.io/coreos/hyperkube", |url| {
            without_transport(&url.value.text)
        });
    Some(located(tag, format!("{repository}:{}", tag.value.text)))
}

/// An rkt image name without its transport (`docker://`).
fn without_transport(image: &str) -> &str {
    image.split_once("://").map_or(image, |(_, name)| name)
}

/// The environment file a unit at `unit_path` loads as `named` (`/etc/kubernetes/apiserver`),
/// if it was read: under a node's root, the file at that path; among files from a repository,
/// the one whose path ends with the longest part of `named` (at least its directory and file
/// name, `repo/etc/kubernetes/apiserver`, or only its name within the unit's tree), and of
/// those the one closest to the unit. A file whose root (its path without that part) is
/// another node's tree, one holding units, belongs to that node, not to this unit's.
pub(super) fn find_env_file<'i>(
    inventory: &'i Inventory,
    unit_path: &Path,
    named: &str,
) -> Option<&'i EnvFileDoc> {
    let wanted = Path::new(named.trim_start_matches('/'));
    let wanted_len = wanted.components().count();
    let unit_tree = tree_of(unit_path);
    let mut best: Option<((bool, usize, usize), &EnvFileDoc)> = None;
    for doc in &inventory.env_files {
        let path = inventory.file(doc.file).path();
        let suffix = path
            .components()
            .rev()
            .zip(wanted.components().rev())
            .take_while(|(a, b)| a == b)
            .count();
        // Under a node's root, the whole path; elsewhere at least the directory and the name,
        // or the name alone for a file in the unit's own tree (`init/systemd/environ/apiserver`
        // next to `init/systemd/kube-apiserver.service`).
        let needed = if inventory.options.node_root {
            wanted_len
        } else if path.starts_with(unit_tree) {
            1
        } else {
            wanted_len.min(2)
        };
        if suffix == 0 || suffix < needed {
            continue;
        }
        let root = path.ancestors().nth(suffix).unwrap_or(Path::new(""));
        let own_tree = unit_path.starts_with(root);
        let other_node = || {
            inventory
                .units
                .iter()
                .any(|unit| tree_of(inventory.file(unit.file).path()) == root)
        };
        if !own_tree && other_node() {
            continue;
        }
        let score = (own_tree, suffix, shared_components(path, unit_path));
        if best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, doc));
        }
    }
    best.map(|(_, doc)| doc)
}

/// Appends the words `word` stands for: itself, or a variable's value. A variable inside a
/// word (`--data-dir=${DIR}`) stays as written: it can only change that flag's value. An
/// undefined whole-word variable is recorded in `undefined`, and kept as a word when
/// `keep_undefined`.
fn expand_word<'i>(
    word: Word,
    lookup: &impl Fn(&str) -> Option<Var<'i>>,
    words: &mut Vec<Word>,
    undefined: &mut Vec<String>,
    keep_undefined: bool,
) {
    let text = word.text.text.as_str();
    let whole = text
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .map(|name| (name, true))
        .or_else(|| text.strip_prefix('$').map(|name| (name, false)))
        .filter(|(name, _)| is_var_name(name));
    let Some((name, braced)) = whole else {
        words.push(word);
        return;
    };
    let Some(var) = lookup(name) else {
        undefined.push(name.to_owned());
        if keep_undefined {
            words.push(word);
        }
        return;
    };
    if braced {
        words.push(Word::written(var.file, var.value.clone()));
        return;
    }
    value_words(var.file, var.value, words);
}

/// Appends the words a `$NAME` stands for whose value is `value`, written in `file`: the value
/// split at whitespace, quotes kept.
pub(super) fn value_words(file: FileId, value: &MappedText, words: &mut Vec<Word>) {
    let mut start = None;
    for (offset, c) in value.text.char_indices().chain([(value.text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(offset),
            (true, Some(s)) => {
                words.push(Word::written(file, value.slice(s..offset)));
                start = None;
            }
            _ => {}
        }
    }
}

fn is_var_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

//! systemd units and drop-ins, and the services they describe together with the environment
//! files they load: one [`Process`] per service.
//!
//! systemd expands `$NAME` in `ExecStart=` into the variable's value split at whitespace (no
//! quote removal) and `${NAME}` into exactly one word; variables from `EnvironmentFile=` beat
//! those from `Environment=`, and a later file beats an earlier one. Each word keeps the file
//! it was written in, so a flag from `kubeadm-flags.env` is reported there.

use std::path::Path;

use super::{Assembled, CommentSyntax, EnvFileDoc, FileKind, Format, path_names};
use crate::flags::{self, FlagSet, Word};
use crate::inventory::workload::classify_argv;
use crate::inventory::{
    EnvVar, FileId, InputProblem, InputProblemKind, Inventory, Origin, Process,
};
use crate::source::{Located, Location, MappedText, SourceFile};
use crate::sources::systemd::{ExecStart, UnitFile};

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
];

pub(super) const FORMAT: Format = Format {
    detect,
    walked,
    comments: CommentSyntax::WholeLines,
    read,
    assemble: Some(assemble),
};

/// `*.service`, a `*.conf` in a `<unit>.service.d` directory, or a `*.conf` with a
/// `[Service]` section (a drop-in found elsewhere).
fn detect(path: &Path, text: &str) -> Option<FileKind> {
    let [name, parent, _] = path_names(path);
    if let Some(unit) = name.strip_suffix(".service").filter(|u| !u.is_empty()) {
        return Some(FileKind::Unit {
            unit: Some(format!("{unit}.service")),
            dropin: false,
        });
    }
    if !name.ends_with(".conf") {
        return None;
    }
    if let Some(unit) = parent
        .strip_suffix(".d")
        .filter(|u| u.ends_with(".service"))
    {
        return Some(FileKind::Unit {
            unit: Some(unit.to_owned()),
            dropin: true,
        });
    }
    text.lines()
        .any(|line| line.trim() == "[Service]")
        .then_some(FileKind::Unit {
            unit: None,
            dropin: true,
        })
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

/// The process of every service, from the units, drop-ins and environment files read.
fn assemble(inventory: &Inventory) -> Assembled {
    let mut services: Vec<(Option<String>, Vec<&UnitDoc>)> = Vec::new();
    for unit in &inventory.units {
        match services
            .iter_mut()
            .find(|(name, _)| name.is_some() && *name == unit.unit)
        {
            Some((_, members)) => members.push(unit),
            None => services.push((unit.unit.clone(), vec![unit])),
        }
    }
    let mut assembled = Assembled::default();
    for (name, members) in services {
        let ordered = order_unit_files(inventory, &members);
        if let Some(process) = service_process(inventory, name, &ordered, &mut assembled.problems) {
            assembled.processes.push(process);
        }
    }
    assembled
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
    let (exec_file, exec) = exec?;

    // Variables: Environment= in order, then EnvironmentFile= in order, later wins.
    let mut vars: Vec<(String, FileId, MappedText)> = Vec::new();
    let mut unresolved_files = Vec::new();
    for unit in ordered {
        for assignment in &unit.parsed.environment {
            vars.push((assignment.name.clone(), unit.file, assignment.value.clone()));
        }
    }
    for unit in ordered {
        for env_file in &unit.parsed.environment_files {
            match find_env_file(inventory, &env_file.path.value) {
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
    // undefined one to nothing. Among files from a repository, a drop-in or an environment
    // file that defines it may simply not be in the set: the word stays where it is, as an
    // unknown value, so the words after it keep their places.
    let node_complete = inventory.options.node_root;
    for word in command.words {
        expand_word(
            Word::written(exec_file, word),
            &lookup,
            &mut words,
            &mut undefined,
            !node_complete,
        );
    }
    // An undefined variable may hold flags when a file that could define it was not read: an
    // environment file the units name (listed), or else, among files from a repository, any
    // (the variable is listed).
    let unresolved: Vec<Located<String>> = if undefined.is_empty() {
        Vec::new()
    } else if !unresolved_files.is_empty() {
        unresolved_files
            .into_iter()
            .map(|(file, path)| {
                Located::new(
                    format!("EnvironmentFile={}", path.value),
                    Location::new(file, path.span),
                )
            })
            .collect()
    } else if node_complete {
        Vec::new()
    } else {
        undefined
            .into_iter()
            .map(|name| name.map(|name| format!("${name} (defined in no file linted)")))
            .collect()
    };

    let mut shell_problem = None;
    let (component, detection, flag_words) = classify_argv(&words, &mut shell_problem)?;
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
        image: None,
        component: Some(component),
        detection: Some(detection),
        image_version: None,
        flags: FlagSet::parse(component, &flag_words),
        flags_anchor: exec.key_span,
        env,
        unresolved,
    })
}

/// The environment file at `path` (as a unit names it), if it was read.
fn find_env_file<'i>(inventory: &'i Inventory, path: &str) -> Option<&'i EnvFileDoc> {
    let wanted = Path::new(path.trim_start_matches('/'));
    inventory
        .env_files
        .iter()
        .find(|doc| inventory.file(doc.file).path().ends_with(wanted))
}

/// Appends the words `word` stands for: itself, or a variable's value. A variable inside a
/// word (`--data-dir=${DIR}`) stays as written: it can only change that flag's value. An
/// undefined whole-word variable is recorded in `undefined`, and kept as a word when
/// `keep_undefined`.
fn expand_word<'i>(
    word: Word,
    lookup: &impl Fn(&str) -> Option<Var<'i>>,
    words: &mut Vec<Word>,
    undefined: &mut Vec<Located<String>>,
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
        undefined.push(Located::new(
            name.to_owned(),
            word.location_of(0..word.text.text.len()),
        ));
        if keep_undefined {
            words.push(word);
        }
        return;
    };
    if braced {
        words.push(Word::written(var.file, var.value.clone()));
        return;
    }
    let value = var.value;
    let mut start = None;
    for (offset, c) in value.text.char_indices().chain([(value.text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(offset),
            (true, Some(s)) => {
                words.push(Word::written(var.file, value.slice(s..offset)));
                start = None;
            }
            _ => {}
        }
    }
}

fn is_var_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

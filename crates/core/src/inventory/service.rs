//! Components run as systemd services: a unit, its drop-ins and the environment files they
//! read, assembled into one [`Process`] per service.
//!
//! systemd expands `$NAME` in `ExecStart=` into the variable's value split at whitespace (no
//! quote removal) and `${NAME}` into exactly one word; variables from `EnvironmentFile=` beat
//! those from `Environment=`, and a later file beats an earlier one. Each word keeps the file
//! it was written in, so a flag from `kubeadm-flags.env` is reported there.

use std::path::Path;

use super::process::{Origin, Process};
use super::workload::{EnvVar, classify_argv};
use super::{FileId, InputProblem, InputProblemKind, Inventory};
use crate::flags::{self, FlagSet, Word};
use crate::source::{Located, Location, MappedText};
use crate::sources::systemd::{Assignment, ExecStart, UnitFile};

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

/// An environment file (`kubeadm-flags.env`, `/etc/default/kubelet`).
#[derive(Clone, Debug)]
pub struct EnvFileDoc {
    pub file: FileId,
    pub vars: Vec<Assignment>,
}

/// systemd's unit directories, most important first.
const UNIT_DIRS: &[&str] = &[
    "etc/systemd/system",
    "run/systemd/system",
    "usr/lib/systemd/system",
    "lib/systemd/system",
];

/// Rank of the directory holding a unit file: lower wins.
fn dir_rank(path: &Path) -> usize {
    let text = path.to_string_lossy();
    UNIT_DIRS
        .iter()
        .position(|dir| text.contains(dir))
        .unwrap_or(UNIT_DIRS.len())
}

/// One variable's value and the file it is written in.
#[derive(Clone, Copy)]
struct Var<'i> {
    file: FileId,
    value: &'i MappedText,
}

impl Inventory {
    /// Rebuilds the processes of every service from the units and environment files read so
    /// far. Called after each round of reading referenced files.
    pub fn assemble_services(&mut self) {
        self.processes
            .retain(|p| !matches!(p.origin, Origin::Service { .. }));
        let mut services: Vec<(Option<String>, Vec<usize>)> = Vec::new();
        for (index, unit) in self.units.iter().enumerate() {
            match services
                .iter_mut()
                .find(|(name, _)| name.is_some() && *name == unit.unit)
            {
                Some((_, members)) => members.push(index),
                None => services.push((unit.unit.clone(), vec![index])),
            }
        }
        for (name, members) in services {
            let ordered = self.order_unit_files(&members);
            if let Some(process) = self.service_process(name, &ordered) {
                self.processes.push(process);
            }
        }
    }

    /// The unit file systemd uses (the one in the most important directory), then the
    /// drop-ins in name order (a drop-in in a more important directory replaces one of the
    /// same name).
    fn order_unit_files(&self, members: &[usize]) -> Vec<usize> {
        let path = |i: usize| self.file(self.units[i].file).path();
        let main = members
            .iter()
            .copied()
            .filter(|&i| !self.units[i].dropin)
            .min_by_key(|&i| dir_rank(path(i)));
        let mut dropins: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| self.units[i].dropin)
            .collect();
        dropins.sort_by(|&a, &b| {
            path(a)
                .file_name()
                .cmp(&path(b).file_name())
                .then(dir_rank(path(a)).cmp(&dir_rank(path(b))))
        });
        dropins.dedup_by(|b, a| path(*a).file_name() == path(*b).file_name());
        main.into_iter().chain(dropins).collect()
    }

    fn service_process(&mut self, name: Option<String>, ordered: &[usize]) -> Option<Process> {
        // The command: the last ExecStart= after the last reset, with its file.
        let mut exec: Option<(FileId, &ExecStart)> = None;
        for &i in ordered {
            for line in &self.units[i].parsed.exec_start {
                exec = line.as_ref().map(|e| (self.units[i].file, e));
            }
        }
        let (exec_file, exec) = exec?;
        let exec = exec.clone();

        // Variables: Environment= in order, then EnvironmentFile= in order, later wins.
        let mut vars: Vec<(String, FileId, MappedText)> = Vec::new();
        let mut unresolved_files = Vec::new();
        for &i in ordered {
            let unit = &self.units[i];
            for assignment in &unit.parsed.environment {
                vars.push((assignment.name.clone(), unit.file, assignment.value.clone()));
            }
        }
        for &i in ordered {
            for env_file in &self.units[i].parsed.environment_files {
                match self.find_env_file(&env_file.path.value) {
                    Some(doc) => vars.extend(
                        doc.vars
                            .iter()
                            .map(|a| (a.name.clone(), doc.file, a.value.clone())),
                    ),
                    None if env_file.optional && self.node_root_scanned => {}
                    None => unresolved_files.push((self.units[i].file, env_file.path.clone())),
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
                self.problems.push(InputProblem {
                    location: Location::new(exec_file, error.span),
                    kind: InputProblemKind::Shell(error.message),
                });
                return None;
            }
        };
        let command = commands.into_iter().next()?;
        let mut words = Vec::new();
        let mut undefined = Vec::new();
        for word in command.words {
            expand_word(
                Word::written(exec_file, word),
                &lookup,
                &mut words,
                &mut undefined,
            );
        }
        // An undefined variable expands to nothing, unless an environment file that was not
        // read could define it: then flags may hide there.
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
    fn find_env_file(&self, path: &str) -> Option<&EnvFileDoc> {
        let wanted = Path::new(path.trim_start_matches('/'));
        self.env_files
            .iter()
            .find(|doc| self.file(doc.file).path().ends_with(wanted))
    }
}

/// Appends the words `word` stands for: itself, or a variable's value. A variable inside a
/// word (`--data-dir=${DIR}`) stays as written: it can only change that flag's value. An
/// undefined whole-word variable is recorded in `undefined`.
fn expand_word<'i>(
    word: Word,
    lookup: &impl Fn(&str) -> Option<Var<'i>>,
    words: &mut Vec<Word>,
    undefined: &mut Vec<String>,
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

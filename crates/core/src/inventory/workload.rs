//! Pods and pod templates, and which control-plane component each container runs.

use super::objects::{Meta, string_map};
use super::process::{Origin, Process};
use super::{FileId, InputProblem, InputProblemKind, Inventory};
use crate::component::{Component, basename};
use crate::flags::{self, FlagSet, Word};
use crate::source::{Located, Location, MappedText};
use crate::version::version_from_image;
use crate::yaml::NodeRef;

/// A Pod, or a workload with a pod template.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Workload {
    pub file: FileId,
    /// `Pod`, `Deployment`, `DaemonSet`, ...
    pub kind: String,
    pub kind_location: Location,
    pub meta: Meta,
    /// Labels of the pods it runs (`spec.template.metadata.labels`, or the Pod's own).
    pub pod_labels: Vec<(String, String)>,
    /// `serviceAccountName` (or the legacy `serviceAccount`); `None` means `default`.
    pub service_account: Option<Located<String>>,
}

/// How a container's component was recognized.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Detection {
    /// `command[0]` (or the first `args` word) is the component's binary.
    Binary,
    /// `hyperkube <subcommand>`.
    Hyperkube,
    /// The binary is started from a `sh -c` script.
    ShellScript,
    /// No command: the image's entrypoint is the component.
    Image,
    /// No command and an unknown image: `metadata.labels.component` names it.
    Label,
}

/// One `env` entry of a container or `Environment=` assignment of a service.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EnvVar {
    /// The name, in the file it is written in.
    pub name: Located<String>,
    /// `value`, or `None` for `valueFrom` references (their value is not in the file).
    pub value: Option<MappedText>,
}

/// Paths to the pod spec of each workload kind that has one.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "DaemonSet"
        | "StatefulSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        _ => return None,
    })
}

pub(super) fn read_workload(
    inventory: &mut Inventory,
    file: FileId,
    kind: &str,
    kind_location: Location,
    object: NodeRef<'_, '_>,
) {
    let Some(path) = pod_spec_path(kind) else {
        return;
    };
    let Some(pod_spec) = object.path(path) else {
        return;
    };
    let meta = Meta::read(file, object);
    let pod_labels = if kind == "Pod" {
        meta.labels.clone()
    } else {
        object
            .path(&[&path[..path.len() - 1], &["metadata", "labels"]].concat())
            .map(string_map)
            .unwrap_or_default()
    };
    let service_account = pod_spec
        .get("serviceAccountName")
        .or_else(|| pod_spec.get("serviceAccount"))
        .and_then(|n| n.located_string(file));
    let label_component = meta
        .labels
        .iter()
        .chain(&pod_labels)
        .find(|(k, _)| k == "component")
        .and_then(|(_, v)| Component::from_binary(v));
    inventory.workloads.push(Workload {
        file,
        kind: kind.to_owned(),
        kind_location,
        meta,
        pod_labels,
        service_account,
    });
    let workload = inventory.workloads.len() - 1;
    let containers = ["initContainers", "containers"]
        .into_iter()
        .filter_map(|key| pod_spec.get(key))
        .flat_map(NodeRef::items);
    for container in containers {
        let read = read_container(file, workload, container, label_component, inventory);
        inventory.processes.push(read);
    }
}

fn read_container(
    file: FileId,
    workload: usize,
    container: NodeRef<'_, '_>,
    label_component: Option<Component>,
    inventory: &mut Inventory,
) -> Process {
    let name = container.entry("name");
    let image = container.get("image").and_then(|n| n.located_string(file));
    let command = container.entry("command");
    let args = container.entry("args");
    let flags_anchor = args
        .or(command)
        .or(name)
        .map_or(container.span(), |(key, _)| key.span());
    let words = |entry: Option<(NodeRef<'_, '_>, NodeRef<'_, '_>)>| -> Vec<Word> {
        entry
            .map(|(_, list)| {
                list.items()
                    .filter_map(NodeRef::mapped_text)
                    .map(|text| Word::written(file, text))
                    .collect()
            })
            .unwrap_or_default()
    };
    let command_words = words(command);
    let argv: Vec<Word> = command_words.iter().cloned().chain(words(args)).collect();

    let mut shell_problem = None;
    let classified = match classify_argv(&argv, &mut shell_problem) {
        Some(found) => Some(found),
        // Without a command, the image's entrypoint runs with `args` as its arguments.
        None if command_words.is_empty() => image
            .as_ref()
            .and_then(|i| component_from_image(&i.value))
            .map(|c| (c, Detection::Image, argv.clone()))
            .or_else(|| label_component.map(|c| (c, Detection::Label, argv.clone()))),
        None => None,
    };
    if let Some(problem) = shell_problem {
        inventory.problems.push(InputProblem {
            location: problem.location(),
            kind: InputProblemKind::Shell(problem.value),
        });
    }
    let (component, detection, flag_words) = match classified {
        Some((component, detection, words)) => (Some(component), Some(detection), words),
        None => (None, None, Vec::new()),
    };
    let flags = component.map_or_else(FlagSet::default, |c| FlagSet::parse(c, &flag_words));
    let env = container
        .get("env")
        .into_iter()
        .flat_map(NodeRef::items)
        .filter_map(|var| {
            Some(EnvVar {
                name: var.get("name")?.located_string(file)?,
                value: var.get("value").and_then(NodeRef::mapped_text),
            })
        })
        .collect();
    Process {
        file,
        origin: Origin::Container {
            workload,
            name: name.and_then(|(_, v)| v.located_string(file)),
        },
        unresolved: Vec::new(),
        image_version: image.as_ref().and_then(|i| version_from_image(&i.value)),
        image,
        component,
        detection,
        flags,
        flags_anchor,
        env,
    }
}

/// Shells that run a `-c` script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "busybox"];

/// Container runtimes whose `run` starts an image: `docker run [options] IMAGE [COMMAND...]`.
const RUNTIMES: &[&str] = &["docker", "podman", "nerdctl"];

/// Runtime `run` options that take no value.
const RUNTIME_SWITCHES: &[&str] = &[
    "--rm",
    "-d",
    "--detach",
    "-i",
    "--interactive",
    "-t",
    "--tty",
    "--privileged",
    "--init",
    "--read-only",
    "--read-only-tmpfs",
    "-P",
    "--publish-all",
    "--sig-proxy",
    "-q",
    "--quiet",
    "--no-healthcheck",
    "--oom-kill-disable",
    "--disable-content-trust",
    "--replace",
    "--rmi",
    "--env-host",
    "--http-proxy",
    "--no-hosts",
    "--tls-verify",
    "--passwd",
    "--rootfs",
];

/// Single-letter `run` switches, which may be written together (`-it`, `-dit`).
const RUNTIME_SHORT_SWITCHES: &str = "ditPq";

/// `rkt` options (global and `run`) that take no value, or whose value must be attached
/// with `=` (`--net`).
const RKT_SWITCHES: &[&str] = &[
    "--debug",
    "--trust-keys-from-https",
    "--inherit-env",
    "--interactive",
    "--no-overlay",
    "--mds-register",
    "--net",
    "--private-users",
    "--no-store",
    "--store-only",
    "--insecure-skip-verify",
];

/// What a container runtime's `run` starts: the image word, and the words after it (the
/// image's command, or for `rkt` its app options and, after `--`, the app's arguments).
struct RuntimeRun<'a> {
    runtime: &'a str,
    image: &'a Word,
    rest: &'a [Word],
}

/// The image and what follows it when `argv` is `docker|podman|nerdctl run [options] IMAGE
/// ...` or `rkt [global options] run [options] IMAGE ...`: the runtime's own options are
/// skipped, each with its value when it takes one.
fn runtime_run(argv: &[Word]) -> Option<RuntimeRun<'_>> {
    let runtime = basename(text(argv.first()?));
    let is_rkt = runtime == "rkt";
    if !is_rkt && !RUNTIMES.contains(&runtime) {
        return None;
    }
    let takes_value = |word: &str| {
        if word.contains('=') {
            return false;
        }
        if is_rkt {
            return !RKT_SWITCHES.contains(&word);
        }
        let short_switches = word.len() > 1
            && !word.starts_with("--")
            && word[1..]
                .chars()
                .all(|c| RUNTIME_SHORT_SWITCHES.contains(c));
        !(short_switches || RUNTIME_SWITCHES.contains(&word))
    };
    let mut i = 1;
    // rkt takes global options before `run`.
    while is_rkt && argv.get(i).is_some_and(|w| text(w).starts_with('-')) {
        i += if takes_value(text(&argv[i])) { 2 } else { 1 };
    }
    if argv.get(i).is_none_or(|w| text(w) != "run") {
        return None;
    }
    i += 1;
    while let Some(word) = argv.get(i) {
        let word = text(word);
        if !word.starts_with('-') {
            break;
        }
        i += if takes_value(word) { 2 } else { 1 };
    }
    let image = argv.get(i)?;
    Some(RuntimeRun {
        runtime,
        image,
        rest: &argv[i + 1..],
    })
}

/// The image a container runtime's `run` starts (`ExecStart=/usr/bin/docker run ... IMAGE`),
/// without rkt's `docker://` transport.
pub(super) fn run_image(argv: &[Word]) -> Option<Word> {
    let run = runtime_run(argv)?;
    let written = text(run.image);
    let transport = written.find("://").map_or(0, |i| i + 3);
    Some(Word {
        text: run.image.text.slice(transport..written.len()),
        ..run.image.clone()
    })
}

/// Finds the component an argv runs and the words that are its arguments.
pub(super) fn classify_argv(
    argv: &[Word],
    shell_problem: &mut Option<Located<String>>,
) -> Option<(Component, Detection, Vec<Word>)> {
    let program = argv.first()?;
    let program_name = basename(text(program));
    if let Some(component) = Component::from_binary(text(program)) {
        return Some((component, Detection::Binary, argv[1..].to_vec()));
    }
    if program_name == "hyperkube" {
        let sub = argv.get(1)?;
        let component = Component::from_hyperkube_subcommand(text(sub))?;
        return Some((component, Detection::Hyperkube, argv[2..].to_vec()));
    }
    if program_name == "go-runner" {
        // go-runner's own flags come first; the wrapped program follows them.
        let rest = argv[1..]
            .iter()
            .position(|w| !text(w).starts_with('-'))
            .map_or(&[][..], |i| &argv[1 + i..]);
        return classify_argv(rest, shell_problem);
    }
    if let Some(run) = runtime_run(argv) {
        let image = run_image(argv)?;
        let image = text(&image);
        if run.runtime == "rkt" {
            return classify_rkt_app(image, run.rest, shell_problem);
        }
        let rest = run.rest;
        return match classify_argv(rest, shell_problem) {
            Some(found) => Some(found),
            None if rest.first().is_none_or(|w| text(w).starts_with('-')) => {
                component_from_image(image).map(|c| (c, Detection::Image, rest.to_vec()))
            }
            None => None,
        };
    }
    if SHELLS.contains(&program_name) {
        let mut rest = &argv[1..];
        if program_name == "busybox" && rest.first().is_some_and(|w| SHELLS.contains(&text(w))) {
            rest = &rest[1..];
        }
        // `-c`, or combined short options that include `c` (`-ec`, `-xc`).
        let c_flag = rest.iter().position(|w| {
            let w = text(w);
            w.starts_with('-') && !w.starts_with("--") && w[1..].contains('c')
        })?;
        let script = rest.get(c_flag + 1)?;
        return match flags::shell::split_script(&script.text) {
            Ok(commands) => commands.into_iter().find_map(|command| {
                // The script's words are written where the script is.
                let words: Vec<Word> = command
                    .words
                    .into_iter()
                    .map(|text| Word {
                        text,
                        ..script.clone()
                    })
                    .collect();
                classify_argv(&words, shell_problem)
                    .map(|(component, _, words)| (component, Detection::ShellScript, words))
            }),
            Err(error) => {
                let location = Location::new(script.file, error.span);
                *shell_problem = Some(Located::new(error.message, location));
                None
            }
        };
    }
    None
}

/// The component an rkt app runs: `IMAGE [--exec=PROGRAM] [app options] [-- ARGS...]`
/// (`---` starts the next app). The program is `--exec`'s, else the image's entrypoint.
fn classify_rkt_app(
    image: &str,
    rest: &[Word],
    shell_problem: &mut Option<Located<String>>,
) -> Option<(Component, Detection, Vec<Word>)> {
    let app_end = rest
        .iter()
        .position(|w| text(w) == "---")
        .unwrap_or(rest.len());
    let app = &rest[..app_end];
    let separator = app.iter().position(|w| text(w) == "--");
    let (options, args) = match separator {
        Some(at) => (&app[..at], &app[at + 1..]),
        None => (app, &[][..]),
    };
    let exec = options.iter().rev().find_map(|w| {
        let value = text(w).strip_prefix("--exec=")?;
        let start = text(w).len() - value.len();
        Some(Word {
            text: w.text.slice(start..text(w).len()),
            ..w.clone()
        })
    });
    match exec {
        Some(program) => {
            let argv: Vec<Word> = std::iter::once(program)
                .chain(args.iter().cloned())
                .collect();
            classify_argv(&argv, shell_problem)
        }
        None => classify_argv(args, shell_problem)
            .or_else(|| component_from_image(image).map(|c| (c, Detection::Image, args.to_vec()))),
    }
}

fn text(word: &Word) -> &str {
    &word.text.text
}

/// The component an image runs by default: Kubernetes component images, etcd, and the
/// Dashboard (`kubernetesui/dashboard`, `kubernetes-dashboard-amd64`; not its metrics scraper).
fn component_from_image(image: &str) -> Option<Component> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let repository = match without_digest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => without_digest,
    };
    let name = basename(repository);
    let name = ["-amd64", "-arm64", "-arm", "-ppc64le", "-s390x"]
        .iter()
        .find_map(|arch| name.strip_suffix(arch))
        .unwrap_or(name);
    if name.contains("metrics-scraper") {
        return None;
    }
    match name {
        "kube-apiserver" => Some(Component::ApiServer),
        "kube-controller-manager" => Some(Component::ControllerManager),
        "kube-scheduler" => Some(Component::Scheduler),
        "etcd" => Some(Component::Etcd),
        "kubernetes-dashboard" | "dashboard" => Some(Component::Dashboard),
        _ if repository.contains("kubernetesui/dashboard") => Some(Component::Dashboard),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(
            component_from_image("registry.k8s.io/kube-apiserver:v1.30.2"),
            Some(Component::ApiServer)
        );
        assert_eq!(
            component_from_image("k8s.gcr.io/kube-apiserver-amd64:v1.15.3"),
            Some(Component::ApiServer)
        );
        assert_eq!(
            component_from_image("localhost:5000/etcd"),
            Some(Component::Etcd)
        );
        assert_eq!(
            component_from_image("kubernetesui/dashboard:v2.7.0"),
            Some(Component::Dashboard)
        );
        assert_eq!(
            component_from_image("kubernetesui/dashboard-api:1.4.0"),
            Some(Component::Dashboard)
        );
        assert_eq!(
            component_from_image("kubernetesui/metrics-scraper:v1.0.8"),
            None
        );
        assert_eq!(component_from_image("nginx:1.25"), None);
    }
}

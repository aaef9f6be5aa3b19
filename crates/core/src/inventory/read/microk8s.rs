//! MicroK8s args files: `/var/snap/microk8s/current/args/<component>`, one component's
//! command line, one flag per line, with `#` comments. The snap's service wrapper hands the
//! file to bash as an array literal (`declare -a args="($(cat ...))"`), so quotes are removed
//! and `${SNAP_DATA}`-style variables expand to the snap's paths and the node's address, which
//! kubeharden cannot know. A variable inside a path or a URL's host changes nothing kubeharden
//! judges; a boolean, or a value that is a variable from its start (a mode, a port), is
//! unknown: the component is not evaluated, and the value never invalid. Nothing is added to
//! what the file says: MicroK8s passes each component its args file and nothing else
//! kubeharden could cite.

use std::path::Path;

use super::{CommentSyntax, FileKind, Format, path_names};
use crate::component::Component;
use crate::flags::{FlagKind, FlagSet, Word, split_script};
use crate::inventory::{
    Distribution, FileId, InputProblem, InputProblemKind, Inventory, Origin, Process,
};
use crate::source::{Located, Location, MappedText, SourceFile, Span, TextMap};

pub(super) const FORMAT: Format = Format {
    detect,
    walked,
    comments: CommentSyntax::WholeLines,
    read,
    assemble: None,
};

/// The component of an args file's name.
fn component(name: &str) -> Option<Component> {
    match name {
        "kube-apiserver" => Some(Component::ApiServer),
        "kubelet" => Some(Component::Kubelet),
        "kube-controller-manager" => Some(Component::ControllerManager),
        "kube-scheduler" => Some(Component::Scheduler),
        "etcd" => Some(Component::Etcd),
        _ => None,
    }
}

/// A component's file in an `args` directory (MicroK8s's `default-args` in its source tree).
fn walked(path: &Path) -> bool {
    let [name, parent, _] = path_names(path);
    matches!(parent, "args" | "default-args") && component(name).is_some()
}

/// A component's file in an `args` directory, and any extension-less file of MicroK8s's own
/// args directories (`current/args`, `default-args`): the files of programs kubeharden does
/// not judge (`kube-proxy`, `k8s-dqlite`, `containerd-env`) are read as args files too, for
/// nothing, rather than as YAML.
fn detect(path: &Path, _text: &str) -> Option<FileKind> {
    let [name, parent, grandparent] = path_names(path);
    let microk8s_dir = parent == "default-args"
        || (parent == "args"
            && (grandparent == "current"
                || path.components().any(|c| c.as_os_str() == "microk8s")));
    let args = walked(path) || (microk8s_dir && !name.is_empty() && !name.contains('.'));
    args.then_some(FileKind::MicroK8sArgs)
}

fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, _kind: &FileKind) {
    let [name, _, _] = path_names(file.path());
    let Some(component) = component(name) else {
        return;
    };
    let text = file.text();
    let script = MappedText::new(
        text,
        Span::new(0, text.len()),
        TextMap::verbatim(0, text.len()),
    );
    let commands = match split_script(&script) {
        Ok(commands) => commands,
        Err(error) => {
            inventory.problems.push(InputProblem {
                location: Location::new(id, error.span),
                kind: InputProblemKind::Shell(error.message),
            });
            return;
        }
    };
    let words: Vec<Word> = commands
        .into_iter()
        .flat_map(|command| command.words)
        .map(|word| Word::written(id, word))
        .collect();
    let flags = FlagSet::parse(component, &words);
    let unresolved = flags
        .iter()
        .filter_map(|flag| {
            let value = flag.value.as_ref()?;
            let judged = flag.kind == Some(FlagKind::Bool)
                || (value.text.starts_with('$') && !is_path_flag(&flag.name));
            (judged && value.text.contains('$'))
                .then(|| Located::new(format!("--{}={}", flag.name, value.text), value.location()))
        })
        .collect();
    let anchor = words.first().map_or(Span::new(0, 0), |word| word.text.span);
    inventory.processes.push(Process {
        file: id,
        origin: Origin::Distribution(Distribution::MicroK8s),
        image: None,
        component: Some(component),
        detection: None,
        image_version: None,
        flags,
        flags_anchor: anchor,
        env: Vec::new(),
        unresolved,
    });
}

/// Flags whose value is a file, a directory or a socket: a variable there only moves a path.
fn is_path_flag(name: &str) -> bool {
    const PATH_SUFFIXES: &[&str] = &[
        "file",
        "dir",
        "path",
        "kubeconfig",
        "certificate",
        "key",
        "endpoint",
        "containerd",
    ];
    PATH_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{InventoryBuilder, InventoryOptions};

    fn inventory(path: &str, text: &str) -> Inventory {
        let mut builder = InventoryBuilder::new(InventoryOptions::default());
        builder.add_file(SourceFile::new(path, text));
        builder.build()
    }

    #[test]
    fn detection() {
        let kind = |path: &str, text: &str| FileKind::of(Path::new(path), text);
        assert_eq!(
            kind("var/snap/microk8s/current/args/kubelet", "--x=y\n# c\n\n"),
            FileKind::MicroK8sArgs
        );
        assert_eq!(
            kind("microk8s-resources/default-args/kube-apiserver", "--a\n"),
            FileKind::MicroK8sArgs
        );
        assert_eq!(
            kind("var/snap/microk8s/current/args/kube-proxy", "--x\n"),
            FileKind::MicroK8sArgs
        );
        assert_eq!(kind("args/containerd", "--config x\n"), FileKind::Yaml);
        assert_eq!(
            kind(
                "var/snap/microk8s/current/args/cni-network/cni.yaml",
                "a: b\n"
            ),
            FileKind::Yaml
        );
    }

    #[test]
    fn one_flag_a_line_with_comments_quotes_and_variables() {
        let text = "--kubeconfig=${SNAP_DATA}/credentials/kubelet.config\n# --anonymous-auth=true\n--eviction-hard=\"memory.available<100Mi\"\n--authorization-mode=AlwaysAllow\n";
        let inventory = inventory("var/snap/microk8s/current/args/kubelet", text);
        let process = &inventory.processes()[0];
        assert!(process.is_complete());
        assert!(process.flags.last("anonymous-auth").is_none());
        let eviction = process.flags.last("eviction-hard").unwrap();
        assert_eq!(
            eviction.value.as_ref().unwrap().text,
            "memory.available<100Mi"
        );
        let mode = process.flags.last("authorization-mode").unwrap();
        let value = mode.value.as_ref().unwrap();
        assert_eq!(&text[value.location().span().range()], "AlwaysAllow");
    }

    #[test]
    fn a_variable_where_a_mode_belongs_is_unknown() {
        let text = "--anonymous-auth=${ANONYMOUS}\n--client-ca-file=${SNAP_DATA}/certs/ca.crt\n";
        let inventory = inventory("var/snap/microk8s/current/args/kube-apiserver", text);
        let process = &inventory.processes()[0];
        let unresolved: Vec<&str> = process
            .unresolved
            .iter()
            .map(|u| u.value.as_str())
            .collect();
        assert_eq!(unresolved, ["--anonymous-auth=${ANONYMOUS}"]);
    }
}

//! Readers: one module per source format, each reading one file into the inventory.
//!
//! [`FORMATS`] registers every format: how its files are recognised by their path, which of
//! them a directory walk picks up, how one file is read, and, for a format whose files only
//! mean something together (a systemd unit, its drop-ins and the environment files they
//! load), what is assembled once every file is in. A file's [`FileKind`] is decided once, when
//! it is added, and kept ([`super::Inventory::kind`]).
//!
//! A new source format is one new module here with its [`Format`], registered in this file:
//! its [`FileKind`] variant, its row in [`FORMATS`] and [`FileKind::format`], and its place in
//! [`NODE_LOCATIONS`] when a node keeps it at a fixed path.

mod env_file;
mod etcd_config;
mod flag_words;
mod k3s;
mod kops;
mod kubeadm;
mod kubelet_config;
mod manifest;
mod microk8s;
mod sysconfig;
mod systemd;
mod talos;

use std::path::Path;

pub use env_file::EnvFileDoc;
pub use etcd_config::EtcdConfigDoc;
pub(crate) use k3s::K3sConfigDoc;
pub use kubelet_config::KubeletConfigDoc;
pub use systemd::{UNIT_DIRECTORIES, UNIT_NAMES, UnitDoc};

use super::{Distribution, FileId, InputProblem, Inventory, Process, SkipReason};
use crate::source::SourceFile;

/// Where a node keeps its control-plane configuration, relative to its root (besides the
/// units in [`UNIT_DIRECTORIES`]): directories are walked, files read, in this order.
pub const NODE_LOCATIONS: &[&str] = &[
    "etc/kubernetes/manifests",
    "var/lib/kubelet/config.yaml",
    "var/lib/kubelet/kubeadm-flags.env",
    "etc/kubernetes/kubelet.conf.d",
    "etc/default/kubelet",
    "etc/sysconfig/kubelet",
    // The sysconfig packaging's environment files, read even when the units that load them
    // are not under the root (a copy of `/etc` alone): their packaged units are then assumed.
    "etc/kubernetes/config",
    "etc/kubernetes/apiserver",
    "etc/kubernetes/controller-manager",
    "etc/kubernetes/scheduler",
    "etc/kubernetes/kubelet",
    "etc/rancher/k3s/config.yaml",
    "etc/rancher/k3s/config.yaml.d",
    "etc/rancher/rke2/config.yaml",
    "etc/rancher/rke2/config.yaml.d",
    "var/snap/microk8s/current/args",
];

/// How many bytes of a file a walk reads to tell from its content what it is
/// ([`FileKind::is_walked_by_content`]).
pub const SNIFF_LEN: usize = 2048;

/// How a file is read: decided by its path (and, for `.conf` files, its content), or by the
/// configuration that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// Kubernetes objects and config documents (`KubeletConfiguration`, kubeadm configs).
    Yaml,
    /// A systemd unit (`kubelet.service`) or drop-in (`kubelet.service.d/10-kubeadm.conf`).
    Unit { unit: Option<String>, dropin: bool },
    /// `KEY=value` lines: `kubeadm-flags.env`, `/etc/default/kubelet`, `/etc/sysconfig/kubelet`.
    EnvFile,
    /// etcd's `--config-file`: YAML keyed by flag names, TLS settings under
    /// `client-transport-security` and `peer-transport-security`. Only known by reference.
    EtcdConfig,
    /// A k3s or RKE2 `config.yaml` (or one of its `config.yaml.d` drop-ins).
    K3sConfig(Distribution),
    /// A MicroK8s args file: one component's flags, one per line (`args/kube-apiserver`).
    MicroK8sArgs,
}

/// How a format writes comments (for a pass that scans them, such as suppressions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentSyntax {
    /// YAML: from a `#` at a line's start or after a blank, outside quoted scalars and
    /// multi-line scalars ([`crate::yaml::multiline_scalar_spans`]).
    Yaml,
    /// Whole lines starting with `#` or `;`, as systemd units and environment files have.
    WholeLines,
}

impl CommentSyntax {
    /// The part of `line` that is not a comment, as far as a line-by-line look can tell (a
    /// `#` inside a YAML quoted scalar counts as a comment here).
    pub(super) fn code_of(self, line: &str) -> &str {
        let trimmed = line.trim_start();
        match self {
            Self::Yaml if trimmed.starts_with('#') => "",
            Self::Yaml => line.split_once(" #").map_or(line, |(before, _)| before),
            Self::WholeLines if trimmed.starts_with(['#', ';']) => "",
            Self::WholeLines => line,
        }
    }
}

/// One source format.
pub(super) struct Format {
    /// The kind of the file at a path with a text, when this format claims it by its path.
    detect: fn(&Path, &str) -> Option<FileKind>,
    /// Whether a directory walk picks up a file of this name.
    walked: fn(&Path) -> bool,
    comments: CommentSyntax,
    /// Reads one file of this format into the inventory.
    read: fn(&mut Inventory, FileId, &SourceFile, &FileKind),
    /// What its files describe together, from every file read.
    assemble: Option<fn(&Inventory) -> Assembled>,
}

/// What a format assembles from every file read.
#[derive(Debug, Default)]
pub(super) struct Assembled {
    pub processes: Vec<Process>,
    pub problems: Vec<InputProblem>,
}

/// Every format, in the order their `detect` is asked; a file no format claims is YAML.
const FORMATS: &[&Format] = &[
    &systemd::FORMAT,
    &env_file::FORMAT,
    &etcd_config::FORMAT,
    &k3s::FORMAT,
    &microk8s::FORMAT,
    &manifest::FORMAT,
];

impl FileKind {
    /// The kind of the file at `path`; `text` decides for a `.conf` file outside a
    /// `*.service.d` directory (a drop-in has a `[Service]` section, a kubelet config
    /// drop-in is YAML).
    #[must_use]
    pub fn of(path: &Path, text: &str) -> Self {
        FORMATS
            .iter()
            .find_map(|format| (format.detect)(path, text))
            .unwrap_or(Self::Yaml)
    }

    /// Whether a directory walk picks up a file of this name (`*.yaml`, `*.yml`, units and
    /// their drop-ins, `*.env`); other `.conf` files (nginx, ...) are left alone.
    #[must_use]
    pub fn is_walked(path: &Path) -> bool {
        FORMATS.iter().any(|format| (format.walked)(path))
    }

    /// Whether a walk should look at the first bytes of a file its name does not decide
    /// ([`Self::is_walked`]): an extension-less or `.conf` file may be a unit, a drop-in or an
    /// environment file (`/etc/kubernetes/apiserver`, a drop-in kept outside its
    /// `*.service.d`). Only [`SNIFF_LEN`] bytes are read for [`Self::is_walked_by_content`].
    #[must_use]
    pub fn may_be_walked_by_content(path: &Path) -> bool {
        path.extension().is_none_or(|e| e == "conf")
    }

    /// Whether a walk picks up the file at `path` whose first bytes are `head`: their lines say
    /// it is a unit or drop-in (`[Unit]`, `[Service]`) or an environment file (`KEY=value`
    /// lines and comments).
    #[must_use]
    pub fn is_walked_by_content(path: &Path, head: &[u8]) -> bool {
        Self::may_be_walked_by_content(path) && {
            // A multi-byte character cut at the end of the head is not the file's fault.
            let text = match std::str::from_utf8(head) {
                Ok(text) => text,
                Err(error) if error.error_len().is_none() => {
                    std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or("")
                }
                Err(_) => return false,
            };
            systemd::looks_like_unit(text)
                || env_file::looks_like_env_file(text, head.len() >= SNIFF_LEN)
        }
    }

    #[must_use]
    pub fn comment_syntax(&self) -> CommentSyntax {
        self.format().comments
    }

    fn format(&self) -> &'static Format {
        match self {
            Self::Yaml => &manifest::FORMAT,
            Self::Unit { .. } => &systemd::FORMAT,
            Self::EnvFile => &env_file::FORMAT,
            Self::EtcdConfig => &etcd_config::FORMAT,
            Self::K3sConfig(_) => &k3s::FORMAT,
            Self::MicroK8sArgs => &microk8s::FORMAT,
        }
    }
}

/// Reads `file` as `kind`; a Go template is skipped instead.
pub(super) fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, kind: &FileKind) {
    let format = kind.format();
    // A Cluster API manifest's cloud-init strings are templates of their own, not the file's.
    if is_template(file, format.comments)
        && !(matches!(kind, FileKind::Yaml) && manifest::is_templated_cluster_api(file))
    {
        inventory.skipped.push((id, SkipReason::Template));
        return;
    }
    (format.read)(inventory, id, file, kind);
}

/// Helm chart templates and other Go-template files (manifests, units, environment files
/// rendered by a provisioning tool) are not their format until rendered: they are skipped
/// rather than reported as broken, or read with `{{` and `}}` as command-line words. A
/// template is a file with `{{ ... }}` outside comments.
fn is_template(file: &SourceFile, comments: CommentSyntax) -> bool {
    // One fast search over the file spares the line-by-line look at nearly every file.
    if !file.text().contains("{{") {
        return false;
    }
    file.text().lines().any(|line| {
        let code = comments.code_of(line);
        code.find("{{")
            .is_some_and(|open| code[open..].contains("}}"))
    })
}

/// What every format assembles from the files read so far.
pub(super) fn assemble(inventory: &Inventory) -> Assembled {
    let mut all = Assembled::default();
    for assemble in FORMATS.iter().filter_map(|format| format.assemble) {
        let assembled = assemble(inventory);
        all.processes.extend(assembled.processes);
        all.problems.extend(assembled.problems);
    }
    all
}

/// The name of the file at `path`, and of its parent and grandparent directories (empty
/// where there is none), for detection by path.
fn path_names(path: &Path) -> [&str; 3] {
    fn name(path: Option<&Path>) -> &str {
        path.and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("")
    }
    let parent = path.parent();
    [
        name(Some(path)),
        name(parent),
        name(parent.and_then(Path::parent)),
    ]
}

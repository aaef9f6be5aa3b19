//! Environment files: `kubeadm-flags.env`, `/etc/default/kubelet`, `/etc/sysconfig/kubelet`,
//! and whatever a unit names in `EnvironmentFile=`. Their variables reach a command line when
//! the services are assembled (see the systemd reader).

use std::path::Path;

use super::{CommentSyntax, FileKind, Format, path_names};
use crate::inventory::{FileId, Inventory};
use crate::source::SourceFile;
use crate::sources::envfile::parse_env_file;
use crate::sources::systemd::Assignment;

/// An environment file.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EnvFileDoc {
    pub file: FileId,
    pub vars: Vec<Assignment>,
}

pub(super) const FORMAT: Format = Format {
    detect,
    walked,
    comments: CommentSyntax::WholeLines,
    read,
    assemble: None,
};

/// `*.env`, and the kubelet's `/etc/default/kubelet` and `/etc/sysconfig/kubelet`.
fn detect(path: &Path, _text: &str) -> Option<FileKind> {
    let [name, parent, grandparent] = path_names(path);
    let kubelet_defaults = matches!(grandparent, "etc" | "")
        && matches!(parent, "default" | "sysconfig")
        && name == "kubelet";
    (name.ends_with(".env") || kubelet_defaults).then_some(FileKind::EnvFile)
}

fn walked(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "env")
}

fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, _kind: &FileKind) {
    inventory.env_files.push(EnvFileDoc {
        file: id,
        vars: parse_env_file(file.text()),
    });
}

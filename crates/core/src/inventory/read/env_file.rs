//! Environment files: `kubeadm-flags.env`, `/etc/default/kubelet`, `/etc/sysconfig/kubelet`,
//! and whatever a unit names in `EnvironmentFile=`. Their variables reach a command line when
//! the services are assembled (see the systemd reader).

use std::path::Path;

use super::{CommentSyntax, FileKind, Format, path_names, sysconfig};
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
    assemble: Some(sysconfig::assemble),
};

/// `*.env`, the kubelet's `/etc/default/kubelet` and `/etc/sysconfig/kubelet`, and an
/// extension-less or `.conf` file of `KEY=value` lines (the packagings'
/// `/etc/kubernetes/apiserver`).
fn detect(path: &Path, text: &str) -> Option<FileKind> {
    let [name, parent, grandparent] = path_names(path);
    let kubelet_defaults = matches!(grandparent, "etc" | "")
        && matches!(parent, "default" | "sysconfig")
        && name == "kubelet";
    let by_name = name.ends_with(".env") || kubelet_defaults;
    // By content: `KEY=value` lines; a packaging's own file (`/etc/kubernetes/apiserver`) is
    // one even with every line commented out.
    let by_content = || {
        let packaging = sysconfig::is_packaging_file(path);
        (packaging || FileKind::may_be_walked_by_content(path))
            && assignments(text, false).is_some_and(|count| packaging || count > 0)
    };
    (by_name || by_content()).then_some(FileKind::EnvFile)
}

/// Whether `text` is an environment file: at least one `NAME=value` line (`export` allowed),
/// and nothing but those, their `\` continuations, comments and blank lines. When `cut`, the
/// text is a file's first bytes and its last line may be cut short, so it is not judged.
pub(super) fn looks_like_env_file(text: &str, cut: bool) -> bool {
    assignments(text, cut).is_some_and(|count| count > 0)
}

/// How many `NAME=value` lines `text` has when it has nothing but those, their continuations,
/// comments and blank lines (see [`looks_like_env_file`]).
fn assignments(text: &str, cut: bool) -> Option<usize> {
    let mut lines: Vec<&str> = text.lines().collect();
    if cut && !text.ends_with('\n') {
        lines.pop();
    }
    let mut assignments = 0;
    let mut continued = false;
    for line in lines {
        let line = line.trim();
        let was_continued = std::mem::replace(&mut continued, line.ends_with('\\'));
        if was_continued || line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let body = line.strip_prefix("export ").map_or(line, str::trim_start);
        let (name, _) = body.split_once('=')?;
        let mut bytes = name.bytes();
        let starts_well = bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
        if !starts_well || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        assignments += 1;
    }
    Some(assignments)
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

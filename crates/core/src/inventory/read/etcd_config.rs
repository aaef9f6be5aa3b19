//! etcd's `--config-file`: YAML keyed by flag names, with the TLS settings under
//! `client-transport-security` and `peer-transport-security`. Known only by reference: a
//! node's etcd names it, and nothing tells it from other YAML by its path.

use super::{CommentSyntax, FileKind, Format};
use crate::inventory::{ConfigFields, FileId, InputProblem, Inventory};
use crate::source::SourceFile;
use crate::yaml;

/// An etcd `--config-file`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EtcdConfigDoc {
    pub file: FileId,
    pub fields: ConfigFields,
}

pub(super) const FORMAT: Format = Format {
    detect: |_, _| None,
    walked: |_| false,
    comments: CommentSyntax::Yaml,
    read,
    assemble: None,
};

fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, _kind: &FileKind) {
    match yaml::load(file.text()) {
        Ok(stream) => {
            let fields = stream
                .documents
                .first()
                .map(|d| ConfigFields::from_node(id, d.root()))
                .unwrap_or_default();
            inventory
                .etcd_configs
                .push(EtcdConfigDoc { file: id, fields });
        }
        Err(error) => inventory.problems.push(InputProblem::load(id, error)),
    }
}

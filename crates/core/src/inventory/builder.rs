//! Building an [`Inventory`]: files go in one at a time, each read by the reader of its kind;
//! the inventory comes out once, complete.

use std::path::Path;
use std::sync::Arc;

use super::read::{self, FileKind};
use super::{InputProblem, InputProblemKind, Inventory, InventoryOptions, Process};
use crate::component::Component;
use crate::source::{DecodeError, FileId, Location, SourceFile};

/// Reads files into an [`Inventory`].
///
/// ```
/// use kubeharden_core::{InventoryBuilder, InventoryOptions, SourceFile};
///
/// let mut builder = InventoryBuilder::new(InventoryOptions::default());
/// builder.add_file(SourceFile::new(
///     "kubelet.service",
///     "[Service]\nExecStart=/usr/bin/kubelet --read-only-port=10255\n",
/// ));
/// let inventory = builder.build();
/// assert_eq!(inventory.kubelets().len(), 1);
/// ```
#[derive(Debug)]
pub struct InventoryBuilder {
    inventory: Inventory,
}

/// A file the configuration names that kubeharden has not read yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The path as written (absolute on the node).
    pub path: String,
    pub kind: ReferenceKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferenceKind {
    /// A unit's `EnvironmentFile=`.
    EnvironmentFile,
    /// A kubelet's `--config` file.
    KubeletConfig,
    /// A kubelet's `--config-dir`: its `*.conf` files are drop-ins.
    KubeletConfigDir,
    /// etcd's `--config-file`.
    EtcdConfig,
}

impl ReferenceKind {
    /// How the named file is read (a `--config-dir` holds files of this kind).
    #[must_use]
    pub fn file_kind(self) -> FileKind {
        match self {
            Self::EnvironmentFile => FileKind::EnvFile,
            Self::KubeletConfig | Self::KubeletConfigDir => FileKind::Yaml,
            Self::EtcdConfig => FileKind::EtcdConfig,
        }
    }
}

impl InventoryBuilder {
    #[must_use]
    pub fn new(options: InventoryOptions) -> Self {
        Self {
            inventory: Inventory::empty(options),
        }
    }

    /// Reads one file's bytes, of the kind its path says ([`FileKind::of`]).
    pub fn add_bytes(&mut self, path: impl AsRef<Path>, bytes: Vec<u8>) -> FileId {
        match SourceFile::decode(path.as_ref(), bytes) {
            Ok(file) => self.add_file(file),
            Err(error) => self.add_undecodable(*error),
        }
    }

    /// Reads one file's bytes as `kind`: a file a configuration names is of the kind it names
    /// (an `EnvironmentFile=` is an environment file whatever its name).
    pub fn add_bytes_as(
        &mut self,
        path: impl AsRef<Path>,
        bytes: Vec<u8>,
        kind: FileKind,
    ) -> FileId {
        match SourceFile::decode(path.as_ref(), bytes) {
            Ok(file) => self.add_file_as(file, kind),
            Err(error) => self.add_undecodable_as(*error, kind),
        }
    }

    /// Records a file that is not UTF-8 or too large.
    pub fn add_undecodable(&mut self, error: DecodeError) -> FileId {
        let kind = FileKind::of(error.file.path(), error.file.text());
        self.add_undecodable_as(error, kind)
    }

    /// Records a file that is not UTF-8 or too large, read as `kind`.
    pub fn add_undecodable_as(&mut self, error: DecodeError, kind: FileKind) -> FileId {
        let id = self.push_file(error.file, kind);
        self.inventory.problems.push(InputProblem {
            location: Location::new(id, error.span),
            kind: InputProblemKind::Decode(error.kind),
        });
        id
    }

    /// Reads a decoded file, of the kind its path says ([`FileKind::of`]).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let kind = FileKind::of(file.path(), file.text());
        self.add_file_as(file, kind)
    }

    /// Reads a decoded file as `kind`. A file from which nothing that can carry a finding was
    /// read (a ConfigMap, a CRD) keeps its path but drops its text, unless
    /// [`InventoryOptions::retain_text`] keeps it: a large repository then holds only the
    /// texts findings need.
    pub fn add_file_as(&mut self, file: SourceFile, kind: FileKind) -> FileId {
        let id = self.push_file(file, kind.clone());
        let shared = Arc::clone(&self.inventory.files[id.0 as usize]);
        let items_before = self.inventory.item_count();
        read::read(&mut self.inventory, id, &shared, &kind);
        let keep = self.inventory.item_count() != items_before
            || (self.inventory.options.retain_text)(shared.text());
        drop(shared);
        if !keep && let Some(file) = Arc::get_mut(&mut self.inventory.files[id.0 as usize]) {
            file.release_text();
        }
        id
    }

    fn push_file(&mut self, file: SourceFile, kind: FileKind) -> FileId {
        let id = FileId(u32::try_from(self.inventory.files.len()).unwrap_or(u32::MAX));
        self.inventory.files.push(Arc::new(file));
        self.inventory.kinds.push(kind);
        id
    }

    /// Files the configuration read so far names (a unit's environment files, a kubelet's
    /// `--config` and `--config-dir`, etcd's `--config-file`) that have not been read. A caller
    /// that can read them (under a node's root) adds them and asks again, until nothing new
    /// is named.
    #[must_use]
    pub fn references(&self) -> Vec<Reference> {
        let inventory = &self.inventory;
        let mut wanted = Vec::new();
        for unit in &inventory.units {
            for env_file in &unit.parsed.environment_files {
                wanted.push(Reference {
                    path: env_file.path.value.clone(),
                    kind: ReferenceKind::EnvironmentFile,
                });
            }
        }
        // A service's flags only exist once its files are assembled; what they name is
        // looked at here and assembled again, for good, by `build`.
        let assembled = read::assemble(inventory);
        for process in inventory.processes.iter().chain(&assembled.processes) {
            wanted.extend(references_of(process));
        }
        wanted.retain(|r| r.path.starts_with('/') && !self.has_file(&r.path));
        wanted.dedup();
        wanted
    }

    /// Whether a file whose path ends with `path` (as a node writes it) was read.
    fn has_file(&self, path: &str) -> bool {
        let wanted = Path::new(path.trim_start_matches('/'));
        self.inventory
            .files
            .iter()
            .any(|f| f.path().ends_with(wanted))
    }

    /// The inventory of every file added, with what only all of them together describe
    /// assembled (systemd services from their units, drop-ins and environment files).
    #[must_use]
    pub fn build(mut self) -> Inventory {
        let assembled = read::assemble(&self.inventory);
        self.inventory.processes.extend(assembled.processes);
        self.inventory.problems.extend(assembled.problems);
        self.inventory
    }
}

/// The files one process's flags name.
fn references_of(process: &Process) -> Vec<Reference> {
    let named = |flag: &str, kind: ReferenceKind| {
        let value = process.flags.last(flag)?.value.as_ref()?;
        Some(Reference {
            path: value.text.clone(),
            kind,
        })
    };
    let names: &[(&str, ReferenceKind)] = match process.component {
        Some(Component::Kubelet) => &[
            ("config", ReferenceKind::KubeletConfig),
            ("config-dir", ReferenceKind::KubeletConfigDir),
        ],
        Some(Component::Etcd) => &[("config-file", ReferenceKind::EtcdConfig)],
        _ => &[],
    };
    names
        .iter()
        .filter_map(|&(flag, kind)| named(flag, kind))
        .collect()
}

//! Finding and reading one run's files: the paths given (walked when they are directories) or
//! the standard locations under a node's root, then the files their configuration names
//! (`EnvironmentFile=`, a kubelet's `--config`, ...) under `--root`, each read as the kind it
//! is named as. What a node keeps where is core's knowledge ([`NODE_LOCATIONS`],
//! [`UNIT_DIRECTORIES`]); reading from disk is this module's.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use kubeharden_core::inventory::{
    FileKind, NODE_LOCATIONS, Reference, ReferenceKind, UNIT_DIRECTORIES, UNIT_NAMES,
};
use kubeharden_core::source::MAX_FILE_SIZE;
use kubeharden_core::{Inventory, InventoryBuilder, InventoryOptions, SourceFile};
use walkdir::WalkDir;

use crate::config::Resolver;
use crate::settings::Settings;
use crate::suppression;

/// Rounds of following references (`--config` in an env file named by a unit, ...): each
/// round can only reveal files the previous one read, and real nodes need two.
const REFERENCE_ROUNDS: usize = 4;

/// A path that could not be read. The run goes on without it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
}

/// How a run's files are read into its inventory.
pub(crate) fn options(settings: &Settings, node_root: bool) -> InventoryOptions {
    let mut options = InventoryOptions::default();
    options.kubernetes_version = settings.kubernetes_version;
    options.node_root = node_root;
    // A file with a suppression comment keeps its text: an unused one is reported.
    options.retain_text = suppression::may_hold_suppressions;
    options
}

/// A node: the standard locations under `root` (its `/`), and every file they name.
pub(crate) fn node(
    resolver: &Resolver,
    root: &Path,
    texts: &HashMap<PathBuf, String>,
) -> (Inventory, Vec<ReadError>) {
    let mut loader = Loader::new(resolver, texts, true);
    for location in NODE_LOCATIONS {
        let path = root.join(location);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => loader.walk(&path),
            Ok(meta) if meta.is_file() => loader.read(&path),
            _ => {}
        }
    }
    for dir in UNIT_DIRECTORIES {
        for unit in UNIT_NAMES {
            let path = root.join(dir).join(unit);
            if path.is_file() {
                loader.read(&path);
            }
            let dropins = root.join(dir).join(format!("{unit}.d"));
            if dropins.is_dir() {
                loader.walk(&dropins);
            }
        }
    }
    loader.follow_references(Some(root));
    loader.finish()
}

/// Files and directory trees (see [`crate::Linter::lint_paths`]), and the files they name
/// under [`Settings::root`]. A file named directly is dropped when the settings it is judged
/// by exclude it.
pub(crate) fn paths(
    resolver: &Resolver,
    paths: &[PathBuf],
    texts: &HashMap<PathBuf, String>,
) -> (Inventory, Vec<ReadError>) {
    let mut loader = Loader::new(resolver, texts, false);
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => loader.read_errors.push(ReadError {
                path: path.clone(),
                message: error.to_string(),
            }),
            Ok(meta) if meta.is_dir() => loader.walk(path),
            Ok(meta) if meta.is_file() => {
                if !resolver.for_file(path).is_excluded(path, None) {
                    loader.read(path);
                }
            }
            Ok(_) => loader.read_errors.push(ReadError {
                path: path.clone(),
                message: "not a regular file or directory".to_owned(),
            }),
        }
    }
    loader.follow_references(resolver.run().root.as_deref());
    loader.finish()
}

/// Reads one run's files.
struct Loader<'a> {
    resolver: &'a Resolver,
    /// Texts read instead of the files at these paths (a file as a fix would leave it).
    texts: &'a HashMap<PathBuf, String>,
    builder: InventoryBuilder,
    read_errors: Vec<ReadError>,
}

impl<'a> Loader<'a> {
    fn new(resolver: &'a Resolver, texts: &'a HashMap<PathBuf, String>, node_root: bool) -> Self {
        Self {
            resolver,
            texts,
            builder: InventoryBuilder::new(options(resolver.run(), node_root)),
            read_errors: Vec::new(),
        }
    }

    fn finish(self) -> (Inventory, Vec<ReadError>) {
        (self.builder.build(), self.read_errors)
    }

    /// Reads the files under `root` a walk picks up ([`FileKind::is_walked`]), skipping
    /// hidden entries and the paths excluded by the settings of the directory holding them
    /// (so a directory's own config cannot bring back a directory excluded above it).
    fn walk(&mut self, root: &Path) {
        let resolver = self.resolver;
        let entries = WalkDir::new(root)
            .follow_links(resolver.run().follow_links)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !(is_hidden(entry.file_name())
                        || resolver
                            .for_file(entry.path())
                            .is_excluded(entry.path(), Some(root)))
            });
        for entry in entries {
            match entry {
                Err(error) => self.read_errors.push(ReadError {
                    path: error.path().unwrap_or(root).to_path_buf(),
                    message: error.to_string(),
                }),
                Ok(entry) => {
                    if entry.file_type().is_file() && FileKind::is_walked(entry.path()) {
                        self.read(entry.path());
                    }
                }
            }
        }
    }

    /// Reads a file of the kind its path says.
    fn read(&mut self, path: &Path) {
        match self.bytes(path) {
            Ok((bytes, size)) => self.add(path, bytes, size, None),
            Err(error) => self.read_error(path, &error),
        }
    }

    /// Adds a file's bytes (`size` is its real size) as `kind`, or the kind its path says.
    fn add(&mut self, path: &Path, bytes: Vec<u8>, size: u64, kind: Option<FileKind>) {
        match (SourceFile::decode_sized(path, bytes, size), kind) {
            (Ok(file), Some(kind)) => self.builder.add_file_as(file, kind),
            (Ok(file), None) => self.builder.add_file(file),
            (Err(error), Some(kind)) => self.builder.add_undecodable_as(*error, kind),
            (Err(error), None) => self.builder.add_undecodable(*error),
        };
    }

    /// Reads a file a configuration names as `kind`; a missing one is simply absent (systemd
    /// skips `EnvironmentFile=-...`, and a missing `--config` is the component's problem).
    fn read_as(&mut self, path: &Path, kind: FileKind) {
        if !path.is_file() {
            return;
        }
        match self.bytes(path) {
            Ok((bytes, size)) => self.add(path, bytes, size, Some(kind)),
            Err(error) => self.read_error(path, &error),
        }
    }

    fn read_error(&mut self, path: &Path, error: &std::io::Error) {
        self.read_errors.push(ReadError {
            path: path.to_path_buf(),
            message: error.to_string(),
        });
    }

    /// A file's bytes, or the text given for it, and its size. Reads at most one byte past the
    /// size limit, so a huge file costs nothing to refuse; its size then comes from its
    /// metadata, for the message.
    fn bytes(&self, path: &Path) -> std::io::Result<(Vec<u8>, u64)> {
        if let Some(text) = self.texts.get(path) {
            let size = u64::try_from(text.len()).unwrap_or(u64::MAX);
            return Ok((text.as_bytes().to_vec(), size));
        }
        let file = File::open(path)?;
        let mut bytes = Vec::new();
        (&file)
            .take(MAX_FILE_SIZE as u64 + 1)
            .read_to_end(&mut bytes)?;
        let mut size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if bytes.len() > MAX_FILE_SIZE {
            size = file.metadata().map_or(size, |m| m.len());
        }
        Ok((bytes, size))
    }

    /// Reads the files the configuration names from under `root` (a kubelet's `--config`, a
    /// unit's `EnvironmentFile=`, ...), until nothing new is named. Without a root, names are
    /// only matched against the files already read.
    fn follow_references(&mut self, root: Option<&Path>) {
        let Some(root) = root else {
            return;
        };
        let mut tried = HashSet::new();
        for _ in 0..REFERENCE_ROUNDS {
            let references: Vec<Reference> = self
                .builder
                .references()
                .into_iter()
                .filter(|r| tried.insert(r.path.clone()))
                .collect();
            if references.is_empty() {
                break;
            }
            for reference in references {
                let path = root.join(reference.path.trim_start_matches('/'));
                let kind = reference.kind.file_kind();
                if reference.kind != ReferenceKind::KubeletConfigDir {
                    self.read_as(&path, kind);
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(&path) else {
                    continue;
                };
                let mut dropins: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "conf") && p.is_file())
                    .collect();
                dropins.sort();
                for dropin in dropins {
                    self.read_as(&dropin, kind.clone());
                }
            }
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

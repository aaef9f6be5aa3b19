//! The library's entry point: files in, a [`Report`] out.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use kubeharden_core::inventory::SkipReason;
use kubeharden_core::version::KubeVersion;
use kubeharden_core::yaml::MAX_FILE_SIZE;
use kubeharden_core::{FileId, Inventory, InventoryOptions, SourceFile};
use walkdir::WalkDir;

use crate::finding::{Finding, Findings};
use crate::registry;

/// What a run checks and how.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Judge every component as this Kubernetes version, whatever its image says.
    pub kubernetes_version: Option<KubeVersion>,
}

/// A path that could not be read. The run goes on without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
}

/// The outcome of one run: the findings and the files they point into.
///
/// Findings name their file by [`FileId`]; [`Report::file`] gives its path and text, and
/// [`SourceFile::line_col`] turns a span's byte offsets into lines and columns.
#[derive(Debug)]
pub struct Report {
    inventory: Inventory,
    /// Sorted by file, offset, code.
    pub findings: Vec<Finding>,
    pub read_errors: Vec<ReadError>,
}

impl Report {
    #[must_use]
    pub fn file(&self, id: FileId) -> &SourceFile {
        self.inventory.file(id)
    }

    /// Every file read, in the order read.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.inventory.files()
    }

    /// Files skipped without linting, and why.
    pub fn skipped(&self) -> impl Iterator<Item = (&Path, &SkipReason)> {
        self.inventory
            .skipped
            .iter()
            .map(|(id, reason)| (self.inventory.file(*id).path(), reason))
    }

    /// What the run understood.
    #[must_use]
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }
}

/// Lints control-plane files.
///
/// A `Linter` holds only its [`Settings`]: no global state, no printing, no exits. Build one
/// and call [`Linter::lint_source`] for text you already have, or [`Linter::lint_paths`] for
/// files and directories on disk.
///
/// ```
/// use std::path::Path;
/// use kubeharden_rules::{Linter, Settings, Severity};
///
/// let manifest = "\
/// apiVersion: v1
/// kind: Pod
/// metadata: {name: kube-apiserver, namespace: kube-system}
/// spec:
///   containers:
///   - name: kube-apiserver
///     image: registry.k8s.io/kube-apiserver:v1.18.20
///     command: [kube-apiserver, --insecure-port=8080]
/// ";
/// let report = Linter::new(Settings::default()).lint_source(Path::new("kube-apiserver.yaml"), manifest);
/// let finding = report.findings.iter().find(|f| f.code == "KAPI001").unwrap();
/// assert_eq!(finding.severity, Severity::Error);
/// assert_eq!(finding.message, "`--insecure-port` is `8080`");
/// let file = report.file(finding.file);
/// assert_eq!(file.slice(finding.span), "--insecure-port=8080");
/// assert_eq!(file.line_col(finding.span.start).line, 8);
/// ```
#[derive(Debug, Default)]
pub struct Linter {
    settings: Settings,
}

/// File names linted when found while walking a directory.
const WALKED_EXTENSIONS: &[&str] = &["yaml", "yml"];

impl Linter {
    #[must_use]
    pub fn new(settings: Settings) -> Self {
        Self { settings }
    }

    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn inventory(&self) -> Inventory {
        Inventory::new(InventoryOptions {
            kubernetes_version: self.settings.kubernetes_version,
        })
    }

    /// Lints one file's text. `path` names it in findings; nothing is read from disk.
    #[must_use]
    pub fn lint_source(&self, path: &Path, text: &str) -> Report {
        let mut inventory = self.inventory();
        inventory.add_file(SourceFile::new(path, text));
        self.finish(inventory, Vec::new())
    }

    /// Lints files and directory trees. Directories are walked for `*.yaml` and `*.yml`,
    /// skipping hidden entries and never following symbolic links; files named directly are
    /// read whatever their name. Paths that cannot be read are listed in
    /// [`Report::read_errors`] and the rest is still linted. All files form one run, so rules
    /// that compare components (etcd's CA against the apiserver's) see them together.
    ///
    /// ```
    /// use std::path::PathBuf;
    /// use kubeharden_rules::{Linter, Settings};
    ///
    /// let dir = std::env::temp_dir().join(format!("kubeharden-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("broken.yaml"), "a: [1, 2\n").unwrap();
    /// let report = Linter::new(Settings::default()).lint_paths(&[dir.clone(), PathBuf::from("/no/such/file")]);
    /// assert_eq!(report.findings[0].code, "KGEN001");
    /// assert_eq!(report.read_errors.len(), 1);
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    #[must_use]
    pub fn lint_paths(&self, paths: &[PathBuf]) -> Report {
        let mut inventory = self.inventory();
        let mut read_errors = Vec::new();
        for path in paths {
            match std::fs::metadata(path) {
                Err(error) => read_errors.push(ReadError {
                    path: path.clone(),
                    message: error.to_string(),
                }),
                Ok(meta) if meta.is_dir() => {
                    walk(path, &mut inventory, &mut read_errors);
                }
                Ok(meta) if meta.is_file() => read_into(path, &mut inventory, &mut read_errors),
                Ok(_) => read_errors.push(ReadError {
                    path: path.clone(),
                    message: "not a regular file or directory".to_owned(),
                }),
            }
        }
        self.finish(inventory, read_errors)
    }

    /// Runs every rule over an inventory already built.
    #[must_use]
    pub fn lint_inventory(&self, inventory: Inventory) -> Report {
        self.finish(inventory, Vec::new())
    }

    fn finish(&self, inventory: Inventory, read_errors: Vec<ReadError>) -> Report {
        let mut findings = Vec::new();
        for rule in registry::RULES {
            rule.check(&inventory, &mut Findings::new(rule.meta(), &mut findings));
        }
        findings.sort_by(|a, b| {
            inventory
                .file(a.file)
                .path()
                .cmp(inventory.file(b.file).path())
                .then(a.span.start.cmp(&b.span.start))
                .then(a.code.cmp(b.code))
        });
        Report {
            inventory,
            findings,
            read_errors,
        }
    }
}

fn walk(root: &Path, inventory: &mut Inventory, read_errors: &mut Vec<ReadError>) {
    let entries = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in entries {
        match entry {
            Err(error) => read_errors.push(ReadError {
                path: error.path().unwrap_or(root).to_path_buf(),
                message: error.to_string(),
            }),
            Ok(entry) => {
                let walked_kind = entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| WALKED_EXTENSIONS.contains(&e));
                if entry.file_type().is_file() && walked_kind {
                    read_into(entry.path(), inventory, read_errors);
                }
            }
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Reads at most one byte past the size limit, so a huge file costs nothing to refuse.
fn read_into(path: &Path, inventory: &mut Inventory, read_errors: &mut Vec<ReadError>) {
    let read = File::open(path).and_then(|file| {
        let mut bytes = Vec::new();
        file.take(MAX_FILE_SIZE as u64 + 1)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    });
    match read {
        Ok(bytes) => {
            inventory.add_bytes(path, bytes);
        }
        Err(error) => read_errors.push(ReadError {
            path: path.to_path_buf(),
            message: error.to_string(),
        }),
    }
}

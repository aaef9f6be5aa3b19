//! The library's entry point: files in, a [`Report`] out.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use kubeharden_core::inventory::{FileKind, Reference, ReferenceKind, SkipReason};
use kubeharden_core::yaml::MAX_FILE_SIZE;
use kubeharden_core::{FileId, Inventory, InventoryOptions, SourceFile};
use walkdir::WalkDir;

use crate::finding::{Finding, Findings};
use crate::general::UnusedSuppression;
use crate::registry;
use crate::settings::Settings;
use crate::suppression;

/// Where a node keeps its control-plane configuration, relative to its root.
pub const NODE_LOCATIONS: &[&str] = &[
    "etc/kubernetes/manifests",
    "var/lib/kubelet/config.yaml",
    "var/lib/kubelet/kubeadm-flags.env",
    "etc/kubernetes/kubelet.conf.d",
    "etc/default/kubelet",
    "etc/sysconfig/kubelet",
];

/// systemd unit directories searched for the components' units and drop-ins.
pub const UNIT_DIRECTORIES: &[&str] = &[
    "etc/systemd/system",
    "usr/lib/systemd/system",
    "lib/systemd/system",
];

/// Units of the components kubeharden reads.
pub const UNIT_NAMES: &[&str] = &[
    "kubelet.service",
    "kube-apiserver.service",
    "etcd.service",
    "kube-controller-manager.service",
    "kube-scheduler.service",
];

/// Rounds of following references (`--config` in an env file named by a unit, ...): each
/// round can only reveal files the previous one read, and real nodes need two.
const REFERENCE_ROUNDS: usize = 4;

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
        inventory.assemble_services();
        self.finish(inventory, Vec::new())
    }

    /// Lints a node: the standard locations under `root` (its `/`), and every file they
    /// name. One node is one control plane: rules that compare components see them all.
    #[must_use]
    pub fn lint_node(&self, root: &Path) -> Report {
        self.lint_node_with_texts(root, &HashMap::new())
    }

    /// [`Linter::lint_node`], with the files named in `texts` read as the text given there
    /// instead of from disk (to lint a file as a fix would leave it, in the same run).
    #[must_use]
    pub fn lint_node_with_texts(&self, root: &Path, texts: &HashMap<PathBuf, String>) -> Report {
        let mut inventory = self.inventory();
        inventory.node_root_scanned = true;
        let mut read_errors = Vec::new();
        for location in NODE_LOCATIONS {
            let path = root.join(location);
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    self.walk(&path, texts, &mut inventory, &mut read_errors)
                }
                Ok(meta) if meta.is_file() => {
                    read_into(&path, texts, &mut inventory, &mut read_errors)
                }
                _ => {}
            }
        }
        for dir in UNIT_DIRECTORIES {
            for unit in UNIT_NAMES {
                let path = root.join(dir).join(unit);
                if path.is_file() {
                    read_into(&path, texts, &mut inventory, &mut read_errors);
                }
                let dropins = root.join(dir).join(format!("{unit}.d"));
                if dropins.is_dir() {
                    self.walk(&dropins, texts, &mut inventory, &mut read_errors);
                }
            }
        }
        follow_references(Some(root), texts, &mut inventory, &mut read_errors);
        self.finish(inventory, read_errors)
    }

    /// Lints files and directory trees. Directories are walked for `*.yaml`, `*.yml`,
    /// systemd units and drop-ins and `*.env` files, skipping hidden entries and
    /// [`Settings::exclude`], and following symbolic links only with
    /// [`Settings::follow_links`]; files named directly are read whatever their name (unless
    /// excluded). Paths that cannot be read are listed in
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
        self.lint_paths_with_texts(paths, &HashMap::new())
    }

    /// [`Linter::lint_paths`], with the files named in `texts` (by the path they are found
    /// under, as [`Report::file`] gives it) read as the text given there instead of from disk:
    /// a fixed file is linted in the same run as the rest, so rules that compare files see
    /// the fixed text.
    #[must_use]
    pub fn lint_paths_with_texts(
        &self,
        paths: &[PathBuf],
        texts: &HashMap<PathBuf, String>,
    ) -> Report {
        let mut inventory = self.inventory();
        let mut read_errors = Vec::new();
        for path in paths {
            match std::fs::metadata(path) {
                Err(error) => read_errors.push(ReadError {
                    path: path.clone(),
                    message: error.to_string(),
                }),
                Ok(meta) if meta.is_dir() => {
                    self.walk(path, texts, &mut inventory, &mut read_errors);
                }
                Ok(meta) if meta.is_file() => {
                    if !self.settings.is_excluded(path, None) {
                        read_into(path, texts, &mut inventory, &mut read_errors);
                    }
                }
                Ok(_) => read_errors.push(ReadError {
                    path: path.clone(),
                    message: "not a regular file or directory".to_owned(),
                }),
            }
        }
        follow_references(
            self.settings.root.as_deref(),
            texts,
            &mut inventory,
            &mut read_errors,
        );
        self.finish(inventory, read_errors)
    }

    /// Lints one file's bytes (standard input, say): `path` names it in findings and decides
    /// its kind; nothing is read from disk. Bytes that are not UTF-8 are a finding.
    #[must_use]
    pub fn lint_bytes(&self, path: &Path, bytes: Vec<u8>) -> Report {
        let mut inventory = self.inventory();
        inventory.add_bytes(path, bytes);
        inventory.assemble_services();
        self.finish(inventory, Vec::new())
    }

    /// Runs every rule over an inventory already built.
    #[must_use]
    pub fn lint_inventory(&self, inventory: Inventory) -> Report {
        self.finish(inventory, Vec::new())
    }

    /// Runs the selected rules, then applies `per-file-ignores`, inline suppressions (and
    /// reports the unused ones), and severity overrides.
    fn finish(&self, inventory: Inventory, read_errors: Vec<ReadError>) -> Report {
        let settings = &self.settings;
        let mut findings = Vec::new();
        for rule in registry::RULES {
            let meta = rule.meta();
            if meta.code != UnusedSuppression::META.code && settings.is_selected(meta) {
                rule.check(&inventory, &mut Findings::new(meta, &mut findings));
            }
        }
        let mut findings = self.drop_per_file_ignored(&inventory, findings);
        let mut suppressions = suppression::parse_all(&inventory);
        findings = suppression::apply(&inventory, findings, &mut suppressions);
        if settings.is_selected(&UnusedSuppression::META) {
            let mut unused = Vec::new();
            suppression::report_unused(
                &inventory,
                &suppressions,
                settings,
                &UnusedSuppression::META,
                &mut Findings::new(&UnusedSuppression::META, &mut unused),
            );
            let unused = self.drop_per_file_ignored(&inventory, unused);
            findings.extend(suppression::apply(&inventory, unused, &mut suppressions));
        }
        if !settings.severity.is_empty() {
            for finding in &mut findings {
                if let Some(rule) = registry::find(finding.code) {
                    finding.severity = settings.severity_of(rule.meta());
                }
            }
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

    fn drop_per_file_ignored(&self, inventory: &Inventory, findings: Vec<Finding>) -> Vec<Finding> {
        if self.settings.per_file_ignores.is_empty() {
            return findings;
        }
        findings
            .into_iter()
            .filter(|f| {
                registry::find(f.code).is_none_or(|rule| {
                    self.settings
                        .is_enabled_for(rule.meta(), inventory.file(f.file).path())
                })
            })
            .collect()
    }

    fn walk(
        &self,
        root: &Path,
        texts: &HashMap<PathBuf, String>,
        inventory: &mut Inventory,
        read_errors: &mut Vec<ReadError>,
    ) {
        let settings = &self.settings;
        let entries = WalkDir::new(root)
            .follow_links(settings.follow_links)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !(is_hidden(entry.file_name())
                        || settings.is_excluded(entry.path(), Some(root)))
            });
        for entry in entries {
            match entry {
                Err(error) => read_errors.push(ReadError {
                    path: error.path().unwrap_or(root).to_path_buf(),
                    message: error.to_string(),
                }),
                Ok(entry) => {
                    if entry.file_type().is_file() && FileKind::is_walked(entry.path()) {
                        read_into(entry.path(), texts, inventory, read_errors);
                    }
                }
            }
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Reads at most one byte past the size limit, so a huge file costs nothing to refuse.
fn read_bytes(path: &Path, texts: &HashMap<PathBuf, String>) -> std::io::Result<Vec<u8>> {
    if let Some(text) = texts.get(path) {
        return Ok(text.as_bytes().to_vec());
    }
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn read_into(
    path: &Path,
    texts: &HashMap<PathBuf, String>,
    inventory: &mut Inventory,
    read_errors: &mut Vec<ReadError>,
) {
    match read_bytes(path, texts) {
        Ok(bytes) => {
            inventory.add_bytes(path, bytes);
        }
        Err(error) => read_errors.push(ReadError {
            path: path.to_path_buf(),
            message: error.to_string(),
        }),
    }
}

/// Assembles services, then reads the files the configuration names from under `root`
/// (a kubelet's `--config`, a unit's `EnvironmentFile=`, ...), until nothing new is named.
/// Without a root, names are only matched against the files already read.
fn follow_references(
    root: Option<&Path>,
    texts: &HashMap<PathBuf, String>,
    inventory: &mut Inventory,
    read_errors: &mut Vec<ReadError>,
) {
    inventory.assemble_services();
    let Some(root) = root else {
        return;
    };
    let mut tried = std::collections::HashSet::new();
    for _ in 0..REFERENCE_ROUNDS {
        let references: Vec<Reference> = inventory
            .references()
            .into_iter()
            .filter(|r| tried.insert(r.path.clone()))
            .collect();
        if references.is_empty() {
            break;
        }
        for reference in references {
            let path = root.join(reference.path.trim_start_matches('/'));
            match reference.kind {
                ReferenceKind::KubeletConfigDir => {
                    let Ok(entries) = std::fs::read_dir(&path) else {
                        continue;
                    };
                    let mut dropins: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|e| e == "conf") && p.is_file())
                        .collect();
                    dropins.sort();
                    for dropin in dropins {
                        read_as(&dropin, &FileKind::Yaml, texts, inventory, read_errors);
                    }
                }
                ReferenceKind::EnvironmentFile => {
                    read_as(&path, &FileKind::EnvFile, texts, inventory, read_errors);
                }
                ReferenceKind::KubeletConfig => {
                    read_as(&path, &FileKind::Yaml, texts, inventory, read_errors)
                }
                ReferenceKind::EtcdConfig => {
                    read_as(&path, &FileKind::EtcdConfig, texts, inventory, read_errors);
                }
            }
        }
        inventory.assemble_services();
    }
}

/// Reads a file a configuration names as `kind`; a missing one is simply absent (systemd
/// skips `EnvironmentFile=-...`, and a missing `--config` is the component's problem).
fn read_as(
    path: &Path,
    kind: &FileKind,
    texts: &HashMap<PathBuf, String>,
    inventory: &mut Inventory,
    read_errors: &mut Vec<ReadError>,
) {
    if !path.is_file() {
        return;
    }
    match read_bytes(path, texts) {
        Ok(bytes) => match SourceFile::decode(path, bytes) {
            Ok(file) => {
                inventory.add_file_as(file, kind);
            }
            Err(error) => {
                inventory.add_undecodable(*error);
            }
        },
        Err(error) => read_errors.push(ReadError {
            path: path.to_path_buf(),
            message: error.to_string(),
        }),
    }
}

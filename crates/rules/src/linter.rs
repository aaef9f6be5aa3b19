//! The library's entry point: files in, a [`Report`] out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeharden_core::inventory::SkipReason;
use kubeharden_core::version::KubeVersion;
use kubeharden_core::{FileId, Inventory, InventoryBuilder, SourceFile};

use crate::config::Resolver;
use crate::discover::{self, ReadError};
use crate::finding::{Finding, Findings};
use crate::general::UnusedSuppression;
use crate::notes;
use crate::registry;
use crate::rule::Meta;
use crate::settings::{ConfigError, Overrides, Settings};
use crate::suppression;

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
    /// Config files found by [`Linter::with_discovery`] that could not be used; the files
    /// they would govern were judged by the linter's own settings.
    pub config_errors: Vec<ConfigError>,
    /// Config files found by [`Linter::with_discovery`] whose `kubernetes-version` was not
    /// used, with that version: the linter's own settings decide it for every file.
    pub ignored_kubernetes_versions: Vec<(PathBuf, KubeVersion)>,
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
            .skipped()
            .iter()
            .map(|(id, reason)| (self.inventory.file(*id).path(), reason))
    }

    /// What the run understood.
    #[must_use]
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }
}

/// A report as data: `files` lists every file read (a finding's `file` is an index into it),
/// then `findings`, `read_errors`, `skipped` (`{path, reason}`), `config_errors` (`{path,
/// span, message}`) and `ignored_kubernetes_versions` (`{path, kubernetes_version}`). Spans are byte offsets
/// into the files' text; the command's `kubeharden/v1` JSON adds lines and columns.
#[cfg(feature = "serde")]
impl serde::Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        #[derive(serde::Serialize)]
        struct Skipped<'a> {
            path: &'a Path,
            reason: &'a SkipReason,
        }
        #[derive(serde::Serialize)]
        struct UnusableConfig<'a> {
            path: &'a Path,
            span: Option<kubeharden_core::Span>,
            message: &'a str,
        }
        #[derive(serde::Serialize)]
        struct IgnoredVersion<'a> {
            path: &'a Path,
            kubernetes_version: KubeVersion,
        }

        let files: Vec<&Path> = self.files().map(|(_, file)| file.path()).collect();
        let skipped: Vec<Skipped<'_>> = self
            .skipped()
            .map(|(path, reason)| Skipped { path, reason })
            .collect();
        let config_errors: Vec<UnusableConfig<'_>> = self
            .config_errors
            .iter()
            .map(|error| UnusableConfig {
                path: &error.path,
                span: error.span,
                message: &error.message,
            })
            .collect();
        let ignored_versions: Vec<IgnoredVersion<'_>> = self
            .ignored_kubernetes_versions
            .iter()
            .map(|(path, version)| IgnoredVersion {
                path,
                kubernetes_version: *version,
            })
            .collect();
        let mut report = serializer.serialize_struct("Report", 6)?;
        report.serialize_field("files", &files)?;
        report.serialize_field("findings", &self.findings)?;
        report.serialize_field("read_errors", &self.read_errors)?;
        report.serialize_field("skipped", &skipped)?;
        report.serialize_field("config_errors", &config_errors)?;
        report.serialize_field("ignored_kubernetes_versions", &ignored_versions)?;
        report.end()
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
    settings: Arc<Settings>,
    /// With config discovery, the command line laid over each config found.
    discovery: Option<Overrides>,
}

impl Linter {
    /// A linter that judges every file by `settings`.
    #[must_use]
    pub fn new(settings: Settings) -> Self {
        Self {
            settings: Arc::new(settings),
            discovery: None,
        }
    }

    /// This linter, judging each file by the closest config file in its directory or above
    /// ([`crate::config::discover`]) with `overrides` on top, as the command line does. A file
    /// with no config above it is judged by the linter's own settings, which also decide what
    /// shapes the run as a whole: [`Settings::kubernetes_version`], [`Settings::root`] and
    /// [`Settings::follow_links`] (rules compare files, so one run is one set of components).
    /// Config files that cannot be used are listed in [`Report::config_errors`].
    ///
    /// ```
    /// use kubeharden_rules::{Linter, Overrides, Settings};
    ///
    /// let repo = tempfile::tempdir().unwrap();
    /// let lab = repo.path().join("lab");
    /// std::fs::create_dir_all(&lab).unwrap();
    /// std::fs::write(lab.join(".kubeharden.yaml"), "ignore: [KLET005]\n").unwrap();
    /// let kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n";
    /// std::fs::write(lab.join("kubelet.yaml"), kubelet).unwrap();
    /// std::fs::write(repo.path().join("kubelet.yaml"), kubelet).unwrap();
    ///
    /// let linter = Linter::new(Settings::default()).with_discovery(Overrides::default());
    /// let report = linter.lint_paths(&[repo.path().to_path_buf()]);
    /// let flagged: Vec<_> = report.findings.iter()
    ///     .filter(|f| f.code == "KLET005")
    ///     .map(|f| report.file(f.file).path().to_path_buf())
    ///     .collect();
    /// assert_eq!(flagged, [repo.path().join("kubelet.yaml")]);
    /// ```
    #[must_use]
    pub fn with_discovery(mut self, overrides: Overrides) -> Self {
        self.discovery = Some(overrides);
        self
    }

    /// The settings for the run as a whole (and for files no config governs).
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn resolver(&self) -> Resolver {
        Resolver::new(Arc::clone(&self.settings), self.discovery.clone())
    }

    fn builder(&self) -> InventoryBuilder {
        InventoryBuilder::new(discover::options(&self.settings, false))
    }

    /// Lints one file's text. `path` names it in findings; nothing is read from disk.
    #[must_use]
    pub fn lint_source(&self, path: &Path, text: &str) -> Report {
        self.lint_texts([(path, text)])
    }

    /// Lints files given as `(path, text)` as one run, like [`Linter::lint_paths`] without a
    /// [`Settings::root`]: nothing is read from disk, services are assembled from the units,
    /// drop-ins and environment files given, and a file the configuration names (a kubelet's
    /// `--config`, an `EnvironmentFile=`) is found among them by its path.
    ///
    /// ```
    /// use std::path::PathBuf;
    /// use kubeharden_rules::{Linter, Settings};
    ///
    /// let unit = "[Service]\nEnvironmentFile=/etc/kubernetes/apiserver.env\nExecStart=/usr/bin/kube-apiserver $ARGS\n";
    /// let env = "ARGS=--authorization-mode=AlwaysAllow\n";
    /// let report = Linter::new(Settings::default()).lint_sources(&[
    ///     (PathBuf::from("etc/systemd/system/kube-apiserver.service"), unit.to_owned()),
    ///     (PathBuf::from("etc/kubernetes/apiserver.env"), env.to_owned()),
    /// ]);
    /// let finding = report.findings.iter().find(|f| f.code == "KAPI004").unwrap();
    /// assert!(report.file(finding.file).path().ends_with("apiserver.env"));
    /// ```
    #[must_use]
    pub fn lint_sources(&self, files: &[(PathBuf, String)]) -> Report {
        self.lint_texts(
            files
                .iter()
                .map(|(path, text)| (path.as_path(), text.as_str())),
        )
    }

    fn lint_texts<'t>(&self, files: impl IntoIterator<Item = (&'t Path, &'t str)>) -> Report {
        let mut builder = self.builder();
        for (path, text) in files {
            builder.add_file(SourceFile::new(path, text));
        }
        self.finish(builder.build(), Vec::new(), self.resolver())
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
        let resolver = self.resolver();
        let (inventory, read_errors) = discover::node(&resolver, root, texts);
        self.finish(inventory, read_errors, resolver)
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
        let resolver = self.resolver();
        let (inventory, read_errors) = discover::paths(&resolver, paths, texts);
        self.finish(inventory, read_errors, resolver)
    }

    /// Lints one file's bytes (standard input, say): `path` names it in findings and decides
    /// its kind; nothing is read from disk. Bytes that are not UTF-8 are a finding.
    #[must_use]
    pub fn lint_bytes(&self, path: &Path, bytes: Vec<u8>) -> Report {
        let mut builder = self.builder();
        builder.add_bytes(path, bytes);
        self.finish(builder.build(), Vec::new(), self.resolver())
    }

    /// Runs every rule over a built inventory.
    #[must_use]
    pub fn lint_inventory(&self, inventory: Inventory) -> Report {
        self.finish(inventory, Vec::new(), self.resolver())
    }

    /// Runs the rules any file's settings select, then drops what each file's settings turn
    /// off (`select`, `ignore`, `per-file-ignores`), applies inline suppressions (and reports
    /// the unused ones), and each file's severity overrides.
    fn finish(
        &self,
        inventory: Inventory,
        read_errors: Vec<ReadError>,
        resolver: Resolver,
    ) -> Report {
        let per_file: Vec<Arc<Settings>> = inventory
            .files()
            .map(|(_, file)| resolver.for_file(file.path()))
            .collect();
        let settings_of = |id: FileId| &*per_file[id.0 as usize];
        let mut distinct: Vec<&Arc<Settings>> = Vec::new();
        for settings in &per_file {
            if !distinct.iter().any(|d| Arc::ptr_eq(d, settings)) {
                distinct.push(settings);
            }
        }
        let runs = |meta: &Meta| distinct.iter().any(|s| s.is_selected(meta));
        let mut findings = Vec::new();
        for rule in registry::checks() {
            let meta = rule.meta();
            if runs(meta) {
                rule.check(
                    &inventory,
                    &mut Findings::new(meta, &mut findings).with_benchmark(self.settings.benchmark),
                );
            }
        }
        for finding in &mut findings {
            if let Some(assumed) = notes::assumed_unit(&inventory, finding.file) {
                finding.note = Some(match finding.note.take() {
                    Some(note) => format!("{note}; {assumed}"),
                    None => assumed,
                });
            }
        }
        let mut findings = drop_disabled(&inventory, findings, settings_of);
        let mut suppressions = suppression::parse_all(&inventory);
        findings = suppression::apply(&inventory, findings, &mut suppressions);
        if runs(&UnusedSuppression::META) {
            let mut unused = Vec::new();
            suppression::report_unused(
                &inventory,
                &suppressions,
                settings_of,
                &UnusedSuppression::META,
                &mut Findings::new(&UnusedSuppression::META, &mut unused),
            );
            let unused = drop_disabled(&inventory, unused, settings_of);
            findings.extend(suppression::apply(&inventory, unused, &mut suppressions));
        }
        if distinct.iter().any(|s| !s.severity.is_empty()) {
            for finding in &mut findings {
                if let Some(meta) = registry::find(finding.code) {
                    finding.severity = settings_of(finding.file).severity_of(meta);
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
        let (config_errors, ignored_kubernetes_versions) = resolver.into_findings();
        Report {
            inventory,
            findings,
            read_errors,
            config_errors,
            ignored_kubernetes_versions,
        }
    }
}

/// `findings` without those the settings of their file turn off.
fn drop_disabled<'s>(
    inventory: &Inventory,
    findings: Vec<Finding>,
    settings_of: impl Fn(FileId) -> &'s Settings,
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| {
            registry::find(f.code).is_none_or(|meta| {
                settings_of(f.file).is_enabled_for(meta, inventory.file(f.file).path())
            })
        })
        .collect()
}

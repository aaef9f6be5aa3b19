//! Finding config files as ruff does: each file is judged by the closest `.kubeharden.yaml`
//! (or `.kubeharden.yml`) in its directory or above, and settings that shape the whole run
//! (the Kubernetes version, the node's root) come from one config for the run.
//!
//! [`discover`] finds the config that governs a path; [`crate::Linter::with_discovery`] makes
//! a linter look one up for every file it reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeharden_core::version::KubeVersion;

use crate::settings::{ConfigError, Overrides, Settings, normalize};

/// The names a config file may have; one directory holds at most one of them.
pub const FILE_NAMES: [&str; 2] = [".kubeharden.yaml", ".kubeharden.yml"];

/// The config that governs `path`: the closest config file in `path` (a directory) or in the
/// directory holding it (a file), or in the nearest directory above, with its settings.
/// `Ok(None)` when there is none up to the file system's root.
///
/// ```
/// use kubeharden_rules::config;
///
/// let repo = tempfile::tempdir().unwrap();
/// std::fs::create_dir_all(repo.path().join("clusters/lab")).unwrap();
/// std::fs::write(repo.path().join(".kubeharden.yaml"), "ignore: [KETC]\n").unwrap();
/// std::fs::write(repo.path().join("clusters/lab/.kubeharden.yml"), "select: [KLET]\n").unwrap();
///
/// let (path, settings) = config::discover(&repo.path().join("clusters/prod/etcd.yaml")).unwrap().unwrap();
/// assert_eq!(path, repo.path().join(".kubeharden.yaml"));
/// assert_eq!(settings.ignore.len(), 1);
/// let (path, _) = config::discover(&repo.path().join("clusters/lab")).unwrap().unwrap();
/// assert_eq!(path, repo.path().join("clusters/lab/.kubeharden.yml"));
///
/// std::fs::write(repo.path().join(".kubeharden.yml"), "").unwrap();
/// let error = config::discover(&repo.path().join("a.yaml")).unwrap_err();
/// assert!(error.message.contains(".kubeharden.yaml") && error.message.contains(".kubeharden.yml"));
/// ```
///
/// # Errors
/// [`ConfigError`] when the closest config cannot be read or is not valid, or when one
/// directory on the way holds both names.
pub fn discover(path: &Path) -> Result<Option<(PathBuf, Settings)>, ConfigError> {
    for dir in absolute(&start_dir(path)).ancestors() {
        if let Some(file) = find_in(dir)? {
            let settings = load(&file)?;
            return Ok(Some((file, settings)));
        }
    }
    Ok(None)
}

/// The config file in `dir` itself, if there is one.
///
/// # Errors
/// [`ConfigError`] naming both files when `dir` holds `.kubeharden.yaml` and
/// `.kubeharden.yml`.
pub fn find_in(dir: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let mut found = FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.is_file());
    let Some(first) = found.next() else {
        return Ok(None);
    };
    match found.next() {
        None => Ok(Some(first)),
        Some(second) => Err(ConfigError {
            message: format!(
                "two config files in one directory: {} and {}",
                first.display(),
                second.display()
            ),
            help: Some(
                "keep one of them: kubeharden reads one config file per directory".to_owned(),
            ),
            path: first,
            text: String::new(),
            span: None,
        }),
    }
}

/// Reads and parses the config file at `path`.
///
/// # Errors
/// [`ConfigError`] when it cannot be read or is not valid.
pub fn load(path: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
        message: format!("cannot read config file {}: {error}", path.display()),
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        help: None,
    })?;
    Settings::from_config(path, &text)
}

/// Where discovery starts for `path`: itself when it is a directory, else its directory (the
/// working directory for a bare file name).
fn start_dir(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` made absolute against the working directory, without `.` and `..` (and without
/// asking the file system, so a symbolic link stays where it is named).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).map_or_else(|_| path.to_path_buf(), |p| normalize(&p))
}

/// The directory whose config governs a run over `paths`: the deepest directory holding
/// every one of them (a file counts as its directory).
///
/// ```
/// use std::path::PathBuf;
/// use kubeharden_rules::config;
///
/// let paths = [PathBuf::from("/repo/clusters/a/kubelet.yaml"), PathBuf::from("/repo/clusters/b/etcd.yaml")];
/// assert_eq!(config::common_dir(&paths), Some(PathBuf::from("/repo/clusters")));
/// assert_eq!(config::common_dir(&[]), None);
/// ```
#[must_use]
pub fn common_dir(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut dirs = paths.iter().map(|p| absolute(&start_dir(p)));
    let first = dirs.next()?;
    Some(dirs.fold(first, |common, dir| {
        common
            .components()
            .zip(dir.components())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    }))
}

/// Each file's settings in one lint: the run's, or with discovery the closest config's with
/// the command line on top. Configs are read once per lint and remembered by directory.
#[derive(Debug)]
pub(crate) struct Resolver {
    run: Arc<Settings>,
    /// The command line, laid over every config found; `None` turns discovery off.
    discovery: Option<Overrides>,
    /// Absolute directory → the settings for the files in it.
    by_dir: RefCell<HashMap<PathBuf, Arc<Settings>>>,
    errors: RefCell<Vec<ConfigError>>,
    /// Configs whose `kubernetes-version` is not the run's, which decides it for every file.
    ignored_versions: RefCell<Vec<(PathBuf, KubeVersion)>>,
}

impl Resolver {
    pub(crate) fn new(run: Arc<Settings>, discovery: Option<Overrides>) -> Self {
        Self {
            run,
            discovery,
            by_dir: RefCell::new(HashMap::new()),
            errors: RefCell::new(Vec::new()),
            ignored_versions: RefCell::new(Vec::new()),
        }
    }

    /// The settings that decide the run as a whole.
    pub(crate) fn run(&self) -> &Settings {
        &self.run
    }

    /// The settings the file at `path` is judged by.
    pub(crate) fn for_file(&self, path: &Path) -> Arc<Settings> {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => self.for_dir(parent),
            _ => self.for_dir(Path::new(".")),
        }
    }

    /// The settings for the entries of `dir`: the closest config in it or above, else the
    /// run's. A config that cannot be used is recorded once, and its files get the run's.
    pub(crate) fn for_dir(&self, dir: &Path) -> Arc<Settings> {
        let Some(overrides) = &self.discovery else {
            return Arc::clone(&self.run);
        };
        let dir = absolute(dir);
        let mut by_dir = self.by_dir.borrow_mut();
        let mut visited = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(settings) = by_dir.get(ancestor) {
                found = Some(Arc::clone(settings));
                break;
            }
            visited.push(ancestor.to_path_buf());
            let loaded = find_in(ancestor)
                .and_then(|file| file.map(|f| load(&f).map(|s| (f, s))).transpose());
            match loaded {
                Ok(None) => continue,
                Ok(Some((file, settings))) => {
                    let settings = settings.with_overrides(overrides.clone());
                    if let Some(version) = settings
                        .kubernetes_version
                        .filter(|v| Some(*v) != self.run.kubernetes_version)
                    {
                        self.ignored_versions.borrow_mut().push((file, version));
                    }
                    found = Some(Arc::new(settings));
                }
                Err(error) => self.errors.borrow_mut().push(error),
            }
            break;
        }
        let settings = found.unwrap_or_else(|| Arc::clone(&self.run));
        for dir in visited {
            by_dir.insert(dir, Arc::clone(&settings));
        }
        settings
    }

    /// The config files that could not be used, and those whose `kubernetes-version` was not.
    pub(crate) fn into_findings(self) -> (Vec<ConfigError>, Vec<(PathBuf, KubeVersion)>) {
        (self.errors.into_inner(), self.ignored_versions.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Selector;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn found(path: &Path) -> Option<PathBuf> {
        discover(path).unwrap().map(|(file, _)| file)
    }

    #[test]
    fn the_closest_config_in_or_above_the_path() {
        let dir = tree(&[
            (".kubeharden.yaml", "ignore: [KETC]\n"),
            ("a/.kubeharden.yml", "select: [KLET]\n"),
            ("a/b/c/kubelet.yaml", ""),
        ]);
        let root = dir.path();
        let cases = [
            ("a/b/c/kubelet.yaml", "a/.kubeharden.yml"),
            ("a/b", "a/.kubeharden.yml"),
            ("a", "a/.kubeharden.yml"),
            // A file that does not exist yet is looked up from its directory.
            ("new.yaml", ".kubeharden.yaml"),
            ("x/../a/b", "a/.kubeharden.yml"),
        ];
        for (path, config) in cases {
            assert_eq!(found(&root.join(path)), Some(root.join(config)), "{path}");
        }
        let (_, settings) = discover(&root.join("a")).unwrap().unwrap();
        assert_eq!(settings.select, Some(vec![Selector::Prefix("KLET".into())]));
        assert_eq!(settings.base_dir, Some(root.join("a")));
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(found(empty.path()), None);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tree(&[
            ("both/.kubeharden.yaml", ""),
            ("both/.kubeharden.yml", ""),
            ("bad/.kubeharden.yml", "select: [KXYZ]\n"),
        ]);
        let error = discover(&dir.path().join("both/sub/x.yaml")).unwrap_err();
        let both = dir.path().join("both");
        assert_eq!(
            error.message,
            format!(
                "two config files in one directory: {} and {}",
                both.join(".kubeharden.yaml").display(),
                both.join(".kubeharden.yml").display()
            )
        );
        assert_eq!(error.span, None);
        let error = discover(&dir.path().join("bad")).unwrap_err();
        assert_eq!(error.path, dir.path().join("bad/.kubeharden.yml"));
        assert_eq!(error.span.map(|s| &error.text[s.range()]), Some("KXYZ"));
        let error = load(&dir.path().join("missing.yaml")).unwrap_err();
        assert!(
            error.message.starts_with("cannot read config file "),
            "{}",
            error.message
        );
        assert!(error.message.contains("missing.yaml"), "{}", error.message);
    }

    #[test]
    fn the_resolver_lays_the_command_line_over_each_config_and_falls_back_to_the_run() {
        let dir = tree(&[
            (
                "lab/.kubeharden.yaml",
                "select: [KLET]\nkubernetes-version: \"1.28\"\n",
            ),
            ("bad/.kubeharden.yaml", "selct: []\n"),
        ]);
        let root = dir.path();
        let run = Arc::new(Settings {
            ignore: vec![Selector::Prefix("KAPI".into())],
            ..Settings::default()
        });
        let overrides = Overrides {
            ignore: vec![Selector::Prefix("KLET005".into())],
            ..Overrides::default()
        };
        let resolver = Resolver::new(Arc::clone(&run), Some(overrides));
        let lab = resolver.for_file(&root.join("lab/deep/kubelet.yaml"));
        assert_eq!(lab.select, Some(vec![Selector::Prefix("KLET".into())]));
        assert_eq!(lab.ignore, vec![Selector::Prefix("KLET005".into())]);
        // Remembered by directory: the same settings, not a second read.
        assert!(Arc::ptr_eq(&lab, &resolver.for_dir(&root.join("lab/deep"))));
        assert!(Arc::ptr_eq(&lab, &resolver.for_dir(&root.join("lab"))));
        // No config above: the run's settings.
        assert!(Arc::ptr_eq(&run, &resolver.for_dir(root)));
        // A broken config: its files get the run's settings, and it is reported once.
        assert!(Arc::ptr_eq(
            &run,
            &resolver.for_file(&root.join("bad/a.yaml"))
        ));
        assert!(Arc::ptr_eq(
            &run,
            &resolver.for_file(&root.join("bad/b/c.yaml"))
        ));
        let (errors, ignored_versions) = resolver.into_findings();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, root.join("bad/.kubeharden.yaml"));
        // The run decides the version: lab's is not used, and that is said.
        let versions: Vec<_> = ignored_versions
            .into_iter()
            .map(|(path, version)| (path, version.to_string()))
            .collect();
        assert_eq!(
            versions,
            [(root.join("lab/.kubeharden.yaml"), "v1.28".to_owned())]
        );
        // Without discovery, every file gets the run's settings.
        let fixed = Resolver::new(Arc::clone(&run), None);
        assert!(Arc::ptr_eq(
            &run,
            &fixed.for_file(&root.join("lab/kubelet.yaml"))
        ));
    }

    #[test]
    fn the_common_directory_of_a_run() {
        let dir = tree(&[("a/b/x.yaml", ""), ("a/c/y.yaml", "")]);
        let root = dir.path();
        let common =
            |paths: &[&str]| common_dir(&paths.iter().map(|p| root.join(p)).collect::<Vec<_>>());
        assert_eq!(common(&["a/b/x.yaml", "a/c/y.yaml"]), Some(root.join("a")));
        assert_eq!(common(&["a/b", "a/b/x.yaml"]), Some(root.join("a/b")));
        assert_eq!(common(&["a/b"]), Some(root.join("a/b")));
        assert_eq!(common(&["a/b/x.yaml"]), Some(root.join("a/b")));
    }
}

//! What a run checks: which rules, on which files, at which severity — and the
//! `.kubeharden.yaml` file that says so.
//!
//! The command line and embedders get the same behaviour: read a config file with
//! [`Settings::from_config`] (or find the one that governs a path with
//! [`crate::config::discover`]), then lay command-line choices over it with
//! [`Settings::with_overrides`].

use std::fmt;
use std::path::{Component as PathComponent, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use kubeharden_core::Span;
use kubeharden_core::version::KubeVersion;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use crate::cis::Benchmark;
use crate::registry;
use crate::rule::{Meta, Severity};

/// Picks rules: `ALL`, a code or a code prefix (`KETC`, `KAPI00`, `KLET005`), or a rule
/// name (`kubelet-read-only-port-enabled`), case-insensitively.
///
/// ```
/// use kubeharden_rules::{Selector, registry};
///
/// let etcd = Selector::parse("ketc").unwrap();
/// assert!(etcd.matches(registry::find("KETC004").unwrap()));
/// assert!(!etcd.matches(registry::find("KAPI001").unwrap()));
/// assert!(Selector::parse("kubelet-read-only-port-enabled").is_ok());
/// assert!(Selector::parse("KXYZ").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Selector {
    All,
    /// An upper-case code or code prefix that starts at least one rule's code.
    Prefix(String),
    /// A rule's name.
    Name(&'static str),
}

/// A selector that names no rule.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("`{text}` is not a rule code, code prefix or rule name{}", suggestion_text(*.suggestion))]
pub struct UnknownSelector {
    pub text: String,
    /// The closest code or name, when one is close.
    pub suggestion: Option<&'static str>,
}

fn suggestion_text(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

impl Selector {
    /// # Errors
    /// [`UnknownSelector`] when `text` matches no rule.
    pub fn parse(text: &str) -> Result<Self, UnknownSelector> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("ALL") {
            return Ok(Self::All);
        }
        let upper = text.to_ascii_uppercase();
        if upper.starts_with('K') && registry::metas().any(|m| m.code.starts_with(&upper)) {
            return Ok(Self::Prefix(upper));
        }
        if let Some(meta) = registry::metas().find(|m| m.name.eq_ignore_ascii_case(text)) {
            return Ok(Self::Name(meta.name));
        }
        Err(UnknownSelector {
            text: text.to_owned(),
            suggestion: registry::suggest(text),
        })
    }

    /// Parses a comma-separated list (`KETC,KAPI001, insecure-port-enabled`).
    ///
    /// # Errors
    /// The first item that matches no rule.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, UnknownSelector> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Self::parse)
            .collect()
    }

    #[must_use]
    pub fn matches(&self, meta: &Meta) -> bool {
        match self {
            Self::All => true,
            Self::Prefix(prefix) => meta.code.starts_with(prefix.as_str()),
            Self::Name(name) => meta.name == *name,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("ALL"),
            Self::Prefix(prefix) => f.write_str(prefix),
            Self::Name(name) => f.write_str(name),
        }
    }
}

/// A glob over paths (globset syntax: `*` also crosses `/`, `**` any number of
/// directories, `{a,b}` alternatives).
///
/// A file matches when the glob matches its path as given (without a leading `./`), its path
/// relative to [`Settings::base_dir`], or its file name; while walking a directory, also its
/// path relative to the directory walked.
#[derive(Clone, Debug)]
pub struct PathPattern {
    text: String,
    matcher: GlobMatcher,
}

impl PathPattern {
    /// # Errors
    /// The glob's syntax error.
    pub fn new(text: &str) -> Result<Self, globset::Error> {
        let matcher = GlobBuilder::new(text.trim_end_matches('/'))
            .literal_separator(false)
            .build()?
            .compile_matcher();
        Ok(Self {
            text: text.to_owned(),
            matcher,
        })
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether any of `candidates` matches.
    fn matches_any(&self, candidates: &[PathBuf]) -> bool {
        candidates.iter().any(|c| self.matcher.is_match(c))
    }
}

/// `per-file-ignores`: rules turned off for the files a glob matches.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PerFileIgnore {
    pub pattern: PathPattern,
    pub rules: Vec<Selector>,
}

/// `severity`: the severity findings of the selected rules are reported at.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SeverityOverride {
    pub rules: Selector,
    pub severity: Severity,
}

/// What a run checks and how.
///
/// Rule selection: a rule runs when one of the `select` selectors matches it — or, when
/// `select` is `None`, unless it is opt-in — and no `ignore` selector matches it (ignore beats
/// select).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Settings {
    /// Judge every component as this Kubernetes version, whatever its image says.
    pub kubernetes_version: Option<KubeVersion>,
    /// The node's `/`: files the configuration names (`--config`, `EnvironmentFile=`, ...)
    /// are read from under it. Without it they are looked for among the linted files only.
    pub root: Option<PathBuf>,
    /// Rules to run; `None` runs every rule.
    pub select: Option<Vec<Selector>>,
    /// Rules not to run.
    pub ignore: Vec<Selector>,
    /// Rules not to report on some files.
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Severities other than the rules' defaults; the last match wins.
    pub severity: Vec<SeverityOverride>,
    /// Files and directories a walk skips, and files named directly are dropped.
    pub exclude: Vec<PathPattern>,
    /// The directory `per-file-ignores` and `exclude` globs are relative to (the config
    /// file's directory).
    pub base_dir: Option<PathBuf>,
    /// Follow symbolic links while walking directories (loops are reported, not followed).
    pub follow_links: bool,
    /// The CIS Kubernetes Benchmark release the run judges against (`--compliance`): rules
    /// whose test differs between releases follow it. `None`: each component is judged by
    /// the release written for its Kubernetes version.
    pub benchmark: Option<Benchmark>,
}

/// Command-line choices laid over a config file by [`Settings::with_overrides`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Overrides {
    /// Replaces the config file's `select` *and* `ignore`: what is asked for on the command
    /// line is what runs.
    pub select: Option<Vec<Selector>>,
    /// Added to the `ignore` in effect.
    pub ignore: Vec<Selector>,
    /// Added to the config file's `exclude`.
    pub exclude: Vec<PathPattern>,
    /// Replaces the config file's `kubernetes-version`.
    pub kubernetes_version: Option<KubeVersion>,
    pub root: Option<PathBuf>,
    pub follow_links: bool,
    /// Replaces the benchmark release in effect.
    pub benchmark: Option<Benchmark>,
}

impl Settings {
    /// These settings with command-line choices on top: flags beat the config file.
    ///
    /// ```
    /// use kubeharden_rules::{Overrides, Selector, Settings, registry};
    ///
    /// let config = Settings::from_config(".kubeharden.yaml".as_ref(), "ignore: [KLET005]\n").unwrap();
    /// let kubelet = registry::find("KLET005").unwrap();
    /// assert!(!config.is_selected(kubelet));
    /// let mut cli = Overrides::default();
    /// cli.select = Some(vec![Selector::parse("KLET").unwrap()]);
    /// assert!(config.with_overrides(cli).is_selected(kubelet));
    /// ```
    #[must_use]
    pub fn with_overrides(mut self, overrides: Overrides) -> Self {
        if let Some(select) = overrides.select {
            self.select = Some(select);
            self.ignore.clear();
        }
        self.ignore.extend(overrides.ignore);
        self.exclude.extend(overrides.exclude);
        if overrides.kubernetes_version.is_some() {
            self.kubernetes_version = overrides.kubernetes_version;
        }
        if overrides.benchmark.is_some() {
            self.benchmark = overrides.benchmark;
        }
        if overrides.root.is_some() {
            self.root = overrides.root;
        }
        self.follow_links |= overrides.follow_links;
        self
    }

    /// Whether the rule runs at all.
    #[must_use]
    pub fn is_selected(&self, meta: &Meta) -> bool {
        let selected = match &self.select {
            // Opt-in rules wait to be named.
            None => !meta.opt_in,
            Some(select) => select.iter().any(|s| s.matches(meta)),
        };
        selected && !self.ignore.iter().any(|s| s.matches(meta))
    }

    /// Whether the rule runs and reports on the file at `path`.
    #[must_use]
    pub fn is_enabled_for(&self, meta: &Meta, path: &Path) -> bool {
        if !self.is_selected(meta) {
            return false;
        }
        if self.per_file_ignores.is_empty() {
            return true;
        }
        let candidates = self.candidates(path, None);
        !self
            .per_file_ignores
            .iter()
            .any(|p| p.rules.iter().any(|s| s.matches(meta)) && p.pattern.matches_any(&candidates))
    }

    /// The severity the rule's findings are reported at.
    #[must_use]
    pub fn severity_of(&self, meta: &Meta) -> Severity {
        self.severity
            .iter()
            .rev()
            .find(|o| o.rules.matches(meta))
            .map_or(meta.default_severity(), |o| o.severity)
    }

    /// Whether `exclude` drops `path`; `walk_root` is the directory being walked, if any.
    #[must_use]
    pub fn is_excluded(&self, path: &Path, walk_root: Option<&Path>) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let candidates = self.candidates(path, walk_root);
        self.exclude.iter().any(|p| p.matches_any(&candidates))
    }

    /// The forms of `path` globs are matched against.
    fn candidates(&self, path: &Path, walk_root: Option<&Path>) -> Vec<PathBuf> {
        let mut out = vec![without_dot(path)];
        if let Some(name) = path.file_name() {
            out.push(PathBuf::from(name));
        }
        if let Some(relative) = walk_root
            .and_then(|root| path.strip_prefix(root).ok())
            .filter(|r| !r.as_os_str().is_empty())
        {
            out.push(without_dot(relative));
        }
        if let Some(base) = &self.base_dir
            && let (Ok(absolute), Ok(base)) = (std::path::absolute(path), std::path::absolute(base))
            && let Ok(relative) = normalize(&absolute).strip_prefix(normalize(&base))
        {
            out.push(without_dot(relative));
        }
        out
    }

    /// Settings from the text of a `.kubeharden.yaml` at `path`; its globs are relative to
    /// the file's directory.
    ///
    /// ```
    /// use kubeharden_rules::{Settings, Severity, registry};
    ///
    /// let text = "\
    /// select: [KAPI, KETC]
    /// ignore: [etcd-ca-shared-with-cluster]
    /// per-file-ignores:
    ///   \"legacy/**\": [KAPI001]
    /// severity:
    ///   KAPI003: error
    /// kubernetes-version: \"1.30\"
    /// ";
    /// let settings = Settings::from_config("repo/.kubeharden.yaml".as_ref(), text).unwrap();
    /// let anonymous = registry::find("KAPI003").unwrap();
    /// assert_eq!(settings.severity_of(anonymous), Severity::Error);
    ///
    /// let error = Settings::from_config(".kubeharden.yaml".as_ref(), "selct: [KAPI]\n").unwrap_err();
    /// assert!(error.to_string().contains("selct"));
    /// assert_eq!(error.span.map(|s| s.start), Some(0));
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] for YAML that does not parse, an unknown key, or a value of the wrong
    /// shape, an unknown rule, a bad glob or version; it carries a span into `text`.
    pub fn from_config(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let error = |span: Option<Span>, message: String, help: Option<String>| ConfigError {
            path: path.to_path_buf(),
            text: text.to_owned(),
            message: match span {
                Some(_) => message,
                None => format!("{}: {message}", path.display()),
            },
            span,
            help,
        };
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| {
                let span = e.location().and_then(|l| byte_span(text, &l));
                error(span, plain_message(&e), None)
            })?
        };
        let selectors = |items: Vec<Entry<String>>| -> Result<Vec<Selector>, ConfigError> {
            items
                .into_iter()
                .map(|item| {
                    Selector::parse(&item.value).map_err(|e| {
                        error(
                            item.span,
                            e.to_string(),
                            Some("run `kubeharden rules` for the codes and names".to_owned()),
                        )
                    })
                })
                .collect()
        };
        let pattern = |item: &Entry<String>| {
            PathPattern::new(&item.value)
                .map_err(|e| error(item.span, format!("invalid glob: {}", e.kind()), None))
        };
        let mut settings = Settings {
            base_dir: Some(
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ),
            ..Settings::default()
        };
        if let Some(select) = file.select {
            settings.select = Some(selectors(select.into_entries(text))?);
        }
        if let Some(ignore) = file.ignore {
            settings.ignore = selectors(ignore.into_entries(text))?;
        }
        for (glob, rules) in file.per_file_ignores.unwrap_or_default().into_entries(text) {
            settings.per_file_ignores.push(PerFileIgnore {
                pattern: pattern(&glob)?,
                rules: selectors(rules.into_entries(text))?,
            });
        }
        for (rules, severity) in file.severity.unwrap_or_default().into_entries(text) {
            let severity = match severity.value.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                other => {
                    return Err(error(
                        severity.span,
                        format!("`{other}` is not a severity"),
                        Some("use `error` or `warning`".to_owned()),
                    ));
                }
            };
            for selector in selectors(vec![rules])? {
                settings.severity.push(SeverityOverride {
                    rules: selector,
                    severity,
                });
            }
        }
        for glob in file.exclude.unwrap_or_default().into_entries(text) {
            settings.exclude.push(pattern(&glob)?);
        }
        if let Some(version) = file.kubernetes_version {
            let version = version.into_entry(text);
            settings.kubernetes_version =
                Some(KubeVersion::parse(&version.value).map_err(|e| {
                    error(
                        version.span,
                        e.to_string(),
                        Some("write the version quoted, as `\"1.30\"`".to_owned()),
                    )
                })?);
        }
        Ok(settings)
    }
}

/// `a/b/../c` as `a/c`, without asking the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            PathComponent::CurDir => {}
            PathComponent::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn without_dot(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, PathComponent::CurDir))
        .collect()
}

/// A config file that cannot be used: where and why.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct ConfigError {
    pub path: PathBuf,
    /// The config file's text, for showing the span (empty when it could not be read).
    pub text: String,
    /// Bytes in `text` the error is about.
    pub span: Option<Span>,
    /// What is wrong; without a span, it names the file (or files) itself.
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigError")
            .field("path", &self.path)
            .field("span", &self.span)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("kubeharden::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(
                Some("here".to_owned()),
                miette::SourceSpan::new(span.start.into(), span.len()),
            ),
        )))
    }
}

impl miette::SourceCode for ConfigError {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.text.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.path.display().to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// serde-saphyr's message without its own location suffix and snippet: the diagnostic shows
/// both.
fn plain_message(error: &serde_saphyr::Error) -> String {
    let rendered = error.without_snippet().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    match first.rfind(" at line ") {
        Some(at) => first[..at].to_owned(),
        None => first.to_owned(),
    }
}

/// The byte span of a serde-saphyr location: its own byte offsets when it has them, else its
/// line and (character) column, to the end of the token.
fn byte_span(text: &str, location: &serde_saphyr::Location) -> Option<Span> {
    let span = location.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = usize::try_from(start).ok()?;
        let len = usize::try_from(len).ok()?;
        if start <= text.len() {
            return Some(token_span(text, start, len));
        }
    }
    let line = usize::try_from(location.line()).ok()?.checked_sub(1)?;
    let column = usize::try_from(location.column()).ok()?.checked_sub(1)?;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let line_text = text.get(line_start..)?.lines().next().unwrap_or_default();
    let offset = line_text
        .char_indices()
        .nth(column)
        .map_or(line_text.len(), |(i, _)| i);
    Some(token_span(text, line_start + offset, 0))
}

/// `len` bytes at `start`, or the word there when the length is unknown (zero).
fn token_span(text: &str, start: usize, len: usize) -> Span {
    if len > 0 {
        return Span::new(start, (start + len).min(text.len()));
    }
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ']' | '}'))
        .unwrap_or(rest.len());
    Span::new(start, start + end)
}

// ---- the file's shape ------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    select: Option<List>,
    ignore: Option<List>,
    per_file_ignores: Option<Map<List>>,
    exclude: Option<List>,
    severity: Option<Map<serde_saphyr::Spanned<String>>>,
    kubernetes_version: Option<serde_saphyr::Spanned<String>>,
}

/// A value and its bytes in the config file.
struct Entry<T> {
    value: T,
    span: Option<Span>,
}

trait IntoEntry {
    fn into_entry(self, text: &str) -> Entry<String>;
}

impl IntoEntry for serde_saphyr::Spanned<String> {
    fn into_entry(self, text: &str) -> Entry<String> {
        let span = byte_span(text, &self.referenced);
        Entry {
            value: self.value,
            span,
        }
    }
}

/// A list of rules or globs; a single string is a one-item list, and a comma-separated
/// string is split as on the command line.
#[derive(Debug, Default)]
struct List(Vec<serde_saphyr::Spanned<String>>);

impl List {
    fn into_entries(self, text: &str) -> Vec<Entry<String>> {
        self.0
            .into_iter()
            .flat_map(|item| {
                let entry = item.into_entry(text);
                split_entry(entry)
            })
            .collect()
    }
}

/// `"KAPI001, KETC"` as two entries, each with its own span where the text allows.
fn split_entry(entry: Entry<String>) -> Vec<Entry<String>> {
    if !entry.value.contains(',') {
        return vec![entry];
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for part in entry.value.split(',') {
        let trimmed = part.trim();
        let lead = part.len() - part.trim_start().len();
        if !trimmed.is_empty() {
            out.push(Entry {
                value: trimmed.to_owned(),
                span: entry.span.map(|s| {
                    // Quoted strings start one byte later; unquoted at the span.
                    let quote = usize::from(s.len() > entry.value.len());
                    let start = s.start + quote + offset + lead;
                    Span::new(start, start + trimmed.len())
                }),
            });
        }
        offset += part.len() + 1;
    }
    out
}

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // An untagged enum would buffer the value and lose the locations; a visitor keeps
        // reading through serde-saphyr, so every item keeps its own.
        enum Raw {
            One(String),
            Many(Vec<serde_saphyr::Spanned<String>>),
        }
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings or one string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Many(items))
            }
        }
        impl<'de> Deserialize<'de> for Raw {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(RawVisitor)
            }
        }
        let raw: serde_saphyr::Spanned<Raw> = Deserialize::deserialize(deserializer)?;
        Ok(match raw.value {
            Raw::One(one) => List(vec![serde_saphyr::Spanned::new(
                one,
                raw.referenced,
                raw.defined,
            )]),
            Raw::Many(many) => List(many),
        })
    }
}

/// A mapping with spanned keys, in file order.
#[derive(Debug)]
struct Map<V>(Vec<(serde_saphyr::Spanned<String>, V)>);

impl<V> Default for Map<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl Map<List> {
    fn into_entries(self, text: &str) -> Vec<(Entry<String>, List)> {
        self.0
            .into_iter()
            .map(|(k, v)| (k.into_entry(text), v))
            .collect()
    }
}

impl Map<serde_saphyr::Spanned<String>> {
    fn into_entries(self, text: &str) -> Vec<(Entry<String>, Entry<String>)> {
        self.0
            .into_iter()
            .map(|(k, v)| (k.into_entry(text), v.into_entry(text)))
            .collect()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = Map<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Map(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> ConfigError {
        Settings::from_config(Path::new(".kubeharden.yaml"), text).unwrap_err()
    }

    fn at(error: &ConfigError) -> &str {
        let span = error.span.unwrap_or_else(|| panic!("no span: {error:?}"));
        &error.text[span.range()]
    }

    #[test]
    fn errors_point_at_the_bad_bytes() {
        let e = error("select: [KAPI]\nignor: [KETC]\n");
        assert!(e.message.contains("ignor"), "{}", e.message);
        assert_eq!(at(&e), "ignor");
        let e = error("select: [KAPI, KXYZ001]\n");
        assert_eq!(at(&e), "KXYZ001");
        let e = error("severity:\n  KAPI001: fatal\n");
        assert_eq!(at(&e), "fatal");
        let e = error("per-file-ignores:\n  \"a/[b\": [KAPI001]\n");
        assert!(e.message.starts_with("invalid glob"), "{}", e.message);
        let e = error("select: \"KAPI, kubelet-read-only-prot-enabled\"\n");
        assert_eq!(at(&e), "kubelet-read-only-prot-enabled");
        let e = error("kubernetes-version: latest\n");
        assert_eq!(at(&e), "latest");
        let e = error("select: {a: b}\n");
        assert!(e.span.is_some());
    }

    #[test]
    fn every_key() {
        let text = "select: KAPI,KLET\nignore: [KLET005]\nper-file-ignores:\n  legacy/**: [insecure-port-enabled]\nexclude: [\"vendor\"]\nseverity:\n  KAPI003: error\nkubernetes-version: 1.30\n";
        let s = Settings::from_config(Path::new("/repo/.kubeharden.yaml"), text).unwrap();
        assert_eq!(s.select.as_ref().map(Vec::len), Some(2));
        assert_eq!(s.ignore, vec![Selector::Prefix("KLET005".into())]);
        assert_eq!(
            s.kubernetes_version.map(|v| v.to_string()),
            Some("v1.30".into())
        );
        let kapi001 = registry::find("KAPI001").unwrap();
        assert!(!s.is_enabled_for(kapi001, Path::new("/repo/legacy/x/a.yaml")));
        assert!(s.is_enabled_for(kapi001, Path::new("/repo/new/a.yaml")));
        assert!(s.is_excluded(Path::new("/repo/vendor"), None));
        assert!(!s.is_excluded(Path::new("/repo/vendored.yaml"), None));
    }
}

//! Findings, fixes, and the sink rules report into.

use kubeharden_core::{Component, FileId, Location, Span};

use crate::cis::Benchmark;
use crate::rule::{Meta, Severity};

/// Whether a fix can be applied without a human's decision.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Applicability {
    /// Changes only the offending value; nothing that works today stops working.
    Safe,
    /// Needs a choice the tool cannot know, or may break a working cluster.
    Unsafe,
}

impl Applicability {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
        }
    }
}

impl std::fmt::Display for Applicability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One byte edit on the original text.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A fix: edits in one file (which need not be the finding's: a flag reported where the
/// command line is assembled may be fixed in the environment file that holds it).
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// The file every edit applies to.
    pub file: FileId,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of `file` made of `edits` (byte edits on its original text, not overlapping).
    #[must_use]
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        file: FileId,
        edits: Vec<Edit>,
    ) -> Self {
        Self {
            title: title.into(),
            applicability,
            file,
            edits,
        }
    }
}

/// One problem found in one file.
///
/// `span` is a byte range into the file ([`crate::Report::file`]); for a setting nobody wrote
/// it covers the place the setting belongs (a container's `command:` key, a
/// `KubeletConfiguration`'s `kind:`), and `message` says which default applies.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub section: &'static str,
    pub severity: Severity,
    pub component: Option<Component>,
    pub file: FileId,
    pub span: Span,
    /// A fragment about this file, flags and values in backticks, no trailing period.
    pub message: String,
    /// What is under the span.
    pub label: Option<String>,
    /// What to write instead, imperative.
    pub help: Option<String>,
    /// Provenance and version: where the value came from and why it applies.
    pub note: Option<String>,
    pub fix: Option<Fix>,
    /// The CIS recommendation, by concept key, that this finding is about, when its rule
    /// decides several (`default-admission-plugin-disabled`: ServiceAccount or
    /// NamespaceLifecycle); `None` for a rule that decides one or none.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub cis: Option<&'static str>,
}

/// Collects the findings of one rule, stamping each with the rule's code, name and severity,
/// so that a rule cannot report under another rule's code.
#[derive(Debug)]
pub struct Findings<'a> {
    meta: &'static Meta,
    out: &'a mut Vec<Finding>,
    benchmark: Option<Benchmark>,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(meta: &'static Meta, out: &'a mut Vec<Finding>) -> Self {
        Self {
            meta,
            out,
            benchmark: None,
        }
    }

    /// The run judges against this benchmark release (`--compliance`).
    pub(crate) const fn with_benchmark(mut self, benchmark: Option<Benchmark>) -> Self {
        self.benchmark = benchmark;
        self
    }

    /// The benchmark release the run was asked to judge against, if any; rules whose test
    /// differs between releases (accepted cipher suites) follow it.
    #[must_use]
    pub const fn benchmark(&self) -> Option<Benchmark> {
        self.benchmark
    }

    /// Records a finding at `location`; the returned builder fills in its optional parts.
    pub fn report(&mut self, location: Location, message: impl Into<String>) -> FindingBuilder<'_> {
        self.out.push(Finding {
            code: self.meta.code,
            name: self.meta.name,
            section: self.meta.section().as_str(),
            severity: self.meta.default_severity(),
            component: self.meta.component(),
            file: location.file(),
            span: location.span(),
            message: message.into(),
            label: None,
            help: None,
            note: None,
            fix: None,
            cis: None,
        });
        let last = self.out.len() - 1;
        FindingBuilder {
            finding: &mut self.out[last],
            rule_cis: self.meta.cis,
        }
    }
}

/// Fills in the optional parts of a finding just reported.
#[derive(Debug)]
pub struct FindingBuilder<'a> {
    finding: &'a mut Finding,
    rule_cis: &'static [&'static str],
}

impl FindingBuilder<'_> {
    pub fn component(self, component: Component) -> Self {
        self.finding.component = Some(component);
        self
    }

    pub fn label(self, label: impl Into<String>) -> Self {
        self.finding.label = Some(label.into());
        self
    }

    pub fn help(self, help: impl Into<String>) -> Self {
        self.finding.help = Some(help.into());
        self
    }

    pub fn note(self, note: impl Into<String>) -> Self {
        self.finding.note = Some(note.into());
        self
    }

    /// Names the CIS recommendation the finding is about, for a rule that decides several; the
    /// key must be one of the rule's `cis` keys.
    pub fn cis(self, key: &'static str) -> Self {
        debug_assert!(
            self.rule_cis.contains(&key),
            "{key} is not among the rule's CIS keys"
        );
        self.finding.cis = Some(key);
        self
    }

    /// Attaches the fix, when there is one.
    pub fn fix(self, fix: impl Into<Option<Fix>>) -> Self {
        self.finding.fix = fix.into();
        self
    }
}

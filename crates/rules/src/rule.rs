//! What a rule is: its metadata, declared with `declare_rule!`, its check, and how its section
//! registers it.

use std::fmt;

use kubeharden_core::{Component, Inventory};

use crate::Section;
use crate::finding::Findings;

/// What kind of problem a rule finds; decides its default severity.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Category {
    /// The cluster is open to attack as configured.
    Security,
    /// Safer settings exist; the current ones are not an open door by themselves.
    Hardening,
    /// The input is wrong: broken YAML, flags the component would reject.
    Correctness,
}

impl Category {
    #[must_use]
    pub const fn default_severity(self) -> Severity {
        match self {
            Self::Security | Self::Correctness => Severity::Error,
            Self::Hardening => Severity::Warning,
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Security => "security",
            Self::Hardening => "hardening",
            Self::Correctness => "correctness",
        }
    }
}

/// How bad a finding is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
#[non_exhaustive]
pub struct Meta {
    /// Stable code, `KAPI001`; never reused.
    pub code: &'static str,
    /// Stable kebab-case name, `insecure-port-enabled`.
    pub name: &'static str,
    pub category: Category,
    /// The components it judges, as they appear in output (`kube-apiserver`, `any`).
    pub target: &'static str,
    /// One line: what is wrong when it fires.
    pub summary: &'static str,
    /// Whether the rule runs only when selected by name, code or prefix (`--select`, config
    /// `select`): it checks something many production clusters choose differently.
    pub opt_in: bool,
    /// The CIS recommendations it decides, by concept key (`apiserver.profiling`); a release's
    /// ids for them come from [`crate::cis::ids`].
    pub cis: &'static [&'static str],
    /// The rule's doc comment, Markdown.
    pub docs: &'static str,
}

impl Meta {
    #[must_use]
    pub fn section(&self) -> Section {
        Section::of_code(self.code).unwrap_or(Section::General)
    }

    #[must_use]
    pub const fn default_severity(&self) -> Severity {
        self.category.default_severity()
    }

    /// The one component the rule judges, which every finding is stamped with; `None` for a
    /// rule about several components (or `any`), whose findings name their own.
    #[must_use]
    pub fn component(&self) -> Option<Component> {
        Component::ALL
            .into_iter()
            .find(|component| component.name() == self.target)
    }

    /// Where the rule's documentation lives in the repository.
    #[must_use]
    pub fn docs_path(&self) -> String {
        format!("docs/rules/{}.md", self.code)
    }
}

/// A rule's metadata; implemented by `declare_rule!`.
pub trait RuleMeta: Send + Sync + fmt::Debug {
    fn meta(&self) -> &'static Meta;

    /// The implementing type's path, for the registry's naming checks.
    fn type_name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}

/// A check over everything one run understood.
pub trait Rule: RuleMeta {
    /// Reports what is wrong. A rule sees the whole inventory, so rules about several files
    /// (etcd and the apiserver sharing a CA) need nothing special.
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>);
}

/// A rule as its section registers it (`RULES` in the section's `mod.rs`, in code order).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Registered {
    /// A check the linter runs over the inventory.
    Check(&'static dyn Rule),
    /// A rule the linter reports from a pass of its own, after every check: only its metadata
    /// is registered (KGEN007 judges the suppression comments against the other findings).
    LinterPass(&'static dyn RuleMeta),
}

impl Registered {
    pub(crate) fn meta(self) -> &'static Meta {
        match self {
            Self::Check(rule) => rule.meta(),
            Self::LinterPass(rule) => rule.meta(),
        }
    }

    /// The rule's type, `kubeharden_rules::<section>::<file stem>::<Struct>`.
    #[cfg(test)]
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Self::Check(rule) => rule.type_name(),
            Self::LinterPass(rule) => rule.type_name(),
        }
    }
}

/// Declares a rule: a unit struct whose doc comment is its documentation, and its metadata.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub(crate) InsecurePortEnabled,
///     code = "KAPI001",
///     name = "insecure-port-enabled",
///     category = Security,
///     target = "kube-apiserver",
///     summary = "kube-apiserver serves the API without TLS, authentication or authorization",
/// }
/// ```
///
/// A rule that runs only when selected adds `opt_in = true` after `summary`; a rule that
/// decides CIS recommendations then names their concept keys, `cis = ["apiserver.profiling"]`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $rule:ident,
        code = $code:literal,
        name = $name:literal,
        category = $category:ident,
        target = $target:literal,
        summary = $summary:literal
        $(, opt_in = $opt_in:literal)?
        $(, cis = [$($cis:literal),* $(,)?])? $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $rule;

        impl $rule {
            pub(crate) const META: $crate::Meta = $crate::Meta {
                code: $code,
                name: $name,
                category: $crate::Category::$category,
                target: $target,
                summary: $summary,
                opt_in: false $(|| $opt_in)?,
                cis: &[$($($cis),*)?],
                docs: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::rule::RuleMeta for $rule {
            fn meta(&self) -> &'static $crate::Meta {
                &Self::META
            }
        }
    };
}

pub(crate) use declare_rule;

//! kubeharden-rules: the rule catalog and the linter entry point.
//!
//! ```
//! use std::path::Path;
//! use kubeharden_rules::{Linter, Settings};
//!
//! let linter = Linter::new(Settings::default());
//! let report = linter.lint_source(Path::new("broken.yaml"), "a: [1, 2\n");
//! assert_eq!(report.findings[0].code, "KGEN001");
//! ```
#![forbid(unsafe_code)]

mod api_server;
pub mod apply;
mod authorization;
mod dashboard;
mod diagnostic;
mod discover;
pub mod docs;
mod etcd;
mod finding;
mod fixes;
mod general;
mod kubelet;
mod linter;
mod notes;
pub mod registry;
mod rule;
pub mod seed;
mod settings;
mod suppression;
#[cfg(test)]
mod testing;

pub use diagnostic::FindingDiagnostic;
pub use discover::ReadError;
pub use finding::{Applicability, Edit, Finding, FindingBuilder, Findings, Fix};
pub use kubeharden_core::inventory::{NODE_LOCATIONS, UNIT_DIRECTORIES, UNIT_NAMES};
pub use linter::{Linter, Report};
pub use registry::Section;
use rule::declare_rule;
pub use rule::{Category, Meta, Rule, Severity};
pub use settings::{
    CONFIG_FILE_NAME, ConfigError, Overrides, PathPattern, PerFileIgnore, Selector, Settings,
    SeverityOverride, UnknownSelector,
};

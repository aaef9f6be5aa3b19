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

pub mod apply;
mod authorization;
pub mod cis;
pub mod config;
mod diagnostic;
mod discover;
pub mod docs;
mod finding;
mod fixes;
mod linter;
mod notes;
pub mod registry;
mod rule;
pub mod seed;
mod serving;
mod settings;
mod suppression;
#[cfg(test)]
mod testing;

// The rule catalog: one line per section (its module, `Section` variant, code prefix, name and
// heading), in the seed document's order.
registry::sections! {
    api_server: ApiServer, "API", "api-server", "API Server";
    kubelet: Kubelet, "LET", "kubelet", "Kubelet";
    etcd: Etcd, "ETC", "etcd", "etcd";
    dashboard: Dashboard, "DSH", "dashboard", "Dashboard";
    controller_manager: ControllerManager, "CMG", "controller-manager", "Controller Manager";
    scheduler: Scheduler, "SCH", "scheduler", "Scheduler";
    general: General, "GEN", "general", "General";
}

pub use diagnostic::FindingDiagnostic;
pub use discover::ReadError;
pub use finding::{Applicability, Edit, Finding, FindingBuilder, Findings, Fix};
pub use kubeharden_core::inventory::{NODE_LOCATIONS, SkipReason, UNIT_DIRECTORIES, UNIT_NAMES};
// What an embedder handles when it reads a report, so that it needs no second dependency (the
// whole model is `kubeharden_rules::kubeharden_core`).
pub use kubeharden_core;
pub use kubeharden_core::version::KubeVersion;
pub use kubeharden_core::{Component, FileId, Inventory, LineCol, Location, SourceFile, Span};
pub use linter::{Linter, Report};
use rule::declare_rule;
pub use rule::{Category, Meta, Rule, Severity};
pub use settings::{
    ConfigError, Overrides, PathPattern, PerFileIgnore, Selector, Settings, SeverityOverride,
    UnknownSelector,
};

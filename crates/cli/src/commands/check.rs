//! `kubeharden check`: lint, print, and turn the findings into an exit code.

use std::io::Write;

use kubeharden_rules::{Linter, NODE_LOCATIONS, Settings, Severity, UNIT_DIRECTORIES};

use crate::args::{Check, FailOn};
use crate::output;
use crate::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};

pub fn run(check: &Check) -> u8 {
    let settings = Settings {
        kubernetes_version: check.kubernetes_version,
        root: check.root.clone(),
    };
    let linter = Linter::new(settings);
    let report = if check.paths.is_empty() {
        let root = check.root.clone().unwrap_or_else(|| "/".into());
        let report = linter.lint_node(&root);
        if report.files().next().is_none() {
            let _ = writeln!(
                std::io::stderr(),
                "kubeharden: found no control-plane files under {root} (looked in {}, and the kubelet, kube-apiserver, etcd, kube-controller-manager and kube-scheduler units in {})\n\
                 pass the files or directories to check, or --root DIR for a node's file system mounted elsewhere",
                NODE_LOCATIONS.join(", "),
                UNIT_DIRECTORIES.join(", "),
                root = root.display(),
            );
            return EXIT_TROUBLE;
        }
        report
    } else {
        linter.lint_paths(&check.paths)
    };

    let mut rendered = Vec::new();
    if output::write_report(&mut rendered, &report, check).is_err() {
        return EXIT_TROUBLE;
    }
    if let Err(code) = super::print(&String::from_utf8_lossy(&rendered)) {
        return code;
    }

    let mut stderr = std::io::stderr().lock();
    for error in &report.read_errors {
        let _ = writeln!(
            stderr,
            "kubeharden: cannot read {}: {}",
            error.path.display(),
            error.message
        );
    }
    if check.verbose {
        for (path, _) in report.skipped() {
            let _ = writeln!(stderr, "kubeharden: skipped template {}", path.display());
        }
    }

    let threshold = match check.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if !report.read_errors.is_empty() {
        EXIT_TROUBLE
    } else if report.findings.iter().any(|f| f.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

//! A linter with config discovery: each file judged by its closest config (rules, severities,
//! unused suppressions, excludes while walking).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use kubeharden_rules::{Linter, Overrides, Report, Selector, Settings, Severity};

const KUBELET: &str = "\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 10255 # kubeharden: ignore[KLET001]
";

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `(file relative to root, code, severity)` of every finding.
fn findings(report: &Report, root: &Path) -> Vec<(String, &'static str, Severity)> {
    report
        .findings
        .iter()
        .map(|f| {
            let path = report.file(f.file).path().strip_prefix(root).unwrap();
            (path.display().to_string(), f.code, f.severity)
        })
        .collect()
}

#[test]
fn each_file_is_judged_by_its_closest_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "lab/kubelet.yaml", KUBELET);
    write(root, "lab/vendor/kubelet.yaml", KUBELET);
    write(root, "prod/kubelet.yaml", KUBELET);
    write(root, "prod/vendor/kubelet.yaml", KUBELET);
    // lab: KLET005 a warning, KLET001 not checked (so its suppression is not judged), vendor
    // excluded; prod: KLET001 checked, so the suppression that suppresses nothing is reported.
    write(
        root,
        "lab/.kubeharden.yaml",
        "ignore: [KLET001, KLET007]\nseverity:\n  KLET005: warning\nexclude: [vendor]\n",
    );
    write(root, "prod/.kubeharden.yml", "select: [KLET, KGEN]\n");
    let mut overrides = Overrides::default();
    overrides.ignore.push(Selector::parse("KLET007").unwrap());
    let linter = Linter::new(Settings::default()).with_discovery(overrides);
    let report = linter.lint_paths(&[root.to_path_buf()]);
    assert!(report.config_errors.is_empty());
    assert_eq!(
        findings(&report, root),
        [
            ("lab/kubelet.yaml".into(), "KLET005", Severity::Warning),
            ("prod/kubelet.yaml".into(), "KLET005", Severity::Error),
            ("prod/kubelet.yaml".into(), "KGEN007", Severity::Warning),
            (
                "prod/vendor/kubelet.yaml".into(),
                "KLET005",
                Severity::Error
            ),
            (
                "prod/vendor/kubelet.yaml".into(),
                "KGEN007",
                Severity::Warning
            ),
        ]
    );
}

#[test]
fn a_broken_config_is_reported_and_its_files_get_the_linters_settings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "lab/kubelet.yaml", KUBELET);
    write(root, "lab/.kubeharden.yaml", "ignore: [KLET005\n");
    let mut run = Settings::default();
    run.select
        .get_or_insert_default()
        .push(Selector::parse("KLET005").unwrap());
    let report = Linter::new(run)
        .with_discovery(Overrides::default())
        .lint_paths(&[root.to_path_buf()]);
    assert_eq!(report.config_errors.len(), 1);
    assert_eq!(
        report.config_errors[0].path,
        root.join("lab/.kubeharden.yaml")
    );
    assert_eq!(
        findings(&report, root),
        [("lab/kubelet.yaml".into(), "KLET005", Severity::Error)]
    );
}

//! Reading a node: the standard locations, and the files the configuration names, each read
//! as the kind it is named as and kept so by every later pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use kubeharden_core::inventory::FileKind;
use kubeharden_rules::{Linter, Report, Settings};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn codes(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.code).collect()
}

const APISERVER_UNIT: &str = "[Service]\nEnvironmentFile=/etc/kubernetes/apiserver\nExecStart=/usr/local/bin/kube-apiserver $KUBE_API_ARGS\n";

#[test]
fn an_environment_file_named_without_extension_is_one_for_suppressions_too() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "etc/systemd/system/kube-apiserver.service",
        APISERVER_UNIT,
    );
    // `;` starts a comment line in an environment file, not in YAML: read as YAML, the
    // suppression would cover the `;` line and leave the flag's line alone.
    write(
        root.path(),
        "etc/kubernetes/apiserver",
        "# kubeharden: ignore[KAPI004]\n; open while RBAC is debugged\nKUBE_API_ARGS=\"--authorization-mode=AlwaysAllow --etcd-servers=https://127.0.0.1:2379\"\n",
    );
    let report = Linter::new(Settings::default()).lint_node(root.path());
    let (env_file, _) = report
        .files()
        .find(|(_, file)| file.path().ends_with("etc/kubernetes/apiserver"))
        .expect("the EnvironmentFile= was read");
    assert_eq!(report.inventory().kind(env_file), &FileKind::EnvFile);
    let codes = codes(&report);
    assert!(!codes.contains(&"KAPI004"), "suppressed: {codes:?}");
    assert!(
        !codes.contains(&"KGEN007"),
        "the suppression is used: {codes:?}"
    );
    assert!(codes.contains(&"KLET006"), "the flag was read: {codes:?}");
}

#[test]
fn units_in_every_systemd_unit_directory_are_read() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "run/systemd/system/kubelet.service",
        "[Service]\nExecStart=/usr/bin/kubelet --read-only-port=10255\n",
    );
    let report = Linter::new(Settings::default()).lint_node(root.path());
    assert!(codes(&report).contains(&"KLET005"), "{:?}", codes(&report));
}

#[test]
fn a_service_is_assembled_once_whatever_the_reference_rounds() {
    let root = tempfile::tempdir().unwrap();
    // The unit names a file, so the node is read in rounds; its command line does not split.
    write(
        root.path(),
        "etc/systemd/system/kube-apiserver.service",
        "[Service]\nEnvironmentFile=/etc/kubernetes/apiserver.env\nExecStart=/bin/sh -c \"kube-apiserver $ARGS\n",
    );
    write(root.path(), "etc/kubernetes/apiserver.env", "ARGS=--v=2\n");
    let report = Linter::new(Settings::default()).lint_node(root.path());
    assert_eq!(codes(&report), ["KGEN001"]);
}

//! `kubeharden check` on hostile and odd inputs: exit codes, and that nothing blocks.
//! The library-level checks of the same inputs are in crates/rules/tests/hostile_inputs.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

const CONFIG_MAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n";
const INSECURE: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.18.20\n    command: [kube-apiserver, --insecure-port=8080]\n";

fn json(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("configmap.yaml"), CONFIG_MAP).unwrap();
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    dir
}

fn is_root() -> bool {
    // Root reads a mode-000 file; everyone else does not.
    let probe = tempfile::NamedTempFile::new().unwrap();
    std::fs::set_permissions(probe.path(), PermissionsExt::from_mode(0o000)).unwrap();
    std::fs::read(probe.path()).is_ok()
}

#[test]
fn unreadable_file_in_a_tree_exits_two_and_the_rest_is_linted() {
    let dir = tree();
    let locked = dir.path().join("locked.yaml");
    std::fs::write(&locked, CONFIG_MAP).unwrap();
    std::fs::set_permissions(&locked, PermissionsExt::from_mode(0o000)).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("kubeharden");
    let mut command = if is_root() {
        // Root ignores mode 000: run the check as `nobody`, for whom the file is unreadable.
        if !Path::new("/usr/bin/setpriv").exists() {
            eprintln!(
                "SKIPPED: running as root without setpriv; mode 000 cannot make a file unreadable"
            );
            return;
        }
        std::fs::set_permissions(dir.path(), PermissionsExt::from_mode(0o755)).unwrap();
        let mut command = Command::new("/usr/bin/setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        Command::new(&binary)
    };
    let output = command
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("locked.yaml"), "{stderr}");
    assert!(json(&output).contains("\"KAPI001\""), "{}", json(&output));
    assert!(json(&output).contains("\"files\": 2"), "{}", json(&output));
}

#[test]
fn unreadable_regular_file_named_explicitly_exits_two() {
    // /proc/self/mem is a regular file whose read fails for anyone, root included (EIO).
    let dir = tree();
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .args(["check", "--format", "json", "/proc/self/mem"])
        .arg(dir.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/proc/self/mem"));
    assert!(json(&output).contains("\"KAPI001\""));
}

#[test]
fn fifo_named_explicitly_exits_two_without_blocking() {
    let dir = tree();
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(&fifo)
        .arg(dir.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(json(&output).contains("\"KAPI001\""));
    // The FIFO inside the walked tree is skipped: 2 files read.
    assert!(json(&output).contains("\"files\": 2"), "{}", json(&output));
}

#[test]
fn files_count_includes_files_without_findings() {
    // The texts of files nothing points into are dropped during the run; they still count.
    let dir = tree();
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(json(&output).contains("\"files\": 2"), "{}", json(&output));
}

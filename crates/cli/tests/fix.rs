//! `kubeharden check --fix` and `--diff`: the round trip, the diff, and files that
//! must be left as they were. The engine itself is tested in crates/rules/tests/apply.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{stderr, stdout};

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// Unused suppressions (KGEN007, safe fixes) among comments and values that must stay. A
/// ConfigMap: no rule but KGEN007 has anything to say about it, whatever fixes rules gain.
const FIXTURE: &str = "\
# a comment that stays
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: kube-system}   # kubeharden: ignore[KAPI002]
data:
  # kubeharden: ignore[KAPI001, insecure-port-enabled]
  flags: \"--insecure-port=0\"  # stays
  other: |
    text # kubeharden
";

/// FIXTURE with the two suppressions removed; nothing else.
const FIXED: &str = "\
# a comment that stays
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: kube-system}
data:
  flags: \"--insecure-port=0\"  # stays
  other: |
    text # kubeharden
";

fn kubeharden(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &["check", "--no-config"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("configmap.yaml"), FIXTURE).unwrap();
    dir
}

#[test]
fn human_output_shows_the_fix() {
    let dir = fixture();
    let output = kubeharden(dir.path(), &["configmap.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("fix (safe): remove the suppression comment"),
        "{out}"
    );
}

#[test]
fn diff_shows_what_fix_would_do_and_writes_nothing() {
    let dir = fixture();
    let output = kubeharden(dir.path(), &["--diff", "configmap.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
    let path = dir.path().join("configmap.yaml");
    assert_eq!(std::fs::read_to_string(path).unwrap(), FIXTURE);
}

#[test]
fn fix_round_trip() {
    let dir = fixture();
    let path = dir.path().join("configmap.yaml");
    std::fs::set_permissions(&path, PermissionsExt::from_mode(0o604)).unwrap();

    let output = kubeharden(dir.path(), &["--fix", "--format", "json", "configmap.yaml"]);
    let err = stderr(&output);
    assert!(err.contains("fixed 2 problems in 1 file"), "{err}");
    // What is left is reported: nothing.
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{err}");
    assert!(!out.contains("KGEN007"), "{out}");
    // Exactly the edits; every other byte as it was; permissions kept.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o604);
    // It parses: linting it (every rule) reports no KGEN001.
    let all = Command::cargo_bin("kubeharden")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--format", "json", "configmap.yaml"])
        .output()
        .unwrap();
    assert!(!stdout(&all).contains("KGEN001"), "{}", stdout(&all));

    // A second --fix changes nothing, and --diff has nothing to show.
    let again = kubeharden(dir.path(), &["--fix", "configmap.yaml"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(!stderr(&again).contains("fixed"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
    let diff = kubeharden(dir.path(), &["--diff", "configmap.yaml"]);
    assert_eq!(diff.status.code(), Some(0));
    assert_eq!(stdout(&diff), "");
    assert_eq!(entries(dir.path()), ["configmap.yaml"]);
}

/// A k3s `*-arg` list item and a MicroK8s args line are fixed where they are written, quotes,
/// comments and the other items kept.
#[test]
fn distribution_configs_are_fixed_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let k3s = dir.path().join("etc/rancher/k3s/config.yaml");
    let microk8s = dir.path().join("var/snap/microk8s/current/args/kubelet");
    for path in [&k3s, &microk8s] {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    }
    std::fs::write(
        &k3s,
        "kubelet-arg:\n  - \"read-only-port=10255\" # for metrics\n  - max-pods=150\n",
    )
    .unwrap();
    std::fs::write(
        &microk8s,
        "--anonymous-auth=false\n--authorization-mode=Webhook\n--client-ca-file=${SNAP_DATA}/certs/ca.crt\n# for metrics\n--read-only-port=10255\n",
    )
    .unwrap();
    let output = kubeharden(dir.path(), &["--fix", "."]);
    // What is left is k3s's API server extending service account tokens (KAPI017), whose fix
    // is unsafe.
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains("KAPI017"), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("fixed 2 problems in 2 files"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&k3s).unwrap(),
        "kubelet-arg:\n  - \"read-only-port=0\" # for metrics\n  - max-pods=150\n"
    );
    assert_eq!(
        std::fs::read_to_string(&microk8s).unwrap(),
        "--anonymous-auth=false\n--authorization-mode=Webhook\n--client-ca-file=${SNAP_DATA}/certs/ca.crt\n# for metrics\n--read-only-port=0\n"
    );
}

#[test]
fn fix_in_a_directory_walk() {
    let dir = fixture();
    std::fs::write(dir.path().join("clean.yaml"), "a: b\n").unwrap();
    let output = kubeharden(dir.path(), &["--fix", "."]);
    assert!(
        stderr(&output).contains("fixed 2 problems in 1 file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("configmap.yaml")).unwrap(),
        FIXED
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("clean.yaml")).unwrap(),
        "a: b\n"
    );
}

#[test]
fn fix_refuses_standard_input() {
    let dir = fixture();
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--fix", "-"])
        .write_stdin(FIXTURE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("standard input"));
}

/// A copy of fixtures/legacy-v1.18 in `legacy/` of a temporary directory: flags that fixes
/// add at the same place, which one round of non-overlapping edits cannot all add.
fn legacy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/legacy-v1.18");
    std::fs::create_dir(dir.path().join("legacy")).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            dir.path().join("legacy").join(entry.file_name()),
        )
        .unwrap();
    }
    dir
}

/// The files of `legacy/`, by name.
fn texts(dir: &Path) -> BTreeMap<String, String> {
    entries(&dir.join("legacy"))
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join("legacy").join(&name)).unwrap();
            (name, text)
        })
        .collect()
}

/// The diff `--diff` shows for one file, from `before` to `after`.
fn file_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/legacy/{name}"), &format!("b/legacy/{name}"))
        .to_string()
}

/// The applicability of each fix left in `check --format json` output.
fn fixes_left(json: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["fix"]["applicability"].as_str())
        .map(str::to_owned)
        .collect()
}

/// One `--fix` run applies the fixes round after round until none is left (legacy-v1.18
/// took five runs with `--unsafe-fixes` when each run was one round): a second run changes
/// nothing, and the `--diff` of the first run is the whole change, original to final.
#[test]
fn one_fix_run_leaves_nothing_to_fix() {
    for unsafe_fixes in [false, true] {
        let flags = |args: &[&'static str]| {
            let mut all = if unsafe_fixes {
                vec!["--unsafe-fixes"]
            } else {
                vec![]
            };
            all.extend_from_slice(args);
            all
        };
        let dir = legacy();
        let original = texts(dir.path());
        let diff = kubeharden(dir.path(), &flags(&["--diff", "legacy"]));
        assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
        assert_eq!(texts(dir.path()), original);

        let fix = kubeharden(dir.path(), &flags(&["--fix", "--format", "json", "legacy"]));
        let err = stderr(&fix);
        assert!(err.contains("kubeharden: fixed "), "{err}");
        assert!(
            !err.contains("not fixing") && !err.contains("rounds"),
            "{err}"
        );
        let left = fixes_left(&stdout(&fix));
        if unsafe_fixes {
            assert!(left.is_empty(), "{left:?}");
        } else {
            assert!(left.iter().all(|a| a == "unsafe"), "{left:?}");
        }
        let fixed = texts(dir.path());
        let whole: String = original
            .iter()
            .map(|(name, before)| file_diff(name, before, &fixed[name]))
            .collect();
        assert!(!whole.is_empty());
        assert_eq!(stdout(&diff), whole, "unsafe fixes: {unsafe_fixes}");

        let again = kubeharden(dir.path(), &flags(&["--diff", "legacy"]));
        assert_eq!(stdout(&again), "", "unsafe fixes: {unsafe_fixes}");
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        let again = kubeharden(dir.path(), &flags(&["--fix", "legacy"]));
        assert!(!stderr(&again).contains("fixed"), "{}", stderr(&again));
        assert_eq!(texts(dir.path()), fixed);
    }
}

fn is_root() -> bool {
    // Root reads a mode-000 file; everyone else does not.
    let probe = tempfile::NamedTempFile::new().unwrap();
    std::fs::set_permissions(probe.path(), PermissionsExt::from_mode(0o000)).unwrap();
    std::fs::read(probe.path()).is_ok()
}

#[test]
fn a_read_only_file_is_left_as_it_was() {
    let dir = fixture();
    let path = dir.path().join("configmap.yaml");
    std::fs::set_permissions(&path, PermissionsExt::from_mode(0o444)).unwrap();
    // The directory is writable: a rename over the file would succeed, so this shows the
    // file's own permission is respected.
    std::fs::set_permissions(dir.path(), PermissionsExt::from_mode(0o777)).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("kubeharden");
    let mut command = if is_root() {
        // Root writes a mode-444 file: run the fix as `nobody`, for whom it is read-only.
        if !Path::new("/usr/bin/setpriv").exists() {
            eprintln!("SKIPPED: running as root without setpriv; mode 444 cannot stop root");
            return;
        }
        let mut command = Command::new("/usr/bin/setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        Command::new(&binary)
    };
    let output = command
        .current_dir(dir.path())
        .args(["check", "--no-config", "--fix"])
        .arg(&path)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("not fixing"), "{err}");
    assert!(err.contains("not writable"), "{err}");
    // The findings are still reported, as they are.
    assert!(stdout(&output).contains("KGEN007"), "{}", stdout(&output));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXTURE);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o444);
    assert_eq!(entries(dir.path()), ["configmap.yaml"]);
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

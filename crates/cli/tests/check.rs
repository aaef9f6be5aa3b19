//! `kubeharden check`: what a user sees, byte for byte, and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n";
const BROKEN: &str = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n";

fn kubeharden(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("kubeharden")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs")
}

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write");
    }
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn broken_file_is_a_finding_and_the_rest_is_still_read() {
    let dir = tree(&[
        ("a-broken.yaml", BROKEN.as_bytes()),
        ("b-good.yaml", GOOD.as_bytes()),
    ]);
    let output = kubeharden(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["summary"]["files"], 2);
    assert_eq!(json["summary"]["findings"], 1);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn clean_files_exit_zero() {
    let dir = tree(&[("good.yaml", GOOD.as_bytes())]);
    let output = kubeharden(dir.path(), &["check", "good.yaml"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "No problems found in 1 file.\n");
}

#[test]
fn unreadable_path_exits_two_and_the_rest_is_still_linted() {
    let dir = tree(&[("broken.yaml", BROKEN.as_bytes())]);
    let output = kubeharden(
        dir.path(),
        &[
            "check",
            "--format",
            "compact",
            "missing.yaml",
            "broken.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stdout(&output),
        "broken.yaml:4:15: KGEN001 [error] invalid YAML: while parsing a node, did not find expected node content\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read missing.yaml"), "{stderr}");
}

#[test]
fn usage_errors_exit_two() {
    let dir = tree(&[]);
    assert_eq!(kubeharden(dir.path(), &["check"]).status.code(), Some(2));
    assert_eq!(
        kubeharden(dir.path(), &["check", "--format", "xml", "."])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        kubeharden(
            dir.path(),
            &["check", "--kubernetes-version", "latest", "."]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn human_output_points_at_the_error() {
    let dir = tree(&[("broken.yaml", BROKEN.as_bytes())]);
    let output = kubeharden(dir.path(), &["check", "broken.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn invalid_utf8_and_duplicate_keys() {
    let mut latin1 = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf".to_vec();
    latin1.extend_from_slice(b"\xe9\n");
    let duplicate = b"kind: ConfigMap\ndata:\n  a: 1\n  a: 2\n";
    let dir = tree(&[("latin1.yaml", &latin1), ("duplicate.yaml", duplicate)]);
    let output = kubeharden(dir.path(), &["check", "--format", "compact", "."]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "./duplicate.yaml:4:3: KGEN001 [error] duplicate key `a`\n\
         ./latin1.yaml:4:12: KGEN001 [error] file is not valid UTF-8\n"
    );
}

#[test]
fn templates_are_skipped_and_listed_with_verbose() {
    let chart = b"metadata:\n  name: {{ .Release.Name }}\n";
    let dir = tree(&[("templates/deployment.yaml", chart)]);
    let output = kubeharden(dir.path(), &["check", "--verbose", "."]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("skipped template ./templates/deployment.yaml"),
        "{stderr}"
    );
}

#[test]
fn hidden_directories_and_other_extensions_are_not_walked() {
    let dir = tree(&[
        (".git/broken.yaml", BROKEN.as_bytes()),
        ("notes.txt", BROKEN.as_bytes()),
        ("ok.yml", GOOD.as_bytes()),
    ]);
    let output = kubeharden(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["summary"]["files"], 1);
}

/// The legacy control plane as a user sees it: every finding, labelled on its flag.
#[test]
fn human_output_for_the_legacy_control_plane() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = kubeharden(&root, &["check", "fixtures/legacy-v1.18"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

/// A clean kubeadm node: only the expected anonymous-auth warning, which `--fail-on error`
/// lets through.
#[test]
fn clean_kubeadm_node_with_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let node = ["--root", "fixtures/nodes/kubeadm-v1.30"];
    let output = kubeharden(
        &root,
        &[&["check", "--format", "compact"][..], &node].concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-apiserver.yaml:14:5: KAPI003 [warning] `--anonymous-auth` not set; the kube-apiserver default is `true`\n"
    );
    let output = kubeharden(
        &root,
        &[&["check", "--fail-on", "error"][..], &node].concat(),
    );
    assert_eq!(output.status.code(), Some(0));
    let json = kubeharden(&root, &[&["check", "--format", "json"][..], &node].concat());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        json["summary"]["files"], 8,
        "manifests, kubelet config, env file, unit and drop-in"
    );
}

/// A flag in kubeadm-flags.env overrides the config file, and is reported in the env file.
#[test]
fn env_file_flag_is_reported_where_it_is_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = kubeharden(
        &root,
        &["check", "--root", "fixtures/nodes/read-only-port-override"],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn empty_root_says_nothing_was_found() {
    let dir = tree(&[]);
    let output = kubeharden(dir.path(), &["check", "--root", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("found no control-plane files under ."),
        "{stderr}"
    );
    assert!(stderr.contains("--root DIR"), "{stderr}");
}

/// A run that read no file has checked nothing: it never says "no problems", and exits 2
/// unless `--allow-empty`.
#[test]
fn nothing_to_lint_says_so_and_exits_two() {
    let dir = tree(&[("notes.txt", GOOD.as_bytes()), ("empty/.keep", b"")]);
    for path in [".", "empty"] {
        let output = kubeharden(dir.path(), &["check", path]);
        assert_eq!(output.status.code(), Some(2), "{path}");
        assert_eq!(stdout(&output), "No file was linted.\n", "{path}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr,
            format!(
                "kubeharden: nothing to lint: no file in {path} is one kubeharden reads (*.yaml, *.yml, systemd units and drop-ins, *.env); --allow-empty makes this exit 0\n"
            )
        );
    }
    let output = kubeharden(dir.path(), &["check", "--allow-empty", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "No file was linted.\n");
    // A missing path says so, once, and exits 2 even with --allow-empty.
    let output = kubeharden(dir.path(), &["check", "--allow-empty", "missing.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "No file was linted.\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("kubeharden: cannot read missing.yaml: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A kubelet whose flags come from an environment file that is not among the files linted is
/// counted as not evaluated, and `--verbose` says what was not read.
#[test]
fn components_not_evaluated_are_counted_and_listed_with_verbose() {
    let dir = tree(&[(
        "kubelet.service.d/10-kubeadm.conf",
        b"[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS\n",
    )]);
    let output = kubeharden(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "No problems found in 1 file; 1 component not evaluated (a file that decides its settings was not read: `--verbose` lists it).\n"
    );
    let output = kubeharden(dir.path(), &["check", "--verbose", "."]);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "kubeharden: not evaluated: kubelet at ./kubelet.service.d/10-kubeadm.conf:4:1: not read: EnvironmentFile=/var/lib/kubelet/kubeadm-flags.env\n"
    );
}

/// `--output-file` writes the report there (uncoloured unless asked for) and nothing to
/// standard output; the exit code is the run's; a file that cannot be written is exit 2.
#[test]
fn output_file_takes_the_report() {
    let dir = tree(&[("broken.yaml", BROKEN.as_bytes())]);
    let compact = "broken.yaml:4:15: KGEN001 [error] invalid YAML: while parsing a node, did not find expected node content\n";
    let output = kubeharden(
        dir.path(),
        &[
            "check",
            "--format",
            "compact",
            "-o",
            "report.txt",
            "broken.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report.txt")).unwrap(),
        compact
    );
    let output = kubeharden(
        dir.path(),
        &[
            "check",
            "--color",
            "auto",
            "--output-file",
            "report.txt",
            "broken.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let human = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(human.contains("KGEN001(invalid-yaml)"), "{human}");
    assert!(!human.contains('\u{1b}'), "{human}");
    let output = kubeharden(
        dir.path(),
        &[
            "check",
            "--output-file",
            "missing-dir/report.txt",
            "broken.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("kubeharden: cannot write missing-dir/report.txt: "),
        "{stderr}"
    );
}

/// Distribution configs are read as the components they run: each finding is on the bytes
/// of the patch, spec field or `extraArgs` entry that causes it.
#[test]
fn distribution_configs_are_linted_where_they_are_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = kubeharden(
        &root,
        &[
            "check",
            "--format",
            "compact",
            "fixtures/kind",
            "fixtures/cluster-api",
            "fixtures/kops",
            "fixtures/talos",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let expected = [
        "fixtures/cluster-api/control-plane-insecure.yaml:23:11: KDSH003 [error] `--authorization-mode` is `AlwaysAllow`, without `RBAC`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:23:11: KLET006 [warning] `--authorization-mode` is `AlwaysAllow`, without `Node`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:23:31: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:61:13: KLET005 [error] `--read-only-port` is `10255`\n",
        "fixtures/kind/insecure-patches.yaml:10:17: KLET005 [error] `readOnlyPort` is `10255`\n",
        "fixtures/kind/insecure-patches.yaml:13:16: KLET001 [error] `authentication.anonymous.enabled` is `true`\n",
        "fixtures/kind/insecure-patches.yaml:22:9: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`\n",
        "fixtures/kind/insecure-patches.yaml:22:9: KDSH003 [error] `--authorization-mode` is `AlwaysAllow`, without `RBAC`\n",
        "fixtures/kind/insecure-patches.yaml:22:9: KLET006 [warning] `--authorization-mode` is `AlwaysAllow`, without `Node`\n",
        "fixtures/kind/json6902-patches.yaml:14:13: KAPI003 [warning] `--anonymous-auth` is `true`\n",
        "fixtures/kops/cluster-insecure.yaml:13:5: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`\n",
        "fixtures/kops/cluster-insecure.yaml:13:5: KDSH003 [error] `--authorization-mode` is `AlwaysAllow`, without `RBAC`\n",
        "fixtures/kops/cluster-insecure.yaml:13:5: KLET006 [warning] `--authorization-mode` is `AlwaysAllow`, without `Node`\n",
        "fixtures/kops/cluster-insecure.yaml:32:5: KLET001 [error] `--anonymous-auth` is `true`\n",
        "fixtures/kops/cluster-insecure.yaml:33:5: KLET005 [error] `--read-only-port` is `10255`\n",
        "fixtures/talos/controlplane-insecure.yaml:13:7: KLET005 [error] `--read-only-port` is `10255`\n",
        "fixtures/talos/controlplane-insecure.yaml:33:27: KAPI004 [error] `--authorization-mode` is `Node,RBAC,AlwaysAllow`; `AlwaysAllow` approves whatever the others leave undecided\n",
        "fixtures/talos/worker-patch.yaml:8:20: KLET001 [error] `--anonymous-auth` is `true`\n",
    ]
    .concat();
    assert_eq!(stdout(&output), expected);
}

//! `--diff` for each way a file can be written (issue 6 item 2): the edit follows the file's
//! style — inline `--flag=value` or the split form, block or flow lists, quoting, CRLF,
//! KubeletConfiguration keys under parents that may not exist yet, kubeadm `extraArgs` as a
//! map (v1beta3) or a list (v1beta4), environment files and systemd units.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// `check --diff --unsafe-fixes` on one file; the diff is the snapshot.
fn diff(name: &str, text: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "--no-config", "--diff"])
        .args(extra)
        .arg(name)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "--diff writes nothing"
    );
    String::from_utf8(output.stdout).unwrap()
}

fn pod(image: &str, list: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: kube-system\nspec:\n  containers:\n  - name: x\n    image: {image}\n{list}"
    )
}

#[test]
fn inline_and_split_flags_in_a_block_list() {
    let text = pod(
        "registry.k8s.io/kube-apiserver:v1.18.20",
        "    command:\n    - kube-apiserver\n    - --insecure-bind-address=0.0.0.0\n    - --insecure-port\n    - \"8080\"\n",
    );
    insta::assert_snapshot!(diff("kube-apiserver.yaml", &text, &[]));
}

#[test]
fn flow_list_with_quoted_items() {
    let text = pod(
        "registry.k8s.io/kube-apiserver:v1.18.20",
        "    command: [\"kube-apiserver\", \"--insecure-port=8080\", \"--enable-admission-plugins=AlwaysPullImages\"]\n",
    );
    insta::assert_snapshot!(diff("kube-apiserver.yaml", &text, &[]));
}

#[test]
fn crlf_line_endings_are_kept() {
    let text = pod(
        "kubernetesui/dashboard:v2.7.0",
        "    args:\n    - --auto-generate-certificates\n    - --enable-skip-login\n",
    )
    .replace('\n', "\r\n");
    let out = diff("dashboard.yaml", &text, &[]);
    assert!(out.contains("--enable-skip-login"), "{out}");
    insta::assert_snapshot!(out.replace('\r', "␍"));
}

#[test]
fn kubelet_configuration_keys_and_missing_parents() {
    let text = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\nauthentication:\n  webhook:\n    enabled: true\n";
    insta::assert_snapshot!(diff("kubelet-config.yaml", text, &["--unsafe-fixes"]));
}

#[test]
fn kubeadm_extra_args_as_a_map() {
    let text = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.29.1\napiServer:\n  extraArgs:\n    authorization-mode: AlwaysAllow\n    audit-log-path: /var/log/audit.log\n";
    insta::assert_snapshot!(diff("kubeadm.yaml", text, &["--unsafe-fixes"]));
}

#[test]
fn kubeadm_extra_args_as_a_list() {
    let text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.0\napiServer:\n  extraArgs:\n  - name: authorization-mode\n    value: AlwaysAllow\n  - name: audit-log-path\n    value: /var/log/audit.log\n";
    insta::assert_snapshot!(diff("kubeadm.yaml", text, &["--unsafe-fixes"]));
}

#[test]
fn systemd_unit_with_continuations() {
    let text = "[Service]\nExecStart=/usr/local/bin/kubelet \\\n  --config=/var/lib/kubelet/config.yaml \\\n  --read-only-port=10255 \\\n  --anonymous-auth=true\n";
    let dir_name = "etc/systemd/system/kubelet.service";
    insta::assert_snapshot!(diff(dir_name, text, &[]));
}

#[test]
fn environment_file_value() {
    // The env file alone: the kubelet's command line is in the unit next to it.
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("kubelet.service");
    std::fs::write(
        &unit,
        "[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml $KUBELET_KUBEADM_ARGS\n",
    )
    .unwrap();
    let env = dir.path().join("var/lib/kubelet/kubeadm-flags.env");
    std::fs::create_dir_all(env.parent().unwrap()).unwrap();
    let text = "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --read-only-port=10255\"\n";
    std::fs::write(&env, text).unwrap();
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "check",
            "--no-config",
            "--diff",
            "kubelet.service",
            "var/lib/kubelet/kubeadm-flags.env",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read_to_string(&env).unwrap(), text);
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

/// The first `--fix` leaves nothing for a second one, for every form above.
#[test]
fn fixing_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kube-apiserver.yaml");
    let text = pod(
        "registry.k8s.io/kube-apiserver:v1.18.20",
        "    command: [\"kube-apiserver\", \"--insecure-port=8080\", \"--insecure-bind-address=0.0.0.0\"]\n",
    );
    std::fs::write(&path, &text).unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("kubeharden")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "--no-config"])
            .args(args)
            .arg("kube-apiserver.yaml")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    };
    run(&["--fix"]);
    let once = std::fs::read_to_string(&path).unwrap();
    assert_ne!(once, text);
    let second = run(&["--diff"]);
    assert!(
        second.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(Path::new(&path)).unwrap(), once);
}

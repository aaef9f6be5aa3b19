//! `kubeharden check`: what a user sees, byte for byte, and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{kubeharden, stdout, tree};

use std::path::Path;
use std::process::Output;

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n";
const BROKEN: &str = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n";

/// `kubeharden check --format compact --root NODE`, run from the repository's root.
fn check_node_compact(node: &str) -> Output {
    kubeharden(
        &common::repo(),
        &["check", "--format", "compact", "--root", node],
    )
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
    let dir = tree::<&str>(&[]);
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
    let dir = tree(&[
        ("latin1.yaml", latin1.as_slice()),
        ("duplicate.yaml", duplicate),
    ]);
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

/// A clean kubeadm node: only the warnings a default kubeadm cluster is known to earn
/// (anonymous auth, kubelet certificate authority, token extension, and profiling on the API
/// server, controller manager and scheduler, which kubeadm leaves on), which `--fail-on error`
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
        "\
fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-apiserver.yaml:14:5: KAPI003 [warning] `--anonymous-auth` not set; the kube-apiserver default is `true`
fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-apiserver.yaml:14:5: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to
fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-apiserver.yaml:14:5: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served
fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-apiserver.yaml:14:5: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year
fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-controller-manager.yaml:12:5: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`
fixtures/nodes/kubeadm-v1.30/etc/kubernetes/manifests/kube-scheduler.yaml:12:5: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`
"
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

/// A k3s server node: `config.yaml` and its drop-ins merged in name order. The error is in
/// the drop-in that turned the kubelet's anonymous requests back on; the flags k3s passes
/// itself (Node,RBAC, NodeRestriction, the kubelet's webhook authorization, the embedded etcd's
/// TLS, profiling off) keep the rest quiet but for the token extension k3s leaves on.
#[test]
fn k3s_server_node_with_root() {
    let output = check_node_compact("fixtures/nodes/k3s-server");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "\
fixtures/nodes/k3s-server/etc/rancher/k3s/config.yaml:9:1: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year
fixtures/nodes/k3s-server/etc/rancher/k3s/config.yaml.d/90-debug.yaml:3:5: KLET001 [error] `--anonymous-auth` is `true`
"
    );
}

/// A MicroK8s node: each component's args file is its command line, extension-less files
/// that are not a component's (`kube-proxy`, `kubelite-env`) are no YAML problem, and a flag
/// the file leaves out has the component's own default.
#[test]
fn microk8s_node_with_root() {
    let output = check_node_compact("fixtures/nodes/microk8s");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "\
fixtures/nodes/microk8s/var/snap/microk8s/current/args/kube-apiserver:4:1: KAPI003 [warning] `--anonymous-auth` not set; the kube-apiserver default is `true`
fixtures/nodes/microk8s/var/snap/microk8s/current/args/kube-apiserver:4:1: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to
fixtures/nodes/microk8s/var/snap/microk8s/current/args/kube-apiserver:4:1: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year
fixtures/nodes/microk8s/var/snap/microk8s/current/args/kubelet:16:1: KLET005 [error] `--read-only-port` is `10255`
"
    );
}

/// k3s on an external etcd: the `datastore-*` options are the apiserver's etcd client flags,
/// and what is missing is reported at `datastore-endpoint`, naming the option to set.
#[test]
fn k3s_external_etcd_names_the_datastore_options() {
    let dir = tree(&[(
        "etc/rancher/k3s/config.yaml",
        "token-file: /etc/rancher/k3s/token\ndatastore-endpoint: https://etcd.internal:2379\n",
    )]);
    let output = kubeharden(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let seen: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        // The etcd client rules; KAPI017 (token extension, k3s leaves it on) is not about etcd.
        .filter(|f| {
            f["code"]
                .as_str()
                .is_some_and(|code| code.starts_with("KETC"))
        })
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["span"]["line"].as_u64().unwrap(),
                f["help"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "KETC008".to_owned(),
                2,
                "add `--etcd-cafile=<path>` naming the CA that signed etcd's server certificate; in a k3s config: `datastore-cafile`".to_owned()
            ),
            (
                "KETC009".to_owned(),
                2,
                "add `--etcd-certfile=<path>` and `--etcd-keyfile=<path>` with a client certificate signed by etcd's CA; in a k3s config: `datastore-certfile` and `datastore-keyfile`".to_owned()
            ),
        ]
    );
}

/// An RKE2 config as a user sees it: the version from `kube-apiserver-image`, and notes that
/// say what RKE2 passes itself.
#[test]
fn human_output_for_an_rke2_config() {
    let output = kubeharden(
        &common::repo(),
        &["check", "fixtures/rke2/legacy-server.yaml"],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
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
    let dir = tree::<&str>(&[]);
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
                "kubeharden: nothing to lint: no file in {path} is one kubeharden reads (*.yaml, *.yml, systemd units and drop-ins, environment files); --allow-empty makes this exit 0\n"
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
    assert!(human.contains("error[KGEN001]: invalid-yaml"), "{human}");
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

/// Placeholders of every style are unknown values: no "invalid value", no "not set" about a
/// flag set to one; a Go-templated unit is skipped; a unit's variable no linted file defines
/// keeps its place as an unknown value. Written problems and defaults of unwritten flags still
/// count.
#[test]
fn placeholders_are_unknown_values() {
    let output = kubeharden(
        &common::repo(),
        &[
            "check",
            "--verbose",
            "--format",
            "compact",
            "fixtures/placeholders",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let unit = "fixtures/placeholders/kube-apiserver.service:10:1";
    assert_eq!(
        stdout(&output),
        format!(
            "fixtures/placeholders/erb-apiserver.yaml:13:5: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n\
             fixtures/placeholders/erb-apiserver.yaml:13:5: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n\
             fixtures/placeholders/erb-apiserver.yaml:13:5: KAPI014 [warning] `--service-account-key-file` not set; service account tokens are verified with the TLS serving key\n\
             fixtures/placeholders/erb-apiserver.yaml:13:5: KAPI015 [warning] `--tls-cert-file` not set; the apiserver serves a self-signed certificate no cluster CA signed\n\
             fixtures/placeholders/erb-apiserver.yaml:13:5: KAPI015 [warning] `--tls-private-key-file` not set; the apiserver serves a self-signed certificate no cluster CA signed\n\
             fixtures/placeholders/erb-apiserver.yaml:13:5: KAPI016 [warning] `--client-ca-file` not set; no client certificate is authenticated\n\
             fixtures/placeholders/erb-apiserver.yaml:19:7: KAPI001 [error] `--insecure-port` is `8080`\n\
             {unit}: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n\
             {unit}: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n\
             {unit}: KAPI014 [warning] `--service-account-key-file` not set; service account tokens are verified with the TLS serving key\n\
             {unit}: KAPI015 [warning] `--tls-cert-file` not set; the apiserver serves a self-signed certificate no cluster CA signed\n\
             {unit}: KAPI015 [warning] `--tls-private-key-file` not set; the apiserver serves a self-signed certificate no cluster CA signed\n\
             {unit}: KAPI016 [warning] `--client-ca-file` not set; no client certificate is authenticated\n\
             {unit}: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n\
             {unit}: KETC008 [error] `--etcd-cafile` not set; the apiserver cannot tell the real etcd from an impostor\n\
             {unit}: KETC009 [error] `--etcd-certfile` and `--etcd-keyfile` not set; the apiserver shows etcd no client certificate\n\
             {unit}: KLET002 [error] `--kubelet-client-certificate` and `--kubelet-client-key` not set; kube-apiserver calls kubelets without a client certificate\n\
             {unit}: KLET004 [error] `--enable-admission-plugins` not set; `NodeRestriction` is not a default admission plugin\n\
             fixtures/placeholders/kubelet-config.yaml:5:15: KLET005 [error] `readOnlyPort` is `10255`\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KAPI014 [warning] `--service-account-key-file` not set; service account tokens are verified with the TLS serving key\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KAPI015 [warning] `--tls-cert-file` not set; the apiserver serves a self-signed certificate no cluster CA signed\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KAPI015 [warning] `--tls-private-key-file` not set; the apiserver serves a self-signed certificate no cluster CA signed\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KAPI016 [warning] `--client-ca-file` not set; no client certificate is authenticated\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n\
             fixtures/placeholders/sed-tokens-apiserver.yaml:13:5: KETC009 [error] `--etcd-certfile` and `--etcd-keyfile` not set; the apiserver shows etcd no client certificate\n"
        )
    );
    assert_eq!(
        common::stderr(&output),
        "kubeharden: skipped template fixtures/placeholders/kubelet-templated.service\n"
    );
}

/// Fedora-style environment files linted without their units: each is read as the packaged
/// unit runs it, and every finding says the unit is assumed.
#[test]
fn sysconfig_files_alone_are_read_with_the_packaged_unit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = kubeharden(&root, &["check", "fixtures/sysconfig/alone"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

/// Environment files and drop-ins known by their content, whatever their name: a `.conf` of
/// `KEY=value` lines is not invalid YAML, an extension-less one is not skipped, and a walk
/// finds both (and leaves a shell script alone).
#[test]
fn env_files_and_drop_ins_are_known_by_content() {
    let dir = tree(&[
        (
            "roles/master/files/kube-apiserver.conf",
            "# managed by ansible\nKUBE_API_ARGS=\"--authorization-mode=AlwaysAllow\"\n",
        ),
        (
            "roles/node/files/kubelet-extra",
            "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --read-only-port=10255\n",
        ),
        ("scripts/install", "#!/bin/sh\nset -e\nKUBE_API_ARGS=x\n"),
    ]);
    let output = kubeharden(dir.path(), &["check", "--format", "compact", "."]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout(&output);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|line| {
            line.contains("KAPI004") || line.contains("KLET005") || line.contains("KGEN")
        })
        .collect();
    assert_eq!(
        lines,
        [
            "./roles/master/files/kube-apiserver.conf:2:37: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`",
            "./roles/node/files/kubelet-extra:3:28: KLET005 [error] `--read-only-port` is `10255`",
        ]
    );
    let json = kubeharden(dir.path(), &["check", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 2, "the script is not read");
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
    // kubeadm, and so kind and Cluster API, leave profiling on.
    let expected = [
        "fixtures/cluster-api/clean.yaml:18:5: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`\n",
        "fixtures/cluster-api/clean.yaml:18:5: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`\n",
        "fixtures/cluster-api/clean.yaml:25:9: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/cluster-api/clean.yaml:25:9: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/cluster-api/clean.yaml:25:9: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:19:5: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:21:9: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:21:9: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:21:9: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:23:11: KDSH003 [error] `--authorization-mode` is `AlwaysAllow`, without `RBAC`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:23:11: KLET006 [warning] `--authorization-mode` is `AlwaysAllow`, without `Node`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:23:31: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:25:9: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`\n",
        "fixtures/cluster-api/control-plane-insecure.yaml:61:13: KLET005 [error] `--read-only-port` is `10255`\n",
        "fixtures/kind/clean.yaml:3:7: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`\n",
        "fixtures/kind/clean.yaml:3:7: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`\n",
        "fixtures/kind/clean.yaml:11:5: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/kind/clean.yaml:11:5: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/kind/clean.yaml:11:5: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/kind/insecure-patches.yaml:4:7: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`\n",
        "fixtures/kind/insecure-patches.yaml:4:7: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`\n",
        "fixtures/kind/insecure-patches.yaml:10:17: KLET005 [error] `readOnlyPort` is `10255`\n",
        "fixtures/kind/insecure-patches.yaml:13:16: KLET001 [error] `authentication.anonymous.enabled` is `true`\n",
        "fixtures/kind/insecure-patches.yaml:21:7: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/kind/insecure-patches.yaml:21:7: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/kind/insecure-patches.yaml:21:7: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/kind/insecure-patches.yaml:22:9: KDSH003 [error] `--authorization-mode` is `AlwaysAllow`, without `RBAC`\n",
        "fixtures/kind/insecure-patches.yaml:22:9: KLET006 [warning] `--authorization-mode` is `AlwaysAllow`, without `Node`\n",
        "fixtures/kind/insecure-patches.yaml:22:30: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`\n",
        "fixtures/kind/ipv6.yaml:3:7: KAPI003 [warning] `--anonymous-auth` not set; the kube-apiserver default is `true`\n",
        "fixtures/kind/ipv6.yaml:3:7: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/kind/ipv6.yaml:3:7: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/kind/ipv6.yaml:3:7: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/kind/ipv6.yaml:3:7: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`\n",
        "fixtures/kind/ipv6.yaml:3:7: KCMG007 [warning] `--bind-address` not set; the kind default is `::`; kube-controller-manager serves port 10257 on every interface\n",
        "fixtures/kind/ipv6.yaml:3:7: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`\n",
        "fixtures/kind/json6902-patches.yaml:3:7: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/kind/json6902-patches.yaml:3:7: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/kind/json6902-patches.yaml:3:7: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/kind/json6902-patches.yaml:3:7: KCMG002 [warning] `--profiling` not set; the kube-controller-manager default is `true`\n",
        "fixtures/kind/json6902-patches.yaml:3:7: KSCH001 [warning] `--profiling` not set; the kube-scheduler default is `true`\n",
        "fixtures/kind/json6902-patches.yaml:14:13: KAPI003 [warning] `--anonymous-auth` is `true`\n",
        "fixtures/kops/cluster-clean.yaml:35:3: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/kops/cluster-clean.yaml:35:3: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/kops/cluster-clean.yaml:35:3: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/kops/cluster-insecure.yaml:13:5: KAPI004 [error] `--authorization-mode` is `AlwaysAllow`\n",
        "fixtures/kops/cluster-insecure.yaml:13:5: KDSH003 [error] `--authorization-mode` is `AlwaysAllow`, without `RBAC`\n",
        "fixtures/kops/cluster-insecure.yaml:13:5: KLET006 [warning] `--authorization-mode` is `AlwaysAllow`, without `Node`\n",
        "fixtures/kops/cluster-insecure.yaml:29:3: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/kops/cluster-insecure.yaml:29:3: KAPI012 [warning] `--profiling` not set; the kube-apiserver default is `true`; `/debug/pprof` is served\n",
        "fixtures/kops/cluster-insecure.yaml:29:3: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/kops/cluster-insecure.yaml:32:5: KLET001 [error] `--anonymous-auth` is `true`\n",
        "fixtures/kops/cluster-insecure.yaml:33:5: KLET005 [error] `--read-only-port` is `10255`\n",
        "fixtures/talos/controlplane-clean.yaml:32:3: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/talos/controlplane-clean.yaml:32:3: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/talos/controlplane-insecure.yaml:13:7: KLET005 [error] `--read-only-port` is `10255`\n",
        "fixtures/talos/controlplane-insecure.yaml:32:5: KAPI007 [warning] `--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to\n",
        "fixtures/talos/controlplane-insecure.yaml:32:5: KAPI017 [warning] `--service-account-extend-token-expiration` not set; the kube-apiserver default is `true`; projected tokens stay valid for a year\n",
        "fixtures/talos/controlplane-insecure.yaml:33:27: KAPI004 [error] `--authorization-mode` is `Node,RBAC,AlwaysAllow`; `AlwaysAllow` approves whatever the others leave undecided\n",
        "fixtures/talos/worker-patch.yaml:8:20: KLET001 [error] `--anonymous-auth` is `true`\n",
    ]
    .concat();
    assert_eq!(stdout(&output), expected);
}

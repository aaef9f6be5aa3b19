//! Human output as a reader meets it: the severity in words, text wrapped without splitting a
//! flag or a path, the `file:line:col` of the file itself, and what `--fix` would do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{stdout, tree};

use std::path::Path;
use std::process::Output;

/// An unused suppression: a warning with a safe fix.
const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}  # kubeharden: ignore[KAPI002]\n";

/// `--anonymous-auth=true` (a warning) and no kubelet client certificate (an error), both
/// with unsafe fixes.
const APISERVER: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.30.4\n    command:\n    - kube-apiserver\n    - --anonymous-auth=true\n    - --authorization-mode=Node,RBAC\n    - --enable-admission-plugins=NodeRestriction\n    - --client-ca-file=/etc/kubernetes/pki/ca.crt\n    - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt\n    - --profiling=false\n    - --service-account-extend-token-expiration=false\n    - --service-account-key-file=/etc/kubernetes/pki/sa.pub\n    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n";

fn kubeharden(dir: &Path, args: &[&str]) -> Output {
    common::command(dir, &["check", "--no-config"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_finding_names_its_severity_and_the_run_ends_with_what_fix_would_do() {
    let dir = tree(&[("configmap.yaml", CONFIGMAP)]);
    let output = kubeharden(dir.path(), &["configmap.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "\
warning[KGEN007]: unused-suppression

  ⚠ `KAPI002` suppresses nothing on line 3
   ╭─[configmap.yaml:3:43]
 2 │ kind: ConfigMap
 3 │ metadata: {name: a}  # kubeharden: ignore[KAPI002]
   ·                                           ───┬───
   ·                                              ╰── unused
   ╰────
  help: remove the comment
        fix (safe): remove the suppression comment
        docs: `kubeharden explain KGEN007`

Found 0 errors and 1 warning in 1 file.
1 fixable with `--fix`.
"
    );
}

#[test]
fn the_fix_line_counts_safe_and_unsafe_fixes_and_leaves_out_what_is_zero() {
    let dir = tree(&[("configmap.yaml", CONFIGMAP), ("apiserver.yaml", APISERVER)]);
    let last_two = |args: &[&str]| {
        let out = stdout(&kubeharden(dir.path(), args));
        let lines: Vec<&str> = out.lines().collect();
        lines[lines.len() - 2..].join("\n")
    };
    assert_eq!(
        last_two(&["apiserver.yaml"]),
        "Found 1 error and 1 warning in 1 file.\n2 fixable with `--fix --unsafe-fixes`."
    );
    assert!(
        stdout(&kubeharden(dir.path(), &["apiserver.yaml"])).contains("error[KLET002]: "),
        "errors are named too"
    );
    assert_eq!(
        last_two(&["."]),
        "Found 1 error and 2 warnings in 2 files.\n1 fixable with `--fix`, 2 more with `--unsafe-fixes`."
    );
    // Nothing fixable: no line about `--fix`.
    let clean = tree(&[("configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n")]);
    let output = kubeharden(clean.path(), &["configmap.yaml"]);
    assert_eq!(stdout(&output), "No problems found in 1 file.\n");
    // `--quiet` prints the findings only.
    let quiet = stdout(&kubeharden(dir.path(), &["--quiet", "configmap.yaml"]));
    assert!(!quiet.contains("fixable"), "{quiet}");
}

#[test]
fn after_fix_the_report_does_not_offer_fix_again() {
    let dir = tree(&[("configmap.yaml", CONFIGMAP), ("apiserver.yaml", APISERVER)]);
    let output = kubeharden(dir.path(), &["--fix", "."]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.ends_with("Found 1 error and 1 warning in 2 files.\n"),
        "{out}"
    );
}

/// Help and notes wrap at 100 columns off a terminal, between words only: a flag or a path in
/// them can be copied whole.
#[test]
fn wrapping_never_splits_a_flag_or_a_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = kubeharden(&root, &["fixtures/legacy-v1.18"]);
    let out = stdout(&output);
    for whole in [
        "`/etc/kubernetes/pki/apiserver-kubelet-client.crt`",
        "`--peer-trusted-ca-file=<path>`",
        "`--kubelet-client-certificate`",
    ] {
        assert!(
            out.lines().any(|l| l.contains(whole)),
            "{whole} split in\n{out}"
        );
    }
    for line in out.lines() {
        let text = line.trim_end();
        // Source lines are shown as they are; the words around them are wrapped.
        if text.starts_with("  help:") || text.starts_with("        ") || text.starts_with("  × ")
        {
            assert!(text.chars().count() <= 100, "too long: {text:?}");
            assert!(
                !text.ends_with('-') && !text.ends_with('/'),
                "split at the end of {text:?}"
            );
        }
    }
}

/// Lints `kubelet.service` holding `unit`: the compact output, and the human output from the
/// KLET001 finding (`--anonymous-auth=true`) on.
fn kubelet_unit(unit: &str) -> (String, String) {
    let dir = tree(&[("kubelet.service", unit)]);
    let compact = stdout(&kubeharden(
        dir.path(),
        &["--format", "compact", "kubelet.service"],
    ));
    let human = stdout(&kubeharden(dir.path(), &["kubelet.service"]));
    let finding = human[human.find("error[KLET001]").unwrap()..].to_owned();
    (compact, finding)
}

/// An escape character before a flagged flag is shown as four characters (`\x1b`), but the
/// `file:line:col` is the file's own: the one compact output gives.
#[test]
fn the_column_shown_is_the_file_s_own_when_an_escaped_character_precedes_the_span() {
    let unit =
        "[Service]\nExecStart=/usr/bin/kubelet --node-labels=a\u{1b}b --anonymous-auth=true\n";
    let (compact, finding) = kubelet_unit(unit);
    assert_eq!(
        unit.find("--anonymous-auth").unwrap() - unit.find("ExecStart").unwrap(),
        45
    );
    assert!(
        compact.contains("kubelet.service:2:46: KLET001"),
        "{compact}"
    );
    let lines: Vec<&str> = finding.lines().take(8).collect();
    assert_eq!(
        lines,
        [
            "error[KLET001]: kubelet-anonymous-auth-enabled",
            "",
            "  × `--anonymous-auth` is `true`",
            "   ╭─[kubelet.service:2:46]",
            " 1 │ [Service]",
            " 2 │ ExecStart=/usr/bin/kubelet --node-labels=a\\x1bb --anonymous-auth=true",
            "   ·                                                 ──────────┬──────────",
            "   ·                                                           ╰── anonymous requests accepted",
        ]
    );
}

/// miette counts columns in bytes; the header counts characters, as compact and JSON output
/// do.
#[test]
fn the_column_shown_counts_characters_not_bytes() {
    let unit =
        "[Service]\nExecStart=/usr/bin/kubelet --node-labels=zone=süd --anonymous-auth=true\n";
    let (compact, finding) = kubelet_unit(unit);
    assert!(
        compact.contains("kubelet.service:2:51: KLET001"),
        "{compact}"
    );
    assert_eq!(
        finding.lines().nth(3),
        Some("   ╭─[kubelet.service:2:51]"),
        "{finding}"
    );
}

//! Messages, helps and notes that point at another occurrence of a flag ("the one at line 7")
//! name the right line of the right file when a command line spans several files (a systemd
//! unit's drop-in and the environment file it reads): every `line N` they mention is that
//! occurrence's line, and when it is in another file than the finding, they name that file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::BTreeSet;
use std::path::Path;

use kubeharden_rules::{Finding, Linter, Report, Settings};

/// Writes `files` (path under the root, text) and lints the root as a node.
fn lint_node(files: &[(&str, &str)]) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let report = Linter::new(Settings::default()).lint_node(dir.path());
    (dir, report)
}

/// Every number written as `line N` in the finding's message, help and note.
fn lines_named(finding: &Finding) -> BTreeSet<usize> {
    let text = [
        Some(&finding.message),
        finding.help.as_ref(),
        finding.note.as_ref(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect::<Vec<_>>()
    .join("\n");
    text.match_indices("line ")
        .filter_map(|(at, _)| {
            let digits: String = text[at + 5..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// Checks the finding `code` lies in `finding_file` and that what it says about the other
/// occurrence names `other_file` and its line `other_line`.
fn check(report: &Report, root: &Path, code: &str, finding_file: &str, other: (&str, usize)) {
    let (other_file, other_line) = other;
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code}: {:?}", report.findings));
    let path = report.file(finding.file).path();
    assert_eq!(
        path.strip_prefix(root).unwrap(),
        Path::new(finding_file),
        "{finding:?}"
    );
    let said = format!(
        "{}\n{}\n{}",
        finding.message,
        finding.help.as_deref().unwrap_or(""),
        finding.note.as_deref().unwrap_or("")
    );
    let name = Path::new(other_file).file_name().unwrap().to_str().unwrap();
    let mut problems = Vec::new();
    if !said.contains(name) {
        problems.push(format!(
            "does not name {name}, where the other occurrence is"
        ));
    }
    for line in lines_named(finding) {
        if line != other_line {
            problems.push(format!(
                "names line {line}; the other occurrence is on line {other_line} of {other_file}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{code}: {}\n---\n{said}",
        problems.join("; ")
    );
}

const KUBELET_UNIT: &str = "[Service]\nExecStart=/usr/bin/kubelet\n";
const FLAGS_ENV: &str = "var/lib/kubelet/kubeadm-flags.env";

/// KGEN003: `--read-only-port=0` in the drop-in loses to `--read-only-port=10255` on line 7 of
/// kubeadm-flags.env (the help and note said "at line 4": the drop-in's line at the env
/// file's offset).
#[test]
fn duplicate_flag_names_the_winner_in_its_own_file() {
    let dropin = "etc/systemd/system/kubelet.service.d/10-kubeadm.conf";
    let (dir, report) = lint_node(&[
        ("etc/systemd/system/kubelet.service", KUBELET_UNIT),
        (
            dropin,
            "[Service]\nEnvironmentFile=/var/lib/kubelet/kubeadm-flags.env\nExecStart=\nExecStart=/usr/bin/kubelet --read-only-port=0 $KUBELET_KUBEADM_ARGS\n",
        ),
        (
            FLAGS_ENV,
            "# Written by kubeadm.\n#\n# Edited by hand:\n# - the read-only port for the old metrics agent\n#\n\nKUBELET_KUBEADM_ARGS=\"--read-only-port=10255\"\n",
        ),
    ]);
    check(&report, dir.path(), "KGEN003", dropin, (FLAGS_ENV, 7));
}

/// KGEN004: `NodeRestriction` disabled in the unit's `ExecStart=` and enabled on line 5 of the
/// environment file (the note said "enabled at line 6": the unit's line at the env file's
/// offset).
#[test]
fn conflicting_plugins_name_the_other_list_in_its_own_file() {
    let unit = "etc/systemd/system/kube-apiserver.service";
    let env = "etc/kubernetes/apiserver.env";
    let (dir, report) = lint_node(&[
        (
            unit,
            "[Unit]\nDescription=Kubernetes API Server\n\n[Service]\nEnvironmentFile=/etc/kubernetes/apiserver.env\nExecStart=/usr/local/bin/kube-apiserver --disable-admission-plugins=NodeRestriction $KUBE_API_ARGS\n",
        ),
        (
            env,
            "# kube-apiserver flags\n#\n# managed by configuration management\n#\nKUBE_API_ARGS=\"--authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction\"\n",
        ),
    ]);
    check(&report, dir.path(), "KGEN004", unit, (env, 5));
}

//! The fix engine: applying edits, refusing results that break the file, and writing without
//! losing data — also when one command line spans several files (a unit, its drop-in), where no
//! file may be edited at another file's offsets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kubeharden_core::Span;
use kubeharden_rules::apply::{
    MAX_ROUNDS, Plan, SkipReason, WriteError, apply_fixes, plan_fixes, write_fixed,
    write_fixed_with,
};
use kubeharden_rules::{Applicability, Edit, Finding, Fix, Linter, Report, Settings};

/// Two unused suppressions: KGEN007 findings with safe fixes.
const SUPPRESSED: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: x  # kubeharden: ignore[KAPI001]
data:
  # kubeharden: ignore[KAPI002]
  a: b
";

fn findings(text: &str) -> Vec<Finding> {
    Linter::new(Settings::default())
        .lint_source(Path::new("cm.yaml"), text)
        .findings
}

/// A finding of `text` (its first) carrying `fix` instead of its own.
fn with_fix(text: &str, edits: &[(usize, usize, &str)], applicability: Applicability) -> Finding {
    let mut finding = findings(text).remove(0);
    let edits = edits
        .iter()
        .map(|&(start, end, replacement)| Edit {
            span: Span::new(start, end),
            replacement: replacement.to_owned(),
        })
        .collect();
    finding.fix = Some(Fix::new("hand-made", applicability, finding.file, edits));
    finding
}

#[test]
fn unused_suppressions_are_removed_and_every_other_byte_is_kept() {
    let found = findings(SUPPRESSED);
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f.code == "KGEN007"));
    let refs: Vec<&Finding> = found.iter().collect();
    let outcome = apply_fixes(SUPPRESSED, &refs, false);
    assert_eq!(outcome.applied, vec![0, 1]);
    assert!(outcome.skipped.is_empty());
    assert_eq!(
        outcome.new_text,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n"
    );
    assert!(findings(&outcome.new_text).is_empty());
}

#[test]
fn edits_are_applied_in_offset_order_whatever_the_finding_order() {
    let text = "0123456789";
    let late = with_fix(SUPPRESSED, &[(8, 9, "E")], Applicability::Safe);
    let early = with_fix(SUPPRESSED, &[(1, 2, "B"), (4, 4, "+")], Applicability::Safe);
    let outcome = apply_fixes(text, &[&late, &early], false);
    assert_eq!(outcome.new_text, "0B23+4567E9");
    assert_eq!(outcome.applied, vec![0, 1]);
    assert_eq!(outcome.map_offset(9), 9 + 1);
    assert_eq!(outcome.map_offset(0), 0);
}

#[test]
fn a_fix_overlapping_an_earlier_one_is_skipped_and_reported() {
    let text = "0123456789";
    let first = with_fix(SUPPRESSED, &[(2, 5, "x")], Applicability::Safe);
    let overlapping = with_fix(SUPPRESSED, &[(4, 7, "y")], Applicability::Safe);
    let same_insertion_point = with_fix(SUPPRESSED, &[(2, 2, "z")], Applicability::Safe);
    let identical = with_fix(SUPPRESSED, &[(2, 5, "x")], Applicability::Safe);
    let outcome = apply_fixes(
        text,
        &[&overlapping, &first, &same_insertion_point, &identical],
        false,
    );
    assert_eq!(outcome.new_text, "01x56789");
    assert_eq!(outcome.applied, vec![1, 3]);
    assert_eq!(
        outcome.skipped,
        vec![(0, SkipReason::Overlaps(1)), (2, SkipReason::Overlaps(1))]
    );
}

#[test]
fn unsafe_fixes_only_when_allowed() {
    let text = "abc";
    let fix = with_fix(SUPPRESSED, &[(0, 1, "A")], Applicability::Unsafe);
    let outcome = apply_fixes(text, &[&fix], false);
    assert_eq!(outcome.new_text, "abc");
    assert_eq!(outcome.skipped, vec![(0, SkipReason::Unsafe)]);
    assert_eq!(apply_fixes(text, &[&fix], true).new_text, "Abc");
}

#[test]
fn edits_outside_the_text_or_inside_a_character_are_refused() {
    let text = "é=1";
    let past_end = with_fix(SUPPRESSED, &[(2, 9, "")], Applicability::Safe);
    let reversed = with_fix(SUPPRESSED, &[(2, 1, "")], Applicability::Safe);
    let split = with_fix(SUPPRESSED, &[(1, 2, "")], Applicability::Safe);
    let self_overlap = with_fix(SUPPRESSED, &[(0, 2, ""), (0, 3, "")], Applicability::Safe);
    let outcome = apply_fixes(text, &[&past_end, &reversed, &split, &self_overlap], true);
    assert_eq!(outcome.new_text, text);
    assert!(outcome.applied.is_empty());
    assert_eq!(
        outcome.skipped,
        vec![
            (0, SkipReason::OutOfBounds),
            (1, SkipReason::OutOfBounds),
            (2, SkipReason::NotCharBoundary),
            (3, SkipReason::SelfOverlap),
        ]
    );
}

/// Lints `paths`, with the fixed texts in place: what `check --fix` does.
fn plan_for(paths: &[PathBuf], edit: impl Fn(&mut Vec<Finding>)) -> Plan {
    let linter = Linter::new(Settings::default());
    let mut report = linter.lint_paths(paths);
    edit(&mut report.findings);
    plan_fixes(
        &report,
        false,
        MAX_ROUNDS,
        |texts: &HashMap<PathBuf, String>| linter.lint_paths_with_texts(paths, texts),
    )
}

#[test]
fn a_fix_that_would_break_the_yaml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, SUPPRESSED).unwrap();
    let plan = plan_for(std::slice::from_ref(&path), |findings| {
        // Replace the first comment with a key holding an unclosed flow sequence.
        let at = SUPPRESSED.find("# kubeharden").unwrap();
        let fix = findings[0].fix.as_mut().unwrap();
        fix.edits = vec![Edit {
            span: Span::new(at, at + "# kubeharden: ignore[KAPI001]".len()),
            replacement: "\n  b: [1, 2".to_owned(),
        }];
    });
    assert!(plan.files.is_empty(), "{plan:?}");
    assert_eq!(plan.refused.len(), 1);
    assert_eq!(plan.refused[0].0, path);
    assert!(plan.refused[0].1.contains("would not parse"), "{plan:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SUPPRESSED);
}

#[test]
fn a_fix_that_leaves_its_finding_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, SUPPRESSED).unwrap();
    let plan = plan_for(std::slice::from_ref(&path), |findings| {
        // "Fix" the first unused suppression by rewriting it as another unused one.
        for finding in findings.iter_mut() {
            let span = finding.span;
            finding.fix.as_mut().unwrap().edits = vec![Edit {
                span,
                replacement: "KAPI003".to_owned(),
            }];
        }
    });
    assert!(plan.files.is_empty(), "{plan:?}");
    assert!(
        plan.refused[0]
            .1
            .contains("KGEN007 would still be reported"),
        "{plan:?}"
    );
}

#[test]
fn a_good_plan_is_the_fixed_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, SUPPRESSED).unwrap();
    let plan = plan_for(std::slice::from_ref(&path), |_| {});
    assert!(plan.refused.is_empty());
    assert_eq!(plan.files.len(), 1);
    assert_eq!(plan.files[0].fixed, 2);
    assert_eq!(plan.files[0].original, SUPPRESSED);
    assert!(!plan.files[0].new_text.contains("kubeharden:"));
}

/// A file whose text the linter keeps (a ConfigMap's it would drop).
const KUBELET: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

/// Plans the fixes of `KUBELET` in a file of its own, where every lint finds (besides
/// `KGEN001`, the only finding kept) one finding at the end of the file, whose safe fix appends
/// `line(number of lines)`: fixes that never run out. (Codes alternate, so the finding reported
/// after a fix is never the one it fixed.)
fn plan_appending(max_rounds: usize, line: impl Fn(usize) -> String) -> (PathBuf, Plan) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, KUBELET).unwrap();
    let paths = [path.clone()];
    let linter = Linter::new(Settings::default());
    let template = findings(SUPPRESSED).remove(0);
    let appending = |mut report: Report| {
        let (id, file) = report.files().next().unwrap();
        let end = file.text().len();
        let lines = file.text().lines().count();
        let mut finding = template.clone();
        finding.code = if lines % 2 == 0 { "KTEST02" } else { "KTEST01" };
        finding.file = id;
        finding.span = Span::new(end, end);
        let edits = vec![Edit {
            span: Span::new(end, end),
            replacement: line(lines),
        }];
        finding.fix = Some(Fix::new("append a line", Applicability::Safe, id, edits));
        report.findings.retain(|f| f.code == "KGEN001");
        report.findings.push(finding);
        report
    };
    let report = appending(linter.lint_paths(&paths));
    let plan = plan_fixes(&report, false, max_rounds, |texts| {
        appending(linter.lint_paths_with_texts(&paths, texts))
    });
    (path, plan)
}

#[test]
fn fixes_go_round_after_round_until_the_bound_and_say_so() {
    let (_, plan) = plan_appending(3, |n| format!("# {n}\n"));
    assert!(plan.unsettled, "{plan:?}");
    assert!(plan.refused.is_empty(), "{plan:?}");
    assert_eq!(plan.files.len(), 1);
    assert_eq!(plan.files[0].original, KUBELET);
    assert_eq!(plan.files[0].new_text, format!("{KUBELET}# 2\n# 3\n# 4\n"));
    assert_eq!(plan.files[0].fixed, 3);
}

#[test]
fn a_file_refused_in_a_later_round_keeps_the_rounds_before() {
    // The second round's fix leaves an unclosed flow sequence.
    let (path, plan) = plan_appending(MAX_ROUNDS, |n| {
        if n == 2 { "# 2\n" } else { "b: [1, 2\n" }.to_owned()
    });
    assert!(!plan.unsettled, "{plan:?}");
    assert_eq!(plan.files.len(), 1);
    assert_eq!(plan.files[0].new_text, format!("{KUBELET}# 2\n"));
    assert_eq!(plan.files[0].fixed, 1);
    assert_eq!(plan.refused.len(), 1);
    assert_eq!(plan.refused[0].0, path);
    assert!(plan.refused[0].1.contains("would not parse"), "{plan:?}");
}

#[test]
fn writing_keeps_the_permissions_and_follows_symbolic_links() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, "old\n").unwrap();
    std::fs::set_permissions(&path, PermissionsExt::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    write_fixed(&link, b"old\n", "new\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o640);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(entries(dir.path()), ["cm.yaml", "link.yaml"]);
}

#[test]
fn a_file_changed_between_read_and_write_is_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, SUPPRESSED).unwrap();
    let result = write_fixed_with(&path, SUPPRESSED.as_bytes(), "fixed\n", |target| {
        // Someone else edits the file after we read it, before we rename.
        std::fs::write(target, "edited by someone else\n").unwrap();
    });
    assert!(matches!(result, Err(WriteError::Changed)), "{result:?}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "edited by someone else\n"
    );
    // No temporary file is left behind.
    assert_eq!(entries(dir.path()), ["cm.yaml"]);
}

#[test]
fn a_file_that_differs_from_what_was_linted_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm.yaml");
    std::fs::write(&path, "current\n").unwrap();
    let result = write_fixed(&path, b"what was read\n", "fixed\n");
    assert!(matches!(result, Err(WriteError::Changed)), "{result:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "current\n");
}

#[test]
fn a_directory_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let result = write_fixed(dir.path(), b"", "fixed\n");
    assert!(matches!(result, Err(WriteError::NotAFile)), "{result:?}");
}

/// A systemd unit and its drop-in that both pass `--insecure-bind-address`: the unit through
/// `Environment=`, the drop-in in the `ExecStart=` that runs.
const UNIT: &str = "\
[Service]
Environment=\"KUBE_EXTRA_ARGS=--insecure-bind-address=0.0.0.0\"
ExecStart=/usr/local/bin/kube-apiserver $KUBE_EXTRA_ARGS
";
const DROPIN: &str = "\
[Service]
ExecStart=
ExecStart=/usr/local/bin/kube-apiserver --authorization-mode=Node,RBAC $KUBE_EXTRA_ARGS --insecure-bind-address=0.0.0.0 --insecure-port=0
";

/// Lines with their blanks collapsed, and without `--insecure-bind-address=0.0.0.0` when
/// `strip`: what a fix that removes the flag may leave.
fn normalized(text: &str, strip: bool) -> String {
    let text = if strip {
        text.replace("--insecure-bind-address=0.0.0.0", "")
    } else {
        text.to_owned()
    };
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The safe fix for `--insecure-bind-address` (KAPI002) removes every occurrence. Here they
/// are in two files, and each removal belongs to its own file. (Both were edits of the
/// drop-in: it also lost the 31 bytes at the offsets of the unit's `Environment=` word, so
/// `/usr/local/bin/kube-apiserver --authorization-mode` became `/usr/loczation-mode`; no
/// component was left to report KAPI002, so the re-lint accepted the damage and
/// `check --fix` wrote it.)
#[test]
fn a_fix_never_edits_one_file_at_another_file_s_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let unit = root.join("etc/systemd/system/kube-apiserver.service");
    let dropin = root.join("etc/systemd/system/kube-apiserver.service.d/10-flags.conf");
    std::fs::create_dir_all(dropin.parent().unwrap()).unwrap();
    std::fs::write(&unit, UNIT).unwrap();
    std::fs::write(&dropin, DROPIN).unwrap();
    let linter = Linter::new(Settings::default());
    let report = linter.lint_node(root);
    assert!(
        report.findings.iter().any(|f| f.code == "KAPI002"),
        "{:?}",
        report.findings
    );
    let plan = plan_fixes(
        &report,
        false,
        MAX_ROUNDS,
        |texts: &HashMap<PathBuf, String>| linter.lint_node_with_texts(root, texts),
    );
    for planned in &plan.files {
        assert_eq!(
            normalized(&planned.new_text, false),
            normalized(&planned.original, true),
            "{} would be rewritten as\n{}",
            planned.path.display(),
            planned.new_text
        );
    }
    let texts: HashMap<PathBuf, String> = plan
        .files
        .iter()
        .map(|p| (p.path.clone(), p.new_text.clone()))
        .collect();
    let after = linter.lint_node_with_texts(root, &texts);
    assert!(
        after.inventory().api_servers().next().is_some(),
        "kube-apiserver no longer runs from the fixed files: {plan:?}"
    );
}

/// etcd's static pod naming its config file: etcd then ignores every other flag.
const ETCD_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.15-0
    command:
    - etcd
    - --config-file=/etc/etcd/etcd.yaml
  hostNetwork: true
";
/// The config file it names, with TLS for peers but none for clients.
const ETCD_CONFIG: &str = "\
# etcd for cp-1: TLS for peers only, clients still on the old plain setup.
name: cp-1
data-dir: /var/lib/etcd
listen-client-urls: https://127.0.0.1:2379
advertise-client-urls: https://127.0.0.1:2379
listen-peer-urls: https://10.0.0.10:2380
initial-advertise-peer-urls: https://10.0.0.10:2380
initial-cluster: cp-1=https://10.0.0.10:2380
peer-transport-security:
  cert-file: /etc/kubernetes/pki/etcd/peer.crt
  key-file: /etc/kubernetes/pki/etcd/peer.key
  client-cert-auth: true
  trusted-ca-file: /etc/kubernetes/pki/etcd/ca.crt
";

/// Findings in etcd's config file (KETC001, KETC003: no client certificate, no client CA)
/// carried fixes computed for the static pod's `command:` list: applied to the config file,
/// at the manifest's offsets, they put `    - --cert-file=...` items into the middle of it.
/// Each fix, applied to its own file, must leave that file readable and cure the finding; etcd
/// ignores flags next to a config file, so no fix adds one there.
#[test]
fn each_fix_applies_to_its_own_file_across_an_etcd_pod_and_its_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pod = root.join("etc/kubernetes/manifests/etcd.yaml");
    let config = root.join("etc/etcd/etcd.yaml");
    for (path, text) in [(&pod, ETCD_POD), (&config, ETCD_CONFIG)] {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let linter = Linter::new(Settings::default());
    let report = linter.lint_node(root);
    assert!(
        report.findings.iter().any(|f| f.code == "KETC001"),
        "{:?}",
        report.findings
    );
    let count = |r: &Report, code: &str| r.findings.iter().filter(|f| f.code == code).count();
    let mut problems = Vec::new();
    for finding in report.findings.iter().filter(|f| f.fix.is_some()) {
        let fix = finding.fix.as_ref().unwrap();
        // A fix edits its own file, which is not always the finding's.
        let file = report.file(fix.file);
        let outcome = apply_fixes(file.text(), &[finding], true);
        if !outcome.skipped.is_empty() {
            problems.push(format!(
                "{} in {}: fix {fix:?} does not apply to that file: {:?}",
                finding.code,
                file.path().display(),
                outcome.skipped
            ));
            continue;
        }
        let texts = HashMap::from([(file.path().to_path_buf(), outcome.new_text.clone())]);
        let after = linter.lint_node_with_texts(root, &texts);
        if count(&after, "KGEN001") > count(&report, "KGEN001")
            || count(&after, finding.code) >= count(&report, finding.code)
        {
            problems.push(format!(
                "{} in {}: fix {fix:?} leaves\n{}",
                finding.code,
                file.path().display(),
                outcome.new_text
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

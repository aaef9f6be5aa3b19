//! Fuzzes the library's node entry point, `Linter::lint_node_with_texts`, with several files
//! at once: a command line assembled from a systemd unit, its drop-ins and the environment
//! files they name, next to kubelet configs, static pods and etcd's config file.
//!
//! The input is chunks separated by NUL bytes; the first byte of a chunk picks the file's
//! path under the node root from `NAMES` (a later chunk for the same path wins), the rest, if
//! UTF-8, is its text. `lint_node_with_texts` takes the texts from memory, but only for files
//! that exist (it walks directories and follows references on disk), so each path in use is an
//! empty file under one per-process root, created or removed only when the set of paths
//! changes. Beyond "no panic, no abort, no hang", it checks what every caller relies on: each
//! finding's span lies inside the finding's OWN file (the one `Report::file` gives for
//! `finding.file`) and each fix edit inside the fix's own file (`fix.file`), on character
//! boundaries, a finding in a systemd unit or an
//! environment file never points at a comment line, and the same input gives the same
//! findings.
#![no_main]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use kubeharden_rules::{Linter, Settings};
use libfuzzer_sys::fuzz_target;

/// Paths under the node root a chunk can name. `scripts/fuzz.sh` builds seeds from
/// `fixtures/nodes/` with the same list: keep them in the same order.
const NAMES: &[&str] = &[
    "etc/systemd/system/kubelet.service",
    "usr/lib/systemd/system/kubelet.service",
    "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
    "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
    "etc/systemd/system/kubelet.service.d/20-extra.conf",
    "var/lib/kubelet/kubeadm-flags.env",
    "etc/default/kubelet",
    "etc/sysconfig/kubelet",
    "var/lib/kubelet/config.yaml",
    "etc/kubernetes/kubelet.conf.d/10-logging.conf",
    "etc/kubernetes/kubelet.conf.d/50-anonymous.conf",
    "etc/systemd/system/kube-apiserver.service",
    "etc/systemd/system/kube-apiserver.service.d/10-flags.conf",
    "etc/kubernetes/apiserver.env",
    "etc/kubernetes/manifests/kube-apiserver.yaml",
    "etc/kubernetes/manifests/etcd.yaml",
    "etc/kubernetes/manifests/kube-controller-manager.yaml",
    "etc/kubernetes/manifests/kube-scheduler.yaml",
    "etc/etcd/etcd.yaml",
    "etc/systemd/system/etcd.service",
    "etc/kubernetes/kubelet-config.yaml",
];

/// The per-process node root and the paths that exist under it now.
struct Node {
    root: PathBuf,
    present: BTreeSet<usize>,
}

fn node() -> &'static Mutex<Node> {
    static NODE: OnceLock<Mutex<Node>> = OnceLock::new();
    NODE.get_or_init(|| {
        let base = std::env::temp_dir();
        // Roots left by earlier processes (fork mode restarts its children) whose process is
        // gone.
        if let Ok(entries) = std::fs::read_dir(&base) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(pid) = name
                    .to_str()
                    .and_then(|n| n.strip_prefix("kubeharden-fuzz-node-"))
                else {
                    continue;
                };
                if !Path::new("/proc").join(pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let root = base.join(format!("kubeharden-fuzz-node-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the node root");
        Mutex::new(Node {
            root,
            present: BTreeSet::new(),
        })
    })
}

/// Splits the input into `(path index, text)`, later chunks for a path winning.
fn files(data: &[u8]) -> Vec<(usize, &str)> {
    let mut by_name: Vec<Option<&str>> = vec![None; NAMES.len()];
    for chunk in data.split(|&b| b == 0) {
        let Some((&selector, rest)) = chunk.split_first() else {
            continue;
        };
        if let Ok(text) = std::str::from_utf8(rest) {
            by_name[usize::from(selector) % NAMES.len()] = Some(text);
        }
    }
    by_name
        .into_iter()
        .enumerate()
        .filter_map(|(i, text)| Some((i, text?)))
        .collect()
}

/// Whether the line holding `offset` is a comment line of a unit or an environment file.
fn on_comment_line(text: &str, offset: usize) -> bool {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim_start();
    line.starts_with('#') || line.starts_with(';')
}

fuzz_target!(|data: &[u8]| {
    let files = files(data);
    if files.is_empty() {
        return;
    }
    let mut node = node()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let wanted: BTreeSet<usize> = files.iter().map(|&(i, _)| i).collect();
    for &gone in node.present.difference(&wanted) {
        let _ = std::fs::remove_file(node.root.join(NAMES[gone]));
    }
    for &new in wanted.difference(&node.present) {
        let path = node.root.join(NAMES[new]);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
        std::fs::write(&path, "").expect("create a placeholder");
    }
    node.present = wanted;
    let root = node.root.clone();
    let texts: HashMap<PathBuf, String> = files
        .iter()
        .map(|&(i, text)| (root.join(NAMES[i]), text.to_owned()))
        .collect();

    let linter = Linter::new(Settings::default());
    let report = linter.lint_node_with_texts(&root, &texts);
    for finding in &report.findings {
        let file = report.file(finding.file);
        let text = file.text();
        let span = finding.span;
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span outside its own file {}: {finding:?}",
            file.path().display()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span off a character boundary in {}: {finding:?}",
            file.path().display()
        );
        let _ = file.line_col(span.start);
        let _ = file.line_col(span.end);
        // Units, drop-ins and environment files: every name but the YAML ones.
        let name = file.path().to_string_lossy();
        let unit_or_env = !(name.ends_with(".yaml") || name.contains("/kubelet.conf.d/"));
        // An unused suppression (KGEN007) is a comment by nature.
        assert!(
            !unit_or_env || finding.code == "KGEN007" || !on_comment_line(text, span.start),
            "finding on a comment line of {}: {finding:?}",
            file.path().display()
        );
        if let Some(fix) = &finding.fix {
            // A fix edits its own file, which is not always the finding's (a flag reported at
            // a drop-in's `ExecStart=` may be fixed in the environment file that holds it).
            let fixed = report.file(fix.file);
            let fixed_text = fixed.text();
            for edit in &fix.edits {
                let e = edit.span;
                assert!(
                    e.start <= e.end && e.end <= fixed_text.len(),
                    "fix edit outside its own file {}: {fix:?}",
                    fixed.path().display()
                );
                assert!(
                    fixed_text.is_char_boundary(e.start) && fixed_text.is_char_boundary(e.end)
                );
            }
        }
    }
    let again = linter.lint_node_with_texts(&root, &texts);
    assert_eq!(report.findings, again.findings, "same input, same findings");
});

//! Every fixture fires exactly what its `# expect: CODE` annotations say, on those lines.
//!
//! Each directory directly under `fixtures/` is linted as one run (so rules that compare files
//! see them together), and each directory under `fixtures/nodes/` as a node root
//! (`--root`). A finding on a line without its code annotated fails, and so does an
//! annotation that nothing fired.
//!
//! `fixtures/opt-in` is linted with every rule selected, so the opt-in rules fire there.
//!
//! `# expect: A, B` at the end of a line annotates that line. On a line of its own (where an
//! inline comment would change the file's meaning: systemd units, env files) it annotates
//! the next line that is not itself an annotation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kubeharden_rules::{Linter, Selector, Settings};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// `(file, line, code)` for every `# expect: A, B` annotation under `dir`.
fn expectations(dir: &Path) -> BTreeSet<(PathBuf, usize, String)> {
    let mut expected = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("readable fixture tree");
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("readable fixture");
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let Some((before, codes)) = line.split_once("# expect:") else {
                continue;
            };
            let mut target = index;
            if before.trim().is_empty() {
                target += 1;
                while lines
                    .get(target)
                    .is_some_and(|l| l.trim_start().starts_with("# expect:"))
                {
                    target += 1;
                }
            }
            for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                expected.insert((entry.path().to_path_buf(), target + 1, code.to_owned()));
            }
        }
    }
    expected
}

/// `(file, line, code)` of every finding of a run.
fn findings(report: &kubeharden_rules::Report) -> BTreeSet<(PathBuf, usize, String)> {
    report
        .findings
        .iter()
        .map(|finding| {
            let file = report.file(finding.file);
            let line = file.line_col(finding.span.start).line;
            (file.path().to_path_buf(), line, finding.code.to_owned())
        })
        .collect()
}

#[test]
fn fixtures_fire_exactly_their_annotations() {
    let linter = Linter::new(Settings::default());
    // `fixtures/opt-in` holds what only the opt-in rules find: it is linted with every rule.
    let mut select_all = Settings::default();
    select_all.select = Some(vec![Selector::All]);
    let every_rule = Linter::new(select_all);
    let opt_in = fixtures_dir().join("opt-in");
    let mut failures = Vec::new();
    let subdirectories = |dir: &Path| {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("readable fixture directory")
            .map(|entry| entry.expect("readable").path())
            .filter(|path| path.is_dir())
            .collect();
        dirs.sort();
        dirs
    };
    let nodes = fixtures_dir().join("nodes");
    let runs: Vec<(PathBuf, bool)> = subdirectories(&fixtures_dir())
        .into_iter()
        .filter(|dir| *dir != nodes)
        .map(|dir| (dir, false))
        .chain(subdirectories(&nodes).into_iter().map(|dir| (dir, true)))
        .collect();
    assert!(runs.len() > 5);
    let mut annotated_codes = BTreeSet::new();
    for (dir, is_node) in runs {
        let report = if is_node {
            linter.lint_node(&dir)
        } else if dir == opt_in {
            every_rule.lint_paths(std::slice::from_ref(&dir))
        } else {
            linter.lint_paths(std::slice::from_ref(&dir))
        };
        assert!(report.read_errors.is_empty(), "{:?}", report.read_errors);
        let actual = findings(&report);
        let expected = expectations(&dir);
        annotated_codes.extend(expected.iter().map(|(_, _, code)| code.clone()));
        for missing in expected.difference(&actual) {
            failures.push(format!(
                "missed    {}:{} {}",
                missing.0.display(),
                missing.1,
                missing.2
            ));
        }
        for extra in actual.difference(&expected) {
            let message = report
                .findings
                .iter()
                .find(|f| f.code == extra.2 && report.file(f.file).path() == extra.0)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            failures.push(format!(
                "unexpected {}:{} {} ({message})",
                extra.0.display(),
                extra.1,
                extra.2
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    let never_fired: Vec<&str> = kubeharden_rules::registry::metas()
        .map(|meta| meta.code)
        .filter(|code| !annotated_codes.contains(*code))
        .collect();
    assert!(
        never_fired.is_empty(),
        "no fixture line expects {never_fired:?}"
    );
}

/// The node trees of `fixtures/nodes/`, linted together as paths, give each node the findings
/// it has alone under `--root`: units, drop-ins and environment files of one tree never join
/// another's. (`etcd-config-file` is left out: its etcd reads a `--config-file` that only node
/// mode follows.)
#[test]
fn node_trees_linted_together_stay_apart() {
    let linter = Linter::new(Settings::default());
    let nodes = fixtures_dir().join("nodes");
    let mut trees: Vec<PathBuf> = std::fs::read_dir(&nodes)
        .expect("readable fixture directory")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.is_dir() && !path.ends_with("etcd-config-file"))
        .collect();
    trees.sort();
    let alone: BTreeSet<_> = trees
        .iter()
        .flat_map(|tree| findings(&linter.lint_node(tree)))
        .collect();
    let together = findings(&linter.lint_paths(&trees));
    assert!(alone.len() > 10);
    assert_eq!(together, alone);
}

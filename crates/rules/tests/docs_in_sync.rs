//! `docs/rules/` of the repository is exactly what `kubeharden explain CODE --format markdown`
//! prints. The directory is outside this crate, so the test is not in the published package.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use kubeharden_rules::docs;
use kubeharden_rules::registry::metas;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

/// `docs/rules/` is exactly what `kubeharden explain CODE --format markdown` prints.
#[test]
fn docs_are_up_to_date() {
    let mut expected: Vec<(PathBuf, String)> = metas()
        .map(|meta| {
            (
                docs_dir().join(format!("{}.md", meta.code)),
                docs::markdown(meta),
            )
        })
        .collect();
    expected.push((docs_dir().join("README.md"), docs::index()));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(docs_dir()).unwrap();
        for (path, text) in &expected {
            std::fs::write(path, text).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (path, text) in &expected {
        if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let listed: HashSet<PathBuf> = expected.iter().map(|(p, _)| p.clone()).collect();
    for entry in std::fs::read_dir(docs_dir()).unwrap() {
        let path = entry.unwrap().path();
        if !listed.contains(&path) {
            stale.push(format!("{} (no such rule)", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs: {stale:?}\nregenerate with: UPDATE_DOCS=1 cargo test -p kubeharden-rules docs_are_up_to_date"
    );
}

//! `kubeharden rules` and `kubeharden explain`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::stdout;

use std::process::Output;

use std::path::Path;

fn kubeharden(args: &[&str]) -> Output {
    common::kubeharden(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

#[test]
fn rules_json_lists_every_code_with_its_metadata() {
    let output = kubeharden(&["rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let mut expected: Vec<String> = Vec::new();
    for (prefix, count) in [
        ("KAPI", 17),
        ("KLET", 7),
        ("KETC", 11),
        ("KDSH", 5),
        ("KCMG", 7),
        ("KSCH", 2),
        ("KGEN", 5),
    ] {
        expected.extend((1..=count).map(|n| format!("{prefix}{n:03}")));
    }
    // KGEN006 (unknown-flag) is reserved for a later issue.
    expected.extend(["KGEN007".to_owned(), "KGEN008".to_owned()]);
    assert_eq!(codes, expected, "sections in seed order, codes ascending");
    for rule in &rules {
        for key in [
            "name", "section", "target", "category", "severity", "summary",
        ] {
            assert!(
                rule[key].as_str().is_some_and(|v| !v.is_empty()),
                "{rule}: {key}"
            );
        }
    }
    let opt_in: Vec<&str> = rules
        .iter()
        .filter(|rule| rule["opt_in"] == serde_json::Value::Bool(true))
        .map(|rule| rule["code"].as_str().unwrap())
        .collect();
    assert_eq!(opt_in, ["KAPI006", "KAPI008", "KAPI010"]);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn rules_table() {
    let output = kubeharden(&["rules"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn explain_by_code_and_by_name_agree() {
    let by_code = kubeharden(&["explain", "KAPI001"]);
    let by_name = kubeharden(&["explain", "insecure-port-enabled"]);
    assert_eq!(by_code.status.code(), Some(0));
    assert_eq!(stdout(&by_code), stdout(&by_name));
    insta::assert_snapshot!(stdout(&by_code));
}

#[test]
fn explain_markdown_is_the_checked_in_page() {
    let output = kubeharden(&["explain", "kapi001", "--format", "markdown"]);
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/rules/KAPI001.md"
    ))
    .unwrap();
    assert_eq!(stdout(&output), page);
}

#[test]
fn explain_json() {
    let output = kubeharden(&["explain", "KGEN001", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["code"], "KGEN001");
    assert_eq!(json["category"], "correctness");
    assert!(
        json["docs"]
            .as_str()
            .unwrap()
            .starts_with("## What it does")
    );
}

#[test]
fn explain_unknown_code_suggests_and_exits_two() {
    let output = kubeharden(&["explain", "KAPI0001"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "kubeharden: no rule `KAPI0001`; did you mean `KAPI001`?\nrun `kubeharden rules` for the list\n"
    );
    let output = kubeharden(&["explain", "zzzz"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("did you mean"));
}

/// No placeholder host anywhere in what the project ships: documentation, examples, fixtures
/// and sources point at nothing that does not exist.
#[test]
fn no_placeholder_links_in_the_repository() {
    fn visit(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if name.starts_with('.') && name != ".ci" || name == "target" {
                continue;
            }
            if path.is_dir() {
                visit(&path, found);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                // This test names the host it looks for.
                if text.contains(concat!("example", ".invalid")) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let root = common::repo();
    let mut found = Vec::new();
    visit(&root, &mut found);
    assert!(found.is_empty(), "placeholder links in {found:?}");
}

/// README's set-up section holds exactly two commands: one that runs the real binary on the
/// bundled fixtures, one that runs the tests.
#[test]
fn readme_has_two_set_up_commands() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let set_up = readme
        .split("## Set up")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    let commands: Vec<&str> = set_up
        .split("```sh\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap().trim())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo run -p kubeharden --release -- check --root fixtures/nodes/kubeadm-v1.30 --fail-on error",
            "cargo test --workspace --locked",
        ]
    );
}

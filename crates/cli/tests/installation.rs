//! What an installed command offers besides linting: shell completions, the manual page and a
//! version that names its commit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use assert_cmd::Command;

/// Standard output of a run that must succeed and print nothing to standard error.
fn kubeharden(args: &[&str]) -> String {
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_shell_gets_a_completion_script_naming_the_subcommands_and_flags() {
    // How each shell's script spells a subcommand and a long flag.
    let shells = [
        ("bash", "check", "--format"),
        ("zsh", "check", "--format"),
        ("fish", "check", "-l format"),
        ("powershell", "'check'", "'--format'"),
        ("elvish", "check", "--format"),
    ];
    for (shell, subcommand, flag) in shells {
        let script = kubeharden(&["completions", shell]);
        for word in [subcommand, flag, "explain", "unsafe-fixes"] {
            assert!(script.contains(word), "{shell}: no {word:?} in\n{script}");
        }
    }
    assert!(kubeharden(&["completions", "bash"]).starts_with("_kubeharden() {"));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{stderr}"
    );
}

#[test]
fn the_man_page_holds_every_subcommand_and_its_flags() {
    let page = kubeharden(&["man"]);
    let lines: Vec<&str> = page.lines().collect();
    assert_eq!(lines[2], ".TH kubeharden 1  \"kubeharden 0.1.0\" ");
    let sections: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with(".SH") || l.starts_with(".SS"))
        .collect();
    let mut expected: Vec<String> = [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS"]
        .map(String::from)
        .to_vec();
    for sub in ["CHECK", "RULES", "EXPLAIN", "COMPLETIONS", "MAN"] {
        expected.push(format!(".SH \"KUBEHARDEN {sub}\""));
        expected.extend([".SS SYNOPSIS", ".SS DESCRIPTION", ".SS OPTIONS"].map(String::from));
    }
    expected.push(".SH VERSION".to_owned());
    assert_eq!(sections, expected);
    for flag in [
        "\\fB\\-\\-format\\fR \\fI<FORMAT>\\fR [default: human]",
        "\\fB\\-\\-unsafe\\-fixes\\fR",
        "\\fB\\-o\\fR, \\fB\\-\\-output\\-file\\fR \\fI<PATH>\\fR",
        "\\fBkubeharden check\\fR [\\fB\\-\\-root\\fR]",
    ] {
        assert!(page.contains(flag), "no {flag:?} in\n{page}");
    }
}

/// docs/kubeharden.1 is what `kubeharden man` prints: regenerate it with
/// `cargo run -p kubeharden -- man > docs/kubeharden.1` when the command line changes.
#[test]
fn the_checked_in_man_page_is_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/kubeharden.1");
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert!(
        checked_in == kubeharden(&["man"]),
        "docs/kubeharden.1 is stale: run `cargo run -p kubeharden -- man > docs/kubeharden.1`"
    );
}

/// `kubeharden 0.1.0`, or `kubeharden 0.1.0 (c96e3e7 2026-12-03)` when built from git.
#[test]
fn version_names_the_commit_when_there_is_one() {
    let version = kubeharden(&["--version"]);
    let line = version.strip_suffix('\n').unwrap();
    let rest = line.strip_prefix("kubeharden ").unwrap();
    let (number, commit) = match rest.split_once(' ') {
        Some((number, commit)) => (number, Some(commit)),
        None => (rest, None),
    };
    let parts: Vec<&str> = number.split('.').collect();
    assert_eq!(parts.len(), 3, "{line}");
    assert!(
        parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
        "{line}"
    );
    if let Some(commit) = commit {
        let inner = commit.strip_prefix('(').and_then(|c| c.strip_suffix(')'));
        let (hash, date) = inner
            .and_then(|c| c.split_once(' '))
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            hash.len() >= 7
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{line}"
        );
        let date: Vec<&str> = date.split('-').collect();
        assert_eq!(
            date.iter().map(|d| d.len()).collect::<Vec<_>>(),
            [4, 2, 2],
            "{line}"
        );
        assert!(
            date.iter().all(|d| d.bytes().all(|b| b.is_ascii_digit())),
            "{line}"
        );
    }
    // Built from this checkout, it names this commit.
    let head = std::process::Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "log", "-1", "--format=%h"])
        .output()
        .ok()
        .filter(|output| output.status.success());
    if let Some(head) = head {
        let hash = String::from_utf8(head.stdout).unwrap();
        assert!(line.contains(&format!("({} ", hash.trim())), "{line}");
    }
}

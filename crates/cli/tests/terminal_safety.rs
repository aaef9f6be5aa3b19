//! File text, paths and values never reach the terminal raw: control characters (an escape
//! sequence in a YAML comment next to a finding, a value, a file name) and bidi controls are
//! shown escaped in human, compact and github output, with the finding still pointing at the
//! right line and column; JSON and SARIF escape them as JSON requires.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use assert_cmd::Command;

/// An apiserver whose comment next to the finding sets the window title and clears the screen,
/// whose authorization mode carries a right-to-left override, and whose file name holds an
/// escape character.
/// Its `args:` line holds a right-to-left override before a finding (so an escaped view of
/// the line is longer than the line) and a value whose YAML escape decodes to ESC.
const HOSTILE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.30.4\n    command:\n    - kube-apiserver\n    # \u{1b}]0;pwned\u{7}\u{1b}[2J\n    - --authorization-mode=AlwaysAllow # \u{1b}[31mred\n    - --anonymous-auth=fa\u{202e}lse\n    args: [\"--secure-port=\u{202e}\\e2\", --insecure-port=8080]\n";

const FILE_NAME: &str = "kube-apiserver-\u{1b}[1m.yaml";

const RAW: [char; 4] = ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'];

fn run(dir: &Path, format: &str) -> String {
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .args(["check", "--color", "never", "--format", format])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(FILE_NAME), HOSTILE).unwrap();
    dir
}

fn assert_no_raw_controls(format: &str, out: &str) {
    for c in RAW {
        assert!(!out.contains(c), "{format}: raw {c:?} in\n{out}");
    }
}

#[test]
fn human_output_shows_controls_escaped_and_underlines_the_right_bytes() {
    let dir = hostile_tree();
    let out = run(dir.path(), "human");
    assert_no_raw_controls("human", &out);
    assert!(out.contains("kube-apiserver-\\x1b[1m.yaml"), "{out}");
    assert!(out.contains("# \\x1b]0;pwned\\x07\\x1b[2J"), "{out}");
    assert!(out.contains("--anonymous-auth=fa\\u{202e}lse"), "{out}");
    // Under the escaped line, the underlines start at `--authorization-mode` (KDSH003) and at
    // `AlwaysAllow` (KAPI004): the spans moved with the text.
    let lines: Vec<&str> = out.lines().collect();
    let source = "- --authorization-mode=AlwaysAllow # \\x1b[31mred";
    let column = |line: &str, needle: &str| line[..line.find(needle).unwrap()].chars().count();
    let starts: Vec<usize> = lines
        .windows(2)
        .filter(|pair| pair[0].contains(source))
        .filter_map(|pair| pair[1].chars().position(|c| c == '─' || c == '┬'))
        .collect();
    let row = lines.iter().find(|l| l.contains(source)).unwrap();
    assert!(
        starts.contains(&column(row, "--authorization-mode")),
        "{starts:?}\n{out}"
    );
    assert!(
        starts.contains(&column(row, "AlwaysAllow")),
        "{starts:?}\n{out}"
    );
}

#[test]
fn compact_output_escapes_the_path_and_keeps_the_file_s_own_columns() {
    let dir = hostile_tree();
    let out = run(dir.path(), "compact");
    assert_no_raw_controls("compact", &out);
    let line = out
        .lines()
        .find(|l| l.contains("KAPI004"))
        .unwrap_or_else(|| panic!("{out}"));
    // Line 12, column 28: where `AlwaysAllow` is in the file itself.
    assert!(
        line.contains("kube-apiserver-\\x1b[1m.yaml:12:28: KAPI004"),
        "{line}"
    );
    // After the override on line 14, the column is still the file's (one character for it),
    // not the escaped view's.
    let args = HOSTILE.lines().nth(13).unwrap();
    let column = args[..args.find("--insecure-port").unwrap()]
        .chars()
        .count()
        + 1;
    assert!(
        out.contains(&format!(".yaml:14:{column}: KGEN005")),
        "column {column}\n{out}"
    );
    let value = out
        .lines()
        .find(|l| l.contains("`--anonymous-auth`"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(value.contains("fa\\u{202e}lse"), "{value}");
    // A value whose escape decodes to ESC is shown escaped too.
    assert!(out.contains("\\u{202e}\\x1b2"), "{out}");
}

#[test]
fn github_output_escapes_controls() {
    let dir = hostile_tree();
    let out = run(dir.path(), "github");
    assert_no_raw_controls("github", &out);
    assert!(out.contains("file="), "{out}");
    assert!(out.contains("\\x1b[1m.yaml"), "{out}");
    assert!(out.contains("fa\\u{202e}lse"), "{out}");
}

#[test]
fn json_and_sarif_escape_as_json_requires() {
    let dir = hostile_tree();
    for format in ["json", "sarif"] {
        let out = run(dir.path(), format);
        // JSON escapes C0 controls; other characters are valid JSON as they are.
        assert!(!out.contains('\u{1b}'), "{format}: raw ESC in\n{out}");
        // The `--secure-port` value's ESC, in the messages.
        assert!(out.contains("\\u001b2"), "{format}: {out}");
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(parsed.is_object(), "{format}");
    }
}

/// Whether XML 1.0 can hold `c` at all (its `Char` production): not even a character
/// reference can write the others.
fn is_xml_1_0_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[test]
fn junit_and_gitlab_hold_no_character_xml_1_0_forbids() {
    let dir = hostile_tree();
    // A value that decodes to NUL, U+FFFF and a bell, and a binary file named `.yaml`.
    std::fs::write(
        dir.path().join("etcd.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd}\nspec:\n  containers:\n  - name: etcd\n    image: registry.k8s.io/etcd:3.5.15-0\n    command: [etcd, \"--client-cert-auth=\\0\\uFFFF\\a\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("blob.yaml"), b"\x00\x01\x1b[2J: \x0b\n").unwrap();
    let xml = run(dir.path(), "junit");
    assert_no_raw_controls("junit", &xml);
    let forbidden: Vec<char> = xml.chars().filter(|c| !is_xml_1_0_char(*c)).collect();
    assert!(forbidden.is_empty(), "{forbidden:?} in\n{xml}");
    // The file name's ESC and the value's NUL and U+FFFF, shown escaped.
    assert!(xml.contains("kube-apiserver-\\x1b[1m.yaml"), "{xml}");
    assert!(xml.contains("\\x00\\u{ffff}\\x07"), "{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("{error} in\n{xml}"),
        }
    }
    // GitLab's JSON escapes controls as JSON requires.
    let json = run(dir.path(), "gitlab");
    assert!(
        !json.contains('\u{1b}') && !json.contains('\u{0}'),
        "{json}"
    );
    let issues: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(issues.as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn a_binary_file_named_yaml_is_not_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\x1b[2J\x1b]0;title\x07\x00\x01\x02".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n', 0x9b, b'1', b'm']);
    std::fs::write(dir.path().join("blob.yaml"), bytes).unwrap();
    for format in ["human", "compact", "github"] {
        let output = Command::cargo_bin("kubeharden")
            .unwrap()
            .args(["check", "--color", "never", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{format}: {out}"
        );
        assert!(!output.stdout.contains(&0x9b), "{format}");
    }
}

/// `--diff` shows the lines of the file, and its path, as the other terminal outputs do:
/// escaped.
#[test]
fn diff_shows_controls_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# \u{1b}]0;pwned\u{7} title\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}  # kubeharden: ignore[KAPI002]\ndata: {note: \"\u{202e}x\"}\n";
    std::fs::write(dir.path().join("cm-\u{1b}[1m.yaml"), text).unwrap();
    let output = Command::cargo_bin("kubeharden")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--diff", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "\
--- a/./cm-\\x1b[1m.yaml
+++ b/./cm-\\x1b[1m.yaml
@@ -1,5 +1,5 @@
 # \\x1b]0;pwned\\x07 title
 apiVersion: v1
 kind: ConfigMap
-metadata: {name: a}  # kubeharden: ignore[KAPI002]
+metadata: {name: a}
 data: {note: \"\\u{202e}x\"}
"
    );
}

//! Every machine format checked against its schema, over the fixtures' output (many findings,
//! fixes, notes, a node, a read error): `kubeharden/v1` JSON against
//! docs/schemas/kubeharden-v1.schema.json, SARIF against the official SARIF 2.1.0 schema,
//! GitLab Code Quality against a schema written from GitLab's documented format, and JUnit
//! XML by its structure and counts. GitLab fingerprints are stable across runs and unique in
//! one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{data, kubeharden, repo};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use serde_json::{Value, json};

/// The fixture with a fix, a whole legacy control plane with suppressions, a node (absolute
/// and relative paths), a run with a read error, and every fixture at once.
fn runs() -> Vec<(PathBuf, Vec<&'static str>)> {
    vec![
        (data(), vec!["formats"]),
        (
            repo(),
            vec!["fixtures/legacy-v1.18", "fixtures/suppressions"],
        ),
        (repo(), vec!["--root", "fixtures/nodes/kubeadm-v1.30"]),
        (repo(), vec!["fixtures/dashboard", "no/such/file.yaml"]),
        (repo(), vec!["fixtures"]),
    ]
}

/// `check --format FORMAT` over every run.
fn outputs(format: &str) -> Vec<(Vec<&'static str>, String)> {
    runs()
        .into_iter()
        .map(|(dir, args)| {
            let output = kubeharden(&dir, &[&["check", "--format", format], &args[..]].concat());
            assert!(
                matches!(output.status.code(), Some(1 | 2)),
                "{args:?}: {output:?}"
            );
            (args, String::from_utf8(output.stdout).unwrap())
        })
        .collect()
}

fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema compiles")
}

/// Every run's output in `format`, parsed, each valid against `schema`.
fn validated(format: &str, schema: &Value) -> Vec<Value> {
    let validator = validator(schema);
    outputs(format)
        .into_iter()
        .map(|(args, text)| {
            let document: Value = serde_json::from_str(&text).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&document)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{format} {args:?}: {errors:#?}");
            document
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn json_is_valid_kubeharden_v1() {
    let schema = read_json(&repo().join("docs/schemas/kubeharden-v1.schema.json"));
    let documents = validated("json", &schema);
    let findings: Vec<&Value> = documents
        .iter()
        .flat_map(|d| d["findings"].as_array().unwrap())
        .collect();
    // The runs exercise every optional part.
    for part in ["label", "help", "note", "fix", "component"] {
        assert!(
            findings.iter().any(|f| !f[part].is_null()),
            "no finding with a {part}"
        );
    }
    assert!(findings.iter().any(|f| f["component"].is_null()));
    let note = findings
        .iter()
        .find(|f| f["code"] == "KAPI001")
        .map(|f| &f["note"]);
    assert_eq!(
        note,
        Some(&json!(
            "judged as kube-apiserver v1.18.20, from its image tag"
        ))
    );
    // The schema does catch mistakes: a finding without its note, an unknown severity.
    let validator = validator(&schema);
    let mut broken = documents[0].clone();
    broken["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("note");
    assert!(!validator.is_valid(&broken));
    let mut broken = documents[0].clone();
    broken["findings"][0]["severity"] = json!("fatal");
    assert!(!validator.is_valid(&broken));
}

/// The official SARIF 2.1.0 schema, as shipped in the `serde-sarif` 0.8.0 crate's sources
/// (`src/schema.json`, a copy of the OASIS sarif-spec `Schemata/sarif-schema-2.1.0.json`,
/// `$id` https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json).
fn sarif_schema() -> Value {
    let text = std::fs::read_to_string(data().join("sarif-schema-2.1.0.json")).unwrap();
    // The official file's `language` patterns have a bare `]` (a literal in ECMA-262 regular
    // expressions, an error for the validator's engine): escape it, same meaning.
    let bare = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(bare).count(), 2);
    let text = text.replace(bare, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let schema = sarif_schema();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    for sarif in validated("sarif", &schema) {
        assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
        for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
        {
            // The rule's whole documentation travels with it; a link only when the build
            // names the project's repository (this one does not: no dead links).
            let code = rule["id"].as_str().unwrap();
            let text = rule["help"]["text"].as_str().unwrap();
            assert!(text.contains("## What it does"), "{code}: {text}");
            assert_eq!(rule["help"]["markdown"].as_str(), Some(text), "{code}");
            assert!(rule.get("helpUri").is_none(), "{code}: {rule}");
            // What code scanning ranks alerts by: a score as a string, and tags.
            let score: f64 = rule["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.0..=10.0).contains(&score), "{code}: {score}");
            let tags = rule["properties"]["tags"].as_array().unwrap();
            let security = tags.contains(&json!("security"));
            assert_eq!(
                security,
                !tags.contains(&json!("correctness")),
                "{code}: {tags:?}"
            );
        }
    }
    // The validator does catch mistakes.
    let broken = json!({"version": "2.1.0", "runs": [{"tool": {}}]});
    assert!(!validator(&schema).is_valid(&broken));
}

#[test]
fn sarif_rules_carry_security_severity_and_tags() {
    let output = kubeharden(&data(), &["check", "--format", "sarif", "formats"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let properties = |code: &str| {
        rules
            .iter()
            .find(|rule| rule["id"] == code)
            .map(|rule| rule["properties"].clone())
            .unwrap()
    };
    assert_eq!(
        properties("KAPI001"),
        json!({"tags": ["security", "api-server", "kube-apiserver"], "security-severity": "8.0"})
    );
    assert_eq!(
        properties("KGEN001"),
        json!({"tags": ["general", "correctness"], "security-severity": "2.0"})
    );
}

/// GitLab's Code Quality format as its documentation describes it (GitLab ships no schema).
fn gitlab_schema() -> Value {
    read_json(&data().join("gitlab-code-quality.schema.json"))
}

fn fingerprints(issues: &Value) -> Vec<&str> {
    issues
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap())
        .collect()
}

#[test]
fn gitlab_is_valid_code_quality_with_unique_stable_fingerprints() {
    let schema = gitlab_schema();
    let first = validated("gitlab", &schema);
    let second = validated("gitlab", &schema);
    assert_eq!(first, second, "two runs, the same report");
    for issues in &first {
        let fingerprints = fingerprints(issues);
        let unique: HashSet<&str> = fingerprints.iter().copied().collect();
        assert_eq!(unique.len(), fingerprints.len(), "{issues:#}");
    }
    // Security errors are critical, other errors major (KGEN001: broken YAML), warnings minor.
    let severities: HashSet<(&str, &str)> = first
        .iter()
        .flat_map(|issues| issues.as_array().unwrap())
        .map(|issue| {
            (
                issue["check_name"].as_str().unwrap(),
                issue["severity"].as_str().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("KAPI001", "critical"),
        ("KGEN001", "major"),
        ("KGEN007", "minor"),
    ] {
        assert!(
            severities.contains(&expected),
            "{expected:?}: {severities:?}"
        );
    }
    let broken = json!([{"description": "d", "check_name": "KAPI001", "fingerprint": "f",
        "severity": "error", "location": {"path": "a.yaml", "lines": {"begin": 1}}}]);
    assert!(!validator(&schema).is_valid(&broken));
}

/// Two kube-apiservers in one file with the same finding: two issues, two fingerprints; and
/// a line added above them moves their lines but keeps their fingerprints.
#[test]
fn gitlab_fingerprints_tell_identical_findings_apart_and_ignore_line_moves() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.18.20\n    command: [kube-apiserver, --insecure-port=8080]\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pods.yaml");
    let issues = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let output = kubeharden(
            dir.path(),
            &[
                "check",
                "--format",
                "gitlab",
                "--select",
                "KAPI001",
                "./pods.yaml",
            ],
        );
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    let before = issues(&format!("{pod}---\n{pod}"));
    let after = issues(&format!("# moved down\n{pod}---\n{pod}"));
    let fingerprints_before = fingerprints(&before);
    assert_eq!(fingerprints_before.len(), 2, "{before:#}");
    assert_ne!(fingerprints_before[0], fingerprints_before[1]);
    assert_eq!(fingerprints_before, fingerprints(&after));
    assert_eq!(
        before[0]["location"],
        json!({"path": "pods.yaml", "lines": {"begin": 8}})
    );
    assert_eq!(after[0]["location"]["lines"]["begin"], 9);
}

/// An element of a JUnit report: its name, attributes, and children (text as `#text`).
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> &str {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("no {name} on {self:?}"))
    }

    fn count(&self, name: &str) -> usize {
        self.attribute(name).parse().unwrap()
    }

    fn children(&self, name: &str) -> impl Iterator<Item = &Element> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Parses `xml` (well-formed, or the test fails) into its root element.
fn parse_xml(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let open = |start: &quick_xml::events::BytesStart| Element {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        attributes: start
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(XmlVersion::Explicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect(),
        children: Vec::new(),
        text: String::new(),
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => stack.push(open(&start)),
            Event::Empty(start) => stack.last_mut().unwrap().children.push(open(&start)),
            Event::Text(text) => {
                if let Some(element) = stack.last_mut() {
                    element.text.push_str(&text.decode().unwrap());
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap();
                let c = match name.as_ref() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    other => panic!("entity {other}"),
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::End(_) => {
                let element = stack.pop().unwrap();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return element,
                }
            }
            Event::Eof => panic!("the document ends inside an element"),
            Event::Decl(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn junit_has_a_suite_per_file_a_failure_per_finding_and_right_counts() {
    let json = outputs("json");
    for ((args, xml), (_, json)) in outputs("junit").into_iter().zip(json) {
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            "{xml}"
        );
        let report: Value = serde_json::from_str(&json).unwrap();
        let root = parse_xml(&xml);
        assert_eq!(root.name, "testsuites");
        assert_eq!(root.attribute("name"), "kubeharden");
        let suites: Vec<&Element> = root.children("testsuite").collect();
        assert_eq!(suites.len(), root.children.len(), "{args:?}");
        let failures: Vec<&Element> = suites
            .iter()
            .flat_map(|s| s.children("testcase"))
            .flat_map(|c| c.children("failure"))
            .collect();
        let errors = suites
            .iter()
            .flat_map(|s| s.children("testcase"))
            .flat_map(|c| c.children("error"))
            .count();
        let testcases = suites.iter().flat_map(|s| s.children("testcase")).count();
        assert_eq!(root.count("tests"), testcases, "{args:?}");
        assert_eq!(root.count("failures"), failures.len(), "{args:?}");
        assert_eq!(root.count("errors"), errors, "{args:?}");
        assert_eq!(
            failures.len(),
            report["findings"].as_array().unwrap().len(),
            "{args:?}"
        );
        for suite in &suites {
            let cases: Vec<&Element> = suite.children("testcase").collect();
            assert_eq!(suite.count("tests"), cases.len(), "{suite:?}");
            assert_eq!(
                suite.count("failures"),
                cases.iter().flat_map(|c| c.children("failure")).count()
            );
            assert!(!cases.is_empty(), "{suite:?}");
            for case in cases {
                assert_eq!(case.attribute("classname"), suite.attribute("name"));
            }
        }
        // Every finding, in order, as the failure of a test case named by its code.
        for (failure, finding) in failures.iter().zip(report["findings"].as_array().unwrap()) {
            assert_eq!(failure.attribute("message"), finding["message"]);
            assert_eq!(failure.attribute("type"), finding["severity"]);
            let at = format!(
                "{}:{}:{}\n",
                finding["file"].as_str().unwrap(),
                finding["span"]["line"],
                finding["span"]["column"]
            );
            assert!(failure.text.starts_with(&at), "{at} in {failure:?}");
            if let Some(note) = finding["note"].as_str() {
                assert!(
                    failure.text.contains(&format!("\nnote: {note}")),
                    "{failure:?}"
                );
            }
        }
    }
}

#[test]
fn junit_lists_clean_files_as_passing_and_unreadable_paths_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kubelet.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous: {enabled: false}\n  webhook: {enabled: true}\n  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}\nauthorization: {mode: Webhook}\nreadOnlyPort: 0\nprotectKernelDefaults: true\nrotateCertificates: true\n",
    )
    .unwrap();
    let output = kubeharden(
        dir.path(),
        &["check", "--format", "junit", "kubelet.yaml", "missing.yaml"],
    );
    assert_eq!(output.status.code(), Some(2));
    let root = parse_xml(std::str::from_utf8(&output.stdout).unwrap());
    let suites: Vec<&Element> = root.children("testsuite").collect();
    assert_eq!(suites.len(), 2, "{root:?}");
    assert_eq!(suites[0].attribute("name"), "kubelet.yaml");
    let clean: Vec<&Element> = suites[0].children("testcase").collect();
    assert_eq!(clean.len(), 1);
    assert_eq!(clean[0].attribute("name"), "no findings");
    assert!(clean[0].children.is_empty(), "{clean:?}");
    assert_eq!(suites[1].attribute("name"), "missing.yaml");
    assert_eq!(suites[1].count("errors"), 1);
    let error = suites[1]
        .children("testcase")
        .flat_map(|c| c.children("error"))
        .next()
        .unwrap();
    assert!(
        error.attribute("message").starts_with("cannot read: "),
        "{error:?}"
    );
    assert_eq!(
        (
            root.count("tests"),
            root.count("failures"),
            root.count("errors")
        ),
        (2, 0, 1)
    );
}

#[test]
fn every_format_exits_with_the_same_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("clean.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let legacy = repo().join("fixtures/legacy-v1.18");
    let node = repo().join("fixtures/nodes/kubeadm-v1.30");
    let (legacy, node) = (legacy.to_str().unwrap(), node.to_str().unwrap());
    let cases: [(&[&str], i32); 6] = [
        (&["clean.yaml"], 0),
        (&[legacy], 1),
        (&["--fail-on", "error", "--root", node], 0),
        (&["--exit-zero", legacy], 0),
        (&["clean.yaml", "missing.yaml"], 2),
        (&["empty"], 2),
    ];
    for format in [
        "human", "json", "sarif", "github", "compact", "junit", "gitlab",
    ] {
        for (args, code) in cases {
            let output = kubeharden(dir.path(), &[&["check", "--format", format], args].concat());
            assert_eq!(output.status.code(), Some(code), "{format} {args:?}");
        }
    }
}

//! Properties over generated manifests (proptest): linting never panics, every span (of a
//! finding and of a fix's edits) lies inside its file on character boundaries, the same input
//! gives the same output, and applying a finding's fix removes that finding without breaking
//! the file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use kubeharden_rules::{Linter, Report, Settings};
use proptest::prelude::*;

const FLAGS: &[&str] = &[
    "--insecure-port",
    "--insecure-bind-address",
    "--anonymous-auth",
    "--authorization-mode",
    "--enable-admission-plugins",
    "--disable-admission-plugins",
    "--admission-control",
    "--authorization-config",
    "--kubelet-client-certificate",
    "--etcd-servers",
    "--etcd-cafile",
    "--client-ca-file",
    "--read-only-port",
    "--client-cert-auth",
    "--auto-tls",
    "--peer-auto-tls",
    "--trusted-ca-file",
    "--listen-client-urls",
    "--enable-skip-login",
    "--enable-insecure-login",
    "--v",
    "--config",
];

const BINARIES: &[&str] = &[
    "kube-apiserver",
    "/usr/local/bin/kube-apiserver",
    "etcd",
    "kubelet",
    "kube-controller-manager",
    "hyperkube",
    "/dashboard",
];

const IMAGES: &[&str] = &[
    "registry.k8s.io/kube-apiserver:v1.18.20",
    "registry.k8s.io/kube-apiserver:v1.30.2",
    "registry.k8s.io/etcd:3.5.12-0",
    "kubernetesui/dashboard:v2.7.0",
    "k8s.gcr.io/hyperkube:v1.17.0",
    "busybox",
];

#[derive(Debug, Clone)]
struct Manifest {
    binary: &'static str,
    image: &'static str,
    flags: Vec<(&'static str, Option<String>)>,
    in_args: bool,
    flow: bool,
    quoted: bool,
    comment: Option<String>,
    crlf: bool,
    bom: bool,
    kubelet_config: Option<(bool, String)>,
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        Just("8080".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("AlwaysAllow".to_owned()),
        Just("Node,RBAC".to_owned()),
        Just("http://0.0.0.0:2379".to_owned()),
        Just("$(VAR)".to_owned()),
        "[a-zA-Z0-9=,:/._é日 -]{0,12}",
    ]
}

fn manifest() -> impl Strategy<Value = Manifest> {
    (
        proptest::sample::select(BINARIES),
        proptest::sample::select(IMAGES),
        proptest::collection::vec(
            (
                proptest::sample::select(FLAGS),
                proptest::option::of(value()),
            ),
            0..8,
        ),
        any::<(bool, bool, bool, bool, bool)>(),
        proptest::option::of("[ -~é]{0,20}"),
        proptest::option::of((any::<bool>(), value())),
    )
        .prop_map(
            |(binary, image, flags, (in_args, flow, quoted, crlf, bom), comment, config)| {
                Manifest {
                    binary,
                    image,
                    flags,
                    in_args,
                    flow,
                    quoted,
                    comment,
                    crlf,
                    bom,
                    kubelet_config: config,
                }
            },
        )
}

fn render(m: &Manifest) -> String {
    let words: Vec<String> = std::iter::once(m.binary.to_owned())
        .chain(m.flags.iter().map(|(name, value)| match value {
            Some(v) => format!("{name}={v}"),
            None => (*name).to_owned(),
        }))
        .collect();
    let item = |w: &String| {
        if m.quoted {
            format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            format!("'{}'", w.replace('\'', "''"))
        }
    };
    let mut out = String::new();
    if m.bom {
        out.push('\u{feff}');
    }
    out.push_str(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: component\n  namespace: kube-system\n",
    );
    if let Some(comment) = &m.comment {
        out.push_str(&format!("# {comment}\n"));
    }
    out.push_str("spec:\n  containers:\n  - name: main\n");
    out.push_str(&format!("    image: {}\n", m.image));
    let key = if m.in_args { "args" } else { "command" };
    if m.flow {
        let items: Vec<String> = words.iter().map(item).collect();
        out.push_str(&format!("    {key}: [{}]\n", items.join(", ")));
    } else {
        out.push_str(&format!("    {key}:\n"));
        for w in &words {
            out.push_str(&format!("    - {}\n", item(w)));
        }
    }
    if let Some((anonymous, port)) = &m.kubelet_config {
        out.push_str(
            "---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
        );
        out.push_str(&format!(
            "authentication:\n  anonymous:\n    enabled: {anonymous}\n"
        ));
        out.push_str(&format!("readOnlyPort: {}\n", item(port)));
    }
    if m.crlf {
        out = out.replace('\n', "\r\n");
    }
    out
}

fn lint(text: &str) -> Report {
    Linter::new(Settings::default()).lint_source(Path::new("manifest.yaml"), text)
}

fn check_spans(report: &Report) -> Result<(), TestCaseError> {
    for finding in &report.findings {
        let text = report.file(finding.file).text();
        let span = finding.span;
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "{finding:?}"
        );
        prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        if let Some(fix) = &finding.fix {
            for edit in &fix.edits {
                let e = edit.span;
                prop_assert!(e.start <= e.end && e.end <= text.len(), "{fix:?}");
                prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_manifests(m in manifest()) {
        let text = render(&m);
        let report = lint(&text);
        check_spans(&report)?;
        let again = lint(&text);
        prop_assert_eq!(&report.findings, &again.findings);

        for finding in report.findings.iter().filter(|f| f.fix.is_some()) {
            let fix = finding.fix.as_ref().unwrap();
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
            let mut fixed = text.clone();
            for edit in &edits {
                fixed.replace_range(edit.span.range(), &edit.replacement);
            }
            let after = lint(&fixed);
            check_spans(&after)?;
            let count = |r: &Report| r.findings.iter().filter(|f| f.code == finding.code).count();
            prop_assert!(count(&after) < count(&report), "fix {:?} left {}", fix, finding.code);
        }
    }

    #[test]
    fn arbitrary_text(text in "(?s).{0,400}") {
        let report = lint(&text);
        check_spans(&report)?;
        prop_assert_eq!(&report.findings, &lint(&text).findings);
    }
}

#[test]
fn the_generator_reaches_the_rules() {
    let m = Manifest {
        binary: "kube-apiserver",
        image: "registry.k8s.io/kube-apiserver:v1.18.20",
        flags: vec![("--insecure-port", Some("8080".to_owned()))],
        in_args: false,
        flow: true,
        quoted: true,
        comment: Some("é".to_owned()),
        crlf: true,
        bom: true,
        kubelet_config: Some((true, "10255".to_owned())),
    };
    let report = lint(&render(&m));
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"KAPI001"), "{codes:?}");
    assert!(codes.contains(&"KLET001"), "{codes:?}");
}

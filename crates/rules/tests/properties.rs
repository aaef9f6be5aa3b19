//! Properties over generated manifests (proptest): linting never panics, every span (of a
//! finding and of a fix's edits) lies inside its file on character boundaries, the same input
//! gives the same output, and applying a finding's fix removes that finding without breaking
//! the file.
//!
//! And over generated node roots (`Linter::lint_node`), where one command line is assembled
//! from a systemd unit, its drop-ins and environment files: every finding points into its own
//! file, at words the generator wrote into that file (or at the `ExecStart` key a missing
//! flag belongs to), never at a comment line or past the end; the text under the span is
//! what the message names; every fix edit stays on the lines of its finding's file that hold
//! words, and applying it removes the finding and keeps every component.
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

// ---------------------------------------------------------------------------------------------
// Multi-file node roots.
//
// A kubelet's or kube-apiserver's command line is assembled from a systemd unit, its drop-ins
// and the environment files they name: `$VAR` and `${VAR}` words in `ExecStart=` expand into
// flags written in another file. The generator below writes such node roots (comment lines,
// blank lines, quoting styles, CRLF, non-ASCII comments, `/etc` and `/usr/lib` units, a flag
// whose name and value come from different files, a kubelet config named by `--config`, a
// static pod) and records, for every file, where it wrote what: each command-line word (and
// which command line or variable value it belongs to), the `ExecStart` keys, each YAML line,
// and the whole lines that hold words (for fix edits). `lint_node` must then point every
// finding into its own file: inside words the generator wrote into THAT file (a flag, its
// value or one item of it; both words of `--name value`), or exactly at a place missing
// settings belong (an `ExecStart` key) — never at a comment line or past the end. The text
// under the span names what the message names (one of its backticked fragments), and every
// fix edit stays within the lines of its finding's file that hold words, and removes its
// finding when applied.

/// Which component a generated service runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comp {
    Kubelet,
    ApiServer,
}

/// Flags, each one word or the two words of `--name value`.
const KUBELET_FLAGS: &[&[&str]] = &[
    &["--read-only-port=10255"],
    &["--read-only-port=0"],
    &["--read-only-port", "10255"],
    &["--read-only-port=${PORT}"],
    &["--anonymous-auth=true"],
    &["--anonymous-auth=false"],
    &["--anonymous-auth=maybe"],
    &["--anonymous-auth", "false"],
    &["--authorization-mode=AlwaysAllow"],
    &["--authorization-mode=Webhook"],
    &["--authorization-mode", "AlwaysAllow"],
    &["--client-ca-file=/etc/kubernetes/pki/ca.crt"],
    &["--config=/var/lib/kubelet/config.yaml"],
    &["--config=/etc/kubernetes/kubelet-config.yaml"],
    &["--kubeconfig=/etc/kubernetes/kubelet.conf"],
    &["--container-runtime-endpoint=unix:///run/containerd/containerd.sock"],
    &["--port=abc"],
    &["--v=2"],
    &["--v=日本"],
];

const APISERVER_FLAGS: &[&[&str]] = &[
    &["--authorization-mode=AlwaysAllow"],
    &["--authorization-mode=Node,RBAC"],
    &["--authorization-mode=Node,RBAC,AlwaysAllow"],
    &["--authorization-mode=Node,rbac"],
    &["--authorization-mode", "AlwaysAllow"],
    &["--authorization-config=/etc/kubernetes/authz.yaml"],
    &["--authorization-policy-file=/etc/kubernetes/abac.json"],
    &["--anonymous-auth=false"],
    &["--anonymous-auth=yes"],
    &["--enable-admission-plugins=NamespaceLifecycle,NodeRestriction"],
    &["--enable-admission-plugins=LimitRanger"],
    &["--disable-admission-plugins=NodeRestriction"],
    &["--admission-control=NamespaceLifecycle,LimitRanger"],
    &["--etcd-servers=http://127.0.0.1:2379"],
    &["--etcd-servers=https://10.0.0.10:2379,http://10.0.0.11:2379"],
    &["--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt"],
    &["--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt"],
    &["--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key"],
    &["--etcd-cafile"],
    &["--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt"],
    &["--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key"],
    &["--client-ca-file=/etc/kubernetes/pki/ca.crt"],
    &["--insecure-port=8080"],
    &["--insecure-bind-address=0.0.0.0"],
    &["--secure-port=70000"],
    &["--profiling=jä"],
    &["--v=2"],
];

const KUBELET_ENV_PATHS: &[&str] = &[
    "var/lib/kubelet/kubeadm-flags.env",
    "etc/default/kubelet",
    "etc/sysconfig/kubelet",
    "etc/kubernetes/kubelet.env",
];

const APISERVER_ENV_PATHS: &[&str] = &[
    "etc/kubernetes/apiserver.env",
    "etc/default/kube-apiserver",
    "etc/kubernetes/apiserver",
];

fn comment_line() -> impl Strategy<Value = String> {
    // No backslash: whether a comment line ending in one continues is not what this tests.
    (
        proptest::sample::select(&["#", ";", "# kubeharden-test:"][..]),
        "[ -\\[\\]-~éü日本ß]{0,30}",
    )
        .prop_map(|(lead, text)| format!("{lead} {text}"))
}

/// Comment and blank lines put on top of a file (or between its lines).
fn header() -> impl Strategy<Value = Vec<Option<String>>> {
    proptest::collection::vec(proptest::option::weighted(0.8, comment_line()), 0..4)
}

/// Where a variable is defined: `Environment=` in one of the service's unit files, a line of
/// one of its environment files, or nowhere.
#[derive(Clone, Copy, Debug)]
enum Home {
    UnitFile(usize),
    EnvFile(usize),
    Undefined,
}

#[derive(Clone, Debug)]
enum SegmentKind {
    /// Written straight into `ExecStart=`.
    Direct,
    /// `$NAME` (split at whitespace) or `${NAME}` (one word).
    Var { braced: bool, home: Home },
}

#[derive(Clone, Debug)]
struct Segment {
    len: usize,
    kind: SegmentKind,
}

#[derive(Clone, Debug)]
struct Dropin {
    in_etc: bool,
    header: Vec<Option<String>>,
    crlf: bool,
}

#[derive(Clone, Debug)]
struct EnvFile {
    path: usize,
    header: Vec<Option<String>>,
    /// 0 unquoted (when the value is one word at most), 1 double quotes, 2 single quotes.
    quoting: u8,
    export: bool,
    crlf: bool,
    /// The unit file (unit, then drop-ins) whose `EnvironmentFile=` names it.
    named_by: usize,
    optional: bool,
    /// A comment line, or a blank one, between the variables.
    between: Option<String>,
}

#[derive(Clone, Debug)]
struct ServiceCase {
    comp: Comp,
    unit_in_etc: bool,
    unit_header: Vec<Option<String>>,
    unit_crlf: bool,
    flags: Vec<&'static [&'static str]>,
    segments: Vec<Segment>,
    /// One choice per gap between `ExecStart=` words: a space, a continuation line, or a
    /// continuation with a comment line inside it.
    gaps: Vec<u8>,
    dropins: Vec<Dropin>,
    /// The unit file (unit, then drop-ins) with the `ExecStart=` that runs.
    exec_owner: usize,
    env_files: Vec<EnvFile>,
    /// `EnvironmentFile=` naming a file that is not there (`Some(optional)`).
    phantom: Option<bool>,
    /// With the unit in `/etc`: a unit of the same name in `/usr/lib` that it shadows, with
    /// flags of its own that are not in effect (nothing may point into it).
    shadowed: Vec<&'static [&'static str]>,
}

#[derive(Clone, Debug)]
struct KubeletConfig {
    anonymous: bool,
    read_only_port: Option<&'static str>,
    mode: Option<&'static str>,
    client_ca: bool,
    crlf: bool,
}

#[derive(Clone, Debug)]
struct NodeCase {
    kubelet: Option<ServiceCase>,
    apiserver: Option<ServiceCase>,
    config: Option<KubeletConfig>,
    static_pod: Option<Vec<&'static [&'static str]>>,
}

fn home() -> impl Strategy<Value = Home> {
    prop_oneof![
        4 => (0usize..3).prop_map(Home::UnitFile),
        8 => (0usize..2).prop_map(Home::EnvFile),
        1 => Just(Home::Undefined),
    ]
}

fn segment() -> impl Strategy<Value = Segment> {
    (
        0usize..4,
        prop_oneof![
            1 => Just(SegmentKind::Direct),
            3 => (any::<bool>(), home()).prop_map(|(braced, home)| SegmentKind::Var { braced, home }),
        ],
    )
        .prop_map(|(len, kind)| Segment { len, kind })
}

fn service(comp: Comp) -> impl Strategy<Value = ServiceCase> {
    let flags = match comp {
        Comp::Kubelet => KUBELET_FLAGS,
        Comp::ApiServer => APISERVER_FLAGS,
    };
    let dropin = (any::<bool>(), header(), proptest::bool::weighted(0.2)).prop_map(
        |(in_etc, header, crlf)| Dropin {
            in_etc,
            header,
            crlf,
        },
    );
    let env_file = (
        (0usize..4, header(), 0u8..3, proptest::bool::weighted(0.2)),
        (
            proptest::bool::weighted(0.2),
            0usize..3,
            any::<bool>(),
            proptest::option::of(prop_oneof![Just(String::new()), comment_line()]),
        ),
    )
        .prop_map(
            |((path, header, quoting, export), (crlf, named_by, optional, between))| EnvFile {
                path,
                header,
                quoting,
                export,
                crlf,
                named_by,
                optional,
                between,
            },
        );
    (
        (
            any::<bool>(),
            header(),
            proptest::bool::weighted(0.2),
            proptest::collection::vec(proptest::sample::select(flags), 0..7),
        ),
        (
            proptest::collection::vec(segment(), 1..5),
            proptest::collection::vec(0u8..6, 12),
            proptest::collection::vec(dropin, 0..3),
            0usize..3,
        ),
        (
            proptest::collection::vec(env_file, 0..=2),
            proptest::option::weighted(0.15, any::<bool>()),
            proptest::collection::vec(proptest::sample::select(flags), 0..3),
        ),
    )
        .prop_map(
            move |(
                (unit_in_etc, unit_header, unit_crlf, flags),
                (segments, gaps, dropins, exec_owner),
                (env_files, phantom, shadowed),
            )| ServiceCase {
                comp,
                unit_in_etc,
                unit_header,
                unit_crlf,
                flags,
                segments,
                gaps,
                exec_owner: exec_owner % (dropins.len() + 1),
                dropins,
                env_files,
                phantom,
                shadowed,
            },
        )
}

fn node() -> impl Strategy<Value = NodeCase> {
    let config = (
        any::<bool>(),
        proptest::option::of(proptest::sample::select(&["0", "10255", "\"0\""][..])),
        proptest::option::of(proptest::sample::select(&["Webhook", "AlwaysAllow"][..])),
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
        .prop_map(
            |(anonymous, read_only_port, mode, client_ca, crlf)| KubeletConfig {
                anonymous,
                read_only_port,
                mode,
                client_ca,
                crlf,
            },
        );
    (
        proptest::option::weighted(0.7, service(Comp::Kubelet)),
        proptest::option::weighted(0.7, service(Comp::ApiServer)),
        proptest::option::weighted(0.6, config),
        proptest::option::weighted(
            0.25,
            proptest::collection::vec(proptest::sample::select(APISERVER_FLAGS), 0..5),
        ),
    )
        .prop_map(|(kubelet, apiserver, config, static_pod)| NodeCase {
            kubelet,
            apiserver,
            config,
            static_pod,
        })
}

/// One generated file: its text, and where the generator wrote what in it.
#[derive(Debug, Default)]
struct Written {
    text: String,
    eol: &'static str,
    /// Command-line words (or YAML lines), each with the command line or value it is part of.
    words: Vec<(std::ops::Range<usize>, usize)>,
    /// Where a missing setting is reported: `ExecStart` keys.
    anchors: Vec<std::ops::Range<usize>>,
    /// Whole lines holding words, line break included: where fix edits may go.
    lines: Vec<std::ops::Range<usize>>,
}

impl Written {
    fn new(crlf: bool) -> Self {
        Self {
            eol: if crlf { "\r\n" } else { "\n" },
            ..Self::default()
        }
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn eol(&mut self) {
        self.text.push_str(self.eol);
    }

    fn line(&mut self, text: &str) {
        self.push(text);
        self.eol();
    }

    fn word(&mut self, word: &str, group: usize) {
        let start = self.text.len();
        self.push(word);
        self.words.push((start..self.text.len(), group));
    }

    /// `words` separated by spaces (an empty word when there are none: a value still has one).
    fn spaced_words(&mut self, words: &[&str], group: usize) {
        if words.is_empty() {
            self.word("", group);
        }
        for (k, w) in words.iter().enumerate() {
            if k > 0 {
                self.push(" ");
            }
            self.word(w, group);
        }
    }

    fn header(&mut self, header: &[Option<String>]) {
        for line in header {
            self.line(line.as_deref().unwrap_or(""));
        }
    }
}

/// Unique ids for the command lines and values words belong to.
#[derive(Default)]
struct Groups(usize);

impl Groups {
    fn next(&mut self) -> usize {
        self.0 += 1;
        self.0
    }
}

/// The relative paths of a service's unit and drop-ins.
fn unit_paths(case: &ServiceCase) -> Vec<String> {
    let unit = match case.comp {
        Comp::Kubelet => "kubelet.service",
        Comp::ApiServer => "kube-apiserver.service",
    };
    let dir = |etc: bool| {
        if etc {
            "etc/systemd/system"
        } else {
            "usr/lib/systemd/system"
        }
    };
    let names = ["10-kubeadm.conf", "20-overrides.conf"];
    std::iter::once(format!("{}/{unit}", dir(case.unit_in_etc)))
        .chain(
            case.dropins
                .iter()
                .zip(names)
                .map(|(d, name)| format!("{}/{unit}.d/{name}", dir(d.in_etc))),
        )
        .collect()
}

fn env_paths(case: &ServiceCase) -> Vec<&'static str> {
    let all = match case.comp {
        Comp::Kubelet => KUBELET_ENV_PATHS,
        Comp::ApiServer => APISERVER_ENV_PATHS,
    };
    // Distinct paths: the first file's choice, then the ones after it.
    let base = case.env_files.first().map_or(0, |f| f.path);
    (0..case.env_files.len())
        .map(|i| all[(base + i) % all.len()])
        .collect()
}

/// Renders a service's files into `files` (relative path to what was written).
fn render_service(
    case: &ServiceCase,
    groups: &mut Groups,
    files: &mut Vec<(String, Written)>,
) -> Vec<&'static str> {
    let (binary, prefix) = match case.comp {
        Comp::Kubelet => ("/usr/bin/kubelet", "KUBELET"),
        Comp::ApiServer => ("/usr/local/bin/kube-apiserver", "KUBE_API"),
    };
    let words: Vec<&'static str> = case.flags.iter().flat_map(|f| f.iter().copied()).collect();
    // Cut the words into segments; whatever is left is written straight into `ExecStart=`.
    let mut segments: Vec<(Vec<&str>, SegmentKind)> = Vec::new();
    let mut rest = words.as_slice();
    for segment in &case.segments {
        let take = segment.len.min(rest.len());
        segments.push((rest[..take].to_vec(), segment.kind.clone()));
        rest = &rest[take..];
    }
    if !rest.is_empty() {
        segments.push((rest.to_vec(), SegmentKind::Direct));
    }

    let unit_paths = unit_paths(case);
    let env_paths = env_paths(case);
    let unit_count = unit_paths.len();
    let mut units: Vec<Written> = std::iter::once(case.unit_crlf)
        .chain(case.dropins.iter().map(|d| d.crlf))
        .map(Written::new)
        .collect();
    let mut envs: Vec<Written> = case
        .env_files
        .iter()
        .map(|f| Written::new(f.crlf))
        .collect();

    units[0].header(&case.unit_header);
    units[0].line("[Unit]");
    units[0].line("Description=generated — ünit");
    units[0].line("");
    units[0].line("[Service]");
    for (dropin, unit) in case.dropins.iter().zip(&mut units[1..]) {
        unit.header(&dropin.header);
        unit.line("[Service]");
    }
    for (i, env) in case.env_files.iter().enumerate() {
        let dash = if env.optional { "-" } else { "" };
        units[env.named_by % unit_count].line(&format!("EnvironmentFile={dash}/{}", env_paths[i]));
        envs[i].header(&env.header);
    }
    if let Some(optional) = case.phantom {
        let dash = if optional { "-" } else { "" };
        units[unit_count - 1].line(&format!(
            "EnvironmentFile={dash}/etc/kubernetes/missing.env"
        ));
    }

    // The variables, each in its home.
    let mut tokens: Vec<Result<&str, String>> = Vec::new();
    for (index, (seg_words, kind)) in segments.iter().enumerate() {
        let SegmentKind::Var { braced, home } = kind else {
            tokens.extend(seg_words.iter().map(|w| Ok(*w)));
            continue;
        };
        let name = format!("{prefix}_ARGS_{index}");
        tokens.push(Err(if *braced {
            format!("${{{name}}}")
        } else {
            format!("${name}")
        }));
        let group = groups.next();
        match home {
            Home::EnvFile(i) if !envs.is_empty() => {
                let i = *i % envs.len();
                let spec = &case.env_files[i];
                let out = &mut envs[i];
                if !out.words.is_empty()
                    && let Some(between) = &spec.between
                {
                    out.line(between);
                }
                let start = out.text.len();
                if spec.export {
                    out.push("export ");
                }
                out.push(&format!("{name}="));
                let quote = match spec.quoting {
                    0 if seg_words.len() <= 1 => "",
                    2 => "'",
                    _ => "\"",
                };
                out.push(quote);
                out.spaced_words(seg_words, group);
                out.push(quote);
                out.eol();
                let end = out.text.len();
                out.lines.push(start..end);
            }
            Home::UnitFile(i) | Home::EnvFile(i) => {
                let out = &mut units[*i % unit_count];
                let start = out.text.len();
                if seg_words.len() <= 1 && *i % 2 == 0 {
                    out.push(&format!("Environment={name}="));
                    out.word(seg_words.first().copied().unwrap_or(""), group);
                } else {
                    out.push(&format!("Environment=\"{name}="));
                    out.spaced_words(seg_words, group);
                    out.push("\"");
                }
                out.eol();
                let end = out.text.len();
                out.lines.push(start..end);
            }
            Home::Undefined => {}
        }
    }

    // The command.
    let owner = case.exec_owner % unit_count;
    if owner != 0 {
        units[0].line(&format!("ExecStart={binary}"));
        units[owner].line("ExecStart=");
    }
    let out = &mut units[owner];
    let group = groups.next();
    let start = out.text.len();
    out.push("ExecStart");
    out.anchors.push(start..out.text.len());
    out.push("=");
    out.push(binary);
    for (k, token) in tokens.iter().enumerate() {
        match case.gaps.get(k).copied().unwrap_or(0) {
            4 => {
                out.push(" \\");
                out.eol();
                out.push("  ");
            }
            5 => {
                out.push(" \\");
                out.eol();
                out.line("# a comment inside the command — ignoré");
                out.push("  ");
            }
            _ => out.push(" "),
        }
        match token {
            Ok(word) => out.word(word, group),
            Err(var) => out.push(var),
        }
    }
    out.eol();
    let end = out.text.len();
    out.lines.push(start..end);
    for line in [
        "Restart=always",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ] {
        units[0].line(line);
    }

    if case.unit_in_etc && !case.shadowed.is_empty() {
        // Words not recorded: the unit in /etc wins, so nothing may be reported here.
        let mut shadowed = Written::new(false);
        shadowed.line("[Service]");
        let words: Vec<&str> = case
            .shadowed
            .iter()
            .flat_map(|f| f.iter().copied())
            .collect();
        shadowed.line(&format!("ExecStart={binary} {}", words.join(" ")));
        let path = unit_paths[0].replacen("etc/systemd/system", "usr/lib/systemd/system", 1);
        files.push((path, shadowed));
    }
    files.extend(unit_paths.into_iter().zip(units));
    files.extend(env_paths.iter().map(|p| (*p).to_owned()).zip(envs));
    // The kubelet's config file is the last `--config` it is given.
    words
        .iter()
        .rev()
        .filter_map(|w| w.strip_prefix("--config=/"))
        .take(1)
        .collect()
}

/// A YAML file whose every line but the first (a comment) may hold a finding; `anchor` is
/// where a missing setting is reported (`command` key, `KubeletConfiguration` value).
fn yaml_file(
    crlf: bool,
    comment: &str,
    lines: &[String],
    anchor: &str,
    groups: &mut Groups,
) -> Written {
    let mut out = Written::new(crlf);
    out.line(comment);
    let group = groups.next();
    let start = out.text.len();
    for line in lines {
        if let Some(at) = line.find(anchor) {
            let at = out.text.len() + at;
            out.anchors.push(at..at + anchor.len());
        }
        out.word(line, group);
        out.eol();
    }
    let end = out.text.len();
    out.lines.push(start..end);
    out
}

/// Every file of the node, by path relative to its root.
fn render_node(case: &NodeCase) -> Vec<(String, Written)> {
    let mut groups = Groups::default();
    let mut files = Vec::new();
    let mut config_path = None;
    if let Some(kubelet) = &case.kubelet {
        config_path = render_service(kubelet, &mut groups, &mut files)
            .first()
            .map(|p| (*p).to_owned());
    }
    if let Some(apiserver) = &case.apiserver {
        render_service(apiserver, &mut groups, &mut files);
    }
    if let Some(config) = &case.config {
        let mut lines = vec![
            "apiVersion: kubelet.config.k8s.io/v1beta1".to_owned(),
            "kind: KubeletConfiguration".to_owned(),
            "authentication:".to_owned(),
            "  anonymous:".to_owned(),
            format!("    enabled: {}", config.anonymous),
        ];
        if config.client_ca {
            lines.push("  x509:".to_owned());
            lines.push("    clientCAFile: /etc/kubernetes/pki/ca.crt".to_owned());
        }
        if let Some(mode) = config.mode {
            lines.push("authorization:".to_owned());
            lines.push(format!("  mode: {mode}"));
        }
        if let Some(port) = config.read_only_port {
            lines.push(format!("readOnlyPort: {port}"));
        }
        let path = config_path.unwrap_or_else(|| "var/lib/kubelet/config.yaml".to_owned());
        let file = yaml_file(
            config.crlf,
            "# kubelet config — généré",
            &lines,
            "KubeletConfiguration",
            &mut groups,
        );
        files.push((path, file));
    }
    if let Some(flags) = &case.static_pod {
        let mut lines: Vec<String> = [
            "apiVersion: v1",
            "kind: Pod",
            "metadata:",
            "  name: kube-apiserver",
            "  namespace: kube-system",
            "spec:",
            "  containers:",
            "  - name: kube-apiserver",
            "    image: registry.k8s.io/kube-apiserver:v1.30.4",
            "    command:",
            "    - kube-apiserver",
        ]
        .map(str::to_owned)
        .to_vec();
        lines.extend(
            flags
                .iter()
                .flat_map(|f| f.iter())
                .map(|w| format!("    - {w}")),
        );
        let file = yaml_file(false, "# static pod — 静的", &lines, "command", &mut groups);
        files.push((
            "etc/kubernetes/manifests/kube-apiserver.yaml".to_owned(),
            file,
        ));
    }
    files
}

/// Writes the node under a new temporary root.
fn write_node(files: &[(String, Written)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temporary directory");
    for (path, file) in files {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directories");
        std::fs::write(&path, &file.text).expect("write file");
    }
    root
}

/// The backticked fragments of a message.
fn fragments(message: &str) -> impl Iterator<Item = &str> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|f| !f.is_empty())
}

/// What is wrong with the findings (and fixes) of `report`, given what the generator wrote.
fn node_report_problems(root: &Path, files: &[(String, Written)], report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for finding in &report.findings {
        let file = report.file(finding.file);
        let text = file.text();
        let span = finding.span;
        let path = file.path();
        let Some((_, written)) = files.iter().find(|(p, _)| root.join(p) == path) else {
            problems.push(format!(
                "{} in a file the generator did not write: {}",
                finding.code,
                path.display()
            ));
            continue;
        };
        if text != written.text {
            problems.push(format!("{} was not read as written", path.display()));
            continue;
        }
        let at = || {
            let lc = file.line_col(span.start.min(text.len()));
            format!(
                "{} at {}:{}:{} ({}..{} of {} bytes) {:?}: {:?}",
                finding.code,
                path.display(),
                lc.line,
                lc.column,
                span.start,
                span.end,
                text.len(),
                finding.message,
                text.get(span.range()).unwrap_or("<not in the file>"),
            )
        };
        if span.start > span.end || span.end > text.len() {
            problems.push(format!("span past the end of its file: {}", at()));
            continue;
        }
        if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            problems.push(format!("span off a character boundary: {}", at()));
            continue;
        }
        if !written.anchors.contains(&span.range()) {
            // Starts inside a word and ends inside a word of the same command line or value
            // (the two words of `--name value`; a continuation between them is fine).
            let starts_in = |w: &std::ops::Range<usize>| {
                w.start <= span.start && span.start < w.end.max(w.start + 1)
            };
            let ends_in = |w: &std::ops::Range<usize>| {
                w.start < span.end.max(w.start + 1) && span.end <= w.end
            };
            let in_words = written.words.iter().any(|(first, group)| {
                starts_in(first)
                    && written
                        .words
                        .iter()
                        .any(|(last, g)| g == group && last.start >= first.start && ends_in(last))
            });
            if !in_words {
                problems.push(format!(
                    "span not inside the words written into its file: {}",
                    at()
                ));
                continue;
            }
            // The flag or value the message names, one word or item of what it names
            // (`AlwaysAllow` of `Node,AlwaysAllow`, the value of `--name value`), or, for a
            // missing field of a `KubeletConfiguration`, the parent key that is there
            // (`authentication` for `authentication.x509.clientCAFile`).
            let under = &text[span.range()];
            let names = |f: &str| {
                under.contains(f)
                    || f.split_once(' ').is_some_and(|(_, value)| value == under)
                    || f.split(' ').any(|word| {
                        word == under || word.split(['.', ',', '=']).any(|p| p == under)
                    })
                    // An item of a list value whose words a quoted variable joined with blanks.
                    || f.split(',').any(|item| item == under)
                    // The last occurrence of a repeated list flag: the message names the items
                    // of every occurrence, joined, and the span the last one's value (which a
                    // braced variable may have filled with blanks and commas of its own).
                    || f.ends_with(&format!(",{under}"))
            };
            if !under.is_empty() && !fragments(&finding.message).any(names) {
                problems.push(format!(
                    "the text under the span is not what the message names: {}",
                    at()
                ));
            }
        }
        // A fix edits its own file, which is not always the finding's: a flag reported where
        // the command line is assembled is fixed in the environment file that holds it.
        if let Some(fix) = &finding.fix {
            let fix_path = report.file(fix.file).path();
            let Some((_, written)) = files.iter().find(|(p, _)| root.join(p) == fix_path) else {
                problems.push(format!(
                    "fix in a file the generator did not write: {}: {}",
                    fix_path.display(),
                    at()
                ));
                continue;
            };
            let text = written.text.as_str();
            for edit in &fix.edits {
                let e = edit.span;
                if e.start > e.end
                    || e.end > text.len()
                    || !text.is_char_boundary(e.start)
                    || !text.is_char_boundary(e.end)
                {
                    problems.push(format!("fix edit {e:?} outside its file: {}", at()));
                } else if !written
                    .lines
                    .iter()
                    .any(|l| l.start <= e.start && e.end <= l.end)
                {
                    problems.push(format!(
                        "fix edit {e:?} ({:?} -> {:?}) not within a line of {} holding words: {}",
                        &text[e.range()],
                        edit.replacement,
                        fix_path.display(),
                        at()
                    ));
                }
            }
        }
    }
    problems
}

/// The components a report's processes run, sorted.
fn components(report: &Report) -> Vec<String> {
    let mut names: Vec<String> = report
        .inventory()
        .processes()
        .iter()
        .filter_map(|p| p.component.map(|c| c.name().to_owned()))
        .collect();
    names.sort();
    names
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_nodes(case in node()) {
        let files = render_node(&case);
        let dir = write_node(&files);
        let root = dir.path();
        let linter = Linter::new(Settings::default());
        let report = linter.lint_node(root);
        prop_assert!(report.read_errors.is_empty(), "{:?}", report.read_errors);
        let mut problems = node_report_problems(root, &files, &report);
        if report.findings != linter.lint_node(root).findings {
            problems.push("the same node gave different findings".to_owned());
        }

        // Each fix, applied to its own file, removes that finding and keeps every component.
        for finding in report.findings.iter().filter(|f| f.fix.is_some()) {
            let fix = finding.fix.as_ref().unwrap();
            let path = report.file(fix.file).path().to_path_buf();
            let mut fixed = report.file(fix.file).text().to_owned();
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
            if edits.iter().any(|e| fixed.get(e.span.range()).is_none()) {
                continue; // reported above
            }
            for edit in &edits {
                fixed.replace_range(edit.span.range(), &edit.replacement);
            }
            let texts = std::collections::HashMap::from([(path.clone(), fixed)]);
            let after = linter.lint_node_with_texts(root, &texts);
            let count = |r: &Report| r.findings.iter().filter(|f| f.code == finding.code).count();
            if count(&after) >= count(&report) {
                problems.push(format!("fix {fix:?} in {} left {}", path.display(), finding.code));
            }
            if components(&after) != components(&report) {
                problems.push(format!(
                    "fix {fix:?} in {} for {} turned components {:?} into {:?}",
                    path.display(),
                    finding.code,
                    components(&report),
                    components(&after)
                ));
            }
        }
        prop_assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }
}

/// The brief's reproduction, through the generator: flags in environment files under comment
/// lines are reported there (and the generator reaches the rules it is meant to).
#[test]
fn the_node_generator_reaches_the_rules() {
    let env_file = |path| EnvFile {
        path,
        header: vec![
            Some("# a comment line to shift offsets".to_owned()),
            Some("# another comment line to shift offsets further — ü".to_owned()),
        ],
        quoting: 1,
        export: false,
        crlf: false,
        named_by: 1,
        optional: true,
        between: None,
    };
    let service = |comp, flags: Vec<&'static [&'static str]>| ServiceCase {
        comp,
        unit_in_etc: true,
        unit_header: vec![Some("# kubeharden test unit".to_owned()); 3],
        unit_crlf: false,
        segments: vec![
            Segment {
                len: 1,
                kind: SegmentKind::Direct,
            },
            Segment {
                len: flags.len(),
                kind: SegmentKind::Var {
                    braced: false,
                    home: Home::EnvFile(0),
                },
            },
        ],
        flags,
        gaps: vec![0; 4],
        dropins: vec![Dropin {
            in_etc: true,
            header: Vec::new(),
            crlf: false,
        }],
        exec_owner: 1,
        env_files: vec![env_file(0)],
        phantom: None,
        shadowed: Vec::new(),
    };
    let case = NodeCase {
        kubelet: Some(service(
            Comp::Kubelet,
            vec![
                &["--config=/var/lib/kubelet/config.yaml"],
                &["--read-only-port=10255"],
                &["--anonymous-auth=maybe"],
            ],
        )),
        apiserver: Some(service(
            Comp::ApiServer,
            vec![
                &["--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt"],
                &["--authorization-mode=AlwaysAllow"],
                &["--etcd-servers=http://127.0.0.1:2379"],
            ],
        )),
        config: Some(KubeletConfig {
            anonymous: false,
            read_only_port: Some("0"),
            mode: Some("Webhook"),
            client_ca: true,
            crlf: false,
        }),
        static_pod: None,
    };
    let files = render_node(&case);
    let dir = write_node(&files);
    let report = Linter::new(Settings::default()).lint_node(dir.path());
    let found: Vec<(String, &str)> = report
        .findings
        .iter()
        .map(|f| {
            let path = report.file(f.file).path();
            let relative = path.strip_prefix(dir.path()).unwrap_or(path);
            (relative.display().to_string(), f.code)
        })
        .collect();
    let mut problems: Vec<String> = [
        ("var/lib/kubelet/kubeadm-flags.env", "KLET005"),
        ("var/lib/kubelet/kubeadm-flags.env", "KGEN002"),
        ("etc/kubernetes/apiserver.env", "KAPI004"),
        ("etc/kubernetes/apiserver.env", "KETC010"),
    ]
    .into_iter()
    .filter(|&(path, code)| !found.contains(&(path.to_owned(), code)))
    .map(|(path, code)| format!("no {code} in {path}"))
    .collect();
    problems.extend(node_report_problems(dir.path(), &files, &report));
    assert!(
        problems.is_empty(),
        "\n{}\nfound: {found:?}",
        problems.join("\n")
    );
}

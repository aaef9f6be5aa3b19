//! Inline rule tests, oxc-style: builders wrap flags into realistic manifests, and [`Tester`]
//! checks pass and fail cases, snapshots the rendered fail cases, and checks what the rule's
//! fixes do. Cases run through [`Linter::lint_sources`], as `kubeharden check` runs files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::apply::{apply_fixes, verify};
use crate::diagnostic::FindingDiagnostic;
use crate::finding::{Applicability, Finding};
use crate::linter::{Linter, Report};
use crate::rule::{Meta, RuleMeta};
use crate::settings::{Selector, Settings};

/// A kubeadm-style kube-apiserver static pod (image v1.30.4) running `flags`.
pub(crate) fn apiserver(flags: &[&str]) -> String {
    apiserver_at("v1.30.4", flags)
}

/// [`apiserver`] with another image tag.
pub(crate) fn apiserver_at(tag: &str, flags: &[&str]) -> String {
    static_pod(
        "kube-apiserver",
        &format!("registry.k8s.io/kube-apiserver:{tag}"),
        "command",
        &[&["kube-apiserver"], flags].concat(),
    )
}

/// A kube-apiserver whose flags are all in `args:`, the binary coming from the image.
pub(crate) fn apiserver_args(flags: &[&str]) -> String {
    static_pod(
        "kube-apiserver",
        "registry.k8s.io/kube-apiserver:v1.30.4",
        "args",
        flags,
    )
}

/// A kubeadm-style etcd static pod running `flags`.
pub(crate) fn etcd(flags: &[&str]) -> String {
    static_pod(
        "etcd",
        "registry.k8s.io/etcd:3.5.15-0",
        "command",
        &[&["etcd"], flags].concat(),
    )
}

/// A kubelet run from a pod (as in self-hosted setups) with `flags` and no config file.
pub(crate) fn kubelet_flags(flags: &[&str]) -> String {
    static_pod(
        "kubelet",
        "registry.k8s.io/kubelet:v1.30.4",
        "command",
        &[&["kubelet"], flags].concat(),
    )
}

/// A `KubeletConfiguration` with `body` after its `apiVersion` and `kind`.
pub(crate) fn kubelet_config(body: &str) -> String {
    format!("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n{body}")
}

/// A kubeadm-style kube-controller-manager static pod (v1.30.4) running `flags`.
pub(crate) fn controller_manager(flags: &[&str]) -> String {
    controller_manager_at("v1.30.4", flags)
}

/// [`controller_manager`] with another image tag.
pub(crate) fn controller_manager_at(tag: &str, flags: &[&str]) -> String {
    static_pod(
        "kube-controller-manager",
        &format!("registry.k8s.io/kube-controller-manager:{tag}"),
        "command",
        &[&["kube-controller-manager"], flags].concat(),
    )
}

/// A kubeadm `ClusterConfiguration` for `version` (`v1beta3`) whose lines after
/// `kubernetesVersion` are `body` (`controllerManager:`, `scheduler:`...).
pub(crate) fn kubeadm_cluster(version: &str, body: &str) -> String {
    format!(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: {version}\n{body}"
    )
}

/// A kube-controller-manager whose flags are all in `args:`, the binary coming from the image.
pub(crate) fn controller_manager_args(flags: &[&str]) -> String {
    static_pod(
        "kube-controller-manager",
        "registry.k8s.io/kube-controller-manager:v1.30.4",
        "args",
        flags,
    )
}

/// A kubeadm-style kube-scheduler static pod (v1.30.4) running `flags`.
pub(crate) fn scheduler(flags: &[&str]) -> String {
    static_pod(
        "kube-scheduler",
        "registry.k8s.io/kube-scheduler:v1.30.4",
        "command",
        &[&["kube-scheduler"], flags].concat(),
    )
}

/// The Dashboard's Deployment (v2.7.0, its own namespace and service account) with `args`.
pub(crate) fn dashboard(args: &[&str]) -> String {
    let mut text = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kubernetes-dashboard\n  namespace: kubernetes-dashboard\nspec:\n  selector:\n    matchLabels:\n      k8s-app: kubernetes-dashboard\n  template:\n    metadata:\n      labels:\n        k8s-app: kubernetes-dashboard\n    spec:\n      serviceAccountName: kubernetes-dashboard\n      containers:\n      - name: kubernetes-dashboard\n        image: kubernetesui/dashboard:v2.7.0\n        ports:\n        - containerPort: 8443\n          protocol: TCP\n        args:\n",
    );
    for arg in args {
        let _ = writeln!(text, "        - {arg}");
    }
    text
}

fn static_pod(name: &str, image: &str, list_key: &str, words: &[&str]) -> String {
    let mut text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    component: {name}\n    tier: control-plane\n  name: {name}\n  namespace: kube-system\nspec:\n  containers:\n  - name: {name}\n    image: {image}\n    {list_key}:\n"
    );
    for word in words {
        let _ = writeln!(text, "    - {word}");
    }
    text.push_str("  hostNetwork: true\n  priorityClassName: system-node-critical\n");
    text
}

/// Lints files given as `(path, text)` as one run, as [`Linter::lint_sources`] does with
/// `--select ALL`: every rule (the opt-in ones too), suppressions, KGEN007.
fn lint(files: &[(PathBuf, String)]) -> Report {
    let settings = Settings {
        select: Some(vec![Selector::All]),
        ..Settings::default()
    };
    Linter::new(settings).lint_sources(files)
}

/// The findings of `code` in `report`.
fn of_code<'r>(report: &'r Report, code: &str) -> impl Iterator<Item = &'r Finding> {
    report.findings.iter().filter(move |f| f.code == code)
}

/// Lints files given as `(path, text)` as one run and keeps the findings of `rule`.
pub(crate) fn check_files(rule: &Meta, files: &[(&str, &str)]) -> Report {
    let files: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect();
    let mut report = lint(&files);
    report.findings.retain(|f| f.code == rule.code);
    report
}

/// Renders the findings of `report` without colour or URLs, at a fixed width.
pub(crate) fn render(report: &Report) -> String {
    render_findings(report, report.findings.iter())
}

fn render_findings<'f>(report: &Report, findings: impl Iterator<Item = &'f Finding>) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false)
            .with_urls(false);
    let mut out = String::new();
    for finding in findings {
        let diagnostic = FindingDiagnostic::new(report.file(finding.file), finding);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            let _ = writeln!(out, "(could not render {})", finding.code);
        }
    }
    out
}

/// One input of a [`Tester`]: a text linted as the tester's file, or several files linted as
/// one run (a unit and the environment file it loads).
#[derive(Clone, Debug)]
pub(crate) enum Case {
    Text(String),
    Files(Vec<(&'static str, String)>),
}

impl From<String> for Case {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// A case of several files `(path, text)`, linted as one run.
pub(crate) fn files<const N: usize>(files: [(&'static str, String); N]) -> Case {
    Case::Files(files.into())
}

impl Case {
    fn files(&self, path: &str) -> Vec<(PathBuf, String)> {
        match self {
            Self::Text(text) => vec![(PathBuf::from(path), text.clone())],
            Self::Files(files) => files
                .iter()
                .map(|(path, text)| (PathBuf::from(path), text.clone()))
                .collect(),
        }
    }
}

/// Pass and fail cases for one rule, and what its fixes do.
pub(crate) struct Tester {
    rule: &'static dyn RuleMeta,
    /// The file name [`Case::Text`] cases are linted as.
    path: &'static str,
    pass: Vec<Case>,
    fail: Vec<Case>,
    round_trips: Vec<Case>,
    /// Inputs, the text their fixes leave, and the fixes' applicability.
    fixes: Vec<(String, String, Applicability)>,
}

impl Tester {
    pub(crate) fn new(rule: &'static dyn RuleMeta, path: &'static str) -> Self {
        Self {
            rule,
            path,
            pass: Vec::new(),
            fail: Vec::new(),
            round_trips: Vec::new(),
            fixes: Vec::new(),
        }
    }

    pub(crate) fn pass(mut self, cases: impl IntoIterator<Item = impl Into<Case>>) -> Self {
        self.pass.extend(cases.into_iter().map(Into::into));
        self
    }

    pub(crate) fn fail(mut self, cases: impl IntoIterator<Item = impl Into<Case>>) -> Self {
        self.fail.extend(cases.into_iter().map(Into::into));
        self
    }

    /// Cases whose fixes must survive the round trip of `--fix` (see
    /// [`Tester::test_and_snapshot`]).
    pub(crate) fn fix_round_trip(
        mut self,
        cases: impl IntoIterator<Item = impl Into<Case>>,
    ) -> Self {
        self.round_trips.extend(cases.into_iter().map(Into::into));
        self
    }

    /// `(input, output)`: the rule's safe fixes turn `input` (linted as the tester's file) into
    /// exactly `output`.
    pub(crate) fn expect_fix(
        self,
        pairs: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        self.expect(pairs, Applicability::Safe)
    }

    /// [`Tester::expect_fix`] for a rule whose fixes are unsafe (applied only with
    /// `--unsafe-fixes`).
    pub(crate) fn expect_unsafe_fix(
        self,
        pairs: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        self.expect(pairs, Applicability::Unsafe)
    }

    fn expect(
        mut self,
        pairs: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
        applicability: Applicability,
    ) -> Self {
        self.fixes.extend(
            pairs
                .into_iter()
                .map(|(input, output)| (input.into(), output.into(), applicability)),
        );
        self
    }

    /// Pass cases give nothing; fail cases give at least one finding of this rule, each with
    /// a non-empty span inside its file (and, for a rule with several CIS keys, the key it is
    /// about); all fail cases render into `snapshots/CODE.snap`.
    /// Fixes: each `expect_fix` pair comes out exactly, through [`apply_fixes`]; each round-trip
    /// case survives [`Tester::assert_round_trip`]; and a rule whose fail cases offer a fix
    /// must state at least one fix case.
    pub(crate) fn test_and_snapshot(self) {
        let code = self.rule.meta().code;
        assert!(!self.fail.is_empty(), "{code}: no fail cases");
        for (index, case) in self.pass.iter().enumerate() {
            let report = lint(&case.files(self.path));
            assert!(
                of_code(&report, code).next().is_none(),
                "{code}: pass case {index} fired:\n{}\n--- case ---\n{case:?}",
                render_findings(&report, of_code(&report, code))
            );
        }
        let mut snapshot = String::new();
        let mut offers_fixes = false;
        for (index, case) in self.fail.iter().enumerate() {
            let report = lint(&case.files(self.path));
            assert!(
                of_code(&report, code).next().is_some(),
                "{code}: fail case {index} did not fire:\n{case:?}"
            );
            for finding in of_code(&report, code) {
                assert!(
                    !finding.span.is_empty()
                        && finding.span.end <= report.file(finding.file).text().len(),
                    "{code}: fail case {index}: bad span {:?}",
                    finding.span
                );
                offers_fixes |= finding.fix.is_some();
                // A rule deciding several CIS recommendations says which one each finding
                // is about.
                assert!(
                    self.rule.meta().cis.len() < 2 || finding.cis.is_some(),
                    "{code}: fail case {index}: no `.cis(key)` on a finding of a rule with \
                     several CIS keys"
                );
            }
            let _ = writeln!(snapshot, "── fail case {index} ──");
            snapshot.push_str(&render_findings(&report, of_code(&report, code)));
        }
        assert!(
            !(offers_fixes && self.fixes.is_empty() && self.round_trips.is_empty()),
            "{code}: its fail cases offer fixes: state what they do with `expect_fix` or \
             `fix_round_trip`"
        );
        for (index, (input, output, applicability)) in self.fixes.iter().enumerate() {
            self.assert_fix(index, input, output, *applicability);
        }
        for (index, case) in self.round_trips.iter().enumerate() {
            self.assert_round_trip(index, case);
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots"));
        settings.bind(|| insta::assert_snapshot!(code, snapshot));
    }

    /// The fixes of this rule's findings on `input`, all of `applicability`, applied as
    /// `check --fix` applies them, give `output`.
    fn assert_fix(&self, index: usize, input: &str, output: &str, applicability: Applicability) {
        let code = self.rule.meta().code;
        let report = lint(&[(PathBuf::from(self.path), input.to_owned())]);
        let fixed: Vec<&Finding> = of_code(&report, code).filter(|f| f.fix.is_some()).collect();
        assert!(
            !fixed.is_empty(),
            "{code}: fix case {index} has no fix:\n{input}"
        );
        for finding in &fixed {
            assert_eq!(
                finding.fix.as_ref().map(|fix| fix.applicability),
                Some(applicability),
                "{code}: fix case {index}: {finding:?}"
            );
        }
        let outcome = apply_fixes(input, &fixed, applicability == Applicability::Unsafe);
        assert_eq!(
            outcome.new_text, output,
            "{code}: fix case {index} (left: fixed, right: expected)"
        );
    }

    /// The round trip every fix must survive: the case fires this rule with at least one fix;
    /// applying its fixes as `check --fix --unsafe-fixes` does, file by file and round by round
    /// (an overlapping fix waits for the next), leaves files that `apply::verify` accepts
    /// (they parse, and no fixed finding is still there), where no finding of the rule offers a
    /// fix any more (a second fix changes nothing) and none of the fixed findings is reported
    /// again.
    fn assert_round_trip(&self, index: usize, case: &Case) {
        let code = self.rule.meta().code;
        let mut files = case.files(self.path);
        let first = lint(&files);
        let fixed_messages: Vec<&str> = of_code(&first, code)
            .filter(|f| f.fix.is_some())
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            !fixed_messages.is_empty(),
            "{code}: round trip {index} has no fix:\n{case:?}\n{}",
            render_findings(&first, of_code(&first, code))
        );
        for _round in 0..MAX_ROUNDS {
            let report = lint(&files);
            let mut fixed = Vec::new();
            for (id, file) in report.files() {
                // Fixes apply to their own file, which is not always the finding's.
                let findings: Vec<&Finding> = of_code(&report, code)
                    .filter(|f| f.fix.as_ref().is_some_and(|fix| fix.file == id))
                    .collect();
                let outcome = apply_fixes(file.text(), &findings, true);
                if outcome.new_text != file.text() {
                    let applied: Vec<&Finding> =
                        outcome.applied.iter().map(|&i| findings[i]).collect();
                    fixed.push((file.path().to_path_buf(), outcome, applied));
                }
            }
            if fixed.is_empty() {
                break;
            }
            for (path, outcome, _) in &fixed {
                if let Some((_, text)) = files.iter_mut().find(|(p, _)| p == path) {
                    text.clone_from(&outcome.new_text);
                }
            }
            let after = lint(&files);
            for (path, outcome, applied) in &fixed {
                let Some((id, _)) = after.files().find(|(_, f)| f.path() == path) else {
                    panic!(
                        "{code}: round trip {index}: {} was not read back",
                        path.display()
                    );
                };
                let now: Vec<&Finding> = after.findings.iter().filter(|f| f.file == id).collect();
                if let Some(reason) = verify(outcome, applied, &now) {
                    panic!(
                        "{code}: round trip {index}: {reason}:\n{}",
                        outcome.new_text
                    );
                }
            }
        }
        let again = lint(&files);
        for finding in of_code(&again, code) {
            assert!(
                finding.fix.is_none() && !fixed_messages.contains(&finding.message.as_str()),
                "{code}: round trip {index}: still reported after the fix:\n{files:?}\n{finding:?}"
            );
        }
    }
}

/// Rounds of fixes a round trip may take before it must have converged.
const MAX_ROUNDS: usize = 4;

/// A kubeadm v1beta3 `ClusterConfiguration` for v1.19 with `extra_args` (the lines under
/// `apiServer:`), or the v1beta4 list form.
pub(crate) fn kubeadm(api_version: &str, extra_args: &str) -> String {
    format!(
        "apiVersion: kubeadm.k8s.io/{api_version}\nkind: ClusterConfiguration\nkubernetesVersion: v1.19.16\napiServer:\n{extra_args}controllerManager: {{}}\n"
    )
}

/// A kubeadm v1beta3 `InitConfiguration` whose `nodeRegistration.kubeletExtraArgs` are
/// `extra_args` (`name: value` lines, indented by four).
pub(crate) fn kubeadm_kubelet(extra_args: &str) -> String {
    format!(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n{extra_args}---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.4\n"
    )
}

/// Rewrites the block lists under `command:` and `args:` as flow lists.
pub(crate) fn flow(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "command:" || trimmed == "args:" {
            let indent = &line[..line.len() - trimmed.len()];
            let dash = format!("{indent}- ");
            let mut items = Vec::new();
            while let Some(item) = lines.peek().and_then(|l| l.strip_prefix(dash.as_str())) {
                items.push(item.to_owned());
                lines.next();
            }
            out.push_str(&format!("{line} [{}]\n", items.join(", ")));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The path kubelet rules lint their cases as: the file [`kubelet_with_config`]'s command
/// line names with `--config`.
pub(crate) const KUBELET_CONFIG_PATH: &str = "var/lib/kubelet/config.yaml";

/// A kubelet run with `--config=/var/lib/kubelet/config.yaml` and `flags`, followed in the
/// same file by that `KubeletConfiguration` with `body`: lint it as [`KUBELET_CONFIG_PATH`]
/// so the command line finds its config file.
pub(crate) fn kubelet_with_config(flags: &[&str], body: &str) -> String {
    let config = format!("--config=/{KUBELET_CONFIG_PATH}");
    let mut text = kubelet_flags(&[&[config.as_str()], flags].concat());
    text.push_str("---\n");
    text.push_str(&kubelet_config(body));
    text
}

/// A kube-apiserver static pod with any `image` and `command:` words (binary included), for
/// `hyperkube apiserver` and images whose tag names no release.
pub(crate) fn apiserver_image(image: &str, command: &[&str]) -> String {
    static_pod("kube-apiserver", image, "command", command)
}

/// [`apiserver_args`] with another image tag.
pub(crate) fn apiserver_args_at(tag: &str, flags: &[&str]) -> String {
    static_pod(
        "kube-apiserver",
        &format!("registry.k8s.io/kube-apiserver:{tag}"),
        "args",
        flags,
    )
}

/// [`dashboard`] with another `image` and its words under `list_key` (`args` or `command`).
pub(crate) fn dashboard_with(image: &str, list_key: &str, words: &[&str]) -> String {
    dashboard(words)
        .replace("kubernetesui/dashboard:v2.7.0", image)
        .replace("        args:\n", &format!("        {list_key}:\n"))
}

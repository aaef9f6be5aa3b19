//! Inline rule tests, oxc-style: builders wrap flags into realistic manifests, and [`Tester`]
//! checks pass and fail cases and snapshots the rendered fail cases.

use std::fmt::Write as _;
use std::path::Path;

use kubeharden_core::{Inventory, InventoryBuilder, InventoryOptions, SourceFile};

use crate::diagnostic::FindingDiagnostic;
use crate::finding::{Finding, Findings};
use crate::rule::Rule;

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

/// Runs one rule over files given as `(path, text)`, as one run.
pub(crate) fn check_files(rule: &dyn Rule, files: &[(&str, &str)]) -> (Inventory, Vec<Finding>) {
    let mut builder = InventoryBuilder::new(InventoryOptions::default());
    for (path, text) in files {
        builder.add_file(SourceFile::new(*path, *text));
    }
    let inventory = builder.build();
    let mut findings = Vec::new();
    rule.check(&inventory, &mut Findings::new(rule.meta(), &mut findings));
    (inventory, findings)
}

/// Renders findings without colour or URLs, at a fixed width.
pub(crate) fn render(inventory: &Inventory, findings: &[Finding]) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false)
            .with_urls(false);
    let mut out = String::new();
    for finding in findings {
        let diagnostic = FindingDiagnostic::new(inventory.file(finding.file), finding);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            let _ = writeln!(out, "(could not render {})", finding.code);
        }
    }
    out
}

/// Pass and fail cases for one rule.
pub(crate) struct Tester {
    rule: &'static dyn Rule,
    /// The file name cases are linted as.
    path: &'static str,
    pass: Vec<String>,
    fail: Vec<String>,
}

impl Tester {
    pub(crate) fn new(rule: &'static dyn Rule, path: &'static str) -> Self {
        Self {
            rule,
            path,
            pass: Vec::new(),
            fail: Vec::new(),
        }
    }

    pub(crate) fn pass(mut self, cases: impl IntoIterator<Item = String>) -> Self {
        self.pass.extend(cases);
        self
    }

    pub(crate) fn fail(mut self, cases: impl IntoIterator<Item = String>) -> Self {
        self.fail.extend(cases);
        self
    }

    /// Pass cases give nothing; fail cases give at least one finding of this rule, each with
    /// a non-empty span inside the source; all fail cases render into `snapshots/CODE.snap`.
    pub(crate) fn test_and_snapshot(self) {
        let code = self.rule.meta().code;
        assert!(!self.fail.is_empty(), "{code}: no fail cases");
        for (index, case) in self.pass.iter().enumerate() {
            let (inventory, findings) = check_files(self.rule, &[(self.path, case)]);
            assert!(
                findings.is_empty(),
                "{code}: pass case {index} fired:\n{}\n--- case ---\n{case}",
                render(&inventory, &findings)
            );
        }
        let mut snapshot = String::new();
        for (index, case) in self.fail.iter().enumerate() {
            let (inventory, findings) = check_files(self.rule, &[(self.path, case)]);
            assert!(
                !findings.is_empty(),
                "{code}: fail case {index} did not fire:\n{case}"
            );
            for finding in &findings {
                assert_eq!(finding.code, code);
                assert!(
                    !finding.span.is_empty() && finding.span.end <= case.len(),
                    "{code}: fail case {index}: bad span {:?}",
                    finding.span
                );
            }
            let _ = writeln!(snapshot, "── fail case {index} ──");
            snapshot.push_str(&render(&inventory, &findings));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots"));
        settings.bind(|| insta::assert_snapshot!(code, snapshot));
    }
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

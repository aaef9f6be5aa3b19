use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

const PLUGIN: &str = "AlwaysAdmit";

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that runs the `AlwaysAdmit` admission plugin: named in
    /// `--enable-admission-plugins` or the legacy `--admission-control`, or — before v1.10 —
    /// left in place by not setting `--admission-control`, whose default it was.
    ///
    /// ## Why is this bad?
    /// `AlwaysAdmit` admits every request. Where it is the only plugin, nothing checks
    /// requests after authorization: no service account tokens are mounted by the
    /// `ServiceAccount` plugin, namespaces being deleted still take new objects, and nothing
    /// limits what kubelets may change. Next to other plugins it does nothing useful. It is
    /// deprecated.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --enable-admission-plugins=NodeRestriction,AlwaysAdmit
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## Version notes
    /// Before v1.10 `--admission-control` defaulted to `AlwaysAdmit` alone, so an apiserver
    /// of those releases without the flag fires. Checkov (CKV_K8S_79) fires only when the
    /// list is exactly `AlwaysAdmit`; `NodeRestriction,AlwaysAdmit` passes there.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.10 (ensure that the admission control plugin `AlwaysAdmit` is not set)
    /// - Kubernetes documentation: "Admission Controllers Reference", AlwaysAdmit
    pub AlwaysAdmitEnabled,
    code = "KAPI009",
    name = "always-admit-enabled",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver runs the AlwaysAdmit admission plugin",
    cis = ["apiserver.admission-always-admit"],
}

impl Rule for AlwaysAdmitEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(enabled) = api.admission_plugin(PLUGIN) else {
                continue;
            };
            if !enabled.value {
                continue;
            }
            let (message, label, help) = if enabled.is_default() {
                (
                    "`--admission-control` not set; before v1.10 the apiserver then runs `AlwaysAdmit` alone",
                    "no `--admission-control` among these flags",
                    "add `--admission-control` with the recommended plugins for this release (`NamespaceLifecycle`, `ServiceAccount`, `NodeRestriction` among them)",
                )
            } else {
                (
                    "`AlwaysAdmit` is enabled; it admits every request",
                    "`AlwaysAdmit` enabled here",
                    "remove `AlwaysAdmit` from the list",
                )
            };
            findings
                .report(enabled.location_or(api.missing_anchor()), message)
                .label(label)
                .help(help)
                .note(notes::version("kube-apiserver", api.version()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at};

    #[test]
    fn cases() {
        Tester::new(&AlwaysAdmitEnabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&["--enable-admission-plugins=NodeRestriction"]),
                apiserver(&["--disable-admission-plugins=AlwaysAdmit"]),
                apiserver_at("v1.9.3", &["--admission-control=NamespaceLifecycle,ServiceAccount"]),
                apiserver(&["--enable-admission-plugins=$(PLUGINS)"]),
            ])
            .fail([
                apiserver(&["--enable-admission-plugins=AlwaysAdmit"]),
                apiserver(&["--enable-admission-plugins=NodeRestriction,AlwaysAdmit"]),
                apiserver_args(&["--enable-admission-plugins", "NodeRestriction,AlwaysAdmit"]),
                apiserver_at("v1.9.3", &["--admission-control=AlwaysAdmit,ServiceAccount"]),
                // The pre-v1.10 default.
                apiserver_at("v1.9.3", &[]),
            ])
            .test_and_snapshot();
    }
}

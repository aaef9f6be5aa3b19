use kubeharden_core::Inventory;

use super::report_plugin_off;
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

/// The default plugins whose absence opens a door, and what goes wrong without each.
const PLUGINS: &[(&str, &str, &str)] = &[
    (
        "ServiceAccount",
        "pods are not tied to an existing service account and may name any",
        "apiserver.admission-service-account",
    ),
    (
        "NamespaceLifecycle",
        "objects can be created in namespaces being deleted or that do not exist",
        "apiserver.admission-namespace-lifecycle",
    ),
];

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that turns off the `ServiceAccount` or `NamespaceLifecycle`
    /// admission plugin: named in `--disable-admission-plugins`, or left out of the legacy
    /// `--admission-control` (which runs exactly the plugins it lists). One finding per
    /// plugin.
    ///
    /// ## Why is this bad?
    /// Both are on by default, and much of the cluster's security model assumes them.
    /// `ServiceAccount` gives each pod its namespace's service account unless it names one,
    /// rejects pods that name a service account that does not exist, and mounts tokens that
    /// RBAC can scope. `NamespaceLifecycle` stops new objects in a namespace being deleted
    /// (where they would outlive the cleanup and its policies) or in one that does not exist,
    /// and protects `default`, `kube-system` and `kube-public` from deletion.
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
    ///     - --enable-admission-plugins=NodeRestriction
    ///     - --disable-admission-plugins=ServiceAccount
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
    /// Before v1.10 the apiserver had only `--admission-control`, whose default was
    /// `AlwaysAdmit` alone: an apiserver of those releases without the flag runs neither
    /// plugin, and fires.
    ///
    /// Checkov (CKV_K8S_82, CKV_K8S_83) fails an apiserver whose `--enable-admission-plugins`
    /// does not list the plugins; both are on by default, so every kubeadm apiserver
    /// (`--enable-admission-plugins=NodeRestriction`) fails there. This rule reads
    /// `--disable-admission-plugins` and the legacy list instead, as the benchmark does.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.12 (ensure that the admission control plugin `ServiceAccount` is set) and 1.2.13 (`NamespaceLifecycle`)
    /// - Kubernetes documentation: "Admission Controllers Reference", ServiceAccount and NamespaceLifecycle
    pub DefaultAdmissionPluginDisabled,
    code = "KAPI011",
    name = "default-admission-plugin-disabled",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver runs without the ServiceAccount or NamespaceLifecycle admission plugin",
    cis = ["apiserver.admission-service-account", "apiserver.admission-namespace-lifecycle"],
}

impl Rule for DefaultAdmissionPluginDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            for (plugin, why, cis) in PLUGINS {
                let Some(enabled) = api.admission_plugin(plugin) else {
                    continue;
                };
                if enabled.value {
                    continue;
                }
                report_plugin_off(findings, &api, plugin, &enabled, why).cis(cis);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at, check_files, kubeadm};

    #[test]
    fn cases() {
        Tester::new(&DefaultAdmissionPluginDisabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&[]),
                // Both are default plugins: an enable list need not name them.
                apiserver(&["--enable-admission-plugins=NodeRestriction"]),
                apiserver_args(&["--disable-admission-plugins=DefaultStorageClass"]),
                apiserver_at(
                    "v1.9.3",
                    &["--admission-control=NamespaceLifecycle,ServiceAccount,NodeRestriction"],
                ),
                apiserver(&["--disable-admission-plugins=$(DISABLED)"]),
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    enable-admission-plugins: PodSecurity\n",
                ),
            ])
            .fail([
                apiserver(&["--disable-admission-plugins=ServiceAccount"]),
                apiserver_args(&["--disable-admission-plugins", "NamespaceLifecycle,ServiceAccount"]),
                apiserver_at("v1.9.3", &["--admission-control=NamespaceLifecycle"]),
                apiserver_at("v1.9.3", &[]),
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    disable-admission-plugins: NamespaceLifecycle\n",
                ),
            ])
            .test_and_snapshot();
    }
    #[test]
    fn each_finding_names_the_cis_recommendation_of_its_plugin() {
        let manifest = apiserver(&["--disable-admission-plugins=NamespaceLifecycle,ServiceAccount"]);
        let report = check_files(&DefaultAdmissionPluginDisabled::META, &[("kube-apiserver.yaml", &manifest)]);
        // In the order of the list that turns them off.
        let keys: Vec<_> = report
            .findings
            .iter()
            .map(|finding| (finding.label.as_deref(), finding.cis))
            .collect();
        assert_eq!(
            keys,
            [
                (
                    Some("`NamespaceLifecycle` disabled here"),
                    Some("apiserver.admission-namespace-lifecycle")
                ),
                (
                    Some("`ServiceAccount` disabled here"),
                    Some("apiserver.admission-service-account")
                ),
            ]
        );
    }
}

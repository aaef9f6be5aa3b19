use kubeharden_core::Inventory;
use kubeharden_core::version::KubeVersion;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager whose `--feature-gates` turns
    /// `RotateKubeletServerCertificate` off.
    ///
    /// ## Why is this bad?
    /// The gate lets kubelets request their serving certificates from the cluster's CA
    /// (`serverTLSBootstrap`) and renew them before they expire. Turned off, kubelets fall
    /// back to self-signed serving certificates that the API server cannot verify, or keep
    /// certificates until they expire. Feature gates are meant to agree across components;
    /// one turned off on the controller manager says the cluster was set up without
    /// serving-certificate rotation.
    ///
    /// The gate is beta and on by default since v1.12, so the rule fires only on an explicit
    /// `=false`: leaving it out is the secure choice. Trivy and Checkov look for the literal
    /// `RotateKubeletServerCertificate=true` and so fail every cluster that keeps the default.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-controller-manager
    ///     image: registry.k8s.io/kube-controller-manager:v1.30.4
    ///     command:
    ///     - kube-controller-manager
    ///     - --feature-gates=RotateKubeletServerCertificate=false
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-controller-manager
    ///     image: registry.k8s.io/kube-controller-manager:v1.30.4
    ///     command:
    ///     - kube-controller-manager
    ///     - --feature-gates=RotateKubeletServerCertificate=true
    /// ```
    ///
    /// ## Version notes
    /// The gate appeared in v1.7 (alpha, off by default) and is beta and on by default from
    /// v1.12. Before v1.7 the gate does not exist and the rule is silent.
    ///
    /// ## How to verify on a live cluster
    /// `kubectl get csr` lists `kubernetes.io/kubelet-serving` requests when kubelets rotate
    /// their serving certificates.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.6 (ensure that the `RotateKubeletServerCertificate` argument is set to true)
    /// - Kubernetes documentation: "Configure Certificate Rotation for the Kubelet"
    /// - Kubernetes documentation: "Feature Gates"
    pub KubeletServerCertRotationGateDisabled,
    code = "KCMG006",
    name = "kubelet-server-cert-rotation-gate-disabled",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager turns the RotateKubeletServerCertificate gate off",
    cis = ["controller-manager.rotate-kubelet-server-certificate"],
}

/// The release that introduced the gate.
const GATE_SINCE: KubeVersion = KubeVersion::new(1, 7);

const GATE: &str = "RotateKubeletServerCertificate";

impl Rule for KubeletServerCertRotationGateDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for manager in inventory.controller_managers() {
            let Some(gate) = manager.feature_gate(GATE) else {
                continue;
            };
            let version = manager.version();
            if gate.value || version.known().is_some_and(|known| known.is_before(GATE_SINCE)) {
                continue;
            }
            findings
                .report(
                    gate.location_or(manager.missing_anchor()),
                    format!("`--feature-gates` sets `{GATE}` to `false`"),
                )
                .label("gate turned off")
                .help(format!(
                    "remove `{GATE}=false` from `--feature-gates` (the gate is on by default since v1.12), or set it to `true`"
                ))
                .note(notes::version("kube-controller-manager", version));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, controller_manager, controller_manager_args};

    #[test]
    fn cases() {
        Tester::new(&KubeletServerCertRotationGateDisabled, "kube-controller-manager.yaml")
            .pass([
                // Not set: the gate is on by default.
                controller_manager(&[]),
                controller_manager(&["--feature-gates=RotateKubeletServerCertificate=true"]),
                controller_manager(&["--feature-gates=SomeOtherGate=false"]),
                controller_manager(&["--feature-gates=RotateKubeletServerCertificate=${ROTATE}"]),
                controller_manager(&[
                    "--feature-gates=RotateKubeletServerCertificate=false",
                    "--feature-gates=RotateKubeletServerCertificate=true",
                ]),
            ])
            .fail([
                controller_manager(&["--feature-gates=RotateKubeletServerCertificate=false"]),
                controller_manager(&["--feature-gates=A=true,RotateKubeletServerCertificate=False"]),
                controller_manager(&["--feature-gates", "RotateKubeletServerCertificate=0"]),
                controller_manager_args(&[
                    "--feature-gates=RotateKubeletServerCertificate=true",
                    "--feature-gates=RotateKubeletServerCertificate=false",
                ]),
                // kind passes the cluster's `featureGates` to the controller manager.
                "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nfeatureGates:\n  RotateKubeletServerCertificate: false\n"
                    .to_owned(),
            ])
            .test_and_snapshot();
    }
}

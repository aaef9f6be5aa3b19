use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager without `--service-account-private-key-file`, the key
    /// it signs service account tokens with.
    ///
    /// ## Why is this bad?
    /// The controller manager's token controller signs the tokens of
    /// `kubernetes.io/service-account-token` Secrets with this key; the API server verifies
    /// them with the public keys of its `--service-account-key-file`. Without the flag those
    /// Secrets stay empty, and setups fall back to keys nobody chose or rotates. Naming a
    /// dedicated key pair, whose public half the API server trusts, keeps token signing under
    /// control and lets the key be rotated.
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
    ///     - --root-ca-file=/etc/kubernetes/pki/ca.crt
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
    ///     - --root-ca-file=/etc/kubernetes/pki/ca.crt
    ///     - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// ## How to verify on a live cluster
    /// Create a Secret of type `kubernetes.io/service-account-token` for a service account:
    /// its `token` key stays empty when the controller manager has no signing key.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.4 (ensure that the `--service-account-private-key-file` argument is set as appropriate)
    /// - Kubernetes documentation: "Managing Service Accounts", token controller
    pub ServiceAccountSigningKeyMissing,
    code = "KCMG004",
    name = "service-account-signing-key-missing",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager has no key to sign service account tokens with",
    cis = ["controller-manager.service-account-private-key-file"],
}

impl Rule for ServiceAccountSigningKeyMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        super::check_file_flag(
            inventory,
            findings,
            "service-account-private-key-file",
            |manager| manager.service_account_private_key_file(),
            "add `--service-account-private-key-file=<path>` with the private key whose public key the API server's `--service-account-key-file` holds (kubeadm: `/etc/kubernetes/pki/sa.key`)",
            "without it the token controller cannot sign the tokens of service account token Secrets",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, controller_manager, controller_manager_args};

    #[test]
    fn cases() {
        Tester::new(&ServiceAccountSigningKeyMissing, "kube-controller-manager.yaml")
            .pass([
                controller_manager(&["--service-account-private-key-file=/etc/kubernetes/pki/sa.key"]),
                controller_manager(&["--service-account-private-key-file", "/srv/sa.pem"]),
                controller_manager(&["--service-account-private-key-file=${SA_KEY}"]),
                controller_manager_args(&["--service-account-private-key-file=/etc/kubernetes/pki/sa.key"]),
            ])
            .fail([
                controller_manager(&[]),
                controller_manager(&["--root-ca-file=/etc/kubernetes/pki/ca.crt"]),
                controller_manager(&["--service-account-private-key-file="]),
                controller_manager_args(&["--leader-elect=true"]),
            ])
            .test_and_snapshot();
    }
}

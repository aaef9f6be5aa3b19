use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager without `--root-ca-file`, the CA bundle it gives pods
    /// to verify the API server with.
    ///
    /// ## Why is this bad?
    /// Pods find the CA that signed the API server's serving certificate in their service
    /// account token (`ca.crt`) and in each namespace's `kube-root-ca.crt` ConfigMap; the
    /// controller manager puts `--root-ca-file` there. Without it, it falls back to the CA its
    /// own kubeconfig trusts, which need not be the one clients should pin. A pod that cannot
    /// verify the API server is open to a man-in-the-middle, or gets configured to skip
    /// verification altogether.
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
    ///     - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
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
    /// `kubectl get configmap kube-root-ca.crt -o jsonpath='{.data.ca\.crt}'` should be the
    /// cluster CA that signed the API server's serving certificate.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.5 (ensure that the `--root-ca-file` argument is set as appropriate)
    /// - Kubernetes documentation: "Managing Service Accounts"
    pub RootCaFileMissing,
    code = "KCMG005",
    name = "root-ca-file-missing",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager gives pods no chosen CA to verify the API server with",
    cis = ["controller-manager.root-ca-file"],
}

impl Rule for RootCaFileMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        super::check_file_flag(
            inventory,
            findings,
            "root-ca-file",
            |manager| manager.root_ca_file(),
            "add `--root-ca-file=<path>` with the CA bundle that signed the API server's serving certificate (kubeadm: `/etc/kubernetes/pki/ca.crt`)",
            "without it the controller manager hands pods the CA of its own kubeconfig",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, controller_manager, controller_manager_args};

    #[test]
    fn cases() {
        Tester::new(&RootCaFileMissing, "kube-controller-manager.yaml")
            .pass([
                controller_manager(&["--root-ca-file=/etc/kubernetes/pki/ca.crt"]),
                controller_manager(&["--root-ca-file", "/srv/ca.pem"]),
                controller_manager(&["--root-ca-file=$(ROOT_CA)"]),
                controller_manager_args(&["--root-ca-file=/etc/kubernetes/pki/ca.crt"]),
            ])
            .fail([
                controller_manager(&[]),
                controller_manager(&["--service-account-private-key-file=/etc/kubernetes/pki/sa.key"]),
                controller_manager(&["--root-ca-file="]),
                controller_manager_args(&["--leader-elect=true"]),
            ])
            .test_and_snapshot();
    }
}

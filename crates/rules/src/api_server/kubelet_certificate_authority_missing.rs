use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver without `--kubelet-certificate-authority`.
    ///
    /// ## Why is this bad?
    /// The apiserver connects to kubelets for `logs`, `exec`, `attach`, `port-forward` and
    /// metrics. Without a CA for the kubelets' serving certificates it does not check whom it
    /// talks to: anyone who can answer on a node's address and port 10250 sees the commands
    /// and output of `kubectl exec`, and the credentials the apiserver presents.
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
    ///     - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///     - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
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
    ///     - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
    ///     - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///     - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    /// ```
    ///
    /// ## Notes
    /// kubeadm does not set this flag, because by default each kubelet serves a self-signed
    /// certificate that no cluster CA signed. Setting the flag first needs kubelets that serve
    /// certificates from that CA (`serverTLSBootstrap: true` in the Kubelet configuration with
    /// their CSRs approved, or provisioned `tlsCertFile`/`tlsPrivateKeyFile`); otherwise
    /// `kubectl logs` and `exec` stop working. There is no fix for that reason.
    ///
    /// ## How to verify on a live cluster
    /// `ps -ef | grep kube-apiserver` on a control-plane host shows whether the flag is set;
    /// `openssl s_client -connect <node>:10250` shows who issued a kubelet's serving
    /// certificate.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.5 (ensure that the `--kubelet-certificate-authority` argument is set as appropriate)
    /// - Kubernetes documentation: "Control Plane-Node Communication", apiserver to kubelet
    pub KubeletCertificateAuthorityMissing,
    code = "KAPI007",
    name = "kubelet-certificate-authority-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver does not verify kubelets' serving certificates",
    cis = ["apiserver.kubelet-certificate-authority"],
}

impl Rule for KubeletCertificateAuthorityMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            if api
                .kubelet_certificate_authority()
                .is_some_and(|ca| !ca.value.trim().is_empty())
            {
                continue;
            }
            findings
                .report(
                    api.missing_anchor(),
                    "`--kubelet-certificate-authority` not set; the apiserver does not verify the kubelets it connects to",
                )
                .label("no `--kubelet-certificate-authority` among these flags")
                .help(
                    "have kubelets serve certificates from the cluster CA (`serverTLSBootstrap: true`), then add `--kubelet-certificate-authority=<that CA>`",
                )
                .note(notes::version("kube-apiserver", api.version()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, kubeadm};

    #[test]
    fn cases() {
        Tester::new(&KubeletCertificateAuthorityMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt"]),
                apiserver(&["--kubelet-certificate-authority", "/etc/kubernetes/pki/ca.crt"]),
                apiserver_args(&["--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt"]),
                apiserver(&["--kubelet-certificate-authority=$(KUBELET_CA)"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&["--kubelet-certificate-authority="]),
                apiserver_args(&["--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key"]),
                // kubeadm does not write it.
                kubeadm("v1beta3", "  extraArgs:\n    profiling: \"false\"\n"),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver without `--client-ca-file`.
    ///
    /// ## Why is this bad?
    /// Without a client CA the apiserver authenticates no client certificate: kubelets,
    /// controller managers, schedulers and administrators that use certificates are all
    /// anonymous (or rejected), which pushes clusters towards weaker credentials such as
    /// static tokens. The CIS Benchmark expects certificate authentication to be on.
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
    ///     - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    ///     - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
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
    ///     - --client-ca-file=/etc/kubernetes/pki/ca.crt
    ///     - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    ///     - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    /// ```
    ///
    /// ## Notes
    /// There is no fix: the CA's path depends on the cluster. `etcd-ca-shared-with-cluster`
    /// compares this CA with etcd's.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.25 (ensure that the `--client-ca-file` argument is set as appropriate)
    /// - Kubernetes documentation: "Authenticating", X509 client certificates
    pub ApiserverClientCaMissing,
    code = "KAPI016",
    name = "apiserver-client-ca-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver authenticates no client certificates",
    cis = ["apiserver.client-ca-file"],
}

impl Rule for ApiserverClientCaMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            if api
                .client_ca_file()
                .is_some_and(|ca| !ca.value.trim().is_empty())
            {
                continue;
            }
            findings
                .report(
                    api.missing_anchor(),
                    "`--client-ca-file` not set; no client certificate is authenticated",
                )
                .label("no `--client-ca-file` among these flags")
                .help("add `--client-ca-file=<path>` naming the CA that signs client certificates")
                .note(notes::version("kube-apiserver", api.version()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args};

    #[test]
    fn cases() {
        Tester::new(&ApiserverClientCaMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--client-ca-file=/etc/kubernetes/pki/ca.crt"]),
                apiserver(&["--client-ca-file", "/etc/kubernetes/pki/ca.crt"]),
                apiserver_args(&["--client-ca-file=/etc/kubernetes/pki/ca.crt"]),
                apiserver(&["--client-ca-file={{ .ClientCA }}"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&["--client-ca-file="]),
                apiserver_args(&["--tls-cert-file=/etc/kubernetes/pki/apiserver.crt"]),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

/// The two flags that name the serving certificate and key.
const FLAGS: [&str; 2] = ["tls-cert-file", "tls-private-key-file"];

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver without `--tls-cert-file` or without `--tls-private-key-file`.
    ///
    /// ## Why is this bad?
    /// Without both, the apiserver generates a self-signed certificate and key in
    /// `--cert-dir` at start-up. No cluster CA signed it, so clients either cannot verify the
    /// apiserver or are configured to skip verification — and a client that skips it sends
    /// its credentials to whoever answers.
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
    ///     - --client-ca-file=/etc/kubernetes/pki/ca.crt
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
    /// One finding per missing flag. There is no fix: the paths depend on where the
    /// certificate was issued. Trivy (KCV-0027) also requires the paths to end in `.crt` and
    /// `.key`; this rule accepts any path, `.pem` included.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.24 (ensure that the `--tls-cert-file` and `--tls-private-key-file` arguments are set as appropriate)
    /// - Kubernetes documentation: "kube-apiserver" command-line reference, `--tls-cert-file`
    pub ApiserverServingCertMissing,
    code = "KAPI015",
    name = "apiserver-serving-cert-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver serves a self-signed certificate it generates itself",
    cis = ["apiserver.tls-certificate"],
}

impl Rule for ApiserverServingCertMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            for (flag, value) in FLAGS.iter().zip([api.tls_cert_file(), api.tls_private_key_file()]) {
                if value.is_some_and(|path| !path.value.trim().is_empty()) {
                    continue;
                }
                findings
                    .report(
                        api.missing_anchor(),
                        format!(
                            "`--{flag}` not set; the apiserver serves a self-signed certificate no cluster CA signed"
                        ),
                        )
                    .label(format!("no `--{flag}` among these flags"))
                    .help(
                        "add `--tls-cert-file` and `--tls-private-key-file` naming a serving certificate signed by the cluster CA and its key",
                    )
                    .note(notes::version("kube-apiserver", api.version()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args};

    const CERT: &str = "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt";
    const KEY: &str = "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key";

    #[test]
    fn cases() {
        Tester::new(&ApiserverServingCertMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&[CERT, KEY]),
                apiserver_args(&[CERT, KEY]),
                apiserver(&[
                    "--tls-cert-file",
                    "/etc/ssl/apiserver.pem",
                    "--tls-private-key-file",
                    "/etc/ssl/apiserver-key.pem",
                ]),
                apiserver(&["--tls-cert-file=$(CERT)", "--tls-private-key-file=$(KEY)"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&[CERT]),
                apiserver_args(&[KEY]),
                apiserver(&[CERT, "--tls-private-key-file="]),
            ])
            .test_and_snapshot();
    }
}

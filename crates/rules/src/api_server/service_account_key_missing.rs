use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver without `--service-account-key-file` (and without
    /// `--service-account-signing-endpoint`, whose external signer publishes its own keys).
    ///
    /// ## Why is this bad?
    /// Unset, the apiserver verifies service account tokens with its TLS serving key
    /// (`--tls-private-key-file`). Token signing then depends on a key that is rotated with
    /// the serving certificate — every token breaks when it is — and the keys cannot be rotated
    /// gracefully, because only a key file can list the old public key next to the new one.
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
    ///     - --service-account-issuer=https://kubernetes.default.svc.cluster.local
    ///     - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
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
    ///     - --service-account-issuer=https://kubernetes.default.svc.cluster.local
    ///     - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    ///     - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// ## Notes
    /// The file must hold the public half of the key the controller manager signs legacy
    /// tokens with (`--service-account-private-key-file`) and of
    /// `--service-account-signing-key-file`; the flag repeats for several files. There is no
    /// fix: the path depends on where those keys are.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.22 (ensure that the `--service-account-key-file` argument is set as appropriate)
    /// - Kubernetes documentation: "Managing Service Accounts", service account key files
    pub ServiceAccountKeyMissing,
    code = "KAPI014",
    name = "service-account-key-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver verifies service account tokens with its TLS serving key",
    cis = ["apiserver.service-account-key-file"],
}

impl Rule for ServiceAccountKeyMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(files) = api.service_account_key_files() else {
                continue;
            };
            if files.iter().any(|file| !file.value.trim().is_empty())
                || api.service_account_signing_endpoint().is_some()
            {
                continue;
            }
            findings
                .report(
                    api.missing_anchor(),
                    "`--service-account-key-file` not set; service account tokens are verified with the TLS serving key",
                )
                .label("no `--service-account-key-file` among these flags")
                .help(
                    "add `--service-account-key-file=<path>` naming the public key that service account tokens are signed with",
                )
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
        Tester::new(&ServiceAccountKeyMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--service-account-key-file=/etc/kubernetes/pki/sa.pub"]),
                apiserver(&["--service-account-key-file", "/etc/kubernetes/pki/sa.pub"]),
                apiserver_args(&["--service-account-key-file=/etc/kubernetes/pki/sa.pub"]),
                apiserver(&[
                    "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
                    "--service-account-key-file=/etc/kubernetes/pki/sa-old.pub",
                ]),
                apiserver(&["--service-account-signing-endpoint=/run/signer.sock"]),
                apiserver(&["--service-account-key-file=$(SA_KEY)"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&["--service-account-key-file="]),
                apiserver_args(&["--service-account-signing-key-file=/etc/kubernetes/pki/sa.key"]),
            ])
            .test_and_snapshot();
    }
}

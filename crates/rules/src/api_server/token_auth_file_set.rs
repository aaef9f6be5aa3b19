use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver started with `--token-auth-file`: a CSV file of static bearer
    /// tokens, each mapped to a user and groups.
    ///
    /// ## Why is this bad?
    /// Static tokens never expire and cannot be revoked without restarting the apiserver. They
    /// sit in clear text on the control-plane host, are often copied into scripts, and a leaked
    /// one works until someone edits the file on every control-plane node. Client
    /// certificates, OIDC and service account tokens all expire or can be revoked.
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
    ///     - --token-auth-file=/etc/kubernetes/tokens.csv
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
    /// ```
    ///
    /// ## Notes
    /// There is no fix: whoever uses the tokens needs another way in (client certificates,
    /// an OIDC provider, or a service account token) before the flag goes.
    ///
    /// ## How to verify on a live cluster
    /// `ps -ef | grep kube-apiserver` on each control-plane host shows whether the flag is
    /// there.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.2 (ensure that the `--token-auth-file` parameter is not set); 1.2.1 in v1.6.0
    /// - Kubernetes documentation: "Authenticating", static token file
    pub TokenAuthFileSet,
    code = "KAPI005",
    name = "token-auth-file-set",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver accepts static bearer tokens that never expire",
    cis = ["apiserver.token-auth-file"],
}

impl Rule for TokenAuthFileSet {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(file) = api.token_auth_file() else {
                continue;
            };
            // `--token-auth-file=` reads no file.
            if file.value.trim().is_empty() {
                continue;
            }
            findings
                .report(
                    file.location_or(api.missing_anchor()),
                    format!(
                        "`--token-auth-file` is `{}`; its static tokens never expire",
                        file.value
                    ),
                )
                .label("static token file")
                .help(
                    "remove `--token-auth-file` once its users authenticate with client certificates, OIDC or service account tokens",
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
        Tester::new(&TokenAuthFileSet, "kube-apiserver.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&["--token-auth-file="]),
                apiserver(&["--client-ca-file=/etc/kubernetes/pki/ca.crt"]),
            ])
            .fail([
                apiserver(&["--token-auth-file=/etc/kubernetes/tokens.csv"]),
                apiserver(&["--token-auth-file", "/etc/kubernetes/tokens.csv"]),
                apiserver_args(&["--token-auth-file=/etc/kubernetes/tokens.csv"]),
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    token-auth-file: /etc/kubernetes/tokens.csv\n",
                ),
            ])
            .test_and_snapshot();
    }
}

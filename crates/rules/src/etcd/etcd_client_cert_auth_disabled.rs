use kubeharden_core::Inventory;

use super::{missing, setting_name, spelled, state, unset_label, where_to};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that does not ask its clients for a certificate: `--client-cert-auth`
    /// (or `ETCD_CLIENT_CERT_AUTH`) is `false` or not set, and no `--trusted-ca-file` is
    /// given either.
    ///
    /// ## Why is this bad?
    /// etcd trusts every client completely: there are no per-key permissions unless its own
    /// user system is switched on, and Kubernetes does not use that. The client certificate is
    /// the only thing standing between the port and the cluster state. Without it, anything
    /// that reaches the client port — a pod with host networking, a process on the node, any
    /// host on the network when etcd listens beyond loopback — can read every Secret and
    /// rewrite any object, including RBAC bindings.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: etcd
    ///     image: registry.k8s.io/etcd:3.5.15-0
    ///     command:
    ///     - etcd
    ///     - --listen-client-urls=https://127.0.0.1:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///     - --client-cert-auth=false
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: etcd
    ///     image: registry.k8s.io/etcd:3.5.15-0
    ///     command:
    ///     - etcd
    ///     - --listen-client-urls=https://127.0.0.1:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///     - --client-cert-auth=true
    ///     - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Notes
    /// `--client-cert-auth` defaults to `false` in every etcd release. etcd also demands a
    /// client certificate whenever `--trusted-ca-file` is set, whatever `--client-cert-auth`
    /// says (its TLS server requires and verifies client certificates as soon as a trusted CA
    /// is configured, and `etcd --help` says so), so the rule does not fire then. The flag is
    /// taken from the command line, else from `ETCD_CLIENT_CERT_AUTH`; with `--config-file`
    /// etcd reads neither and the rule stays silent. Client certificates only exist on TLS
    /// listeners: without `--cert-file`/`--key-file` (`etcd-tls-missing`) or on an `http://`
    /// URL (`etcd-plaintext-url`) nothing is checked at all.
    ///
    /// ## How to verify on a live cluster
    /// On the etcd host, call the client port without a certificate: `curl --cacert
    /// <etcd-ca.crt> https://127.0.0.1:2379/version` answers when no client certificate is
    /// required, and fails during the TLS handshake when one is.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.2 (ensure that the `--client-cert-auth` argument is set to true)
    /// - etcd documentation: "Transport security model"
    pub EtcdClientCertAuthDisabled,
    code = "KETC002",
    name = "etcd-client-cert-auth-disabled",
    category = Security,
    target = "etcd",
    summary = "etcd accepts clients that present no certificate",
    cis = ["etcd.client-cert-auth"],
}

impl Rule for EtcdClientCertAuthDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for etcd in inventory.etcds() {
            // `None`: a config file decides.
            let Some(auth) = etcd.client_cert_auth() else {
                continue;
            };
            // A trusted CA makes etcd require client certificates on its own.
            if auth.value || etcd.trusted_ca_file().is_some() {
                continue;
            }
            let message = format!(
                "{}, so etcd accepts clients without a certificate",
                state(&etcd, "client-cert-auth", &auth)
            );
            let (label, help) = if auth.is_default() {
                (
                    unset_label(&etcd, "client-cert-auth", "true"),
                    format!(
                        "add {}{}, and {} with the CA that signs etcd's clients",
                        spelled(&etcd, "client-cert-auth", "true"),
                        where_to(&etcd),
                        spelled(&etcd, "trusted-ca-file", "<path>")
                    ),
                )
            } else {
                let name = setting_name("client-cert-auth", &auth.provenance);
                (
                    "client certificates not required".to_owned(),
                    format!(
                        "set `{name}` to `true`, and add {}{} with the CA that signs etcd's clients",
                        spelled(&etcd, "trusted-ca-file", "<path>"),
                        where_to(&etcd)
                    ),
                )
            };
            findings
                .report(auth.location_or(etcd.missing_anchor()), message)
                .label(label)
                .help(help)
                .note(format!(
                    "etcd would also require client certificates if {} were set; it is not",
                    missing(&etcd, "trusted-ca-file")
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::{etcd_args, etcd_env, etcd_flags_env};
    use crate::testing::{Tester, etcd};

    const CA: &str = "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt";

    #[test]
    fn cases() {
        Tester::new(&EtcdClientCertAuthDisabled, "etcd.yaml")
            .pass([
                etcd(&["--client-cert-auth=true", CA]),
                etcd(&["--client-cert-auth=${CLIENT_CERT_AUTH}", CA]),
                etcd(&["--client-cert-auth", CA]),
                etcd(&["--client-cert-auth=false", "--client-cert-auth=true"]),
                etcd_args(&["--client-cert-auth=true"]),
                etcd_env(&[("ETCD_CLIENT_CERT_AUTH", "'True'")]),
                etcd_flags_env(
                    &["--client-cert-auth"],
                    &[("ETCD_CLIENT_CERT_AUTH", "'false'")],
                ),
                // A trusted CA makes etcd require client certificates regardless.
                etcd(&[CA]),
                etcd(&["--client-cert-auth=false", CA]),
                etcd_env(&[("ETCD_TRUSTED_CA_FILE", "/etc/etcd/ca.crt")]),
                // etcd reads only the config file: its contents are unknown.
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml"]),
            ])
            .fail([
                etcd(&["--listen-client-urls=http://127.0.0.1:2379"]),
                etcd(&["--client-cert-auth=false"]),
                etcd(&["--client-cert-auth=true", "--client-cert-auth=false"]),
                etcd(&["--client-cert-auth=false", "--trusted-ca-file="]),
                etcd_args(&["--name=cp-1"]),
                etcd_env(&[("ETCD_CLIENT_CERT_AUTH", "'false'")]),
                etcd_env(&[("ETCD_NAME", "cp-1")]),
            ])
            .test_and_snapshot();
    }
}

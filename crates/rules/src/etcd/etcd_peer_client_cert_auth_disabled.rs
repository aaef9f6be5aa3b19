use kubeharden_core::Inventory;

use super::{missing, peer_scope_note, setting_name, spelled, state, unset_label, where_to};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that does not ask other members for a certificate:
    /// `--peer-client-cert-auth` (or `ETCD_PEER_CLIENT_CERT_AUTH`) is `false` or not set, and
    /// no `--peer-trusted-ca-file` is given either.
    ///
    /// ## Why is this bad?
    /// The peer port speaks etcd's replication protocol, and etcd acts on replication messages
    /// from whoever sends them. If it does not demand a certificate signed by the peer CA,
    /// anything that reaches the port can pose as a member of the cluster: disturb leader
    /// election, take part in replication, and so reach the data that client certificates
    /// were meant to protect.
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
    ///     - --listen-peer-urls=https://10.0.0.10:2380
    ///     - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    ///     - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
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
    ///     - --listen-peer-urls=https://10.0.0.10:2380
    ///     - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    ///     - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    ///     - --peer-client-cert-auth=true
    ///     - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Notes
    /// `--peer-client-cert-auth` defaults to `false`. As on the client side, etcd demands a
    /// certificate from every peer whenever `--peer-trusted-ca-file` is set, whatever
    /// `--peer-client-cert-auth` says, so the rule does not fire then. The flag is taken from
    /// the command line, else from `ETCD_PEER_CLIENT_CERT_AUTH`; with `--config-file` etcd
    /// reads neither and the rule stays silent.
    ///
    /// A single member whose peer URLs are loopback only (or unset) is still reported. The CIS
    /// Benchmark calls its peer items not applicable to a lone etcd server, but etcd opens the
    /// peer listener even then (on `http://localhost:2380` by default), and loopback is shared
    /// by every process and every host-network pod on the node. Such a finding says so in its
    /// note; if the client port is just as open, fixing `etcd-client-cert-auth-disabled` first
    /// matters more.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.5 (ensure that the `--peer-client-cert-auth` argument is set to true)
    /// - etcd documentation: "Transport security model"
    pub EtcdPeerClientCertAuthDisabled,
    code = "KETC005",
    name = "etcd-peer-client-cert-auth-disabled",
    category = Security,
    target = "etcd",
    summary = "etcd accepts peers that present no certificate",
    cis = ["etcd.peer-client-cert-auth"],
}

impl Rule for EtcdPeerClientCertAuthDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for etcd in inventory.etcds() {
            // `None`: a config file decides.
            let Some(auth) = etcd.peer_client_cert_auth() else {
                continue;
            };
            // A trusted peer CA makes etcd require peer certificates on its own.
            if auth.value || etcd.peer_trusted_ca_file().is_some() {
                continue;
            }
            let message = format!(
                "{}, so etcd accepts peers without a certificate",
                state(&etcd, "peer-client-cert-auth", &auth)
            );
            let (label, help) = if auth.is_default() {
                (
                    unset_label(&etcd, "peer-client-cert-auth", "true"),
                    format!(
                        "add {}{}, and {} with the CA that signs the members' peer certificates",
                        spelled(&etcd, "peer-client-cert-auth", "true"),
                        where_to(&etcd),
                        spelled(&etcd, "peer-trusted-ca-file", "<path>")
                    ),
                )
            } else {
                let name = setting_name("peer-client-cert-auth", &auth.provenance);
                (
                    "peer certificates not required".to_owned(),
                    format!(
                        "set `{name}` to `true`, and add {}{} with the CA that signs the members' peer certificates",
                        spelled(&etcd, "peer-trusted-ca-file", "<path>"),
                        where_to(&etcd)
                    ),
                )
            };
            let note = peer_scope_note(&etcd).unwrap_or_else(|| {
                format!(
                    "etcd would also require peer certificates if {} were set; it is not",
                    missing(&etcd, "peer-trusted-ca-file")
                )
            });
            findings
                .report(auth.location_or(etcd.missing_anchor()), message)
                .label(label)
                .help(help)
                .note(note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::{etcd_args, etcd_env};
    use crate::testing::{Tester, etcd};

    const CA: &str = "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt";

    #[test]
    fn cases() {
        Tester::new(&EtcdPeerClientCertAuthDisabled, "etcd.yaml")
            .pass([
                etcd(&["--peer-client-cert-auth=true", CA]),
                etcd(&["--peer-client-cert-auth"]),
                etcd(&["--peer-client-cert-auth=false", "--peer-client-cert-auth"]),
                etcd_args(&["--peer-client-cert-auth=true"]),
                etcd_env(&[("ETCD_PEER_CLIENT_CERT_AUTH", "'True'")]),
                // A trusted peer CA makes etcd require peer certificates regardless.
                etcd(&[CA]),
                etcd(&["--peer-client-cert-auth=false", CA]),
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml"]),
            ])
            .fail([
                etcd(&["--listen-peer-urls=https://10.0.0.10:2380"]),
                etcd(&["--peer-client-cert-auth=false"]),
                etcd(&["--peer-client-cert-auth", "--peer-client-cert-auth=false"]),
                etcd_args(&["--listen-peer-urls=http://0.0.0.0:2380"]),
                etcd_env(&[
                    ("ETCD_PEER_CLIENT_CERT_AUTH", "'false'"),
                    ("ETCD_LISTEN_PEER_URLS", "https://10.0.0.10:2380"),
                ]),
                // Single member, loopback peers (kubernetes-the-hard-way's etcd.service).
                etcd(&[
                    "--name=controller",
                    "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                    "--listen-peer-urls=http://127.0.0.1:2380",
                    "--initial-cluster=controller=http://127.0.0.1:2380",
                ]),
            ])
            .test_and_snapshot();
    }
}

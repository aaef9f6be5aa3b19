use kubeharden_core::Inventory;

use super::{and_list, missing, missing_label, peer_scope_note, setting_name, spelled, where_to};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd whose peer connections lack TLS material: any of `--peer-cert-file`,
    /// `--peer-key-file` and `--peer-trusted-ca-file` (or their `ETCD_PEER_*` variables) is
    /// not set.
    ///
    /// ## Why is this bad?
    /// Members replicate every write to each other over the peer port. Without a peer
    /// certificate and key that traffic — the full cluster state, Secrets included — is plain
    /// HTTP, readable and changeable by anyone on the path. Without a peer CA, etcd has
    /// nothing to check other members' certificates against, so it cannot tell a member from
    /// an impostor.
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
    ///     - --listen-peer-urls=http://10.0.0.10:2380
    ///     - --initial-advertise-peer-urls=http://10.0.0.10:2380
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
    ///     - --initial-advertise-peer-urls=https://10.0.0.10:2380
    ///     - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    ///     - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    ///     - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    ///     - --peer-client-cert-auth=true
    /// ```
    ///
    /// ## Notes
    /// Each flag is taken from the command line, else from its `ETCD_PEER_*` variable; with
    /// `--config-file` etcd reads neither and the rule stays silent. `--peer-auto-tls` does
    /// not count: its certificates are self-signed (see `etcd-peer-auto-tls-enabled`).
    ///
    /// **Single member, loopback peers.** kubernetes-the-hard-way runs one etcd with
    /// `--listen-peer-urls http://127.0.0.1:2380`; an etcd that sets no peer URL at all
    /// listens on `http://localhost:2380`. There is no other member to talk to, and the CIS
    /// Benchmark calls its peer items not applicable to a lone etcd server. kubeharden still
    /// reports it, and says in the note that the peer port is loopback only: etcd opens the
    /// peer listener even for a single member, it acts on replication messages from whoever
    /// sends them, and loopback is shared by every process and host-network pod on the node.
    /// A member added later would also have to join over the same unprotected port. If the
    /// client port of the same etcd is open too (`etcd-tls-missing`,
    /// `etcd-client-cert-auth-disabled`), fix that first: it is the easier way in.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.4 (ensure that the `--peer-cert-file` and `--peer-key-file` arguments are set as appropriate)
    /// - etcd documentation: "Transport security model"
    pub EtcdPeerTlsMissing,
    code = "KETC007",
    name = "etcd-peer-tls-missing",
    category = Security,
    target = "etcd",
    summary = "etcd lacks a peer certificate, key or CA for traffic between members",
    cis = ["etcd.peer-tls"],
}

impl Rule for EtcdPeerTlsMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for etcd in inventory.etcds() {
            if etcd.uses_config_file() {
                continue;
            }
            let cert = etcd.peer_cert_file().is_some();
            let key = etcd.peer_key_file().is_some();
            let ca = etcd.peer_trusted_ca_file().is_some();
            let absent: Vec<&str> = [
                ("peer-cert-file", cert),
                ("peer-key-file", key),
                ("peer-trusted-ca-file", ca),
            ]
            .into_iter()
            .filter(|(_, set)| !set)
            .map(|(flag, _)| flag)
            .collect();
            if absent.is_empty() {
                continue;
            }
            let names: Vec<String> = absent.iter().map(|flag| missing(&etcd, flag)).collect();
            let consequence = match (cert, key) {
                (false, false) => "etcd has no certificate of its own for its peers",
                (true, true) => "etcd has no CA to check other members' certificates against",
                _ => "etcd cannot serve TLS to its peers without both a certificate and its key",
            };
            let message = format!("{} not set; {consequence}", and_list(&names));
            let help = format!(
                "add {}{}{}",
                and_list(
                    &absent
                        .iter()
                        .map(|flag| spelled(&etcd, flag, "<path>"))
                        .collect::<Vec<_>>()
                ),
                where_to(&etcd),
                if !cert && !key {
                    ", and use `https://` peer URLs"
                } else {
                    ""
                }
            );
            let auto = etcd
                .peer_auto_tls()
                .filter(|auto| auto.value)
                .map(|auto| setting_name("peer-auto-tls", &auto.provenance));
            let note = peer_scope_note(&etcd).unwrap_or_else(|| {
                if let (Some(name), false, false) = (&auto, cert, key) {
                    format!("`{name}` makes etcd generate a self-signed peer certificate instead, which no member can verify")
                } else if !cert && !key {
                    "etcd has no default peer certificate: without one it talks to its peers in plain HTTP".to_owned()
                } else if !ca {
                    "without a peer CA etcd checks member certificates against the host's system CAs, or not at all".to_owned()
                } else {
                    "etcd refuses to start an `https://` peer listener with only one of the two".to_owned()
                }
            });
            findings
                .report(etcd.missing_anchor(), message)
                .label(missing_label(
                    &etcd,
                    &and_list(&names).replace(" and ", " or "),
                ))
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

    const CERT: &str = "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt";
    const KEY: &str = "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key";
    const CA: &str = "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt";

    #[test]
    fn cases() {
        Tester::new(&EtcdPeerTlsMissing, "etcd.yaml")
            .pass([
                etcd(&[CERT, KEY, CA]),
                etcd(&[
                    "--peer-cert-file",
                    "/etc/kubernetes/pki/etcd/peer.crt",
                    "--peer-key-file",
                    "/etc/kubernetes/pki/etcd/peer.key",
                    "--peer-trusted-ca-file",
                    "/etc/kubernetes/pki/etcd/ca.crt",
                ]),
                etcd_args(&[CERT, KEY, CA]),
                etcd_env(&[
                    ("ETCD_PEER_CERT_FILE", "/etc/etcd/peer.crt"),
                    ("ETCD_PEER_KEY_FILE", "/etc/etcd/peer.key"),
                    ("ETCD_PEER_TRUSTED_CA_FILE", "/etc/etcd/ca.crt"),
                ]),
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml"]),
            ])
            .fail([
                etcd(&["--listen-peer-urls=http://10.0.0.10:2380"]),
                etcd(&[CERT, KEY]),
                etcd(&[CERT, CA, "--listen-peer-urls=https://10.0.0.10:2380"]),
                etcd(&[
                    "--peer-auto-tls",
                    "--listen-peer-urls=https://10.0.0.10:2380",
                ]),
                etcd_args(&[CA]),
                etcd_env(&[("ETCD_PEER_TRUSTED_CA_FILE", "/etc/etcd/ca.crt")]),
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

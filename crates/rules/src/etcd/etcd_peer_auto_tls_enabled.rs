use kubeharden_core::Inventory;

use super::{AutoTlsSide, check_auto_tls};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that talks to the other members with a self-signed certificate it
    /// generates at start-up: `--peer-auto-tls` (or `ETCD_PEER_AUTO_TLS`) is `true` and no
    /// `--peer-cert-file`/`--peer-key-file` is given.
    ///
    /// ## Why is this bad?
    /// Members using made-up certificates cannot tell a real member from an impostor: a
    /// self-signed certificate proves nothing, so the peer traffic is encrypted but not
    /// authenticated. Anyone who can reach the peer network can present a self-signed
    /// certificate of their own, join the replication stream, and read or alter the data it
    /// carries.
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
    ///     - --peer-auto-tls=true
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
    /// `--peer-auto-tls` defaults to `false`. etcd ignores it, with a warning in its log, as
    /// soon as `--peer-cert-file` or `--peer-key-file` is given, so the rule only fires when
    /// the generated certificate is really used. The flag is taken from the command line, else
    /// from `ETCD_PEER_AUTO_TLS`; with `--config-file` etcd reads neither and the rule stays
    /// silent. Like the other peer rules it also fires for a single member whose peer URLs
    /// are loopback only (see `etcd-peer-client-cert-auth-disabled`).
    ///
    /// ## Fix
    /// Safe: sets the last `--peer-auto-tls` to `false` in place (a bare `--peer-auto-tls` becomes
    /// `--peer-auto-tls=false`). No working certificate is touched; whether etcd then serves its
    /// peers over TLS is up to the certificate flags, which the TLS rules check. A value
    /// from the environment or an etcd config file gets no fix.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.6 (ensure that the `--peer-auto-tls` argument is not set to true)
    /// - etcd documentation: "Transport security model"
    pub EtcdPeerAutoTlsEnabled,
    code = "KETC006",
    name = "etcd-peer-auto-tls-enabled",
    category = Security,
    target = "etcd",
    summary = "etcd talks to its peers with a self-signed certificate it generates itself",
    cis = ["etcd.peer-auto-tls"],
}

impl Rule for EtcdPeerAutoTlsEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        check_auto_tls(
            &AutoTlsSide {
                flag: "peer-auto-tls",
                cert: "peer-cert-file",
                key: "peer-key-file",
                consequence: "etcd shows its peers a self-signed certificate",
                label: "self-signed peer certificate",
                what: "a peer certificate and key",
                peer: true,
            },
            inventory,
            findings,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::{etcd_args, etcd_env};
    use crate::testing::{Tester, etcd, flow};

    #[test]
    fn cases() {
        Tester::new(&EtcdPeerAutoTlsEnabled, "etcd.yaml")
            .pass([
                etcd(&[]),
                etcd(&["--peer-auto-tls=false"]),
                etcd(&["--peer-auto-tls", "--peer-auto-tls=false"]),
                // Ignored by etcd when peer certificate files are given.
                etcd(&[
                    "--peer-auto-tls",
                    "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
                    "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
                ]),
                // The client side's auto TLS is another rule's.
                etcd(&["--auto-tls"]),
                etcd_env(&[("ETCD_PEER_AUTO_TLS", "'false'")]),
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml", "--peer-auto-tls"]),
            ])
            .fail([
                etcd(&[
                    "--peer-auto-tls",
                    "--listen-peer-urls=https://10.0.0.10:2380",
                ]),
                etcd(&[
                    "--peer-auto-tls=true",
                    "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                ]),
                etcd(&["--peer-auto-tls=false", "--peer-auto-tls=true"]),
                etcd_args(&["--peer-auto-tls=t"]),
                etcd_env(&[("ETCD_PEER_AUTO_TLS", "'true'")]),
            ])
            .fix_round_trip([
                etcd(&["--peer-auto-tls"]),
                etcd(&["--peer-auto-tls=true", "--data-dir=/var/lib/etcd"]),
                etcd(&["--peer-auto-tls=false", "\"--peer-auto-tls=true\""]),
                etcd(&["--peer-auto-tls"]).replace('\n', "\r\n"),
                flow(&etcd(&["--peer-auto-tls", "--name=a"])),
            ])
            .expect_fix([
                (etcd(&["--peer-auto-tls"]), etcd(&["--peer-auto-tls=false"])),
                (
                    flow(&etcd(&["--peer-auto-tls=true", "--name=a"])),
                    flow(&etcd(&["--peer-auto-tls=false", "--name=a"])),
                ),
            ])
            .test_and_snapshot();
    }
}

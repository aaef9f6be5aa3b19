use kubeharden_core::Inventory;

use super::{AutoTlsSide, check_auto_tls};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that serves its clients with a self-signed certificate it generates at
    /// start-up: `--auto-tls` (or `ETCD_AUTO_TLS`) is `true` and no `--cert-file`/`--key-file`
    /// is given.
    ///
    /// ## Why is this bad?
    /// A certificate etcd makes up for itself is signed by nobody a client knows, so clients
    /// cannot check that they are talking to the real etcd: they either skip verification or
    /// fail. The traffic is encrypted, but anyone who can sit between the API server and etcd
    /// can present their own self-signed certificate and read or change everything that
    /// passes. Auto TLS also does nothing to authenticate the clients.
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
    ///     - --listen-client-urls=https://10.0.0.10:2379
    ///     - --auto-tls=true
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
    ///     - --listen-client-urls=https://10.0.0.10:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// ## Notes
    /// `--auto-tls` defaults to `false`. etcd ignores it, with a warning in its log, as soon
    /// as `--cert-file` or `--key-file` is given, so the rule only fires when the generated
    /// certificate is really used. The flag is taken from the command line, else from
    /// `ETCD_AUTO_TLS`; with `--config-file` etcd reads neither and the rule stays silent.
    ///
    /// ## Fix
    /// Safe: sets the last `--auto-tls` to `false` in place (a bare `--auto-tls` becomes
    /// `--auto-tls=false`). No working certificate is touched; whether etcd then serves its
    /// clients over TLS is up to the certificate flags, which the TLS rules check. A value
    /// from the environment or an etcd config file gets no fix.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.3 (ensure that the `--auto-tls` argument is not set to true)
    /// - etcd documentation: "Transport security model"
    pub EtcdAutoTlsEnabled,
    code = "KETC004",
    name = "etcd-auto-tls-enabled",
    category = Security,
    target = "etcd",
    summary = "etcd serves its clients with a self-signed certificate it generates itself",
    cis = ["etcd.auto-tls"],
}

impl Rule for EtcdAutoTlsEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        check_auto_tls(
            &AutoTlsSide {
                flag: "auto-tls",
                cert: "cert-file",
                key: "key-file",
                consequence: "etcd serves its clients a self-signed certificate",
                label: "self-signed client certificate",
                what: "a certificate and key",
                peer: false,
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
        Tester::new(&EtcdAutoTlsEnabled, "etcd.yaml")
            .pass([
                etcd(&[]),
                etcd(&["--auto-tls=false"]),
                etcd(&["--auto-tls", "--auto-tls=false"]),
                // Ignored by etcd when certificate files are given.
                etcd(&[
                    "--auto-tls",
                    "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                    "--key-file=/etc/kubernetes/pki/etcd/server.key",
                ]),
                etcd_env(&[("ETCD_AUTO_TLS", "'false'")]),
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml", "--auto-tls"]),
            ])
            .fail([
                etcd(&["--auto-tls"]),
                etcd(&["--auto-tls=true"]),
                etcd(&["--auto-tls=false", "--auto-tls=true"]),
                etcd_args(&["--auto-tls=1"]),
                etcd_env(&[("ETCD_AUTO_TLS", "'true'")]),
            ])
            .fix_round_trip([
                etcd(&["--auto-tls"]),
                etcd(&["--auto-tls=true", "--data-dir=/var/lib/etcd"]),
                etcd(&["--auto-tls=false", "\"--auto-tls=true\""]),
                etcd(&["--auto-tls"]).replace('\n', "\r\n"),
                flow(&etcd(&["--auto-tls", "--name=a"])),
            ])
            .expect_fix([
                (etcd(&["--auto-tls"]), etcd(&["--auto-tls=false"])),
                (
                    flow(&etcd(&["--auto-tls=true", "--name=a"])),
                    flow(&etcd(&["--auto-tls=false", "--name=a"])),
                ),
            ])
            .test_and_snapshot();
    }
}

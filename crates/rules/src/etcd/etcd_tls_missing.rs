use kubeharden_core::Inventory;

use super::{missing, missing_label, setting_name, spelled, state, where_to};
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that has no certificate or no key for serving its clients: `--cert-file`
    /// or `--key-file` (or `ETCD_CERT_FILE` / `ETCD_KEY_FILE`) is not set.
    ///
    /// ## Why is this bad?
    /// Without a certificate and key etcd can only speak plain HTTP to its clients. Every
    /// request the API server makes — Secrets, service account tokens, the whole cluster
    /// state — then travels unencrypted, and etcd has no TLS handshake in which to ask a
    /// client for a certificate, so it cannot tell the API server from anyone else who
    /// reaches the port. Whoever can write to etcd controls the cluster.
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
    ///     - --listen-client-urls=http://127.0.0.1:2379
    ///     - --advertise-client-urls=http://127.0.0.1:2379
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
    ///     - --advertise-client-urls=https://127.0.0.1:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// ## Notes
    /// etcd takes each flag from the command line, else from its `ETCD_*` environment
    /// variable; both count. With `--config-file` etcd reads neither, and the rule stays
    /// silent because the file's contents are not known. `--auto-tls` does not satisfy this
    /// rule: it makes etcd invent a self-signed certificate (see `etcd-auto-tls-enabled`).
    /// Setting the files is not enough on its own: a listener whose URL starts with `http://`
    /// still serves plain HTTP (see `etcd-plaintext-url`).
    ///
    /// ## Fix
    /// Unsafe, and only when both are missing from the command line: adds kubeadm's paths,
    /// `--cert-file=/etc/kubernetes/pki/etcd/server.crt` and
    /// `--key-file=/etc/kubernetes/pki/etcd/server.key`. The files must exist and name this
    /// member; clients that speak plain HTTP to etcd stop working once its URLs are `https://`.
    ///
    /// ## How to verify on a live cluster
    /// On the etcd host, ask the client port for its version over plain HTTP: `curl
    /// http://127.0.0.1:2379/version` answers when etcd serves clients without TLS, and fails
    /// when the listener expects a TLS handshake.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.1 (ensure that the `--cert-file` and `--key-file` arguments are set as appropriate)
    /// - etcd documentation: "Transport security model"
    pub EtcdTlsMissing,
    code = "KETC001",
    name = "etcd-tls-missing",
    category = Security,
    target = "etcd",
    summary = "etcd serves its clients without a TLS certificate and key",
    cis = ["etcd.client-tls"],
}

impl Rule for EtcdTlsMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for etcd in inventory.etcds() {
            if etcd.uses_config_file() {
                continue;
            }
            let cert = etcd.cert_file();
            let key = etcd.key_file();
            let (message, label, help, note) = match (&cert, &key) {
                (Some(_), Some(_)) => continue,
                (Some(cert), None) => (
                    format!(
                        "{} not set while {}; etcd needs both to serve TLS",
                        missing(&etcd, "key-file"),
                        state(&etcd, "cert-file", cert)
                    ),
                    missing_label(&etcd, &missing(&etcd, "key-file")),
                    format!(
                        "add {} with the key of that certificate{}",
                        spelled(&etcd, "key-file", "<path>"),
                        where_to(&etcd)
                    ),
                    "etcd refuses to start an `https://` listener with a certificate and no key"
                        .to_owned(),
                ),
                (None, Some(key)) => (
                    format!(
                        "{} not set while {}; etcd needs both to serve TLS",
                        missing(&etcd, "cert-file"),
                        state(&etcd, "key-file", key)
                    ),
                    missing_label(&etcd, &missing(&etcd, "cert-file")),
                    format!(
                        "add {} with the certificate of that key{}",
                        spelled(&etcd, "cert-file", "<path>"),
                        where_to(&etcd)
                    ),
                    "etcd refuses to start an `https://` listener with a key and no certificate"
                        .to_owned(),
                ),
                (None, None) => {
                    let auto = etcd
                        .auto_tls()
                        .filter(|auto| auto.value)
                        .map(|auto| setting_name("auto-tls", &auto.provenance));
                    (
                        format!(
                            "{} and {} not set; etcd has no certificate of its own for its clients",
                            missing(&etcd, "cert-file"),
                            missing(&etcd, "key-file")
                        ),
                        missing_label(
                            &etcd,
                            &format!(
                                "{} or {}",
                                missing(&etcd, "cert-file"),
                                missing(&etcd, "key-file")
                            ),
                        ),
                        format!(
                            "add {} and {}{} with the etcd server certificate and key, and use `https://` client URLs",
                            spelled(&etcd, "cert-file", "<path>"),
                            spelled(&etcd, "key-file", "<path>"),
                            where_to(&etcd)
                        ),
                        auto.map_or_else(
                            || "etcd has no default certificate: without one it serves its clients plain HTTP".to_owned(),
                            |name| format!("`{name}` makes etcd generate a self-signed certificate instead, which no client can verify"),
                        ),
                    )
                }
            };
            let fix = (cert.is_none() && key.is_none())
                .then(|| {
                    fixes::add_flags(
                        inventory,
                        etcd.process,
                        &[
                            "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                            "--key-file=/etc/kubernetes/pki/etcd/server.key",
                        ],
                    )
                })
                .flatten()
                .map(|edits| {
                    fixes::unsafe_fix("Add kubeadm's etcd server certificate and key", edits)
                });
            let finding = findings
                .report(etcd.missing_anchor(), message)
                .label(label)
                .help(help)
                .note(note);
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::{etcd_args, etcd_env, etcd_flags_env};
    use crate::testing::{Tester, etcd, flow};

    const CERT: &str = "--cert-file=/etc/kubernetes/pki/etcd/server.crt";
    const KEY: &str = "--key-file=/etc/kubernetes/pki/etcd/server.key";

    #[test]
    fn cases() {
        Tester::new(&EtcdTlsMissing, "etcd.yaml")
            .pass([
                etcd(&[CERT, KEY]),
                etcd(&[
                    "--cert-file",
                    "/etc/kubernetes/pki/etcd/server.crt",
                    "--key-file",
                    "/etc/kubernetes/pki/etcd/server.key",
                ]),
                etcd_args(&[CERT, KEY]),
                etcd_env(&[
                    ("ETCD_CERT_FILE", "/etc/etcd/server.crt"),
                    ("ETCD_KEY_FILE", "/etc/etcd/server.key"),
                ]),
                // The flag beats the environment; the environment fills in what flags omit.
                etcd_flags_env(&[CERT], &[("ETCD_KEY_FILE", "/etc/etcd/server.key")]),
                // etcd reads only the config file: its contents are unknown.
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml"]),
            ])
            .fail([
                etcd(&["--listen-client-urls=http://127.0.0.1:2379"]),
                etcd(&[CERT]),
                etcd(&[KEY, "--cert-file="]),
                etcd(&["--auto-tls"]),
                etcd_args(&["--name=cp-1"]),
                etcd_env(&[
                    ("ETCD_NAME", "cp-1"),
                    ("ETCD_CERT_FILE", "/etc/etcd/server.crt"),
                ]),
            ])
            .fix_round_trip([
                etcd(&["--listen-client-urls=http://127.0.0.1:2379"]),
                flow(&etcd(&["--listen-client-urls=http://127.0.0.1:2379"])),
            ])
            .test_and_snapshot();
    }
}

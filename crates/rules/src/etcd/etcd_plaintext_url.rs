use kubeharden_core::{Component, Inventory};

use super::{Host, host, host_kind, missing, scheme, setting_name};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags plain-HTTP connections to etcd that leave the host:
    /// - an etcd client or peer URL — `--listen-client-urls`, `--advertise-client-urls`,
    ///   `--listen-peer-urls`, `--initial-advertise-peer-urls` or their `ETCD_*` variables —
    ///   that starts with `http://` and names a host other than loopback (`127.0.0.0/8`,
    ///   `localhost`, `[::1]`). `0.0.0.0` is every interface, not loopback;
    /// - a kube-apiserver `--etcd-servers` entry that starts with `http://`, whatever its host.
    ///
    /// Each offending URL is reported where it is written.
    ///
    /// ## Why is this bad?
    /// On an `http://` URL etcd speaks no TLS and checks no certificate, even when
    /// `--cert-file` and `--client-cert-auth` are set (it only logs that it ignores them).
    /// Beyond loopback, the cluster state — Secrets included — crosses the network in clear
    /// text, and anyone who can reach the port can read and write it without credentials; a
    /// plain peer URL lets them pose as a member as well. An apiserver that talks to etcd over
    /// `http://` proves that etcd accepts clients without certificates at that address: even
    /// on loopback every process and host-network pod on the node can then go around the
    /// apiserver's authentication, authorization and audit.
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
    ///     - --listen-client-urls=http://0.0.0.0:2379
    ///     - --advertise-client-urls=http://10.0.0.10:2379
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
    ///     - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379
    ///     - --advertise-client-urls=https://10.0.0.10:2379
    ///     - --listen-metrics-urls=http://127.0.0.1:2381
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// ## Notes
    /// `--listen-metrics-urls` is not a client URL: it serves only `/metrics` and `/health`,
    /// and kubeadm puts it on `http://127.0.0.1:2381` on purpose. `unix://` sockets and
    /// `https://` URLs are not reported. etcd's own defaults (`http://localhost:2379` and
    /// `http://localhost:2380`) are loopback. A host written as `$(VAR)` is judged by the
    /// variable's value when the container sets it literally; otherwise the URL is skipped.
    /// With `--config-file` etcd reads no URL flags and the rule stays silent for it.
    /// A plain-HTTP etcd on loopback is still open to every local process: that is reported by
    /// `etcd-tls-missing` and `etcd-client-cert-auth-disabled`.
    ///
    /// ## How to verify on a live cluster
    /// From another machine, ask the address for etcd's version over plain HTTP: `curl
    /// http://<etcd-ip>:2379/version` answers when the port serves HTTP beyond the host.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.1 (TLS for etcd's clients) and 2.4 (TLS for its peers)
    /// - etcd documentation: "Transport security model"
    pub EtcdPlaintextUrl,
    code = "KETC010",
    name = "etcd-plaintext-url",
    category = Security,
    target = "etcd, kube-apiserver",
    summary = "etcd traffic runs over plain HTTP beyond loopback, or the API server reaches etcd over HTTP",
    cis = ["etcd.client-tls", "etcd.peer-tls"],
}

/// The etcd URL settings this rule judges, what they do, and the TLS files they need.
const ETCD_URLS: &[(&str, &str, (&str, &str))] = &[
    (
        "listen-client-urls",
        "serves clients plain HTTP on",
        ("cert-file", "key-file"),
    ),
    (
        "advertise-client-urls",
        "sends clients to plain HTTP at",
        ("cert-file", "key-file"),
    ),
    (
        "listen-peer-urls",
        "serves peers plain HTTP on",
        ("peer-cert-file", "peer-key-file"),
    ),
    (
        "initial-advertise-peer-urls",
        "sends peers to plain HTTP at",
        ("peer-cert-file", "peer-key-file"),
    ),
];

fn https(url: &str) -> String {
    url.split_once("://")
        .map_or_else(|| url.to_owned(), |(_, rest)| format!("https://{rest}"))
}

impl Rule for EtcdPlaintextUrl {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for etcd in inventory.etcds() {
            let resolve = |name: &str| etcd.env_literal(name).map(str::to_owned);
            for (flag, does, (cert, key)) in ETCD_URLS {
                let Some(setting) = etcd.url_list(flag) else {
                    continue;
                };
                let name = setting_name(flag, &setting.provenance);
                for url in &setting.value {
                    if scheme(&url.value).as_deref() != Some("http") {
                        continue;
                    }
                    let label = match host_kind(&url.value, resolve) {
                        Host::AllInterfaces => "plain HTTP on every interface",
                        Host::Other => "plain HTTP beyond loopback",
                        Host::Loopback | Host::Unknown => continue,
                    };
                    // Say what a `$(VAR)` host stands for.
                    let label = match host(&url.value)
                        .and_then(|host| host.strip_prefix("$("))
                        .and_then(|rest| rest.strip_suffix(')'))
                        .and_then(|var| Some((var, etcd.env_literal(var)?)))
                    {
                        Some((var, value)) => format!("{label} (`$({var})` is `{value}`)"),
                        None => label.to_owned(),
                    };
                    let peer = flag.contains("peer");
                    findings
                        .report(
                            url.location(),
                            format!("`{name}` {does} `{}`", url.value),
                        )
                        .component(Component::Etcd)
                        .cis(if peer { "etcd.peer-tls" } else { "etcd.client-tls" })
                        .label(label)
                        .help(format!(
                            "use `{}`, with {} and {}",
                            https(&url.value),
                            missing(&etcd, cert),
                            missing(&etcd, key)
                        ))
                        .note(if peer {
                            format!(
                                "on an `http://` peer URL etcd uses no TLS and checks no member certificate, whatever {} and {} say",
                                missing(&etcd, "peer-cert-file"),
                                missing(&etcd, "peer-client-cert-auth")
                            )
                        } else {
                            format!(
                                "on an `http://` client URL etcd uses no TLS and checks no client certificate, whatever {} and {} say",
                                missing(&etcd, "cert-file"),
                                missing(&etcd, "client-cert-auth")
                            )
                        });
                }
            }
        }
        for api in inventory.api_servers() {
            for url in api.etcd_servers() {
                if scheme(&url.value).as_deref() != Some("http") {
                    continue;
                }
                let note = if host_kind(&url.value, |_| None) == Host::Loopback {
                    "even on loopback: an etcd that answers plain HTTP cannot ask for client certificates, so every process and host-network pod on this host can read and write the cluster state"
                } else {
                    "everything the apiserver stores, Secrets included, crosses the network unencrypted, and etcd cannot tell the apiserver from anyone else"
                };
                findings
                    .report(
                        url.location(),
                        format!("`--etcd-servers` reaches etcd over plain HTTP at `{}`", url.value),
                    )
                    .component(Component::ApiServer)
                    // etcd serves this client, the apiserver, without TLS.
                    .cis("etcd.client-tls")
                    .label("plain HTTP to etcd")
                    .help(format!(
                        "serve etcd over TLS and use `{}`, with `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile`",
                        https(&url.value)
                    ))
                    .note(note);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::{etcd_args, etcd_env, etcd_flags_env};
    use crate::testing::{Tester, apiserver, apiserver_args, check_files, etcd};

    #[test]
    fn cases() {
        Tester::new(&EtcdPlaintextUrl, "control-plane.yaml")
            .pass([
                etcd(&[]),
                etcd(&[
                    "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379",
                    "--advertise-client-urls=https://10.0.0.10:2379",
                    "--listen-peer-urls=https://10.0.0.10:2380",
                    "--initial-advertise-peer-urls=https://10.0.0.10:2380",
                    "--listen-metrics-urls=http://127.0.0.1:2381",
                ]),
                // Loopback only (kubernetes-the-hard-way): other rules report the open port.
                etcd(&[
                    "--listen-client-urls",
                    "http://127.0.0.1:2379,http://localhost:2379,http://[::1]:2379",
                    "--advertise-client-urls=http://127.0.0.1:2379",
                    "--listen-peer-urls=http://127.0.0.1:2380",
                ]),
                // A repeat replaces the list.
                etcd(&[
                    "--listen-client-urls=http://0.0.0.0:2379",
                    "--listen-client-urls=https://0.0.0.0:2379",
                ]),
                etcd(&["--listen-metrics-urls=http://0.0.0.0:2381"]),
                etcd(&["--listen-client-urls=unix://localhost:2379"]),
                etcd_flags_env(
                    &["--listen-client-urls=http://$(BIND):2379"],
                    &[("BIND", "127.0.0.1")],
                ),
                // A host from `valueFrom` is unknown.
                etcd(&["--listen-client-urls=http://$(POD_IP):2379"]),
                etcd(&[
                    "--config-file=/etc/etcd/etcd.conf.yml",
                    "--listen-client-urls=http://0.0.0.0:2379",
                ]),
                apiserver(&["--etcd-servers=https://127.0.0.1:2379"]),
                apiserver(&["--etcd-servers=unix:///var/lib/kine/kine.sock"]),
            ])
            .fail([
                etcd(&[
                    "--advertise-client-urls=http://10.0.0.10:2379",
                    "--initial-advertise-peer-urls=http://10.0.0.10:2380",
                    "--listen-client-urls=http://0.0.0.0:2379",
                    "--listen-peer-urls=http://10.0.0.10:2380",
                ]),
                etcd(&[
                    "--listen-client-urls",
                    "https://127.0.0.1:2379,http://10.0.0.10:2379",
                ]),
                etcd(&[
                    "--listen-client-urls=https://0.0.0.0:2379",
                    "--listen-client-urls=HTTP://[::]:2379",
                ]),
                etcd_args(&["--listen-peer-urls=http://etcd-0.etcd.kube-system.svc:2380"]),
                etcd_env(&[(
                    "ETCD_LISTEN_CLIENT_URLS",
                    "http://10.0.0.10:2379,http://127.0.0.1:2379",
                )]),
                etcd_flags_env(
                    &["--listen-client-urls=http://$(HOST_IP):2379"],
                    &[("HOST_IP", "192.168.1.10")],
                ),
                apiserver(&["--etcd-servers=http://127.0.0.1:2379"]),
                apiserver_args(&[
                    "--etcd-servers",
                    "https://10.0.0.10:2379,http://10.0.0.11:2379",
                ]),
                apiserver(&["--etcd-servers=http://[fd65:7b9c:569:680::1]:2379"]),
            ])
            .test_and_snapshot();
    }
    #[test]
    fn client_and_peer_urls_name_their_cis_recommendations() {
        let manifest = etcd(&[
            "--listen-client-urls=http://10.0.0.10:2379",
            "--listen-peer-urls=http://10.0.0.10:2380",
        ]);
        let report = check_files(&EtcdPlaintextUrl::META, &[("etcd.yaml", &manifest)]);
        let keys: Vec<_> = report.findings.iter().map(|finding| finding.cis).collect();
        assert_eq!(keys, [Some("etcd.client-tls"), Some("etcd.peer-tls")]);
    }
}

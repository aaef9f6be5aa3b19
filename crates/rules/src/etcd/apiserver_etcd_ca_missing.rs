use kubeharden_core::Inventory;

use super::{etcd_servers_note, networked_etcd_servers, with_datastore_options};
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that reaches etcd over the network without naming the CA that
    /// signed etcd's certificate: `--etcd-servers` lists a server that is not a `unix://`
    /// socket, and `--etcd-cafile` is not set.
    ///
    /// ## Why is this bad?
    /// Without the etcd CA the apiserver cannot check that it is talking to the real etcd. For
    /// `https://` servers it falls back to the host's system trust store, so anyone holding a
    /// certificate from any CA in that store for the etcd address could sit in the middle and
    /// read or rewrite everything the cluster stores. For `http://` servers nothing is checked
    /// at all (see `etcd-plaintext-url`); the CA is part of the fix.
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
    ///     - --etcd-servers=https://10.0.0.10:2379
    ///     - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    ///     - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
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
    ///     - --etcd-servers=https://10.0.0.10:2379
    ///     - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    ///     - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    ///     - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    /// ```
    ///
    /// ## Notes
    /// The rule needs `--etcd-servers`: an apiserver without it does not start, and one whose
    /// servers are all `unix://` sockets (as with kine) has no TLS connection to etcd to
    /// protect. It does fire for `http://` servers, whose fix needs this CA too.
    ///
    /// ## Fix
    /// Unsafe: sets `--etcd-cafile` to kubeadm's path, `/etc/kubernetes/pki/etcd/ca.crt` (in
    /// place, or added after the last flag). The file must exist and have signed etcd's server
    /// certificate, or the apiserver cannot reach etcd at all.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.32 (ensure that the `--etcd-cafile` argument is set as appropriate)
    /// - Kubernetes documentation: "Operating etcd clusters for Kubernetes", securing communication
    pub ApiserverEtcdCaMissing,
    code = "KETC008",
    name = "apiserver-etcd-ca-missing",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver does not check etcd's certificate against the etcd CA",
    cis = ["apiserver.etcd-ca-file"],
}

impl Rule for ApiserverEtcdCaMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(servers) = networked_etcd_servers(&api) else {
                continue;
            };
            if api
                .etcd_cafile()
                .is_some_and(|ca| !ca.value.trim().is_empty())
            {
                continue;
            }
            let fix = fixes::set_or_add_flag(
                inventory,
                api.process,
                "etcd-cafile",
                "/etc/kubernetes/pki/etcd/ca.crt",
            )
            .map(|edits| fixes::unsafe_fix("Use kubeadm's etcd CA as `--etcd-cafile`", edits));
            let finding = findings
                .report(
                    api.missing_anchor(),
                    "`--etcd-cafile` not set; the apiserver cannot tell the real etcd from an impostor",
                )
                .label("no `--etcd-cafile` among these flags")
                .help(with_datastore_options(
                    inventory,
                    &api,
                    "add `--etcd-cafile=<path>` naming the CA that signed etcd's server certificate",
                    "`datastore-cafile`",
                ))
                .note(etcd_servers_note(
                    &servers,
                    "without the etcd CA the apiserver trusts any certificate the host's system CAs sign for it",
                    "nothing is verified until etcd is reached over `https://`, which needs this CA",
                ));
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, flow};

    const SERVERS: &str = "--etcd-servers=https://127.0.0.1:2379";
    const CA: &str = "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt";

    #[test]
    fn cases() {
        Tester::new(&ApiserverEtcdCaMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&[SERVERS, CA]),
                apiserver(&[SERVERS, "--etcd-cafile", "/etc/kubernetes/pki/etcd/ca.crt"]),
                apiserver(&["--etcd-cafile=", CA, SERVERS]),
                apiserver_args(&[SERVERS, CA]),
                // No etcd servers: the apiserver does not start; nothing to judge.
                apiserver(&["--anonymous-auth=false"]),
                // kine's unix socket: no TLS connection.
                apiserver(&["--etcd-servers=unix:///var/lib/kine/kine.sock"]),
            ])
            .fail([
                apiserver(&[SERVERS]),
                apiserver(&[
                    "--etcd-servers",
                    "https://10.0.0.10:2379,https://10.0.0.11:2379",
                ]),
                apiserver(&[CA, "--etcd-cafile=", SERVERS]),
                apiserver_args(&["--etcd-servers=http://10.0.0.10:2379"]),
                apiserver(&["--etcd-servers=$(ETCD_ENDPOINTS)"]),
            ])
            .fix_round_trip([
                apiserver(&[SERVERS]),
                apiserver(&[SERVERS, "--etcd-cafile="]),
                flow(&apiserver(&[SERVERS])),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use super::{etcd_servers_note, networked_etcd_servers, with_datastore_options};
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that reaches etcd over the network without a client certificate:
    /// `--etcd-servers` lists a server that is not a `unix://` socket, and `--etcd-certfile` or
    /// `--etcd-keyfile` is not set.
    ///
    /// ## Why is this bad?
    /// etcd recognizes the apiserver by its client certificate. An apiserver that has none
    /// can only work with an etcd that lets in clients without certificates — which means
    /// anyone who reaches etcd's port can read every Secret and rewrite any object, bypassing
    /// the apiserver's authentication, authorization, admission and audit altogether.
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
    ///     - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
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
    /// servers are all `unix://` sockets (as with kine) has no TLS connection to etcd. It does
    /// fire for `http://` servers: over plain HTTP no certificate can be presented, and the fix
    /// needs these files too.
    ///
    /// ## Fix
    /// Unsafe, and only when neither flag is written: adds kubeadm's paths,
    /// `--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt` and
    /// `--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key`. The files must exist and be
    /// signed by the CA etcd trusts, or the apiserver cannot reach etcd.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.29 (ensure that the `--etcd-certfile` and `--etcd-keyfile` arguments are set as appropriate)
    /// - Kubernetes documentation: "Operating etcd clusters for Kubernetes", securing communication
    pub ApiserverEtcdClientCertMissing,
    code = "KETC009",
    name = "apiserver-etcd-client-cert-missing",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver presents no client certificate to etcd",
    cis = ["apiserver.etcd-client-certificate"],
}

impl Rule for ApiserverEtcdClientCertMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(servers) = networked_etcd_servers(&api) else {
                continue;
            };
            let cert = api
                .etcd_certfile()
                .filter(|cert| !cert.value.trim().is_empty());
            let key = api
                .etcd_keyfile()
                .filter(|key| !key.value.trim().is_empty());
            let (message, label, help) = match (&cert, &key) {
                (Some(_), Some(_)) => continue,
                (Some(cert), None) => (
                    format!(
                        "`--etcd-keyfile` not set while {}; the apiserver cannot present its certificate to etcd",
                        notes::flag_state("etcd-certfile", cert)
                    ),
                    "no `--etcd-keyfile` among these flags",
                    "add `--etcd-keyfile=<path>` with the key of that certificate",
                ),
                (None, Some(key)) => (
                    format!(
                        "`--etcd-certfile` not set while {}; the apiserver cannot present a certificate to etcd",
                        notes::flag_state("etcd-keyfile", key)
                    ),
                    "no `--etcd-certfile` among these flags",
                    "add `--etcd-certfile=<path>` with the certificate of that key",
                ),
                (None, None) => (
                    "`--etcd-certfile` and `--etcd-keyfile` not set; the apiserver shows etcd no client certificate".to_owned(),
                    "no `--etcd-certfile` or `--etcd-keyfile` among these flags",
                    "add `--etcd-certfile=<path>` and `--etcd-keyfile=<path>` with a client certificate signed by etcd's CA",
                ),
            };
            let neither_written =
                !api.flags().contains("etcd-certfile") && !api.flags().contains("etcd-keyfile");
            let fix = neither_written
                .then(|| {
                    fixes::add_flags(
                        inventory,
                        api.process,
                        &[
                            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
                            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
                        ],
                    )
                })
                .flatten()
                .map(|edits| {
                    fixes::unsafe_fix("Add kubeadm's etcd client certificate and key", edits)
                });
            let help = with_datastore_options(
                inventory,
                &api,
                help,
                "`datastore-certfile` and `datastore-keyfile`",
            );
            let finding = findings
                .report(api.missing_anchor(), message)
                .label(label)
                .help(help)
                .note(etcd_servers_note(
                    &servers,
                    "etcd either lets in clients without a certificate, or this apiserver cannot connect",
                    "no certificate can be presented there, so etcd at that address lets in any client",
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
    const CERT: &str = "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt";
    const KEY: &str = "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key";

    #[test]
    fn cases() {
        Tester::new(&ApiserverEtcdClientCertMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&[SERVERS, CERT, KEY]),
                apiserver(&[
                    SERVERS,
                    "--etcd-certfile",
                    "/etc/kubernetes/pki/apiserver-etcd-client.crt",
                    "--etcd-keyfile",
                    "/etc/kubernetes/pki/apiserver-etcd-client.key",
                ]),
                apiserver_args(&[SERVERS, CERT, KEY]),
                apiserver(&["--anonymous-auth=false"]),
                apiserver(&["--etcd-servers=unix:///var/lib/kine/kine.sock"]),
            ])
            .fail([
                apiserver(&[SERVERS]),
                apiserver(&[SERVERS, CERT]),
                apiserver(&[SERVERS, KEY, "--etcd-certfile="]),
                apiserver_args(&["--etcd-servers=http://127.0.0.1:2379"]),
            ])
            .fix_round_trip([apiserver(&[SERVERS]), flow(&apiserver(&[SERVERS]))])
            .test_and_snapshot();
    }
}

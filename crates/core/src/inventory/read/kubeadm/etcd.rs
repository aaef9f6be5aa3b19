//! The local etcd static pod kubeadm writes from a `ClusterConfiguration`.

use super::{
    Context, DEFAULT_ETCD_DATA_DIR, Doc, LOCAL_ETCD_EXTRA_ARGS, NODE_NAME, by_kubeadm,
    command_line, process,
};
use crate::component::Component;
use crate::inventory::Process;

impl Context<'_> {
    /// The local etcd static pod, unless the config points at an external etcd.
    pub(super) fn etcd(&self, cluster: &Doc<'_, '_>) -> Option<Process> {
        let file = self.file;
        let g = self.generation;
        let etcd = cluster.get("etcd");
        if etcd.is_some_and(|e| {
            e.get("external").is_some()
                || e.get("endpoints")
                    .is_some_and(|n| n.items().next().is_some())
        }) {
            return None;
        }
        let anchor = cluster.anchor(&[
            &["etcd", "local", "extraArgs"],
            &["etcd", "extraArgs"],
            &["etcd", "local"],
            &["etcd"],
        ]);
        let overrides = cluster.extra_args(LOCAL_ETCD_EXTRA_ARGS);
        let data_dir = etcd
            .and_then(|e| e.get("local").or(Some(e)))
            .and_then(|e| e.str_at("dataDir"))
            .unwrap_or(DEFAULT_ETCD_DATA_DIR);
        let kubeadm = |name: &str, value: &str| by_kubeadm(name, value, anchor);
        let mut base = vec![kubeadm("data-dir", data_dir)];
        if g.before(10) {
            base.push(kubeadm("listen-client-urls", "http://127.0.0.1:2379"));
            base.push(kubeadm("advertise-client-urls", "http://127.0.0.1:2379"));
        } else {
            let (client, peer, localhost) = if g.before(12) {
                (
                    "https://127.0.0.1:2379".to_owned(),
                    "https://localhost:2380".to_owned(),
                    "127.0.0.1",
                )
            } else {
                let address = self.endpoint.address();
                let localhost = if self.endpoint.is_ipv6() {
                    "[::1]"
                } else {
                    "127.0.0.1"
                };
                (
                    format!("https://{address}:2379"),
                    format!("https://{address}:2380"),
                    localhost,
                )
            };
            let listen_client = if g.before(12) {
                client.clone()
            } else {
                format!("https://{localhost}:2379,{client}")
            };
            let name = self.endpoint.node_name.as_deref().unwrap_or(NODE_NAME);
            base.extend([
                kubeadm("name", name),
                kubeadm("listen-client-urls", &listen_client),
                kubeadm("advertise-client-urls", &client),
                kubeadm("listen-peer-urls", &peer),
                kubeadm("initial-advertise-peer-urls", &peer),
                kubeadm("initial-cluster", &format!("{name}={peer}")),
                kubeadm("cert-file", &self.cert("etcd/server.crt")),
                kubeadm("key-file", &self.cert("etcd/server.key")),
                kubeadm("trusted-ca-file", &self.cert("etcd/ca.crt")),
                kubeadm("client-cert-auth", "true"),
                kubeadm("peer-cert-file", &self.cert("etcd/peer.crt")),
                kubeadm("peer-key-file", &self.cert("etcd/peer.key")),
                kubeadm("peer-trusted-ca-file", &self.cert("etcd/ca.crt")),
                kubeadm("peer-client-cert-auth", "true"),
                kubeadm("snapshot-count", "10000"),
            ]);
            if !g.before(13) {
                base.push(kubeadm(
                    "listen-metrics-urls",
                    &format!("http://{localhost}:2381"),
                ));
            }
        }
        let words = command_line(base, &overrides, Vec::new());
        Some(process(
            file,
            Component::Etcd,
            words,
            anchor,
            None,
            self.version.map(|v| v.value),
        ))
    }
}

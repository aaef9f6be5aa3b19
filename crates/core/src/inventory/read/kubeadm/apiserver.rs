//! The kube-apiserver static pod kubeadm writes from a `ClusterConfiguration`.

use super::{
    Context, DEFAULT_DNS_DOMAIN, DEFAULT_SERVICE_SUBNET, Doc, ExtraArg, LOCAL_ETCD_EXTRA_ARGS,
    NODE_ADDRESS, by_kubeadm, command_line, process, under_runner,
};
use crate::component::Component;
use crate::flags::values::APISERVER_AUTHORIZATION_MODES;
use crate::inventory::Process;
use crate::inventory::read::flag_words::FlagWord;
use crate::source::{MappedText, Span};
use crate::yaml::NodeRef;

/// `--admission-control` as kubeadm wrote it up to 1.10, by the last release that wrote each
/// list; later releases write `--enable-admission-plugins=NodeRestriction`.
const ADMISSION_CONTROL: &[(u32, &str)] = &[
    (
        6,
        "NamespaceLifecycle,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,DefaultTolerationSeconds,ResourceQuota",
    ),
    (
        7,
        "Initializers,NamespaceLifecycle,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,ResourceQuota",
    ),
    (
        8,
        "NamespaceLifecycle,Initializers,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,ResourceQuota",
    ),
    (
        9,
        "NamespaceLifecycle,Initializers,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,ResourceQuota",
    ),
    (
        10,
        "NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota",
    ),
];

impl Context<'_> {
    pub(super) fn api_server(&self, cluster: &Doc<'_, '_>) -> Process {
        let file = self.file;
        let g = self.generation;
        let extra_paths: &[&[&str]] = &[&["apiServer", "extraArgs"], &["apiServerExtraArgs"]];
        let anchor = cluster.anchor(&[extra_paths[0], extra_paths[1], &["apiServer"]]);
        let mut overrides = under_runner(
            self.runner.map(|r| r.args(&r.api_server_args, anchor)),
            cluster.extra_args(extra_paths),
        );

        let kubeadm = |name: &str, value: &str| by_kubeadm(name, value, anchor);
        let mut base = vec![
            kubeadm("allow-privileged", "true"),
            kubeadm("client-ca-file", &self.cert("ca.crt")),
            kubeadm(
                "kubelet-client-certificate",
                &self.cert("apiserver-kubelet-client.crt"),
            ),
            kubeadm(
                "kubelet-client-key",
                &self.cert("apiserver-kubelet-client.key"),
            ),
            kubeadm(
                "kubelet-preferred-address-types",
                "InternalIP,ExternalIP,Hostname",
            ),
            kubeadm("requestheader-allowed-names", "front-proxy-client"),
            kubeadm(
                "requestheader-client-ca-file",
                &self.cert("front-proxy-ca.crt"),
            ),
            kubeadm("requestheader-extra-headers-prefix", "X-Remote-Extra-"),
            kubeadm("requestheader-group-headers", "X-Remote-Group"),
            kubeadm("requestheader-username-headers", "X-Remote-User"),
            kubeadm("service-account-key-file", &self.cert("sa.pub")),
            kubeadm("tls-cert-file", &self.cert("apiserver.crt")),
            kubeadm("tls-private-key-file", &self.cert("apiserver.key")),
        ];
        base.push(match &self.endpoint.advertise_address {
            Some(address) => FlagWord::written("advertise-address", address, address.span),
            None => kubeadm("advertise-address", NODE_ADDRESS),
        });
        base.push(match &self.endpoint.bind_port {
            Some(port) => FlagWord::written("secure-port", port, port.span),
            None => kubeadm("secure-port", "6443"),
        });
        base.push(
            match cluster
                .path(&["networking", "serviceSubnet"])
                .and_then(NodeRef::mapped_text)
            {
                Some(subnet) => FlagWord::written("service-cluster-ip-range", &subnet, subnet.span),
                None => kubeadm("service-cluster-ip-range", DEFAULT_SERVICE_SUBNET),
            },
        );
        if !g.before(7) {
            base.push(kubeadm(
                "proxy-client-cert-file",
                &self.cert("front-proxy-client.crt"),
            ));
            base.push(kubeadm(
                "proxy-client-key-file",
                &self.cert("front-proxy-client.key"),
            ));
        }
        if g.before(8) {
            base.push(kubeadm("experimental-bootstrap-token-auth", "true"));
        } else {
            base.push(kubeadm("enable-bootstrap-token-auth", "true"));
        }
        if g.before(22) {
            base.push(kubeadm("insecure-port", "0"));
        }
        if !g.before(20) {
            let domain = cluster
                .path(&["networking", "dnsDomain"])
                .and_then(NodeRef::as_str)
                .unwrap_or(DEFAULT_DNS_DOMAIN);
            base.push(kubeadm(
                "service-account-issuer",
                &format!("https://kubernetes.default.svc.{domain}"),
            ));
            base.push(kubeadm(
                "service-account-signing-key-file",
                &self.cert("sa.key"),
            ));
        }
        match ADMISSION_CONTROL
            .iter()
            .find(|(last, _)| g.version.minor <= *last)
        {
            Some((_, plugins)) => base.push(kubeadm("admission-control", plugins)),
            None => {
                base.push(kubeadm("enable-admission-plugins", "NodeRestriction"));
                if g.version.minor == 11 {
                    base.push(kubeadm(
                        "disable-admission-plugins",
                        "PersistentVolumeLabel",
                    ));
                }
            }
        }

        let mut tail = Vec::new();
        self.authorization(cluster, &mut base, &mut overrides, &mut tail, anchor);
        self.api_server_etcd(cluster, &mut base, &mut tail, anchor);

        let words = command_line(base, &overrides, tail);
        process(
            file,
            Component::ApiServer,
            words,
            anchor,
            self.image("kube-apiserver"),
            self.version.map(|v| v.value),
        )
    }

    /// `--authorization-mode` as kubeadm of each release decides it.
    fn authorization(
        &self,
        cluster: &Doc<'_, '_>,
        base: &mut Vec<FlagWord>,
        overrides: &mut Vec<ExtraArg>,
        tail: &mut Vec<FlagWord>,
        anchor: Span,
    ) {
        let g = self.generation;
        let default_modes = if g.before(7) { "RBAC" } else { "Node,RBAC" };
        if g.before(11) {
            // From the config's own field, after the `extraArgs`.
            let field = cluster
                .get("authorizationModes")
                .filter(|n| n.items().next().is_some())
                .map(|list| {
                    let items: Vec<MappedText> =
                        list.items().filter_map(NodeRef::mapped_text).collect();
                    FlagWord::joined("authorization-mode", &items, list.span())
                })
                .or_else(|| {
                    let mode = cluster
                        .get("authorizationMode")
                        .and_then(NodeRef::mapped_text)?;
                    Some(FlagWord::written("authorization-mode", &mode, mode.span))
                });
            tail.push(
                field.unwrap_or_else(|| by_kubeadm("authorization-mode", default_modes, anchor)),
            );
            return;
        }
        let written_config = overrides.iter().any(|a| a.name == "authorization-config");
        if written_config && !g.before(30) {
            return;
        }
        let written = overrides
            .iter()
            .rev()
            .find(|a| a.name == "authorization-mode")
            .map(|a| a.word.clone());
        if g.before(17) {
            // Node,RBAC always, then ABAC and Webhook if the written value names them.
            let mut modes = default_modes.to_owned();
            for extra in ["ABAC", "Webhook"] {
                if written.as_ref().is_some_and(|w| w.value.contains(extra)) {
                    modes.push(',');
                    modes.push_str(extra);
                }
            }
            overrides.retain(|a| a.name != "authorization-mode");
            base.push(by_kubeadm("authorization-mode", modes, anchor));
            return;
        }
        match written {
            // From 1.31 the written entries override kubeadm's as they are.
            Some(_) if !g.before(31) => {}
            Some(word) => {
                // 1.17-1.30: kubeadm drops modes it does not know, and writes its default
                // when none is left.
                overrides.retain(|a| a.name != "authorization-mode");
                base.push(
                    word.retain_items(|mode| APISERVER_AUTHORIZATION_MODES.contains(&mode))
                        .unwrap_or_else(|| by_kubeadm("authorization-mode", default_modes, anchor)),
                );
            }
            None => base.push(by_kubeadm("authorization-mode", default_modes, anchor)),
        }
    }

    /// The apiserver's etcd flags: a local etcd over TLS (plain HTTP before 1.10), or the
    /// external cluster's endpoints and certificates.
    fn api_server_etcd(
        &self,
        cluster: &Doc<'_, '_>,
        base: &mut Vec<FlagWord>,
        tail: &mut Vec<FlagWord>,
        anchor: Span,
    ) {
        let g = self.generation;
        let etcd = cluster.get("etcd");
        let external = etcd.and_then(|e| e.get("external")).or_else(|| {
            // v1alpha1: endpoints right under `etcd`.
            etcd.filter(|e| {
                e.get("endpoints")
                    .is_some_and(|n| n.items().next().is_some())
            })
        });
        // Before 1.10, kubeadm appended the etcd flags after the rest.
        let target = if g.before(10) { tail } else { base };
        if let Some(external) = external {
            if let Some(list) = external.get("endpoints") {
                let items: Vec<MappedText> =
                    list.items().filter_map(NodeRef::mapped_text).collect();
                target.push(FlagWord::joined("etcd-servers", &items, list.span()));
            }
            let scalar = |key: &str| {
                external
                    .get(key)
                    .and_then(NodeRef::mapped_text)
                    .filter(|t| !t.text.is_empty())
            };
            if let Some(ca) = scalar("caFile") {
                target.push(FlagWord::written("etcd-cafile", &ca, ca.span));
            }
            if let (Some(cert), Some(key)) = (scalar("certFile"), scalar("keyFile")) {
                target.push(FlagWord::written("etcd-certfile", &cert, cert.span));
                target.push(FlagWord::written("etcd-keyfile", &key, key.span));
            }
            return;
        }
        if g.before(10) {
            target.push(by_kubeadm("etcd-servers", "http://127.0.0.1:2379", anchor));
            return;
        }
        let localhost = if self.endpoint.is_ipv6() {
            "[::1]"
        } else {
            "127.0.0.1"
        };
        // A local etcd's own client URLs, when written, are where the apiserver finds it.
        let local_args = cluster.extra_args(LOCAL_ETCD_EXTRA_ARGS);
        let servers_from = if g.before(14) {
            "listen-client-urls"
        } else {
            "advertise-client-urls"
        };
        let servers = match local_args.iter().rev().find(|a| a.name == servers_from) {
            Some(arg) if !g.before(12) => arg.word.renamed("etcd-servers"),
            _ => by_kubeadm("etcd-servers", format!("https://{localhost}:2379"), anchor),
        };
        target.push(servers);
        target.push(by_kubeadm("etcd-cafile", self.cert("etcd/ca.crt"), anchor));
        target.push(by_kubeadm(
            "etcd-certfile",
            self.cert("apiserver-etcd-client.crt"),
            anchor,
        ));
        target.push(by_kubeadm(
            "etcd-keyfile",
            self.cert("apiserver-etcd-client.key"),
            anchor,
        ));
    }
}

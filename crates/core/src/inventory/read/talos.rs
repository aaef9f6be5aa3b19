//! Talos machine configs (`version: v1alpha1`) and the patches merged into them: the
//! components Talos runs from `cluster.apiServer`, `cluster.controllerManager`,
//! `cluster.scheduler`, `cluster.etcd` and `machine.kubelet`.
//!
//! Talos builds each command line from its own arguments and the config's `extraArgs`
//! (siderolabs/talos v1.13.9, `internal/app/machined/pkg/controllers/k8s/control_plane_static_pod.go`
//! for the control plane, `internal/app/machined/pkg/system/services/etcd.go` for etcd,
//! `internal/app/machined/pkg/controllers/k8s/kubelet_spec.go` for the kubelet): an `extraArgs`
//! entry replaces Talos's argument of its name, except that a few lists are merged
//! (`enable-admission-plugins`, `authorization-mode`, `feature-gates`, `tls-cipher-suites`:
//! Talos's items, then the entry's new ones) and the certificate and etcd arguments cannot be
//! changed (Talos refuses such a config; the entry is ignored here). Talos's arguments are
//! Talos-written words, so a finding on one says it is Talos's default.
//!
//! The kubelet reads a config file Talos writes: anonymous authentication off, webhook
//! authentication and authorization, Talos's client CA; `machine.kubelet.extraConfig` fields
//! change it and `extraArgs` flags beat both. Those settings are read as the flags they
//! correspond to.
//!
//! A patch (no `version`) is read for the sections it has. The image tags
//! (`cluster.apiServer.image`, `machine.kubelet.image`) give the version.

use super::flag_words::FlagWord;
use crate::component::Component;
use crate::flags::{FlagSet, WrittenBy};
use crate::inventory::{FileId, Inventory, Origin, Process};
use crate::source::{MappedText, Span, TextMap};
use crate::version::{KubeVersion, version_from_image};
use crate::yaml::{NodeKind, NodeRef};

/// Where Talos keeps the API server's certificates and its configuration files.
const APISERVER_SECRETS: &str = "/system/secrets/kubernetes/kube-apiserver";
const APISERVER_CONFIG: &str = "/system/config/kubernetes/kube-apiserver";
const ETCD_PKI: &str = "/system/secrets/etcd";
/// What an address Talos picks at run time stands for.
const NODE_ADDRESS: &str = "{node-address}";
const CONTROL_PLANE_ENDPOINT: &str = "{control-plane-endpoint}";

/// Arguments whose `extraArgs` items are added to Talos's.
const ADDITIVE: &[&str] = &[
    "enable-admission-plugins",
    "authorization-mode",
    "feature-gates",
    "tls-cipher-suites",
    "service-cluster-ip-range",
    "controllers",
];

/// API server arguments Talos does not let `extraArgs` change.
const APISERVER_DENIED: &[&str] = &[
    "etcd-servers",
    "client-ca-file",
    "requestheader-client-ca-file",
    "proxy-client-cert-file",
    "proxy-client-key-file",
    "encryption-provider-config",
    "etcd-cafile",
    "etcd-certfile",
    "etcd-keyfile",
    "kubelet-client-certificate",
    "kubelet-client-key",
    "service-account-key-file",
    "service-account-signing-key-file",
    "tls-cert-file",
    "tls-private-key-file",
    "authorization-config",
];

/// etcd arguments Talos does not let `extraArgs` change (every one it sets).
const ETCD_DENIED: &[&str] = &[
    "name",
    "auto-tls",
    "peer-auto-tls",
    "data-dir",
    "listen-peer-urls",
    "listen-client-urls",
    "client-cert-auth",
    "cert-file",
    "key-file",
    "trusted-ca-file",
    "peer-client-cert-auth",
    "peer-cert-file",
    "peer-key-file",
    "peer-trusted-ca-file",
    "initial-cluster-state",
    "initial-cluster",
    "initial-advertise-peer-urls",
    "advertise-client-urls",
];

/// The first release whose API server Talos configures with `--authorization-config` rather
/// than `--authorization-mode` when the config names no mode.
const AUTHORIZATION_CONFIG_SINCE: KubeVersion = KubeVersion::new(1, 29);

/// Whether a document without a `kind` is a Talos machine config (`version: v1alpha1`) or a
/// patch of one (a `machine.kubelet` or `cluster.<component>` section).
pub(super) fn is_machine_config(root: NodeRef<'_, '_>) -> bool {
    if root.get("kind").is_some() || root.get("apiVersion").is_some() {
        return false;
    }
    let section = |key: &str| root.get(key).is_some_and(NodeRef::is_mapping);
    (root.str_at("version") == Some("v1alpha1") && (section("machine") || section("cluster")))
        || root
            .path(&["machine", "kubelet"])
            .is_some_and(NodeRef::is_mapping)
        || ["apiServer", "controllerManager", "scheduler", "etcd"]
            .iter()
            .any(|key| {
                root.path(&["cluster", key])
                    .is_some_and(NodeRef::is_mapping)
            })
}

/// Reads the machine config (or patch) `root` of `file`.
pub(super) fn read(inventory: &mut Inventory, file: FileId, root: NodeRef<'_, '_>) {
    let machine_type = root.path(&["machine", "type"]).and_then(NodeRef::as_str);
    let full = root.str_at("version") == Some("v1alpha1");
    let control_plane = matches!(machine_type, Some("controlplane" | "init"));
    let anchor = root
        .entry("version")
        .or_else(|| root.entry("cluster"))
        .or_else(|| root.entry("machine"))
        .map_or(root.span(), |(key, _)| key.span());
    let cluster = root.get("cluster");
    let section = |key: &str| cluster.and_then(|c| c.entry(key));
    let api_image = section("apiServer").and_then(|(_, s)| s.get("image"));
    let version = api_image
        .and_then(NodeRef::as_str)
        .and_then(version_from_image);
    let reader = Reader { file, anchor };
    let mut processes = Vec::new();
    let wanted = |key: &str| (full && control_plane) || section(key).is_some();
    if wanted("apiServer") {
        processes.push(reader.api_server(cluster, section("apiServer"), version));
    }
    let others: [(&str, Component, Args, &[&str]); 3] = [
        (
            "controllerManager",
            Component::ControllerManager,
            controller_manager_args(),
            &[],
        ),
        ("scheduler", Component::Scheduler, scheduler_args(), &[]),
        ("etcd", Component::Etcd, etcd_args(), ETCD_DENIED),
    ];
    for (key, component, base, denied) in others {
        if wanted(key) {
            processes.push(reader.plain(component, section(key), base, denied));
        }
    }
    let kubelet = root.path(&["machine"]).and_then(|m| m.entry("kubelet"));
    if full || kubelet.is_some() {
        processes.push(reader.kubelet(kubelet));
    }
    inventory.processes.extend(processes);
}

/// A component's arguments from Talos, by name.
type Args = Vec<(&'static str, String)>;

/// Reading one config's components.
struct Reader {
    file: FileId,
    /// Where a component without a section of its own is anchored.
    anchor: Span,
}

impl Reader {
    fn talos(&self, name: &str, value: &str, anchor: Span) -> FlagWord {
        FlagWord::generated(name, value, anchor, WrittenBy::Talos)
    }

    /// The section's key span, else the config's anchor.
    fn anchor_of(&self, section: Option<(NodeRef<'_, '_>, NodeRef<'_, '_>)>) -> Span {
        section
            .and_then(|(key, value)| {
                value
                    .entry("extraArgs")
                    .map(|(k, _)| k.span())
                    .or(Some(key.span()))
            })
            .unwrap_or(self.anchor)
    }

    /// kube-apiserver: Talos's arguments for the release the image names, merged with
    /// `extraArgs`.
    fn api_server(
        &self,
        cluster: Option<NodeRef<'_, '_>>,
        section: Option<(NodeRef<'_, '_>, NodeRef<'_, '_>)>,
        version: Option<KubeVersion>,
    ) -> Process {
        let anchor = self.anchor_of(section);
        let extra = extra_args(section.and_then(|(_, s)| s.get("extraArgs")));
        let endpoint = cluster
            .and_then(|c| c.path(&["controlPlane", "endpoint"]))
            .and_then(NodeRef::as_str)
            .unwrap_or(CONTROL_PLANE_ENDPOINT);
        let secret = |name: &str| format!("{APISERVER_SECRETS}/{name}");
        let mut base: Vec<(&str, String)> = vec![
            (
                "admission-control-config-file",
                format!("{APISERVER_CONFIG}/admission-control-config.yaml"),
            ),
            ("allow-privileged", "true".into()),
            ("anonymous-auth", "false".into()),
            ("api-audiences", endpoint.into()),
            ("bind-address", "0.0.0.0".into()),
            ("client-ca-file", secret("ca.crt")),
            ("enable-admission-plugins", "NodeRestriction".into()),
            ("requestheader-client-ca-file", secret("aggregator-ca.crt")),
            ("requestheader-allowed-names", "front-proxy-client".into()),
            (
                "requestheader-extra-headers-prefix",
                "X-Remote-Extra-".into(),
            ),
            ("requestheader-group-headers", "X-Remote-Group".into()),
            ("requestheader-username-headers", "X-Remote-User".into()),
            ("proxy-client-cert-file", secret("front-proxy-client.crt")),
            ("proxy-client-key-file", secret("front-proxy-client.key")),
            ("enable-bootstrap-token-auth", "true".into()),
            ("tls-min-version", "VersionTLS12".into()),
            (
                "encryption-provider-config",
                secret("encryptionconfig.yaml"),
            ),
            (
                "audit-policy-file",
                format!("{APISERVER_CONFIG}/auditpolicy.yaml"),
            ),
            (
                "audit-log-path",
                "/var/log/audit/kube/kube-apiserver.log".into(),
            ),
            ("audit-log-maxage", "30".into()),
            ("audit-log-maxbackup", "10".into()),
            ("audit-log-maxsize", "100".into()),
            ("profiling", "false".into()),
            ("etcd-cafile", secret("etcd-client-ca.crt")),
            ("etcd-certfile", secret("etcd-client.crt")),
            ("etcd-keyfile", secret("etcd-client.key")),
            ("etcd-servers", "https://localhost:2379".into()),
            (
                "kubelet-client-certificate",
                secret("apiserver-kubelet-client.crt"),
            ),
            ("kubelet-client-key", secret("apiserver-kubelet-client.key")),
            ("secure-port", "6443".into()),
            ("service-account-issuer", endpoint.into()),
            ("service-account-key-file", secret("service-account.pub")),
            (
                "service-account-signing-key-file",
                secret("service-account.key"),
            ),
            ("tls-cert-file", secret("apiserver.crt")),
            ("tls-private-key-file", secret("apiserver.key")),
            (
                "kubelet-preferred-address-types",
                "InternalIP,ExternalIP,Hostname".into(),
            ),
        ];
        let authorization_written = extra.iter().any(|(name, _)| {
            name == "authorization-mode" || name.starts_with("authorization-webhook")
        });
        let config_file = version.is_none_or(|v| !v.is_before(AUTHORIZATION_CONFIG_SINCE));
        if authorization_written || !config_file {
            base.push(("authorization-mode", "Node,RBAC".into()));
        } else {
            base.push((
                "authorization-config",
                format!("{APISERVER_CONFIG}/authorization-config.yaml"),
            ));
        }
        let words = self.merge(base, extra, APISERVER_DENIED, anchor);
        let image = section
            .and_then(|(_, s)| s.get("image"))
            .and_then(|image| image.located_string(self.file));
        self.process(Component::ApiServer, words, anchor, image, version)
    }

    /// A component whose command line is Talos's arguments merged with `extraArgs`.
    fn plain(
        &self,
        component: Component,
        section: Option<(NodeRef<'_, '_>, NodeRef<'_, '_>)>,
        base: Args,
        denied: &[&str],
    ) -> Process {
        let anchor = self.anchor_of(section);
        let extra = extra_args(section.and_then(|(_, s)| s.get("extraArgs")));
        let words = self.merge(base, extra, denied, anchor);
        let image = section
            .and_then(|(_, s)| s.get("image"))
            .and_then(|image| image.located_string(self.file));
        // etcd's tag is etcd's own release, not a Kubernetes one.
        let version = image
            .as_ref()
            .filter(|_| component != Component::Etcd)
            .and_then(|i| version_from_image(&i.value));
        self.process(component, words, anchor, image, version)
    }

    /// The kubelet: the settings of the config file Talos writes, `extraConfig` over them,
    /// `extraArgs` over both.
    fn kubelet(&self, section: Option<(NodeRef<'_, '_>, NodeRef<'_, '_>)>) -> Process {
        let anchor = self.anchor_of(section);
        let config = section.and_then(|(_, s)| s.get("extraConfig"));
        let mut words: Vec<FlagWord> = Vec::new();
        for (flag, path, value) in [
            (
                "anonymous-auth",
                &["authentication", "anonymous", "enabled"][..],
                "false",
            ),
            (
                "authentication-token-webhook",
                &["authentication", "webhook", "enabled"],
                "true",
            ),
            ("authorization-mode", &["authorization", "mode"], "Webhook"),
            (
                "client-ca-file",
                &["authentication", "x509", "clientCAFile"],
                "/etc/kubernetes/pki/ca.crt",
            ),
            ("read-only-port", &["readOnlyPort"], "0"),
        ] {
            let written = config
                .and_then(|c| c.path(path))
                .and_then(|node| Some((node.mapped_text()?, node.span())));
            words.push(match written {
                Some((text, span)) => FlagWord::written(flag, &text, span),
                None => self.talos(flag, value, anchor),
            });
        }
        let extra = extra_args(section.and_then(|(_, s)| s.get("extraArgs")));
        words.retain(|w| !extra.iter().any(|(name, _)| *name == w.name));
        words.extend(extra.into_iter().map(|(_, word)| word));
        let image = section
            .and_then(|(_, s)| s.get("image"))
            .and_then(|image| image.located_string(self.file));
        let version = image.as_ref().and_then(|i| version_from_image(&i.value));
        self.process(Component::Kubelet, words, anchor, image, version)
    }

    /// Talos's arguments `base` merged with `extra` as Talos merges them, sorted by name.
    fn merge(
        &self,
        base: Vec<(&str, String)>,
        extra: Vec<(String, FlagWord)>,
        denied: &[&str],
        anchor: Span,
    ) -> Vec<FlagWord> {
        let mut words: Vec<FlagWord> = base
            .into_iter()
            .map(|(name, value)| self.talos(name, &value, anchor))
            .collect();
        for (name, word) in extra {
            if denied.contains(&name.as_str()) {
                continue;
            }
            match words.iter().position(|w| w.name == name) {
                Some(at) if ADDITIVE.contains(&name.as_str()) => {
                    words[at] = added(&words[at], &word);
                }
                Some(at) => words[at] = word,
                None => words.push(word),
            }
        }
        words.sort_by(|a, b| a.name.cmp(&b.name));
        words
    }

    fn process(
        &self,
        component: Component,
        words: Vec<FlagWord>,
        anchor: Span,
        image: Option<crate::source::Located<String>>,
        version: Option<KubeVersion>,
    ) -> Process {
        let words: Vec<_> = words.into_iter().map(|w| w.into_word(self.file)).collect();
        Process {
            file: self.file,
            origin: Origin::Talos,
            image,
            component: Some(component),
            detection: None,
            image_version: version,
            flags: FlagSet::parse(component, &words),
            flags_anchor: anchor,
            env: Vec::new(),
            unresolved: Vec::new(),
        }
    }
}

/// Talos's list `base` with the items of `extra` it lacks added, as one word written where
/// `extra` is (its items keep their bytes).
fn added(base: &FlagWord, extra: &FlagWord) -> FlagWord {
    let mut value = base.value.clone();
    let mut map = TextMap::default();
    let prefix = "--".len() + base.name.len() + "=".len();
    let extra_prefix = "--".len() + extra.name.len() + "=".len();
    let mut offset = 0;
    for item in extra.value.split(',') {
        let range = extra_prefix + offset..extra_prefix + offset + item.len();
        offset += item.len() + 1;
        let trimmed = item.trim();
        if trimmed.is_empty() || value.split(',').any(|v| v.trim() == trimmed) {
            continue;
        }
        value.push(',');
        map.append(prefix + value.len(), &extra.text.map.slice(range));
        value.push_str(item);
    }
    FlagWord {
        name: base.name.clone(),
        text: MappedText::new(format!("--{}={value}", base.name), extra.text.span, map),
        value,
        written_by: WrittenBy::User,
    }
}

/// `extraArgs`: a map of a flag to a value or (Talos 1.12+) a list of values, each
/// `--name=value` word at its bytes.
fn extra_args(node: Option<NodeRef<'_, '_>>) -> Vec<(String, FlagWord)> {
    let mut args = Vec::new();
    let Some(node) = node else {
        return args;
    };
    for (key, value) in node.entries() {
        let Some(name) = key.mapped_text() else {
            continue;
        };
        let span = key.span().cover(value.span());
        let values: Vec<MappedText> = match value.kind() {
            NodeKind::Sequence(_) => value.items().filter_map(NodeRef::mapped_text).collect(),
            _ => value.mapped_text().into_iter().collect(),
        };
        for text in values {
            let word = FlagWord::entry(&name.text, Some(&name.map), &text, span);
            args.push((name.text.clone(), word));
        }
    }
    args
}

/// kube-controller-manager's arguments from Talos.
fn controller_manager_args() -> Args {
    let secret = |name: &str| format!("/system/secrets/kubernetes/kube-controller-manager/{name}");
    vec![
        ("allocate-node-cidrs", "true".into()),
        ("bind-address", "127.0.0.1".into()),
        ("cluster-signing-cert-file", secret("ca.crt")),
        ("cluster-signing-key-file", secret("ca.key")),
        ("controllers", "*,tokencleaner".into()),
        ("configure-cloud-routes", "false".into()),
        ("kubeconfig", secret("kubeconfig")),
        ("authentication-kubeconfig", secret("kubeconfig")),
        ("authorization-kubeconfig", secret("kubeconfig")),
        ("leader-elect", "true".into()),
        ("root-ca-file", secret("ca.crt")),
        (
            "service-account-private-key-file",
            secret("service-account.key"),
        ),
        ("profiling", "false".into()),
        ("tls-min-version", "VersionTLS13".into()),
        ("use-service-account-credentials", "true".into()),
    ]
}

/// kube-scheduler's arguments from Talos.
fn scheduler_args() -> Args {
    let secret = "/system/secrets/kubernetes/kube-scheduler/kubeconfig";
    vec![
        (
            "config",
            "/system/config/kubernetes/kube-scheduler/scheduler-config.yaml".into(),
        ),
        ("authentication-tolerate-lookup-failure", "false".into()),
        ("authentication-kubeconfig", secret.into()),
        ("authorization-kubeconfig", secret.into()),
        ("bind-address", "127.0.0.1".into()),
        ("leader-elect", "true".into()),
        ("profiling", "false".into()),
        ("tls-min-version", "VersionTLS13".into()),
    ]
}

/// etcd's arguments from Talos, over TLS with client and peer certificates.
fn etcd_args() -> Args {
    let pki = |name: &str| format!("{ETCD_PKI}/{name}");
    vec![
        ("name", "{node-name}".into()),
        ("auto-tls", "false".into()),
        ("peer-auto-tls", "false".into()),
        ("data-dir", "/var/lib/etcd".into()),
        ("listen-peer-urls", format!("https://{NODE_ADDRESS}:2380")),
        ("listen-client-urls", format!("https://{NODE_ADDRESS}:2379")),
        (
            "advertise-client-urls",
            format!("https://{NODE_ADDRESS}:2379"),
        ),
        ("client-cert-auth", "true".into()),
        ("cert-file", pki("server.crt")),
        ("key-file", pki("server.key")),
        ("trusted-ca-file", pki("ca.crt")),
        ("peer-client-cert-auth", "true".into()),
        ("peer-cert-file", pki("peer.crt")),
        ("peer-key-file", pki("peer.key")),
        ("peer-trusted-ca-file", pki("ca.crt")),
    ]
}

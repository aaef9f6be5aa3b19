//! kubeadm configs: the control plane kubeadm would generate from them.
//!
//! A `ClusterConfiguration` (with the `InitConfiguration` next to it) describes the static pods
//! `kubeadm init` writes: kube-apiserver and, for a local etcd, etcd. Each command line is
//! kubeadm's own flags for the `kubernetesVersion`, overlaid with the config's `extraArgs`: an
//! entry replaces every kubeadm flag of its name, and kubeadm sorts the result by name (then
//! value, so a repeated name of the `v1beta4` list form keeps all its entries). An
//! `InitConfiguration` or `JoinConfiguration` also describes the node's kubelet: the flags of
//! kubeadm's systemd drop-in (`--config=/var/lib/kubelet/config.yaml`, ...) followed by
//! `nodeRegistration.kubeletExtraArgs`; a `KubeletConfiguration` in the same file is its
//! config (see [`crate::views::Kubelet`]).
//!
//! The `extraArgs` forms: a map (`v1alpha*` `apiServerExtraArgs`, `v1beta1`-`v1beta3`
//! `extraArgs`) or a list of `{name, value}` (`v1beta4`). Either is accepted wherever one is
//! expected.
//!
//! Each word written in the config is a [`MappedText`] whose text is `--name=value`: `name`
//! maps to the key's bytes and `value` to the value's, and the word's span is the whole entry.
//! Words kubeadm adds itself are [`WrittenBy::Kubeadm`], spanned at the process's
//! `flags_anchor` (where a flag that is not there would be written).
//!
//! What kubeadm writes changed over the releases (kubernetes/kubernetes
//! `cmd/kubeadm/app/phases/controlplane/manifests.go` and `phases/etcd/local.go`):
//!
//! | release | kube-apiserver | local etcd |
//! |---|---|---|
//! | 1.6 | `--insecure-port=0`, `--admission-control` without NodeRestriction, `--authorization-mode=RBAC` | plain HTTP on 127.0.0.1 |
//! | 1.7-1.9 | `--admission-control` with NodeRestriction, `--authorization-mode=Node,RBAC` (from `authorizationModes`, after `extraArgs`) | plain HTTP on 127.0.0.1 |
//! | 1.10 | as 1.9 | TLS, client and peer certificate auth |
//! | 1.11 | `--enable-admission-plugins=NodeRestriction`; `authorization-mode` always starts `Node,RBAC` (only `ABAC`, `Webhook` added) | |
//! | 1.12 | | listens on the node address too |
//! | 1.17 | a written `authorization-mode` replaces `Node,RBAC` (unknown modes dropped) | |
//! | 1.20 | `--service-account-issuer`, `--service-account-signing-key-file` | |
//! | 1.22 | no `--insecure-port` | |
//! | 1.30 | no `--authorization-mode` next to a written `authorization-config` | |

use std::ops::Range;

use super::process::{Origin, Process};
use super::{FileId, Inventory};
use crate::component::Component;
use crate::flags::{self, FlagSet, WrittenBy};
use crate::source::{MappedText, Span, Spanned, TextMap};
use crate::version::{ASSUMED_CURRENT, KubeVersion};
use crate::yaml::{self, NodeKind, NodeRef};

/// `kind`s of the kubeadm API that configure a node or the control plane.
pub(super) const KINDS: &[&str] = &[
    "ClusterConfiguration",
    "InitConfiguration",
    "JoinConfiguration",
    // v1alpha1 and v1alpha2: `kubeadm init` and `kubeadm join` configs.
    "MasterConfiguration",
    "NodeConfiguration",
];

/// The directory kubeadm keeps certificates in unless `certificatesDir` says otherwise.
const DEFAULT_CERTIFICATES_DIR: &str = "/etc/kubernetes/pki";
const DEFAULT_SERVICE_SUBNET: &str = "10.96.0.0/12";
const DEFAULT_DNS_DOMAIN: &str = "cluster.local";
const DEFAULT_ETCD_DATA_DIR: &str = "/var/lib/etcd";
const DEFAULT_IMAGE_REPOSITORY: &str = "registry.k8s.io";
/// What a node address kubeadm detects at run time stands for.
const NODE_ADDRESS: &str = "{node-address}";
const NODE_NAME: &str = "{node-name}";

const fn release(minor: u32) -> KubeVersion {
    KubeVersion::new(1, minor)
}

/// Authorizers kubeadm passes on from a written `authorization-mode` (from 1.17).
const VALID_AUTHZ_MODES: &[&str] = &[
    "Node",
    "RBAC",
    "Webhook",
    "ABAC",
    "AlwaysAllow",
    "AlwaysDeny",
];

/// Reads every kubeadm document of `file` (once per file: the first kubeadm document of a file
/// triggers it) and adds the processes kubeadm would run.
pub(super) fn read_file(inventory: &mut Inventory, file: FileId) {
    let done = inventory
        .processes
        .iter()
        .any(|p| p.file == file && p.origin == Origin::Kubeadm);
    if done {
        return;
    }
    // The documents of a kubeadm file describe one node together (the `InitConfiguration`
    // holds the address the `ClusterConfiguration`'s apiserver advertises), so they are read
    // together. kubeadm files are rare and small: parsing this one again costs nothing.
    let text = inventory.file(file).text().to_owned();
    let Ok(stream) = yaml::load(&text) else {
        return;
    };
    let documents: Vec<Doc<'_, '_>> = stream
        .documents
        .iter()
        .filter_map(|d| Doc::read(d.root()))
        .collect();
    let run_version = inventory.options().kubernetes_version;
    let mut processes = Vec::new();
    let init = documents.iter().find(|d| d.has_local_endpoint());
    let clusters: Vec<&Doc<'_, '_>> = documents.iter().filter(|d| d.is_cluster()).collect();
    for &cluster in &clusters {
        let version = cluster.kubernetes_version();
        let generation = Generation {
            version: run_version
                .or(version.map(|v| v.value))
                .unwrap_or(ASSUMED_CURRENT),
        };
        let endpoint = Endpoint::read(init.unwrap_or(cluster));
        let context = Context {
            file,
            generation,
            version,
            image_repository: cluster
                .root
                .str_at("imageRepository")
                .unwrap_or(DEFAULT_IMAGE_REPOSITORY),
            certificates_dir: cluster
                .root
                .str_at("certificatesDir")
                .unwrap_or(DEFAULT_CERTIFICATES_DIR)
                .trim_end_matches('/'),
            endpoint,
        };
        processes.push(context.api_server(cluster));
        processes.extend(context.etcd(cluster));
    }
    // The kubelet takes the version of the control plane the file describes, if it does.
    let version = clusters.first().and_then(|c| c.kubernetes_version());
    for node in documents.iter().filter(|d| d.is_node()) {
        processes.push(kubelet(file, node, version));
    }
    inventory.processes.extend(processes);
}

/// One kubeadm document.
#[derive(Clone, Copy)]
struct Doc<'d, 'a> {
    kind: &'d str,
    kind_span: Span,
    /// `v1beta3`, `v1alpha1`, ...
    api: &'d str,
    root: NodeRef<'d, 'a>,
}

impl<'d, 'a> Doc<'d, 'a> {
    fn read(root: NodeRef<'d, 'a>) -> Option<Self> {
        let kind = root.get("kind")?;
        let api = root.str_at("apiVersion")?.strip_prefix("kubeadm.k8s.io/")?;
        let kind_name = kind.as_str()?;
        KINDS.contains(&kind_name).then_some(Self {
            kind: kind_name,
            kind_span: kind.span(),
            api,
            root,
        })
    }

    /// Describes the control plane: `ClusterConfiguration`, or the all-in-one
    /// `MasterConfiguration` of v1alpha1/v1alpha2.
    fn is_cluster(&self) -> bool {
        matches!(self.kind, "ClusterConfiguration" | "MasterConfiguration")
    }

    /// Holds the node's own API endpoint: `InitConfiguration`, `MasterConfiguration`.
    fn has_local_endpoint(&self) -> bool {
        matches!(self.kind, "InitConfiguration" | "MasterConfiguration")
    }

    /// Describes a node's kubelet: `InitConfiguration`, `JoinConfiguration`, and the v1alpha2
    /// `MasterConfiguration` / `NodeConfiguration` (the first with `nodeRegistration`; v1alpha1
    /// left the kubelet to the user).
    fn is_node(&self) -> bool {
        match self.kind {
            "InitConfiguration" | "JoinConfiguration" => true,
            "MasterConfiguration" | "NodeConfiguration" => self.api != "v1alpha1",
            _ => false,
        }
    }

    /// `kubernetesVersion` as written, with the release it names: a version (`v1.30.2`), or a
    /// release label kubeadm resolves to that release's newest patch (`stable-1.30`).
    fn kubernetes_version(&self) -> Option<Spanned<KubeVersion>> {
        let node = self.root.get("kubernetesVersion")?;
        let text = node.as_str()?;
        Some(Spanned::new(parse_kubernetes_version(text)?, node.span()))
    }

    /// The first of `paths` that exists, with the key node of its last step.
    fn find(&self, paths: &[&[&str]]) -> Option<(NodeRef<'d, 'a>, NodeRef<'d, 'a>)> {
        paths.iter().find_map(|path| {
            let (last, parents) = path.split_last()?;
            self.root.path(parents)?.entry(last)
        })
    }

    /// The key span of the first of `paths` that exists, else the `kind:` value.
    fn anchor(&self, paths: &[&[&str]]) -> Span {
        self.find(paths)
            .map_or(self.kind_span, |(key, _)| key.span())
    }
}

/// The release a `kubernetesVersion` names: `v1.30.2`, `1.30`, or a label for a release's newest
/// patch (`stable-1.30`, `latest-1.30`, `ci/latest-1.30`). `stable`, `latest` and placeholders
/// name none.
fn parse_kubernetes_version(text: &str) -> Option<KubeVersion> {
    let text = text.trim();
    if let Ok(version) = KubeVersion::parse(text) {
        return Some(version);
    }
    let label = text.rsplit('/').next().unwrap_or(text);
    let release = label
        .strip_prefix("stable-")
        .or_else(|| label.strip_prefix("latest-"))?;
    // `stable-1` names no release.
    release.contains('.').then_some(())?;
    KubeVersion::parse(release).ok().map(KubeVersion::release)
}

/// The version whose kubeadm output is generated.
#[derive(Clone, Copy, Debug)]
struct Generation {
    version: KubeVersion,
}

impl Generation {
    fn before(self, minor: u32) -> bool {
        self.version.is_before(release(minor))
    }
}

/// The node's API endpoint (`InitConfiguration.localAPIEndpoint`, v1alpha* `api`).
#[derive(Clone, Debug, Default)]
struct Endpoint {
    advertise_address: Option<MappedText>,
    bind_port: Option<MappedText>,
    node_name: Option<String>,
}

impl Endpoint {
    fn read(doc: &Doc<'_, '_>) -> Self {
        let endpoint = ["localAPIEndpoint", "apiEndpoint", "api"]
            .iter()
            .find_map(|key| doc.root.get(key));
        let scalar = |key: &str| {
            endpoint
                .and_then(|e| e.get(key))
                .and_then(NodeRef::mapped_text)
        };
        Self {
            advertise_address: scalar("advertiseAddress").filter(|a| !a.text.trim().is_empty()),
            bind_port: scalar("bindPort"),
            node_name: doc
                .root
                .path(&["nodeRegistration", "name"])
                .and_then(NodeRef::as_str)
                .map(str::to_owned),
        }
    }

    /// The address kubeadm puts in etcd's URLs: the advertised one, else the one it detects.
    fn address(&self) -> String {
        match &self.advertise_address {
            Some(address) if address.text.contains(':') => format!("[{}]", address.text),
            Some(address) => address.text.clone(),
            None => NODE_ADDRESS.to_owned(),
        }
    }

    fn is_ipv6(&self) -> bool {
        self.advertise_address
            .as_ref()
            .is_some_and(|a| a.text.contains(':'))
    }
}

/// What every process generated from one `ClusterConfiguration` shares.
struct Context<'d> {
    file: FileId,
    generation: Generation,
    /// `kubernetesVersion`, when it names a release.
    version: Option<Spanned<KubeVersion>>,
    image_repository: &'d str,
    certificates_dir: &'d str,
    endpoint: Endpoint,
}

/// One argv word with the name and value kubeadm sorts by.
#[derive(Clone, Debug)]
struct Word {
    name: String,
    value: String,
    text: MappedText,
    written_by: WrittenBy,
}

impl Word {
    /// A flag kubeadm writes itself.
    fn kubeadm(name: &str, value: impl Into<String>, anchor: Span) -> Self {
        let value = value.into();
        Self {
            text: MappedText::new(format!("--{name}={value}"), anchor, TextMap::opaque()),
            name: name.to_owned(),
            value,
            written_by: WrittenBy::Kubeadm,
        }
    }

    /// A flag whose value is written in the config: `value` (a scalar's text with its map)
    /// becomes `--name=value`, spanned at `span`.
    fn written(name: &str, value: &MappedText, span: Span) -> Self {
        Self::entry(name, None, value, span)
    }

    /// `--name=value` where `value` and, when given, `name_map` (the key's text map) keep
    /// their bytes.
    fn entry(name: &str, name_map: Option<&TextMap>, value: &MappedText, span: Span) -> Self {
        let mut map = TextMap::default();
        if let Some(name_map) = name_map {
            copy_runs(&mut map, 2, name_map, 0..name.len());
        }
        copy_runs(&mut map, name.len() + 3, &value.map, 0..value.text.len());
        Self {
            name: name.to_owned(),
            value: value.text.clone(),
            text: MappedText::new(format!("--{name}={}", value.text), span, map),
            written_by: WrittenBy::User,
        }
    }
}

/// Appends to `dst`, at decoded offset `at`, the source runs of `src`'s decoded range `range`.
fn copy_runs(dst: &mut TextMap, at: usize, src: &TextMap, range: Range<usize>) {
    let mut i = range.start;
    while i < range.end {
        let Some(first) = src.source_span(i..i + 1) else {
            i += 1;
            continue;
        };
        // The longest range from `i` that maps in one run: mapping is monotone in its end.
        let (mut lo, mut hi) = (i + 1, range.end);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if src.source_span(i..mid).is_some() {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        dst.push_run(at + i - range.start, first.start, lo - i);
        i = lo;
    }
}

/// One `extraArgs` entry.
#[derive(Clone, Debug)]
struct ExtraArg {
    name: String,
    /// Its `--name=value` word.
    word: Word,
}

/// The entries of an `extraArgs` map or `{name, value}` list, in order. A map's repeated key
/// counts once (the last one, as the decoder keeps); a list's repeated name is kept each time.
fn extra_args(node: Option<NodeRef<'_, '_>>) -> Vec<ExtraArg> {
    let Some(node) = node else {
        return Vec::new();
    };
    let mut args: Vec<ExtraArg> = Vec::new();
    match node.kind() {
        NodeKind::Mapping(_) => {
            for (key, value) in node.entries() {
                let Some(name) = key.mapped_text() else {
                    continue;
                };
                if name.text == "<<" || !matches!(value.kind(), NodeKind::Scalar(_)) {
                    continue;
                }
                let arg = entry(&name, value, key.span().cover(value.span()));
                args.retain(|a| a.name != arg.name);
                args.push(arg);
            }
        }
        NodeKind::Sequence(_) => {
            for item in node.items() {
                let Some(name) = item.get("name").and_then(NodeRef::mapped_text) else {
                    continue;
                };
                let value = item.get("value");
                let span = value.map_or(item.span(), |v| item.span().cover(v.span()));
                args.push(match value {
                    Some(value) => entry(&name, value, span),
                    None => empty_entry(&name, span),
                });
            }
        }
        _ => {}
    }
    args
}

/// `--name=value` for a key and its scalar value (null is the empty string, as kubeadm's
/// `map[string]string` decodes it).
fn entry(name: &MappedText, value: NodeRef<'_, '_>, span: Span) -> ExtraArg {
    let Some(value) = value.mapped_text() else {
        return empty_entry(name, span);
    };
    ExtraArg {
        name: name.text.clone(),
        word: Word::entry(&name.text, Some(&name.map), &value, span),
    }
}

fn empty_entry(name: &MappedText, span: Span) -> ExtraArg {
    let empty = MappedText::new("", span, TextMap::opaque());
    ExtraArg {
        name: name.text.clone(),
        word: Word::entry(&name.text, Some(&name.map), &empty, span),
    }
}

/// kubeadm's command line: `base` with every name `overrides` has replaced by the overrides,
/// sorted by name and value; `tail` appended (flags kubeadm before 1.11 added after the rest).
fn command_line(base: Vec<Word>, overrides: &[ExtraArg], tail: Vec<Word>) -> Vec<Word> {
    let mut words: Vec<Word> = overrides.iter().map(|a| a.word.clone()).collect();
    words.extend(
        base.into_iter()
            .filter(|w| !overrides.iter().any(|o| o.name == w.name)),
    );
    words.sort_by(|a, b| (&a.name, &a.value).cmp(&(&b.name, &b.value)));
    words.extend(tail);
    words
}

fn process(
    file: FileId,
    component: Component,
    words: Vec<Word>,
    anchor: Span,
    image: Option<Spanned<String>>,
    version: Option<KubeVersion>,
) -> Process {
    let words: Vec<flags::Word> = words
        .into_iter()
        .map(|w| flags::Word {
            text: w.text,
            file,
            written_by: w.written_by,
        })
        .collect();
    Process {
        file,
        origin: Origin::Kubeadm,
        image: image.map(|i| i.in_file(file)),
        component: Some(component),
        detection: None,
        image_version: version,
        flags: FlagSet::parse(component, &words),
        flags_anchor: anchor,
        env: Vec::new(),
        unresolved: Vec::new(),
    }
}

impl Context<'_> {
    fn cert(&self, name: &str) -> String {
        format!("{}/{name}", self.certificates_dir)
    }

    /// The image kubeadm runs a component from; spanned at `kubernetesVersion`, which decides
    /// its tag and the version the component is judged as.
    fn image(&self, cluster: &Doc<'_, '_>, component: &str) -> Option<Spanned<String>> {
        let node = cluster.root.get("kubernetesVersion")?;
        let tag = node.as_str()?;
        let tag = if tag.starts_with(|c: char| c.is_ascii_digit()) {
            format!("v{tag}")
        } else {
            tag.to_owned()
        };
        Some(Spanned::new(
            format!("{}/{component}:{tag}", self.image_repository),
            node.span(),
        ))
    }

    fn api_server(&self, cluster: &Doc<'_, '_>) -> Process {
        let file = self.file;
        let g = self.generation;
        let extra_paths: &[&[&str]] = &[&["apiServer", "extraArgs"], &["apiServerExtraArgs"]];
        let anchor = cluster.anchor(&[extra_paths[0], extra_paths[1], &["apiServer"]]);
        let mut overrides = extra_args(cluster.find(extra_paths).map(|(_, v)| v));

        let kubeadm = |name: &str, value: &str| Word::kubeadm(name, value, anchor);
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
            Some(address) => Word::written("advertise-address", address, address.span),
            None => kubeadm("advertise-address", NODE_ADDRESS),
        });
        base.push(match &self.endpoint.bind_port {
            Some(port) => Word::written("secure-port", port, port.span),
            None => kubeadm("secure-port", "6443"),
        });
        base.push(
            match cluster
                .root
                .path(&["networking", "serviceSubnet"])
                .and_then(NodeRef::mapped_text)
            {
                Some(subnet) => Word::written("service-cluster-ip-range", &subnet, subnet.span),
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
                .root
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
        match g.version.minor {
            ..=6 => base.push(kubeadm(
                "admission-control",
                "NamespaceLifecycle,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,DefaultTolerationSeconds,ResourceQuota",
            )),
            7 => base.push(kubeadm(
                "admission-control",
                "Initializers,NamespaceLifecycle,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,ResourceQuota",
            )),
            8 => base.push(kubeadm(
                "admission-control",
                "NamespaceLifecycle,Initializers,LimitRanger,ServiceAccount,PersistentVolumeLabel,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,ResourceQuota",
            )),
            9 => base.push(kubeadm(
                "admission-control",
                "NamespaceLifecycle,Initializers,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,ResourceQuota",
            )),
            10 => base.push(kubeadm(
                "admission-control",
                "NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota",
            )),
            11 => {
                base.push(kubeadm("enable-admission-plugins", "NodeRestriction"));
                base.push(kubeadm("disable-admission-plugins", "PersistentVolumeLabel"));
            }
            _ => base.push(kubeadm("enable-admission-plugins", "NodeRestriction")),
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
            self.image(cluster, "kube-apiserver"),
            self.version.map(|v| v.value),
        )
    }

    /// `--authorization-mode` as kubeadm of each release decides it.
    fn authorization(
        &self,
        cluster: &Doc<'_, '_>,
        base: &mut Vec<Word>,
        overrides: &mut Vec<ExtraArg>,
        tail: &mut Vec<Word>,
        anchor: Span,
    ) {
        let g = self.generation;
        let default_modes = if g.before(7) { "RBAC" } else { "Node,RBAC" };
        if g.before(11) {
            // From the config's own field, after the `extraArgs`.
            let field = cluster
                .root
                .get("authorizationModes")
                .filter(|n| n.items().next().is_some())
                .map(|list| {
                    let items: Vec<MappedText> =
                        list.items().filter_map(NodeRef::mapped_text).collect();
                    joined("authorization-mode", &items, list.span())
                })
                .or_else(|| {
                    let mode = cluster
                        .root
                        .get("authorizationMode")
                        .and_then(NodeRef::mapped_text)?;
                    Some(Word::written("authorization-mode", &mode, mode.span))
                });
            tail.push(
                field.unwrap_or_else(|| Word::kubeadm("authorization-mode", default_modes, anchor)),
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
            base.push(Word::kubeadm("authorization-mode", modes, anchor));
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
                    filter_modes(&word).unwrap_or_else(|| {
                        Word::kubeadm("authorization-mode", default_modes, anchor)
                    }),
                );
            }
            None => base.push(Word::kubeadm("authorization-mode", default_modes, anchor)),
        }
    }

    /// The apiserver's etcd flags: a local etcd over TLS (plain HTTP before 1.10), or the
    /// external cluster's endpoints and certificates.
    fn api_server_etcd(
        &self,
        cluster: &Doc<'_, '_>,
        base: &mut Vec<Word>,
        tail: &mut Vec<Word>,
        anchor: Span,
    ) {
        let g = self.generation;
        let etcd = cluster.root.get("etcd");
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
                target.push(joined("etcd-servers", &items, list.span()));
            }
            let scalar = |key: &str| {
                external
                    .get(key)
                    .and_then(NodeRef::mapped_text)
                    .filter(|t| !t.text.is_empty())
            };
            if let Some(ca) = scalar("caFile") {
                target.push(Word::written("etcd-cafile", &ca, ca.span));
            }
            if let (Some(cert), Some(key)) = (scalar("certFile"), scalar("keyFile")) {
                target.push(Word::written("etcd-certfile", &cert, cert.span));
                target.push(Word::written("etcd-keyfile", &key, key.span));
            }
            return;
        }
        if g.before(10) {
            target.push(Word::kubeadm(
                "etcd-servers",
                "http://127.0.0.1:2379",
                anchor,
            ));
            return;
        }
        let localhost = if self.endpoint.is_ipv6() {
            "[::1]"
        } else {
            "127.0.0.1"
        };
        // A local etcd's own client URLs, when written, are where the apiserver finds it.
        let local_args = extra_args(local_etcd_extra_args(cluster).map(|(_, v)| v));
        let servers_from = if g.before(14) {
            "listen-client-urls"
        } else {
            "advertise-client-urls"
        };
        let servers = match local_args.iter().rev().find(|a| a.name == servers_from) {
            Some(arg) if !g.before(12) => {
                let mut word = arg.word.clone();
                word.text = rename(&arg.word, "etcd-servers");
                word.name = "etcd-servers".to_owned();
                word
            }
            _ => Word::kubeadm("etcd-servers", format!("https://{localhost}:2379"), anchor),
        };
        target.push(servers);
        target.push(Word::kubeadm(
            "etcd-cafile",
            self.cert("etcd/ca.crt"),
            anchor,
        ));
        target.push(Word::kubeadm(
            "etcd-certfile",
            self.cert("apiserver-etcd-client.crt"),
            anchor,
        ));
        target.push(Word::kubeadm(
            "etcd-keyfile",
            self.cert("apiserver-etcd-client.key"),
            anchor,
        ));
    }

    /// The local etcd static pod, unless the config points at an external etcd.
    fn etcd(&self, cluster: &Doc<'_, '_>) -> Option<Process> {
        let file = self.file;
        let g = self.generation;
        let etcd = cluster.root.get("etcd");
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
        let overrides = extra_args(local_etcd_extra_args(cluster).map(|(_, v)| v));
        let data_dir = etcd
            .and_then(|e| e.get("local").or(Some(e)))
            .and_then(|e| e.str_at("dataDir"))
            .unwrap_or(DEFAULT_ETCD_DATA_DIR);
        let kubeadm = |name: &str, value: &str| Word::kubeadm(name, value, anchor);
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

/// `etcd.local.extraArgs` (v1alpha1: `etcd.extraArgs`), with its key.
fn local_etcd_extra_args<'d, 'a>(
    cluster: &Doc<'d, 'a>,
) -> Option<(NodeRef<'d, 'a>, NodeRef<'d, 'a>)> {
    cluster.find(&[&["etcd", "local", "extraArgs"], &["etcd", "extraArgs"]])
}

/// A written list (`endpoints`, `authorizationModes`) as one `--name=a,b` word, each item
/// mapped to its bytes.
fn joined(name: &str, items: &[MappedText], span: Span) -> Word {
    let prefix = name.len() + 3;
    let mut text = String::new();
    let mut map = TextMap::default();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        copy_runs(&mut map, prefix + text.len(), &item.map, 0..item.text.len());
        text.push_str(&item.text);
    }
    Word {
        name: name.to_owned(),
        text: MappedText::new(format!("--{name}={text}"), span, map),
        value: text,
        written_by: WrittenBy::User,
    }
}

/// `word` with its flag renamed (the value keeps its bytes).
fn rename(word: &Word, name: &str) -> MappedText {
    let old_prefix = word.name.len() + 3;
    let mut map = TextMap::default();
    copy_runs(
        &mut map,
        name.len() + 3,
        &word.text.map,
        old_prefix..word.text.text.len(),
    );
    MappedText::new(format!("--{name}={}", word.value), word.text.span, map)
}

/// A written `authorization-mode` with the modes kubeadm does not know dropped, each kept one
/// at its bytes; `None` when none is left.
fn filter_modes(word: &Word) -> Option<Word> {
    let prefix = word.name.len() + 3;
    let mut value = String::new();
    let mut map = TextMap::default();
    let mut offset = 0;
    for mode in word.value.split(',') {
        let range = prefix + offset..prefix + offset + mode.len();
        offset += mode.len() + 1;
        if !VALID_AUTHZ_MODES.contains(&mode) {
            continue;
        }
        if !value.is_empty() {
            value.push(',');
        }
        copy_runs(&mut map, prefix + value.len(), &word.text.map, range);
        value.push_str(mode);
    }
    if value.is_empty() {
        return None;
    }
    if value == word.value {
        return Some(word.clone());
    }
    Some(Word {
        name: word.name.clone(),
        text: MappedText::new(format!("--{}={value}", word.name), word.text.span, map),
        value,
        written_by: word.written_by,
    })
}

/// The kubelet of an `InitConfiguration` / `JoinConfiguration`: the flags of kubeadm's
/// systemd drop-in (`10-kubeadm.conf`), then `nodeRegistration.kubeletExtraArgs` (from
/// `kubeadm-flags.env`, which the unit expands later on the command line).
fn kubelet(file: FileId, node: &Doc<'_, '_>, version: Option<Spanned<KubeVersion>>) -> Process {
    let extra_path: &[&str] = &["nodeRegistration", "kubeletExtraArgs"];
    let anchor = node.anchor(&[extra_path, &["nodeRegistration"]]);
    let extra = extra_args(node.root.path(extra_path));
    let mut words = vec![
        Word::kubeadm(
            "bootstrap-kubeconfig",
            "/etc/kubernetes/bootstrap-kubelet.conf",
            anchor,
        ),
        Word::kubeadm("kubeconfig", "/etc/kubernetes/kubelet.conf", anchor),
        Word::kubeadm("config", "/var/lib/kubelet/config.yaml", anchor),
    ];
    words.extend(extra.into_iter().map(|a| a.word));
    process(
        file,
        Component::Kubelet,
        words,
        anchor,
        None,
        version.map(|v| v.value),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::InventoryOptions;
    use crate::source::SourceFile;

    fn inventory(text: &str) -> Inventory {
        let mut inventory = Inventory::new(InventoryOptions::default());
        inventory.add_file(SourceFile::new("kubeadm.yaml", text));
        inventory
    }

    fn words(process: &Process) -> Vec<String> {
        process
            .flags
            .iter()
            .map(|f| {
                let value = f.value.as_ref().map_or("", |v| v.text.as_str());
                format!("--{}={value}", f.name)
            })
            .collect()
    }

    #[test]
    fn versions_and_release_labels() {
        assert_eq!(
            parse_kubernetes_version("v1.30.2"),
            Some(KubeVersion::with_patch(1, 30, 2))
        );
        assert_eq!(
            parse_kubernetes_version("stable-1.7"),
            Some(KubeVersion::new(1, 7))
        );
        assert_eq!(
            parse_kubernetes_version("ci/latest-1.31"),
            Some(KubeVersion::new(1, 31))
        );
        for text in ["stable", "latest", "stable-1", "${K8S_VERSION}", ""] {
            assert_eq!(parse_kubernetes_version(text), None, "{text}");
        }
    }

    #[test]
    fn map_entries_map_name_and_value_to_their_bytes() {
        let text = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.0\napiServer:\n  extraArgs:\n    authorization-mode: \"AlwaysAllow\"\n";
        let inventory = inventory(text);
        let api = inventory.api_servers().next().unwrap();
        let flag = api.flags().last("authorization-mode").unwrap();
        let value = flag.value.as_ref().unwrap();
        assert_eq!(&text[value.location().span().range()], "AlwaysAllow");
        assert_eq!(
            &text[flag.occurrence().span().range()],
            "authorization-mode: \"AlwaysAllow\""
        );
        assert_eq!(flag.occurrence().file(), FileId(0));
        assert!(flag.is_written());
    }

    #[test]
    fn copy_runs_splits_folded_values() {
        // A folded value: two runs.
        let text = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.0\napiServer:\n  extraArgs:\n    enable-admission-plugins: >-\n      NodeRestriction,\n      AlwaysPullImages\n";
        let inventory = inventory(text);
        let api = inventory.api_servers().next().unwrap();
        let items = api.flags().list("enable-admission-plugins");
        let spans: Vec<&str> = items.iter().map(|i| &text[i.span().range()]).collect();
        // The folded line break became a space; the second item starts with it.
        assert_eq!(spans[0], "NodeRestriction");
        assert_eq!(items[1].value, " AlwaysPullImages");
    }

    #[test]
    fn kubeadm_v1_7_runs_etcd_without_tls() {
        let text = "apiVersion: kubeadm.k8s.io/v1alpha1\nkind: MasterConfiguration\nkubernetesVersion: stable-1.7\napiServerExtraArgs:\n  runtime-config: api/all=true\n";
        let inventory = inventory(text);
        let api = inventory.api_servers().next().unwrap();
        let all = words(api.process);
        assert!(all.contains(&"--insecure-port=0".to_owned()), "{all:?}");
        assert!(all.contains(&"--etcd-servers=http://127.0.0.1:2379".to_owned()));
        assert!(all.contains(&"--authorization-mode=Node,RBAC".to_owned()));
        assert!(!all.iter().any(|w| w.starts_with("--etcd-cafile")));
        let etcd = inventory.etcds().next().unwrap();
        assert!(etcd.cert_file().is_none());
        // No kubelet: v1alpha1 left it to the user.
        assert!(inventory.processes_of(Component::Kubelet).next().is_none());
    }

    #[test]
    fn authorization_mode_by_release() {
        let config = |version: &str, modes: &str| {
            format!(
                "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nkubernetesVersion: {version}\napiServer:\n  extraArgs:\n    authorization-mode: {modes}\n"
            )
        };
        let modes = |text: &str| {
            let inventory = inventory(text);
            let api = inventory.api_servers().next().unwrap();
            api.flags()
                .list("authorization-mode")
                .into_iter()
                .map(|m| m.value)
                .collect::<Vec<_>>()
                .join(",")
        };
        // 1.11-1.16: Node,RBAC first, always.
        assert_eq!(modes(&config("v1.15.3", "AlwaysAllow")), "Node,RBAC");
        assert_eq!(
            modes(&config("v1.15.3", "Webhook,RBAC")),
            "Node,RBAC,Webhook"
        );
        // 1.17-1.30: the written modes, unknown ones dropped.
        assert_eq!(modes(&config("v1.20.0", "AlwaysAllow")), "AlwaysAllow");
        let text = config("v1.20.0", "Node,Bogus,RBAC");
        let filtered = inventory(&text);
        let api = filtered.api_servers().next().unwrap();
        let items = api.flags().list("authorization-mode");
        let spans: Vec<&str> = items.iter().map(|i| &text[i.span().range()]).collect();
        assert_eq!(spans, ["Node", "RBAC"]);
        assert_eq!(modes(&config("v1.20.0", "Bogus")), "Node,RBAC");
    }

    #[test]
    fn external_etcd_and_local_client_urls() {
        let text = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.28.0\netcd:\n  external:\n    endpoints:\n    - http://10.0.0.5:2379\n    - https://10.0.0.6:2379\n    caFile: /etc/etcd/ca.crt\n";
        let external = inventory(text);
        assert!(external.etcds().next().is_none());
        let api = external.api_servers().next().unwrap();
        let servers = api.etcd_servers();
        assert_eq!(&text[servers[0].span().range()], "http://10.0.0.5:2379");
        assert_eq!(&text[servers[1].span().range()], "https://10.0.0.6:2379");
        assert!(api.etcd_certfile().is_none());
        let ca = api.etcd_cafile().unwrap();
        assert_eq!(
            &text[ca.provenance.location().unwrap().span().range()],
            "/etc/etcd/ca.crt"
        );

        let text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.0\netcd:\n  local:\n    extraArgs:\n    - name: advertise-client-urls\n      value: https://10.0.0.7:2379\n";
        let local = inventory(text);
        let api = local.api_servers().next().unwrap();
        let servers = api.etcd_servers();
        assert_eq!(&text[servers[0].span().range()], "https://10.0.0.7:2379");
    }
}

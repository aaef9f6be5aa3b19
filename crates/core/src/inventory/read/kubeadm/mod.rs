//! kubeadm configs: the control plane kubeadm would generate from them.
//!
//! A `ClusterConfiguration` (with the `InitConfiguration` next to it) describes the static pods
//! `kubeadm init` writes: kube-apiserver, kube-controller-manager, kube-scheduler and, for a
//! local etcd, etcd. Each command line is
//! kubeadm's own flags for the `kubernetesVersion`, overlaid with the config's `extraArgs`: an
//! entry replaces every kubeadm flag of its name, and kubeadm sorts the result by name (then
//! value, so a repeated name of the `v1beta4` list form keeps all its entries). An
//! `InitConfiguration` or `JoinConfiguration` also describes the node's kubelet: the flags of
//! kubeadm's systemd drop-in (`--config=/var/lib/kubelet/config.yaml`, ...) followed by
//! `nodeRegistration.kubeletExtraArgs`; a `KubeletConfiguration` in the same file is its
//! config (see [`crate::views::Kubelet`]).
//!
//! This module reads the documents and their `extraArgs`; `apiserver.rs`,
//! `controller_manager.rs`, `scheduler.rs`, `etcd.rs` and `kubelet.rs` write each component's
//! command line as kubeadm of the generated release would.
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
//!
//! kube-controller-manager (`controllerManager.extraArgs`, v1alpha* `controllerManagerExtraArgs`)
//! and kube-scheduler (`scheduler.extraArgs`, `schedulerExtraArgs`) get `--kubeconfig`
//! (`controller-manager.conf`, `scheduler.conf`) and `--leader-elect=true` in every release; the
//! controller manager also `--root-ca-file`, `--service-account-private-key-file` (`sa.key`),
//! `--use-service-account-credentials=true`, the cluster-signing CA and
//! `--controllers=*,bootstrapsigner,tokencleaner`, plus `--allocate-node-cidrs` and
//! `--cluster-cidr` for a `podSubnet`. Before 1.13 both bind their insecure port with
//! `--address=127.0.0.1`; from 1.13 their secure port with `--bind-address=127.0.0.1` (the
//! controller manager with its authentication and authorization kubeconfigs and client CAs; the
//! scheduler's kubeconfigs from 1.16). kubeadm never sets `--profiling`.

mod apiserver;
pub(super) mod cluster_api;
mod controller_manager;
mod etcd;
pub(super) mod kind;
mod kubelet;
mod scheduler;

use super::flag_words::FlagWord;
use crate::component::Component;
use crate::flags::{FlagSet, WrittenBy};
use crate::inventory::{FileId, Inventory, Origin, Process};
use crate::source::{Located, MappedText, Span, Spanned, TextMap};
use crate::version::{ASSUMED_CURRENT, KubeVersion};
use crate::yaml::{Document, NodeKind, NodeRef};

/// The API group of kubeadm's configs, as `apiVersion` starts.
const API_GROUP: &str = "kubeadm.k8s.io/";

/// `kind`s of the kubeadm API that configure a node or the control plane.
const KINDS: &[&str] = &[
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

/// Whether an object of this `kind` and `apiVersion` is a kubeadm config.
pub(super) fn is_kubeadm_kind(kind: &str, api_version: Option<&Located<String>>) -> bool {
    KINDS.contains(&kind) && api_version.is_some_and(|v| v.value.starts_with(API_GROUP))
}

/// Whether the document is of the kubeadm API.
pub(super) fn is_kubeadm_document(document: &Document<'_>) -> bool {
    document
        .root()
        .str_at("apiVersion")
        .is_some_and(|v| v.starts_with(API_GROUP))
}

/// Adds the processes kubeadm would run from the kubeadm `documents` of `file`. The documents
/// describe one node together (the `InitConfiguration` holds the address the
/// `ClusterConfiguration`'s apiserver advertises), so they are read together, once per file.
pub(super) fn read(inventory: &mut Inventory, file: FileId, documents: &[Document<'_>]) {
    let documents: Vec<Doc<'_, '_>> = documents
        .iter()
        .filter_map(|d| Doc::read(d.root()))
        .collect();
    read_documents(inventory, file, &documents, None);
}

/// A tool that runs kubeadm from a config of its own (kind, Cluster API): what it decides
/// besides the kubeadm documents it hands over.
pub(super) struct Runner {
    /// Who the tool's own `extraArgs` are written by.
    pub written_by: WrittenBy,
    /// The release it runs kubeadm for, with the image tag that names it, spanned where the
    /// tool's config says it (kind's node image, Cluster API's `spec.version`); it beats a
    /// patch's `kubernetesVersion`, as the tool sets that field itself.
    pub version: Option<(KubeVersion, Spanned<String>)>,
    /// `apiServer.extraArgs` the tool writes, under the user's.
    pub api_server_args: Vec<(&'static str, String)>,
    /// `controllerManager.extraArgs` the tool writes, under the user's.
    pub controller_manager_args: Vec<(&'static str, String)>,
    /// `scheduler.extraArgs` the tool writes, under the user's.
    pub scheduler_args: Vec<(&'static str, String)>,
}

impl Runner {
    /// The tool's own `extraArgs` of one component (`args`, one of its fields), as entries
    /// located at `anchor`.
    fn args(&self, args: &[(&'static str, String)], anchor: Span) -> Vec<ExtraArg> {
        args.iter()
            .map(|(name, value)| ExtraArg {
                name: (*name).to_owned(),
                word: FlagWord::generated(name, value.clone(), anchor, self.written_by),
            })
            .collect()
    }
}

/// `written` over what a runner writes: its entries of a name the user did not write first.
fn under_runner(runner: Option<Vec<ExtraArg>>, written: Vec<ExtraArg>) -> Vec<ExtraArg> {
    let mut args: Vec<ExtraArg> = runner
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !written.iter().any(|w| w.name == a.name))
        .collect();
    args.extend(written);
    args
}

/// Adds the processes kubeadm would run from `documents` of `file`, as `runner` (if any)
/// runs it.
pub(super) fn read_documents(
    inventory: &mut Inventory,
    file: FileId,
    documents: &[Doc<'_, '_>],
    runner: Option<&Runner>,
) {
    let run_version = inventory.options().kubernetes_version;
    let mut processes = Vec::new();
    let init = documents.iter().find(|d| d.has_local_endpoint());
    let clusters: Vec<&Doc<'_, '_>> = documents.iter().filter(|d| d.is_cluster()).collect();
    let runner_version = runner
        .and_then(|r| r.version.as_ref())
        .map(|(version, tag)| Spanned::new(*version, tag.span));
    for &cluster in &clusters {
        let version = runner_version.or_else(|| cluster.kubernetes_version());
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
                .str_at("imageRepository")
                .unwrap_or(DEFAULT_IMAGE_REPOSITORY),
            certificates_dir: cluster
                .str_at("certificatesDir")
                .unwrap_or(DEFAULT_CERTIFICATES_DIR)
                .trim_end_matches('/'),
            endpoint,
            runner,
            version_tag: match runner.and_then(|r| r.version.as_ref()) {
                Some((_, tag)) => Some(tag.clone()),
                None => cluster.get("kubernetesVersion").and_then(|node| {
                    let tag = node.as_str()?;
                    let tag = if tag.starts_with(|c: char| c.is_ascii_digit()) {
                        format!("v{tag}")
                    } else {
                        tag.to_owned()
                    };
                    Some(Spanned::new(tag, node.span()))
                }),
            },
        };
        processes.push(context.api_server(cluster));
        processes.push(context.controller_manager(cluster));
        processes.push(context.scheduler(cluster));
        processes.extend(context.etcd(cluster));
    }
    // The kubelet takes the version of the control plane the file describes, if it does.
    let version = runner_version.or_else(|| clusters.first().and_then(|c| c.kubernetes_version()));
    for node in documents.iter().filter(|d| d.is_node()) {
        processes.push(kubelet::kubelet(file, node, version));
    }
    inventory.processes.extend(processes);
}

/// Keeps, of the processes added from index `new` on, those that run with other flags than
/// every process added from `start` on before them: the nodes of a kind or Cluster API config
/// that join without settings of their own run one kubelet between them, reported once.
fn keep_distinct(inventory: &mut Inventory, start: usize, new: usize) {
    fn flag_texts(process: &Process) -> Vec<(&str, Option<&str>)> {
        process
            .flags
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_ref().map(|v| v.text.as_str())))
            .collect()
    }
    let added = inventory.processes.split_off(new);
    for process in added {
        let texts = flag_texts(&process);
        if !inventory.processes[start..]
            .iter()
            .any(|p| p.component == process.component && flag_texts(p) == texts)
        {
            inventory.processes.push(process);
        }
    }
}

/// One kubeadm document.
#[derive(Clone)]
pub(super) struct Doc<'d, 'a> {
    kind: &'d str,
    kind_span: Span,
    /// `v1beta3`, `v1alpha1`, ...
    api: &'d str,
    root: NodeRef<'d, 'a>,
    /// Documents of the same kind this one is patched over, first to last (kind applies every
    /// matching patch in turn): a field the later ones do not set is read from the earlier.
    earlier: Vec<NodeRef<'d, 'a>>,
    /// Operations on its `extraArgs` applied after every document (kind's JSON 6902 patches).
    ops: Vec<ArgOp>,
}

/// A JSON 6902 operation on an `extraArgs` map or list (kind's
/// `kubeadmConfigPatchesJSON6902`).
#[derive(Clone, Debug)]
pub(super) struct ArgOp {
    /// The keys of the `extraArgs` it changes: `["apiServer", "extraArgs"]`.
    pub path: Vec<String>,
    pub change: ArgChange,
}

#[derive(Clone, Debug)]
pub(super) enum ArgChange {
    /// `add` or `replace` of one entry: it replaces the entries of its name.
    Set(ExtraArg),
    /// `add` of an item at the end of a `{name, value}` list (`.../extraArgs/-`).
    Append(ExtraArg),
    /// `remove` of the entries of a name.
    Remove(String),
    /// `add` or `replace` of the whole `extraArgs`.
    Replace(Vec<ExtraArg>),
}

impl<'d, 'a> Doc<'d, 'a> {
    fn read(root: NodeRef<'d, 'a>) -> Option<Self> {
        let kind = root.get("kind")?;
        let api = root.str_at("apiVersion")?.strip_prefix(API_GROUP)?;
        let kind_name = kind.as_str()?;
        KINDS.contains(&kind_name).then_some(Self {
            kind: kind_name,
            kind_span: kind.span(),
            api,
            root,
            earlier: Vec::new(),
            ops: Vec::new(),
        })
    }

    /// A kubeadm document another tool writes from the user's config without `apiVersion` and
    /// `kind` (a Cluster API `clusterConfiguration`), or a kind patch: `kind` is its kind,
    /// `kind_span` where the process is anchored when none of its keys is written.
    pub(super) fn embedded(
        kind: &'static str,
        api: &'d str,
        root: NodeRef<'d, 'a>,
        kind_span: Span,
    ) -> Self {
        Self {
            kind,
            kind_span,
            api,
            root,
            earlier: Vec::new(),
            ops: Vec::new(),
        }
    }

    /// This document patched over `earlier` (documents of the same kind, first to last).
    pub(super) fn over(mut self, earlier: Vec<NodeRef<'d, 'a>>) -> Self {
        self.earlier = earlier;
        self
    }

    /// This document with `ops` applied to its `extraArgs` after every document.
    pub(super) fn with_ops(mut self, ops: Vec<ArgOp>) -> Self {
        self.ops = ops;
        self
    }

    /// The document and those it is patched over, the last one first.
    fn layers(&self) -> impl Iterator<Item = NodeRef<'d, 'a>> + '_ {
        std::iter::once(self.root).chain(self.earlier.iter().rev().copied())
    }

    /// The value at a path of keys, from the last document that sets it.
    fn path(&self, keys: &[&str]) -> Option<NodeRef<'d, 'a>> {
        self.layers().find_map(|layer| layer.path(keys))
    }

    fn get(&self, key: &str) -> Option<NodeRef<'d, 'a>> {
        self.path(&[key])
    }

    fn str_at(&self, key: &str) -> Option<&'d str> {
        self.get(key).and_then(NodeRef::as_str)
    }

    /// The `extraArgs` at the first of `paths` each document has, merged first to last: a
    /// map's entries replace the earlier entries of their name, a `{name, value}` list
    /// replaces the earlier arguments whole (as a merge patch replaces a list).
    fn extra_args(&self, paths: &[&[&str]]) -> Vec<ExtraArg> {
        let mut args: Vec<ExtraArg> = Vec::new();
        for layer in self
            .earlier
            .iter()
            .copied()
            .chain(std::iter::once(self.root))
        {
            let Some(node) = paths.iter().find_map(|path| layer.path(path)) else {
                continue;
            };
            let written = extra_args(Some(node));
            if matches!(node.kind(), NodeKind::Sequence(_)) {
                args = written;
            } else {
                args.retain(|a| !written.iter().any(|w| w.name == a.name));
                args.extend(written);
            }
        }
        for op in &self.ops {
            if !paths
                .iter()
                .any(|path| path.iter().copied().eq(op.path.iter().map(String::as_str)))
            {
                continue;
            }
            match &op.change {
                ArgChange::Set(arg) => {
                    args.retain(|a| a.name != arg.name);
                    args.push(arg.clone());
                }
                ArgChange::Append(arg) => args.push(arg.clone()),
                ArgChange::Remove(name) => args.retain(|a| a.name != *name),
                ArgChange::Replace(all) => args.clone_from(all),
            }
        }
        args
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
        let node = self.get("kubernetesVersion")?;
        let text = node.as_str()?;
        Some(Spanned::new(parse_kubernetes_version(text)?, node.span()))
    }

    /// The first of `paths` that exists, with the key node of its last step.
    fn find(&self, paths: &[&[&str]]) -> Option<(NodeRef<'d, 'a>, NodeRef<'d, 'a>)> {
        self.layers().find_map(|layer| {
            paths.iter().find_map(|path| {
                let (last, parents) = path.split_last()?;
                layer.path(parents)?.entry(last)
            })
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
            .find_map(|key| doc.get(key));
        let scalar = |key: &str| {
            endpoint
                .and_then(|e| e.get(key))
                .and_then(NodeRef::mapped_text)
        };
        Self {
            advertise_address: scalar("advertiseAddress").filter(|a| !a.text.trim().is_empty()),
            bind_port: scalar("bindPort"),
            node_name: doc
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
    runner: Option<&'d Runner>,
    /// The images' tag, spanned where the config names it.
    version_tag: Option<Spanned<String>>,
}

/// One `extraArgs` entry.
#[derive(Clone, Debug)]
pub(super) struct ExtraArg {
    name: String,
    /// Its `--name=value` word.
    word: FlagWord,
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
        word: FlagWord::entry(&name.text, Some(&name.map), &value, span),
    }
}

fn empty_entry(name: &MappedText, span: Span) -> ExtraArg {
    let empty = MappedText::new("", span, TextMap::opaque());
    ExtraArg {
        name: name.text.clone(),
        word: FlagWord::entry(&name.text, Some(&name.map), &empty, span),
    }
}

/// kubeadm's command line: `base` with every name `overrides` has replaced by the overrides,
/// sorted by name and value; `tail` appended (flags kubeadm before 1.11 added after the rest).
fn command_line(base: Vec<FlagWord>, overrides: &[ExtraArg], tail: Vec<FlagWord>) -> Vec<FlagWord> {
    let mut words: Vec<FlagWord> = overrides.iter().map(|a| a.word.clone()).collect();
    words.extend(
        base.into_iter()
            .filter(|w| !overrides.iter().any(|o| o.name == w.name)),
    );
    words.sort_by(|a, b| (&a.name, &a.value).cmp(&(&b.name, &b.value)));
    words.extend(tail);
    words
}

/// The process kubeadm runs from `words`.
fn process(
    file: FileId,
    component: Component,
    words: Vec<FlagWord>,
    anchor: Span,
    image: Option<Spanned<String>>,
    version: Option<KubeVersion>,
) -> Process {
    let words: Vec<_> = words.into_iter().map(|w| w.into_word(file)).collect();
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

    /// The image kubeadm runs a component from; spanned at `kubernetesVersion` (or where the
    /// runner names the release), which decides its tag and the version the component is
    /// judged as.
    fn image(&self, component: &str) -> Option<Spanned<String>> {
        let tag = self.version_tag.as_ref()?;
        Some(Spanned::new(
            format!("{}/{component}:{}", self.image_repository, tag.value),
            tag.span,
        ))
    }
}

/// A flag kubeadm adds itself, located at `anchor`.
fn by_kubeadm(name: &str, value: impl Into<String>, anchor: Span) -> FlagWord {
    FlagWord::generated(name, value, anchor, WrittenBy::Kubeadm)
}

/// `etcd.local.extraArgs` (v1alpha1: `etcd.extraArgs`).
const LOCAL_ETCD_EXTRA_ARGS: &[&[&str]] =
    &[&["etcd", "local", "extraArgs"], &["etcd", "extraArgs"]];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{InventoryBuilder, InventoryOptions};
    use crate::source::SourceFile;

    fn inventory(text: &str) -> Inventory {
        let mut builder = InventoryBuilder::new(InventoryOptions::default());
        builder.add_file(SourceFile::new("kubeadm.yaml", text));
        builder.build()
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
    fn folded_values_map_in_runs() {
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

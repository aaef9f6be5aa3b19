//! kind `Cluster` configs (`kind.x-k8s.io/v1alpha4`): the control plane kind has kubeadm
//! write on its nodes.
//!
//! kind renders a kubeadm config from its template for the node's Kubernetes version
//! (kubernetes-sigs/kind `pkg/cluster/internal/kubeadm/config.go`, v0.32.0), applies the
//! cluster's `kubeadmConfigPatches` and then the node's own
//! (`pkg/cluster/internal/create/actions/config/config.go`), and runs kubeadm with the result.
//! A patch is a string holding a YAML document: JSON merge patches (maps merge, lists are
//! replaced) matched by `kind`, and by `apiVersion` when the patch states one
//! (`pkg/internal/patch/resource.go`). The patches are parsed here with their spans mapped
//! into the file, and read as the kubeadm documents they patch. `kubeadmConfigPatchesJSON6902`
//! entries (matched the same way by `kind` and `group/version`) apply after the merge patches
//! (`pkg/internal/patch/kubeyaml.go`); their operations on `extraArgs` and
//! `kubeletExtraArgs` are read, others (a SAN, a volume) change nothing checked. kind's template
//! adds no
//! security setting of its own (its `apiServer.extraArgs` hold `runtime-config` and
//! `feature-gates` from the cluster's fields, its kubelet args the node's address, provider
//! ID and labels, its `KubeletConfiguration` disk and cgroup settings), so what a cluster
//! without patches runs is kubeadm's defaults.
//!
//! The node image's tag (`kindest/node:v1.30.0@sha256:...`) is the Kubernetes version. The
//! first control-plane node runs `kubeadm init` with the `ClusterConfiguration` (a joining
//! control-plane node takes the cluster's from it); every other node joins.

use super::{
    ArgChange, ArgOp, Doc, ExtraArg, Runner, entry, extra_args, keep_distinct, read_documents,
};
use crate::flags::WrittenBy;
use crate::inventory::read::flag_words::FlagWord;
use crate::inventory::read::kubelet_config::{self, KubeletConfigDoc};
use crate::inventory::{FileId, InputProblem, Inventory};
use crate::source::{Located, Span, Spanned};
use crate::version::{ImageRef, KubeVersion};
use crate::yaml::{self, Document, NodeRef};

/// The API group of kind's cluster config, as `apiVersion` starts.
const API_GROUP: &str = "kind.x-k8s.io/";

/// Whether an object of this `kind` and `apiVersion` is a kind cluster config.
pub(in crate::inventory::read) fn is_kind_cluster(
    kind: &str,
    api_version: Option<&Located<String>>,
) -> bool {
    kind == "Cluster" && api_version.is_some_and(|v| v.value.starts_with(API_GROUP))
}

/// One document of a `kubeadmConfigPatches` string.
struct Patch<'a> {
    document: Document<'a>,
}

impl Patch<'_> {
    fn kind(&self) -> Option<&str> {
        self.document.root().str_at("kind")
    }

    /// Whether kind applies it to a document of `kind` whose `apiVersion` is `api` (`None`
    /// when the node's version, which picks the template's API, is not known).
    fn applies_to(&self, kind: &str, api: Option<&str>) -> bool {
        let root = self.document.root();
        self.kind() == Some(kind)
            && match (root.str_at("apiVersion"), api) {
                (Some(written), Some(api)) => written == api,
                _ => true,
            }
    }
}

/// Reads the kind cluster config `cluster` of `file` (whose text is `text`).
pub(in crate::inventory::read) fn read(
    inventory: &mut Inventory,
    file: FileId,
    text: &str,
    cluster: NodeRef<'_, '_>,
) {
    let anchor = cluster.get("kind").map_or(cluster.span(), NodeRef::span);
    let cluster_patches = patches(inventory, file, text, cluster);
    let cluster_json_patches = json_patches(inventory, file, text, cluster);
    let nodes: Vec<NodeRef<'_, '_>> = cluster.get("nodes").map_or(Vec::new(), |n| {
        n.items().filter(|item| item.is_mapping()).collect()
    });
    add_kubelet_configs(inventory, file, &cluster_patches, None);
    let cluster_start = inventory.processes.len();
    let mut initialized = false;
    let mut join_without_patches = false;
    // kind's default is one control-plane node.
    let roles: Vec<(Option<NodeRef<'_, '_>>, bool)> = if nodes.is_empty() {
        vec![(None, true)]
    } else {
        nodes
            .iter()
            .map(|node| (Some(*node), node.str_at("role") != Some("worker")))
            .collect()
    };
    for (node, control_plane) in roles {
        let node_patches = node.map_or(Vec::new(), |n| patches(inventory, file, text, n));
        let node_json_patches = node.map_or(Vec::new(), |n| json_patches(inventory, file, text, n));
        let init = control_plane && !initialized;
        initialized |= init;
        // Nodes that join without patches of their own run the same kubelet: read it once.
        if !init && node_patches.is_empty() && node_json_patches.is_empty() {
            if join_without_patches {
                continue;
            }
            join_without_patches = true;
        }
        let node_anchor = node
            .and_then(|n| n.entry("role").map(|(key, _)| key.span()))
            .unwrap_or(anchor);
        let image = node.and_then(|n| n.get("image"));
        let version = image.and_then(|image| {
            let tag = ImageRef::parse(image.as_str()?).tag?;
            let version = KubeVersion::parse(tag).ok()?;
            Some((version, Spanned::new(tag.to_owned(), image.span())))
        });
        let api = version.as_ref().map(|(v, _)| template_api(*v));
        let applicable = |kind: &str| -> Vec<NodeRef<'_, '_>> {
            cluster_patches
                .iter()
                .chain(&node_patches)
                .filter(|p| p.applies_to(kind, api))
                .map(|p| p.document.root())
                .collect()
        };
        let mut documents = Vec::new();
        // Under the patches, the cluster config itself: its `networking.serviceSubnet` is the
        // `ClusterConfiguration`'s, and it has no other key a kubeadm document reads.
        let patched = |kind: &'static str, anchor: Span| {
            let mut layers = vec![cluster];
            layers.extend(applicable(kind));
            let root = layers.pop().unwrap_or(cluster);
            // JSON 6902 patches apply after the merge patches, the cluster's before the node's.
            let ops = cluster_json_patches
                .iter()
                .chain(&node_json_patches)
                .filter(|p| p.applies_to(kind, api))
                .flat_map(|p| p.ops.iter().cloned())
                .collect();
            doc(kind, root, layers, anchor).with_ops(ops)
        };
        if init {
            documents.push(patched("ClusterConfiguration", anchor));
        }
        documents.push(if init {
            patched("InitConfiguration", node_anchor)
        } else {
            patched("JoinConfiguration", node_anchor)
        });
        add_kubelet_configs(inventory, file, &node_patches, api);
        let runner = Runner {
            written_by: WrittenBy::Kind,
            version,
            api_server_args: if init {
                api_server_args(cluster)
            } else {
                Vec::new()
            },
            controller_manager_args: if init {
                controller_manager_args(cluster)
            } else {
                Vec::new()
            },
            scheduler_args: if init {
                scheduler_args(cluster)
            } else {
                Vec::new()
            },
        };
        let first = inventory.processes.len();
        read_documents(inventory, file, &documents, Some(&runner));
        keep_distinct(inventory, cluster_start, first);
    }
}

/// The `KubeletConfiguration` documents of `patches` that kind applies (its template writes
/// one for every node), as the kubelet config of the kubeadm kubelets of `file`.
fn add_kubelet_configs(
    inventory: &mut Inventory,
    file: FileId,
    patches: &[Patch<'_>],
    api: Option<&str>,
) {
    let kubelet_api = api.map(|_| "kubelet.config.k8s.io/v1beta1");
    for patch in patches
        .iter()
        .filter(|p| p.applies_to("KubeletConfiguration", kubelet_api))
    {
        let config = patch.document.root();
        let Some(kind) = config.get("kind") else {
            continue;
        };
        let api_version = config
            .get("apiVersion")
            .and_then(|v| v.located_string(file));
        if kubelet_config::is_kubelet_api(api_version.as_ref()) {
            let mut doc = KubeletConfigDoc::read(file, kind, api_version, config);
            doc.in_kubeadm_file = true;
            inventory.kubelet_configs.push(doc);
        }
    }
}

/// A kubeadm document of `kind`: `root` patched over `earlier` (first to last), anchored at
/// `anchor` when it writes nothing the process is anchored at.
fn doc<'d, 'a>(
    kind: &'static str,
    root: NodeRef<'d, 'a>,
    earlier: Vec<NodeRef<'d, 'a>>,
    anchor: Span,
) -> Doc<'d, 'a> {
    let api = root
        .str_at("apiVersion")
        .and_then(|v| v.strip_prefix(super::API_GROUP))
        .unwrap_or("v1beta3");
    Doc::embedded(kind, api, root, anchor).over(earlier)
}

/// The kubeadm API of kind's template for a release (`Config` in kind's `config.go`).
fn template_api(version: KubeVersion) -> &'static str {
    if version.is_before(KubeVersion::new(1, 23)) {
        "kubeadm.k8s.io/v1beta2"
    } else if version.is_before(KubeVersion::new(1, 36)) {
        "kubeadm.k8s.io/v1beta3"
    } else {
        "kubeadm.k8s.io/v1beta4"
    }
}

/// The documents of the `kubeadmConfigPatches` strings of `owner` (the cluster or a node),
/// in order; a string that is not YAML is a problem of the file, at its bytes.
fn patches<'a>(
    inventory: &mut Inventory,
    file: FileId,
    text: &'a str,
    owner: NodeRef<'_, '_>,
) -> Vec<Patch<'a>> {
    let mut patches = Vec::new();
    let Some(list) = owner.get("kubeadmConfigPatches") else {
        return patches;
    };
    for item in list.items() {
        let Some(value) = item.mapped_text() else {
            continue;
        };
        match yaml::load_embedded(&value, text) {
            Ok(stream) => patches.extend(
                stream
                    .documents
                    .into_iter()
                    .filter(|d| d.root().is_mapping())
                    .map(|document| Patch { document }),
            ),
            Err(error) => inventory.problems.push(InputProblem::load(file, error)),
        }
    }
    patches
}

/// A `kubeadmConfigPatchesJSON6902` entry: what it applies to, and its operations on
/// `extraArgs` (the only ones read).
struct JsonPatch {
    kind: String,
    /// `group/version`, when the entry names a group.
    api: Option<String>,
    ops: Vec<ArgOp>,
}

impl JsonPatch {
    fn applies_to(&self, kind: &str, api: Option<&str>) -> bool {
        self.kind == kind
            && match (&self.api, api) {
                (Some(written), Some(api)) => written == api,
                _ => true,
            }
    }
}

/// The `kubeadmConfigPatchesJSON6902` entries of `owner` (the cluster or a node).
fn json_patches(
    inventory: &mut Inventory,
    file: FileId,
    text: &str,
    owner: NodeRef<'_, '_>,
) -> Vec<JsonPatch> {
    let mut patches = Vec::new();
    let Some(list) = owner.get("kubeadmConfigPatchesJSON6902") else {
        return patches;
    };
    for item in list.items() {
        let (Some(kind), Some(patch)) = (
            item.str_at("kind"),
            item.get("patch").and_then(NodeRef::mapped_text),
        ) else {
            continue;
        };
        let api = item
            .str_at("group")
            .zip(item.str_at("version"))
            .map(|(group, version)| format!("{group}/{version}"));
        let stream = match yaml::load_embedded(&patch, text) {
            Ok(stream) => stream,
            Err(error) => {
                inventory.problems.push(InputProblem::load(file, error));
                continue;
            }
        };
        let ops = stream
            .documents
            .iter()
            .flat_map(|d| d.root().items().filter_map(arg_op).collect::<Vec<_>>())
            .collect();
        patches.push(JsonPatch {
            kind: kind.to_owned(),
            api,
            ops,
        });
    }
    patches
}

/// One operation of a JSON 6902 patch, when it changes an `extraArgs` map or list:
/// `{op: add, path: /apiServer/extraArgs/authorization-mode, value: AlwaysAllow}`.
fn arg_op(operation: NodeRef<'_, '_>) -> Option<ArgOp> {
    let op = operation.str_at("op")?;
    let keys: Vec<String> = operation
        .str_at("path")?
        .strip_prefix('/')?
        .split('/')
        .map(|key| key.replace("~1", "/").replace("~0", "~"))
        .collect();
    let value = operation.get("value");
    // The operation is located from its `path`, which names the flag, to its value.
    let path_span = operation.get("path")?.span();
    let span = value.map_or(path_span, |v| path_span.cover(v.span()));
    let is_args = |key: &String| key == "extraArgs" || key == "kubeletExtraArgs";
    let (last, parents) = keys.split_last()?;
    if is_args(last) {
        let all = match op {
            "add" | "replace" => extra_args(value),
            "remove" => Vec::new(),
            _ => return None,
        };
        return Some(ArgOp {
            path: keys,
            change: ArgChange::Replace(all),
        });
    }
    if !parents.last().is_some_and(is_args) {
        return None;
    }
    let change = match (op, last.as_str()) {
        ("add", "-") => {
            let item = value?;
            let name = item.get("name").and_then(NodeRef::mapped_text)?;
            ArgChange::Append(entry(&name, item.get("value")?, span))
        }
        ("add" | "replace", name) if !name.bytes().all(|b| b.is_ascii_digit()) => {
            let value = value?.mapped_text()?;
            ArgChange::Set(ExtraArg {
                name: name.to_owned(),
                word: FlagWord::entry(name, None, &value, span),
            })
        }
        ("remove", name) if !name.bytes().all(|b| b.is_ascii_digit()) => {
            ArgChange::Remove(name.to_owned())
        }
        _ => return None,
    };
    Some(ArgOp {
        path: parents.to_vec(),
        change,
    })
}

/// The `apiServer.extraArgs` kind's template writes from the cluster's own fields:
/// `runtime-config` from `runtimeConfig`, `feature-gates` from `featureGates` (both sorted by
/// name, as kind's `RuntimeConfigString` and `FeatureGatesString` are).
fn api_server_args(cluster: NodeRef<'_, '_>) -> Vec<(&'static str, String)> {
    let mut args = Vec::new();
    if let Some(runtime) = joined_pairs(cluster, "runtimeConfig") {
        args.push(("runtime-config", runtime));
    }
    args.extend(feature_gates(cluster));
    args
}

/// The `controllerManager.extraArgs` kind's template writes: `feature-gates`,
/// `enable-hostpath-provisioner`, and `bind-address: "::"` for an IPv6 cluster.
fn controller_manager_args(cluster: NodeRef<'_, '_>) -> Vec<(&'static str, String)> {
    let mut args: Vec<_> = feature_gates(cluster).into_iter().collect();
    args.push(("enable-hostpath-provisioner", "true".to_owned()));
    if is_ipv6(cluster) {
        args.push(("bind-address", "::".to_owned()));
    }
    args
}

/// The `scheduler.extraArgs` kind's template writes: `feature-gates`, and
/// `bind-address: "::1"` for an IPv6 cluster.
fn scheduler_args(cluster: NodeRef<'_, '_>) -> Vec<(&'static str, String)> {
    let mut args: Vec<_> = feature_gates(cluster).into_iter().collect();
    if is_ipv6(cluster) {
        args.push(("bind-address", "::1".to_owned()));
    }
    args
}

/// `feature-gates` from the cluster's `featureGates`, which kind's template passes to the API
/// server, the controller manager and the scheduler alike.
fn feature_gates(cluster: NodeRef<'_, '_>) -> Option<(&'static str, String)> {
    joined_pairs(cluster, "featureGates").map(|gates| ("feature-gates", gates))
}

/// `networking.ipFamily: ipv6` (not `dual`, whose defaults stay IPv4).
fn is_ipv6(cluster: NodeRef<'_, '_>) -> bool {
    cluster
        .path(&["networking", "ipFamily"])
        .and_then(NodeRef::as_str)
        .is_some_and(|family| family.eq_ignore_ascii_case("ipv6"))
}

/// The `key=value` pairs of the map at `key`, sorted by name and joined with commas.
fn joined_pairs(cluster: NodeRef<'_, '_>, key: &str) -> Option<String> {
    let mut pairs: Vec<String> = cluster
        .get(key)?
        .entries()
        .filter_map(|(k, v)| Some(format!("{}={}", k.as_str()?, v.as_str()?)))
        .collect();
    pairs.sort();
    (!pairs.is_empty()).then(|| pairs.join(","))
}

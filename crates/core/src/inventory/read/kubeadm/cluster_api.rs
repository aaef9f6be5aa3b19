//! Cluster API's kubeadm bootstrap: `KubeadmControlPlane`
//! (`controlplane.cluster.x-k8s.io`), `KubeadmConfig` and `KubeadmConfigTemplate`
//! (`bootstrap.cluster.x-k8s.io`). Their `kubeadmConfigSpec` (a template's
//! `template.spec`) embeds kubeadm's `clusterConfiguration`, `initConfiguration` and
//! `joinConfiguration` without `apiVersion` and `kind`; Cluster API renders them into the
//! kubeadm config its machines run `kubeadm init` or `kubeadm join` with, adding no
//! component flag of its own. They are read as those kubeadm documents; the control plane's
//! `spec.version` is the release Cluster API runs kubeadm for.
//!
//! A control plane's machines are the first one, which runs `kubeadm init` (the
//! `ClusterConfiguration` and `InitConfiguration`: kube-apiserver, etcd, its kubelet), and the
//! others, which join (`JoinConfiguration`: their kubelet). A config template describes
//! worker machines, which join.

use super::{Doc, Runner, keep_distinct, read_documents};
use crate::flags::WrittenBy;
use crate::inventory::{FileId, Inventory};
use crate::source::{Located, Spanned};
use crate::version::KubeVersion;
use crate::yaml::NodeRef;

/// The object kinds read, with the `apiVersion` group each is of.
const KINDS: &[(&str, &str)] = &[
    ("KubeadmControlPlane", "controlplane.cluster.x-k8s.io/"),
    (
        "KubeadmControlPlaneTemplate",
        "controlplane.cluster.x-k8s.io/",
    ),
    ("KubeadmConfig", "bootstrap.cluster.x-k8s.io/"),
    ("KubeadmConfigTemplate", "bootstrap.cluster.x-k8s.io/"),
];

/// Whether an object of this `kind` and `apiVersion` is a Cluster API kubeadm object.
pub(in crate::inventory::read) fn is_kubeadm_object(
    kind: &str,
    api_version: Option<&Located<String>>,
) -> bool {
    KINDS
        .iter()
        .any(|(k, group)| *k == kind && api_version.is_some_and(|v| v.value.starts_with(group)))
}

/// Whether `text` holds a Cluster API kubeadm object, for a file with Go-template braces
/// that is read all the same: Cluster API hands cloud-init's `{{ ds.meta_data.* }}` through
/// as text, so such braces in one value leave the rest of the manifest readable.
pub(in crate::inventory::read) fn mentions_kubeadm_objects(text: &str) -> bool {
    KINDS
        .iter()
        .any(|(kind, group)| text.contains(group) && text.contains(kind))
}

/// Reads the Cluster API object `object` of `file`, whose `kind:` value is `kind`.
pub(in crate::inventory::read) fn read(
    inventory: &mut Inventory,
    file: FileId,
    kind: &str,
    object: NodeRef<'_, '_>,
) {
    let Some(spec) = object.get("spec") else {
        return;
    };
    // Where the kubeadm config spec is: its parent and its key.
    let (parent, key) = match kind {
        "KubeadmControlPlane" => (Some(spec), "kubeadmConfigSpec"),
        "KubeadmControlPlaneTemplate" => (spec.path(&["template", "spec"]), "kubeadmConfigSpec"),
        "KubeadmConfigTemplate" => (spec.get("template"), "spec"),
        _ => (Some(object), "spec"),
    };
    let Some((key, config)) = parent.and_then(|p| p.entry(key)) else {
        return;
    };
    if !config.is_mapping() {
        return;
    }
    let anchor = key.span();
    let control_plane = kind.starts_with("KubeadmControlPlane");
    let document = |key: &str, kind: &'static str| {
        config.entry(key).and_then(|(key, value)| {
            value
                .is_mapping()
                .then(|| Doc::embedded(kind, "v1beta3", value, key.span()))
        })
    };
    // The document Cluster API writes when the object leaves it out: kubeadm's defaults.
    let defaulted = |kind: &'static str| Doc::embedded(kind, "v1beta3", config, anchor);
    let cluster = document("clusterConfiguration", "ClusterConfiguration");
    let init = document("initConfiguration", "InitConfiguration");
    let join = document("joinConfiguration", "JoinConfiguration");
    let version = spec.get("version").and_then(|node| {
        let tag = node.as_str()?.trim();
        let version = KubeVersion::parse(tag).ok()?;
        let tag = if tag.starts_with('v') {
            tag.to_owned()
        } else {
            format!("v{tag}")
        };
        Some((version, Spanned::new(tag, node.span())))
    });
    let runner = Runner {
        written_by: WrittenBy::Kubeadm,
        version,
        api_server_args: Vec::new(),
        controller_manager_args: Vec::new(),
        scheduler_args: Vec::new(),
    };
    let start = inventory.processes.len();
    // The machine that runs `kubeadm init`: a control plane's first, or a config that says so.
    if control_plane || init.is_some() || cluster.is_some() {
        let documents = vec![
            cluster.unwrap_or_else(|| defaulted("ClusterConfiguration")),
            init.unwrap_or_else(|| defaulted("InitConfiguration")),
        ];
        read_documents(inventory, file, &documents, Some(&runner));
    }
    // The machines that join: a control plane's others, a template's workers.
    if control_plane || join.is_some() || kind == "KubeadmConfigTemplate" {
        let documents = vec![join.unwrap_or_else(|| defaulted("JoinConfiguration"))];
        let new = inventory.processes.len();
        read_documents(inventory, file, &documents, Some(&runner));
        keep_distinct(inventory, start, new);
    }
}

//! `KubeletConfiguration` documents (the kubelet's `--config` file, its `--config-dir`
//! drop-ins, or one seen on its own), flattened to located leaves. Which kubelet reads which
//! document is decided by the kubelet view.

use crate::inventory::{ConfigFields, FileId};
use crate::source::{Located, Location};
use crate::yaml::NodeRef;

/// A `KubeletConfiguration` document.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KubeletConfigDoc {
    pub file: FileId,
    /// The `kind: KubeletConfiguration` line's value: missing fields are reported here.
    pub kind_location: Location,
    pub api_version: Option<Located<String>>,
    pub fields: ConfigFields,
    /// The document sits in a kubeadm config file (next to an `InitConfiguration` or
    /// `ClusterConfiguration`): kubeadm fills in its own defaults before the kubelet reads it.
    pub in_kubeadm_file: bool,
}

/// Whether a `kind: KubeletConfiguration` object of this `apiVersion` is the kubelet's (one
/// without an `apiVersion` is taken to be).
pub(super) fn is_kubelet_api(api_version: Option<&Located<String>>) -> bool {
    api_version.is_none_or(|v| v.value.starts_with("kubelet.config.k8s.io/"))
}

impl KubeletConfigDoc {
    /// The document `object` of `file`, whose `kind:` value is `kind`.
    pub(super) fn read(
        file: FileId,
        kind: NodeRef<'_, '_>,
        api_version: Option<Located<String>>,
        object: NodeRef<'_, '_>,
    ) -> Self {
        Self {
            file,
            kind_location: kind.location_in(file),
            api_version,
            fields: ConfigFields::from_node(file, object),
            in_kubeadm_file: false,
        }
    }
}

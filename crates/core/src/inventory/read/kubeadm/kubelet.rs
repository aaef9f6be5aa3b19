//! The kubelet a kubeadm `InitConfiguration` or `JoinConfiguration` describes.

use super::{Doc, by_kubeadm, process};
use crate::component::Component;
use crate::inventory::{FileId, Process};
use crate::source::Spanned;
use crate::version::KubeVersion;

/// The kubelet of an `InitConfiguration` / `JoinConfiguration`: the flags of kubeadm's
/// systemd drop-in (`10-kubeadm.conf`), then `nodeRegistration.kubeletExtraArgs` (from
/// `kubeadm-flags.env`, which the unit expands later on the command line).
pub(super) fn kubelet(
    file: FileId,
    node: &Doc<'_, '_>,
    version: Option<Spanned<KubeVersion>>,
) -> Process {
    let extra_path: &[&str] = &["nodeRegistration", "kubeletExtraArgs"];
    let anchor = node.anchor(&[extra_path, &["nodeRegistration"]]);
    let extra = node.extra_args(&[extra_path]);
    let mut words = vec![
        by_kubeadm(
            "bootstrap-kubeconfig",
            "/etc/kubernetes/bootstrap-kubelet.conf",
            anchor,
        ),
        by_kubeadm("kubeconfig", "/etc/kubernetes/kubelet.conf", anchor),
        by_kubeadm("config", "/var/lib/kubelet/config.yaml", anchor),
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

//! The kube-controller-manager static pod kubeadm writes from a `ClusterConfiguration`.

use super::{
    Context, DEFAULT_SERVICE_SUBNET, Doc, by_kubeadm, command_line, process, under_runner,
};
use crate::component::Component;
use crate::inventory::Process;
use crate::inventory::read::flag_words::FlagWord;
use crate::yaml::NodeRef;

/// The kubeconfig kubeadm writes for the controller manager.
const KUBECONFIG: &str = "/etc/kubernetes/controller-manager.conf";

impl Context<'_> {
    pub(super) fn controller_manager(&self, cluster: &Doc<'_, '_>) -> Process {
        let g = self.generation;
        let extra_paths: &[&[&str]] = &[
            &["controllerManager", "extraArgs"],
            &["controllerManagerExtraArgs"],
        ];
        let anchor = cluster.anchor(&[extra_paths[0], extra_paths[1], &["controllerManager"]]);
        let overrides = under_runner(
            self.runner
                .map(|r| r.args(&r.controller_manager_args, anchor)),
            cluster.extra_args(extra_paths),
        );
        let kubeadm = |name: &str, value: &str| by_kubeadm(name, value, anchor);
        let mut base = vec![
            kubeadm("cluster-signing-cert-file", &self.cert("ca.crt")),
            kubeadm("cluster-signing-key-file", &self.cert("ca.key")),
            kubeadm("controllers", "*,bootstrapsigner,tokencleaner"),
            kubeadm("kubeconfig", KUBECONFIG),
            kubeadm("leader-elect", "true"),
            kubeadm("root-ca-file", &self.cert("ca.crt")),
            kubeadm("service-account-private-key-file", &self.cert("sa.key")),
            kubeadm("use-service-account-credentials", "true"),
        ];
        if g.before(13) {
            // The insecure port on loopback; the secure port was not served yet.
            base.push(kubeadm("address", "127.0.0.1"));
        } else {
            base.extend([
                kubeadm("authentication-kubeconfig", KUBECONFIG),
                kubeadm("authorization-kubeconfig", KUBECONFIG),
                kubeadm("bind-address", "127.0.0.1"),
                kubeadm("client-ca-file", &self.cert("ca.crt")),
                kubeadm(
                    "requestheader-client-ca-file",
                    &self.cert("front-proxy-ca.crt"),
                ),
            ]);
        }
        // Node CIDRs are allocated from the pod subnet, when the config names one.
        if let Some(subnet) = cluster
            .path(&["networking", "podSubnet"])
            .and_then(NodeRef::mapped_text)
            .filter(|subnet| !subnet.text.trim().is_empty())
        {
            base.push(kubeadm("allocate-node-cidrs", "true"));
            base.push(FlagWord::written("cluster-cidr", &subnet, subnet.span));
            if !g.before(13) {
                base.push(
                    match cluster
                        .path(&["networking", "serviceSubnet"])
                        .and_then(NodeRef::mapped_text)
                    {
                        Some(services) => {
                            FlagWord::written("service-cluster-ip-range", &services, services.span)
                        }
                        None => kubeadm("service-cluster-ip-range", DEFAULT_SERVICE_SUBNET),
                    },
                );
            }
        }
        let words = command_line(base, &overrides, Vec::new());
        process(
            self.file,
            Component::ControllerManager,
            words,
            anchor,
            self.image("kube-controller-manager"),
            self.version.map(|v| v.value),
        )
    }
}

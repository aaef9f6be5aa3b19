//! The kube-scheduler static pod kubeadm writes from a `ClusterConfiguration`.

use super::{Context, Doc, by_kubeadm, command_line, process, under_runner};
use crate::component::Component;
use crate::inventory::Process;

/// The kubeconfig kubeadm writes for the scheduler.
const KUBECONFIG: &str = "/etc/kubernetes/scheduler.conf";

impl Context<'_> {
    pub(super) fn scheduler(&self, cluster: &Doc<'_, '_>) -> Process {
        let g = self.generation;
        let extra_paths: &[&[&str]] = &[&["scheduler", "extraArgs"], &["schedulerExtraArgs"]];
        let anchor = cluster.anchor(&[extra_paths[0], extra_paths[1], &["scheduler"]]);
        let overrides = under_runner(
            self.runner.map(|r| r.args(&r.scheduler_args, anchor)),
            cluster.extra_args(extra_paths),
        );
        let kubeadm = |name: &str, value: &str| by_kubeadm(name, value, anchor);
        let mut base = vec![
            kubeadm("kubeconfig", KUBECONFIG),
            kubeadm("leader-elect", "true"),
        ];
        if g.before(13) {
            // The insecure port on loopback; the secure port was not served yet.
            base.push(kubeadm("address", "127.0.0.1"));
        } else {
            base.push(kubeadm("bind-address", "127.0.0.1"));
        }
        if !g.before(16) {
            base.push(kubeadm("authentication-kubeconfig", KUBECONFIG));
            base.push(kubeadm("authorization-kubeconfig", KUBECONFIG));
        }
        let words = command_line(base, &overrides, Vec::new());
        process(
            self.file,
            Component::Scheduler,
            words,
            anchor,
            self.image("kube-scheduler"),
            self.version.map(|v| v.value),
        )
    }
}

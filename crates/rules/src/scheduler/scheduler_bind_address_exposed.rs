use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-scheduler whose secure port listens beyond loopback: `--bind-address` is
    /// not a loopback address, or not set, since its default is `0.0.0.0` (every interface).
    ///
    /// ## Why is this bad?
    /// The secure port (10259) serves health checks, metrics and, with profiling on,
    /// `/debug/pprof`. Reachable from the network, it is one more authenticated endpoint for
    /// stolen credentials, and its unauthenticated paths (`/healthz`) tell a scanner what runs
    /// there. The scheduler talks to the API server, not the other way round, so nothing needs
    /// to reach it from off the node except a metrics scraper.
    ///
    /// kubeadm binds it to `127.0.0.1`; a scheduler with no `--bind-address` at all listens
    /// everywhere. kube-bench passes an absent flag (its check accepts "not set"), so it
    /// reports exactly this case as compliant.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-scheduler
    ///     image: registry.k8s.io/kube-scheduler:v1.30.4
    ///     command:
    ///     - kube-scheduler
    ///     - --profiling=false
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-scheduler
    ///     image: registry.k8s.io/kube-scheduler:v1.30.4
    ///     command:
    ///     - kube-scheduler
    ///     - --bind-address=127.0.0.1
    ///     - --profiling=false
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `--bind-address=127.0.0.1`. A liveness probe or a metrics scraper that
    /// reaches the scheduler from outside the node stops working.
    ///
    /// ## Version notes
    /// `--bind-address` has defaulted to `0.0.0.0` in every release, and applies with
    /// `--config` too (the KubeSchedulerConfiguration has no serving address since
    /// `kubescheduler.config.k8s.io/v1beta3`). The secure port is served by default from v1.13;
    /// before, `--secure-port` defaulted to `0`, and the rule is silent for those releases (and
    /// wherever `--secure-port=0` turns it off).
    ///
    /// ## How to verify on a live cluster
    /// On a control-plane node, `ss -ltnp | grep 10259` shows `127.0.0.1:10259` when the port
    /// is bound to loopback and `*:10259` when it listens everywhere.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.4.2 (ensure that the `--bind-address` argument is set to 127.0.0.1)
    /// - Kubernetes documentation: "kube-scheduler" command-line reference
    pub SchedulerBindAddressExposed,
    code = "KSCH002",
    name = "scheduler-bind-address-exposed",
    category = Hardening,
    target = "kube-scheduler",
    summary = "kube-scheduler serves its secure port beyond loopback",
    cis = ["scheduler.bind-address"],
}

impl Rule for SchedulerBindAddressExposed {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for scheduler in inventory.schedulers() {
            super::serving(&scheduler).check_bind_address(
                inventory,
                scheduler.bind_address(),
                findings,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, scheduler};

    #[test]
    fn cases() {
        Tester::new(&SchedulerBindAddressExposed, "kube-scheduler.yaml")
            .pass([
                scheduler(&["--bind-address=127.0.0.1"]),
                scheduler(&["--bind-address=::1"]),
                scheduler(&["--bind-address=${BIND}"]),
                scheduler(&[
                    "--config=/etc/kubernetes/scheduler-config.yaml",
                    "--bind-address=127.0.0.1",
                ]),
                scheduler(&["--secure-port=0"]),
                // The port could be `0`.
                scheduler(&["--secure-port=${SECURE_PORT}"]),
                // kind's template binds an IPv6 cluster's scheduler to `::1`.
                "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: ipv6\n"
                    .to_owned(),
            ])
            .fail([
                // Not set: the default `0.0.0.0` applies.
                scheduler(&[]),
                scheduler(&["--config=/etc/kubernetes/scheduler-config.yaml"]),
                scheduler(&["--bind-address=0.0.0.0"]),
                scheduler(&["--bind-address", "192.168.1.10"]),
            ])
            .expect_unsafe_fix([(
                scheduler(&["--bind-address=0.0.0.0"]),
                scheduler(&["--bind-address=127.0.0.1"]),
            )])
            .fix_round_trip([scheduler(&[])])
            .test_and_snapshot();
    }
}

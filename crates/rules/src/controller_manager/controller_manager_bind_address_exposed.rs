use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager whose secure port listens beyond loopback:
    /// `--bind-address` is not a loopback address, or not set, since its default is `0.0.0.0`
    /// (every interface).
    ///
    /// ## Why is this bad?
    /// The secure port (10257) serves health checks, metrics and, with profiling on,
    /// `/debug/pprof`. Reachable from the network, it is one more authenticated endpoint for
    /// stolen credentials, and its unauthenticated paths (`/healthz`) tell a scanner what runs
    /// there. The controller manager talks to the API server, not the other way round, so
    /// nothing needs to reach it from off the node except a metrics scraper.
    ///
    /// kubeadm binds it to `127.0.0.1`; a controller manager with no `--bind-address` at all
    /// listens everywhere. kube-bench passes an absent flag (its check accepts "not set"), so
    /// it reports exactly this case as compliant.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-controller-manager
    ///     image: registry.k8s.io/kube-controller-manager:v1.30.4
    ///     command:
    ///     - kube-controller-manager
    ///     - --profiling=false
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-controller-manager
    ///     image: registry.k8s.io/kube-controller-manager:v1.30.4
    ///     command:
    ///     - kube-controller-manager
    ///     - --bind-address=127.0.0.1
    ///     - --profiling=false
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `--bind-address=127.0.0.1`. A liveness probe or a metrics scraper that
    /// reaches the controller manager from outside the node (a pod not on the host network, a
    /// Prometheus elsewhere) stops working.
    ///
    /// ## Version notes
    /// `--bind-address` has defaulted to `0.0.0.0` in every release. The secure port is served
    /// by default from v1.13; before, `--secure-port` defaulted to `0`, and the rule is silent
    /// for those releases (and wherever `--secure-port=0` turns it off). Releases before v1.24
    /// also served an unauthenticated insecure port on `--address` (default `0.0.0.0`, kubeadm
    /// wrote `127.0.0.1`), which this rule does not judge.
    ///
    /// ## How to verify on a live cluster
    /// On a control-plane node, `ss -ltnp | grep 10257` shows `127.0.0.1:10257` when the port
    /// is bound to loopback and `*:10257` when it listens everywhere.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.7 (ensure that the `--bind-address` argument is set to 127.0.0.1)
    /// - Kubernetes documentation: "kube-controller-manager" command-line reference
    pub ControllerManagerBindAddressExposed,
    code = "KCMG007",
    name = "controller-manager-bind-address-exposed",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager serves its secure port beyond loopback",
    cis = ["controller-manager.bind-address"],
}

impl Rule for ControllerManagerBindAddressExposed {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for manager in inventory.controller_managers() {
            super::serving(&manager).check_bind_address(
                inventory,
                manager.bind_address(),
                findings,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND_IPV6: &str = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: ipv6\nnodes:\n- role: control-plane\n  image: kindest/node:v1.30.0\n";
    use crate::testing::{
        Tester, controller_manager, controller_manager_args, controller_manager_at, flow,
        kubeadm_cluster,
    };

    #[test]
    fn cases() {
        Tester::new(&ControllerManagerBindAddressExposed, "kube-controller-manager.yaml")
            .pass([
                controller_manager(&["--bind-address=127.0.0.1"]),
                controller_manager(&["--bind-address", "::1"]),
                controller_manager(&["--bind-address=127.0.1.1"]),
                controller_manager(&["--bind-address=${BIND_ADDRESS}"]),
                controller_manager(&["--bind-address=$(POD_IP)"]),
                controller_manager_args(&["--bind-address=127.0.0.1"]),
                // No secure port, nothing to bind.
                controller_manager(&["--secure-port=0"]),
                // The secure port was off by default before v1.13.
                controller_manager_at("v1.12.10", &[]),
                // kubeadm binds it to loopback from v1.13; before it the port was off.
                kubeadm_cluster("v1.30.4", ""),
                kubeadm_cluster("v1.12.10", ""),
            ])
            .fail([
                // Not set: the default `0.0.0.0` applies.
                controller_manager(&[]),
                controller_manager(&["--bind-address=0.0.0.0"]),
                controller_manager(&["--bind-address=::"]),
                controller_manager(&["--bind-address=10.0.0.5"]),
                controller_manager(&["--bind-address="]),
                controller_manager(&["--bind-address=127.0.0.1", "--bind-address=0.0.0.0"]),
                controller_manager(&["--secure-port=10257"]),
                controller_manager_args(&["--leader-elect=true"]),
                kubeadm_cluster(
                    "v1.30.4",
                    "controllerManager:\n  extraArgs:\n    bind-address: 0.0.0.0\n",
                ),
                // kind's template binds an IPv6 cluster's controller manager to `::`.
                KIND_IPV6.to_owned(),
            ])
            .expect_unsafe_fix([
                (
                    controller_manager(&["--leader-elect=true"]),
                    controller_manager(&["--leader-elect=true", "--bind-address=127.0.0.1"]),
                ),
                (
                    controller_manager(&["--bind-address=0.0.0.0"]),
                    controller_manager(&["--bind-address=127.0.0.1"]),
                ),
            ])
            .fix_round_trip([
                controller_manager(&[]),
                flow(&controller_manager(&["--bind-address=10.0.0.5", "--leader-elect=true"])),
                kubeadm_cluster(
                    "v1.30.4",
                    "controllerManager:\n  extraArgs:\n    bind-address: 0.0.0.0\n",
                ),
            ])
            .test_and_snapshot();
    }
}

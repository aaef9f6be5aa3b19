use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager that serves Go's profiler: `--profiling` is `true`, or
    /// not set, since `true` is its default.
    ///
    /// ## Why is this bad?
    /// With profiling on, the controller manager's secure port serves `/debug/pprof`: heap and
    /// goroutine dumps, CPU profiles and the command line. Anyone the controller manager
    /// authorizes for those paths can read how it runs and make it spend CPU on a profile
    /// (a cheap denial of service). Production control planes rarely need it; turn it on for
    /// a debugging session only.
    ///
    /// kubeadm does not turn it off: a default kubeadm cluster has it on.
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
    ///     - --bind-address=127.0.0.1
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
    /// Safe: sets `--profiling=false` (in place, or added after the last flag).
    ///
    /// ## Version notes
    /// `--profiling` has defaulted to `true` in every release. `/debug/pprof` is served on the
    /// secure port and, while it exists and is on, on the insecure one too.
    ///
    /// ## How to verify on a live cluster
    /// On a control-plane node, `curl -sk -H "Authorization: Bearer <token>"
    /// https://127.0.0.1:10257/debug/pprof/` answers with the profile index when profiling is
    /// on and `404` when it is off.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.2 (ensure that the `--profiling` argument is set to false)
    /// - Kubernetes documentation: "kube-controller-manager" command-line reference
    pub ControllerManagerProfilingEnabled,
    code = "KCMG002",
    name = "controller-manager-profiling-enabled",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager serves Go's profiler at /debug/pprof",
    cis = ["controller-manager.profiling"],
}

impl Rule for ControllerManagerProfilingEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for manager in inventory.controller_managers() {
            super::serving(&manager).check_profiling(inventory, manager.profiling(), findings);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, controller_manager, controller_manager_args, flow, kubeadm_cluster};

    #[test]
    fn cases() {
        Tester::new(&ControllerManagerProfilingEnabled, "kube-controller-manager.yaml")
            .pass([
                controller_manager(&["--profiling=false"]),
                controller_manager(&["--profiling=False"]),
                controller_manager(&["--profiling=${PROFILING}"]),
                controller_manager(&["--profiling=$(PROFILING)"]),
                controller_manager(&["--profiling=true", "--profiling=false"]),
                controller_manager_args(&["--profiling=0"]),
                kubeadm_cluster(
                    "v1.30.4",
                    "controllerManager:\n  extraArgs:\n    profiling: \"false\"\n",
                ),
            ])
            .fail([
                // Not set: the default `true` applies.
                controller_manager(&[]),
                controller_manager(&["--bind-address=127.0.0.1"]),
                controller_manager(&["--profiling=true"]),
                controller_manager(&["--profiling"]),
                controller_manager(&["--profiling=false", "--profiling=true"]),
                controller_manager_args(&["--profiling=true"]),
                // kubeadm leaves profiling on.
                kubeadm_cluster("v1.30.4", ""),
            ])
            .expect_fix([
                (
                    controller_manager(&["--bind-address=127.0.0.1"]),
                    controller_manager(&["--bind-address=127.0.0.1", "--profiling=false"]),
                ),
                (
                    controller_manager(&["--profiling=true"]),
                    controller_manager(&["--profiling=false"]),
                ),
                (
                    kubeadm_cluster(
                        "v1.30.4",
                        "controllerManager:\n  extraArgs:\n    cluster-name: lab\n",
                    ),
                    kubeadm_cluster(
                        "v1.30.4",
                        "controllerManager:\n  extraArgs:\n    cluster-name: lab\n    profiling: \"false\"\n",
                    ),
                ),
            ])
            .fix_round_trip([
                controller_manager(&[]),
                controller_manager(&["--profiling"]),
                flow(&controller_manager(&["--profiling=true", "--leader-elect=true"])),
            ])
            .test_and_snapshot();
    }
}

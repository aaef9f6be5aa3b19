use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager whose `--terminated-pod-gc-threshold` is `0` or
    /// negative, which turns the garbage collector of terminated pods off.
    ///
    /// ## Why is this bad?
    /// The pod garbage collector deletes terminated pods (`Succeeded` or `Failed`) once there
    /// are more of them than the threshold. With it off, finished pods pile up in etcd for
    /// ever: every Job run, every evicted pod. etcd and the API server slow down and finally
    /// run out of space, and a flood of failing pods becomes a denial of service. Orphaned pods
    /// on deleted nodes are still collected either way.
    ///
    /// Not set, the threshold is 12500, which keeps the cluster bounded; the rule does not ask
    /// for a lower number (the benchmark's check is manual, and a good value depends on the
    /// cluster's size). Trivy's check only asks that the flag be present, so it fails every
    /// cluster that keeps the default and passes `0`.
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
    ///     - --terminated-pod-gc-threshold=0
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
    ///     - --terminated-pod-gc-threshold=10000
    /// ```
    ///
    /// ## How to verify on a live cluster
    /// `kubectl get pods -A --field-selector=status.phase!=Running,status.phase!=Pending
    /// --no-headers | wc -l` keeps growing past the threshold when the collector is off.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.1 (ensure that the `--terminated-pod-gc-threshold` argument is set as appropriate; manual)
    /// - Kubernetes documentation: "kube-controller-manager" command-line reference
    /// - Kubernetes documentation: "Pod Lifecycle", garbage collection of pods
    pub TerminatedPodGcDisabled,
    code = "KCMG001",
    name = "terminated-pod-gc-disabled",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager never deletes terminated pods: they pile up in etcd",
    cis = ["controller-manager.terminated-pod-gc-threshold"],
}

impl Rule for TerminatedPodGcDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for manager in inventory.controller_managers() {
            let Some(threshold) = manager.terminated_pod_gc_threshold() else {
                continue;
            };
            if threshold.value > 0 {
                continue;
            }
            findings
                .report(
                    threshold.location_or(manager.missing_anchor()),
                    format!(
                        "{}; the terminated-pod garbage collector is off",
                        notes::flag_state("terminated-pod-gc-threshold", &threshold)
                    ),
                )
                .label("`0` or less turns the collector off")
                .help("set `--terminated-pod-gc-threshold` to a positive number suited to the cluster's size, or remove it for the default 12500")
                .note("terminated pods are then kept until someone deletes them");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, controller_manager, controller_manager_args};

    #[test]
    fn cases() {
        Tester::new(&TerminatedPodGcDisabled, "kube-controller-manager.yaml")
            .pass([
                // Not set: the default 12500 applies.
                controller_manager(&[]),
                controller_manager(&["--terminated-pod-gc-threshold=10"]),
                controller_manager(&["--terminated-pod-gc-threshold", "12500"]),
                controller_manager(&["--terminated-pod-gc-threshold=${GC_THRESHOLD}"]),
                controller_manager(&["--terminated-pod-gc-threshold=$(GC_THRESHOLD)"]),
                controller_manager(&[
                    "--terminated-pod-gc-threshold=0",
                    "--terminated-pod-gc-threshold=100",
                ]),
            ])
            .fail([
                controller_manager(&["--terminated-pod-gc-threshold=0"]),
                controller_manager(&["--terminated-pod-gc-threshold", "-1"]),
                controller_manager_args(&["--terminated-pod-gc-threshold=0"]),
            ])
            .test_and_snapshot();
    }
}

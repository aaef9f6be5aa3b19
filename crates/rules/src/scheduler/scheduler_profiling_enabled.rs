use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-scheduler that serves Go's profiler: `--profiling` is `true`, or not set,
    /// since `true` is its default.
    ///
    /// ## Why is this bad?
    /// With profiling on, the scheduler's secure port serves `/debug/pprof`: heap and
    /// goroutine dumps, CPU profiles and the command line. Anyone the scheduler authorizes for
    /// those paths can read how it runs and make it spend CPU on a profile. Production control
    /// planes rarely need it; turn it on for a debugging session only.
    ///
    /// kubeadm does not turn it off: a default kubeadm cluster has it on.
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
    ///     - --bind-address=127.0.0.1
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
    /// Safe: sets `--profiling=false` (in place, or added after the last flag).
    ///
    /// ## Version notes
    /// `--profiling` has defaulted to `true` in every release. With `--config`, the scheduler
    /// ignores `--profiling` and reads `enableProfiling` from its KubeSchedulerConfiguration
    /// (default `true`); kubeharden does not read that file yet, so the rule is silent for a
    /// scheduler run with `--config` and lists it as not evaluated rather than pass it
    /// (`ineffective-setting` reports a `--profiling` written next to `--config`). kube-bench, Trivy and
    /// Checkov read `--profiling=false` even where the scheduler ignores it, and pass a
    /// scheduler whose config file turns profiling on.
    ///
    /// ## How to verify on a live cluster
    /// On a control-plane node, `curl -sk -H "Authorization: Bearer <token>"
    /// https://127.0.0.1:10259/debug/pprof/` answers with the profile index when profiling is
    /// on and `404` when it is off.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.4.1 (ensure that the `--profiling` argument is set to false)
    /// - Kubernetes documentation: "kube-scheduler" command-line reference
    pub SchedulerProfilingEnabled,
    code = "KSCH001",
    name = "scheduler-profiling-enabled",
    category = Hardening,
    target = "kube-scheduler",
    summary = "kube-scheduler serves Go's profiler at /debug/pprof",
    cis = ["scheduler.profiling"],
}

impl Rule for SchedulerProfilingEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for scheduler in inventory.schedulers() {
            super::serving(&scheduler).check_profiling(
                inventory,
                scheduler.profiling(),
                findings,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, flow, kubeadm_cluster, scheduler};

    #[test]
    fn cases() {
        Tester::new(&SchedulerProfilingEnabled, "kube-scheduler.yaml")
            .pass([
                scheduler(&["--profiling=false"]),
                scheduler(&["--profiling=${PROFILING}"]),
                scheduler(&["--profiling=true", "--profiling=false"]),
                // `enableProfiling` of a file not read decides.
                scheduler(&["--config=/etc/kubernetes/scheduler-config.yaml"]),
                scheduler(&["--config=/etc/kubernetes/scheduler-config.yaml", "--profiling=true"]),
            ])
            .fail([
                // Not set: the default `true` applies.
                scheduler(&[]),
                scheduler(&["--bind-address=127.0.0.1"]),
                scheduler(&["--profiling=true"]),
                scheduler(&["--profiling"]),
                // kubeadm leaves profiling on.
                kubeadm_cluster("v1.30.4", "scheduler: {}\n"),
            ])
            .expect_fix([
                (
                    scheduler(&["--bind-address=127.0.0.1"]),
                    scheduler(&["--bind-address=127.0.0.1", "--profiling=false"]),
                ),
                (scheduler(&["--profiling=true"]), scheduler(&["--profiling=false"])),
            ])
            .fix_round_trip([
                scheduler(&[]),
                flow(&scheduler(&["--profiling", "--leader-elect=true"])),
                kubeadm_cluster(
                    "v1.30.4",
                    "scheduler:\n  extraArgs:\n    - name: v\n      value: \"2\"\n",
                ),
            ])
            .test_and_snapshot();
    }
}

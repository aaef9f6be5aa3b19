use kubeharden_core::Inventory;

use super::{BoolFlag, report_bool_flag};
use crate::declare_rule;
use crate::finding::{Applicability, Findings};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver whose `--profiling` is effectively `true`: set so, or not set
    /// at all, since `true` is its default.
    ///
    /// ## Why is this bad?
    /// Profiling serves `/debug/pprof` on the secure port: CPU and heap profiles, goroutine
    /// dumps with request details. They are rarely needed in production, can be used to slow
    /// the apiserver down, and tell an attacker much about its internals. Anyone authorized
    /// for the `/debug/pprof` non-resource URL can read them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --authorization-mode=Node,RBAC
    ///     - --profiling=false
    /// ```
    ///
    /// ## Notes
    /// The value is parsed as the apiserver parses booleans: `--profiling=0`, `=f` or `=False`
    /// turn profiling off, and a bare `--profiling` turns it on. Trivy (KCV-0018) matches the
    /// literal text `--profiling=false`, so it reports `--profiling=0` as enabled.
    ///
    /// ## Fix
    /// Safe: sets `--profiling=false` in place, or adds it after the last flag. Nothing but
    /// debugging uses the profiling endpoints.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.15 (ensure that the `--profiling` argument is set to false)
    /// - Kubernetes documentation: "kube-apiserver" command-line reference, `--profiling`
    pub ApiserverProfilingEnabled,
    code = "KAPI012",
    name = "apiserver-profiling-enabled",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver serves profiling data on /debug/pprof",
    cis = ["apiserver.profiling"],
}

impl Rule for ApiserverProfilingEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            report_bool_flag(
                findings,
                inventory,
                &api,
                api.profiling(),
                &BoolFlag {
                    flag: "profiling",
                    want: false,
                    consequence: "`/debug/pprof` is served",
                    label: "profiling enabled",
                    help: "set `--profiling=false`",
                    applicability: Applicability::Safe,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, flow, kubeadm};

    #[test]
    fn cases() {
        Tester::new(&ApiserverProfilingEnabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--profiling=false"]),
                apiserver(&["--profiling=0"]),
                apiserver(&["--profiling=False"]),
                apiserver_args(&["--profiling=false"]),
                apiserver(&["--profiling=true", "--profiling=false"]),
                apiserver(&["--profiling={{ .Profiling }}"]),
                kubeadm("v1beta3", "  extraArgs:\n    profiling: \"false\"\n"),
            ])
            .fail([
                // The default is `true`.
                apiserver(&[]),
                apiserver(&["--profiling"]),
                apiserver(&["--profiling=true"]),
                apiserver_args(&["--profiling=true"]),
                apiserver(&["--profiling=false", "--profiling=true"]),
                kubeadm("v1beta3", "  extraArgs:\n    audit-log-maxage: \"30\"\n"),
            ])
            .fix_round_trip([
                apiserver(&[]),
                apiserver(&["--profiling=true"]),
                apiserver_args(&["--profiling"]),
                flow(&apiserver(&["--v=2"])),
                kubeadm("v1beta3", "  extraArgs:\n    profiling: \"true\"\n"),
                kubeadm("v1beta4", "  extraArgs:\n  - name: profiling\n    value: 'true'\n"),
            ])
            .expect_fix([
                (
                    apiserver(&["--profiling=true"]),
                    apiserver(&["--profiling=false"]),
                ),
                (
                    apiserver(&["--v=2"]),
                    apiserver(&["--v=2", "--profiling=false"]),
                ),
                (
                    kubeadm("v1beta3", "  extraArgs:\n    profiling: \"true\"\n"),
                    kubeadm("v1beta3", "  extraArgs:\n    profiling: \"false\"\n"),
                ),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use super::report_plugin_off;
use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

const PLUGIN: &str = "EventRateLimit";

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that does not run the `EventRateLimit` admission plugin, or runs
    /// it without `--admission-control-config-file`, the file that holds its limits. Opt-in:
    /// it runs only when selected.
    ///
    /// ## Why is this bad?
    /// Every client that may create Events — every kubelet, controller and many workloads —
    /// can flood the apiserver and etcd with them. `EventRateLimit` caps Event creation per
    /// server, namespace, user or source object. The right limits depend on the cluster's size
    /// and tooling, which is why the rule is opt-in.
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
    ///     - --enable-admission-plugins=NodeRestriction
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
    ///     - --enable-admission-plugins=NodeRestriction,EventRateLimit
    ///     - --admission-control-config-file=/etc/kubernetes/admission/config.yaml
    /// ```
    ///
    /// ## Notes
    /// The rule does not read the admission configuration file: it checks that the plugin is
    /// on and that a file is named for its limits. Checkov (CKV_K8S_78) does the opposite — it
    /// reads AdmissionConfiguration objects and never the apiserver's plugin list — so an
    /// unconfigured or disabled plugin is judged wrongly either way there.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.9 (ensure that the admission control plugin `EventRateLimit` is set)
    /// - Kubernetes documentation: "Admission Controllers Reference", EventRateLimit
    pub EventRateLimitMissing,
    code = "KAPI008",
    name = "event-rate-limit-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver does not limit how fast Events are created",
    opt_in = true,
    cis = ["apiserver.admission-event-rate-limit"],
}

impl Rule for EventRateLimitMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(enabled) = api.admission_plugin(PLUGIN) else {
                continue;
            };
            if !enabled.value {
                report_plugin_off(
                    findings,
                    &api,
                    PLUGIN,
                    &enabled,
                    "Event creation is not rate-limited",
                );
                continue;
            }
            if api
                .admission_control_config_file()
                .is_some_and(|file| !file.value.trim().is_empty())
            {
                continue;
            }
            findings
                .report(
                    enabled.location_or(api.missing_anchor()),
                    "`EventRateLimit` is enabled but `--admission-control-config-file` is not set; its limits live in that file",
                )
                .label("enabled without its configuration")
                .help(
                    "add `--admission-control-config-file=<path>` naming an AdmissionConfiguration with an `EventRateLimit` entry",
                )
                .note(notes::version("kube-apiserver", api.version()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args};

    const CONFIG: &str = "--admission-control-config-file=/etc/kubernetes/admission.yaml";

    #[test]
    fn cases() {
        Tester::new(&EventRateLimitMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--enable-admission-plugins=NodeRestriction,EventRateLimit", CONFIG]),
                apiserver_args(&["--enable-admission-plugins", "EventRateLimit", CONFIG]),
                apiserver(&["--enable-admission-plugins=${PLUGINS}"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&[CONFIG]),
                apiserver(&["--enable-admission-plugins=NodeRestriction"]),
                // Enabled, but its limits are nowhere.
                apiserver(&["--enable-admission-plugins=EventRateLimit"]),
                apiserver(&["--enable-admission-plugins=EventRateLimit", "--admission-control-config-file="]),
            ])
            .test_and_snapshot();
    }
}

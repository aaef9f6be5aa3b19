use kubeharden_core::Inventory;
use kubeharden_core::version::KubeVersion;

use super::report_plugin_off;
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

/// The release that added the `DenyServiceExternalIPs` admission plugin.
const DENY_SERVICE_EXTERNAL_IPS_SINCE: KubeVersion = KubeVersion::new(1, 21);

const PLUGIN: &str = "DenyServiceExternalIPs";

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver (v1.21 or later) that does not run the `DenyServiceExternalIPs`
    /// admission plugin. Opt-in: it runs only when selected.
    ///
    /// ## Why is this bad?
    /// Anyone who may create or update a Service can set `spec.externalIPs`, and kube-proxy
    /// then sends traffic for those addresses to the Service's pods: a user with Service
    /// rights in one namespace can intercept traffic meant for any IP, including other
    /// tenants' (CVE-2020-8554). The plugin rejects new `externalIPs`. Clusters that rely on
    /// external IPs need another control instead (a policy engine restricting who may set
    /// them), which is why the rule is opt-in.
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
    ///     - --enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs
    /// ```
    ///
    /// ## Version notes
    /// The plugin exists from v1.21; the rule is silent for older releases. CIS flipped this
    /// check: benchmarks v1.23 and v1.24 asked that the plugin **not** be set, v1.7 and later
    /// ask that it be set. Trivy (KCV-0003) still fires when it is enabled, so it flags exactly
    /// the clusters that follow the current benchmark; this rule follows the current one.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.3 (ensure that the `DenyServiceExternalIPs` is set)
    /// - Kubernetes documentation: "Admission Controllers Reference", DenyServiceExternalIPs
    pub DenyServiceExternalIpsMissing,
    code = "KAPI006",
    name = "deny-service-external-ips-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver lets any Service claim external IPs",
    opt_in = true,
    cis = ["apiserver.deny-service-external-ips"],
}

impl Rule for DenyServiceExternalIpsMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            if api
                .version()
                .version
                .is_before(DENY_SERVICE_EXTERNAL_IPS_SINCE)
            {
                continue;
            }
            let Some(enabled) = api.admission_plugin(PLUGIN) else {
                continue;
            };
            if enabled.value {
                continue;
            }
            report_plugin_off(
                findings,
                &api,
                PLUGIN,
                &enabled,
                "any user who may create Services can claim external IPs",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at};

    #[test]
    fn cases() {
        Tester::new(&DenyServiceExternalIpsMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs"]),
                apiserver_args(&["--enable-admission-plugins", "DenyServiceExternalIPs"]),
                apiserver(&["--enable-admission-plugins=$(PLUGINS)"]),
                // The plugin does not exist yet.
                apiserver_at("v1.20.15", &[]),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&["--enable-admission-plugins=NodeRestriction"]),
                apiserver(&["--disable-admission-plugins=DenyServiceExternalIPs"]),
            ])
            .test_and_snapshot();
    }
}

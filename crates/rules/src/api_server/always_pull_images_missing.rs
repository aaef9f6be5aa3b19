use kubeharden_core::Inventory;

use super::report_plugin_off;
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

const PLUGIN: &str = "AlwaysPullImages";

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that does not run the `AlwaysPullImages` admission plugin.
    /// Opt-in: it runs only when selected.
    ///
    /// ## Why is this bad?
    /// A kubelet starts any pod's container from an image already on its node without asking
    /// the registry, so a pod of one tenant can run a private image another tenant pulled,
    /// without the pull secret that guards it. The plugin sets every container's
    /// `imagePullPolicy` to `Always`, so the registry checks credentials each time. It also
    /// makes pods depend on the registry being reachable to start, which is why the rule is
    /// opt-in; the kubelet's `KubeletEnsureSecretPulledImages` feature gate (alpha in v1.33)
    /// aims at the same gap from the node's side.
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
    ///     - --enable-admission-plugins=NodeRestriction,AlwaysPullImages
    /// ```
    ///
    /// ## Notes
    /// The rule reads the apiserver's own lists, `args:` as well as `command:`. Trivy
    /// (KCV-0012) reads `command:` only, and its second branch fires on any container with an
    /// `--enable-admission-plugins=` flag lacking the plugin, API server or not.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.11 (ensure that the admission control plugin `AlwaysPullImages` is set)
    /// - Kubernetes documentation: "Admission Controllers Reference", AlwaysPullImages
    pub AlwaysPullImagesMissing,
    code = "KAPI010",
    name = "always-pull-images-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver lets pods use images cached on a node without registry credentials",
    opt_in = true,
    cis = ["apiserver.admission-always-pull-images"],
}

impl Rule for AlwaysPullImagesMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
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
                "pods may start from images other pods pulled with their credentials",
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
        Tester::new(&AlwaysPullImagesMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--enable-admission-plugins=NodeRestriction,AlwaysPullImages"]),
                apiserver_args(&["--enable-admission-plugins", "AlwaysPullImages"]),
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction",
                    "--enable-admission-plugins=AlwaysPullImages",
                ]),
                apiserver_at("v1.9.3", &["--admission-control=ServiceAccount,AlwaysPullImages"]),
                apiserver(&["--enable-admission-plugins=<plugins>"]),
                // Not an API server: its flags are not the apiserver's (Trivy's KCV-0012 fires).
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: policy-agent\nspec:\n  containers:\n  - name: agent\n    image: example.com/policy-agent:1.0\n    command:\n    - policy-agent\n    - --enable-admission-plugins=NodeRestriction\n".to_owned(),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&["--enable-admission-plugins=NodeRestriction"]),
                apiserver_args(&["--enable-admission-plugins=NodeRestriction"]),
                apiserver(&["--disable-admission-plugins=AlwaysPullImages"]),
                apiserver_at("v1.9.3", &["--admission-control=ServiceAccount"]),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use super::{BoolFlag, report_bool_flag};
use crate::declare_rule;
use crate::finding::{Applicability, Findings};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver started with `--service-account-lookup=false`.
    ///
    /// ## Why is this bad?
    /// With lookup off, the apiserver accepts a service account token as long as its signature
    /// is valid, without checking that the token's Secret (for legacy tokens) or its service
    /// account still exists. Deleting a leaked token's Secret or service account then revokes
    /// nothing: the token keeps working until it expires, and legacy Secret-based tokens never
    /// expire.
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
    ///     - --service-account-lookup=false
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
    /// ```
    ///
    /// ## Notes
    /// The default is `true`, so only an explicit `false` (`0`, `f`, `False`...) fires. Checkov
    /// (CKV_K8S_96) fails every apiserver without the literal `--service-account-lookup=true`,
    /// including those running the secure default.
    ///
    /// ## Fix
    /// Safe: sets `--service-account-lookup=true` in place. Only tokens whose Secret or
    /// service account was deleted stop working, which is the point.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.21 (ensure that the `--service-account-lookup` argument is set to true)
    /// - Kubernetes documentation: "kube-apiserver" command-line reference, `--service-account-lookup`
    pub ServiceAccountLookupDisabled,
    code = "KAPI013",
    name = "service-account-lookup-disabled",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver accepts service account tokens whose Secret or account was deleted",
    cis = ["apiserver.service-account-lookup"],
}

impl Rule for ServiceAccountLookupDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            report_bool_flag(
                findings,
                inventory,
                &api,
                api.service_account_lookup(),
                &BoolFlag {
                    flag: "service-account-lookup",
                    want: true,
                    consequence: "deleted tokens and service accounts keep working",
                    label: "lookup disabled",
                    help: "remove `--service-account-lookup=false`, or set it to `true`",
                    applicability: Applicability::Safe,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, kubeadm};

    #[test]
    fn cases() {
        Tester::new(&ServiceAccountLookupDisabled, "kube-apiserver.yaml")
            .pass([
                // The default is `true`.
                apiserver(&[]),
                apiserver(&["--service-account-lookup=true"]),
                apiserver(&["--service-account-lookup"]),
                apiserver_args(&["--service-account-lookup=1"]),
                apiserver(&["--service-account-lookup=${LOOKUP}"]),
            ])
            .fail([
                apiserver(&["--service-account-lookup=false"]),
                apiserver(&["--service-account-lookup=0"]),
                apiserver_args(&["--service-account-lookup=False"]),
                apiserver(&["--service-account-lookup=true", "--service-account-lookup=false"]),
                kubeadm("v1beta3", "  extraArgs:\n    service-account-lookup: \"false\"\n"),
            ])
            .fix_round_trip([
                apiserver(&["--service-account-lookup=false"]),
                apiserver_args(&["--service-account-lookup=0"]),
                kubeadm("v1beta3", "  extraArgs:\n    service-account-lookup: \"false\"\n"),
            ])
            .expect_fix([(
                apiserver(&["--service-account-lookup=false"]),
                apiserver(&["--service-account-lookup=true"]),
            )])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-controller-manager whose controllers share its own credentials:
    /// `--use-service-account-credentials` is `false`, or not set, since `false` is its
    /// default.
    ///
    /// ## Why is this bad?
    /// Without it every controller (deployments, jobs, namespaces, garbage collection...)
    /// talks to the API server as the controller manager itself, so that one identity needs
    /// the union of all their permissions, and audit logs cannot tell the controllers apart.
    /// With it, each controller uses its own service account in `kube-system`
    /// (`system:serviceaccount:kube-system:deployment-controller`, ...), bound by RBAC's
    /// bootstrap roles `system:controller:*` to just what it needs.
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
    ///     - --kubeconfig=/etc/kubernetes/controller-manager.conf
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
    ///     - --kubeconfig=/etc/kubernetes/controller-manager.conf
    ///     - --use-service-account-credentials=true
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `--use-service-account-credentials=true`. The controllers' service
    /// accounts get their permissions from RBAC's bootstrap `system:controller:*` roles; with
    /// another authorizer they may lose permissions the controller manager's own identity had.
    ///
    /// ## Version notes
    /// The flag has defaulted to `false` in every release; kubeadm sets it to `true`.
    ///
    /// ## How to verify on a live cluster
    /// `kubectl get serviceaccounts -n kube-system` lists `deployment-controller`,
    /// `replicaset-controller` and the other controllers' accounts when they are in use.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.3.3 (ensure that the `--use-service-account-credentials` argument is set to true)
    /// - Kubernetes documentation: "Using RBAC Authorization", controller roles
    pub ServiceAccountCredentialsShared,
    code = "KCMG003",
    name = "service-account-credentials-shared",
    category = Hardening,
    target = "kube-controller-manager",
    summary = "kube-controller-manager's controllers all act with its own credentials",
    cis = ["controller-manager.use-service-account-credentials"],
}

impl Rule for ServiceAccountCredentialsShared {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for manager in inventory.controller_managers() {
            let Some(setting) = manager.use_service_account_credentials() else {
                continue;
            };
            if setting.value {
                continue;
            }
            let label = if setting.is_default() {
                "no `--use-service-account-credentials=true` among these flags"
            } else {
                "controllers share one identity"
            };
            let fix = fixes::set_or_add_flag(
                inventory,
                manager.process,
                "use-service-account-credentials",
                "true",
            )
            .map(|edits| {
                fixes::unsafe_fix("Set `--use-service-account-credentials=true`", edits)
            });
            let finding = findings
                .report(
                    setting.location_or(manager.missing_anchor()),
                    format!(
                        "{}; every controller acts as the controller manager itself",
                        notes::flag_state("use-service-account-credentials", &setting)
                    ),
                )
                .label(label)
                .help("set `--use-service-account-credentials=true`, with RBAC authorization on the API server")
                .note("each controller then uses its own service account in kube-system, bound to its `system:controller:*` role");
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, controller_manager, controller_manager_args};

    #[test]
    fn cases() {
        Tester::new(&ServiceAccountCredentialsShared, "kube-controller-manager.yaml")
            .pass([
                controller_manager(&["--use-service-account-credentials=true"]),
                controller_manager(&["--use-service-account-credentials"]),
                controller_manager(&["--use-service-account-credentials=${USE_SA}"]),
                controller_manager_args(&["--use-service-account-credentials=true"]),
            ])
            .fail([
                // Not set: the default `false` applies.
                controller_manager(&[]),
                controller_manager(&["--use-service-account-credentials=false"]),
                controller_manager(&[
                    "--use-service-account-credentials=true",
                    "--use-service-account-credentials=false",
                ]),
                controller_manager_args(&["--leader-elect=true"]),
            ])
            .expect_unsafe_fix([
                (
                    controller_manager(&["--leader-elect=true"]),
                    controller_manager(&[
                        "--leader-elect=true",
                        "--use-service-account-credentials=true",
                    ]),
                ),
                (
                    controller_manager(&["--use-service-account-credentials=false"]),
                    controller_manager(&["--use-service-account-credentials=true"]),
                ),
            ])
            .fix_round_trip([
                controller_manager(&[]),
                controller_manager_args(&["--use-service-account-credentials=false"]),
            ])
            .test_and_snapshot();
    }
}

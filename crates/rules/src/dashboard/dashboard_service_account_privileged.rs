use std::collections::HashSet;

use kubeharden_core::views::Dashboard;
use kubeharden_core::{Inventory, Location};

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a binding that gives a Kubernetes Dashboard's ServiceAccount broad rights: a
    /// ClusterRoleBinding or RoleBinding to `cluster-admin`, or to a ClusterRole or Role with
    /// `*` among its verbs or resources. The ServiceAccount is the Dashboard pod's
    /// `serviceAccountName` (`default` when unset) in the Dashboard's namespace; a binding
    /// reaches it by naming it, as user `system:serviceaccount:<namespace>:<name>`, or through
    /// the groups `system:serviceaccounts`, `system:serviceaccounts:<namespace>` and
    /// `system:authenticated`. The finding points at the binding's `roleRef` name, or at the
    /// `*` in the role, and its note names the Dashboard.
    ///
    /// ## Why is this bad?
    /// Every path that lets someone use the Dashboard without a token of their own — Skip,
    /// plain HTTP without a login page, a compromised Dashboard pod, a stolen ServiceAccount
    /// token — ends with that person holding the ServiceAccount's rights. With `cluster-admin`
    /// that is the whole cluster: every Secret, every node through a privileged pod. The
    /// Dashboard itself needs very little (its own Secrets and settings ConfigMap, metrics);
    /// users should sign in with their own tokens and get their own permissions.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: kubernetes-dashboard
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       k8s-app: kubernetes-dashboard
    ///   template:
    ///     metadata:
    ///       labels:
    ///         k8s-app: kubernetes-dashboard
    ///     spec:
    ///       serviceAccountName: kubernetes-dashboard
    ///       containers:
    ///       - name: kubernetes-dashboard
    ///         image: kubernetesui/dashboard:v2.7.0
    ///         args:
    ///         - --auto-generate-certificates
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: kubernetes-dashboard
    /// rules:
    /// - apiGroups: ["metrics.k8s.io"]
    ///   resources: ["pods", "nodes"]
    ///   verbs: ["get", "list", "watch"]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: kubernetes-dashboard
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: kubernetes-dashboard
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       k8s-app: kubernetes-dashboard
    ///   template:
    ///     metadata:
    ///       labels:
    ///         k8s-app: kubernetes-dashboard
    ///     spec:
    ///       serviceAccountName: kubernetes-dashboard
    ///       containers:
    ///       - name: kubernetes-dashboard
    ///         image: kubernetesui/dashboard:v2.7.0
    ///         args:
    ///         - --auto-generate-certificates
    /// ```
    ///
    /// ## Version notes
    /// Dashboard v1.6 shipped with a ClusterRoleBinding of its ServiceAccount to
    /// `cluster-admin`; v1.7 replaced it with a minimal Role, and every later release keeps
    /// that. Only bindings and roles in the scanned files are seen: a role that is not among
    /// them (other than the built-in `cluster-admin`) is not judged. A namespace left out of a
    /// manifest is taken to match, except for the `default` ServiceAccount, which every
    /// namespace has. The split Dashboard of the v7 Helm chart runs each module under its own
    /// ServiceAccount; each is checked.
    ///
    /// ## How to verify on a live cluster
    /// `kubectl auth can-i --list --as=system:serviceaccount:<namespace>:<name>` lists what the
    /// Dashboard's ServiceAccount may do; `*` on `*.*` means cluster-admin.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.9.0, 5.1.1 (ensure that the cluster-admin role is only used where required)
    /// - CIS Kubernetes Benchmark v1.9.0, 5.1.3 (minimize wildcard use in Roles and ClusterRoles)
    /// - Kubernetes Dashboard documentation: "Access control", the permissions the Dashboard needs
    pub DashboardServiceAccountPrivileged,
    code = "KDSH004",
    name = "dashboard-service-account-privileged",
    category = Security,
    target = "kubernetes-dashboard",
    summary = "Kubernetes Dashboard's ServiceAccount holds cluster-admin or wildcard rights",
}

/// `Deployment `kubernetes-dashboard` in namespace `kube-system``, for notes.
fn describe(dashboard: &Dashboard<'_>) -> String {
    let workload = dashboard.workload();
    let name = workload
        .meta
        .name()
        .map_or_else(String::new, |name| format!(" `{name}`"));
    let namespace = dashboard.namespace().map_or_else(String::new, |namespace| {
        format!(" in namespace `{namespace}`")
    });
    format!("the Dashboard {}{name}{namespace}", workload.kind)
}

impl Rule for DashboardServiceAccountPrivileged {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        // One finding per place, however many Dashboards or bindings lead to it.
        let mut reported: HashSet<Location> = HashSet::new();
        for dashboard in inventory.dashboards() {
            let account = dashboard.service_account();
            let account = match dashboard.namespace() {
                Some(namespace) => format!("`{namespace}/{}`", account.value),
                None => format!("`{}`", account.value),
            };
            for grant in dashboard.grants() {
                let binding = grant.binding;
                let binding_name = binding.meta.name().unwrap_or("(unnamed)");
                let scope = match (binding.kind.as_str(), binding.meta.namespace.as_deref()) {
                    ("RoleBinding", Some(namespace)) => format!("namespace `{namespace}`"),
                    ("RoleBinding", None) => "its namespace".to_owned(),
                    _ => "the whole cluster".to_owned(),
                };
                let through = if grant.subject.kind == "Group" {
                    format!(" through group `{}`", grant.subject.name)
                } else {
                    String::new()
                };
                let note = format!(
                    "{} runs as ServiceAccount {account}, which {} `{binding_name}` reaches{through}",
                    describe(&dashboard),
                    binding.kind
                );
                if grant.is_cluster_admin() {
                    let location = binding.role_name.location();
                    if !reported.insert(location) {
                        continue;
                    }
                    findings
                        .report(
                            location,
                            format!(
                                "{} `{binding_name}` gives the Dashboard's ServiceAccount {account} `cluster-admin`",
                                binding.kind
                            ),
                        )
                        .label(format!("full control of {scope}"))
                        .help("bind the ServiceAccount to a Role with only what the Dashboard needs, and let users sign in with their own tokens")
                        .note(note);
                    continue;
                }
                let Some(role) = grant.role else {
                    continue;
                };
                // The first `*` among the role's verbs or resources.
                let wildcard = role.rules.iter().find_map(|rule| {
                    rule.verbs
                        .iter()
                        .find(|verb| verb.value == "*")
                        .map(|verb| (verb, "verbs", "every verb"))
                        .or_else(|| {
                            rule.resources
                                .iter()
                                .find(|resource| resource.value == "*")
                                .map(|resource| (resource, "resources", "every resource"))
                        })
                });
                let Some((item, field, what)) = wildcard else {
                    continue;
                };
                let location = item.location();
                if !reported.insert(location) {
                    continue;
                }
                let role_name = role.meta.name().unwrap_or("(unnamed)");
                findings
                    .report(
                        location,
                        format!(
                            "{} `{role_name}` has `*` in its `{field}`, and {} `{binding_name}` gives it to the Dashboard's ServiceAccount {account}",
                            role.kind, binding.kind
                        ),
                    )
                    .label(format!("{what}, in {scope}"))
                    .help("list the verbs and resources the Dashboard needs instead of `*`")
                    .note(note);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, check_files, dashboard, dashboard_with};

    const ADMIN_BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kubernetes-dashboard-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
";

    const WILDCARD_ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: dashboard-everything
  namespace: kubernetes-dashboard
rules:
- apiGroups: [\"\"]
  resources: [\"configmaps\"]
  verbs: [\"get\", \"update\"]
- apiGroups: [\"\"]
  resources: [\"*\"]
  verbs: [\"get\", \"list\"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: dashboard-everything
  namespace: kubernetes-dashboard
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: dashboard-everything
subjects:
- kind: ServiceAccount
  name: kubernetes-dashboard
";

    const MINIMAL_ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
rules:
- apiGroups: [\"\"]
  resources: [\"secrets\"]
  resourceNames: [\"kubernetes-dashboard-key-holder\"]
  verbs: [\"get\", \"update\", \"delete\"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: kubernetes-dashboard
subjects:
- kind: ServiceAccount
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
";

    fn with(objects: &str, dashboard: &str) -> String {
        format!("{objects}---\n{dashboard}")
    }

    #[test]
    fn cases() {
        let base = dashboard(&["--auto-generate-certificates"]);
        Tester::new(&DashboardServiceAccountPrivileged, "dashboard.yaml")
            .pass([
                base.clone(),
                with(MINIMAL_ROLE, &base),
                // cluster-admin, but for another namespace's account of the same name.
                with(
                    &ADMIN_BINDING.replace(
                        "namespace: kubernetes-dashboard",
                        "namespace: monitoring",
                    ),
                    &base,
                ),
                // cluster-admin for another account.
                with(
                    &ADMIN_BINDING.replace("name: kubernetes-dashboard\n", "name: ci-deployer\n"),
                    &base,
                ),
                // The `default` account of another namespace.
                with(
                    &ADMIN_BINDING
                        .replace("name: kubernetes-dashboard\n", "name: default\n")
                        .replace("namespace: kubernetes-dashboard", "namespace: ci"),
                    &base.replace("      serviceAccountName: kubernetes-dashboard\n", ""),
                ),
                // A role kubeharden did not see is not judged.
                with(
                    &ADMIN_BINDING.replace("name: cluster-admin", "name: dashboard-viewer"),
                    &base,
                ),
            ])
            .fail([
                with(ADMIN_BINDING, &base),
                // A RoleBinding's subject without a namespace is in the binding's namespace.
                with(WILDCARD_ROLE, &base),
                with(
                    &WILDCARD_ROLE.replace(
                        "verbs: [\"get\", \"update\"]",
                        "verbs: [\"*\"]",
                    ),
                    &base,
                ),
                // Unset `serviceAccountName`: the namespace's `default` account.
                with(
                    &ADMIN_BINDING.replace("name: kubernetes-dashboard\n", "name: default\n"),
                    &base.replace("      serviceAccountName: kubernetes-dashboard\n", ""),
                ),
                // Through a group every ServiceAccount of the namespace is in.
                with(
                    &ADMIN_BINDING.replace(
                        "- kind: ServiceAccount\n  name: kubernetes-dashboard\n  namespace: kubernetes-dashboard\n",
                        "- kind: Group\n  name: system:serviceaccounts:kubernetes-dashboard\n  apiGroup: rbac.authorization.k8s.io\n",
                    ),
                    &base,
                ),
                // A RoleBinding to cluster-admin: full control of that namespace.
                with(
                    &ADMIN_BINDING
                        .replace("kind: ClusterRoleBinding\nmetadata:\n", "kind: RoleBinding\nmetadata:\n  namespace: kubernetes-dashboard\n"),
                    &base,
                ),
                // The v7 API module under its own account.
                with(
                    &ADMIN_BINDING.replace(
                        "name: kubernetes-dashboard\n  namespace",
                        "name: kubernetes-dashboard-api\n  namespace",
                    ),
                    &dashboard_with("kubernetesui/dashboard-api:1.13.0", "args", &[]).replace(
                        "serviceAccountName: kubernetes-dashboard",
                        "serviceAccountName: kubernetes-dashboard-api",
                    ),
                ),
            ])
            .test_and_snapshot();
    }

    /// The binding, the role and the Dashboard in three files of one run, as in a GitOps
    /// repository: the finding lands in the file that holds the `*`.
    #[test]
    fn across_files() {
        let (role, binding) = WILDCARD_ROLE
            .replace("verbs: [\"get\", \"update\"]", "verbs: [\"*\"]")
            .split_once("---\n")
            .map(|(role, binding)| (role.to_owned(), binding.to_owned()))
            .unwrap();
        let base = dashboard(&["--auto-generate-certificates"]);
        let report = check_files(
            &DashboardServiceAccountPrivileged::META,
            &[
                ("rbac/role.yaml", &role),
                ("rbac/binding.yaml", &binding),
                ("apps/dashboard.yaml", &base),
            ],
        );
        let findings = &report.findings;
        assert_eq!(findings.len(), 1, "{findings:?}");
        let file = report.file(findings[0].file);
        assert_eq!(file.path().to_str(), Some("rbac/role.yaml"));
        assert_eq!(&role[findings[0].span.start..findings[0].span.end], "\"*\"");
        // The same grant seen from two Dashboard containers is reported once.
        let twice = base.replace(
            "        args:\n",
            "        args: [--auto-generate-certificates]\n      - name: second\n        image: kubernetesui/dashboard:v2.7.0\n        args:\n",
        );
        let report = check_files(
            &DashboardServiceAccountPrivileged::META,
            &[("rbac.yaml", ADMIN_BINDING), ("dashboard.yaml", &twice)],
        );
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    }
}

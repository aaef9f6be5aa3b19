use std::collections::HashSet;

use kubeharden_core::{Inventory, Location};

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags what puts a Kubernetes Dashboard within reach of the network outside the
    /// cluster: a Service of type `LoadBalancer` or `NodePort`, or with `externalIPs`, whose
    /// selector picks the Dashboard's pods in the same namespace; and an Ingress that routes
    /// to any Service selecting them. The finding points at the Service's `type:` (or its
    /// first external IP) or at the Ingress backend's service name.
    ///
    /// ## Why is this bad?
    /// The Dashboard is a full cluster console. Once it is reachable from outside, its login
    /// page faces password-spraying and token theft, every Dashboard vulnerability is remotely
    /// exploitable, and any way in without a token (Skip, plain HTTP, see
    /// `dashboard-skip-login-enabled` and `dashboard-insecure-login-enabled`) is open to the
    /// internet. Exposed Dashboards are among the first things attackers scan for. Reach it
    /// through `kubectl proxy` or `kubectl port-forward` instead, which require cluster
    /// credentials.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   type: LoadBalancer
    ///   ports:
    ///   - port: 443
    ///     targetPort: 8443
    ///   selector:
    ///     k8s-app: kubernetes-dashboard
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
    /// kind: Service
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   ports:
    ///   - port: 443
    ///     targetPort: 8443
    ///   selector:
    ///     k8s-app: kubernetes-dashboard
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
    /// Only objects in the scanned files are seen. A Service matches when every key of its
    /// selector is among the labels of the Dashboard's pods and the namespaces agree (a
    /// namespace left out of a manifest matches any); a Service without a selector is not
    /// followed. The v7 Helm chart puts a Kong gateway in front of its modules: a Service or
    /// Ingress that exposes the gateway is not recognized as exposing the Dashboard. An
    /// Ingress may still sit behind an authenticating proxy or an internal-only ingress
    /// class; if so, suppress the finding with a comment that says why.
    ///
    /// ## How to verify on a live cluster
    /// `kubectl get svc,ingress -A -o wide` and look for the Dashboard's Service with type
    /// `LoadBalancer` or `NodePort`, an external IP, or an Ingress naming it; then try the
    /// address from outside the cluster.
    ///
    /// ## References
    /// - Kubernetes documentation: "Deploy and Access the Kubernetes Dashboard", accessing the Dashboard UI
    /// - Kubernetes Dashboard documentation: "Accessing Dashboard", why `kubectl proxy` is the recommended way in
    pub DashboardExposed,
    code = "KDSH005",
    name = "dashboard-exposed",
    category = Security,
    target = "kubernetes-dashboard",
    summary = "Kubernetes Dashboard is reachable from outside the cluster",
}

impl Rule for DashboardExposed {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        // A Service in front of several Dashboard containers is reported once.
        let mut reported: HashSet<Location> = HashSet::new();
        for dashboard in inventory.dashboards() {
            let workload = dashboard.workload();
            let target = match workload.meta.name() {
                Some(name) => format!("the Dashboard {} `{name}`", workload.kind),
                None => format!("the Dashboard {}", workload.kind),
            };
            for exposure in dashboard.exposures() {
                let location = exposure.location();
                if !reported.insert(location) {
                    continue;
                }
                let service = exposure.service.meta.name().unwrap_or("(unnamed)");
                let (message, label, help) = if let Some(ingress) = exposure.ingress {
                    let ingress = ingress.meta.name().unwrap_or("(unnamed)");
                    (
                        format!(
                            "Ingress `{ingress}` routes to Service `{service}`, which selects {target}"
                        ),
                        "Dashboard Service behind an Ingress",
                        "remove the Ingress rule and reach the Dashboard with `kubectl proxy` or `kubectl port-forward`; if it must stay, put an authenticating proxy and an internal-only ingress class in front",
                    )
                } else if exposure.is_external_ip() {
                    (
                        format!(
                            "Service `{service}` selects {target} and takes traffic for external IP `{}`",
                            exposure.opened_by.value
                        ),
                        "Dashboard reachable on an external IP",
                        "remove `externalIPs` from the Service and reach the Dashboard with `kubectl proxy` or `kubectl port-forward`",
                    )
                } else {
                    (
                        format!(
                            "Service `{service}` of type `{}` selects {target}",
                            exposure.opened_by.value
                        ),
                        if exposure.opened_by.value == "NodePort" {
                            "Dashboard open on a port of every node"
                        } else {
                            "Dashboard behind an external load balancer"
                        },
                        "remove `type:` (ClusterIP) and reach the Dashboard with `kubectl proxy` or `kubectl port-forward`",
                    )
                };
                findings
                    .report(location, message)
                    .label(label)
                    .help(help)
                    .note("anyone who reaches this address gets the Dashboard's login page, and its ServiceAccount wherever login can be skipped");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, check_files, dashboard, dashboard_with};

    fn service(spec_extra: &str) -> String {
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: kubernetes-dashboard
  namespace: kubernetes-dashboard
spec:
{spec_extra}  ports:
  - port: 443
    targetPort: 8443
  selector:
    k8s-app: kubernetes-dashboard
---
"
        )
    }

    const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: dashboard
  namespace: kubernetes-dashboard
spec:
  rules:
  - host: dashboard.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: kubernetes-dashboard
            port:
              number: 443
---
";

    #[test]
    fn cases() {
        let base = dashboard(&["--auto-generate-certificates"]);
        Tester::new(&DashboardExposed, "dashboard.yaml")
            .pass([
                base.clone(),
                service("") + &base,
                service("  type: ClusterIP\n") + &base,
                // Selects other pods.
                service("  type: NodePort\n").replace(
                    "    k8s-app: kubernetes-dashboard",
                    "    k8s-app: dashboard-metrics-scraper",
                ) + &base,
                // Another namespace.
                service("  type: LoadBalancer\n")
                    .replace("namespace: kubernetes-dashboard", "namespace: default")
                    + &base,
                // An Ingress to another Service.
                INGRESS.replace("name: kubernetes-dashboard", "name: grafana") + &service("") + &base,
            ])
            .fail([
                service("  type: NodePort\n") + &base,
                service("  type: LoadBalancer\n") + &base,
                service("  externalIPs:\n  - 203.0.113.10\n") + &base,
                INGRESS.to_owned() + &service("") + &base,
                // extensions/v1beta1 backends use `serviceName`.
                INGRESS.replace(
                    "          service:\n            name: kubernetes-dashboard\n            port:\n              number: 443\n",
                    "          serviceName: kubernetes-dashboard\n          servicePort: 443\n",
                ).replace("networking.k8s.io/v1", "extensions/v1beta1")
                    + &service("")
                    + &base,
                // A v7 module exposed directly.
                service("  type: NodePort\n").replace(
                    "k8s-app: kubernetes-dashboard\n---",
                    "app.kubernetes.io/name: kubernetes-dashboard-web\n---",
                ) + &dashboard_with("kubernetesui/dashboard-web:1.7.0", "args", &[]).replace(
                    "        k8s-app: kubernetes-dashboard\n    spec:",
                    "        app.kubernetes.io/name: kubernetes-dashboard-web\n    spec:",
                ),
            ])
            .test_and_snapshot();
    }

    /// The Ingress, the Service and the Dashboard in separate files of one run.
    #[test]
    fn across_files() {
        let base = dashboard(&["--auto-generate-certificates"]);
        let report = check_files(
            &DashboardExposed::META,
            &[
                ("ingress.yaml", INGRESS),
                ("service.yaml", &service("  type: NodePort\n")),
                ("deployment.yaml", &base),
            ],
        );
        let mut files: Vec<&str> = report
            .findings
            .iter()
            .filter_map(|finding| report.file(finding.file).path().to_str())
            .collect();
        files.sort_unstable();
        assert_eq!(files, ["ingress.yaml", "service.yaml"]);
        // Without the Dashboard's Deployment nothing is known to be exposed.
        let report = check_files(
            &DashboardExposed::META,
            &[
                ("ingress.yaml", INGRESS),
                ("service.yaml", &service("  type: NodePort\n")),
            ],
        );
        assert!(report.findings.is_empty());
    }
}

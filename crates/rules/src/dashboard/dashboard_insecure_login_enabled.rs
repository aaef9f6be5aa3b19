use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes Dashboard that serves plain HTTP beyond its own pod's loopback:
    ///
    /// - `--enable-insecure-login` is `true` while that plain HTTP is served, so the login
    ///   page — and every token typed into it — travels unencrypted;
    /// - no TLS is configured (no `--auto-generate-certificates`, no `--tls-cert-file` with
    ///   `--tls-key-file`) and `--insecure-bind-address` is not a loopback address, so plain
    ///   HTTP is served to the network on `--insecure-port`;
    /// - the release predates v1.7.0, which had no login page and served only plain HTTP.
    ///
    /// ## Why is this bad?
    /// Over plain HTTP the Dashboard is either a login form that hands bearer tokens to anyone
    /// who can watch the traffic (`--enable-insecure-login`), or — without that flag — no login
    /// at all: a v2 Dashboard reached over HTTP answers every request with its own
    /// ServiceAccount. Anything that can reach the pod (another pod, a node, an Ingress or a
    /// `NodePort` in front of it) then acts with that account's permissions, and releases
    /// before v1.7.0 behave that way by design.
    ///
    /// ## Example
    /// ```yaml
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
    ///         - --namespace=kubernetes-dashboard
    ///         - --enable-insecure-login
    /// ```
    ///
    /// Use instead:
    /// ```yaml
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
    ///         - --namespace=kubernetes-dashboard
    /// ```
    ///
    /// ## Fix
    /// Safe: removes every `--enable-insecure-login` occurrence, so the login page is no longer
    /// offered over plain HTTP and no token crosses the network unencrypted. Serving HTTPS needs a
    /// certificate choice, so the plain-HTTP listener itself gets no fix.
    ///
    /// ## Version notes
    /// - Before v1.7.0 (for example v1.6.3, image `kubernetes-dashboard-amd64`) the Dashboard
    ///   had no login page and served plain HTTP on every interface, port 9090; the finding
    ///   points at the image. The release is read from the image tag.
    /// - From v1.7.0 to v2.7.0 the Dashboard serves *either* HTTPS (with
    ///   `--auto-generate-certificates`, or `--tls-cert-file` and `--tls-key-file`) *or* plain
    ///   HTTP on `--insecure-bind-address:--insecure-port` (default port 9090), never both; with
    ///   HTTPS, `--enable-insecure-login` and the insecure address have no effect and are not
    ///   reported. The binary's own default for `--insecure-bind-address` is `127.0.0.1`, but
    ///   the official images start it as
    ///   `/dashboard --insecure-bind-address=0.0.0.0 --bind-address=0.0.0.0`: a container that
    ///   only gives `args:` serves HTTP on every interface. A `command:` that runs the binary
    ///   itself gets the loopback default.
    /// - Plain HTTP on a loopback address is not reported, `--enable-insecure-login` or not:
    ///   only a sidecar in the pod or a `kubectl port-forward` (which tunnels through the
    ///   apiserver) can reach it. `--insecure-port=0` is not reported either (Go then picks a
    ///   random free port).
    /// - The split Dashboard of the v7 Helm chart (`kubernetesui/dashboard-api`, `-web`,
    ///   `-auth`) has no `--enable-insecure-login`; its modules speak plain HTTP to the Kong
    ///   gateway in front of them by design, and the rule does not judge them.
    ///
    /// ## How to verify on a live cluster
    /// From another pod, request the Dashboard pod's port 9090: `curl http://<pod-ip>:9090/`.
    /// An HTML page means plain HTTP is served to the pod network; a refused connection means
    /// it is not.
    ///
    /// ## References
    /// - Kubernetes Dashboard documentation: "Access control" (login view, authorization header) and "Dashboard arguments"
    /// - Kubernetes Dashboard: the `alternative.yaml` setup, documented as insecure
    pub DashboardInsecureLoginEnabled,
    code = "KDSH002",
    name = "dashboard-insecure-login-enabled",
    category = Security,
    target = "kubernetes-dashboard",
    summary = "Kubernetes Dashboard serves its login or its ServiceAccount's access over plain HTTP",
}

impl Rule for DashboardInsecureLoginEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for dashboard in inventory.dashboards() {
            // The v7 modules talk plain HTTP to their gateway by design.
            if dashboard.module().is_some() {
                continue;
            }
            let account = dashboard.service_account();
            let account = match dashboard.namespace() {
                Some(namespace) => format!("`{}` in namespace `{namespace}`", account.value),
                None => format!("`{}`", account.value),
            };
            if let Some(version) = dashboard.predates_login() {
                findings
                    .report(
                        dashboard.image_location(),
                        format!("Dashboard v{version} has no login page and serves plain HTTP"),
                    )
                    .label("release before v1.7.0")
                    .help("upgrade to a current Dashboard and serve it over HTTPS with `--auto-generate-certificates`")
                    .note(format!(
                        "every visitor acts as its ServiceAccount {account}; v1.6 and older listen on every interface, port 9090"
                    ));
                continue;
            }
            // HTTPS only: no plain-HTTP listener at all; or unknown, when
            // `--auto-generate-certificates` is a placeholder.
            if dashboard.https().is_some() || dashboard.auto_generate_certificates().is_none() {
                continue;
            }
            // Unknown (an unfamiliar image's entrypoint) or not an address (start-up fails).
            let Some(address) = dashboard.insecure_bind_ip() else {
                continue;
            };
            let Some(port) = dashboard.insecure_port() else {
                continue;
            };
            if address.value.is_loopback() || port.value == 0 {
                continue;
            }
            let listener = if address.value.is_ipv6() {
                format!("[{}]:{}", address.value, port.value)
            } else {
                format!("{}:{}", address.value, port.value)
            };
            let Some(insecure_login) = dashboard.enable_insecure_login() else {
                continue;
            };
            if insecure_login.value {
                let fix = fixes::remove_flags(
                    inventory,
                    dashboard.process,
                    dashboard.process.flags.all("enable-insecure-login"),
                )
                .map(|edits| fixes::safe("Remove `--enable-insecure-login`", edits));
                let finding = findings
                    .report(
                        insecure_login.location_or(dashboard.missing_anchor()),
                        format!(
                            "`--enable-insecure-login` is `true` and the Dashboard serves plain HTTP on `{listener}`"
                        ),
                    )
                    .label("login page offered over plain HTTP")
                    .help("serve HTTPS (`--auto-generate-certificates`, or `--tls-cert-file` with `--tls-key-file`) and drop `--enable-insecure-login`")
                    .note("bearer tokens typed into the login page cross the network unencrypted");
                finding.fix(fix);
            }
            let half_tls =
                dashboard.tls_cert_file().is_some() != dashboard.tls_key_file().is_some();
            let no_tls = if half_tls {
                "`--tls-cert-file` and `--tls-key-file` only work together"
            } else {
                "no `--auto-generate-certificates` or `--tls-cert-file` among these flags"
            };
            let (message, label) = if address.is_default() {
                (
                    format!(
                        "no TLS configured, so the Dashboard serves plain HTTP on `{listener}`; the image's entrypoint sets `--insecure-bind-address=0.0.0.0`"
                    ),
                    no_tls,
                )
            } else {
                (
                    format!(
                        "`--insecure-bind-address` is `{}` and no TLS is configured: plain HTTP on `{listener}`",
                        address.value
                    ),
                    "plain HTTP beyond localhost",
                )
            };
            let note = if insecure_login.value {
                "the login page and the tokens sent to it use this listener".to_owned()
            } else {
                format!(
                    "over plain HTTP the Dashboard offers no login: it answers every request as its ServiceAccount {account}"
                )
            };
            findings
                .report(address.location_or(dashboard.missing_anchor()), message)
                .label(label)
                .help("add `--auto-generate-certificates` (or `--tls-cert-file` and `--tls-key-file`) to serve HTTPS on port 8443, or keep plain HTTP on loopback with `--insecure-bind-address=127.0.0.1`")
                .note(note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, dashboard, dashboard_with, flow};

    #[test]
    fn cases() {
        Tester::new(&DashboardInsecureLoginEnabled, "dashboard.yaml")
            .pass([
                dashboard(&[
                    "--auto-generate-certificates",
                    "--namespace=kubernetes-dashboard",
                ]),
                // HTTPS only: no HTTP listener, so these have no effect.
                dashboard(&["--auto-generate-certificates", "--enable-insecure-login"]),
                dashboard(&[
                    "--tls-cert-file=dashboard.crt",
                    "--tls-key-file=dashboard.key",
                    "--insecure-bind-address=0.0.0.0",
                ]),
                // Plain HTTP on loopback only (reached through a port-forward or a sidecar).
                dashboard(&["--insecure-bind-address=127.0.0.1"]),
                dashboard(&[
                    "--insecure-bind-address",
                    "127.0.0.1",
                    "--enable-insecure-login",
                ]),
                dashboard(&[
                    "--insecure-bind-address=0.0.0.0",
                    "--insecure-bind-address=127.0.0.1",
                ]),
                // `command:` runs the binary itself: its default is loopback.
                dashboard_with("kubernetesui/dashboard:v2.7.0", "command", &["/dashboard"]),
                dashboard(&["--insecure-port=0"]),
                dashboard_with(
                    "k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1",
                    "args",
                    &["--auto-generate-certificates"],
                ),
                // v7 modules speak HTTP to their gateway by design.
                dashboard_with("kubernetesui/dashboard-web:1.7.0", "args", &[]),
                dashboard_with(
                    "kubernetesui/dashboard-api:1.13.0",
                    "args",
                    &["--insecure-bind-address=0.0.0.0"],
                ),
            ])
            .fail([
                dashboard(&[
                    "--namespace=kubernetes-dashboard",
                    "--enable-insecure-login",
                ]),
                dashboard(&["--namespace=kubernetes-dashboard"]),
                dashboard(&["--insecure-bind-address=0.0.0.0", "--insecure-port=9090"]),
                dashboard(&[
                    "--insecure-bind-address",
                    "10.0.0.7",
                    "--enable-insecure-login=true",
                ]),
                dashboard(&[
                    "--insecure-bind-address=127.0.0.1",
                    "--insecure-bind-address=0.0.0.0",
                ]),
                // A certificate without its key: no HTTPS.
                dashboard(&["--tls-cert-file=dashboard.crt"]),
                dashboard_with(
                    "kubernetesui/dashboard:v2.7.0",
                    "command",
                    &["/dashboard", "--insecure-bind-address=0.0.0.0"],
                ),
                dashboard_with(
                    "gcr.io/google_containers/kubernetes-dashboard-amd64:v1.6.3",
                    "args",
                    &[],
                ),
            ])
            .fix_round_trip([
                dashboard(&["--enable-insecure-login"]),
                dashboard(&[
                    "--namespace=kubernetes-dashboard",
                    "--enable-insecure-login=true",
                ]),
                dashboard(&[
                    "\"--enable-insecure-login\"",
                    "--namespace=kubernetes-dashboard",
                ]),
                dashboard(&["--enable-insecure-login"]).replace('\n', "\r\n"),
                flow(&dashboard(&[
                    "--namespace=kubernetes-dashboard",
                    "--enable-insecure-login",
                ])),
            ])
            .expect_fix([
                (
                    dashboard(&[
                        "--namespace=kubernetes-dashboard",
                        "--enable-insecure-login=true",
                    ]),
                    dashboard(&["--namespace=kubernetes-dashboard"]),
                ),
                (
                    flow(&dashboard(&[
                        "--enable-insecure-login",
                        "--namespace=kubernetes-dashboard",
                    ])),
                    flow(&dashboard(&["--namespace=kubernetes-dashboard"])),
                ),
            ])
            .test_and_snapshot();
    }
}

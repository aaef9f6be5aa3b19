use kubeharden_core::Inventory;

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes Dashboard whose login page offers **Skip**: `--enable-skip-login`
    /// is `true`, or the release (v1.7.0 to v1.10.0) always offered it.
    ///
    /// ## Why is this bad?
    /// Skip lets a visitor use the Dashboard without a token of their own: every request is
    /// then made with the Dashboard's ServiceAccount. Whoever can open the page gets whatever
    /// that account may do — often far more than the visitor should, and everything when it
    /// is bound to `cluster-admin` (see `dashboard-service-account-privileged`).
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
    ///         - --auto-generate-certificates
    ///         - --namespace=kubernetes-dashboard
    ///         - --enable-skip-login
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
    /// Safe: removes every `--enable-skip-login` occurrence; the flag defaults to `false`. Users
    /// who clicked Skip sign in with their own token instead, which is the point. Releases before
    /// v1.10.1 (no flag hides Skip) get no fix: they need an upgrade.
    ///
    /// ## Version notes
    /// - Before v1.7.0 the Dashboard had no login page at all; `dashboard-insecure-login-enabled`
    ///   reports those releases.
    /// - v1.7.0 to v1.10.0 always offered Skip and had no flag to hide it; v1.10.1 hid it by
    ///   default (the fix for CVE-2018-18264) and added `--enable-skip-login` to bring it back.
    ///   The rule judges the release by the image tag; an image whose tag names no release is
    ///   judged as v2.7.0, the last single-binary release.
    /// - A v2 Dashboard served over plain HTTP without `--enable-insecure-login` shows no login
    ///   page and uses its ServiceAccount for everyone, Skip or not; that is
    ///   `dashboard-insecure-login-enabled`'s finding.
    /// - The split Dashboard of the v7 Helm chart (`kubernetesui/dashboard-api`, `-web`,
    ///   `-auth`) has no Skip and no `--enable-skip-login`; the rule never fires for it.
    ///
    /// ## How to verify on a live cluster
    /// Open the Dashboard's login page (through `kubectl proxy` or a port-forward): a **Skip**
    /// button next to **Sign in** means the ServiceAccount is one click away.
    ///
    /// ## References
    /// - Kubernetes Dashboard documentation: "Access control", login view and the Skip option
    /// - CVE-2018-18264: Dashboard before v1.10.1 lets users skip authentication and use its ServiceAccount
    pub DashboardSkipLoginEnabled,
    code = "KDSH001",
    name = "dashboard-skip-login-enabled",
    category = Security,
    target = "kubernetes-dashboard",
    summary = "Kubernetes Dashboard lets visitors skip the login and act as its ServiceAccount",
}

impl Rule for DashboardSkipLoginEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for dashboard in inventory.dashboards() {
            let Some(skip) = dashboard.enable_skip_login() else {
                continue;
            };
            if !skip.value {
                continue;
            }
            let account = dashboard.service_account();
            let note = format!(
                "Skip runs the session as ServiceAccount `{}`{}",
                account.value,
                dashboard
                    .namespace()
                    .map(|namespace| format!(" in namespace `{namespace}`"))
                    .unwrap_or_default()
            );
            if skip.is_default() {
                // v1.7.0 to v1.10.0: Skip is always there, and no flag hides it.
                let release = dashboard
                    .version()
                    .map_or_else(String::new, |version| format!(" v{version}"));
                findings
                    .report(
                        dashboard.image_location(),
                        format!("Dashboard{release} always offers Skip on its login page"),
                    )
                    .label("release before v1.10.1")
                    .help("upgrade to Dashboard v1.10.1 or later, which hides Skip unless `--enable-skip-login` is given (CVE-2018-18264)")
                    .note(note);
            } else {
                // `--enable-skip-login false`: a boolean never takes the next word as its value.
                let flags = &dashboard.process.flags;
                let bare_before_word = flags.last("enable-skip-login").is_some_and(|flag| {
                    flag.value.is_none()
                        && flags
                            .positionals()
                            .iter()
                            .any(|word| word.index == flag.index + 1)
                });
                let label = if bare_before_word {
                    "a bare boolean flag is `true`; the next item is not its value"
                } else {
                    "Skip button on the login page"
                };
                let fix = fixes::remove_flags(
                    inventory,
                    dashboard.process,
                    flags.all("enable-skip-login"),
                )
                .map(|edits| fixes::safe("Remove `--enable-skip-login`", edits));
                let finding = findings
                    .report(
                        skip.location_or(dashboard.missing_anchor()),
                        "`--enable-skip-login` is `true`",
                    )
                    .label(label)
                    .help("remove `--enable-skip-login`; users sign in with their own token")
                    .note(note);
                finding.fix(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, dashboard, dashboard_with, flow};

    #[test]
    fn cases() {
        Tester::new(&DashboardSkipLoginEnabled, "dashboard.yaml")
            .pass([
                dashboard(&["--auto-generate-certificates"]),
                dashboard(&["--auto-generate-certificates", "--enable-skip-login=false"]),
                dashboard(&["--enable-skip-login", "--enable-skip-login=false"]),
                dashboard_with(
                    "k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1",
                    "args",
                    &["--auto-generate-certificates"],
                ),
                // No login page at all: `dashboard-insecure-login-enabled` says so.
                dashboard_with(
                    "gcr.io/google_containers/kubernetes-dashboard-amd64:v1.6.3",
                    "args",
                    &[],
                ),
                // The v7 modules have no Skip; the flag would stop them at start-up.
                dashboard_with(
                    "kubernetesui/dashboard-api:1.13.0",
                    "args",
                    &["--enable-skip-login"],
                ),
                dashboard_with("kubernetesui/dashboard-web:1.7.0", "args", &[]),
            ])
            .fail([
                dashboard(&["--auto-generate-certificates", "--enable-skip-login"]),
                dashboard(&["--enable-skip-login=true"]),
                dashboard(&["--enable-skip-login=false", "--enable-skip-login"]),
                // A boolean never takes the next word: this is `true`.
                dashboard(&["--enable-skip-login", "false"]),
                dashboard_with(
                    "kubernetesui/dashboard:v2.7.0",
                    "command",
                    &[
                        "/dashboard",
                        "--auto-generate-certificates",
                        "--enable-skip-login",
                    ],
                ),
                dashboard_with(
                    "k8s.gcr.io/kubernetes-dashboard-amd64:v1.8.3",
                    "args",
                    &["--auto-generate-certificates"],
                ),
            ])
            .fix_round_trip([
                dashboard(&["--auto-generate-certificates", "--enable-skip-login"]),
                dashboard(&["--enable-skip-login=true", "--auto-generate-certificates"]),
                dashboard(&["--enable-skip-login=false", "'--enable-skip-login'"]),
                dashboard(&["--enable-skip-login"]).replace('\n', "\r\n"),
                flow(&dashboard(&[
                    "--auto-generate-certificates",
                    "--enable-skip-login",
                ])),
                flow(&dashboard(&[
                    "--enable-skip-login",
                    "--auto-generate-certificates",
                ])),
            ])
            .expect_fix([
                (
                    dashboard(&["--auto-generate-certificates", "--enable-skip-login"]),
                    dashboard(&["--auto-generate-certificates"]),
                ),
                (
                    flow(&dashboard(&[
                        "--enable-skip-login",
                        "--auto-generate-certificates",
                    ])),
                    flow(&dashboard(&["--auto-generate-certificates"])),
                ),
            ])
            .test_and_snapshot();
    }
}

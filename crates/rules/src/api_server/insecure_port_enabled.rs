use kubeharden_core::Inventory;
use kubeharden_core::version::INSECURE_PORT_DISABLED_IN;

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that serves the API on its insecure port: `--insecure-port` set
    /// to anything but `0`, or left unset on a release where the port is open by default.
    ///
    /// ## Why is this bad?
    /// The insecure port speaks plain HTTP and skips authentication and authorization
    /// altogether: every request is treated as coming from a cluster administrator. Anyone who
    /// can reach that port — a pod on the host network, a process on the node, or the whole
    /// network when `--insecure-bind-address` widens it — controls the cluster.
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
    ///     image: registry.k8s.io/kube-apiserver:v1.18.20
    ///     command:
    ///     - kube-apiserver
    ///     - --insecure-port=8080
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
    ///     image: registry.k8s.io/kube-apiserver:v1.18.20
    ///     command:
    ///     - kube-apiserver
    ///     - --insecure-port=0
    /// ```
    ///
    /// ## Version notes
    /// Before v1.20 the port defaults to 8080, so leaving the flag out opens it. From v1.20 the
    /// apiserver refuses to start with any value but `0` (reported by `invalid-flag-value`), and
    /// v1.24 removed the flag and the port (a leftover flag is reported by `removed-flag`).
    /// This rule therefore only fires for releases before v1.20.
    ///
    /// ## Fix
    /// Safe: sets the flag's value to `0` in place, or adds `--insecure-port=0` after the last
    /// flag when it is missing. Nothing that works today may depend on an unauthenticated
    /// port: every client of the API can use the secure port.
    ///
    /// ## How to verify on a live cluster
    /// From the control-plane host, ask the port for the API's root: `curl
    /// http://<apiserver-ip>:8080/` lists the API paths when the port is open, and the
    /// connection is refused when it is closed.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.19 (ensure that the `--insecure-port` argument is set to 0)
    /// - Kubernetes documentation: "Controlling Access to the Kubernetes API", API server ports and IPs
    pub InsecurePortEnabled,
    code = "KAPI001",
    name = "insecure-port-enabled",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver serves the API without TLS, authentication or authorization",
    cis = ["apiserver.insecure-port"],
}

impl Rule for InsecurePortEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let version = api.version();
            // From v1.20 a non-zero port stops the apiserver instead of opening a door.
            if !version.version.is_before(INSECURE_PORT_DISABLED_IN) {
                continue;
            }
            let Some(port) = api.insecure_port() else {
                continue;
            };
            if port.value == 0 {
                continue;
            }
            let (label, help) = if port.is_default() {
                (
                    "no `--insecure-port=0` among these flags",
                    "add `--insecure-port=0`",
                )
            } else {
                ("non-zero insecure port", "set `--insecure-port=0`")
            };
            let fix = if port.is_default() {
                fixes::add_flag(inventory, api.process, "--insecure-port=0")
                    .map(|edits| fixes::safe("Add `--insecure-port=0`", edits))
            } else {
                api.flags()
                    .last("insecure-port")
                    .and_then(|flag| fixes::set_flag_value(inventory, api.process, flag, "0"))
                    .map(|edits| fixes::safe("Set `--insecure-port=0`", edits))
            };
            let finding = findings
                .report(
                    port.location_or(api.missing_anchor()),
                    notes::flag_state("insecure-port", &port),
                )
                .label(label)
                .help(help)
                .note(notes::version("kube-apiserver", version));
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_at, flow, kubeadm};

    #[test]
    fn cases() {
        Tester::new(&InsecurePortEnabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&[]),
                apiserver_at("v1.19.16", &["--insecure-port={{ .InsecurePort }}"]),
                apiserver_at("v1.19.16", &["--insecure-port=INSECURE_PORT"]),
                apiserver_at("v1.19.16", &["--insecure-port=0"]),
                apiserver_at("v1.19.16", &["--insecure-port", "0"]),
                apiserver_at("v1.19.16", &["--insecure-port=8080", "--insecure-port=0"]),
                // Stops the apiserver rather than opening the port: other rules say so.
                apiserver_at("v1.21.0", &["--insecure-port=8080"]),
                apiserver_at("v1.29.0", &["--insecure-port=0"]),
            ])
            .fail([
                apiserver_at("v1.19.16", &[]),
                apiserver_at("v1.18.20", &["--insecure-port=8080"]),
                apiserver_at("v1.18.20", &["--insecure-port", "8080"]),
                apiserver_at("v1.18.20", &["--insecure-port=0", "--insecure-port=8080"]),
            ])
            .fix_round_trip([
                kubeadm("v1beta3", "  extraArgs:\n    insecure-port: \"8080\"\n"),
                kubeadm("v1beta3", "  extraArgs:\n    insecure-port: 8080\n"),
                kubeadm(
                    "v1beta4",
                    "  extraArgs:\n  - name: insecure-port\n    value: '8080'\n",
                ),
                apiserver_at("v1.19.16", &[]),
                flow(&apiserver_at("v1.19.16", &[])),
                apiserver_at("v1.19.16", &[]).replace('\n', "\r\n"),
                apiserver_at("v1.19.16", &["--v=2"]),
                apiserver_at("v1.18.20", &["--insecure-port=8080"]),
                apiserver_at("v1.18.20", &["--insecure-port", "8080"]),
                apiserver_at("v1.18.20", &["\"--insecure-port=8080\""]),
                apiserver_at("v1.18.20", &["'--insecure-port'", "'8080'"]),
                apiserver_at("v1.18.20", &["--insecure-port=0", "--insecure-port=8080"]),
                apiserver_at("v1.18.20", &["--insecure-port=8080"]).replace('\n', "\r\n"),
                flow(&apiserver_at("v1.19.16", &["--v=2"])),
                flow(&apiserver_at("v1.18.20", &["--insecure-port", "8080"])),
            ])
            .expect_fix([
                (
                    apiserver_at("v1.18.20", &["--insecure-port=8080"]),
                    apiserver_at("v1.18.20", &["--insecure-port=0"]),
                ),
                (
                    apiserver_at("v1.19.16", &["--v=2"]),
                    apiserver_at("v1.19.16", &["--v=2", "--insecure-port=0"]),
                ),
                (
                    kubeadm("v1beta3", "  extraArgs:\n    insecure-port: 8080\n"),
                    kubeadm("v1beta3", "  extraArgs:\n    insecure-port: \"0\"\n"),
                ),
            ])
            .test_and_snapshot();
    }
}

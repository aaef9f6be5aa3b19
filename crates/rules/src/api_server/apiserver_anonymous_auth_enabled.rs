use kubeharden_core::version::KubeVersion;
use kubeharden_core::inventory::{Distribution, Origin};
use kubeharden_core::{Inventory, Provenance};

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that accepts anonymous requests: `--anonymous-auth` is `true`,
    /// or not set, since `true` is its default, and no `AlwaysAllow` authorizer makes the
    /// apiserver turn it off.
    ///
    /// ## Why is this bad?
    /// With anonymous authentication on, a request that carries no credentials is not turned
    /// away: it proceeds as user `system:anonymous` in group `system:unauthenticated`, and only
    /// authorization stands between it and the cluster. By default that group may read little
    /// more than health and version endpoints, so this is a hardening item rather than an open
    /// door; but one careless binding of `system:anonymous` or `system:unauthenticated` (or an
    /// `AlwaysAllow` authorizer, see `apiserver-authorization-always-allow`) hands the cluster
    /// to anyone who can reach the secure port.
    ///
    /// kubeadm deliberately leaves anonymous authentication on: the kubelet probes the
    /// apiserver's `/livez`, `/readyz` and startup endpoints without credentials, and those
    /// probes fail once anonymous requests are rejected. Turn it off only together with probes
    /// that do not depend on it, or, from v1.32, keep it on for the health endpoints alone.
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
    ///     - --authorization-mode=Node,RBAC
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
    ///     - --anonymous-auth=false
    ///     - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets `--anonymous-auth=false` (in place, or added after the last flag). kubeadm's
    /// static pod probes `/livez`, `/readyz` and `/healthz` without credentials, so turning
    /// anonymous requests off makes the kubelet restart a healthy apiserver until the probes get
    /// another way in (v1.32+: an AuthenticationConfiguration that allows anonymous requests on
    /// the health endpoints only).
    ///
    /// ## Version notes
    /// `--anonymous-auth` defaults to `true` from v1.6 (v1.5.1 to v1.5.x defaulted to `false`).
    /// Whatever the flag says, the apiserver switches anonymous requests off when `AlwaysAllow`
    /// is in the authorization chain — including the default chain when `--authorization-mode`
    /// is not set — so the rule does not fire there (`apiserver-authorization-always-allow`
    /// reports the far bigger problem). From v1.31 (alpha; beta and on by default from v1.32;
    /// GA in v1.34) the `anonymous` section of an AuthenticationConfiguration file
    /// (`--authentication-config`) can allow anonymous requests only on chosen paths such as
    /// `/livez`, `/readyz` and `/healthz`; the flag must then be left out. When
    /// `--authentication-config` is given without `--anonymous-auth`, the answer is in that
    /// file, which kubeharden does not read, and the rule stays silent.
    ///
    /// ## How to verify on a live cluster
    /// Send a request without credentials to the secure port: `curl -k
    /// https://<apiserver-ip>:6443/api`. `401 Unauthorized` means anonymous requests are
    /// rejected; a `403 Forbidden` naming `system:anonymous` (or any data) means they are
    /// accepted and left to authorization.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.1 (ensure that the `--anonymous-auth` argument is set to false)
    /// - Kubernetes documentation: "Authenticating", anonymous requests
    /// - KEP-4633: anonymous authentication only for configured endpoints
    pub ApiserverAnonymousAuthEnabled,
    code = "KAPI003",
    name = "apiserver-anonymous-auth-enabled",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver lets requests without credentials through to authorization as system:anonymous",
    cis = ["apiserver.anonymous-auth"],
}

/// The release whose AuthenticationConfiguration can hold the anonymous settings.
const ANONYMOUS_IN_AUTHENTICATION_CONFIG_SINCE: KubeVersion = KubeVersion::new(1, 31);

impl Rule for ApiserverAnonymousAuthEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(anonymous) = api.anonymous_requests() else {
                continue;
            };
            if !anonymous.value {
                continue;
            }
            let version = api.version();
            // Unset, with an AuthenticationConfiguration file that may hold the answer.
            if anonymous.is_default()
                && api.authentication_config().is_some()
                && !version
                    .known()
                    .is_some_and(|known| known.is_before(ANONYMOUS_IN_AUTHENTICATION_CONFIG_SINCE))
            {
                continue;
            }
            // `--anonymous-auth false`: a boolean never takes the next word as its value.
            let bare_before_word = api.flags().last("anonymous-auth").is_some_and(|flag| {
                flag.value.is_none()
                    && api
                        .flags()
                        .positionals()
                        .iter()
                        .any(|word| word.index == flag.index + 1)
            });
            let label = if anonymous.is_default() {
                "no `--anonymous-auth=false` among these flags"
            } else if bare_before_word {
                "a bare boolean flag is `true`; the next item is not its value"
            } else {
                "anonymous requests accepted"
            };
            let help = if anonymous.is_default() {
                "add `--anonymous-auth=false`, or (v1.32+) allow anonymous requests only on the health endpoints with an AuthenticationConfiguration `anonymous` section"
            } else {
                "set `--anonymous-auth=false`, or (v1.32+) allow anonymous requests only on the health endpoints with an AuthenticationConfiguration `anonymous` section"
            };
            let fix = matches!(
                anonymous.provenance,
                Provenance::Flag(_) | Provenance::KubeadmExtraArgs(_) | Provenance::Default(_)
            )
            .then(|| fixes::set_or_add_flag(inventory, api.process, "anonymous-auth", "false"))
            .flatten()
            .map(|edits| fixes::unsafe_fix("Set `--anonymous-auth=false`", edits));
            let finding = findings
                .report(
                    anonymous.location_or(api.missing_anchor()),
                    notes::flag_state("anonymous-auth", &anonymous),
                )
                .label(label)
                .help(help)
                .note(origin_note(&api.process.origin));
            finding.fix(fix);
        }
    }
}

/// Why anonymous requests may be on, by who generated the apiserver's command line.
fn origin_note(origin: &Origin) -> String {
    match origin {
        Origin::Distribution(distribution @ (Distribution::K3s | Distribution::Rke2)) => format!(
            "{} passes `--anonymous-auth=false` itself; this arg turns anonymous requests back on",
            distribution.name()
        ),
        _ => "kubeadm leaves this on because the kubelet probes `/livez` and `/readyz` without credentials: give the probes another way in before turning it off".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at, flow, kubeadm};

    const RBAC: &str = "--authorization-mode=Node,RBAC";

    #[test]
    fn cases() {
        Tester::new(&ApiserverAnonymousAuthEnabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&[RBAC, "--anonymous-auth=false"]),
                // Set, to a value a templating step fills in: unknown, not "not set".
                apiserver(&[RBAC, "--anonymous-auth=${ANONYMOUS_AUTH}"]),
                apiserver(&[RBAC, "--anonymous-auth=<%= @anonymous_auth %>"]),
                apiserver(&[RBAC, "--anonymous-auth=ANONYMOUS_AUTH"]),
                apiserver(&["--authorization-mode=$(MODES)"]),
                apiserver_args(&["--anonymous-auth=false"]),
                apiserver(&["--anonymous-auth=true", "--anonymous-auth=false"]),
                // Next to `AlwaysAllow` the apiserver turns anonymous requests off.
                apiserver(&["--anonymous-auth=true", "--authorization-mode=AlwaysAllow"]),
                apiserver(&["--authorization-mode=Node,AlwaysAllow"]),
                apiserver_args(&["--anonymous-auth"]),
                // v1.5 defaulted to `false`.
                apiserver_at("v1.5.1", &["--authorization-mode=RBAC"]),
                // The anonymous settings may be in the file.
                apiserver_at(
                    "v1.32.0",
                    &[RBAC, "--authentication-config=/etc/kubernetes/authn.yaml"],
                ),
            ])
            .fail([
                apiserver(&[RBAC]),
                apiserver_args(&["--authorization-mode=Node,RBAC"]),
                apiserver(&[RBAC, "--anonymous-auth=true"]),
                apiserver(&[RBAC, "--anonymous-auth"]),
                apiserver(&[RBAC, "--anonymous-auth", "true"]),
                // A boolean never takes the next word: this is `true` (and a stray `false`).
                apiserver(&[RBAC, "--anonymous-auth", "false"]),
                apiserver(&[RBAC, "--anonymous-auth=false", "--anonymous-auth=true"]),
                // Before v1.31 the file cannot hold the anonymous settings.
                apiserver_at(
                    "v1.30.4",
                    &[RBAC, "--authentication-config=/etc/kubernetes/authn.yaml"],
                ),
            ])
            .fix_round_trip([
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    authorization-mode: Node,RBAC\n",
                ),
                kubeadm(
                    "v1beta4",
                    "  extraArgs:\n    - name: authorization-mode\n      value: Node,RBAC\n",
                ),
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    authorization-mode: Node,RBAC\n    anonymous-auth: \"true\"\n",
                ),
                apiserver(&["--authorization-mode=Node,RBAC"]),
                apiserver(&["--authorization-mode=Node,RBAC", "--anonymous-auth=true"]),
                apiserver(&["--anonymous-auth", "--authorization-mode=Node,RBAC"]),
                flow(&apiserver(&[
                    "--anonymous-auth",
                    "'--authorization-mode=RBAC'",
                ])),
            ])
            .expect_unsafe_fix([
                (apiserver(&[RBAC]), apiserver(&[RBAC, "--anonymous-auth=false"])),
                (
                    apiserver(&["--anonymous-auth", RBAC]),
                    apiserver(&["--anonymous-auth=false", RBAC]),
                ),
            ])
            .test_and_snapshot();
    }
}

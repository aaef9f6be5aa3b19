use kubeharden_core::Inventory;

use kubeharden_core::version::KubeVersion;

use super::{BoolFlag, report_bool_flag};
use crate::declare_rule;
use crate::finding::{Applicability, Findings};
use crate::rule::Rule;

/// The release from which `--service-account-issuer` is required: every apiserver issues bound
/// tokens.
const SERVICE_ACCOUNT_ISSUER_REQUIRED_SINCE: KubeVersion = KubeVersion::new(1, 20);

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver whose `--service-account-extend-token-expiration` is effectively
    /// `true`: set so, or not set on v1.20 or later, where `true` is its default.
    ///
    /// ## Why is this bad?
    /// To ease the move to short-lived bound service account tokens, the apiserver stretches
    /// the projected tokens it issues to kubelets to a year (while warning in audit logs when
    /// one is used past its requested lifetime). A token stolen from a pod then works for up to
    /// a year instead of about an hour.
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
    ///     - --service-account-issuer=https://kubernetes.default.svc.cluster.local
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
    ///     - --service-account-issuer=https://kubernetes.default.svc.cluster.local
    ///     - --service-account-extend-token-expiration=false
    /// ```
    ///
    /// ## Version notes
    /// The flag exists from v1.19, where it defaults to `false`; it defaults to `true` from
    /// v1.20. Before v1.19 tokens were not extended and the rule is silent. On v1.19 it matters
    /// only with `--service-account-issuer`, without which no bound token is issued; from v1.20
    /// the issuer is required.
    /// The check entered the CIS Benchmark in v1.11.
    ///
    /// ## Fix
    /// Unsafe: sets `--service-account-extend-token-expiration=false` in place, or adds it
    /// after the last flag. Clients that read their token once and never reload it (old client
    /// libraries) fail after an hour; the apiserver's audit annotation
    /// `authentication.k8s.io/stale-token` names them.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12.0, 1.2.30 (ensure that the `--service-account-extend-token-expiration` parameter is set to false)
    /// - Kubernetes documentation: "Managing Service Accounts", bound service account tokens
    pub ServiceAccountTokenExpirationExtended,
    code = "KAPI017",
    name = "service-account-token-expiration-extended",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver extends projected service account tokens to a year",
    cis = ["apiserver.service-account-extend-token-expiration"],
}

impl Rule for ServiceAccountTokenExpirationExtended {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            // Before v1.20 the issuer is optional, and without it no bound token is issued.
            if api
                .version()
                .version
                .is_before(SERVICE_ACCOUNT_ISSUER_REQUIRED_SINCE)
                && api.service_account_issuers().is_empty()
            {
                continue;
            }
            report_bool_flag(
                findings,
                inventory,
                &api,
                api.service_account_extend_token_expiration(),
                &BoolFlag {
                    flag: "service-account-extend-token-expiration",
                    want: false,
                    consequence: "projected tokens stay valid for a year",
                    label: "token expiration extended",
                    help: "set `--service-account-extend-token-expiration=false` once no client relies on stale tokens",
                    applicability: Applicability::Unsafe,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at, flow};

    #[test]
    fn cases() {
        Tester::new(&ServiceAccountTokenExpirationExtended, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--service-account-extend-token-expiration=false"]),
                apiserver_args(&["--service-account-extend-token-expiration=0"]),
                apiserver(&["--service-account-extend-token-expiration=$(EXTEND)"]),
                // No extension before the flag existed.
                apiserver_at("v1.18.20", &[]),
                // No bound tokens without an issuer before v1.20.
                apiserver_at("v1.19.16", &["--service-account-extend-token-expiration=true"]),
                // On v1.19 the default is `false`.
                apiserver_at(
                    "v1.19.16",
                    &["--service-account-issuer=https://kubernetes.default.svc"],
                ),
            ])
            .fail([
                apiserver(&[]),
                apiserver(&["--service-account-extend-token-expiration"]),
                apiserver_args(&["--service-account-extend-token-expiration=true"]),
                apiserver_at(
                    "v1.19.16",
                    &[
                        "--service-account-issuer=https://kubernetes.default.svc",
                        "--service-account-extend-token-expiration=true",
                    ],
                ),
            ])
            .fix_round_trip([
                apiserver(&[]),
                apiserver(&["--service-account-extend-token-expiration=true"]),
                flow(&apiserver(&["--v=2"])),
            ])
            .expect_unsafe_fix([(
                apiserver(&["--v=2"]),
                apiserver(&["--v=2", "--service-account-extend-token-expiration=false"]),
            )])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;

use super::KubeletSetting;
use crate::declare_rule;
use crate::finding::{Applicability, Findings};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kubelet that authorizes every request it has authenticated:
    /// `--authorization-mode` or `authorization.mode` set to `AlwaysAllow`, or left unset on a
    /// kubelet that runs without a config file, where the flag's default is `AlwaysAllow`.
    ///
    /// ## Why is this bad?
    /// With `AlwaysAllow` the kubelet never asks whether a caller may do what it asks for:
    /// any identity it accepts can read every pod's logs, open a shell in any container and
    /// forward ports into the node. Combined with anonymous access
    /// (`kubelet-anonymous-auth-enabled`) that is anyone who can reach port 10250. `Webhook`
    /// mode sends each request to the API server as a SubjectAccessReview, so RBAC decides,
    /// and a stolen low-privilege credential stays low-privilege on the node too.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authorization:
    ///   mode: AlwaysAllow
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authorization:
    ///   mode: Webhook
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets the winning `--authorization-mode` or the written `authorization.mode` to
    /// `Webhook`, or adds `--authorization-mode=Webhook` to a kubelet without a config file.
    /// Webhook authorization asks the API server about every request (SubjectAccessReview), so
    /// clients without RBAC permission on the `nodes/*` subresources — monitoring agents, the API
    /// server itself when its user lacks them — are denied until they get it.
    ///
    /// ## Version notes
    /// A kubelet started with flags only defaults to `--authorization-mode=AlwaysAllow`; a
    /// `KubeletConfiguration` file (`kubelet.config.k8s.io/v1beta1`, read through `--config`)
    /// defaults to `Webhook`, which kubeadm also writes. A flag on the command line beats the
    /// file. When a kubelet's `--config` file was not among the scanned files, the mode is
    /// unknown and this rule stays silent.
    ///
    /// In `Webhook` mode the kubelet asks the API server about each request with a
    /// SubjectAccessReview, using its own credentials; the standard node permissions allow
    /// that.
    ///
    /// ## How to verify on a live cluster
    /// Request the pod list from a machine that can reach the node:
    /// `curl -sk https://<node-ip>:10250/pods/`. With anonymous access on, a JSON pod list
    /// means `AlwaysAllow`, while `403 Forbidden` for `system:anonymous` means the kubelet
    /// asks the API server first. With anonymous access off, repeat the request with a
    /// low-privilege client certificate: only `AlwaysAllow` serves it.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 4.2.2 (ensure that the `--authorization-mode` argument is not set to AlwaysAllow)
    /// - Kubernetes documentation: "Kubelet authentication/authorization"
    pub KubeletAuthorizationAlwaysAllow,
    code = "KLET003",
    name = "kubelet-authorization-always-allow",
    category = Security,
    target = "kubelet",
    summary = "kubelet allows every request it has authenticated, without asking the API server",
    cis = ["kubelet.authorization-not-always-allow"],
}

const SETTING: KubeletSetting = KubeletSetting {
    flag: "authorization-mode",
    field: "authorization.mode",
    fix: Some(Applicability::Unsafe),
};

impl Rule for KubeletAuthorizationAlwaysAllow {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for kubelet in inventory.kubelets() {
            // `None`: a `--config` file nobody scanned decides.
            let Some(mode) = kubelet.authorization_mode() else {
                continue;
            };
            // The kubelet knows exactly two modes, spelled this way; anything else stops it
            // at start-up.
            if mode.value != "AlwaysAllow" {
                continue;
            }
            SETTING.report(
                findings,
                inventory,
                &kubelet,
                &mode,
                "every authenticated request allowed",
                "Webhook",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{kubeadm_kubelet, 
        KUBELET_CONFIG_PATH, Tester, kubelet_config, kubelet_flags, kubelet_with_config,
    };

    #[test]
    fn cases() {
        Tester::new(&KubeletAuthorizationAlwaysAllow, KUBELET_CONFIG_PATH)
            .pass([
                // A config file defaults to Webhook.
                kubelet_config(""),
                kubelet_flags(&["--authorization-mode=${KUBELET_AUTHZ}"]),
                kubelet_config("authorization:\n  mode: AUTHZ_MODE\n"),
                kubelet_config("authorization:\n  mode: Webhook\n"),
                kubelet_config("authorization:\n  webhook:\n    cacheAuthorizedTTL: 5m0s\n"),
                // Invented keys are ignored: the file default applies.
                kubelet_config(
                    "authorization:\n  kubeletAuthorization:\n    kubeletAuthorizationMode: AlwaysAllow\n",
                ),
                kubelet_flags(&["--authorization-mode=Webhook"]),
                kubelet_flags(&["--authorization-mode", "Webhook"]),
                kubelet_flags(&["--authorization-mode=AlwaysAllow", "--authorization-mode=Webhook"]),
                kubelet_flags(&["--config=/etc/kubernetes/kubelet-config.yaml"]),
                kubelet_with_config(
                    &["--authorization-mode=Webhook"],
                    "authorization:\n  mode: AlwaysAllow\n",
                ),
                kubelet_with_config(&[], ""),
            ])
            .fail([
                // kubeadm passes `kubeletExtraArgs` as command-line flags: the help names
                // the entry, not a config field.
                kubeadm_kubelet("    authorization-mode: AlwaysAllow\n"),
                kubelet_flags(&[]),
                kubelet_flags(&["--authorization-mode=AlwaysAllow"]),
                kubelet_flags(&["--authorization-mode", "AlwaysAllow"]),
                kubelet_flags(&["--authorization-mode=Webhook", "--authorization-mode=AlwaysAllow"]),
                kubelet_config("authorization:\n  mode: AlwaysAllow\n"),
                kubelet_with_config(&[], "authorization:\n  mode: AlwaysAllow\n"),
                kubelet_with_config(&["--authorization-mode=AlwaysAllow"], ""),
            ])
            .fix_round_trip([
                kubelet_flags(&["--v=2"]),
                kubelet_flags(&["--authorization-mode=AlwaysAllow"]),
                kubelet_flags(&["--authorization-mode", "AlwaysAllow"]),
                kubelet_config("authorization:\n  mode: AlwaysAllow\n"),
            ])
            .test_and_snapshot();
    }
}

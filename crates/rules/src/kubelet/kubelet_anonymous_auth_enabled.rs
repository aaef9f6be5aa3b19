use kubeharden_core::Inventory;

use super::KubeletSetting;
use crate::declare_rule;
use crate::finding::{Applicability, Findings};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kubelet that accepts anonymous requests on its API: `--anonymous-auth` or
    /// `authentication.anonymous.enabled` set to `true`, or left unset on a kubelet that runs
    /// without a config file, where the flag's default (`true`) applies.
    ///
    /// ## Why is this bad?
    /// The kubelet API on port 10250 lists pods, streams logs, and runs commands in
    /// containers. With anonymous access on, a request without credentials is served as the
    /// user `system:anonymous` instead of being turned away. Whether it then gets anything
    /// depends on authorization alone: with `AlwaysAllow` (see
    /// `kubelet-authorization-always-allow`) anyone who can reach the node can take over
    /// every pod on it, and with `Webhook` a single careless RBAC binding for anonymous
    /// users does the same.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: true
    ///   x509:
    ///     clientCAFile: /etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: false
    ///   x509:
    ///     clientCAFile: /etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Fix
    /// Safe: sets the winning `--anonymous-auth` to `false` in place (a bare flag becomes
    /// `--anonymous-auth=false`), sets a written `authentication.anonymous.enabled` to `false`, or
    /// adds `--anonymous-auth=false` to a kubelet that has no config file. The API server reaches
    /// the kubelet with its client certificate, so nothing that works today needs anonymous
    /// access. In a systemd unit or environment file the value is set in place; a flag is
    /// not added there yet.
    ///
    /// ## Version notes
    /// The two ways of configuring the kubelet have different defaults. A kubelet started
    /// with flags only gets `--anonymous-auth=true`; a `KubeletConfiguration` file
    /// (`kubelet.config.k8s.io/v1beta1`, read through `--config`) defaults to `false`, and
    /// kubeadm writes `false` explicitly. A flag on the command line beats the file. When a
    /// kubelet's `--config` file was not among the scanned files, the value is unknown and
    /// this rule stays silent.
    ///
    /// Turning anonymous access off means every caller must authenticate, the API server
    /// included: give it a client certificate (`kubelet-client-cert-missing`) and give the
    /// kubelet the CA that signed it (`kubelet-client-ca-missing`).
    ///
    /// ## How to verify on a live cluster
    /// From a machine that can reach the node, request the pod list without credentials:
    /// `curl -sk https://<node-ip>:10250/pods/`. `401 Unauthorized` means anonymous requests
    /// are refused. `403 Forbidden` naming `system:anonymous` means they are accepted but not
    /// authorized; a JSON pod list means they are accepted and allowed.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 4.2.1 (ensure that the `anonymous-auth` argument is set to false)
    /// - Kubernetes documentation: "Kubelet authentication/authorization"
    pub KubeletAnonymousAuthEnabled,
    code = "KLET001",
    name = "kubelet-anonymous-auth-enabled",
    category = Security,
    target = "kubelet",
    summary = "kubelet serves requests that carry no credentials",
    cis = ["kubelet.anonymous-auth"],
}

const SETTING: KubeletSetting = KubeletSetting {
    flag: "anonymous-auth",
    field: "authentication.anonymous.enabled",
    fix: Some(Applicability::Safe),
};

impl Rule for KubeletAnonymousAuthEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for kubelet in inventory.kubelets() {
            // `None`: a `--config` file nobody scanned decides.
            let Some(anonymous) = kubelet.anonymous_auth() else {
                continue;
            };
            if !anonymous.value {
                continue;
            }
            SETTING.report(
                findings,
                inventory,
                &kubelet,
                &anonymous,
                "anonymous requests accepted",
                "false",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{kubeadm_kubelet, 
        KUBELET_CONFIG_PATH, Tester, files, flow, kubelet_config, kubelet_flags,
        kubelet_with_config,
    };

    #[test]
    fn cases() {
        Tester::new(&KubeletAnonymousAuthEnabled, KUBELET_CONFIG_PATH)
            .pass([
                // A config file defaults to anonymous off.
                kubelet_config(""),
                kubelet_config("authentication:\n  anonymous:\n    enabled: false\n"),
                kubelet_config("authentication:\n  anonymous:\n    enabled: no\n"),
                kubelet_config("authentication:\n  anonymous: {}\n"),
                // Invented keys are ignored: the file default applies.
                kubelet_config("authentication:\n  kubeletAuthentication:\n    anonymous: true\n"),
                kubelet_flags(&["--anonymous-auth=false"]),
                kubelet_flags(&["--anonymous-auth=true", "--anonymous-auth=false"]),
                // The file decides, and it was not scanned.
                kubelet_flags(&["--config=/etc/kubernetes/kubelet-config.yaml"]),
                // The value is only known once Kubernetes expands it.
                kubelet_flags(&["--anonymous-auth=$(ANONYMOUS)"]),
                // The flag beats the file.
                kubelet_with_config(
                    &["--anonymous-auth=false"],
                    "authentication:\n  anonymous:\n    enabled: true\n",
                ),
                kubelet_with_config(&[], ""),
            ])
            .fail([
                // kubeadm passes `kubeletExtraArgs` as command-line flags: the help names
                // the entry, not a config field.
                kubeadm_kubelet("    anonymous-auth: \"true\"\n"),
                kubelet_flags(&[]),
                kubelet_flags(&["--anonymous-auth=true"]),
                kubelet_flags(&["--anonymous-auth"]),
                kubelet_flags(&["--anonymous-auth=false", "--anonymous-auth=true"]),
                kubelet_config("authentication:\n  anonymous:\n    enabled: true\n"),
                kubelet_config("authentication:\n  anonymous:\n    enabled: on\n"),
                kubelet_with_config(&[], "authentication:\n  anonymous:\n    enabled: true\n"),
                kubelet_with_config(&["--anonymous-auth=true"], ""),
            ])
            .fix_round_trip([
                "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    anonymous-auth: \"true\"\n".to_owned(),
                kubelet_flags(&[]),
                flow(&kubelet_flags(&[])),
                kubelet_flags(&["--v=2"]),
                kubelet_flags(&["--anonymous-auth=true"]),
                kubelet_flags(&["--anonymous-auth"]),
                kubelet_flags(&["--anonymous-auth=false", "'--anonymous-auth=true'"]),
                kubelet_flags(&["--anonymous-auth"]).replace('\n', "\r\n"),
                flow(&kubelet_flags(&["--v=2"])),
                kubelet_config("authentication:\n  anonymous:\n    enabled: true\n"),
                kubelet_config("authentication:\n  anonymous:\n    enabled: on # old\n"),
                kubelet_with_config(&[], "authentication:\n  anonymous:\n    enabled: true\n"),
                kubelet_with_config(&["--anonymous-auth=true"], ""),
            ])
            .fix_round_trip([
                files([("etc/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet --anonymous-auth --v=2\n".to_owned())]),
                files([("etc/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet \\\n  --v=2 \\\n  --anonymous-auth=true\nRestart=on-failure\n".to_owned())]),
            ])
            .expect_fix([
                (
                    kubelet_flags(&["--anonymous-auth=true"]),
                    kubelet_flags(&["--anonymous-auth=false"]),
                ),
                (
                    kubelet_config("authentication:\n  anonymous:\n    enabled: true\n"),
                    kubelet_config("authentication:\n  anonymous:\n    enabled: false\n"),
                ),
                (
                    flow(&kubelet_flags(&["--v=2"])),
                    flow(&kubelet_flags(&["--v=2", "--anonymous-auth=false"])),
                ),
            ])
            .test_and_snapshot();
    }
}

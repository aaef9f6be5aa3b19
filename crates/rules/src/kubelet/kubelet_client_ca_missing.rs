use kubeharden_core::Inventory;

use super::KubeletSetting;
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kubelet that has no CA to check client certificates against: neither
    /// `--client-ca-file` nor `authentication.x509.clientCAFile` names one (or it is set to an
    /// empty path).
    ///
    /// ## Why is this bad?
    /// Without a client CA the kubelet cannot authenticate callers by certificate. The API
    /// server reaches kubelets with its client certificate (`--kubelet-client-certificate`)
    /// for `kubectl logs`, `exec`, `attach` and `port-forward`; a kubelet that cannot verify
    /// it either treats the API server as anonymous, which only works while anonymous access
    /// is on (`kubelet-anonymous-auth-enabled`), or turns it away. Configuring the client CA
    /// is what lets anonymous access be switched off without breaking the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: false
    ///   webhook:
    ///     enabled: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: false
    ///   webhook:
    ///     enabled: true
    ///   x509:
    ///     clientCAFile: /etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Fix
    /// Unsafe: points the kubelet at kubeadm's cluster CA, `/etc/kubernetes/pki/ca.crt`: the
    /// winning `--client-ca-file` or the written `authentication.x509.clientCAFile` in place, the
    /// field added to the config file (creating `authentication:` and `x509:` where missing), or
    /// `--client-ca-file` added to a kubelet without a config file. The file must exist on the
    /// node and have signed the API server's kubelet client certificate; from then on clients
    /// with certificates from another CA are refused.
    ///
    /// ## Version notes
    /// Neither the flag nor the config file has a default client CA. kubeadm fills in
    /// `/etc/kubernetes/pki/ca.crt` when it writes the kubelet's config, so a
    /// `KubeletConfiguration` inside a kubeadm config file (next to an `InitConfiguration`,
    /// `ClusterConfiguration` or `JoinConfiguration`) is not reported. A flag on the command
    /// line beats the config file. When a kubelet's `--config` file was not among the scanned
    /// files, the CA is unknown and this rule stays silent.
    ///
    /// The CA must be the one that signed the API server's `--kubelet-client-certificate`
    /// (in kubeadm clusters, the cluster CA).
    ///
    /// ## How to verify on a live cluster
    /// Run `kubectl logs` for a pod on the node: a kubelet with anonymous access off and no
    /// client CA answers the API server with `401 Unauthorized`. On the node itself, look for
    /// `--client-ca-file` in the kubelet's command line (`ps -o args -C kubelet`) and for
    /// `clientCAFile` in the file its `--config` names.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 4.2.3 (ensure that the `--client-ca-file` argument is set as appropriate)
    /// - Kubernetes documentation: "Kubelet authentication/authorization"
    pub KubeletClientCaMissing,
    code = "KLET007",
    name = "kubelet-client-ca-missing",
    category = Security,
    target = "kubelet",
    summary = "kubelet cannot verify client certificates, including the API server's",
    cis = ["kubelet.client-ca-file"],
}

const SETTING: KubeletSetting = KubeletSetting {
    flag: "client-ca-file",
    field: "authentication.x509.clientCAFile",
    fix: None,
};

/// The cluster CA kubeadm points every kubelet at: what the fix offers.
const KUBEADM_CLIENT_CA: &str = "/etc/kubernetes/pki/ca.crt";

impl Rule for KubeletClientCaMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for kubelet in inventory.kubelets() {
            // `None`: a `--config` file nobody scanned decides.
            let Some(ca) = kubelet.client_ca_file() else {
                continue;
            };
            if ca.value.as_deref().is_some_and(|path| !path.is_empty()) {
                continue;
            }
            let name = SETTING.name(&kubelet, &ca);
            let (message, label) = if ca.is_default() {
                (
                    format!("{name} not set; the kubelet has no default client CA"),
                    SETTING.missing_label(&kubelet, &ca, None),
                )
            } else {
                (format!("{name} is empty"), "empty CA path".to_owned())
            };
            let help = if SETTING.as_field(&kubelet, &ca) {
                format!(
                    "set `{}` to the CA that signed the API server's kubelet client certificate (kubeadm: `/etc/kubernetes/pki/ca.crt`)",
                    SETTING.field
                )
            } else {
                format!(
                    "set `--{}` to the CA that signed the API server's kubelet client certificate (kubeadm: `/etc/kubernetes/pki/ca.crt`)",
                    SETTING.flag
                )
            };
            let fix = SETTING
                .fix_edits(inventory, &kubelet, &ca, KUBEADM_CLIENT_CA)
                .map(|edits| {
                    fixes::unsafe_fix(
                        format!("Use kubeadm's cluster CA, `{KUBEADM_CLIENT_CA}`"),
                        edits,
                    )
                });
            let finding = findings
                .report(
                    ca.location_or(kubelet.missing_anchor(SETTING.field)),
                    message,
                )
                .label(label)
                .help(help);
            let finding = match SETTING.source_note(inventory, &kubelet, &ca, None) {
                Some(note) => finding.note(note),
                None => finding,
            };
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        KUBELET_CONFIG_PATH, Tester, kubelet_config, kubelet_flags, kubelet_with_config,
    };

    const KUBEADM: &str = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.29.1\n---\n";

    #[test]
    fn cases() {
        Tester::new(&KubeletClientCaMissing, KUBELET_CONFIG_PATH)
            .pass([
                kubelet_config(
                    "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
                ),
                kubelet_flags(&["--client-ca-file=/etc/kubernetes/pki/ca.crt"]),
                kubelet_flags(&["--client-ca-file", "/etc/kubernetes/pki/ca.crt"]),
                kubelet_flags(&[
                    "--client-ca-file=",
                    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                ]),
                kubelet_flags(&["--config=/etc/kubernetes/kubelet-config.yaml"]),
                kubelet_flags(&["--client-ca-file=$(CLIENT_CA)"]),
                // kubeadm writes its cluster CA into the config it generates.
                format!("{KUBEADM}{}", kubelet_config("cgroupDriver: systemd\n")),
                format!(
                    "{KUBEADM}{}",
                    kubelet_config("authentication:\n  x509:\n    clientCAFile: \"\"\n")
                ),
                kubelet_with_config(
                    &["--client-ca-file=/etc/kubernetes/pki/ca.crt"],
                    "cgroupDriver: systemd\n",
                ),
                kubelet_with_config(
                    &[],
                    "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
                ),
            ])
            .fail([
                kubelet_flags(&[]),
                kubelet_flags(&["--client-ca-file="]),
                kubelet_flags(&[
                    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                    "--client-ca-file=",
                ]),
                kubelet_config(""),
                kubelet_config("authentication:\n  anonymous:\n    enabled: false\n"),
                kubelet_config("authentication:\n  x509: {}\n"),
                kubelet_config("authentication:\n  x509:\n    clientCAFile: \"\"\n"),
                kubelet_with_config(&[], "cgroupDriver: systemd\n"),
                kubelet_with_config(
                    &["--client-ca-file="],
                    "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
                ),
            ])
            .fix_round_trip([
                kubelet_flags(&[]),
                kubelet_flags(&["--client-ca-file="]),
                kubelet_config(""),
                kubelet_config("authentication:\n  anonymous:\n    enabled: false\n"),
                kubelet_config("authentication:\n    anonymous:\n        enabled: false\n"),
                kubelet_config("authentication:\n  x509:\n    clientCAFile: \"\"\n"),
                kubelet_config(
                    "authentication: # kubeadm\n  webhook:\n    enabled: true\nport: 10250\n",
                ),
                kubelet_config("cgroupDriver: systemd\n").replace('\n', "\r\n"),
                kubelet_with_config(&[], "cgroupDriver: systemd\n"),
                kubelet_with_config(
                    &["--client-ca-file="],
                    "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
                ),
            ])
            .expect_unsafe_fix([
                (
                    kubelet_config("authentication:\n  anonymous:\n    enabled: false\n"),
                    kubelet_config(
                        "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n  anonymous:\n    enabled: false\n",
                    ),
                ),
                (
                    kubelet_flags(&["--client-ca-file="]),
                    kubelet_flags(&["--client-ca-file=/etc/kubernetes/pki/ca.crt"]),
                ),
            ])
            .test_and_snapshot();
    }
}

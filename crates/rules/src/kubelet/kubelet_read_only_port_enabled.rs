use kubeharden_core::Inventory;

use super::KubeletSetting;
use crate::declare_rule;
use crate::finding::{Applicability, Findings};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kubelet that serves its read-only port: `--read-only-port` or `readOnlyPort`
    /// set to a port number, or left unset on a kubelet that runs without a config file,
    /// where the flag's default (10255) applies.
    ///
    /// ## Why is this bad?
    /// The read-only port speaks plain HTTP and checks neither who is asking nor whether they
    /// may: anyone who reaches it can read the full specs of the node's pods (images,
    /// commands, environment variables, volumes) and its resource stats and metrics. That
    /// does not hand over control of the node, but it maps the workloads for an attacker and
    /// leaks any secret placed in an environment variable. Everything it serves is also available,
    /// with authentication, on the main port 10250.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 10255
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 0
    /// ```
    ///
    /// ## Fix
    /// Safe: sets the winning `--read-only-port` to `0` in place, sets a written `readOnlyPort`
    /// to `0`, or adds `--read-only-port=0` to a kubelet that has no config file. Everything the
    /// read-only port serves is also on the authenticated port 10250; a monitoring agent that
    /// still scrapes 10255 has to move there. In a systemd unit or environment file the value
    /// is set in place; a flag is not added there yet.
    ///
    /// ## Version notes
    /// A kubelet started with flags only opens the port: `--read-only-port` defaults to
    /// 10255. A `KubeletConfiguration` file (`kubelet.config.k8s.io/v1beta1`, read through
    /// `--config`) defaults to `0`, which keeps it closed. A flag on the command line beats
    /// the file. When a kubelet's `--config` file was not among the scanned files, the port
    /// is unknown and this rule stays silent. Values outside 0-65535 stop the kubelet at
    /// start-up instead (`invalid-flag-value`).
    ///
    /// Monitoring agents that scrape `http://<node>:10255/stats` or `/metrics` must move to
    /// the authenticated port 10250 first.
    ///
    /// ## How to verify on a live cluster
    /// From a machine that can reach the node, ask for the pod list over plain HTTP:
    /// `curl http://<node-ip>:10255/pods/`. A JSON pod list means the port is open; a refused
    /// connection means it is closed.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 4.2.4 (ensure that the `--read-only-port` argument is set to 0)
    /// - Kubernetes documentation: "Ports and Protocols" and the kubelet configuration reference (`readOnlyPort`)
    pub KubeletReadOnlyPortEnabled,
    code = "KLET005",
    name = "kubelet-read-only-port-enabled",
    category = Security,
    target = "kubelet",
    summary = "kubelet serves pod and node information on an unauthenticated HTTP port",
    cis = ["kubelet.read-only-port"],
}

const SETTING: KubeletSetting = KubeletSetting {
    flag: "read-only-port",
    field: "readOnlyPort",
    fix: Some(Applicability::Safe),
};

impl Rule for KubeletReadOnlyPortEnabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for kubelet in inventory.kubelets() {
            // `None`: a `--config` file nobody scanned decides.
            let Some(port) = kubelet.read_only_port() else {
                continue;
            };
            // 0 is off; a number outside the port range stops the kubelet.
            if !(1..=65535).contains(&port.value) {
                continue;
            }
            SETTING.report(
                findings,
                inventory,
                &kubelet,
                &port,
                "unauthenticated read-only port",
                "0",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{kubeadm_kubelet, 
        Case, KUBELET_CONFIG_PATH, Tester, files, flow, kubelet_config, kubelet_flags,
        kubelet_with_config,
    };

    #[test]
    fn cases() {
        Tester::new(&KubeletReadOnlyPortEnabled, KUBELET_CONFIG_PATH)
            .pass([
                // A config file defaults to 0.
                kubelet_config(""),
                kubelet_flags(&["--read-only-port=$READ_ONLY_PORT"]),
                kubelet_config("readOnlyPort: READ_ONLY_PORT\n"),
                kubelet_config("readOnlyPort: 0\n"),
                kubelet_flags(&["--read-only-port=0"]),
                kubelet_flags(&["--read-only-port", "0"]),
                kubelet_flags(&["--read-only-port=10255", "--read-only-port=0"]),
                kubelet_flags(&["--config=/etc/kubernetes/kubelet-config.yaml"]),
                // Unknown until Kubernetes expands it; rejected at start-up.
                kubelet_flags(&["--read-only-port=$(PORT)"]),
                kubelet_flags(&["--read-only-port=abc"]),
                kubelet_flags(&["--read-only-port=70000"]),
                // A string where a number belongs: the kubelet refuses the file.
                kubelet_config("readOnlyPort: \"10255\"\n"),
                kubelet_with_config(&["--read-only-port=0"], "readOnlyPort: 10255\n"),
                kubelet_with_config(&[], ""),
            ])
            .fail([
                // kubeadm passes `kubeletExtraArgs` as command-line flags: the help names
                // the entry, not a config field.
                kubeadm_kubelet("    read-only-port: \"10255\"\n"),
                kubelet_flags(&[]),
                kubelet_flags(&["--read-only-port=10255"]),
                kubelet_flags(&["--read-only-port", "10255"]),
                kubelet_flags(&["--read-only-port=0", "--read-only-port=10255"]),
                kubelet_config("readOnlyPort: 10255\n"),
                kubelet_with_config(&[], "readOnlyPort: 10255\n"),
                kubelet_with_config(&["--read-only-port=10255"], "readOnlyPort: 0\n"),
            ])
            // Reported in the environment file that holds the flag.
            .fail([kubeadm_flags_env("--read-only-port=10255")])
            .fix_round_trip([
                kubelet_flags(&[]),
                kubelet_flags(&["--v=2"]),
                kubelet_flags(&["--read-only-port=10255"]),
                kubelet_flags(&["--read-only-port", "10255"]),
                kubelet_flags(&["--read-only-port=0", "\"--read-only-port=10255\""]),
                kubelet_flags(&["--read-only-port", "10255"]).replace('\n', "\r\n"),
                flow(&kubelet_flags(&["--read-only-port", "10255"])),
                kubelet_config("readOnlyPort: 10255\n"),
                kubelet_config("readOnlyPort: 10255 # legacy\n").replace('\n', "\r\n"),
                kubelet_with_config(&[], "readOnlyPort: 10255\n"),
                kubelet_with_config(&["--read-only-port=10255"], "readOnlyPort: 0\n"),
            ])
            .fix_round_trip([
                files([("etc/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet \\\n  --read-only-port=10255 \\\n  --v=2\nRestart=on-failure\n".to_owned())]),
                files([("etc/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet --read-only-port 10255\n".to_owned())]),
                // The fix edits the environment file that holds the flag.
                kubeadm_flags_env("--read-only-port=10255"),
                kubeadm_flags_env("--read-only-port 10255"),
            ])
            .expect_fix([
                (
                    kubelet_flags(&["--read-only-port", "10255"]),
                    kubelet_flags(&["--read-only-port", "0"]),
                ),
                (
                    kubelet_config("readOnlyPort: 10255\n"),
                    kubelet_config("readOnlyPort: 0\n"),
                ),
            ])
            .test_and_snapshot();
    }

    /// A kubelet unit whose flags come from `kubeadm-flags.env`, as kubeadm writes it.
    fn kubeadm_flags_env(flags: &str) -> Case {
        files([
            (
                "etc/systemd/system/kubelet.service",
                "[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS\n".to_owned(),
            ),
            (
                "var/lib/kubelet/kubeadm-flags.env",
                format!("KUBELET_KUBEADM_ARGS=\"--v=2 {flags}\"\n"),
            ),
        ])
    }
}

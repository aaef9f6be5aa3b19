use kubeharden_core::Inventory;

use super::{missing, missing_label, spelled, where_to};
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that names no CA for its clients' certificates: `--trusted-ca-file` (or
    /// `ETCD_TRUSTED_CA_FILE`) is not set.
    ///
    /// ## Why is this bad?
    /// The trusted CA decides whose certificates etcd accepts. Without one, etcd either asks
    /// for no client certificate at all, or — with `--client-cert-auth=true` — checks the
    /// certificates against the host's system trust store, so a certificate from any public
    /// CA that issues client certificates would open the whole cluster state. Name a CA that
    /// signs only etcd's clients (the API server and the etcd members themselves).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: etcd
    ///     image: registry.k8s.io/etcd:3.5.15-0
    ///     command:
    ///     - etcd
    ///     - --listen-client-urls=https://127.0.0.1:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///     - --client-cert-auth=true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: etcd
    ///     image: registry.k8s.io/etcd:3.5.15-0
    ///     command:
    ///     - etcd
    ///     - --listen-client-urls=https://127.0.0.1:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///     - --client-cert-auth=true
    ///     - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Notes
    /// The flag is taken from the command line, else from `ETCD_TRUSTED_CA_FILE`; with
    /// `--config-file` etcd reads neither and the rule stays silent. A CA shared with the
    /// rest of the cluster is reported by `etcd-ca-shared-with-cluster`.
    ///
    /// ## Fix
    /// Unsafe: adds kubeadm's path, `--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt`. The
    /// file must exist and sign only etcd's clients; clients whose certificates another CA signed
    /// are refused once client certificates are checked.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.2 (client certificate authentication, which needs the CA) and 2.7 (ensure that a unique Certificate Authority is used for etcd; its audit expects `--trusted-ca-file`)
    /// - etcd documentation: "Transport security model"
    pub EtcdTrustedCaMissing,
    code = "KETC003",
    name = "etcd-trusted-ca-missing",
    category = Security,
    target = "etcd",
    summary = "etcd names no CA to check its clients' certificates against",
    cis = ["etcd.unique-ca"],
}

impl Rule for EtcdTrustedCaMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for etcd in inventory.etcds() {
            if etcd.uses_config_file() || etcd.trusted_ca_file().is_some() {
                continue;
            }
            let requires = etcd.client_cert_auth().is_some_and(|auth| auth.value);
            let note = if requires {
                "client certificates are required, but without a trusted CA etcd checks them against the host's system CAs"
            } else {
                "without a trusted CA (or `--client-cert-auth=true`) etcd asks its clients for no certificate"
            };
            let name = missing(&etcd, "trusted-ca-file");
            let fix = fixes::add_flag(
                inventory,
                etcd.process,
                "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
            )
            .map(|edits| fixes::unsafe_fix("Add kubeadm's etcd CA as `--trusted-ca-file`", edits));
            let finding = findings
                .report(
                    etcd.missing_anchor(),
                    format!("{name} not set; etcd has no CA of its own for client certificates"),
                )
                .label(missing_label(&etcd, &name))
                .help(format!(
                    "add {}{} naming a CA that signs only etcd's clients",
                    spelled(&etcd, "trusted-ca-file", "<path>"),
                    where_to(&etcd)
                ))
                .note(note);
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::{etcd_args, etcd_env};
    use crate::testing::{Tester, etcd, flow};

    #[test]
    fn cases() {
        Tester::new(&EtcdTrustedCaMissing, "etcd.yaml")
            .pass([
                etcd(&["--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]),
                etcd(&["--trusted-ca-file", "/etc/kubernetes/pki/etcd/ca.crt"]),
                etcd(&["--trusted-ca-file=", "--trusted-ca-file=/etc/etcd/ca.crt"]),
                etcd_args(&["--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]),
                etcd_env(&[("ETCD_TRUSTED_CA_FILE", "/etc/etcd/ca.crt")]),
                etcd(&["--config-file=/etc/etcd/etcd.conf.yml"]),
            ])
            .fail([
                etcd(&["--client-cert-auth=true"]),
                etcd(&["--listen-client-urls=http://127.0.0.1:2379"]),
                etcd(&["--trusted-ca-file=/etc/etcd/ca.crt", "--trusted-ca-file="]),
                etcd_args(&["--client-cert-auth"]),
                etcd_env(&[("ETCD_CLIENT_CERT_AUTH", "'true'")]),
            ])
            .fix_round_trip([
                etcd(&["--client-cert-auth=true"]),
                flow(&etcd(&["--client-cert-auth=true"])),
            ])
            .test_and_snapshot();
    }
}

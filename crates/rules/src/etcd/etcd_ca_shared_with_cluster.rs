use kubeharden_core::{Component, Inventory};

use super::setting_name;
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an etcd that trusts the cluster's CA for its clients: its `--trusted-ca-file`
    /// (or `ETCD_TRUSTED_CA_FILE`) names the same file as the `--client-ca-file` of a
    /// kube-apiserver in the same run.
    ///
    /// ## Why is this bad?
    /// The cluster CA signs many certificates: every kubelet's, every administrator's, the
    /// controller-manager's, the scheduler's, and whatever the cluster's CSR signer approves.
    /// If etcd trusts the same CA, each of those certificates is also accepted by etcd, where
    /// there is no RBAC: one stolen kubelet or user certificate becomes full read and write
    /// access to the cluster state. A CA used only for etcd limits etcd's clients to the
    /// apiserver and etcd's own members.
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
    ///     - --client-cert-auth=true
    ///     - --trusted-ca-file=/etc/kubernetes/pki/ca.crt
    /// ---
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
    ///     - --client-ca-file=/etc/kubernetes/pki/ca.crt
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
    ///     - --client-cert-auth=true
    ///     - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ---
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
    ///     - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Notes
    /// A cross-file rule: it compares every etcd with every kube-apiserver of the run (lint
    /// the control plane's manifests together, e.g. `/etc/kubernetes/manifests`). The paths
    /// are compared as written, after folding `//` and `/./`; two paths naming copies of the
    /// same CA are not detected. The finding sits on etcd's setting and its note points at
    /// the apiserver's flag.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 2.7 (ensure that a unique Certificate Authority is used for etcd)
    pub EtcdCaSharedWithCluster,
    code = "KETC011",
    name = "etcd-ca-shared-with-cluster",
    category = Hardening,
    target = "etcd, kube-apiserver",
    summary = "etcd trusts the cluster CA, so any certificate it signed can reach etcd",
    cis = ["etcd.unique-ca"],
}

/// A path with `//` and `/./` folded, for comparing how two manifests name one file.
fn normalized(path: &str) -> String {
    let path = path.trim();
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

impl Rule for EtcdCaSharedWithCluster {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        let cluster_cas: Vec<_> = inventory
            .api_servers()
            .filter_map(|api| {
                let ca = api.client_ca_file()?;
                let location = ca.provenance.location()?;
                (!ca.value.trim().is_empty()).then(|| (normalized(&ca.value), location))
            })
            .collect();
        if cluster_cas.is_empty() {
            return;
        }
        for etcd in inventory.etcds() {
            let Some(ca) = etcd.trusted_ca_file() else {
                continue;
            };
            let path = normalized(&ca.value);
            let Some((_, apiserver_flag)) =
                cluster_cas.iter().find(|(cluster, _)| *cluster == path)
            else {
                continue;
            };
            let file = inventory.file(apiserver_flag.file());
            let name = setting_name("trusted-ca-file", &ca.provenance);
            findings
                .report(
                    ca.location_or(etcd.missing_anchor()),
                    format!(
                        "`{name}` is `{}`, the CA the kube-apiserver trusts for its own clients",
                        ca.value
                    ),
                )
                .component(Component::Etcd)
                .label("the cluster CA")
                .help(format!(
                    "give etcd a CA of its own (kubeadm uses `/etc/kubernetes/pki/etcd/ca.crt`), name it in `{name}`, and issue etcd's client and peer certificates from it"
                ))
                .note(format!(
                    "kube-apiserver's `--client-ca-file` at {}:{} names the same file: every certificate the cluster CA signs, each kubelet's and each user's, is also an etcd client certificate",
                    file.path().display(),
                    file.line_col(apiserver_flag.span().start)
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::test_support::etcd_env;
    use crate::testing::{Tester, apiserver, apiserver_args, etcd};

    fn plane(etcd: &str, apiserver: &str) -> String {
        format!("{etcd}---\n{apiserver}")
    }

    const CLUSTER_CA: &str = "--client-ca-file=/etc/kubernetes/pki/ca.crt";

    #[test]
    fn cases() {
        Tester::new(&EtcdCaSharedWithCluster, "control-plane.yaml")
            .pass([
                plane(
                    &etcd(&["--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]),
                    &apiserver(&[CLUSTER_CA]),
                ),
                // Nothing to compare with.
                etcd(&["--trusted-ca-file=/etc/kubernetes/pki/ca.crt"]),
                plane(&etcd(&[]), &apiserver(&[CLUSTER_CA])),
                plane(
                    &etcd(&["--trusted-ca-file=/etc/kubernetes/pki/ca.crt"]),
                    &apiserver(&["--anonymous-auth=false"]),
                ),
                // The peer CA is not what clients are checked against.
                plane(
                    &etcd(&["--peer-trusted-ca-file=/etc/kubernetes/pki/ca.crt"]),
                    &apiserver(&[CLUSTER_CA]),
                ),
                plane(
                    &etcd(&[
                        "--config-file=/etc/etcd/etcd.conf.yml",
                        "--trusted-ca-file=/etc/kubernetes/pki/ca.crt",
                    ]),
                    &apiserver(&[CLUSTER_CA]),
                ),
            ])
            .fail([
                plane(
                    &etcd(&[
                        "--client-cert-auth",
                        "--trusted-ca-file=/etc/kubernetes/pki/ca.crt",
                    ]),
                    &apiserver(&[CLUSTER_CA]),
                ),
                plane(
                    &etcd(&["--trusted-ca-file", "/etc/kubernetes//pki/./ca.crt"]),
                    &apiserver_args(&["--client-ca-file", "/etc/kubernetes/pki/ca.crt"]),
                ),
                plane(
                    &etcd_env(&[(
                        "ETCD_TRUSTED_CA_FILE",
                        "/opt/kubernetes/certificates/ca.pem",
                    )]),
                    &apiserver(&["--client-ca-file=/opt/kubernetes/certificates/ca.pem"]),
                ),
            ])
            .test_and_snapshot();
    }
}

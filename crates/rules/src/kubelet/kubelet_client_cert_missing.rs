use kubeharden_core::{Effective, Inventory, Location};

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that has no client certificate for talking to kubelets:
    /// `--kubelet-client-certificate` or `--kubelet-client-key` is missing (or empty).
    ///
    /// ## Why is this bad?
    /// The API server calls every kubelet's API for `kubectl logs`, `exec`, `attach`,
    /// `port-forward` and node proxy requests. Without a client certificate those calls carry no
    /// identity, so they only work while kubelets accept anonymous requests — which is
    /// exactly what should be switched off (`kubelet-anonymous-auth-enabled`). Giving the
    /// API server a certificate lets kubelets require authentication from everyone,
    /// and lets them authorize the API server like any other user.
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
    ///     - --enable-admission-plugins=NodeRestriction
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
    ///     - --authorization-mode=Node,RBAC
    ///     - --enable-admission-plugins=NodeRestriction
    ///     - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///     - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    /// ```
    ///
    /// ## Fix
    /// Unsafe, and only when both flags are missing: adds kubeadm's paths,
    /// `--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt` and
    /// `--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key`. The files must
    /// exist on the node and be signed by the CA the kubelets trust, which kubeharden cannot
    /// check; with a wrong path the apiserver does not start.
    ///
    /// ## Version notes
    /// Neither flag has a default, and the API server presents the certificate only when
    /// both are given. kubeadm generates the pair (`apiserver-kubelet-client.crt` and `.key`,
    /// signed by the cluster CA) and sets both flags. The kubelets must trust the CA that signed it
    /// (`kubelet-client-ca-missing`).
    ///
    /// ## How to verify on a live cluster
    /// With kubelets that refuse anonymous requests, `kubectl logs` fails with an
    /// `Unauthorized` error from the kubelet when the API server has no client certificate.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.5 (ensure that the `--kubelet-client-certificate` and `--kubelet-client-key` arguments are set as appropriate)
    /// - Kubernetes documentation: "Kubelet authentication/authorization" and "Control Plane-Node Communication"
    pub KubeletClientCertMissing,
    code = "KLET002",
    name = "kubelet-client-cert-missing",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver has no client certificate to authenticate to kubelets",
    cis = ["apiserver.kubelet-client-certificate"],
}

/// What a path flag gives the API server.
enum PathFlag {
    Set,
    /// Written with an empty value, here.
    Empty(Location),
    Missing,
}

impl PathFlag {
    fn of(setting: Option<Effective<String>>, anchor: Location) -> Self {
        match setting {
            None => Self::Missing,
            Some(s) if s.value.is_empty() => Self::Empty(s.location_or(anchor)),
            Some(_) => Self::Set,
        }
    }

    fn describe(&self, flag: &str) -> String {
        match self {
            Self::Empty(_) => format!("`--{flag}` is empty"),
            _ => format!("`--{flag}` not set"),
        }
    }
}

impl Rule for KubeletClientCertMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        const CERT: &str = "kubelet-client-certificate";
        const KEY: &str = "kubelet-client-key";
        for api in inventory.api_servers() {
            let anchor = api.missing_anchor();
            let cert = PathFlag::of(api.kubelet_client_certificate(), anchor);
            let key = PathFlag::of(api.kubelet_client_key(), anchor);
            let (message, help) = match (&cert, &key) {
                (PathFlag::Set, PathFlag::Set) => continue,
                (PathFlag::Missing, PathFlag::Missing) => (
                    format!(
                        "`--{CERT}` and `--{KEY}` not set; kube-apiserver calls kubelets without a client certificate"
                    ),
                    format!(
                        "add `--{CERT}` and `--{KEY}` (kubeadm: `/etc/kubernetes/pki/apiserver-kubelet-client.crt` and `.key`)"
                    ),
                ),
                (PathFlag::Set, missing) => (
                    format!(
                        "{}; kube-apiserver needs the key to use `--{CERT}`",
                        missing.describe(KEY)
                    ),
                    format!("set `--{KEY}` to the private key of the `--{CERT}`"),
                ),
                (missing, PathFlag::Set) => (
                    format!(
                        "{}; kube-apiserver needs the certificate to use `--{KEY}`",
                        missing.describe(CERT)
                    ),
                    format!("set `--{CERT}` to the certificate of the `--{KEY}`"),
                ),
                (cert_state, key_state) => (
                    format!(
                        "{} and {}; kube-apiserver calls kubelets without a client certificate",
                        cert_state.describe(CERT),
                        key_state.describe(KEY)
                    ),
                    format!(
                        "set `--{CERT}` and `--{KEY}` to the API server's kubelet client certificate and key"
                    ),
                ),
            };
            // An empty value is reported where it is written, a missing flag at the list.
            let (location, label) = match (&cert, &key) {
                (PathFlag::Empty(at), _) | (_, PathFlag::Empty(at)) => {
                    (*at, "empty path".to_owned())
                }
                (PathFlag::Missing, PathFlag::Missing) => (
                    anchor,
                    "no kubelet client certificate among these flags".to_owned(),
                ),
                (PathFlag::Missing, _) => (anchor, format!("no `--{CERT}` among these flags")),
                _ => (anchor, format!("no `--{KEY}` among these flags")),
            };
            let fix = matches!((&cert, &key), (PathFlag::Missing, PathFlag::Missing))
                .then(|| {
                    fixes::add_flags(
                        inventory,
                        api.process,
                        &[
                            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
                            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
                        ],
                    )
                })
                .flatten()
                .map(|edits| {
                    fixes::unsafe_fix("Add kubeadm's kubelet client certificate and key", edits)
                });
            let finding = findings.report(location, message).label(label).help(help);
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, flow};

    const CERT: &str =
        "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt";
    const KEY: &str = "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key";

    #[test]
    fn cases() {
        Tester::new(&KubeletClientCertMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&[CERT, KEY]),
                apiserver_args(&[CERT, KEY]),
                apiserver(&[
                    "--kubelet-client-certificate",
                    "/etc/kubernetes/pki/apiserver-kubelet-client.crt",
                    "--kubelet-client-key",
                    "/etc/kubernetes/pki/apiserver-kubelet-client.key",
                ]),
                apiserver(&["--kubelet-client-key=", CERT, KEY]),
                apiserver(&[
                    "--kubelet-client-certificate=$(CERT)",
                    "--kubelet-client-key=$(KEY)",
                ]),
            ])
            .fail([
                apiserver(&[]),
                apiserver_args(&["--authorization-mode=Node,RBAC"]),
                apiserver(&[CERT]),
                apiserver(&[KEY]),
                apiserver(&[CERT, "--kubelet-client-key="]),
                apiserver(&[CERT, KEY, "--kubelet-client-certificate="]),
            ])
            .fix_round_trip([
                apiserver(&["--v=2"]),
                flow(&apiserver(&["--v=2"])),
                apiserver(&["'--v=2'"]).replace('\n', "\r\n"),
            ])
            .test_and_snapshot();
    }
}

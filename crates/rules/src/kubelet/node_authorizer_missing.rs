use kubeharden_core::Inventory;
use kubeharden_core::version::KubeVersion;

use crate::authorization;
use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver whose authorization chain has no `Node` authorizer:
    /// `--authorization-mode` does not name `Node`, or is not set at all (the default is
    /// `AlwaysAllow`). An apiserver configured through `--authorization-config` is not
    /// checked: its chain is in a file kubeharden does not read.
    ///
    /// ## Why is this bad?
    /// Kubelets need to read the secrets, config maps and volumes of the pods scheduled on
    /// their node. The `Node` authorizer grants exactly that, computed from which pods run
    /// where. Without it, kubelets get their permissions from RBAC, and the `system:node`
    /// role cannot tell one node from another: bound to the nodes, it lets every kubelet —
    /// or whoever steals one node's credentials — read every secret and config map in the
    /// cluster. Together with the `NodeRestriction` admission plugin
    /// (`node-restriction-disabled`) it confines each kubelet to its own node.
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
    ///     - --authorization-mode=RBAC
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
    /// ```
    ///
    /// ## Version notes
    /// The `Node` authorizer arrived in v1.7. Put it before `RBAC` (`Node,RBAC`, as kubeadm
    /// does): authorizers are asked in order and the first decision wins. It only covers
    /// kubelets that use per-node credentials (user `system:node:<name>` in group
    /// `system:nodes`). From v1.29 (on by default from v1.30), `--authorization-config` can
    /// define the chain in a file instead; then `--authorization-mode` must not be set, and
    /// this rule does not look into that file.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.8 (ensure that the `--authorization-mode` argument includes Node)
    /// - Kubernetes documentation: "Using Node Authorization"
    pub NodeAuthorizerMissing,
    code = "KLET006",
    name = "node-authorizer-missing",
    category = Hardening,
    target = "kube-apiserver",
    summary = "kube-apiserver does not limit what each kubelet may read to its own node's pods",
    cis = ["apiserver.authorization-node"],
}

/// The release that added the Node authorizer.
const NODE_AUTHORIZER_SINCE: KubeVersion = KubeVersion::new(1, 7);

impl Rule for NodeAuthorizerMissing {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(authorization) = api.known_authorization_modes() else {
                continue;
            };
            let modes = &authorization.value;
            if modes.iter().any(|mode| mode.value == "Node") {
                continue;
            }
            let chain = authorization::chain(modes);
            let (message, label, fix) = if authorization.is_default() {
                (
                    format!(
                        "`--authorization-mode` not set; the kube-apiserver default is `{chain}`"
                    ),
                    "no `--authorization-mode` among these flags".to_owned(),
                    "add `--authorization-mode=Node,RBAC`".to_owned(),
                )
            } else {
                // Keep the authorizers that decide something, with `Node` in front.
                let kept = authorization::deciding(modes);
                let suggestion = if kept.is_empty() {
                    "Node,RBAC".to_owned()
                } else {
                    format!("Node,{}", kept.join(","))
                };
                (
                    format!("`--authorization-mode` is `{chain}`, without `Node`"),
                    "no `Node` authorizer in this chain".to_owned(),
                    format!("set `--authorization-mode={suggestion}`"),
                )
            };
            let version = api.version();
            let help = if version.version.is_before(NODE_AUTHORIZER_SINCE) {
                format!("upgrade to v1.7 or later, which added the `Node` authorizer, then {fix}")
            } else {
                fix
            };
            findings
                .report(authorization.location_or(api.missing_anchor()), message)
                .label(label)
                .help(help)
                .note(notes::version("kube-apiserver", version));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at};

    #[test]
    fn cases() {
        Tester::new(&NodeAuthorizerMissing, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--authorization-mode=Node,RBAC"]),
                apiserver(&["--authorization-mode=$MODES"]),
                apiserver_args(&["--authorization-mode=Node,RBAC"]),
                apiserver(&["--authorization-mode", "Node,RBAC"]),
                // A list flag: repeats accumulate.
                apiserver(&["--authorization-mode=Node", "--authorization-mode=RBAC"]),
                // Not this rule's business (apiserver-authorization-always-allow).
                apiserver(&["--authorization-mode=Node,AlwaysAllow"]),
                // The chain is in a file kubeharden does not read.
                apiserver(&["--authorization-config=/etc/kubernetes/authz.yaml"]),
                apiserver(&["--authorization-mode=$(AUTHORIZATION_MODE)"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver_args(&["--anonymous-auth=false"]),
                apiserver(&["--authorization-mode=RBAC"]),
                apiserver(&["--authorization-mode", "RBAC,Webhook"]),
                apiserver(&["--authorization-mode=RBAC", "--authorization-mode=Webhook"]),
                apiserver(&["--authorization-mode=AlwaysAllow"]),
                apiserver_at("v1.5.1", &[]),
            ])
            .test_and_snapshot();
    }
}

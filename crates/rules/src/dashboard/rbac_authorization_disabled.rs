use kubeharden_core::Inventory;
use kubeharden_core::version::KubeVersion;

use crate::authorization;
use crate::declare_rule;
use crate::finding::Findings;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver whose authorization chain has no `RBAC` authorizer:
    /// `--authorization-mode` does not name `RBAC`, or is not set at all (the default is
    /// `AlwaysAllow`). An apiserver configured through `--authorization-config` is not
    /// checked: its chain is in a file kubeharden does not read.
    ///
    /// ## Why is this bad?
    /// Roles, ClusterRoles and their bindings only mean something when the `RBAC` authorizer
    /// is in the chain. Without it, limiting what a user — or the Dashboard's ServiceAccount —
    /// may do has to be done some other way (`ABAC` policy files, a webhook), and more often
    /// is not done at all. A Dashboard's ServiceAccount bound to a small Role is only small
    /// if RBAC enforces that Role.
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
    ///     - --authorization-mode=Node,Webhook
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
    ///     - --authorization-mode=Node,RBAC,Webhook
    /// ```
    ///
    /// ## Version notes
    /// RBAC was alpha in v1.5 (it also needed `--runtime-config` for its API group), beta in
    /// v1.6 and v1.7, and GA from v1.8. `--authorization-mode` is a list: repeating the flag
    /// adds to the chain. From v1.29 an AuthorizationConfiguration file
    /// (`--authorization-config`) can define the chain instead; then `--authorization-mode`
    /// must not be set, and this rule does not look into that file.
    ///
    /// ## How to verify on a live cluster
    /// `kubectl api-versions | grep rbac.authorization.k8s.io` shows whether the RBAC API is
    /// served; to see whether it is enforced, bind a narrow Role to a test ServiceAccount and
    /// ask `kubectl auth can-i` with `--as=system:serviceaccount:<namespace>:<name>` for
    /// something the Role does not grant.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.9 (ensure that the `--authorization-mode` argument includes RBAC)
    /// - CIS Kubernetes Benchmark v1.10.0, 1.2.8 (the same recommendation, renumbered)
    /// - Kubernetes documentation: "Using RBAC Authorization"
    pub RbacAuthorizationDisabled,
    code = "KDSH003",
    name = "rbac-authorization-disabled",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver does not enforce RBAC roles and bindings",
    cis = ["apiserver.authorization-rbac"],
}

/// The release in which RBAC became GA.
const RBAC_GA: KubeVersion = KubeVersion::new(1, 8);

impl Rule for RbacAuthorizationDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(authorization) = api.known_authorization_modes() else {
                continue;
            };
            let modes = &authorization.value;
            if modes.iter().any(|mode| mode.value == "RBAC") {
                continue;
            }
            let chain = authorization::chain(modes);
            let (message, label, help) = if authorization.is_default() {
                (
                    format!(
                        "`--authorization-mode` not set; the kube-apiserver default is `{chain}`, without `RBAC`"
                    ),
                    "no `--authorization-mode` among these flags",
                    "add `--authorization-mode=Node,RBAC`".to_owned(),
                )
            } else {
                let kept = authorization::deciding(modes);
                // RBAC after Node (whose answers are about kubelets), before the rest.
                let suggestion = match kept.iter().position(|mode| *mode == "Node") {
                    _ if kept.is_empty() => "Node,RBAC".to_owned(),
                    Some(node) => {
                        let mut chain = kept.clone();
                        chain.insert(node + 1, "RBAC");
                        chain.join(",")
                    }
                    None => [&["RBAC"], kept.as_slice()].concat().join(","),
                };
                (
                    format!("`--authorization-mode` is `{chain}`, without `RBAC`"),
                    "no `RBAC` authorizer in this chain",
                    format!("set `--authorization-mode={suggestion}`"),
                )
            };
            let version = api.version();
            let note = if version
                .known()
                .is_some_and(|known| known.is_before(RBAC_GA))
            {
                format!(
                    "{}; RBAC is not GA before v1.8 (beta in v1.6 and v1.7, alpha in v1.5)",
                    notes::version("kube-apiserver", version)
                )
            } else {
                notes::version("kube-apiserver", version)
            };
            findings
                .report(authorization.location_or(api.missing_anchor()), message)
                .label(label)
                .help(help)
                .note(note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at};

    #[test]
    fn cases() {
        Tester::new(&RbacAuthorizationDisabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--authorization-mode=Node,RBAC"]),
                apiserver(&["--authorization-mode=${AUTHORIZATION_MODES}"]),
                apiserver(&["--authorization-mode=Node,__MODE__"]),
                apiserver_args(&["--authorization-mode=RBAC"]),
                apiserver(&["--authorization-mode", "Node,RBAC"]),
                apiserver(&["--authorization-mode=Node", "--authorization-mode=RBAC"]),
                // Not this rule's business (apiserver-authorization-always-allow).
                apiserver(&["--authorization-mode=RBAC,AlwaysAllow"]),
                // The chain is in a file kubeharden does not read.
                apiserver(&["--authorization-config=/etc/kubernetes/authz.yaml"]),
                apiserver(&[
                    "--authorization-config=/etc/kubernetes/authz.yaml",
                    "--authorization-mode=Node",
                ]),
                apiserver(&["--authorization-mode=$(AUTHORIZATION_MODE)"]),
                // An empty chain: the apiserver refuses to start.
                apiserver(&["--authorization-mode="]),
            ])
            .fail([
                apiserver(&[]),
                apiserver_args(&["--anonymous-auth=false"]),
                apiserver(&["--authorization-mode=Node,Webhook"]),
                apiserver(&["--authorization-mode", "ABAC"]),
                apiserver(&["--authorization-mode=Node", "--authorization-mode=Webhook"]),
                apiserver(&["--authorization-mode=AlwaysAllow"]),
                apiserver_at("v1.7.16", &["--authorization-mode=Node"]),
            ])
            .test_and_snapshot();
    }
}

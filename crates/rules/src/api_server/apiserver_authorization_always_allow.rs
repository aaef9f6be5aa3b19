use kubeharden_core::Inventory;

use crate::authorization;
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver whose authorization chain contains `AlwaysAllow`: written
    /// anywhere in `--authorization-mode`, or in effect because `--authorization-mode` is not
    /// set and no `--authorization-config` file defines the chain.
    ///
    /// ## Why is this bad?
    /// `AlwaysAllow` approves every request that reaches it. Authorizers are asked in order
    /// and `RBAC` and `Node` can only allow or pass, never deny, so a request they do not
    /// allow falls through to `AlwaysAllow` and is approved anyway: `Node,RBAC,AlwaysAllow`
    /// grants as much as `AlwaysAllow` alone. Every authenticated user and every pod's
    /// ServiceAccount token can then read secrets, start privileged pods and take over the
    /// nodes. (The apiserver switches anonymous requests off whenever `AlwaysAllow` is in the
    /// chain, so a credential is still needed — but any valid one will do.)
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
    ///     - --authorization-mode=AlwaysAllow
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
    /// ## Fix
    /// Unsafe: sets `--authorization-mode` to the written modes without `AlwaysAllow`, or to
    /// `Node,RBAC` when nothing else is left (in place, or added after the last flag). Every
    /// client that relied on `AlwaysAllow` — a controller or user without RBAC bindings — is
    /// denied from then on, so the change needs the bindings to exist first.
    ///
    /// ## Version notes
    /// `AlwaysAllow` has always been the default of `--authorization-mode`; kubeadm and most
    /// installers pass `Node,RBAC`. A `Webhook` placed before `AlwaysAllow` can still deny
    /// explicitly; everything it lets pass is approved. From v1.29 the chain can instead come
    /// from an AuthorizationConfiguration file (`--authorization-config`, which must not be
    /// combined with `--authorization-mode`); kubeharden does not read that file and the rule
    /// stays silent.
    ///
    /// ## How to verify on a live cluster
    /// Ask what an unprivileged identity may do: `kubectl auth can-i '*' '*' --as=system:serviceaccount:default:default`.
    /// `yes` on an apiserver that grants that account nothing means everything is allowed.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.7 (ensure that the `--authorization-mode` argument is not set to AlwaysAllow)
    /// - Kubernetes documentation: "Authorization", authorization modes
    pub ApiserverAuthorizationAlwaysAllow,
    code = "KAPI004",
    name = "apiserver-authorization-always-allow",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver authorizes every request it receives",
    cis = ["apiserver.authorization-not-always-allow"],
}

impl Rule for ApiserverAuthorizationAlwaysAllow {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            let Some(authorization) = api.known_authorization_modes() else {
                continue;
            };
            let modes = &authorization.value;
            let Some(always_allow) = modes.iter().find(|mode| mode.value == "AlwaysAllow") else {
                continue;
            };
            let secure = authorization::deciding(modes);
            let secure = if secure.is_empty() {
                "Node,RBAC".to_owned()
            } else {
                secure.join(",")
            };
            let fix = fixes::set_or_add_flag(inventory, api.process, "authorization-mode", &secure)
                .map(|edits| {
                    fixes::unsafe_fix(format!("Set `--authorization-mode={secure}`"), edits)
                });
            let (location, message, label, help) = if authorization.is_default() {
                (
                    api.missing_anchor(),
                    "`--authorization-mode` not set; the kube-apiserver default is `AlwaysAllow`"
                        .to_owned(),
                    "no `--authorization-mode` among these flags",
                    "add `--authorization-mode=Node,RBAC`".to_owned(),
                )
            } else {
                let others = authorization::deciding(modes);
                let (message, help) = if others.is_empty() {
                    (
                        "`--authorization-mode` is `AlwaysAllow`".to_owned(),
                        "set `--authorization-mode=Node,RBAC`".to_owned(),
                    )
                } else {
                    let chain = authorization::chain(modes);
                    (
                        format!(
                            "`--authorization-mode` is `{}`; `AlwaysAllow` approves whatever the others leave undecided",
                            chain
                        ),
                        format!(
                            "remove `AlwaysAllow`: `--authorization-mode={}`",
                            others.join(",")
                        ),
                    )
                };
                (
                    always_allow.location(),
                    message,
                    "authorizes everything",
                    help,
                )
            };
            let finding = findings
                .report(location, message)
                .label(label)
                .help(help)
                .note(format!(
                    "any valid credential — a user's or any pod's ServiceAccount token — may do anything (next to `AlwaysAllow` the apiserver turns anonymous requests off); {}",
                    notes::version("kube-apiserver", api.version())
                ));
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, flow};

    #[test]
    fn cases() {
        Tester::new(&ApiserverAuthorizationAlwaysAllow, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--authorization-mode=Node,RBAC"]),
                apiserver(&["--authorization-mode=<authorization modes>"]),
                apiserver_args(&["--authorization-mode=RBAC"]),
                apiserver(&["--authorization-mode", "Node,RBAC"]),
                apiserver(&["--authorization-mode=Node", "--authorization-mode=RBAC"]),
                apiserver(&["--authorization-mode=Webhook"]),
                // The chain is in a file kubeharden does not read.
                apiserver(&["--authorization-config=/etc/kubernetes/authz.yaml"]),
                // Both: the apiserver refuses to start (`conflicting-flags`).
                apiserver(&[
                    "--authorization-config=/etc/kubernetes/authz.yaml",
                    "--authorization-mode=AlwaysAllow",
                ]),
                apiserver(&["--authorization-mode=$(AUTHORIZATION_MODE)"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver_args(&["--anonymous-auth=false"]),
                apiserver(&["--authorization-mode=AlwaysAllow"]),
                apiserver(&[
                    "--authorization-mode",
                    "AlwaysAllow",
                    "--anonymous-auth=false",
                ]),
                apiserver(&["--authorization-mode=Node,RBAC,AlwaysAllow"]),
                // A list flag: the repeat adds to the chain.
                apiserver(&[
                    "--authorization-mode=Node,RBAC",
                    "--authorization-mode=AlwaysAllow",
                ]),
            ])
            .fix_round_trip([
                apiserver(&["--authorization-mode=AlwaysAllow"]),
                apiserver(&["--authorization-mode", "RBAC,AlwaysAllow"]),
                flow(&apiserver(&["'--authorization-mode=AlwaysAllow'"])),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;
use kubeharden_core::inventory::{Distribution, Origin};
use kubeharden_core::version::{ENABLE_ADMISSION_PLUGINS_SINCE, KubeVersion};

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver that runs without the `NodeRestriction` admission plugin: it is
    /// not named in `--enable-admission-plugins` (it is not on by default), it is missing
    /// from a legacy `--admission-control` list, or `--disable-admission-plugins` switches
    /// it off.
    ///
    /// ## Why is this bad?
    /// Every kubelet holds credentials for the API server. Without `NodeRestriction`, a
    /// kubelet — or whoever has taken over one node and its credentials — may change any
    /// Node object and the pods bound to other nodes, relabel nodes to attract workloads
    /// meant for trusted machines, and create mirror pods that reference secrets it should
    /// not see. With the plugin, a kubelet may modify only its own Node object and the pods
    /// bound to it, which keeps a compromised node from spreading across the cluster.
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
    ///     - --enable-admission-plugins=AlwaysPullImages
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
    ///     - --enable-admission-plugins=AlwaysPullImages,NodeRestriction
    /// ```
    ///
    /// ## Fix
    /// Safe when `--enable-admission-plugins` is written: appends `,NodeRestriction` to its
    /// value. kubeadm's kubelets use their own node credentials, which is all the plugin allows
    /// them. Other cases get no fix: a plugin in `--disable-admission-plugins`, the legacy
    /// `--admission-control` list (which replaces the default plugins), or a missing list, where
    /// the right set of plugins for the release is a choice.
    ///
    /// ## Version notes
    /// `NodeRestriction` arrived in v1.7 and has never been part of the default plugin set,
    /// so it must be named. From v1.10, `--enable-admission-plugins` adds plugins to the
    /// defaults and `--disable-admission-plugins` removes them; the older
    /// `--admission-control` (deprecated since v1.10) runs exactly the plugins it lists and
    /// cannot be combined with the newer flags (`conflicting-flags`). kubeadm enables
    /// `NodeRestriction`.
    ///
    /// The plugin restricts requests from identities in the `system:nodes` group, so
    /// kubelets must use per-node credentials (`system:node:<name>`), as kubeadm and TLS
    /// bootstrapping give them; the Node authorizer (`node-authorizer-missing`) is its
    /// companion for reads.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.17 (ensure that the admission control plugin NodeRestriction is set)
    /// - Kubernetes documentation: "Admission Control in Kubernetes", NodeRestriction
    pub NodeRestrictionDisabled,
    code = "KLET004",
    name = "node-restriction-disabled",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver lets each kubelet modify other nodes and their pods",
    cis = ["apiserver.admission-node-restriction"],
}

/// The release that added `NodeRestriction` and the Node authorizer.
const NODE_RESTRICTION_SINCE: KubeVersion = KubeVersion::new(1, 7);

const PLUGIN: &str = "NodeRestriction";

impl Rule for NodeRestrictionDisabled {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            // Unknown when a placeholder or `$(VAR)` item could name it.
            let Some(enabled) = api.node_restriction() else {
                continue;
            };
            if enabled.value {
                continue;
            }
            let version = api.version();
            let too_old = version.version.is_before(NODE_RESTRICTION_SINCE);
            let upgrade = |fix: String| {
                if too_old {
                    format!("upgrade to v1.7 or later, which added `{PLUGIN}`, then {fix}")
                } else {
                    fix
                }
            };
            let disabled_item = api.disable_admission_plugins().and_then(|list| {
                list.value
                    .into_iter()
                    .rev()
                    .find(|item| item.value == PLUGIN)
            });
            // Appending to the list is certain only when that list alone decides.
            let fix = (disabled_item.is_none() && api.admission_control().is_none() && !too_old)
                .then(|| api.flags().last("enable-admission-plugins"))
                .flatten()
                .and_then(|flag| {
                    fixes::append_to_flag_value(inventory, api.process, flag, &format!(",{PLUGIN}"))
                })
                .map(|edits| {
                    fixes::safe(
                        format!("Add `{PLUGIN}` to `--enable-admission-plugins`"),
                        edits,
                    )
                });
            let (location, message, label, help) = if let Some(item) = disabled_item {
                (
                    item.location(),
                    format!("`--disable-admission-plugins` turns `{PLUGIN}` off"),
                    format!("`{PLUGIN}` disabled here"),
                    format!("remove `{PLUGIN}` from `--disable-admission-plugins`"),
                )
            } else if let Some(legacy) = api.admission_control() {
                (
                    legacy.location_or(api.missing_anchor()),
                    format!(
                        "`--admission-control` does not list `{PLUGIN}`; only the plugins it lists run"
                    ),
                    format!("no `{PLUGIN}` in this list"),
                    upgrade(format!("add `{PLUGIN}` to `--admission-control`")),
                )
            } else if let Some(list) = api.enable_admission_plugins() {
                (
                    list.location_or(api.missing_anchor()),
                    format!(
                        "`--enable-admission-plugins` does not include `{PLUGIN}`, which is not on by default"
                    ),
                    format!("no `{PLUGIN}` in this list"),
                    match api.process.origin {
                        // The arg replaced the list k3s passes, which names the plugin.
                        Origin::Distribution(
                            distribution @ (Distribution::K3s | Distribution::Rke2),
                        ) => format!(
                            "add `{PLUGIN}` to this list, or write `enable-admission-plugins+=...` to add to the `{PLUGIN}` {} passes itself rather than replace it",
                            distribution.name()
                        ),
                        _ => upgrade(format!("add `{PLUGIN}` to `--enable-admission-plugins`")),
                    },
                )
            } else if version.version.is_before(ENABLE_ADMISSION_PLUGINS_SINCE) {
                // Before v1.10 the legacy flag is the only way to name plugins.
                (
                    api.missing_anchor(),
                    format!(
                        "`--admission-control` not set; `{PLUGIN}` is not a default admission plugin"
                    ),
                    "no `--admission-control` among these flags".to_owned(),
                    upgrade(format!(
                        "add `--admission-control` with the recommended plugins for this release, `{PLUGIN}` among them"
                    )),
                )
            } else {
                (
                    api.missing_anchor(),
                    format!(
                        "`--enable-admission-plugins` not set; `{PLUGIN}` is not a default admission plugin"
                    ),
                    format!("no `--enable-admission-plugins={PLUGIN}` among these flags"),
                    format!("add `--enable-admission-plugins={PLUGIN}`"),
                )
            };
            let finding = findings
                .report(location, message)
                .label(label)
                .help(help)
                .note(notes::version("kube-apiserver", version));
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at, flow, kubeadm};

    #[test]
    fn cases() {
        Tester::new(&NodeRestrictionDisabled, "kube-apiserver.yaml")
            .pass([
                apiserver(&["--enable-admission-plugins=NodeRestriction"]),
                // A placeholder item could name it.
                apiserver(&["--enable-admission-plugins=${ADMISSION_PLUGINS}"]),
                apiserver(&["--enable-admission-plugins=PodSecurity,<extra plugins>"]),
                apiserver(&["--enable-admission-plugins=ADMISSION_PLUGINS"]),
                apiserver_args(&["--enable-admission-plugins=NodeRestriction"]),
                apiserver(&[
                    "--enable-admission-plugins",
                    "AlwaysPullImages,NodeRestriction",
                ]),
                // A list flag: repeats accumulate.
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction",
                    "--enable-admission-plugins=AlwaysPullImages",
                ]),
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction",
                    "--disable-admission-plugins=DefaultStorageClass",
                ]),
                apiserver_at(
                    "v1.9.3",
                    &["--admission-control=NamespaceLifecycle,ServiceAccount,NodeRestriction"],
                ),
                apiserver(&["--enable-admission-plugins=$(ADMISSION_PLUGINS)"]),
            ])
            .fail([
                apiserver(&[]),
                apiserver_args(&["--authorization-mode=Node,RBAC"]),
                apiserver(&["--enable-admission-plugins=AlwaysPullImages"]),
                apiserver(&["--enable-admission-plugins", "AlwaysPullImages"]),
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction",
                    "--disable-admission-plugins=DefaultStorageClass,NodeRestriction",
                ]),
                apiserver_at(
                    "v1.9.3",
                    &["--admission-control=NamespaceLifecycle,ServiceAccount"],
                ),
                apiserver_at("v1.9.3", &[]),
                apiserver_at(
                    "v1.5.1",
                    &["--admission-control=AlwaysPullImages,ServiceAccount"],
                ),
            ])
            .fix_round_trip([
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    enable-admission-plugins: PodSecurity\n",
                )
                .replace("v1.19.16", "v1.30.4"),
                apiserver(&["--enable-admission-plugins=PodSecurity"]),
                apiserver(&["--enable-admission-plugins", "PodSecurity,ServiceAccount"]),
                apiserver(&["\"--enable-admission-plugins=PodSecurity\""]),
                apiserver(&["--enable-admission-plugins=PodSecurity"]).replace('\n', "\r\n"),
                flow(&apiserver(&["--enable-admission-plugins", "'PodSecurity'"])),
            ])
            .expect_fix([
                (
                    apiserver(&["--enable-admission-plugins=PodSecurity"]),
                    apiserver(&["--enable-admission-plugins=PodSecurity,NodeRestriction"]),
                ),
                (
                    kubeadm(
                        "v1beta3",
                        "  extraArgs:\n    enable-admission-plugins: PodSecurity\n",
                    ),
                    kubeadm(
                        "v1beta3",
                        "  extraArgs:\n    enable-admission-plugins: PodSecurity,NodeRestriction\n",
                    ),
                ),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::Inventory;
use kubeharden_core::version::removed_in;

use super::{judged_version, name_location, written};
use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a command-line flag that the component's release no longer has, such as
    /// `--insecure-port=0` on a v1.24 or later kube-apiserver, `--basic-auth-file` from v1.19,
    /// or the kubelet's `--allow-privileged` from v1.15 and its dockershim flags
    /// (`--network-plugin`, `--cni-bin-dir`, ...) from v1.24.
    ///
    /// The release comes from the container image's tag, kubeadm's `kubernetesVersion`, or
    /// `--kubernetes-version`. When none says, the rule stays silent: a removed flag is itself
    /// the best evidence that the component is older than the removal (a 2016 kubelet unit
    /// with `--allow-privileged` ran a kubelet that had it), and a current release is only an
    /// assumption. An untagged upstream `hyperkube` image is judged as v1.18, the last
    /// release published as one.
    ///
    /// ## Why is this bad?
    /// An unknown flag stops the component before it serves anything (`unknown flag:
    /// --insecure-port`), so an upgrade that keeps an old manifest takes the control plane
    /// down. Some of these flags were once the recommended hardening (`--insecure-port=0`):
    /// they must be deleted, not kept "to be safe".
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
    ///     image: registry.k8s.io/kube-apiserver:v1.29.3
    ///     command:
    ///     - kube-apiserver
    ///     - --insecure-port=0
    ///     - --secure-port=6443
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
    ///     image: registry.k8s.io/kube-apiserver:v1.29.3
    ///     command:
    ///     - kube-apiserver
    ///     - --secure-port=6443
    /// ```
    ///
    /// ## Fix
    /// Safe: removes every occurrence of the flag (both words of `--flag value`). The component
    /// refuses to start with it, so removing it cannot stop anything that works today; the help
    /// says what replaces the flag where something does.
    ///
    /// ## Version notes
    /// kube-apiserver: `--repair-malformed-updates` removed in v1.14, `--basic-auth-file` in
    /// v1.19, `--kubelet-https` in v1.22; `--insecure-port`, `--port`,
    /// `--insecure-bind-address`, `--address`, `--enable-swagger-ui`, `--target-ram-mb` and
    /// `--experimental-encryption-provider-config` in v1.24. kubelet: `--cadvisor-port` in
    /// v1.12, `--allow-privileged` in v1.15, the dockershim flags in v1.24. Only removals
    /// confirmed in the upstream changelogs are listed; deprecated flags that still work
    /// (`--admission-control`) are not reported.
    pub RemovedFlag,
    code = "KGEN005",
    name = "removed-flag",
    category = Correctness,
    target = "any",
    summary = "a flag the component's release no longer has; the component will not start",
}

impl Rule for RemovedFlag {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for container in inventory.processes() {
            let Some(component) = container.component else {
                continue;
            };
            let mut judged = None;
            let mut reported: Vec<&str> = Vec::new();
            for flag in container.flags.iter() {
                let Some(removed) = removed_in(component, flag.key()) else {
                    continue;
                };
                if reported.contains(&flag.key()) {
                    continue;
                }
                let judged =
                    judged.get_or_insert_with(|| judged_version(inventory, container, component));
                if judged.assumed || !removed.is_removed_in(judged.version) {
                    continue;
                }
                reported.push(flag.key());
                let fix = fixes::remove_flags(
                    inventory,
                    container,
                    container.flags.iter().filter(|f| f.key() == flag.key()),
                )
                .map(|edits| fixes::safe(format!("Remove `--{}`", flag.key()), edits));
                let finding = findings
                    .report(
                        name_location(container, flag),
                        format!(
                            "`--{}` does not exist in {component} {} (removed in {})",
                            flag.key(),
                            judged.version,
                            removed.removed_in
                        ),
                    )
                    .component(component)
                    .label(format!("removed in {}", removed.removed_in))
                    .help(format!("delete `{}`: {}", written(flag), removed.note))
                    .note(format!(
                        "{component} exits at start-up with \"unknown flag: --{}\"; {}",
                        flag.key(),
                        judged.note
                    ));
                finding.fix(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at, flow, kubelet_flags};

    #[test]
    fn cases() {
        Tester::new(&RemovedFlag, "manifest.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&["--secure-port=6443", "--admission-control=NodeRestriction"]),
                apiserver_at("v1.23.17", &["--insecure-port=0", "--insecure-bind-address=127.0.0.1"]),
                apiserver_at("v1.18.20", &["--basic-auth-file=/etc/kubernetes/users.csv"]),
                // kube-apiserver still has its own `--allow-privileged`.
                apiserver(&["--allow-privileged=true"]),
                // No tag: the flag says the release is older than its removal.
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver\n    command:\n    - kube-apiserver\n    - --enable-swagger-ui\n".to_owned(),
                // An untagged upstream hyperkube is at most v1.18.
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: gcr.io/google_containers/hyperkube-amd64:__RELEASE__\n    command:\n    - /hyperkube\n    - apiserver\n    - --insecure-bind-address=0.0.0.0\n".to_owned(),
            ])
            .fail([
                apiserver_at("v1.29.3", &["--insecure-port=0"]),
                apiserver_args(&["--insecure-port", "0", "--insecure-bind-address=127.0.0.1"]),
                apiserver_at("v1.19.16", &["--basic-auth-file=/etc/kubernetes/users.csv", "--basic_auth_file=/x"]),
                kubelet_flags(&["--allow-privileged=true", "--network-plugin=cni"]),
            ])
            .fix_round_trip([
                apiserver_at("v1.29.3", &["--insecure-port=0"]),
                apiserver_args(&["--insecure-port", "0", "--insecure-bind-address=127.0.0.1"]),
                apiserver_at(
                    "v1.19.16",
                    &[
                        "--basic-auth-file=/etc/kubernetes/users.csv",
                        "--basic_auth_file=/x",
                    ],
                ),
                kubelet_flags(&["--allow-privileged=true", "--network-plugin=cni"]),
                apiserver_at("v1.29.3", &["--insecure-port=0"]).replace('\n', "\r\n"),
                // Not first in the list: the removals of a first flow item and of its neighbour
                // share a comma, so `check --fix` applies one, and its re-lint refuses the
                // file because the other finding starts where the removed one was.
                flow(&apiserver_args(&[
                    "--v=2",
                    "--insecure-port",
                    "0",
                    "--insecure-bind-address=127.0.0.1",
                ])),
            ])
            .expect_fix([
                (
                    apiserver_at("v1.29.3", &["--insecure-port=0", "--v=2"]),
                    apiserver_at("v1.29.3", &["--v=2"]),
                ),
                (
                    flow(&apiserver_args(&["--v=2", "--insecure-port", "0"])),
                    flow(&apiserver_args(&["--v=2"])),
                ),
            ])
            .test_and_snapshot();
    }
}

use kubeharden_core::{Component, Inventory};

use super::written;
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a setting the component ignores in this configuration: a kube-scheduler flag the
    /// scheduler ignores because `--config` names a KubeSchedulerConfiguration (`--profiling`,
    /// `--kubeconfig`, `--kube-api-qps`, ...).
    ///
    /// ## Why is this bad?
    /// The setting looks like it decides something, and does not. With `--config`, the
    /// scheduler takes these settings from the file and drops the deprecated flags without a
    /// word: `--profiling=false` next to `--config` leaves profiling on when the file does not
    /// say `enableProfiling: false` (its default is `true`). A reviewer, or a benchmark check
    /// that reads the flag, believes the flag.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-scheduler
    ///     image: registry.k8s.io/kube-scheduler:v1.30.4
    ///     command:
    ///     - kube-scheduler
    ///     - --bind-address=127.0.0.1
    ///     - --config=/etc/kubernetes/scheduler-config.yaml
    ///     - --profiling=false
    /// ```
    ///
    /// The setting belongs in the KubeSchedulerConfiguration (`enableProfiling: false`).
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-scheduler
    ///     image: registry.k8s.io/kube-scheduler:v1.30.4
    ///     command:
    ///     - kube-scheduler
    ///     - --bind-address=127.0.0.1
    ///     - --config=/etc/kubernetes/scheduler-config.yaml
    /// ```
    ///
    /// ## Version notes
    /// The scheduler's flags that say "This parameter is ignored if a config file is specified
    /// in --config": `--profiling`, `--contention-profiling`, `--kubeconfig`,
    /// `--kube-api-content-type`, `--kube-api-qps`, `--kube-api-burst`,
    /// `--lock-object-namespace` and `--lock-object-name`. The leader election flags
    /// (`--leader-elect*`) and the serving flags (`--bind-address`, `--secure-port`) still apply
    /// next to `--config`. Only flags someone wrote are reported, not those a distribution
    /// passes itself.
    pub IneffectiveSetting,
    code = "KGEN008",
    name = "ineffective-setting",
    category = Hardening,
    target = "any",
    summary = "a setting the component ignores in this configuration",
}

/// kube-scheduler's flags that `--config` replaces, with the KubeSchedulerConfiguration field
/// that decides instead.
const SCHEDULER_FLAGS_REPLACED_BY_CONFIG: &[(&str, &str)] = &[
    ("profiling", "enableProfiling"),
    ("contention-profiling", "enableContentionProfiling"),
    ("kubeconfig", "clientConnection.kubeconfig"),
    ("kube-api-content-type", "clientConnection.contentType"),
    ("kube-api-qps", "clientConnection.qps"),
    ("kube-api-burst", "clientConnection.burst"),
    ("lock-object-namespace", "leaderElection.resourceNamespace"),
    ("lock-object-name", "leaderElection.resourceName"),
];

impl Rule for IneffectiveSetting {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for scheduler in inventory.schedulers() {
            let Some(config) = scheduler.config() else {
                continue;
            };
            for flag in scheduler.flags().iter().filter(|flag| flag.is_written()) {
                let Some((_, field)) = SCHEDULER_FLAGS_REPLACED_BY_CONFIG
                    .iter()
                    .find(|(name, _)| *name == flag.key())
                else {
                    continue;
                };
                findings
                    .report(
                        flag.occurrence(),
                        format!(
                            "`{}` is ignored: kube-scheduler reads its settings from `--config {}`",
                            written(flag),
                            config.value
                        ),
                    )
                    .component(Component::Scheduler)
                    .label("ignored next to `--config`")
                    .help(format!(
                        "set `{field}` in the KubeSchedulerConfiguration instead, and remove `--{}`",
                        flag.key()
                    ))
                    .note(
                        "kube-scheduler drops its deprecated flags when it reads a config file",
                    );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, scheduler};

    const CONFIG: &str = "--config=/etc/kubernetes/scheduler-config.yaml";

    #[test]
    fn cases() {
        Tester::new(&IneffectiveSetting, "kube-scheduler.yaml")
            .pass([
                // Without `--config` the flags decide.
                scheduler(&["--profiling=false", "--kubeconfig=/etc/kubernetes/scheduler.conf"]),
                // These still apply next to `--config`.
                scheduler(&[CONFIG, "--bind-address=127.0.0.1", "--leader-elect=true"]),
                scheduler(&[CONFIG]),
            ])
            .fail([
                scheduler(&[CONFIG, "--profiling=false"]),
                scheduler(&[
                    CONFIG,
                    "--kubeconfig",
                    "/etc/kubernetes/scheduler.conf",
                    "--kube-api-qps=100",
                ]),
                scheduler(&["--lock-object-name=scheduler", CONFIG]),
            ])
            .test_and_snapshot();
    }
}

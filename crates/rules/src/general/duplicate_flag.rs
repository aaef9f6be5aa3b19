use kubeharden_core::Inventory;
use kubeharden_core::flags::{Flag, FlagKind, parse_go_bool};

use super::{line_of, value_location, written};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a single-valued flag given more than once with different values, such as
    /// `--anonymous-auth=true` followed later by `--anonymous-auth=false`. The finding sits on
    /// each occurrence that loses; the note names the line of the one that wins.
    ///
    /// Flags whose repeats add up are not reported: comma lists that accumulate
    /// (`--enable-admission-plugins`, `--authorization-mode`), maps (`--feature-gates`) and
    /// repeatable flags (`--tls-sni-cert-key`). Repeating a flag with the same value is
    /// harmless and not reported either.
    ///
    /// ## Why is this bad?
    /// The component keeps the last occurrence and silently drops the others, so whoever reads
    /// the manifest from the top sees a value that is not in effect. A hardening flag added at
    /// the top of a long list is undone by an old entry further down, and a reviewer who checks
    /// for `--anonymous-auth=false` finds it and moves on.
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
    ///     - --anonymous-auth=false
    ///     - --authorization-mode=Node,RBAC
    ///     - --anonymous-auth=true
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
    ///     - --anonymous-auth=false
    ///     - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Notes
    /// Values are compared as the component reads them: a bare boolean flag equals `=true`,
    /// and `--profiling=false` equals `--profiling=0`. etcd's URL lists
    /// (`--listen-client-urls`) are single-valued too: a repeat replaces the whole list.
    pub DuplicateFlag,
    code = "KGEN003",
    name = "duplicate-flag",
    category = Correctness,
    target = "any",
    summary = "a single-valued flag is given twice with different values; only the last counts",
}

impl Rule for DuplicateFlag {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for container in inventory.processes() {
            let Some(component) = container.component else {
                continue;
            };
            let flags = &container.flags;
            let mut done: Vec<&str> = Vec::new();
            for flag in flags.iter() {
                if done.contains(&flag.key()) {
                    continue;
                }
                done.push(flag.key());
                if !matches!(
                    flag.kind,
                    Some(FlagKind::Scalar | FlagKind::Bool | FlagKind::ReplaceList)
                ) {
                    continue;
                }
                let occurrences: Vec<&Flag> = flags.all(flag.key()).collect();
                let Some((winner, earlier)) = occurrences.split_last() else {
                    continue;
                };
                let Some(winning) = effective(winner) else {
                    continue;
                };
                for loser in earlier {
                    if effective(loser).is_none_or(|value| value == winning) {
                        continue;
                    }
                    let here = value_location(container, loser);
                    let winner_at = line_of(inventory, winner.occurrence(), here.file());
                    findings
                        .report(
                            here,
                            format!(
                                "`{}` is overridden by a later {}",
                                written(loser),
                                shown(winner)
                            ),
                        )
                        .component(component)
                        .label("ignored: the last occurrence wins")
                        .help(format!(
                            "remove this occurrence, or the one at {winner_at} if this value is the one you meant"
                        ))
                        .note(format!(
                            "{component} reads `--{}` {} and keeps the last, at {winner_at}",
                            flag.key(),
                            times(occurrences.len())
                        ));
                }
            }
        }
    }
}

/// An occurrence for a message; a bare boolean says what it means.
fn shown(flag: &Flag) -> String {
    if flag.value.is_none() && flag.kind.is_some_and(FlagKind::is_bool) {
        format!("`{}` (true)", written(flag))
    } else {
        format!("`{}`", written(flag))
    }
}

fn times(count: usize) -> String {
    match count {
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// The value the component would store for one occurrence, normalized for comparison; `None`
/// when the occurrence has no value to compare (a non-boolean flag without one).
fn effective(flag: &Flag) -> Option<String> {
    let is_bool = flag.kind.is_some_and(FlagKind::is_bool);
    match &flag.value {
        None if is_bool => Some("true".to_owned()),
        None => None,
        Some(value) if is_bool => {
            Some(parse_go_bool(&value.text).map_or_else(|_| value.text.clone(), |b| b.to_string()))
        }
        Some(value) => Some(value.text.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, etcd, kubelet_flags};

    #[test]
    fn cases() {
        Tester::new(&DuplicateFlag, "manifest.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&["--anonymous-auth=false", "--profiling=false"]),
                // The same value twice, as the component reads it.
                apiserver(&["--anonymous-auth", "--anonymous-auth=true"]),
                apiserver(&["--profiling=0", "--profiling=false"]),
                apiserver(&["--secure-port=6443", "--secure-port", "6443"]),
                // List, map and repeatable flags add up.
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction",
                    "--enable-admission-plugins=EventRateLimit",
                    "--authorization-mode=Node",
                    "--authorization-mode=RBAC",
                    "--feature-gates=A=true",
                    "--feature-gates=B=false",
                    "--tls-sni-cert-key=a.crt,a.key",
                    "--tls-sni-cert-key=b.crt,b.key",
                ]),
                // `-v` is `--v`, same value.
                apiserver(&["-v=2", "--v=2"]),
            ])
            .fail([
                apiserver(&["--anonymous-auth=true", "--anonymous-auth=false"]),
                apiserver_args(&["--anonymous-auth=false", "--v=2", "--anonymous-auth"]),
                apiserver(&["--secure-port", "443", "--secure-port=6443"]),
                kubelet_flags(&[
                    "--read-only-port=10255",
                    "--read_only_port=0",
                    "--read-only-port=10255",
                ]),
                etcd(&[
                    "--listen-client-urls=https://127.0.0.1:2379",
                    "--listen-client-urls=http://0.0.0.0:2379",
                ]),
            ])
            .test_and_snapshot();
    }
}

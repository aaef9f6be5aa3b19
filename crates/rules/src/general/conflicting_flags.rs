use kubeharden_core::Inventory;
use kubeharden_core::flags::values::is_placeholder_for;
use kubeharden_core::flags::{Flag, FlagSet};
use kubeharden_core::views::{ApiServer, Authorization};

use super::{line_of, name_location};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags kube-apiserver flags that cannot be used together:
    ///
    /// - the legacy `--admission-control` with `--enable-admission-plugins` or
    ///   `--disable-admission-plugins`;
    /// - an admission plugin listed both in `--enable-admission-plugins` and in
    ///   `--disable-admission-plugins`;
    /// - `--authorization-config` with `--authorization-mode` or any
    ///   `--authorization-webhook-*` flag;
    /// - `--authorization-policy-file` without `ABAC` in the authorization modes, or
    ///   `--authorization-webhook-config-file` without `Webhook` (an unset
    ///   `--authorization-mode` means `AlwaysAllow` alone).
    ///
    /// ## Why is this bad?
    /// kube-apiserver checks these combinations before it serves anything and exits when one
    /// is wrong, so the control plane stays down. They are easy to create by accident: a
    /// hardening change that adds `--enable-admission-plugins=NodeRestriction` to a manifest
    /// still carrying the old `--admission-control` list breaks the apiserver instead of
    /// protecting it.
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
    ///     image: registry.k8s.io/kube-apiserver:v1.18.20
    ///     command:
    ///     - kube-apiserver
    ///     - --admission-control=NamespaceLifecycle,ServiceAccount
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
    ///     image: registry.k8s.io/kube-apiserver:v1.18.20
    ///     command:
    ///     - kube-apiserver
    ///     - --enable-admission-plugins=NamespaceLifecycle,ServiceAccount,NodeRestriction
    /// ```
    ///
    /// ## Version notes
    /// `--enable-admission-plugins` and `--disable-admission-plugins` exist from v1.10; before
    /// that `--admission-control` alone is the way to choose plugins, and it is not reported
    /// on its own. `--authorization-config` exists from v1.29.
    pub ConflictingFlags,
    code = "KGEN004",
    name = "conflicting-flags",
    category = Correctness,
    target = "kube-apiserver",
    summary = "kube-apiserver flags that cannot be combined; the apiserver refuses to start",
}

/// The flags `--authorization-config` replaces.
const LEGACY_AUTHORIZATION_FLAGS: [&str; 5] = [
    "authorization-mode",
    "authorization-webhook-config-file",
    "authorization-webhook-version",
    "authorization-webhook-cache-authorized-ttl",
    "authorization-webhook-cache-unauthorized-ttl",
];

impl Rule for ConflictingFlags {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            check_admission_control(inventory, &api, findings);
            check_overlapping_plugins(inventory, &api, findings);
            if set(api.flags(), "authorization-config").is_some() {
                check_authorization_config(inventory, &api, findings);
            } else {
                check_files_without_modes(inventory, &api, findings);
            }
        }
    }
}

/// The last occurrence of `flag` when it has a non-empty value.
fn set<'f>(flags: &'f FlagSet, flag: &str) -> Option<&'f Flag> {
    flags
        .last(flag)
        .filter(|f| f.value.as_ref().is_some_and(|v| !v.text.is_empty()))
}

fn check_admission_control(
    inventory: &Inventory,
    api: &ApiServer<'_>,
    findings: &mut Findings<'_>,
) {
    let flags = api.flags();
    let Some(legacy) = flags.all("admission-control").next() else {
        return;
    };
    let Some(other) = flags.iter().find(|f| {
        matches!(
            f.key(),
            "enable-admission-plugins" | "disable-admission-plugins"
        )
    }) else {
        return;
    };
    let container = api.process;
    let here = name_location(container, legacy);
    findings
        .report(
            here,
            format!("`--admission-control` cannot be combined with `--{}`", other.key()),
        )
        .label("legacy admission flag")
        .help("move the plugins it needs into `--enable-admission-plugins` and remove `--admission-control`")
        .note(format!(
            "`--{}` is at {}; kube-apiserver exits at start-up because the two ways of choosing plugins are mutually exclusive",
            other.key(),
            line_of(inventory, other.occurrence(), here.file())
        ));
}

fn check_overlapping_plugins(
    inventory: &Inventory,
    api: &ApiServer<'_>,
    findings: &mut Findings<'_>,
) {
    let flags = api.flags();
    let enabled = flags.list("enable-admission-plugins");
    let mut reported: Vec<&str> = Vec::new();
    let disabled = flags.list("disable-admission-plugins");
    for plugin in &disabled {
        if is_placeholder_for(None, &plugin.value) || reported.contains(&plugin.value.as_str()) {
            continue;
        }
        let Some(enabled_at) = enabled.iter().find(|e| e.value == plugin.value) else {
            continue;
        };
        reported.push(&plugin.value);
        findings
            .report(
                plugin.location(),
                format!("`{}` is both enabled and disabled", plugin.value),
            )
            .label("also in `--enable-admission-plugins`")
            .help(format!(
                "remove `{}` from one of the two lists",
                plugin.value
            ))
            .note(format!(
                "enabled at {}; kube-apiserver refuses overlapping plugin lists and exits at start-up",
                line_of(inventory, enabled_at.location(), plugin.location().file())
            ));
    }
}

fn check_authorization_config(
    inventory: &Inventory,
    api: &ApiServer<'_>,
    findings: &mut Findings<'_>,
) {
    let flags = api.flags();
    let Some(config) = set(flags, "authorization-config") else {
        return;
    };
    for legacy in LEGACY_AUTHORIZATION_FLAGS {
        let Some(flag) = flags.all(legacy).next() else {
            continue;
        };
        let here = name_location(api.process, flag);
        let config_at = line_of(inventory, config.occurrence(), here.file());
        let help = if legacy == "authorization-mode" {
            "define the authorizer chain in the authorization config file and remove `--authorization-mode`".to_owned()
        } else {
            format!(
                "move the webhook settings into the authorization config file and remove `--{legacy}`"
            )
        };
        findings
            .report(
                here,
                format!("`--{legacy}` cannot be combined with `--authorization-config`"),
            )
            .label("replaced by `--authorization-config`")
            .help(help)
            .note(format!(
                "`--authorization-config` is at {config_at}; kube-apiserver exits at start-up when it is combined with `--authorization-mode` or `--authorization-webhook-*` flags"
            ));
    }
}

/// `--authorization-policy-file` needs `ABAC`, `--authorization-webhook-config-file` needs
/// `Webhook`.
fn check_files_without_modes(
    inventory: &Inventory,
    api: &ApiServer<'_>,
    findings: &mut Findings<'_>,
) {
    // Unknown when a mode is a placeholder.
    let Some(authorization) = api.authorization() else {
        return;
    };
    let Authorization::Modes(modes) = &authorization.value else {
        return;
    };
    let flags = api.flags();
    for (file_flag, mode) in [
        ("authorization-policy-file", "ABAC"),
        ("authorization-webhook-config-file", "Webhook"),
    ] {
        let Some(flag) = set(flags, file_flag) else {
            continue;
        };
        if modes.iter().any(|m| m.value == mode) {
            continue;
        }
        let here = name_location(api.process, flag);
        let modes_note = match flags.last("authorization-mode") {
            Some(f) => format!(
                "`--authorization-mode` at {} does not list `{mode}`",
                line_of(inventory, f.occurrence(), here.file())
            ),
            None => {
                "`--authorization-mode` is not set, so only `AlwaysAllow` is in effect".to_owned()
            }
        };
        findings
            .report(
                here,
                format!("`--{file_flag}` is set, but `{mode}` is not an authorization mode"),
            )
            .label(format!("used only by mode `{mode}`"))
            .help(format!(
                "add `{mode}` to `--authorization-mode`, or remove `--{file_flag}`"
            ))
            .note(format!(
                "{modes_note}; kube-apiserver exits at start-up: \"cannot specify --{file_flag} without mode {mode}\""
            ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver, apiserver_args, apiserver_at};

    #[test]
    fn cases() {
        Tester::new(&ConflictingFlags, "kube-apiserver.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction",
                    "--disable-admission-plugins=DefaultStorageClass",
                    "--authorization-mode=Node,RBAC",
                ]),
                // The legacy flag on its own is how old releases choose plugins.
                apiserver_at(
                    "v1.9.3",
                    &["--admission-control=NamespaceLifecycle,NodeRestriction"],
                ),
                apiserver(&["--authorization-config=/etc/kubernetes/authz.yaml"]),
                apiserver(&["--authorization-config=", "--authorization-mode=Node,RBAC"]),
                apiserver(&[
                    "--authorization-mode=Node,Webhook",
                    "--authorization-webhook-config-file=/etc/kubernetes/webhook.yaml",
                ]),
                apiserver(&[
                    "--authorization-mode=$(MODES)",
                    "--authorization-policy-file=/p.jsonl",
                ]),
            ])
            .fail([
                apiserver_at(
                    "v1.18.20",
                    &[
                        "--admission-control=NamespaceLifecycle,NodeRestriction",
                        "--enable-admission-plugins=NodeRestriction",
                    ],
                ),
                apiserver_args(&[
                    "--disable-admission-plugins=PodSecurity",
                    "--admission-control",
                    "NodeRestriction",
                ]),
                apiserver(&[
                    "--enable-admission-plugins=NodeRestriction,PodSecurity",
                    "--disable-admission-plugins=PodSecurity,NodeRestriction",
                ]),
                apiserver(&[
                    "--authorization-config=/etc/kubernetes/authz.yaml",
                    "--authorization-mode=Node,RBAC",
                    "--authorization-webhook-version=v1",
                ]),
                apiserver(&["--authorization-policy-file=/etc/kubernetes/abac.jsonl"]),
                apiserver(&[
                    "--authorization-mode=Node,RBAC",
                    "--authorization-webhook-config-file=/etc/kubernetes/webhook.yaml",
                ]),
            ])
            .test_and_snapshot();
    }
}

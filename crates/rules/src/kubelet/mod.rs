//! KLET: the kubelet API — anonymous requests, authorization, the read-only port, and what
//! the API server needs to talk to kubelets safely.

mod kubelet_anonymous_auth_enabled;
mod kubelet_authorization_always_allow;
mod kubelet_client_ca_missing;
mod kubelet_client_cert_missing;
mod kubelet_read_only_port_enabled;
mod node_authorizer_missing;
mod node_restriction_disabled;

use kubeharden_core::views::Kubelet;
use kubeharden_core::{Component, Effective, Inventory, Location, Provenance};

use crate::finding::{Applicability, Findings};
use crate::fixes;
use crate::notes;
use crate::rule::Registered;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&kubelet_anonymous_auth_enabled::KubeletAnonymousAuthEnabled),
    Registered::Check(&kubelet_client_cert_missing::KubeletClientCertMissing),
    Registered::Check(&kubelet_authorization_always_allow::KubeletAuthorizationAlwaysAllow),
    Registered::Check(&node_restriction_disabled::NodeRestrictionDisabled),
    Registered::Check(&kubelet_read_only_port_enabled::KubeletReadOnlyPortEnabled),
    Registered::Check(&node_authorizer_missing::NodeAuthorizerMissing),
    Registered::Check(&kubelet_client_ca_missing::KubeletClientCaMissing),
];

/// A kubelet setting, named both ways: `--flag` on the command line, `field` in a
/// `KubeletConfiguration`.
#[derive(Clone, Copy)]
struct KubeletSetting {
    flag: &'static str,
    field: &'static str,
    /// The kind of fix [`Self::report`] attaches; `None` for no fix.
    fix: Option<Applicability>,
}

impl KubeletSetting {
    /// Whether the user writes (or would write) this setting as the config field rather than
    /// the flag: where it was written, else whether the kubelet reads a config file.
    fn as_field<T>(self, kubelet: &Kubelet<'_>, setting: &Effective<T>) -> bool {
        match setting.provenance {
            // kubeadm passes `kubeletExtraArgs` on the command line.
            Provenance::Flag(_) | Provenance::KubeadmExtraArgs(_) => false,
            Provenance::ConfigFile(_) | Provenance::DropIn(_) => true,
            _ => kubelet.uses_config_file(),
        }
    }

    /// The setting's name as the user writes it: `` `--flag` `` or `` `field` ``.
    fn name<T>(self, kubelet: &Kubelet<'_>, setting: &Effective<T>) -> String {
        if self.as_field(kubelet, setting) {
            format!("`{}`", self.field)
        } else {
            format!("`--{}`", self.flag)
        }
    }

    /// What to write: `` add `--flag=value` `` / `` set `--flag=value` ``, or
    /// `` set `field` to `value` `` in a config file.
    fn help<T>(self, kubelet: &Kubelet<'_>, setting: &Effective<T>, value: &str) -> String {
        if matches!(setting.provenance, Provenance::KubeadmExtraArgs(_)) {
            format!(
                "set the `{}` entry of `kubeletExtraArgs` to `{value}`",
                self.flag
            )
        } else if self.as_field(kubelet, setting) {
            format!("set `{}` to `{value}`", self.field)
        } else if setting.is_default() {
            format!("add `--{}={value}`", self.flag)
        } else {
            format!("set `--{}={value}`", self.flag)
        }
    }

    /// Reports an insecure effective `setting` with its secure `value`: at the written value
    /// (labelled `written_label`) or where the setting belongs, with help and a source note.
    fn report<T: std::fmt::Display>(
        self,
        findings: &mut Findings<'_>,
        inventory: &Inventory,
        kubelet: &Kubelet<'_>,
        setting: &Effective<T>,
        written_label: &str,
        value: &str,
    ) {
        let fix = self.fix.and_then(|applicability| {
            let edits = self.fix_edits(inventory, kubelet, setting, value)?;
            let help = self.help(kubelet, setting, value);
            let mut title = help.clone();
            title.replace_range(..1, &help[..1].to_uppercase());
            Some(fixes::fix(title, applicability, edits))
        });
        let label = if setting.is_default() {
            self.missing_label(kubelet, setting, Some(value))
        } else {
            written_label.to_owned()
        };
        let finding = findings
            .report(
                setting.location_or(kubelet.missing_anchor(self.field)),
                notes::setting_state(self.flag, self.field, setting, kubelet.uses_config_file()),
            )
            .component(Component::Kubelet)
            .label(label)
            .help(self.help(kubelet, setting, value));
        let finding = match self.source_note(inventory, kubelet, setting, Some(value)) {
            Some(note) => finding.note(note),
            None => finding,
        };
        finding.fix(fix);
    }

    /// The edits that give the setting `value` where it is decided: the winning flag's value,
    /// the written config field, the field added to the config file (with its missing
    /// parents), or a new flag for a kubelet without a config file.
    fn fix_edits<T>(
        self,
        inventory: &Inventory,
        kubelet: &Kubelet<'_>,
        setting: &Effective<T>,
        value: &str,
    ) -> Option<fixes::Edits> {
        match setting.provenance {
            Provenance::Flag(_) | Provenance::KubeadmExtraArgs(_) => {
                let process = kubelet.sources.command_line?;
                let flag = process.flags.last(self.flag)?;
                fixes::set_flag_value(inventory, process, flag, value)
            }
            Provenance::ConfigFile(location) | Provenance::DropIn(location) => {
                fixes::set_config_value(inventory, location, value)
            }
            Provenance::Default(_) if kubelet.sources.config.is_some() => {
                let doc = kubelet.sources.config?;
                fixes::set_config_field(inventory, doc, self.field, value)
            }
            Provenance::Default(_) if !kubelet.uses_config_file() => fixes::add_flag(
                inventory,
                kubelet.sources.command_line?,
                &format!("--{}={value}", self.flag),
            ),
            _ => None,
        }
    }

    /// The label under a setting nobody wrote: at the flag list, the config file's `kind:`, or
    /// the nearest parent key that exists.
    fn missing_label<T>(
        self,
        kubelet: &Kubelet<'_>,
        setting: &Effective<T>,
        value: Option<&str>,
    ) -> String {
        if !self.as_field(kubelet, setting) {
            return match value {
                Some(value) => format!("no `--{}={value}` among these flags", self.flag),
                None => format!("no `--{}` among these flags", self.flag),
            };
        }
        let at_kind = kubelet
            .sources
            .config
            .is_some_and(|doc| kubelet.missing_anchor(self.field) == doc.kind_location);
        if at_kind {
            format!("no `{}` in this KubeletConfiguration", self.field)
        } else {
            format!("no `{}` under this key", self.field)
        }
    }

    /// Where the value came from, when the span alone does not say it: a flag that overrides
    /// the config file, a config file read through another file's `--config`, or the flag
    /// defaults of a kubelet without a config file (`config_default`: the config file's
    /// default, when that one is secure).
    fn source_note<T>(
        self,
        inventory: &Inventory,
        kubelet: &Kubelet<'_>,
        setting: &Effective<T>,
        config_default: Option<&str>,
    ) -> Option<String> {
        let place = |location: Location| {
            let file = inventory.file(location.file());
            format!(
                "{}:{}",
                file.path().display(),
                file.line_col(location.span().start)
            )
        };
        match &setting.provenance {
            Provenance::Flag(_) => {
                let doc = kubelet.sources.config?;
                Some(match doc.fields.get(self.field) {
                    Some(leaf) => format!(
                        "the command-line flag overrides `{}` in the config file at {}",
                        self.field,
                        place(leaf.location)
                    ),
                    None => format!(
                        "the command-line flag overrides the config file {}",
                        inventory.file(doc.file).path().display()
                    ),
                })
            }
            Provenance::KubeadmExtraArgs(_) => Some(
                "kubeadm passes `kubeletExtraArgs` to the kubelet as command-line flags (through `/var/lib/kubelet/kubeadm-flags.env`), which override its config file"
                    .to_owned(),
            ),
            Provenance::Default(_) if !kubelet.uses_config_file() => config_default.map(|secure| {
                format!(
                    "without a `--config` file the kubelet runs on its flag defaults; a KubeletConfiguration file defaults to `{secure}`"
                )
            }),
            _ => {
                // A config file's value (written or defaulted), read through `--config`: only
                // a command line has that flag.
                let config = kubelet.config_flag()?;
                let at = config
                    .provenance
                    .location()
                    .map_or_else(String::new, |l| format!(" at {}", place(l)));
                Some(format!(
                    "the kubelet reads this file through `--config`{at}; a command-line flag would override it",
                ))
            }
        }
    }
}

//! The kubelet's effective settings.
//!
//! Precedence: a command-line flag beats the `--config-dir` drop-ins (a later file beats an
//! earlier one), which beat the `--config` file, which beats the defaults. Which
//! defaults apply depends on whether a config file is in use: the flag defaults are the
//! insecure ones of old (anonymous on, `AlwaysAllow`, read-only port 10255), while
//! `KubeletConfiguration` v1beta1 defaults to anonymous off, `Webhook` and no read-only port.

use std::cmp::Reverse;
use std::path::Path;

use super::FlagReader;
use crate::effective::{Effective, Provenance};
use crate::flags::values::is_placeholder_for;
use crate::inventory::{
    ConfigLeaf, Inventory, KubeletConfigDoc, Origin, Process, shared_components,
};
use crate::source::Location;

/// Where one kubelet's settings come from.
#[derive(Clone, Debug, Default)]
pub struct KubeletSources<'i> {
    /// The kubelet's command line, when kubeharden saw one.
    pub command_line: Option<&'i Process>,
    /// The config file: the one `--config` names when it was scanned too, or a
    /// `KubeletConfiguration` seen on its own.
    pub config: Option<&'i KubeletConfigDoc>,
    /// The `--config-dir` drop-ins that were read, in the order the kubelet merges them.
    pub dropins: Vec<&'i KubeletConfigDoc>,
}

/// One kubelet.
#[derive(Clone, Debug)]
pub struct Kubelet<'i> {
    pub sources: KubeletSources<'i>,
    /// The command line's flag list, or the config file's `kind:`.
    anchor: Location,
}

const CONFIG_DEFAULT: &str = "KubeletConfiguration default";
const FLAG_DEFAULT: &str = "kubelet flag default";
const KUBEADM_DEFAULT: &str = "kubeadm default";

/// The cluster CA kubeadm points every kubelet at.
pub const KUBEADM_CLIENT_CA: &str = "/etc/kubernetes/pki/ca.crt";

impl<'i> Kubelet<'i> {
    /// Every kubelet of the inventory (see [`Inventory::kubelets`]).
    pub(crate) fn all(inventory: &'i Inventory) -> Vec<Self> {
        let mut claimed = vec![false; inventory.kubelet_configs().len()];
        let mut kubelets = Vec::new();
        for container in inventory.processes_of(crate::Component::Kubelet) {
            let config_path = container
                .flags
                .last("config")
                .and_then(|f| f.value.as_ref());
            // kubeadm writes a `KubeletConfiguration` of its config file to the path `--config`
            // names: the kubelet a kubeadm config describes reads the one next to it.
            let kubeadm_config = (container.origin == Origin::Kubeadm).then(|| {
                let index = inventory
                    .kubelet_configs()
                    .iter()
                    .rposition(|doc| doc.file == container.file)?;
                claimed[index] = true;
                Some(&inventory.kubelet_configs()[index])
            });
            let config = kubeadm_config.unwrap_or_else(|| {
                config_path.and_then(|path| {
                    let wanted = Path::new(path.text.trim_start_matches('/'));
                    let named_in = inventory.file(path.location().file()).path();
                    // Of the files at that path (one per node tree in a run), the closest.
                    let index = inventory
                        .kubelet_configs()
                        .iter()
                        .enumerate()
                        .filter(|(_, doc)| inventory.file(doc.file).path().ends_with(wanted))
                        .min_by_key(|(_, doc)| {
                            Reverse(shared_components(inventory.file(doc.file).path(), named_in))
                        })?
                        .0;
                    claimed[index] = true;
                    Some(&inventory.kubelet_configs()[index])
                })
            });
            let dropin_dir = container
                .flags
                .last("config-dir")
                .and_then(|f| f.value.as_ref());
            let mut dropins: Vec<(usize, &KubeletConfigDoc)> = dropin_dir
                .map(|dir| {
                    let wanted = Path::new(dir.text.trim_start_matches('/'));
                    let named_in = inventory.file(dir.location().file()).path();
                    let found: Vec<(usize, &KubeletConfigDoc)> = inventory
                        .kubelet_configs()
                        .iter()
                        .enumerate()
                        .filter(|(_, doc)| {
                            let path = inventory.file(doc.file).path();
                            path.parent().is_some_and(|p| p.ends_with(wanted))
                                && path.extension().is_some_and(|e| e == "conf")
                        })
                        .collect();
                    // Only the closest of the directories at that path (one per node tree).
                    let shared = |doc: &KubeletConfigDoc| {
                        shared_components(inventory.file(doc.file).path(), named_in)
                    };
                    let closest = found.iter().map(|(_, doc)| shared(doc)).max();
                    found
                        .into_iter()
                        .filter(|(_, doc)| Some(shared(doc)) == closest)
                        .collect()
                })
                .unwrap_or_default();
            dropins.sort_by(|a, b| {
                let name = |doc: &KubeletConfigDoc| inventory.file(doc.file).path().file_name();
                name(a.1).cmp(&name(b.1))
            });
            for (index, _) in &dropins {
                claimed[*index] = true;
            }
            kubelets.push(Self {
                sources: KubeletSources {
                    command_line: Some(container),
                    config,
                    dropins: dropins.into_iter().map(|(_, doc)| doc).collect(),
                },
                anchor: Location::new(container.file, container.flags_anchor),
            });
        }
        for (doc, claimed) in inventory.kubelet_configs().iter().zip(claimed) {
            if !claimed {
                kubelets.push(Self {
                    sources: KubeletSources {
                        command_line: None,
                        config: Some(doc),
                        dropins: Vec::new(),
                    },
                    anchor: doc.kind_location,
                });
            }
        }
        kubelets
    }

    /// `--config-dir`, when the command line has it.
    #[must_use]
    pub fn config_dir_flag(&self) -> Option<Effective<String>> {
        self.reader()?.string("config-dir")
    }

    /// Whether this is the kubelet a kubeadm config describes.
    fn is_kubeadm(&self) -> bool {
        self.sources
            .command_line
            .is_some_and(|c| c.origin == Origin::Kubeadm)
    }

    fn reader(&self) -> Option<FlagReader<'i>> {
        self.sources.command_line.map(FlagReader::new)
    }

    /// `--config`, when the command line has it.
    #[must_use]
    pub fn config_flag(&self) -> Option<Effective<String>> {
        self.reader()?.string("config")
    }

    /// Whether a config file decides the settings no flag sets.
    #[must_use]
    pub fn uses_config_file(&self) -> bool {
        self.sources.config.is_some()
            || !self.sources.dropins.is_empty()
            || self.config_flag().is_some()
            || self.config_dir_flag().is_some()
    }

    /// Where a setting nobody wrote would go: under its nearest parent key in the config
    /// file (or the file's `kind:`), else at the command line's flag list.
    #[must_use]
    pub fn missing_anchor(&self, field: &str) -> Location {
        if let Some(doc) = self.sources.config {
            return doc
                .fields
                .nearest_parent(field)
                .unwrap_or(doc.kind_location);
        }
        self.anchor
    }

    /// Whether the command line has `--name` with a value kubeharden cannot know (a
    /// placeholder, an unresolved `$(VAR)`) or the kubelet would reject (missing or
    /// unparsable): `read` is what reading it gave. Such a flag still beats the config file,
    /// so nothing is decided.
    fn flag_undecided<T>(&self, name: &str, read: Option<&Effective<T>>) -> bool {
        self.sources
            .command_line
            .and_then(|c| c.flags.last(name))
            .is_some_and(|flag| {
                read.is_none()
                    || flag
                        .value
                        .as_ref()
                        .is_some_and(|v| is_placeholder_for(None, &v.text))
            })
    }

    /// Resolves one setting. `None` when it depends on a `--config` file that was not scanned,
    /// or on a command-line flag whose value is unknown or invalid.
    fn setting<T>(
        &self,
        flag_name: &str,
        flag: Option<Effective<T>>,
        field: &str,
        parse: impl FnOnce(&ConfigLeaf) -> Option<T>,
        config_default: T,
        flag_default: T,
    ) -> Option<Effective<T>> {
        if self.flag_undecided(flag_name, flag.as_ref()) {
            return None;
        }
        if let Some(flag) = flag {
            return Some(flag);
        }
        // A flag hidden in a variable kubeharden could not resolve may set it.
        if self.sources.command_line.is_some_and(|c| !c.is_complete()) {
            return None;
        }
        for doc in self.sources.dropins.iter().rev() {
            if let Some(leaf) = doc.fields.get(field) {
                let value = parse(leaf)?;
                return Some(Effective::new(value, Provenance::DropIn(leaf.location)));
            }
        }
        if let Some(doc) = self.sources.config {
            let written = doc.fields.get(field).and_then(|leaf| {
                let value = parse(leaf)?;
                Some(Effective::new(value, Provenance::ConfigFile(leaf.location)))
            });
            return Some(
                written
                    .unwrap_or_else(|| Effective::defaulted(config_default, CONFIG_DEFAULT, None)),
            );
        }
        if self.is_kubeadm() {
            // The config kubeadm generates when its config file has none.
            return Some(Effective::defaulted(config_default, KUBEADM_DEFAULT, None));
        }
        if self.config_flag().is_some() {
            return None;
        }
        if self.config_dir_flag().is_some() {
            return Some(Effective::defaulted(config_default, CONFIG_DEFAULT, None));
        }
        Some(Effective::defaulted(flag_default, FLAG_DEFAULT, None))
    }

    /// Anonymous requests to the kubelet API: `--anonymous-auth` /
    /// `authentication.anonymous.enabled`.
    #[must_use]
    pub fn anonymous_auth(&self) -> Option<Effective<bool>> {
        self.setting(
            "anonymous-auth",
            self.reader().and_then(|r| r.bool("anonymous-auth")),
            "authentication.anonymous.enabled",
            |leaf| leaf.scalar.k8s_bool().ok(),
            false,
            true,
        )
    }

    /// `--authorization-mode` / `authorization.mode`.
    #[must_use]
    pub fn authorization_mode(&self) -> Option<Effective<String>> {
        self.setting(
            "authorization-mode",
            self.reader().and_then(|r| r.string("authorization-mode")),
            "authorization.mode",
            |leaf| Some(leaf.scalar.value.to_string()),
            "Webhook".to_owned(),
            "AlwaysAllow".to_owned(),
        )
    }

    /// `--read-only-port` / `readOnlyPort`; `0` is off.
    #[must_use]
    pub fn read_only_port(&self) -> Option<Effective<i64>> {
        self.setting(
            "read-only-port",
            self.reader().and_then(|r| r.int("read-only-port")),
            "readOnlyPort",
            |leaf| leaf.scalar.k8s_int().ok(),
            0,
            10255,
        )
    }

    /// `--client-ca-file` / `authentication.x509.clientCAFile`; `None` inside when unset.
    ///
    /// kubeadm writes `/etc/kubernetes/pki/ca.crt` into the config it generates, so a
    /// `KubeletConfiguration` in a kubeadm config file that leaves it out still gets one.
    #[must_use]
    pub fn client_ca_file(&self) -> Option<Effective<Option<String>>> {
        let kubeadm_fills = self
            .sources
            .config
            .map_or(self.is_kubeadm(), |doc| doc.in_kubeadm_file);
        if kubeadm_fills {
            let flag = self.reader().and_then(|r| r.string("client-ca-file"));
            // kubeadm fills in an empty path too.
            let written = self.sources.config.and_then(|doc| {
                doc.fields
                    .get("authentication.x509.clientCAFile")
                    .filter(|leaf| !leaf.scalar.value.is_empty())
            });
            if flag.is_none() && written.is_none() {
                return Some(Effective::defaulted(
                    Some(KUBEADM_CLIENT_CA.to_owned()),
                    KUBEADM_DEFAULT,
                    None,
                ));
            }
        }
        self.setting(
            "client-ca-file",
            self.reader()
                .and_then(|r| r.string("client-ca-file"))
                .map(|e| e.map(Some)),
            "authentication.x509.clientCAFile",
            |leaf| Some(Some(leaf.scalar.value.to_string())),
            None,
            None,
        )
    }
}

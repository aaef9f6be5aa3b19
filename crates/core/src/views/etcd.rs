//! etcd's effective settings.
//!
//! etcd reads a flag, else its `ETCD_<FLAG_NAME>` environment variable, else its default. With
//! `--config-file` it ignores both flags and environment and reads only that file.

use super::{FlagReader, VersionInfo};
use crate::effective::{Effective, Provenance};
use crate::flags::parse_go_bool;
use crate::source::Location;
use std::path::Path;

use crate::inventory::{ConfigLeaf, EnvVar, EtcdConfigDoc, Inventory, Process, shared_components};
use crate::source::Located;
use crate::source::{MappedText, TextMap};
use crate::yaml::ScalarStyle;

/// An etcd container.
#[derive(Clone, Copy, Debug)]
pub struct Etcd<'i> {
    inventory: &'i Inventory,
    pub process: &'i Process,
}

const ETCD_DEFAULT: &str = "etcd default";

impl<'i> Etcd<'i> {
    #[must_use]
    pub fn new(inventory: &'i Inventory, process: &'i Process) -> Self {
        Self { inventory, process }
    }

    fn reader(&self) -> FlagReader<'i> {
        FlagReader::new(self.process)
    }

    /// The Kubernetes version of the control plane is not etcd's: etcd's own flags do not
    /// change with it. Reported for notes only.
    #[must_use]
    pub fn version(&self) -> VersionInfo {
        super::process_version(self.inventory, self.process)
    }

    /// Where a setting nobody wrote belongs: the flags list, or, when etcd reads a config
    /// file, that file's first line that is neither blank nor a comment.
    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        if let Some(doc) = self.config_doc() {
            let text = self.inventory.file(doc.file).text();
            let mut start = 0;
            for line in text.split_inclusive('\n') {
                let content = line.trim_end_matches(['\n', '\r']);
                let trimmed = content.trim_start();
                if !trimmed.is_empty() && !trimmed.starts_with('#') && trimmed != "---" {
                    let indent = content.len() - trimmed.len();
                    let span = crate::Span::new(start + indent, start + content.len());
                    return Location::new(doc.file, span);
                }
                start += line.len();
            }
            return Location::new(doc.file, crate::Span::new(0, 0));
        }
        Location::new(self.process.file, self.process.flags_anchor)
    }
    fn env(&self, flag: &str) -> Option<&'i EnvVar> {
        let name = format!("ETCD_{}", flag.to_ascii_uppercase().replace('-', "_"));
        self.process
            .env
            .iter()
            .rev()
            .find(|var| var.name.value == name)
    }

    /// `--config-file` (or `ETCD_CONFIG_FILE`): when set, flags and environment are ignored.
    #[must_use]
    pub fn config_file(&self) -> Option<Effective<String>> {
        self.reader().string("config-file").or_else(|| {
            let var = self.env("config-file")?;
            let value = var.value.as_ref()?;
            Some(Effective::new(
                value.text.clone(),
                Provenance::Env(var.name.location().within(value.span)),
            ))
        })
    }

    /// Whether `--config-file` (or `ETCD_CONFIG_FILE`) decides every setting and that file
    /// was not read: etcd ignores its other flags and environment, so nothing can be judged.
    #[must_use]
    pub fn uses_config_file(&self) -> bool {
        self.config_file().is_some() && self.config_doc().is_none()
    }

    /// The `--config-file` kubeharden read (under `--root`, or among the linted files).
    #[must_use]
    pub fn config_doc(&self) -> Option<&'i EtcdConfigDoc> {
        let path = self.config_file()?.value;
        let wanted = Path::new(path.trim_start_matches('/'));
        let named_in = self.inventory.file(self.process.file).path();
        // Of the files at that path (one per node tree in a run), the closest.
        self.inventory
            .etcd_configs()
            .iter()
            .filter(|doc| self.inventory.file(doc.file).path().ends_with(wanted))
            .min_by_key(|doc| {
                std::cmp::Reverse(shared_components(
                    self.inventory.file(doc.file).path(),
                    named_in,
                ))
            })
    }

    /// The config file's leaf for a flag: TLS flags live under `client-transport-security`
    /// and `peer-transport-security`, the rest under their own name.
    fn config_leaf(&self, doc: &'i EtcdConfigDoc, flag: &str) -> Option<&'i ConfigLeaf> {
        const TLS_KEYS: &[&str] = &[
            "cert-file",
            "key-file",
            "client-cert-auth",
            "trusted-ca-file",
            "auto-tls",
        ];
        let key = match flag.strip_prefix("peer-") {
            Some(tls) if TLS_KEYS.contains(&tls) => format!("peer-transport-security.{tls}"),
            _ if TLS_KEYS.contains(&flag) => format!("client-transport-security.{flag}"),
            _ => flag.to_owned(),
        };
        doc.fields.get(&key)
    }

    /// Whether the container configures etcd through `ETCD_*` environment variables rather
    /// than flags: no flag on its command line, and at least one `ETCD_*` variable. Rules use
    /// it to say where a missing setting belongs.
    #[must_use]
    pub fn configured_by_env(&self) -> bool {
        self.process.flags.iter().next().is_none()
            && self
                .process
                .env
                .iter()
                .any(|var| var.name.value.starts_with("ETCD_"))
    }

    /// The value of the container's environment variable `name` when it is written in the
    /// file (`value:`), for resolving a `$(NAME)` reference; `None` for `valueFrom` or when
    /// there is no such variable. A later entry of the same name wins, as in Kubernetes.
    #[must_use]
    pub fn env_literal(&self, name: &str) -> Option<&'i str> {
        self.process
            .env
            .iter()
            .rev()
            .find(|var| var.name.value == name)?
            .value
            .as_ref()
            .map(|value| value.text.as_str())
    }

    /// A string setting: flag, else environment. `None` when unset, or when a config file
    /// decides instead. An empty value is the same as unset: etcd's string flags default to
    /// the empty string, which turns the feature off.
    #[must_use]
    pub fn string(&self, flag: &str) -> Option<Effective<String>> {
        if self.config_file().is_some() {
            let doc = self.config_doc()?;
            let leaf = self.config_leaf(doc, flag)?;
            let value = leaf.scalar.value.trim().to_owned();
            return (!value.is_empty())
                .then(|| Effective::new(value, Provenance::ConfigFile(leaf.location)));
        }
        let setting = self.reader().string(flag).or_else(|| {
            let var = self.env(flag)?;
            let value = var.value.as_ref()?;
            Some(Effective::new(
                value.text.clone(),
                Provenance::Env(var.name.location().within(value.span)),
            ))
        })?;
        (!setting.value.trim().is_empty()).then_some(setting)
    }

    /// A boolean setting that defaults to `false`. `None` when a config file decides.
    #[must_use]
    pub fn bool(&self, flag: &str) -> Option<Effective<bool>> {
        if self.config_file().is_some() {
            let doc = self.config_doc()?;
            return Some(match self.config_leaf(doc, flag) {
                Some(leaf) => Effective::new(
                    leaf.scalar.k8s_bool().ok()?,
                    Provenance::ConfigFile(leaf.location),
                ),
                None => Effective::defaulted(false, ETCD_DEFAULT, None),
            });
        }
        if self.process.flags.last(flag).is_some() {
            // Written: its value decides, or nothing does when it is a placeholder or invalid.
            return self.reader().bool(flag);
        }
        if let Some(var) = self.env(flag) {
            // Set, to a value etcd rejects or a placeholder: nothing is decided.
            let parsed = parse_go_bool(&var.value.as_ref()?.text).ok()?;
            let location = var
                .value
                .as_ref()
                .map_or(var.name.location(), |v| var.name.location().within(v.span));
            return Some(Effective::new(parsed, Provenance::Env(location)));
        }
        Some(Effective::defaulted(false, ETCD_DEFAULT, None))
    }

    /// A comma-separated URL list, each URL with its span.
    #[must_use]
    pub fn urls(&self, flag: &str) -> Vec<Located<String>> {
        if self.config_file().is_some() {
            let Some(leaf) = self.config_doc().and_then(|d| self.config_leaf(d, flag)) else {
                return Vec::new();
            };
            let quoted = matches!(
                leaf.scalar.style,
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
            );
            let start = leaf.location.span().start + usize::from(quoted);
            let text = leaf.scalar.value.to_string();
            let value = MappedText::new(
                text.clone(),
                leaf.location.span(),
                TextMap::verbatim(start, text.len()),
            );
            return split_urls(leaf.location, &value);
        }
        let from_flag = self.reader().list(flag);
        if !from_flag.is_empty() {
            return from_flag;
        }
        let Some(var) = self.env(flag) else {
            return Vec::new();
        };
        let Some(value) = var.value.as_ref() else {
            return Vec::new();
        };
        split_urls(var.name.location(), value)
    }

    /// A URL-list setting as written, each URL with its span, with the provenance of the
    /// flag's last occurrence (a repeat replaces the list) or of the environment variable.
    /// `None` when unset (etcd's default, on `localhost`, applies) or when a config file
    /// decides.
    #[must_use]
    pub fn url_list(&self, flag: &str) -> Option<Effective<Vec<Located<String>>>> {
        if self.config_file().is_some() {
            let doc = self.config_doc()?;
            let leaf = self.config_leaf(doc, flag)?;
            let urls = self.urls(flag);
            return (!urls.is_empty())
                .then(|| Effective::new(urls, Provenance::ConfigFile(leaf.location)));
        }
        let urls = self.urls(flag);
        if let Some(last) = self.process.flags.last(flag)
            && !urls.is_empty()
        {
            return Some(Effective::new(urls, self.reader().provenance(last)));
        }
        let var = self.env(flag)?;
        let value = var.value.as_ref()?;
        (!urls.is_empty()).then(|| {
            Effective::new(
                urls,
                Provenance::Env(var.name.location().within(value.span)),
            )
        })
    }

    /// `--listen-client-urls`: where etcd serves clients (default `http://localhost:2379`).
    #[must_use]
    pub fn listen_client_urls(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.url_list("listen-client-urls")
    }

    /// `--advertise-client-urls`: the client URLs etcd tells the cluster to use.
    #[must_use]
    pub fn advertise_client_urls(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.url_list("advertise-client-urls")
    }

    /// `--listen-peer-urls`: where etcd serves other members (default `http://localhost:2380`).
    #[must_use]
    pub fn listen_peer_urls(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.url_list("listen-peer-urls")
    }

    /// `--initial-advertise-peer-urls`: the peer URLs etcd tells the other members to use.
    #[must_use]
    pub fn initial_advertise_peer_urls(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.url_list("initial-advertise-peer-urls")
    }

    #[must_use]
    pub fn cert_file(&self) -> Option<Effective<String>> {
        self.string("cert-file")
    }

    #[must_use]
    pub fn key_file(&self) -> Option<Effective<String>> {
        self.string("key-file")
    }

    #[must_use]
    pub fn trusted_ca_file(&self) -> Option<Effective<String>> {
        self.string("trusted-ca-file")
    }

    #[must_use]
    pub fn client_cert_auth(&self) -> Option<Effective<bool>> {
        self.bool("client-cert-auth")
    }

    #[must_use]
    pub fn auto_tls(&self) -> Option<Effective<bool>> {
        self.bool("auto-tls")
    }

    #[must_use]
    pub fn peer_cert_file(&self) -> Option<Effective<String>> {
        self.string("peer-cert-file")
    }

    #[must_use]
    pub fn peer_key_file(&self) -> Option<Effective<String>> {
        self.string("peer-key-file")
    }

    #[must_use]
    pub fn peer_trusted_ca_file(&self) -> Option<Effective<String>> {
        self.string("peer-trusted-ca-file")
    }

    #[must_use]
    pub fn peer_client_cert_auth(&self) -> Option<Effective<bool>> {
        self.bool("peer-client-cert-auth")
    }

    #[must_use]
    pub fn peer_auto_tls(&self) -> Option<Effective<bool>> {
        self.bool("peer-auto-tls")
    }
}

/// A comma-separated URL list, each URL with its place in `file`'s file.
fn split_urls(file: Location, value: &MappedText) -> Vec<Located<String>> {
    let mut urls = Vec::new();
    let mut start = 0;
    for piece in value.text.split(',') {
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let offset = start + (piece.len() - piece.trim_start().len());
            urls.push(Located::new(
                trimmed.to_owned(),
                file.within(value.span_of(offset..offset + trimmed.len())),
            ));
        }
        start += piece.len() + 1;
    }
    urls
}

#[cfg(test)]
mod tests {
    use crate::effective::Provenance;
    use crate::inventory::{Inventory, InventoryBuilder, InventoryOptions};
    use crate::source::SourceFile;

    fn inventory(container: &str) -> Inventory {
        let indented: String = container
            .lines()
            .map(|line| format!("    {line}\n"))
            .collect();
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\nspec:\n  containers:\n  - name: etcd\n{indented}"
        );
        let mut builder = InventoryBuilder::new(InventoryOptions::default());
        builder.add_file(SourceFile::new("etcd.yaml", text));
        builder.build()
    }

    fn at(inventory: &Inventory, span: crate::source::Span) -> String {
        inventory.files().next().unwrap().1.slice(span).to_owned()
    }

    #[test]
    fn url_lists_carry_their_provenance() {
        let inventory = inventory(
            "command:\n- etcd\n- --listen-client-urls=http://10.0.0.1:2379\n- --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379\nenv:\n- name: ETCD_LISTEN_PEER_URLS\n  value: http://10.0.0.1:2380\n",
        );
        let etcd = inventory.etcds().next().unwrap();
        let client = etcd.listen_client_urls().unwrap();
        // A repeat replaces the list.
        let urls: Vec<_> = client.value.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(urls, ["https://127.0.0.1:2379", "https://10.0.0.1:2379"]);
        let Provenance::Flag(location) = client.provenance else {
            panic!("{:?}", client.provenance)
        };
        assert_eq!(
            at(&inventory, location.span()),
            "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379"
        );
        let peer = etcd.listen_peer_urls().unwrap();
        assert!(matches!(peer.provenance, Provenance::Env(_)));
        assert_eq!(at(&inventory, peer.value[0].span()), "http://10.0.0.1:2380");
        assert!(etcd.advertise_client_urls().is_none());
        assert!(!etcd.configured_by_env());
    }

    #[test]
    fn empty_strings_are_unset_and_env_literals_resolve() {
        let inventory = inventory(
            "command:\n- /bin/sh\n- -c\n- exec etcd\nenv:\n- name: ETCD_CERT_FILE\n  value: ''\n- name: ETCD_KEY_FILE\n  value: /etc/etcd/server.key\n- name: HOST_IP\n  valueFrom:\n    fieldRef:\n      fieldPath: status.hostIP\n- name: BIND\n  value: 127.0.0.1\n",
        );
        let etcd = inventory.etcds().next().unwrap();
        assert!(etcd.cert_file().is_none());
        assert_eq!(etcd.key_file().unwrap().value, "/etc/etcd/server.key");
        assert!(etcd.configured_by_env());
        assert_eq!(etcd.env_literal("BIND"), Some("127.0.0.1"));
        assert_eq!(etcd.env_literal("HOST_IP"), None);
        assert_eq!(etcd.env_literal("NOPE"), None);
    }

    #[test]
    fn config_file_hides_urls() {
        let inventory = inventory(
            "command:\n- etcd\n- --config-file=/etc/etcd.yaml\n- --listen-client-urls=http://0.0.0.0:2379\n",
        );
        let etcd = inventory.etcds().next().unwrap();
        assert!(etcd.uses_config_file());
        assert!(etcd.listen_client_urls().is_none());
    }
}

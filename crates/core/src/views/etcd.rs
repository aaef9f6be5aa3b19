//! etcd's effective settings.
//!
//! etcd reads a flag, else its `ETCD_<FLAG_NAME>` environment variable, else its default. With
//! `--config-file` it ignores both flags and environment and reads only that file.

use super::{FlagReader, VersionInfo};
use crate::effective::{Effective, Location, Provenance};
use crate::flags::parse_go_bool;
use crate::inventory::{Container, EnvVar, Inventory};
use crate::source::Spanned;

/// An etcd container.
#[derive(Clone, Copy, Debug)]
pub struct Etcd<'i> {
    inventory: &'i Inventory,
    pub container: &'i Container,
}

const ETCD_DEFAULT: &str = "etcd default";

impl<'i> Etcd<'i> {
    #[must_use]
    pub fn new(inventory: &'i Inventory, container: &'i Container) -> Self {
        Self {
            inventory,
            container,
        }
    }

    fn reader(&self) -> FlagReader<'i> {
        FlagReader {
            file: self.container.file,
            flags: &self.container.flags,
        }
    }

    /// The Kubernetes version of the control plane is not etcd's: etcd's own flags do not
    /// change with it. Reported for notes only.
    #[must_use]
    pub fn version(&self) -> VersionInfo {
        super::container_version(self.inventory, self.container)
    }

    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        Location::new(self.container.file, self.container.flags_anchor)
    }

    fn env(&self, flag: &str) -> Option<&'i EnvVar> {
        let name = format!("ETCD_{}", flag.to_ascii_uppercase().replace('-', "_"));
        self.container
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
                Provenance::Env(Location::new(self.container.file, value.span)),
            ))
        })
    }

    /// A string setting: flag, else environment. `None` when unset, or when a config file
    /// decides instead.
    #[must_use]
    pub fn string(&self, flag: &str) -> Option<Effective<String>> {
        if self.config_file().is_some() {
            return None;
        }
        self.reader().string(flag).or_else(|| {
            let value = self.env(flag)?.value.as_ref()?;
            Some(Effective::new(
                value.text.clone(),
                Provenance::Env(Location::new(self.container.file, value.span)),
            ))
        })
    }

    /// A boolean setting that defaults to `false`. `None` when a config file decides.
    #[must_use]
    pub fn bool(&self, flag: &str) -> Option<Effective<bool>> {
        if self.config_file().is_some() {
            return None;
        }
        if let Some(value) = self.reader().bool(flag) {
            return Some(value);
        }
        if let Some(value) = self.env(flag).and_then(|var| var.value.as_ref()) {
            if let Ok(parsed) = parse_go_bool(&value.text) {
                return Some(Effective::new(
                    parsed,
                    Provenance::Env(Location::new(self.container.file, value.span)),
                ));
            }
        }
        Some(Effective::default(false, ETCD_DEFAULT, None))
    }

    /// A comma-separated URL list, each URL with its span.
    #[must_use]
    pub fn urls(&self, flag: &str) -> Vec<Spanned<String>> {
        if self.config_file().is_some() {
            return Vec::new();
        }
        let from_flag = self.reader().list(flag);
        if !from_flag.is_empty() {
            return from_flag;
        }
        let Some(value) = self.env(flag).and_then(|var| var.value.as_ref()) else {
            return Vec::new();
        };
        let mut urls = Vec::new();
        let mut start = 0;
        for piece in value.text.split(',') {
            let trimmed = piece.trim();
            if !trimmed.is_empty() {
                let offset = start + (piece.len() - piece.trim_start().len());
                urls.push(Spanned::new(
                    trimmed.to_owned(),
                    value.span_of(offset..offset + trimmed.len()),
                ));
            }
            start += piece.len() + 1;
        }
        urls
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

//! The Kubernetes Dashboard's effective settings and its place in the cluster.

use super::FlagReader;
use crate::effective::{Effective, Location};
use crate::inventory::{Container, Inventory, Workload};
use crate::source::Spanned;
use crate::version::{Semver, dashboard_version_from_image};

const DASHBOARD_DEFAULT: &str = "Dashboard default";

/// A Dashboard container.
#[derive(Clone, Copy, Debug)]
pub struct Dashboard<'i> {
    inventory: &'i Inventory,
    pub container: &'i Container,
}

impl<'i> Dashboard<'i> {
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

    #[must_use]
    pub fn workload(&self) -> &'i Workload {
        self.inventory.workload(self.container)
    }

    /// The Dashboard release its image names.
    #[must_use]
    pub fn version(&self) -> Option<Semver> {
        dashboard_version_from_image(&self.container.image.as_ref()?.value)
    }

    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        Location::new(self.container.file, self.container.flags_anchor)
    }

    /// The namespace it runs in, as written (`None`: whatever namespace it is applied to).
    #[must_use]
    pub fn namespace(&self) -> Option<&'i str> {
        self.workload().meta.namespace.as_deref()
    }

    /// `serviceAccountName`; `default` when unset.
    #[must_use]
    pub fn service_account(&self) -> Spanned<String> {
        let workload = self.workload();
        workload
            .service_account
            .clone()
            .unwrap_or_else(|| Spanned::new("default".to_owned(), workload.kind_span))
    }

    /// Labels of the Dashboard's pods, for matching Services.
    #[must_use]
    pub fn pod_labels(&self) -> &'i [(String, String)] {
        &self.workload().pod_labels
    }

    /// `--enable-skip-login`, default `false`.
    #[must_use]
    pub fn enable_skip_login(&self) -> Effective<bool> {
        self.reader()
            .bool("enable-skip-login")
            .unwrap_or_else(|| Effective::default(false, DASHBOARD_DEFAULT, None))
    }

    /// `--enable-insecure-login`, default `false`.
    #[must_use]
    pub fn enable_insecure_login(&self) -> Effective<bool> {
        self.reader()
            .bool("enable-insecure-login")
            .unwrap_or_else(|| Effective::default(false, DASHBOARD_DEFAULT, None))
    }

    /// `--insecure-bind-address`, default `127.0.0.1` (plain HTTP stays on loopback).
    #[must_use]
    pub fn insecure_bind_address(&self) -> Effective<String> {
        self.reader()
            .string("insecure-bind-address")
            .unwrap_or_else(|| Effective::default("127.0.0.1".to_owned(), DASHBOARD_DEFAULT, None))
    }

    /// `--insecure-port`, default `9090`; `0` turns plain HTTP off.
    #[must_use]
    pub fn insecure_port(&self) -> Effective<i64> {
        self.reader()
            .int("insecure-port")
            .unwrap_or_else(|| Effective::default(9090, DASHBOARD_DEFAULT, None))
    }

    /// `--auto-generate-certificates`, default `false`.
    #[must_use]
    pub fn auto_generate_certificates(&self) -> Effective<bool> {
        self.reader()
            .bool("auto-generate-certificates")
            .unwrap_or_else(|| Effective::default(false, DASHBOARD_DEFAULT, None))
    }

    /// `--tls-cert-file`, when set.
    #[must_use]
    pub fn tls_cert_file(&self) -> Option<Effective<String>> {
        self.reader().string("tls-cert-file")
    }
}

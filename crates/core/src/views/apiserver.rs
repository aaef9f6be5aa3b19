//! kube-apiserver's effective settings.

use super::{FlagReader, VersionInfo, process_version};
use crate::effective::{Effective, Provenance};
use crate::flags::FlagSet;
use crate::inventory::{Inventory, Origin, Process};
use crate::source::Located;
use crate::source::Location;
use crate::version::{
    ENABLE_ADMISSION_PLUGINS_SINCE, EXTEND_TOKEN_EXPIRATION_BY_DEFAULT_SINCE,
    INSECURE_FLAGS_REMOVED_IN, KubeVersion, insecure_port_default,
};

/// Admission plugins the apiserver enables when `--enable-admission-plugins` does not name
/// them (v1.30). NodeRestriction is not one of them.
pub const DEFAULT_ADMISSION_PLUGINS: &[&str] = &[
    "CertificateApproval",
    "CertificateSigning",
    "CertificateSubjectRestriction",
    "ClusterTrustBundleAttest",
    "DefaultIngressClass",
    "DefaultStorageClass",
    "DefaultTolerationSeconds",
    "LimitRanger",
    "MutatingAdmissionWebhook",
    "NamespaceLifecycle",
    "PersistentVolumeClaimResize",
    "PodSecurity",
    "Priority",
    "ResourceQuota",
    "RuntimeClass",
    "ServiceAccount",
    "StorageObjectInUseProtection",
    "TaintNodesByCondition",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
];

/// The release from which `--anonymous-auth` defaults to `true` (v1.5.1 to v1.5.x: `false`).
const ANONYMOUS_AUTH_ON_BY_DEFAULT_SINCE: KubeVersion = KubeVersion::new(1, 6);

/// How requests are authorized.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Authorization {
    /// The authorizer chain, in order. When `--authorization-mode` is not set this is the
    /// default `AlwaysAllow`, spanned at the flags list.
    Modes(Vec<Located<String>>),
    /// `--authorization-config FILE`: the chain is in a file kubeharden does not read.
    ConfigFile(Located<String>),
}

impl Authorization {
    /// Whether the chain contains `mode`; `None` when it is defined in a config file.
    #[must_use]
    pub fn has_mode(&self, mode: &str) -> Option<bool> {
        match self {
            Self::Modes(modes) => Some(modes.iter().any(|m| m.value == mode)),
            Self::ConfigFile(_) => None,
        }
    }

    /// The item naming `mode`, if any.
    #[must_use]
    pub fn mode(&self, mode: &str) -> Option<&Located<String>> {
        match self {
            Self::Modes(modes) => modes.iter().find(|m| m.value == mode),
            Self::ConfigFile(_) => None,
        }
    }
}

/// A kube-apiserver container.
#[derive(Clone, Copy, Debug)]
pub struct ApiServer<'i> {
    inventory: &'i Inventory,
    pub process: &'i Process,
}

impl<'i> ApiServer<'i> {
    #[must_use]
    pub fn new(inventory: &'i Inventory, process: &'i Process) -> Self {
        Self { inventory, process }
    }

    fn reader(&self) -> FlagReader<'i> {
        FlagReader::new(self.process)
    }

    #[must_use]
    pub fn flags(&self) -> &'i FlagSet {
        &self.process.flags
    }

    #[must_use]
    pub fn version(&self) -> VersionInfo {
        process_version(self.inventory, self.process)
    }

    /// Where a missing flag belongs (the container's `args:` or `command:` key).
    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        Location::new(self.process.file, self.process.flags_anchor)
    }

    /// `--anonymous-auth`, default `true`; `None` when its value is a placeholder or invalid.
    #[must_use]
    pub fn anonymous_auth(&self) -> Option<Effective<bool>> {
        self.reader().bool_or("anonymous-auth", || {
            Effective::defaulted(true, "kube-apiserver default", None)
        })
    }

    /// Whether the secure port accepts requests without credentials (as `system:anonymous`),
    /// after the apiserver's own adjustments to `--anonymous-auth`:
    ///
    /// - unset, it is `true` from v1.6 and `false` before (v1.5);
    /// - whatever the flag says, it is `false` when `AlwaysAllow` is in the authorization
    ///   chain: the apiserver turns anonymous requests off next to that authorizer ("AnonymousAuth
    ///   is not allowed with the AlwaysAllow authorizer"). The provenance is then the
    ///   `AlwaysAllow` item, or a default when `AlwaysAllow` is the default chain.
    ///
    /// [`Self::anonymous_auth`] is the flag alone. `None` when a placeholder or an invalid
    /// value hides either setting.
    #[must_use]
    pub fn anonymous_requests(&self) -> Option<Effective<bool>> {
        let authorization = self.authorization()?;
        if let Authorization::Modes(modes) = &authorization.value
            && let Some(always_allow) = modes.iter().find(|mode| mode.value == "AlwaysAllow")
        {
            let provenance = if authorization.is_default() {
                Provenance::defaulted(
                    "kube-apiserver (no anonymous requests next to the default AlwaysAllow authorizer)",
                    None,
                )
            } else {
                self.reader()
                    .item_provenance("authorization-mode", always_allow)
            };
            return Some(Effective::new(false, provenance));
        }
        self.reader().bool_or("anonymous-auth", || {
            let version = self.version();
            if version
                .version
                .is_before(ANONYMOUS_AUTH_ON_BY_DEFAULT_SINCE)
            {
                return Effective::defaulted(false, "kube-apiserver default", version.known());
            }
            Effective::defaulted(true, "kube-apiserver default", None)
        })
    }

    /// The port served without TLS, authentication or authorization; `0` is off.
    ///
    /// Unset, it is 8080 before v1.20 and 0 from then on; v1.24 removed it altogether.
    /// `None` when its value is a placeholder or invalid.
    #[must_use]
    pub fn insecure_port(&self) -> Option<Effective<i64>> {
        self.reader().int_or("insecure-port", || {
            let version = self.version();
            if !version.version.is_before(INSECURE_FLAGS_REMOVED_IN) {
                return Effective::defaulted(
                    0,
                    "kube-apiserver (no insecure port since v1.24)",
                    version.known(),
                );
            }
            Effective::defaulted(
                i64::from(insecure_port_default(version.version)),
                "kube-apiserver default",
                version.known(),
            )
        })
    }

    /// `--insecure-bind-address`, when set.
    #[must_use]
    pub fn insecure_bind_address(&self) -> Option<Effective<String>> {
        self.reader().string("insecure-bind-address")
    }

    /// The authorization chain: `--authorization-mode`, or `--authorization-config`, or the
    /// default `AlwaysAllow`. `None` when a mode is a placeholder or `$(VAR)`: the chain is
    /// unknown.
    #[must_use]
    pub fn authorization(&self) -> Option<Effective<Authorization>> {
        let reader = self.reader();
        if !reader.list_is_known("authorization-mode") {
            return None;
        }
        let modes = reader.list("authorization-mode");
        if let Some(last) = self.flags().last("authorization-mode") {
            return Some(Effective::new(
                Authorization::Modes(modes),
                reader.provenance(last),
            ));
        }
        if let Some(config) = reader.string("authorization-config") {
            let location = config
                .provenance
                .location()
                .unwrap_or_else(|| self.process.missing_anchor());
            return Some(Effective::new(
                Authorization::ConfigFile(Located::new(config.value, location)),
                config.provenance,
            ));
        }
        Some(Effective::defaulted(
            Authorization::Modes(vec![Located::new(
                "AlwaysAllow".to_owned(),
                self.process.missing_anchor(),
            )]),
            "kube-apiserver default",
            None,
        ))
    }

    /// `--authorization-config`, when set: the authorizer chain then lives in that file, which
    /// kubeharden does not read (and `--authorization-mode` must not be given with it).
    #[must_use]
    pub fn authorization_config(&self) -> Option<Effective<String>> {
        self.reader().string("authorization-config")
    }

    /// `--authentication-config`, when set: a structured AuthenticationConfiguration file. From
    /// v1.31 it may hold the `anonymous` settings, which `--anonymous-auth` then must not repeat.
    #[must_use]
    pub fn authentication_config(&self) -> Option<Effective<String>> {
        self.reader().string("authentication-config")
    }

    /// [`Self::insecure_bind_address`] as an IP address; `None` when unset or not an address
    /// (the apiserver refuses to start with one).
    #[must_use]
    pub fn insecure_bind_ip(&self) -> Option<Effective<std::net::IpAddr>> {
        let address = self.insecure_bind_address()?;
        let ip = address.value.trim().parse().ok()?;
        Some(Effective::new(ip, address.provenance))
    }

    /// The authorizer chain when kubeharden can know it: the modes of `--authorization-mode`
    /// (or the default). `None` with `--authorization-config` (the chain is in a file
    /// kubeharden does not read; with `--authorization-mode` too the apiserver refuses to
    /// start), with a placeholder or `$(VAR)` in `--authorization-mode`, and for an empty
    /// chain (the apiserver refuses to start).
    #[must_use]
    pub fn known_authorization_modes(&self) -> Option<Effective<Vec<Located<String>>>> {
        if self.authorization_config().is_some() {
            return None;
        }
        let authorization = self.authorization()?;
        match authorization.value {
            Authorization::Modes(modes) if !modes.is_empty() => {
                Some(Effective::new(modes, authorization.provenance))
            }
            _ => None,
        }
    }

    /// Whether admission plugin `plugin` is on.
    ///
    /// `--disable-admission-plugins` wins; then `--enable-admission-plugins`; the legacy
    /// `--admission-control` enables exactly what it lists; otherwise the default set applies.
    /// `None` when a placeholder or `$(VAR)` item of a list that decides it could name it.
    #[must_use]
    pub fn admission_plugin(&self, plugin: &str) -> Option<Effective<bool>> {
        let reader = self.reader();
        let item = |flag: &str| {
            reader
                .list(flag)
                .into_iter()
                .rev()
                .find(|item| item.value == plugin)
                .map(|item| reader.item_provenance(flag, &item))
        };
        // Each list decides in turn; one with an unknown item could decide either way.
        for (flag, enables) in [
            ("disable-admission-plugins", false),
            ("enable-admission-plugins", true),
            ("admission-control", true),
        ] {
            if let Some(provenance) = item(flag) {
                return Some(Effective::new(enables, provenance));
            }
            if !reader.list_is_known(flag) {
                return None;
            }
        }
        if let Some(legacy) = self.flags().last("admission-control") {
            return Some(Effective::new(false, reader.provenance(legacy)));
        }
        let version = self.version();
        if version.version.is_before(ENABLE_ADMISSION_PLUGINS_SINCE) {
            return Some(Effective::defaulted(
                plugin == "AlwaysAdmit",
                "kube-apiserver default admission plugins (`AlwaysAdmit` alone)",
                version.known(),
            ));
        }
        if !DEFAULT_ADMISSION_PLUGINS.contains(&plugin) {
            // A kubeadm `extraArgs` entry (or a k3s `kube-apiserver-arg`) replaced the
            // generator's own list (which names NodeRestriction): that entry is why the
            // plugin is off.
            let written = self
                .flags()
                .last("enable-admission-plugins")
                .filter(|flag| flag.is_written());
            if let Some(enable) = written.filter(|_| {
                matches!(
                    self.process.origin,
                    Origin::Kubeadm | Origin::Distribution(_)
                )
            }) {
                return Some(Effective::new(false, reader.provenance(enable)));
            }
        }
        Some(Effective::defaulted(
            DEFAULT_ADMISSION_PLUGINS.contains(&plugin),
            "kube-apiserver default admission plugins",
            None,
        ))
    }

    /// `NodeRestriction`, which limits each kubelet to its own Node and pods.
    #[must_use]
    pub fn node_restriction(&self) -> Option<Effective<bool>> {
        self.admission_plugin("NodeRestriction")
    }

    /// `--enable-admission-plugins` as written: its items across every occurrence, provenance
    /// at the last occurrence; `None` when the flag is absent.
    #[must_use]
    pub fn enable_admission_plugins(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.plugin_list("enable-admission-plugins")
    }

    /// `--disable-admission-plugins` as written (see [`Self::enable_admission_plugins`]).
    #[must_use]
    pub fn disable_admission_plugins(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.plugin_list("disable-admission-plugins")
    }

    /// The legacy `--admission-control` as written (see [`Self::enable_admission_plugins`]):
    /// the apiserver runs exactly the plugins it lists.
    #[must_use]
    pub fn admission_control(&self) -> Option<Effective<Vec<Located<String>>>> {
        self.plugin_list("admission-control")
    }

    fn plugin_list(&self, flag: &str) -> Option<Effective<Vec<Located<String>>>> {
        let reader = self.reader();
        let last = self.flags().last(flag)?;
        Some(Effective::new(reader.list(flag), reader.provenance(last)))
    }

    /// `--admission-control-config-file`, when set: the plugins' own configurations
    /// (EventRateLimit's limits among them).
    #[must_use]
    pub fn admission_control_config_file(&self) -> Option<Effective<String>> {
        self.reader().string("admission-control-config-file")
    }

    /// `--token-auth-file`, when set: a CSV of static bearer tokens.
    #[must_use]
    pub fn token_auth_file(&self) -> Option<Effective<String>> {
        self.reader().string("token-auth-file")
    }

    /// `--kubelet-certificate-authority`, when set: the CA the apiserver checks kubelets'
    /// serving certificates against.
    #[must_use]
    pub fn kubelet_certificate_authority(&self) -> Option<Effective<String>> {
        self.reader().string("kubelet-certificate-authority")
    }

    /// `--profiling`, default `true`; `None` when its value is a placeholder or invalid.
    #[must_use]
    pub fn profiling(&self) -> Option<Effective<bool>> {
        self.reader().bool_or("profiling", || {
            Effective::defaulted(true, "kube-apiserver default", None)
        })
    }

    /// `--service-account-lookup`, default `true`: whether a service account token is checked
    /// against the token (and account) still existing in etcd.
    #[must_use]
    pub fn service_account_lookup(&self) -> Option<Effective<bool>> {
        self.reader().bool_or("service-account-lookup", || {
            Effective::defaulted(true, "kube-apiserver default", None)
        })
    }

    /// `--service-account-key-file`, every file with its span (the flag repeats); `None` when
    /// an item is a placeholder or `$(VAR)`.
    #[must_use]
    pub fn service_account_key_files(&self) -> Option<Vec<Located<String>>> {
        let reader = self.reader();
        reader
            .list_is_known("service-account-key-file")
            .then(|| reader.list("service-account-key-file"))
    }

    /// `--service-account-signing-endpoint`, when set: an external signer holds the keys.
    #[must_use]
    pub fn service_account_signing_endpoint(&self) -> Option<Effective<String>> {
        self.reader().string("service-account-signing-endpoint")
    }

    /// `--tls-cert-file`, when set.
    #[must_use]
    pub fn tls_cert_file(&self) -> Option<Effective<String>> {
        self.reader().string("tls-cert-file")
    }

    /// `--tls-private-key-file`, when set.
    #[must_use]
    pub fn tls_private_key_file(&self) -> Option<Effective<String>> {
        self.reader().string("tls-private-key-file")
    }

    /// `--service-account-issuer`, every issuer with its span (the flag repeats; the first one
    /// signs). Required from v1.20; before, without it, no bound tokens are issued.
    #[must_use]
    pub fn service_account_issuers(&self) -> Vec<Located<String>> {
        self.reader().list("service-account-issuer")
    }

    /// `--service-account-extend-token-expiration`, default `true` from v1.19, which added it;
    /// `false` before (tokens were never extended). `None` when its value is a placeholder or
    /// invalid.
    #[must_use]
    pub fn service_account_extend_token_expiration(&self) -> Option<Effective<bool>> {
        self.reader()
            .bool_or("service-account-extend-token-expiration", || {
                let version = self.version();
                if version
                    .version
                    .is_before(EXTEND_TOKEN_EXPIRATION_BY_DEFAULT_SINCE)
                {
                    return Effective::defaulted(
                        false,
                        "kube-apiserver default before v1.20",
                        version.known(),
                    );
                }
                Effective::defaulted(true, "kube-apiserver default", None)
            })
    }

    #[must_use]
    pub fn kubelet_client_certificate(&self) -> Option<Effective<String>> {
        self.reader().string("kubelet-client-certificate")
    }

    #[must_use]
    pub fn kubelet_client_key(&self) -> Option<Effective<String>> {
        self.reader().string("kubelet-client-key")
    }

    #[must_use]
    pub fn client_ca_file(&self) -> Option<Effective<String>> {
        self.reader().string("client-ca-file")
    }

    #[must_use]
    pub fn etcd_cafile(&self) -> Option<Effective<String>> {
        self.reader().string("etcd-cafile")
    }

    #[must_use]
    pub fn etcd_certfile(&self) -> Option<Effective<String>> {
        self.reader().string("etcd-certfile")
    }

    #[must_use]
    pub fn etcd_keyfile(&self) -> Option<Effective<String>> {
        self.reader().string("etcd-keyfile")
    }

    /// `--etcd-servers`, every URL with its span.
    #[must_use]
    pub fn etcd_servers(&self) -> Vec<Located<String>> {
        self.reader().list("etcd-servers")
    }
}

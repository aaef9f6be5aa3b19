//! kube-controller-manager's effective settings.

use super::{FlagReader, VersionInfo};
use crate::component::Component;
use crate::effective::Effective;
use crate::flags::values::is_placeholder_for;
use crate::version::KubeVersion;

const DEFAULT: &str = "kube-controller-manager default";

/// The address kube-controller-manager and kube-scheduler serve their secure port on when
/// `--bind-address` is not set: every interface.
pub const ALL_INTERFACES: &str = "0.0.0.0";

command_line_view!(
    /// A kube-controller-manager.
    ControllerManager,
    Component::ControllerManager,
    controller_managers
);

impl ControllerManager<'_> {
    /// `--profiling`, default `true`: `/debug/pprof` on the secure port.
    #[must_use]
    pub fn profiling(&self) -> Option<Effective<bool>> {
        self.reader()
            .bool_or("profiling", || Effective::defaulted(true, DEFAULT, None))
    }

    /// `--bind-address`, default `0.0.0.0` (every interface); `None` when its value is a
    /// placeholder.
    #[must_use]
    pub fn bind_address(&self) -> Option<Effective<String>> {
        bind_address(self.reader(), DEFAULT)
    }

    /// `--secure-port`: default 10257 from v1.13, `0` (off) before; `0` turns secure serving
    /// off.
    #[must_use]
    pub fn secure_port(&self) -> Option<Effective<i64>> {
        secure_port(self.reader(), self.version(), 10257, DEFAULT)
    }

    /// `--use-service-account-credentials`, default `false`: every controller then acts with
    /// the controller manager's own credentials.
    #[must_use]
    pub fn use_service_account_credentials(&self) -> Option<Effective<bool>> {
        self.reader()
            .bool_or("use-service-account-credentials", || {
                Effective::defaulted(false, DEFAULT, None)
            })
    }

    /// `--terminated-pod-gc-threshold`, default 12500; `<= 0` turns the terminated-pod garbage
    /// collector off.
    #[must_use]
    pub fn terminated_pod_gc_threshold(&self) -> Option<Effective<i64>> {
        self.reader().int_or("terminated-pod-gc-threshold", || {
            Effective::defaulted(12500, DEFAULT, None)
        })
    }

    /// `--service-account-private-key-file`, when set: the key that signs service account
    /// tokens.
    #[must_use]
    pub fn service_account_private_key_file(&self) -> Option<Effective<String>> {
        self.reader().string("service-account-private-key-file")
    }

    /// `--root-ca-file`, when set: the CA bundle put in service account token secrets.
    #[must_use]
    pub fn root_ca_file(&self) -> Option<Effective<String>> {
        self.reader().string("root-ca-file")
    }

    /// The value `--feature-gates` gives `gate`, when it names it (the last entry wins).
    /// `None` when it does not, or when the value is a placeholder or not a boolean.
    #[must_use]
    pub fn feature_gate(&self, gate: &str) -> Option<Effective<bool>> {
        feature_gate(self.reader(), gate)
    }
}

/// The release from which kube-controller-manager and kube-scheduler serve their secure
/// port by default; before, `--secure-port` defaulted to `0` and only the insecure port
/// (`--address`, `--port`) was served.
pub const SECURE_SERVING_BY_DEFAULT_SINCE: KubeVersion = KubeVersion::new(1, 13);

/// `--secure-port` of a component whose default is `port` from
/// [`SECURE_SERVING_BY_DEFAULT_SINCE`] and `0` before.
pub(super) fn secure_port(
    reader: FlagReader<'_>,
    version: VersionInfo,
    port: i64,
    default: &'static str,
) -> Option<Effective<i64>> {
    reader.int_or("secure-port", || {
        if version.version.is_before(SECURE_SERVING_BY_DEFAULT_SINCE) {
            Effective::defaulted(0, default, version.known())
        } else {
            Effective::defaulted(port, default, None)
        }
    })
}

/// `--bind-address` of a component serving on `0.0.0.0` by default (`DEFAULT` names whose
/// default it is); `None` when the value is a placeholder.
pub(super) fn bind_address(
    reader: FlagReader<'_>,
    default: &'static str,
) -> Option<Effective<String>> {
    if reader.flags.last("bind-address").is_none() {
        return Some(Effective::defaulted(
            ALL_INTERFACES.to_owned(),
            default,
            None,
        ));
    }
    let address = reader.string("bind-address")?;
    (!is_placeholder_for(None, &address.value)).then_some(address)
}

/// What `--feature-gates` sets `gate` to (see [`ControllerManager::feature_gate`]).
pub(super) fn feature_gate(reader: FlagReader<'_>, gate: &str) -> Option<Effective<bool>> {
    let entry = reader
        .flags
        .map_entries("feature-gates")
        .into_iter()
        .rev()
        .find(|entry| entry.key.value.trim() == gate)?;
    let value = entry.value?;
    let enabled = crate::flags::parse_go_bool(value.value.trim()).ok()?;
    let provenance = reader.item_provenance("feature-gates", &value);
    Some(Effective::new(enabled, provenance))
}

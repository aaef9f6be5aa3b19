//! Effective settings: the value a component really runs with, and where it came from.

use std::fmt;

use crate::source::Location;
use crate::version::KubeVersion;

/// Where an effective value came from.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Provenance {
    /// A command-line flag (in a container's `command`/`args`, or a flag file).
    Flag(Location),
    /// A field of a config file (`KubeletConfiguration`, etcd `--config-file`).
    ConfigFile(Location),
    /// A kubelet `--config-dir` drop-in.
    DropIn(Location),
    /// A kubeadm `extraArgs` entry.
    KubeadmExtraArgs(Location),
    /// An environment variable (`ETCD_*` in a container's `env`).
    Env(Location),
    /// Nobody set it: the component's built-in default applies.
    Default(DefaultReason),
}

/// Why a default applies, and for which version.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct DefaultReason {
    /// The version whose default this is; `None` when it does not depend on the version.
    pub version: Option<KubeVersion>,
    /// Whose default it is, e.g. `kubelet flag default` or `KubeletConfiguration default`.
    pub why: &'static str,
}

impl Provenance {
    /// The written value's location; `None` for defaults.
    #[must_use]
    pub fn location(&self) -> Option<Location> {
        match self {
            Self::Flag(l)
            | Self::ConfigFile(l)
            | Self::DropIn(l)
            | Self::KubeadmExtraArgs(l)
            | Self::Env(l) => Some(*l),
            Self::Default(_) => None,
        }
    }

    #[must_use]
    pub fn is_default(&self) -> bool {
        matches!(self, Self::Default(_))
    }

    #[must_use]
    pub const fn defaulted(why: &'static str, version: Option<KubeVersion>) -> Self {
        Self::Default(DefaultReason { version, why })
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(_) => f.write_str("set by a command-line flag"),
            Self::ConfigFile(_) => f.write_str("set in the config file"),
            Self::DropIn(_) => f.write_str("set in a --config-dir drop-in"),
            Self::KubeadmExtraArgs(_) => f.write_str("set in kubeadm extraArgs"),
            Self::Env(_) => f.write_str("set by an environment variable"),
            Self::Default(reason) => match reason.version {
                Some(version) => write!(f, "not set; the {} for {version} applies", reason.why),
                None => write!(f, "not set; the {} applies", reason.why),
            },
        }
    }
}

/// A setting's effective value with its provenance.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Effective<T> {
    pub value: T,
    pub provenance: Provenance,
}

impl<T> Effective<T> {
    #[must_use]
    pub const fn new(value: T, provenance: Provenance) -> Self {
        Self { value, provenance }
    }

    #[must_use]
    pub const fn defaulted(value: T, why: &'static str, version: Option<KubeVersion>) -> Self {
        Self::new(value, Provenance::defaulted(why, version))
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Effective<U> {
        Effective::new(f(self.value), self.provenance)
    }

    #[must_use]
    pub fn is_default(&self) -> bool {
        self.provenance.is_default()
    }

    /// Where to report about this setting: where it was written, else `anchor` (the place a
    /// missing setting belongs).
    #[must_use]
    pub fn location_or(&self, anchor: Location) -> Location {
        self.provenance.location().unwrap_or(anchor)
    }
}

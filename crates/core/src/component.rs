//! The control-plane components kubeharden knows.

use std::fmt;

/// A program whose configuration kubeharden reads.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum Component {
    ApiServer,
    Kubelet,
    Etcd,
    ControllerManager,
    Scheduler,
    Dashboard,
}

impl Component {
    pub const ALL: [Component; 6] = [
        Self::ApiServer,
        Self::Kubelet,
        Self::Etcd,
        Self::ControllerManager,
        Self::Scheduler,
        Self::Dashboard,
    ];

    /// The binary's name, as in `component:` labels and JSON output.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ApiServer => "kube-apiserver",
            Self::Kubelet => "kubelet",
            Self::Etcd => "etcd",
            Self::ControllerManager => "kube-controller-manager",
            Self::Scheduler => "kube-scheduler",
            Self::Dashboard => "kubernetes-dashboard",
        }
    }

    /// The component a program path stands for, by its basename (`kube-apiserver`,
    /// `/usr/local/bin/etcd`, `/dashboard`).
    #[must_use]
    pub fn from_binary(word: &str) -> Option<Self> {
        Some(match basename(word) {
            "kube-apiserver" => Self::ApiServer,
            // CoreOS ran the kubelet and etcd through wrappers taking the same flags, and
            // shipped etcd v2 as `etcd2`.
            "kubelet" | "kubelet-wrapper" => Self::Kubelet,
            "etcd" | "etcd2" | "etcd-wrapper" => Self::Etcd,
            "kube-controller-manager" => Self::ControllerManager,
            "kube-scheduler" => Self::Scheduler,
            "dashboard" | "kubernetes-dashboard" => Self::Dashboard,
            _ => return None,
        })
    }

    /// The component a `hyperkube` subcommand runs (`hyperkube apiserver`,
    /// `hyperkube kube-apiserver`).
    #[must_use]
    pub fn from_hyperkube_subcommand(word: &str) -> Option<Self> {
        Some(match word {
            "apiserver" | "kube-apiserver" => Self::ApiServer,
            "kubelet" => Self::Kubelet,
            "controller-manager" | "kube-controller-manager" => Self::ControllerManager,
            "scheduler" | "kube-scheduler" => Self::Scheduler,
            _ => return None,
        })
    }

    /// Whether the component is a Kubernetes binary parsing flags with spf13/pflag (etcd
    /// uses Go's standard `flag` package).
    #[must_use]
    pub const fn uses_pflag(self) -> bool {
        !matches!(self, Self::Etcd)
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The last path component of a program word.
#[must_use]
pub fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// As its binary's name (`kube-apiserver`), the name the JSON output uses.
#[cfg(feature = "serde")]
impl serde::Serialize for Component {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

//! A component's process as configured: its command line, wherever it is written.

use super::FileId;
use super::workload::{Detection, EnvVar};
use crate::component::Component;
use crate::flags::FlagSet;
use crate::source::{Located, Location, Span};
use crate::version::KubeVersion;

/// Where a process's command line is written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A container of a Pod or of a workload's pod template.
    Container {
        /// Index into [`super::Inventory::workloads`].
        workload: usize,
        name: Option<Located<String>>,
    },
    /// A systemd service: `ExecStart=` of its unit or drop-ins, with their environment.
    Service {
        /// The unit's name, `kubelet.service`.
        unit: String,
    },
    /// The static pod kubeadm would write from a kubeadm config.
    Kubeadm,
    /// A packaging's environment file (`/etc/kubernetes/apiserver` of Fedora's `kubernetes`
    /// package) read without the unit that loads it, or drop-ins of a unit an OS ships
    /// (CoreOS's `etcd-member.service`) without that unit: the command line is the one the
    /// packaged unit's `ExecStart=` makes of the variables, the unit assumed.
    PackagedUnit {
        /// The packaged unit's name, `kube-apiserver.service`.
        unit: String,
        /// Who ships it: "the Fedora/CentOS `kubernetes` packages", "Container Linux (CoreOS)".
        packaging: &'static str,
    },
    /// A component a distribution runs from its own config: the flags it passes itself
    /// (written by [`crate::flags::WrittenBy::Distribution`]) and the ones its config adds.
    Distribution(Distribution),
    /// A component kops configures from a `Cluster` spec.
    Kops,
    /// A component Talos runs from a machine config.
    Talos,
}

/// A Kubernetes distribution that runs the components from its own config files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Distribution {
    /// k3s: `/etc/rancher/k3s/config.yaml`.
    K3s,
    /// RKE2: `/etc/rancher/rke2/config.yaml`, on the k3s code base.
    Rke2,
    /// MicroK8s: one args file per component under `/var/snap/microk8s/current/args/`.
    MicroK8s,
}

impl Distribution {
    /// Its name as its project writes it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::K3s => "k3s",
            Self::Rke2 => "RKE2",
            Self::MicroK8s => "MicroK8s",
        }
    }

    /// Whose default a flag it passes itself is, for messages.
    #[must_use]
    pub const fn default_label(self) -> &'static str {
        match self {
            Self::K3s => "k3s default",
            Self::Rke2 => "RKE2 default",
            Self::MicroK8s => "MicroK8s default",
        }
    }
}

/// A control-plane component's process (or any container, classified or not).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Process {
    /// The file holding the command line (the manifest, the unit or drop-in with the winning
    /// `ExecStart=`, the kubeadm config).
    pub file: FileId,
    pub origin: Origin,
    pub image: Option<Located<String>>,
    pub component: Option<Component>,
    pub detection: Option<Detection>,
    /// The Kubernetes version its image tag names.
    pub image_version: Option<KubeVersion>,
    /// Its flags, each located in the file its words were written in.
    pub flags: FlagSet,
    /// Where a missing flag belongs: the `args:` / `command:` key, the `ExecStart` key, or
    /// the kubeadm `extraArgs:` key.
    pub flags_anchor: Span,
    pub env: Vec<EnvVar>,
    /// Parts of the command line whose value kubeharden could not see: a variable from an
    /// environment file that was not scanned, a variable inside a word. Settings no visible
    /// flag sets are then unknown, not defaults.
    pub unresolved: Vec<Located<String>>,
}

impl Process {
    /// Where a flag this process lacks belongs.
    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        Location::new(self.file, self.flags_anchor)
    }

    /// Whether every word of the command line is known.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.unresolved.is_empty()
    }

    /// The workload a container belongs to.
    #[must_use]
    pub fn workload(&self) -> Option<usize> {
        match self.origin {
            Origin::Container { workload, .. } => Some(workload),
            _ => None,
        }
    }
}

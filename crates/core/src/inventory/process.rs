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
    /// A component kops configures from a `Cluster` spec.
    Kops,
    /// A component Talos runs from a machine config.
    Talos,
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

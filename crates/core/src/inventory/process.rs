//! A component's process as configured: its command line, wherever it is written.

use super::FileId;
use super::workload::{Detection, EnvVar};
use crate::component::Component;
use crate::effective::Location;
use crate::flags::{Flag, FlagSet, ValueForm};
use crate::source::{Span, Spanned};
use crate::version::KubeVersion;

/// Where a process's command line is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A container of a Pod or of a workload's pod template.
    Container {
        /// Index into [`super::Inventory::workloads`].
        workload: usize,
        name: Option<Spanned<String>>,
    },
    /// A systemd service: `ExecStart=` of its unit or drop-ins, with their environment.
    Service {
        /// The unit's name, `kubelet.service`.
        unit: String,
    },
    /// The static pod kubeadm would write from a kubeadm config.
    Kubeadm,
}

/// Where one argv word came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordSource {
    /// Written in this file (a unit's `ExecStart=`, an environment file, an `extraArgs` entry).
    File(FileId),
    /// Added by kubeadm itself: written nowhere the user can edit.
    KubeadmDefault,
}

/// A control-plane component's process (or any container, classified or not).
#[derive(Clone, Debug)]
pub struct Process {
    /// The file holding the command line (the manifest, the unit or drop-in with the winning
    /// `ExecStart=`, the kubeadm config).
    pub file: FileId,
    pub origin: Origin,
    pub image: Option<Spanned<String>>,
    pub component: Option<Component>,
    pub detection: Option<Detection>,
    /// The Kubernetes version its image tag names.
    pub image_version: Option<KubeVersion>,
    pub flags: FlagSet,
    /// The source of each argv word, by [`Flag::index`]; empty when every word is in `file`.
    pub word_sources: Vec<WordSource>,
    /// Where a missing flag belongs: the `args:` / `command:` key, the `ExecStart` key, or
    /// the kubeadm `extraArgs:` key.
    pub flags_anchor: Span,
    pub env: Vec<EnvVar>,
    /// Parts of the command line whose value kubeharden could not see: a variable from an
    /// environment file that was not scanned, a variable inside a word. Settings no visible
    /// flag sets are then unknown, not defaults.
    pub unresolved: Vec<Spanned<String>>,
}

impl Process {
    /// Where argv word `index` came from.
    #[must_use]
    pub fn word_source(&self, index: usize) -> WordSource {
        self.word_sources
            .get(index)
            .copied()
            .unwrap_or(WordSource::File(self.file))
    }

    /// The file a flag's value was written in (`None` for kubeadm's own flags). For the split
    /// form `--name value` that is the value's word.
    #[must_use]
    pub fn flag_file(&self, flag: &Flag) -> Option<FileId> {
        let index = match &flag.value {
            Some(value) if value.form == ValueForm::Separate => flag.index + 1,
            _ => flag.index,
        };
        match self.word_source(index) {
            WordSource::File(file) => Some(file),
            WordSource::KubeadmDefault => None,
        }
    }

    /// Where a flag occurrence is reported: the whole `--name=value` (or bare `--name`); for
    /// the split form `--name value`, which spans two words, the value. `None` for a flag
    /// kubeadm adds itself.
    #[must_use]
    pub fn flag_location(&self, flag: &Flag) -> Option<Location> {
        let span = match &flag.value {
            Some(value) if value.form == ValueForm::Separate => value.span,
            _ => flag.span,
        };
        Some(Location::new(self.flag_file(flag)?, span))
    }

    /// Where a flag's name is reported: the whole occurrence, or for the split form the name.
    #[must_use]
    pub fn flag_name_location(&self, flag: &Flag) -> Option<Location> {
        let span = match &flag.value {
            Some(value) if value.form == ValueForm::Separate => flag.name_span,
            _ => flag.span,
        };
        let file = match self.word_source(flag.index) {
            WordSource::File(file) => file,
            WordSource::KubeadmDefault => return None,
        };
        Some(Location::new(file, span))
    }

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

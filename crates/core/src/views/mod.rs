//! Typed views of each component: accessors that return effective settings.
//!
//! Rules never read flags or config fields themselves: they ask a view, which applies the
//! component's precedence (flag > config file > default) and its version's defaults.

mod apiserver;
mod dashboard;
mod etcd;
mod kubelet;

pub use apiserver::{ApiServer, Authorization};
pub use dashboard::Dashboard;
pub use etcd::Etcd;
pub use kubelet::{Kubelet, KubeletSources};

use crate::effective::{Effective, Location, Provenance};
use crate::flags::{Flag, FlagSet};
use crate::inventory::{Inventory, Origin, Process};
use crate::source::Spanned;
use crate::version::{ASSUMED_CURRENT, KubeVersion, newest_release_of_image};

/// Which Kubernetes version a component is judged as, and why.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VersionInfo {
    pub version: KubeVersion,
    pub source: VersionSource,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VersionSource {
    /// The container image's tag.
    Image(Location),
    /// `--kubernetes-version` or the config file's `kubernetes-version`.
    Setting,
    /// The image's tag names no version, but the image was only ever published up to this
    /// release (upstream `hyperkube` ends at v1.18), which is assumed.
    ImageFamily(Location),
    /// A kubeadm config's `kubernetesVersion` (the location of its value): kubeadm generates
    /// the component for that release.
    KubeadmConfig(Location),
    /// Nothing says: a current release is assumed.
    Assumed,
}

impl VersionInfo {
    /// `Some(version)` only when the version is known rather than assumed, for defaults that
    /// name it.
    #[must_use]
    pub fn known(self) -> Option<KubeVersion> {
        self.is_known().then_some(self.version)
    }

    /// Whether an image tag, a kubeadm `kubernetesVersion` or the run's setting names the
    /// version.
    #[must_use]
    pub fn is_known(self) -> bool {
        matches!(
            self.source,
            VersionSource::Image(_) | VersionSource::Setting | VersionSource::KubeadmConfig(_)
        )
    }
}

/// The version of a container's component: the run's setting beats the image tag; without
/// either, the newest release of the image's family, else a current release.
#[must_use]
pub fn process_version(inventory: &Inventory, container: &Process) -> VersionInfo {
    if let Some(version) = inventory.options().kubernetes_version {
        return VersionInfo {
            version,
            source: VersionSource::Setting,
        };
    }
    if container.origin == Origin::Kubeadm {
        // The kubeadm apiserver's image is spanned at `kubernetesVersion`; the etcd and kubelet
        // of the same file take their version from it.
        let version_span = container.image.as_ref().map(|i| i.span).or_else(|| {
            inventory
                .processes
                .iter()
                .filter(|p| p.file == container.file && p.origin == Origin::Kubeadm)
                .find_map(|p| p.image.as_ref().map(|i| i.span))
        });
        if let (Some(version), Some(span)) = (container.image_version, version_span) {
            return VersionInfo {
                version,
                source: VersionSource::KubeadmConfig(Location::new(container.file, span)),
            };
        }
        return VersionInfo {
            version: ASSUMED_CURRENT,
            source: VersionSource::Assumed,
        };
    }
    match (container.image_version, &container.image) {
        (Some(version), Some(image)) => VersionInfo {
            version,
            source: VersionSource::Image(Location::new(container.file, image.span)),
        },
        (None, Some(image)) if newest_release_of_image(&image.value).is_some() => VersionInfo {
            version: newest_release_of_image(&image.value).unwrap_or(ASSUMED_CURRENT),
            source: VersionSource::ImageFamily(Location::new(container.file, image.span)),
        },
        _ => VersionInfo {
            version: ASSUMED_CURRENT,
            source: VersionSource::Assumed,
        },
    }
}

/// Reads flags of one process as effective settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FlagReader<'i> {
    pub process: &'i Process,
    pub flags: &'i FlagSet,
}

impl<'i> FlagReader<'i> {
    pub(crate) fn new(process: &'i Process) -> Self {
        Self {
            process,
            flags: &process.flags,
        }
    }

    /// Where a flag is reported: the whole `--name=value` (or bare `--name`); for the split
    /// form `--name value`, which spans two list items, the value alone. `None` for a flag
    /// kubeadm adds itself.
    pub(crate) fn location(&self, flag: &Flag) -> Option<Location> {
        self.process.flag_location(flag)
    }

    /// Where a flag's value came from: the command line, a kubeadm `extraArgs` entry, or
    /// kubeadm's own defaults.
    pub(crate) fn provenance(&self, flag: &Flag) -> Provenance {
        match (self.location(flag), &self.process.origin) {
            (Some(location), Origin::Kubeadm) => Provenance::KubeadmExtraArgs(location),
            (Some(location), _) => Provenance::Flag(location),
            (None, _) => Provenance::default("kubeadm default", None),
        }
    }

    /// Where one item of a list flag (`list(name)`) came from: the item's bytes in the file of
    /// the occurrence whose value holds it, or kubeadm's defaults.
    pub(crate) fn item_provenance(&self, name: &str, item: &Spanned<String>) -> Provenance {
        let holder = self
            .flags
            .all(name)
            .filter(|flag| {
                flag.value
                    .as_ref()
                    .is_some_and(|v| v.span.start <= item.span.start && item.span.end <= v.span.end)
            })
            .last();
        let file = match holder {
            Some(flag) => match self.process.flag_file(flag) {
                Some(file) => file,
                None => return Provenance::default("kubeadm default", None),
            },
            None => self.process.file,
        };
        let location = Location::new(file, item.span);
        match self.process.origin {
            Origin::Kubeadm => Provenance::KubeadmExtraArgs(location),
            _ => Provenance::Flag(location),
        }
    }

    /// The last occurrence's value of a scalar flag.
    pub(crate) fn string(&self, name: &str) -> Option<Effective<String>> {
        let flag = self.flags.last(name)?;
        let value = flag.value.as_ref()?;
        Some(Effective::new(value.text.clone(), self.provenance(flag)))
    }

    /// A boolean flag's value; an unparsable value counts as unset here (the component would
    /// not start; `invalid-flag-value` reports it).
    pub(crate) fn bool(&self, name: &str) -> Option<Effective<bool>> {
        let flag = self.flags.last(name)?;
        let value = self.flags.bool(name)?;
        let parsed = value.value.ok()?;
        Some(Effective::new(parsed, self.provenance(flag)))
    }

    /// An integer flag's value; unparsable counts as unset (see [`Self::bool`]).
    pub(crate) fn int(&self, name: &str) -> Option<Effective<i64>> {
        let flag = self.flags.last(name)?;
        let value = flag.value.as_ref()?;
        let parsed = value.text.trim().parse().ok()?;
        Some(Effective::new(parsed, self.provenance(flag)))
    }

    /// Every item of a list flag, across repeats, each with its own span.
    pub(crate) fn list(&self, name: &str) -> Vec<Spanned<String>> {
        self.flags.list(name)
    }
}

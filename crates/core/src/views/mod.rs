//! Typed views of each component: accessors that return effective settings.
//!
//! The inventory is the store; the views are the queries over it (`inventory.api_servers()`,
//! ...). Rules never read flags or config fields themselves: they ask a view, which applies the
//! component's precedence (flag > config file > default) and its version's defaults.

mod apiserver;
mod dashboard;
mod etcd;
mod kubelet;

pub use apiserver::{ApiServer, Authorization};
pub use dashboard::Dashboard;
pub use etcd::Etcd;
pub use kubelet::{Kubelet, KubeletSources};

use crate::component::Component;
use crate::effective::{Effective, Provenance};
use crate::flags::values::is_placeholder_for;
use crate::flags::{Flag, FlagSet, WrittenBy};
use crate::inventory::{Inventory, Origin, Process};
use crate::source::{Located, Location};
use crate::version::{ASSUMED_CURRENT, KubeVersion, newest_release_of_image};

impl Inventory {
    /// The processes classified as `component`: containers, services, kubeadm's static pods.
    pub fn processes_of(&self, component: Component) -> impl Iterator<Item = &Process> {
        self.processes()
            .iter()
            .filter(move |p| p.component == Some(component))
    }

    /// Every kube-apiserver whose whole command line is known. One whose flags partly hide in
    /// an unresolved variable is left out: its defaults cannot be judged.
    pub fn api_servers(&self) -> impl Iterator<Item = ApiServer<'_>> {
        self.processes_of(Component::ApiServer)
            .filter(|p| p.is_complete())
            .map(move |p| ApiServer::new(self, p))
    }

    /// Every etcd whose whole command line is known (see [`Inventory::api_servers`]).
    pub fn etcds(&self) -> impl Iterator<Item = Etcd<'_>> {
        self.processes_of(Component::Etcd)
            .filter(|p| p.is_complete())
            .map(move |p| Etcd::new(self, p))
    }

    pub fn dashboards(&self) -> impl Iterator<Item = Dashboard<'_>> {
        self.processes_of(Component::Dashboard)
            .filter_map(move |p| Dashboard::new(self, p))
    }

    /// Every kubelet: each one found on a command line (with its `--config` file when that
    /// file was scanned too), and each `KubeletConfiguration` no command line claimed.
    #[must_use]
    pub fn kubelets(&self) -> Vec<Kubelet<'_>> {
        Kubelet::all(self)
    }

    /// Components whose settings could not all be judged because a file that decides them was
    /// not among the files read: a command line that expands a variable from an unread
    /// environment file (not judged at all), or a kubelet whose `--config` file was not read
    /// (the settings that file decides are not judged).
    #[must_use]
    pub fn not_evaluated(&self) -> Vec<NotEvaluated> {
        let mut found: Vec<NotEvaluated> = self
            .processes()
            .iter()
            .filter(|p| !p.is_complete())
            .filter_map(|p| {
                Some(NotEvaluated {
                    component: p.component?,
                    location: p.missing_anchor(),
                    unread: p.unresolved.iter().map(|u| u.value.clone()).collect(),
                })
            })
            .collect();
        for kubelet in self.kubelets() {
            let Some(process) = kubelet.sources.command_line else {
                continue;
            };
            let config = kubelet
                .config_flag()
                .filter(|_| kubelet.sources.config.is_none());
            if let Some(config) = config {
                let unread = format!("--config {}", config.value);
                match found
                    .iter_mut()
                    .find(|n| n.location == process.missing_anchor())
                {
                    Some(entry) => entry.unread.push(unread),
                    None => found.push(NotEvaluated {
                        component: Component::Kubelet,
                        location: process.missing_anchor(),
                        unread: vec![unread],
                    }),
                }
            }
        }
        found
    }
}

/// A component kubeharden could not fully judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotEvaluated {
    pub component: Component,
    /// Where its command line is.
    pub location: Location,
    /// What decides its settings and was not read: `EnvironmentFile=/etc/kubernetes/apiserver.env`,
    /// `--config /var/lib/kubelet/config.yaml`.
    pub unread: Vec<String>,
}

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
    /// A kind node's image (`kindest/node:v1.30.0`), whose tag is the release kind runs
    /// kubeadm for.
    NodeImage(Location),
    /// A cluster spec's version (kops `kubernetesVersion`): the release the tool deploys.
    ClusterSpec(Location),
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
            VersionSource::Image(_)
                | VersionSource::Setting
                | VersionSource::KubeadmConfig(_)
                | VersionSource::NodeImage(_)
                | VersionSource::ClusterSpec(_)
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
        let version_at = container.image.as_ref().map(Located::location).or_else(|| {
            inventory
                .processes()
                .iter()
                .filter(|p| p.file == container.file && p.origin == Origin::Kubeadm)
                .find_map(|p| p.image.as_ref().map(Located::location))
        });
        if let (Some(version), Some(location)) = (container.image_version, version_at) {
            // kind names the release by its node image rather than a `kubernetesVersion`.
            let text = inventory.file(location.file()).slice(location.span());
            let source = if text.contains(':') {
                VersionSource::NodeImage(location)
            } else {
                VersionSource::KubeadmConfig(location)
            };
            return VersionInfo { version, source };
        }
        return VersionInfo {
            version: ASSUMED_CURRENT,
            source: VersionSource::Assumed,
        };
    }
    match (container.image_version, &container.image) {
        // kops deploys the images of its spec's `kubernetesVersion`, where they are spanned.
        (Some(version), Some(image)) if container.origin == Origin::Kops => VersionInfo {
            version,
            source: VersionSource::ClusterSpec(image.location()),
        },
        (Some(version), Some(image)) => VersionInfo {
            version,
            source: VersionSource::Image(image.location()),
        },
        (None, Some(image)) if newest_release_of_image(&image.value).is_some() => VersionInfo {
            version: newest_release_of_image(&image.value).unwrap_or(ASSUMED_CURRENT),
            source: VersionSource::ImageFamily(image.location()),
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

    /// Where a flag's value came from: the command line, a kubeadm `extraArgs` entry, or
    /// kubeadm's own defaults.
    pub(crate) fn provenance(&self, flag: &Flag) -> Provenance {
        Self::provenance_at(
            flag.location_written_by(),
            flag.location(),
            &self.process.origin,
        )
    }

    /// Where one item of a list flag (`list(name)`) came from: the item's bytes in the file of
    /// the occurrence whose value holds it, or kubeadm's defaults.
    pub(crate) fn item_provenance(&self, name: &str, item: &Located<String>) -> Provenance {
        let at = item.location();
        let written_by = self
            .flags
            .all(name)
            .filter_map(|flag| flag.value.as_ref())
            .filter(|value| {
                let holder = value.location();
                holder.file() == at.file()
                    && holder.span().start <= at.span().start
                    && at.span().end <= holder.span().end
            })
            .last()
            .map_or(WrittenBy::User, |value| value.written_by);
        Self::provenance_at(written_by, at, &self.process.origin)
    }

    fn provenance_at(written_by: WrittenBy, location: Location, origin: &Origin) -> Provenance {
        match (written_by, origin) {
            (WrittenBy::User, Origin::Kubeadm) => Provenance::KubeadmExtraArgs(location),
            (WrittenBy::User, _) => Provenance::Flag(location),
            (WrittenBy::Distribution, Origin::Distribution(distribution)) => {
                Provenance::defaulted(distribution.default_label(), None)
            }
            (by, _) => Provenance::defaulted(by.default_name(), None),
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

    /// Every item of a list flag, across repeats, each located in its own file.
    pub(crate) fn list(&self, name: &str) -> Vec<Located<String>> {
        self.flags.list(name)
    }

    /// A boolean setting decided by `--name`: its value, or `default()` when the flag is
    /// absent. `None` when the flag is written with a value nobody can read here — a
    /// placeholder a templating step fills in, a `$(VAR)`, or a value the component rejects
    /// (`invalid-flag-value` reports that one): the flag still decides the setting, so its
    /// default does not apply either.
    pub(crate) fn bool_or(
        &self,
        name: &str,
        default: impl FnOnce() -> Effective<bool>,
    ) -> Option<Effective<bool>> {
        match self.flags.last(name) {
            None => Some(default()),
            Some(_) => self.bool(name),
        }
    }

    /// An integer setting decided by `--name` (see [`Self::bool_or`]).
    pub(crate) fn int_or(
        &self,
        name: &str,
        default: impl FnOnce() -> Effective<i64>,
    ) -> Option<Effective<i64>> {
        match self.flags.last(name) {
            None => Some(default()),
            Some(_) => self.int(name),
        }
    }

    /// Whether every item of word-list flag `--name` is known: none is a placeholder,
    /// `$(VAR)` or upper-case token that could stand for any items.
    pub(crate) fn list_is_known(&self, name: &str) -> bool {
        !self
            .list(name)
            .iter()
            .any(|item| is_placeholder_for(None, &item.value))
    }
}

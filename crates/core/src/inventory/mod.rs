//! The inventory: everything one lint run understood, across all its files.
//!
//! An [`InventoryBuilder`] takes the files one at a time and reads each with the reader of its
//! [`FileKind`] (one module per source format under `read/`); the YAML tree is dropped as soon
//! as its file is done. [`InventoryBuilder::build`] then assembles what only every file together
//! describes (a systemd service from its unit, drop-ins and environment files) and returns the
//! [`Inventory`]: a read-only store of owned, located values. The questions rules ask of it
//! (`api_servers()`, `kubelets()`, ...) are the views' (see [`crate::views`]).

mod builder;
mod config;
mod objects;
mod process;
mod read;
mod workload;

use std::path::Path;
use std::sync::Arc;

pub use builder::{InventoryBuilder, Reference, ReferenceKind};
pub use config::{ConfigFields, ConfigLeaf};
pub use objects::{Binding, Ingress, PolicyRule, Role, Service, ServiceAccount, Subject};
pub use process::{Distribution, Origin, Process};
pub use read::{
    CommentSyntax, EnvFileDoc, EtcdConfigDoc, FileKind, KubeletConfigDoc, NODE_LOCATIONS,
    SNIFF_LEN, UNIT_DIRECTORIES, UNIT_NAMES, UnitDoc,
};
pub use workload::{Detection, EnvVar, Workload};

pub use crate::source::FileId;
use crate::source::{DecodeErrorKind, Location, SourceFile, Span};
use crate::version::KubeVersion;
use crate::yaml::{LoadError, LoadErrorKind};

/// `body` once for each of the inventory's lists of items, in field order, with the list bound
/// to `list`: an array of the results. Every field is named, so a new kind of item cannot be
/// forgotten by what goes over all of them.
macro_rules! item_lists {
    ($inventory:expr, $list:ident => $body:expr) => {{
        let Inventory {
            options: _,
            files: _,
            kinds: _,
            problems,
            skipped,
            workloads,
            processes,
            kubelet_configs,
            services,
            ingresses,
            bindings,
            roles,
            service_accounts,
            units,
            env_files,
            etcd_configs,
            k3s_configs,
        } = $inventory;
        item_lists!(@each $list => $body; problems, skipped, workloads, processes, kubelet_configs,
            services, ingresses, bindings, roles, service_accounts, units, env_files, etcd_configs, k3s_configs)
    }};
    (@each $list:ident => $body:expr; $($field:ident),*) => {
        [$({
            let $list = $field;
            $body
        }),*]
    };
}

/// The lengths of an inventory's lists of items at one moment ([`Inventory::item_marks`]).
struct ItemMarks([usize; 14]);

/// Options that change how files are read.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InventoryOptions {
    /// `--kubernetes-version`: overrides what image tags say.
    pub kubernetes_version: Option<KubeVersion>,
    /// The files are read from a node's root (`--root`), so a file a unit names that is not
    /// there does not exist, rather than was not scanned.
    pub node_root: bool,
    /// Keeps the text of a file nothing read from it points into (a ConfigMap, a CRD), which is
    /// otherwise dropped once the file is read: for a pass that scans texts itself.
    pub retain_text: fn(&str) -> bool,
}

impl Default for InventoryOptions {
    fn default() -> Self {
        Self {
            kubernetes_version: None,
            node_root: false,
            retain_text: |_| false,
        }
    }
}

/// A file, or a part of one, that could not be read as intended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputProblem {
    pub location: Location,
    pub kind: InputProblemKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputProblemKind {
    /// The file's bytes are too many or not UTF-8.
    Decode(DecodeErrorKind),
    /// The file is not valid YAML, or exceeds a loader limit.
    Load(LoadErrorKind),
    /// A key repeated in one mapping.
    DuplicateKey { key: String, first: Location },
    /// A `sh -c` script kubeharden could not split into words.
    Shell(String),
}

impl InputProblem {
    /// A file that does not load as YAML.
    fn load(file: FileId, error: LoadError) -> Self {
        Self {
            location: Location::new(file, error.span),
            kind: InputProblemKind::Load(error.kind),
        }
    }
}

/// Why a file was not linted at all.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum SkipReason {
    /// A Helm chart template or a file with Go-template `{{ ... }}` markup.
    Template,
}

/// Everything one run understood. Made by [`InventoryBuilder::build`]; read-only.
#[derive(Debug)]
pub struct Inventory {
    options: InventoryOptions,
    /// Shared so that a file's text can be parsed while the inventory grows, without a copy.
    files: Vec<Arc<SourceFile>>,
    /// How each file was read, by [`FileId`].
    kinds: Vec<FileKind>,
    problems: Vec<InputProblem>,
    skipped: Vec<(FileId, SkipReason)>,
    workloads: Vec<Workload>,
    processes: Vec<Process>,
    kubelet_configs: Vec<KubeletConfigDoc>,
    services: Vec<Service>,
    ingresses: Vec<Ingress>,
    bindings: Vec<Binding>,
    roles: Vec<Role>,
    service_accounts: Vec<ServiceAccount>,
    units: Vec<UnitDoc>,
    env_files: Vec<EnvFileDoc>,
    etcd_configs: Vec<EtcdConfigDoc>,
    /// k3s and RKE2 config files, merged into processes when the inventory is built.
    k3s_configs: Vec<read::K3sConfigDoc>,
}

impl Inventory {
    /// An inventory with no files yet: only the builder makes one.
    fn empty(options: InventoryOptions) -> Self {
        Self {
            options,
            files: Vec::new(),
            kinds: Vec::new(),
            problems: Vec::new(),
            skipped: Vec::new(),
            workloads: Vec::new(),
            processes: Vec::new(),
            kubelet_configs: Vec::new(),
            services: Vec::new(),
            ingresses: Vec::new(),
            bindings: Vec::new(),
            roles: Vec::new(),
            service_accounts: Vec::new(),
            units: Vec::new(),
            env_files: Vec::new(),
            etcd_configs: Vec::new(),
            k3s_configs: Vec::new(),
        }
    }

    /// How many things that can carry a finding the inventory holds (texts of files without
    /// items are dropped).
    fn item_count(&self) -> usize {
        item_lists!(self, list => list.len()).iter().sum()
    }

    /// How far each list of items reaches now, to undo a file's items with
    /// [`Inventory::truncate_items`] when the file turns out not to load after all.
    fn item_marks(&self) -> ItemMarks {
        ItemMarks(item_lists!(self, list => list.len()))
    }

    /// Drops every item added since `marks` were taken.
    fn truncate_items(&mut self, marks: &ItemMarks) {
        let mut lengths = marks.0.iter();
        item_lists!(self, list => list.truncate(lengths.next().copied().unwrap_or(usize::MAX)));
    }

    #[must_use]
    pub fn options(&self) -> &InventoryOptions {
        &self.options
    }

    #[must_use]
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// How the file was read: decided once, when it was added (by its path, or as the kind a
    /// configuration names it: an `EnvironmentFile=` is an environment file whatever its name).
    #[must_use]
    pub fn kind(&self, id: FileId) -> &FileKind {
        &self.kinds[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), &**f))
    }

    /// A span a pass found by scanning `file`'s text itself (suppression comments), as a
    /// location; `None` when it is not inside that text on character boundaries. Values read
    /// from files come located already: this is only for text no reader understood.
    #[must_use]
    pub fn locate(&self, file: FileId, span: Span) -> Option<Location> {
        let text = self.files.get(file.0 as usize)?.text();
        (span.start <= span.end
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end))
        .then(|| Location::new(file, span))
    }

    /// Files that could not be read as intended, and where.
    #[must_use]
    pub fn problems(&self) -> &[InputProblem] {
        &self.problems
    }

    /// Files not linted at all, and why.
    #[must_use]
    pub fn skipped(&self) -> &[(FileId, SkipReason)] {
        &self.skipped
    }

    /// Every process: containers, systemd services, and the static pods of kubeadm configs.
    #[must_use]
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }

    /// Pods and workloads with a pod template.
    #[must_use]
    pub fn workloads(&self) -> &[Workload] {
        &self.workloads
    }

    /// The workload a container belongs to.
    #[must_use]
    pub fn workload(&self, process: &Process) -> Option<&Workload> {
        self.workloads.get(process.workload()?)
    }

    #[must_use]
    pub fn kubelet_configs(&self) -> &[KubeletConfigDoc] {
        &self.kubelet_configs
    }

    /// etcd `--config-file`s read.
    #[must_use]
    pub fn etcd_configs(&self) -> &[EtcdConfigDoc] {
        &self.etcd_configs
    }

    /// systemd units and drop-ins read.
    #[must_use]
    pub fn units(&self) -> &[UnitDoc] {
        &self.units
    }

    #[must_use]
    pub fn env_files(&self) -> &[EnvFileDoc] {
        &self.env_files
    }

    /// Kubernetes `Service` objects.
    #[must_use]
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    #[must_use]
    pub fn ingresses(&self) -> &[Ingress] {
        &self.ingresses
    }

    /// `ClusterRoleBinding`s and `RoleBinding`s.
    #[must_use]
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// `ClusterRole`s and `Role`s.
    #[must_use]
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    #[must_use]
    pub fn service_accounts(&self) -> &[ServiceAccount] {
        &self.service_accounts
    }
}

/// How many leading path components `a` and `b` share: of several files a configuration could
/// name (one per node tree linted in one run), the one sharing most with the file naming it
/// is the one meant.
pub(crate) fn shared_components(a: &Path, b: &Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .count()
}

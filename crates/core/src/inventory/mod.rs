//! The inventory: everything one lint run understood, across all its files.
//!
//! Each file is decoded, parsed and mined for what kubeharden knows (containers of control-plane
//! components, `KubeletConfiguration` documents, the objects around the Dashboard); the YAML
//! tree is dropped as soon as its file is done. What is kept is owned and spanned.

mod config;
mod kubeadm;
mod objects;
mod process;
mod service;
mod workload;

use std::path::Path;
use std::sync::Arc;

pub use config::{ConfigFields, ConfigLeaf};
pub use objects::{Binding, Ingress, PolicyRule, Role, Service, ServiceAccount, Subject};
pub use process::{Origin, Process};
pub use service::{EnvFileDoc, UnitDoc};
pub use workload::{Detection, EnvVar, Workload};

use crate::component::Component;
pub use crate::source::FileId;
use crate::source::{DecodeError, Located, Location, SourceFile, Span};
use crate::version::KubeVersion;
use crate::views::{ApiServer, Dashboard, Etcd, Kubelet};
use crate::yaml::{self, LoadErrorKind, LoadProblem, NodeRef};

/// Options that change how files are read.
#[derive(Clone, Debug, Default)]
pub struct InventoryOptions {
    /// `--kubernetes-version`: overrides what image tags say.
    pub kubernetes_version: Option<KubeVersion>,
}

/// A file, or a part of one, that could not be read as intended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    pub location: Location,
    pub kind: InputProblemKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputProblemKind {
    /// The file is not valid YAML, or exceeds a loader limit.
    Load(LoadErrorKind),
    /// A key repeated in one mapping.
    DuplicateKey { key: String, first: Location },
    /// A `sh -c` script kubeharden could not split into words.
    Shell(String),
}

/// Why a file was not linted at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A Helm chart template or a file with Go-template `{{ ... }}` markup.
    Template,
}

/// A `KubeletConfiguration` document.
#[derive(Clone, Debug)]
pub struct KubeletConfigDoc {
    pub file: FileId,
    /// The `kind: KubeletConfiguration` line's value: missing fields are reported here.
    pub kind_location: Location,
    pub api_version: Option<Located<String>>,
    pub fields: ConfigFields,
    /// The document sits in a kubeadm config file (next to an `InitConfiguration` or
    /// `ClusterConfiguration`): kubeadm fills in its own defaults before the kubelet reads it.
    pub in_kubeadm_file: bool,
}

/// Everything one run understood.
#[derive(Debug, Default)]
pub struct Inventory {
    options: InventoryOptions,
    /// Shared so that a file's text can be parsed while the inventory grows, without a copy.
    files: Vec<Arc<SourceFile>>,
    pub problems: Vec<InputProblem>,
    pub skipped: Vec<(FileId, SkipReason)>,
    pub workloads: Vec<Workload>,
    pub processes: Vec<Process>,
    pub kubelet_configs: Vec<KubeletConfigDoc>,
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    pub bindings: Vec<Binding>,
    pub roles: Vec<Role>,
    pub service_accounts: Vec<ServiceAccount>,
    pub units: Vec<UnitDoc>,
    pub env_files: Vec<EnvFileDoc>,
    pub etcd_configs: Vec<EtcdConfigDoc>,
    /// For YAML files with `kubeharden:` comments: spans of multi-line scalars, inside which a
    /// `#` is text (so a suppression-looking line in a block scalar is not a suppression).
    pub multiline_scalars: Vec<(FileId, Vec<Span>)>,
    /// Files were read from a node's root (`--root`), so a file a unit names that is not
    /// there does not exist, rather than was not scanned.
    pub node_root_scanned: bool,
}

/// How a file is read, decided by its path (and, for `.conf` files, its content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Kubernetes objects and config documents.
    Yaml,
    /// A systemd unit (`kubelet.service`) or drop-in (`kubelet.service.d/10-kubeadm.conf`).
    Unit { unit: Option<String>, dropin: bool },
    /// `KEY=value` lines: `kubeadm-flags.env`, `/etc/default/kubelet`, `/etc/sysconfig/kubelet`.
    EnvFile,
    /// etcd's `--config-file`: YAML keyed by flag names, TLS settings under
    /// `client-transport-security` and `peer-transport-security`. Only known by reference.
    EtcdConfig,
}

/// An etcd `--config-file`.
#[derive(Clone, Debug)]
pub struct EtcdConfigDoc {
    pub file: FileId,
    pub fields: ConfigFields,
}

impl FileKind {
    /// The kind of the file at `path`; `text` decides for a `.conf` file outside a
    /// `*.service.d` directory (a drop-in has a `[Service]` section, a kubelet config
    /// drop-in is YAML).
    #[must_use]
    pub fn of(path: &Path, text: &str) -> Self {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parent = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let grandparent = path
            .parent()
            .and_then(Path::parent)
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("");
        if let Some(unit) = name.strip_suffix(".service").filter(|u| !u.is_empty()) {
            return Self::Unit {
                unit: Some(format!("{unit}.service")),
                dropin: false,
            };
        }
        if name.ends_with(".conf") {
            if let Some(unit) = parent
                .strip_suffix(".d")
                .filter(|u| u.ends_with(".service"))
            {
                return Self::Unit {
                    unit: Some(unit.to_owned()),
                    dropin: true,
                };
            }
            if text.lines().any(|line| line.trim() == "[Service]") {
                return Self::Unit {
                    unit: None,
                    dropin: true,
                };
            }
        }
        let env_by_location = matches!(grandparent, "etc" | "")
            && matches!(parent, "default" | "sysconfig")
            && name == "kubelet";
        if name.ends_with(".env") || env_by_location {
            return Self::EnvFile;
        }
        Self::Yaml
    }

    /// Whether a directory walk picks up a file of this name (`*.yaml`, `*.yml`, units and
    /// their drop-ins, `*.env`); other `.conf` files (nginx, ...) are left alone.
    #[must_use]
    pub fn is_walked(path: &Path) -> bool {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let in_dropin_dir = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .is_some_and(|dir| dir.ends_with(".service.d") || dir == "kubelet.conf.d");
        match extension {
            "yaml" | "yml" | "service" | "env" => true,
            "conf" => in_dropin_dir,
            _ => false,
        }
    }
}

/// A file the configuration names that kubeharden has not read yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The path as written (absolute on the node).
    pub path: String,
    pub kind: ReferenceKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A unit's `EnvironmentFile=`.
    EnvironmentFile,
    /// A kubelet's `--config` file.
    KubeletConfig,
    /// A kubelet's `--config-dir`: its `*.conf` files are drop-ins.
    KubeletConfigDir,
    /// etcd's `--config-file`.
    EtcdConfig,
}

impl Inventory {
    #[must_use]
    pub fn new(options: InventoryOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    #[must_use]
    pub fn options(&self) -> &InventoryOptions {
        &self.options
    }

    /// Reads one file's bytes into the inventory.
    pub fn add_bytes(&mut self, path: impl AsRef<Path>, bytes: Vec<u8>) -> FileId {
        match SourceFile::decode(path.as_ref(), bytes) {
            Ok(file) => self.add_file(file),
            Err(error) => self.add_undecodable(*error),
        }
    }

    /// Records a file that is not UTF-8 or too large.
    pub fn add_undecodable(&mut self, error: DecodeError) -> FileId {
        let id = self.push_file(error.file);
        self.problems.push(InputProblem {
            location: Location::new(id, error.error.span),
            kind: InputProblemKind::Load(error.error.kind),
        });
        id
    }

    /// Parses a decoded file and records what it holds.
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let kind = FileKind::of(file.path(), file.text());
        self.add_file_as(file, &kind)
    }

    /// Parses a decoded file as `kind`.
    pub fn add_file_as(&mut self, file: SourceFile, kind: &FileKind) -> FileId {
        let id = self.push_file(file);
        let shared = Arc::clone(&self.files[id.0 as usize]);
        let file: &SourceFile = &shared;
        match kind {
            FileKind::Yaml => {}
            FileKind::Unit { unit, dropin } => {
                let parsed = crate::sources::systemd::parse_unit(file.text());
                self.units.push(UnitDoc {
                    file: id,
                    unit: unit.clone(),
                    dropin: *dropin,
                    parsed,
                });
                return id;
            }
            FileKind::EnvFile => {
                let vars = crate::sources::envfile::parse_env_file(file.text());
                self.env_files.push(EnvFileDoc { file: id, vars });
                return id;
            }
            FileKind::EtcdConfig => {
                match yaml::load(file.text()) {
                    Ok(stream) => {
                        let fields = stream
                            .documents
                            .first()
                            .map(|d| ConfigFields::from_node(id, d.root()))
                            .unwrap_or_default();
                        self.etcd_configs.push(EtcdConfigDoc { file: id, fields });
                    }
                    Err(error) => self.problems.push(InputProblem {
                        location: Location::new(id, error.span),
                        kind: InputProblemKind::Load(error.kind),
                    }),
                }
                return id;
            }
        }
        if is_template(file) {
            self.skipped.push((id, SkipReason::Template));
            return id;
        }
        let items_before = self.item_count();
        match yaml::load(file.text()) {
            Err(error) => self.problems.push(InputProblem {
                location: Location::new(id, error.span),
                kind: InputProblemKind::Load(error.kind),
            }),
            Ok(stream) => {
                for problem in &stream.problems {
                    let LoadProblem::DuplicateKey {
                        key,
                        first,
                        duplicate,
                    } = problem;
                    self.problems.push(InputProblem {
                        location: Location::new(id, *duplicate),
                        kind: InputProblemKind::DuplicateKey {
                            key: key.clone(),
                            first: Location::new(id, *first),
                        },
                    });
                }
                let first_config = self.kubelet_configs.len();
                for document in &stream.documents {
                    self.add_object(id, document.root());
                }
                // Only files that may hold suppression comments need to know where text
                // that looks like a comment is really inside a string.
                if file.text().contains("kubeharden:") {
                    let spans: Vec<Span> = stream
                        .documents
                        .iter()
                        .flat_map(yaml::Document::multiline_scalar_spans)
                        .collect();
                    if !spans.is_empty() {
                        self.multiline_scalars.push((id, spans));
                    }
                }
                let kubeadm = stream.documents.iter().any(|d| {
                    d.root()
                        .str_at("apiVersion")
                        .is_some_and(|v| v.starts_with("kubeadm.k8s.io/"))
                });
                for config in &mut self.kubelet_configs[first_config..] {
                    config.in_kubeadm_file = kubeadm;
                }
            }
        }
        // Nothing in this file can be the subject of a finding (a ConfigMap, a CRD): keep its
        // path for the file count, drop its text. A suppression comment keeps it (an unused
        // one is reported).
        let keep = self.item_count() != items_before || file.text().contains("kubeharden:");
        drop(shared);
        if !keep {
            if let Some(file) = Arc::get_mut(&mut self.files[id.0 as usize]) {
                file.release_text();
            }
        }
        id
    }

    /// How many things that can carry a finding the inventory holds. Every field is named, so
    /// a new kind of item cannot be forgotten here (texts of files without items are dropped).
    fn item_count(&self) -> usize {
        let Self {
            options: _,
            files: _,
            node_root_scanned: _,
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
            multiline_scalars: _,
        } = self;
        problems.len()
            + skipped.len()
            + workloads.len()
            + processes.len()
            + kubelet_configs.len()
            + services.len()
            + ingresses.len()
            + bindings.len()
            + roles.len()
            + service_accounts.len()
            + units.len()
            + env_files.len()
            + etcd_configs.len()
    }

    fn push_file(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(Arc::new(file));
        id
    }

    /// One Kubernetes object (or a `kind: List` of them).
    fn add_object(&mut self, file: FileId, object: NodeRef<'_, '_>) {
        let Some(kind) = object.get("kind") else {
            return;
        };
        let Some(kind_name) = kind.as_str() else {
            return;
        };
        let api_version = object
            .get("apiVersion")
            .and_then(|v| v.located_string(file));
        match kind_name {
            // `kind: List` (and `PodList`, `DeploymentList`, ... from `kubectl get -o yaml`).
            k if k.ends_with("List") && object.get("items").is_some() => {
                if let Some(items) = object.get("items") {
                    for item in items.items() {
                        self.add_object(file, item);
                    }
                }
            }
            "KubeletConfiguration"
                if api_version
                    .as_ref()
                    .is_none_or(|v| v.value.starts_with("kubelet.config.k8s.io/")) =>
            {
                self.kubelet_configs.push(KubeletConfigDoc {
                    file,
                    kind_location: kind.location_in(file),
                    api_version,
                    fields: ConfigFields::from_node(file, object),
                    in_kubeadm_file: false,
                });
            }
            "Service" => self.services.extend(Service::read(file, object)),
            "Ingress" => self.ingresses.extend(Ingress::read(file, object)),
            "ClusterRoleBinding" | "RoleBinding" => {
                self.bindings.extend(Binding::read(file, kind_name, object));
            }
            "ClusterRole" | "Role" => self.roles.extend(Role::read(file, kind_name, object)),
            "ServiceAccount" => self
                .service_accounts
                .extend(ServiceAccount::read(file, object)),
            k if kubeadm::KINDS.contains(&k)
                && api_version
                    .as_ref()
                    .is_some_and(|v| v.value.starts_with("kubeadm.k8s.io/")) =>
            {
                kubeadm::read_file(self, file);
            }
            _ => workload::read_workload(self, file, kind_name, kind.location_in(file), object),
        }
    }

    /// Spans of multi-line scalars in `file` (recorded only for files with `kubeharden:`).
    #[must_use]
    pub fn multiline_scalars_of(&self, file: FileId) -> &[Span] {
        self.multiline_scalars
            .iter()
            .find(|(id, _)| *id == file)
            .map_or(&[], |(_, spans)| spans.as_slice())
    }

    /// Whether a file whose path ends with `path` (as a node writes it) was read.
    #[must_use]
    pub fn has_file(&self, path: &str) -> bool {
        let wanted = Path::new(path.trim_start_matches('/'));
        self.files.iter().any(|f| f.path().ends_with(wanted))
    }

    /// Files the configuration names (a unit's environment files, a kubelet's `--config` and
    /// `--config-dir`, etcd's `--config-file`) that have not been read. A caller that can
    /// read them (under a node's root) adds them and calls [`Inventory::assemble_services`].
    #[must_use]
    pub fn references(&self) -> Vec<Reference> {
        let mut wanted = Vec::new();
        for unit in &self.units {
            for env_file in &unit.parsed.environment_files {
                wanted.push(Reference {
                    path: env_file.path.value.clone(),
                    kind: ReferenceKind::EnvironmentFile,
                });
            }
        }
        for process in &self.processes {
            let flag = |name: &str| process.flags.last(name).and_then(|f| f.value.as_ref());
            match process.component {
                Some(Component::Kubelet) => {
                    if let Some(config) = flag("config") {
                        wanted.push(Reference {
                            path: config.text.clone(),
                            kind: ReferenceKind::KubeletConfig,
                        });
                    }
                    if let Some(dir) = flag("config-dir") {
                        wanted.push(Reference {
                            path: dir.text.clone(),
                            kind: ReferenceKind::KubeletConfigDir,
                        });
                    }
                }
                Some(Component::Etcd) => {
                    if let Some(config) = flag("config-file") {
                        wanted.push(Reference {
                            path: config.text.clone(),
                            kind: ReferenceKind::EtcdConfig,
                        });
                    }
                }
                _ => {}
            }
        }
        wanted.retain(|r| r.path.starts_with('/') && !self.has_file(&r.path));
        wanted.dedup();
        wanted
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

    #[must_use]
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), &**f))
    }

    /// Containers classified as `component`.
    pub fn processes_of(&self, component: Component) -> impl Iterator<Item = &Process> {
        self.processes
            .iter()
            .filter(move |c| c.component == Some(component))
    }

    /// Every kube-apiserver whose whole command line is known. One whose flags partly hide in
    /// an unresolved variable is left out: its defaults cannot be judged.
    pub fn api_servers(&self) -> impl Iterator<Item = ApiServer<'_>> {
        self.processes_of(Component::ApiServer)
            .filter(|p| p.is_complete())
            .map(move |c| ApiServer::new(self, c))
    }

    /// Every etcd whose whole command line is known (see [`Inventory::api_servers`]).
    pub fn etcds(&self) -> impl Iterator<Item = Etcd<'_>> {
        self.processes_of(Component::Etcd)
            .filter(|p| p.is_complete())
            .map(move |c| Etcd::new(self, c))
    }

    pub fn dashboards(&self) -> impl Iterator<Item = Dashboard<'_>> {
        self.processes_of(Component::Dashboard)
            .filter_map(move |c| Dashboard::new(self, c))
    }

    /// Every kubelet: each one found on a command line (with its `--config` file when that
    /// file was scanned too), and each `KubeletConfiguration` no command line claimed.
    #[must_use]
    pub fn kubelets(&self) -> Vec<Kubelet<'_>> {
        Kubelet::all(self)
    }

    #[must_use]
    pub fn workload(&self, process: &Process) -> Option<&Workload> {
        self.workloads.get(process.workload()?)
    }
}

/// Helm chart templates and other Go-template files are not YAML until rendered: skip them
/// rather than report a syntax error on every chart of a repository. A template is a file with
/// `{{ ... }}` outside comments.
fn is_template(file: &SourceFile) -> bool {
    // One fast search over the file spares the line-by-line look at nearly every file.
    if !file.text().contains("{{") {
        return false;
    }
    file.text().lines().any(|line| {
        let code = if line.trim_start().starts_with('#') {
            ""
        } else {
            line.split_once(" #").map_or(line, |(before, _)| before)
        };
        code.find("{{")
            .is_some_and(|open| code[open..].contains("}}"))
    })
}

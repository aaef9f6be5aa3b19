//! Kubernetes YAML: the objects of manifests (workloads and the control-plane containers in
//! them, Services, Ingresses, RBAC objects, ServiceAccounts) and the config documents among
//! them. A `KubeletConfiguration` goes to the kubelet-config reader; the kubeadm reader gets
//! the file's parsed documents together, since they describe one node between them. The
//! configs of tools that run the control plane go to their readers as they load: kind
//! `Cluster` configs and Cluster API objects to the kubeadm reader's `kind` and `cluster_api`,
//! kops `Cluster` specs to `kops`, Talos machine configs (documents without a `kind`) to
//! `talos`.

use std::path::Path;

use super::kubelet_config::{self, KubeletConfigDoc};
use super::{CommentSyntax, FileKind, Format, kops, kubeadm, path_names, talos};
use crate::inventory::workload::read_workload;
use crate::inventory::{
    Binding, FileId, Ingress, InputProblem, InputProblemKind, Inventory, Role, Service,
    ServiceAccount,
};
use crate::source::{Location, SourceFile};
use crate::yaml::{self, Document, LoadProblem, NodeRef};

pub(super) const FORMAT: Format = Format {
    // YAML is what no other format claims.
    detect: |_, _| None,
    walked,
    comments: CommentSyntax::Yaml,
    read,
    assemble: None,
};

/// `*.yaml`, `*.yml`, and the kubelet's `--config-dir` drop-ins (`kubelet.conf.d/*.conf`).
fn walked(path: &Path) -> bool {
    let [_, parent, _] = path_names(path);
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => true,
        Some("conf") => parent == "kubelet.conf.d",
        _ => false,
    }
}

fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, _kind: &FileKind) {
    // Documents are read as they load, so a stream of many holds one tree at a time; a file
    // that fails to load halfway is all or nothing still: what its first documents added is
    // undone.
    let marks = inventory.item_marks();
    let first_config = inventory.kubelet_configs.len();
    let mut objects = Objects {
        inventory,
        file: id,
        text: file.text(),
        kubeadm_documents: Vec::new(),
    };
    let loaded = yaml::load_each(file.text(), |document| {
        objects.add(document.root());
        if kubeadm::is_kubeadm_document(&document) {
            objects.kubeadm_documents.push(document);
        }
    });
    let Objects {
        kubeadm_documents, ..
    } = objects;
    let problems = match loaded {
        Ok(problems) => problems,
        Err(error) => {
            inventory.truncate_items(&marks);
            inventory.problems.push(InputProblem::load(id, error));
            return;
        }
    };
    inventory
        .problems
        .extend(duplicate_key_problems(id, problems));
    if kubeadm_documents.is_empty() {
        return;
    }
    // The kubeadm documents describe one node between them: read together, once the file is.
    kubeadm::read(inventory, id, &kubeadm_documents);
    for config in &mut inventory.kubelet_configs[first_config..] {
        config.in_kubeadm_file = true;
    }
}

/// The loader's problems with a file's YAML (keys repeated in one mapping), as input problems.
pub(super) fn duplicate_key_problems(
    id: FileId,
    problems: Vec<LoadProblem>,
) -> impl Iterator<Item = InputProblem> {
    problems.into_iter().map(move |problem| {
        let LoadProblem::DuplicateKey {
            key,
            first,
            duplicate,
        } = problem;
        InputProblem {
            location: Location::new(id, duplicate),
            kind: InputProblemKind::DuplicateKey {
                key,
                first: Location::new(id, first),
            },
        }
    })
}

/// Reading the objects of one file.
struct Objects<'i, 'a> {
    inventory: &'i mut Inventory,
    file: FileId,
    /// The file's text, which YAML embedded in its strings is located in.
    text: &'a str,
    /// Documents of the kubeadm API, kept to be read together when the file has loaded.
    kubeadm_documents: Vec<Document<'a>>,
}

impl Objects<'_, '_> {
    /// One Kubernetes object (or a `kind: List` of them).
    fn add(&mut self, object: NodeRef<'_, '_>) {
        let file = self.file;
        if talos::is_machine_config(object) {
            talos::read(self.inventory, file, object);
            return;
        }
        let Some(kind) = object.get("kind") else {
            return;
        };
        let Some(kind_name) = kind.as_str() else {
            return;
        };
        let api_version = object
            .get("apiVersion")
            .and_then(|v| v.located_string(file));
        let inventory = &mut *self.inventory;
        match kind_name {
            // `kind: List` (and `PodList`, `DeploymentList`, ... from `kubectl get -o yaml`).
            k if k.ends_with("List") && object.get("items").is_some() => {
                if let Some(items) = object.get("items") {
                    for item in items.items() {
                        self.add(item);
                    }
                }
            }
            "KubeletConfiguration" if kubelet_config::is_kubelet_api(api_version.as_ref()) => {
                let doc = KubeletConfigDoc::read(file, kind, api_version, object);
                inventory.kubelet_configs.push(doc);
            }
            "Service" => inventory.services.extend(Service::read(file, object)),
            "Ingress" => inventory.ingresses.extend(Ingress::read(file, object)),
            "ClusterRoleBinding" | "RoleBinding" => {
                inventory
                    .bindings
                    .extend(Binding::read(file, kind_name, object));
            }
            "ClusterRole" | "Role" => inventory.roles.extend(Role::read(file, kind_name, object)),
            "ServiceAccount" => inventory
                .service_accounts
                .extend(ServiceAccount::read(file, object)),
            // Read with the file's other kubeadm documents once it has loaded.
            k if kubeadm::is_kubeadm_kind(k, api_version.as_ref()) => {}
            k if kubeadm::cluster_api::is_kubeadm_object(k, api_version.as_ref()) => {
                kubeadm::cluster_api::read(inventory, file, k, object);
            }
            k if kops::is_kops_cluster(k, api_version.as_ref()) => {
                kops::read(inventory, file, object);
            }
            k if kubeadm::kind::is_kind_cluster(k, api_version.as_ref()) => {
                kubeadm::kind::read(inventory, file, self.text, object);
            }
            _ => read_workload(inventory, file, kind_name, kind.location_in(file), object),
        }
    }
}

/// A Cluster API manifest whose braces are all inside string values it hands to cloud-init
/// (`name: '{{ ds.meta_data.local_hostname }}'`, a `files` entry's `content: |`) or to another
/// engine: the rest of it is plain YAML, so it is read, each such value being text. Braces
/// that YAML would read as a flow mapping (`version: {{ .Values.version }}`, a Helm template)
/// keep the file skipped.
pub(super) fn is_templated_cluster_api(file: &SourceFile) -> bool {
    let text = file.text();
    if !kubeadm::cluster_api::mentions_kubeadm_objects(text) {
        return false;
    }
    let Ok(stream) = yaml::load(text) else {
        return false;
    };
    let blocks: Vec<_> = stream
        .documents
        .iter()
        .flat_map(Document::multiline_scalar_spans)
        .collect();
    let mut offset = 0;
    text.split_inclusive('\n').all(|line| {
        let start = offset;
        offset += line.len();
        let code = CommentSyntax::Yaml.code_of(line);
        code.match_indices("{{").all(|(at, _)| {
            let before = &code[..at];
            let quoted = before.matches(['"', '\'']).count() % 2 == 1;
            quoted
                || blocks
                    .iter()
                    .any(|b| b.start <= start + at && start + at < b.end)
        })
    })
}

//! The objects around a Dashboard: how it is exposed and what its service account may do.

use super::FileId;
use crate::source::{Located, Location};
use crate::yaml::NodeRef;

/// `metadata` fields every object has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Meta {
    pub name: Option<Located<String>>,
    pub namespace: Option<String>,
    pub labels: Vec<(String, String)>,
}

impl Meta {
    pub(crate) fn read(file: FileId, object: NodeRef<'_, '_>) -> Self {
        let metadata = object.get("metadata");
        Self {
            name: metadata
                .and_then(|m| m.get("name"))
                .and_then(|n| n.located_string(file)),
            namespace: metadata
                .and_then(|m| m.str_at("namespace"))
                .map(str::to_owned),
            labels: metadata
                .and_then(|m| m.get("labels"))
                .map(string_map)
                .unwrap_or_default(),
        }
    }

    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.value.as_str())
    }
}

/// A mapping of strings to strings (labels, selectors); other values are skipped.
pub(crate) fn string_map(node: NodeRef<'_, '_>) -> Vec<(String, String)> {
    node.entries()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
        .collect()
}

fn located_strings(file: FileId, node: Option<NodeRef<'_, '_>>) -> Vec<Located<String>> {
    node.map(|n| n.items().filter_map(|i| i.located_string(file)).collect())
        .unwrap_or_default()
}

/// A `Service`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Service {
    pub file: FileId,
    pub kind_location: Location,
    pub meta: Meta,
    /// `spec.type`; `ClusterIP` when absent.
    pub service_type: Option<Located<String>>,
    pub selector: Vec<(String, String)>,
    pub external_ips: Vec<Located<String>>,
}

impl Service {
    pub(crate) fn read(file: FileId, object: NodeRef<'_, '_>) -> Option<Self> {
        let spec = object.get("spec");
        Some(Self {
            file,
            kind_location: object.get("kind")?.location_in(file),
            meta: Meta::read(file, object),
            service_type: spec
                .and_then(|s| s.get("type"))
                .and_then(|n| n.located_string(file)),
            selector: spec
                .and_then(|s| s.get("selector"))
                .map(string_map)
                .unwrap_or_default(),
            external_ips: located_strings(file, spec.and_then(|s| s.get("externalIPs"))),
        })
    }
}

/// An `Ingress`, with the services its rules and default backend send traffic to.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Ingress {
    pub file: FileId,
    pub kind_location: Location,
    pub meta: Meta,
    pub backend_services: Vec<Located<String>>,
}

impl Ingress {
    pub(crate) fn read(file: FileId, object: NodeRef<'_, '_>) -> Option<Self> {
        let spec = object.get("spec");
        let mut backends = Vec::new();
        // networking.k8s.io/v1 uses `service.name`; extensions/v1beta1 used `serviceName`.
        let mut add_backend = |backend: Option<NodeRef<'_, '_>>| {
            let Some(backend) = backend else { return };
            let name = backend
                .path(&["service", "name"])
                .or_else(|| backend.get("serviceName"))
                .and_then(|n| n.located_string(file));
            backends.extend(name);
        };
        add_backend(spec.and_then(|s| s.get("defaultBackend").or_else(|| s.get("backend"))));
        for rule in spec
            .and_then(|s| s.get("rules"))
            .into_iter()
            .flat_map(NodeRef::items)
        {
            for path in rule
                .path(&["http", "paths"])
                .into_iter()
                .flat_map(NodeRef::items)
            {
                add_backend(path.get("backend"));
            }
        }
        Some(Self {
            file,
            kind_location: object.get("kind")?.location_in(file),
            meta: Meta::read(file, object),
            backend_services: backends,
        })
    }
}

/// One subject of a binding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subject {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub location: Location,
}

/// A `ClusterRoleBinding` or `RoleBinding`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Binding {
    pub file: FileId,
    pub kind: String,
    pub kind_location: Location,
    pub meta: Meta,
    /// `roleRef.kind` (`ClusterRole` or `Role`).
    pub role_kind: String,
    pub role_name: Located<String>,
    pub subjects: Vec<Subject>,
}

impl Binding {
    pub(crate) fn read(file: FileId, kind: &str, object: NodeRef<'_, '_>) -> Option<Self> {
        let role_ref = object.get("roleRef")?;
        let subjects = object
            .get("subjects")
            .into_iter()
            .flat_map(NodeRef::items)
            .filter_map(|s| {
                Some(Subject {
                    kind: s.str_at("kind")?.to_owned(),
                    name: s.str_at("name")?.to_owned(),
                    namespace: s.str_at("namespace").map(str::to_owned),
                    location: s.location_in(file),
                })
            })
            .collect();
        Some(Self {
            file,
            kind: kind.to_owned(),
            kind_location: object.get("kind")?.location_in(file),
            meta: Meta::read(file, object),
            role_kind: role_ref.str_at("kind").unwrap_or("ClusterRole").to_owned(),
            role_name: role_ref.get("name")?.located_string(file)?,
            subjects,
        })
    }
}

/// One rule of a role.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PolicyRule {
    pub location: Location,
    pub api_groups: Vec<Located<String>>,
    pub resources: Vec<Located<String>>,
    pub verbs: Vec<Located<String>>,
}

/// A `ClusterRole` or `Role`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Role {
    pub file: FileId,
    pub kind: String,
    pub kind_location: Location,
    pub meta: Meta,
    pub rules: Vec<PolicyRule>,
}

impl Role {
    pub(crate) fn read(file: FileId, kind: &str, object: NodeRef<'_, '_>) -> Option<Self> {
        let rules = object
            .get("rules")
            .into_iter()
            .flat_map(NodeRef::items)
            .map(|rule| PolicyRule {
                location: rule.location_in(file),
                api_groups: located_strings(file, rule.get("apiGroups")),
                resources: located_strings(file, rule.get("resources")),
                verbs: located_strings(file, rule.get("verbs")),
            })
            .collect();
        Some(Self {
            file,
            kind: kind.to_owned(),
            kind_location: object.get("kind")?.location_in(file),
            meta: Meta::read(file, object),
            rules,
        })
    }
}

/// A `ServiceAccount`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServiceAccount {
    pub file: FileId,
    pub kind_location: Location,
    pub meta: Meta,
}

impl ServiceAccount {
    pub(crate) fn read(file: FileId, object: NodeRef<'_, '_>) -> Option<Self> {
        Some(Self {
            file,
            kind_location: object.get("kind")?.location_in(file),
            meta: Meta::read(file, object),
        })
    }
}

//! Config documents (`KubeletConfiguration`, etcd's `--config-file`) kept as flat,
//! spanned leaves, so the YAML tree can be dropped once a file is read.

use std::borrow::Cow;

use crate::source::{FileId, Location};
use crate::yaml::{NodeKind, NodeRef, Scalar, ScalarStyle};

/// One scalar field of a config document.
#[derive(Debug, Clone)]
pub struct ConfigLeaf {
    pub scalar: Scalar<'static>,
    /// The value's bytes.
    pub location: Location,
    /// The key's bytes (`enabled` in `enabled: true`).
    pub key_location: Location,
}

/// A mapping-shaped config document flattened into dotted paths
/// (`authentication.anonymous.enabled`, `tlsCipherSuites[0]`).
#[derive(Debug, Clone, Default)]
pub struct ConfigFields {
    leaves: Vec<(String, ConfigLeaf)>,
    /// Key of every mapping and sequence field, for anchoring a missing child.
    parents: Vec<(String, Location)>,
}

impl ConfigFields {
    /// Flattens `root`, a document of `file`. Nesting is already bounded by the loader's depth
    /// cap.
    #[must_use]
    pub fn from_node(file: FileId, root: NodeRef<'_, '_>) -> Self {
        let mut fields = Self::default();
        let mut stack = vec![(String::new(), root)];
        while let Some((path, node)) = stack.pop() {
            let children: Vec<(String, Location, NodeRef<'_, '_>)> = match node.kind() {
                NodeKind::Mapping(_) => node
                    .entries()
                    .filter_map(|(k, v)| {
                        let key = k.as_str()?;
                        let child = if path.is_empty() {
                            key.to_owned()
                        } else {
                            format!("{path}.{key}")
                        };
                        Some((child, k.location_in(file), v))
                    })
                    .collect(),
                NodeKind::Sequence(_) => node
                    .items()
                    .enumerate()
                    .map(|(i, v)| (format!("{path}[{i}]"), v.location_in(file), v))
                    .collect(),
                _ => Vec::new(),
            };
            for (child_path, key_location, value) in children.into_iter().rev() {
                match value.kind() {
                    NodeKind::Scalar(scalar) => fields.leaves.push((
                        child_path,
                        ConfigLeaf {
                            scalar: Scalar {
                                value: Cow::Owned(scalar.value.clone().into_owned()),
                                style: scalar.style,
                                tag: scalar.tag.clone(),
                            },
                            location: value.location_in(file),
                            key_location,
                        },
                    )),
                    _ => {
                        fields.parents.push((child_path.clone(), key_location));
                        stack.push((child_path, value));
                    }
                }
            }
        }
        fields
    }

    /// The leaf at `path`; the last one when a key was repeated.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&ConfigLeaf> {
        self.leaves
            .iter()
            .rev()
            .find(|(p, leaf)| p == path && !leaf.scalar.is_null())
            .map(|(_, leaf)| leaf)
    }

    /// Every leaf, in document order within each mapping.
    pub fn leaves(&self) -> impl Iterator<Item = (&str, &ConfigLeaf)> {
        self.leaves.iter().map(|(p, l)| (p.as_str(), l))
    }

    /// Key of the deepest existing parent of `path` (`authentication` for
    /// `authentication.anonymous.enabled` when `anonymous` is absent).
    #[must_use]
    pub fn nearest_parent(&self, path: &str) -> Option<Location> {
        let mut prefix = path;
        while let Some(dot) = prefix.rfind('.') {
            prefix = &prefix[..dot];
            if let Some((_, key)) = self.parents.iter().rev().find(|(p, _)| p == prefix) {
                return Some(*key);
            }
        }
        None
    }

    /// Whether a string field is quoted; used in messages about type errors.
    #[must_use]
    pub fn is_quoted(leaf: &ConfigLeaf) -> bool {
        matches!(
            leaf.scalar.style,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    #[test]
    fn flattens_with_spans_and_parents() {
        let text = "kind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n  x509: {}\ntlsCipherSuites: [A, B]\n";
        let stream = load(text).unwrap();
        let fields = ConfigFields::from_node(FileId(0), stream.documents[0].root());
        let leaf = fields.get("authentication.anonymous.enabled").unwrap();
        assert_eq!(&text[leaf.location.span().range()], "false");
        assert_eq!(&text[leaf.key_location.span().range()], "enabled");
        assert_eq!(fields.get("tlsCipherSuites[1]").unwrap().scalar.value, "B");
        let parent = fields
            .nearest_parent("authentication.x509.clientCAFile")
            .unwrap();
        assert_eq!(&text[parent.span().range()], "x509");
        let parent = fields.nearest_parent("authorization.mode");
        assert_eq!(parent, None);
    }
}

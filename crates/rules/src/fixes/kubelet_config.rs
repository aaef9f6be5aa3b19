//! Config fields: a written scalar replaced in place, or a missing field added under its
//! nearest parent (`KubeletConfiguration`, and any config document flattened to located
//! leaves).

use kubeharden_core::inventory::KubeletConfigDoc;
use kubeharden_core::{Inventory, Location, Span};

use super::Edits;
use crate::finding::Edit;

/// Replaces a config file's written scalar at `location` with the plain scalar `value`
/// (quotes included: a quoted `"true"` would stay a string).
pub(crate) fn set_config_value(
    inventory: &Inventory,
    location: Location,
    value: &str,
) -> Option<Edits> {
    let text = inventory.file(location.file()).text();
    let written = text.get(location.span().range())?;
    if written.contains('\n') || written.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut span = location.span();
    let before = span
        .start
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .copied();
    if let (Some(q @ (b'"' | b'\'')), Some(&e)) = (before, bytes.get(span.end))
        && e == q
    {
        span = Span::new(span.start - 1, span.end + 1);
    }
    let edit = Edit {
        span,
        replacement: value.to_owned(),
    };
    Some(Edits::new(location.file(), vec![edit]))
}

/// Sets field `path` (`authentication.x509.clientCAFile`) of a config document to the plain
/// scalar `value`: the written value in place, or a new `key: value` line under the nearest
/// existing parent (its first child, at its children's indentation), creating the missing
/// parents; with no parent at all, after the document's `kind:` line. `None` when a prefix
/// of `path` is a scalar or null, or the parent is a flow mapping.
pub(crate) fn set_config_field(
    inventory: &Inventory,
    doc: &KubeletConfigDoc,
    path: &str,
    value: &str,
) -> Option<Edits> {
    if let Some(leaf) = doc.fields.get(path) {
        return set_config_value(inventory, leaf.location, value);
    }
    // `x509:` written with no value (or a scalar) would be a duplicate key.
    if doc
        .fields
        .leaves()
        .any(|(p, _)| p == path || path.starts_with(&format!("{p}.")))
    {
        return None;
    }
    let text = inventory.file(doc.file).text();
    let (parent_path, anchor) = match doc.fields.nearest_parent(path) {
        Some(parent) => {
            let span = parent.span();
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let parent_line = &text[line_start..span.start];
            // The parent's dotted path, from how deep its key sits: find it among the prefixes.
            let prefix = path
                .match_indices('.')
                .map(|(i, _)| &path[..i])
                .rfind(|p| {
                    doc.fields.nearest_parent(&format!("{p}.x")) == Some(parent)
                        && doc.fields.nearest_parent(p) != Some(parent)
                })?;
            (Some((prefix, parent_line.len())), span)
        }
        None => (None, doc.kind_location.span()),
    };
    let line_end = text[anchor.end..]
        .find('\n')
        .map_or(text.len(), |i| anchor.end + i + 1);
    let eol = if text[..line_end].ends_with("\r\n")
        || (!text[..line_end].ends_with('\n') && text.contains("\r\n"))
    {
        "\r\n"
    } else {
        "\n"
    };
    let rest_of_line = text[anchor.end..line_end].trim_end_matches(['\n', '\r']);
    let (segments, indent, step) = match parent_path {
        Some((prefix, parent_indent)) => {
            // `key:` then nothing (or a comment): a block mapping follows.
            let after_colon = rest_of_line.trim_start().strip_prefix(':')?.trim();
            if !(after_colon.is_empty() || after_colon.starts_with('#')) {
                return None;
            }
            let next = text[line_end..]
                .lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| l.len() - l.trim_start_matches(' ').len());
            let child = match next {
                Some(n) if n > parent_indent => n,
                _ => parent_indent + 2,
            };
            let rest = &path[prefix.len() + 1..];
            (rest, child, child - parent_indent)
        }
        None => {
            let line_start = text[..anchor.start].rfind('\n').map_or(0, |i| i + 1);
            let kind_line = &text[line_start..anchor.start];
            let indent = kind_line.len() - kind_line.trim_start_matches(' ').len();
            (path, indent, 2)
        }
    };
    let parts: Vec<&str> = segments.split('.').collect();
    let mut insert = String::new();
    if !text[..line_end].ends_with('\n') {
        insert.push_str(eol);
    }
    for (depth, part) in parts.iter().enumerate() {
        let pad = " ".repeat(indent + depth * step);
        if depth + 1 == parts.len() {
            insert.push_str(&format!("{pad}{part}: {value}{eol}"));
        } else {
            insert.push_str(&format!("{pad}{part}:{eol}"));
        }
    }
    let edit = Edit {
        span: Span::new(line_end, line_end),
        replacement: insert,
    };
    Some(Edits::new(doc.file, vec![edit]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(body: &str, path: &str) -> Option<String> {
        let text = crate::testing::kubelet_config(body);
        let mut builder = kubeharden_core::InventoryBuilder::new(Default::default());
        builder.add_file(kubeharden_core::SourceFile::new(
            "config.yaml",
            text.as_str(),
        ));
        let inventory = builder.build();
        let doc = inventory
            .kubelets()
            .into_iter()
            .find_map(|k| k.sources.config)?;
        let edits = set_config_field(&inventory, doc, path, "/ca.crt")?;
        let [edit] = edits.edits.as_slice() else {
            panic!("one insertion: {edits:?}");
        };
        let mut fixed = text.clone();
        fixed.replace_range(edit.span.range(), &edit.replacement);
        Some(fixed[fixed.find("KubeletConfiguration\n")? + 21..].to_owned())
    }

    #[test]
    fn a_missing_config_field_goes_under_its_nearest_parent() {
        let path = "authentication.x509.clientCAFile";
        assert_eq!(
            field("", path).as_deref(),
            Some("authentication:\n  x509:\n    clientCAFile: /ca.crt\n")
        );
        assert_eq!(
            field(
                "authentication:\n    webhook:\n        enabled: true\n",
                path
            )
            .as_deref(),
            Some(
                "authentication:\n    x509:\n        clientCAFile: /ca.crt\n    webhook:\n        enabled: true\n"
            )
        );
        assert_eq!(
            field("authentication:\n  x509:\n    clientCAFile: old\n", path).as_deref(),
            Some("authentication:\n  x509:\n    clientCAFile: /ca.crt\n")
        );
        // A null `x509:` or a flow mapping: no safe place to write.
        assert_eq!(field("authentication:\n  x509:\n", path), None);
        assert_eq!(
            field("authentication: {webhook: {enabled: true}}\n", path),
            None
        );
    }
}

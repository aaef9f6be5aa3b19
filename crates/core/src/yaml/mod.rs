//! A spanned YAML tree, loaded with limits from saphyr's event parser.
//!
//! Nodes live in one arena per document, so a deep tree is dropped without recursion and an
//! alias is a pointer to its anchor's node instead of a copy. Scalars borrow from the source
//! text where saphyr could.

mod loader;
pub mod scalar;

use std::borrow::Cow;
use std::fmt;

pub use loader::{
    LoadError, LoadErrorKind, LoadProblem, MAX_ALIAS_EXPANSION, MAX_DEPTH, load, load_each,
};
pub use saphyr_parser::ScalarStyle;

use crate::source::{FileId, Located, Location, MappedText, Span, Spanned, TextMap};

/// Index of a node in its document's arena.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct NodeId(u32);

impl NodeId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// One YAML node.
#[derive(Debug)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    /// Bytes of the node. Quoted scalars include their quotes; block scalars start at their
    /// first content line; collections run from their first to their last byte.
    pub span: Span,
}

#[derive(Debug)]
pub enum NodeKind<'a> {
    Scalar(Scalar<'a>),
    Sequence(Vec<NodeId>),
    Mapping(Vec<Entry>),
    /// `*name`: the node carrying `&name`.
    Alias(NodeId),
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar<'a> {
    pub value: Cow<'a, str>,
    pub style: ScalarStyle,
    /// An explicit tag such as `!!str`, as written (`!!str`), if any.
    pub tag: Option<String>,
}

impl Scalar<'_> {
    /// A plain `null`, `~`, `Null`, `NULL` or empty scalar.
    #[must_use]
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain
            && self.tag.is_none()
            && matches!(&*self.value, "" | "~" | "null" | "Null" | "NULL")
    }
}

/// One document of a YAML stream.
pub struct Document<'a> {
    source: &'a str,
    nodes: Vec<Node<'a>>,
    root: NodeId,
    /// Position of the explicit `---` or of the document's first byte.
    pub start: Span,
}

impl fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("nodes", &self.nodes.len())
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl<'a> Document<'a> {
    #[must_use]
    pub fn root(&self) -> NodeRef<'_, 'a> {
        NodeRef {
            doc: self,
            id: self.root,
        }
        .resolved()
    }

    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Spans of the scalars that run over more than one line (block scalars, folded plain
    /// and quoted ones): a `#` inside them is text, not a comment.
    pub fn multiline_scalar_spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.nodes.iter().filter_map(|node| {
            let NodeKind::Scalar(_) = node.kind else {
                return None;
            };
            self.source
                .get(node.span.range())
                .is_some_and(|text| text.contains('\n'))
                .then_some(node.span)
        })
    }
}

/// Spans of the scalars of `text` that run over more than one line: a `#` inside them is
/// text, not a comment (for a pass that scans comments, such as suppressions). Empty when
/// `text` does not load.
#[must_use]
pub fn multiline_scalar_spans(text: &str) -> Vec<Span> {
    load(text)
        .map(|stream| {
            stream
                .documents
                .iter()
                .flat_map(Document::multiline_scalar_spans)
                .collect()
        })
        .unwrap_or_default()
}

/// Loads YAML written inside a scalar of another file (the kubeadm documents of a kind
/// `kubeadmConfigPatches` string). The scalar's value is parsed, and every span is moved to the
/// bytes of `source` (the file's text) it was decoded from, so that the tree reads as part of
/// the file: a flag inside it is located in the file, at its own bytes. A span whose bytes
/// cannot be found (an escape sequence) falls back to the whole scalar's.
///
/// # Errors
/// The [`LoadError`] of the value, at the scalar's bytes.
pub fn load_embedded<'a>(value: &MappedText, source: &'a str) -> Result<Stream<'a>, LoadError> {
    let relocate = |span: Span| value.map.covering_span(span.range()).unwrap_or(value.span);
    let stream = load(&value.text).map_err(|error| LoadError {
        span: relocate(error.span),
        ..error
    })?;
    let documents = stream
        .documents
        .into_iter()
        .map(|document| Document {
            source,
            nodes: document
                .nodes
                .into_iter()
                .map(|node| Node {
                    span: relocate(node.span),
                    kind: match node.kind {
                        NodeKind::Scalar(scalar) => NodeKind::Scalar(Scalar {
                            value: Cow::Owned(scalar.value.into_owned()),
                            style: scalar.style,
                            tag: scalar.tag,
                        }),
                        NodeKind::Sequence(items) => NodeKind::Sequence(items),
                        NodeKind::Mapping(entries) => NodeKind::Mapping(entries),
                        NodeKind::Alias(target) => NodeKind::Alias(target),
                    },
                })
                .collect(),
            root: document.root,
            start: relocate(document.start),
        })
        .collect();
    let problems = stream
        .problems
        .into_iter()
        .map(|problem| match problem {
            LoadProblem::DuplicateKey {
                key,
                first,
                duplicate,
            } => LoadProblem::DuplicateKey {
                key,
                first: relocate(first),
                duplicate: relocate(duplicate),
            },
        })
        .collect();
    Ok(Stream {
        documents,
        problems,
    })
}

/// A parsed YAML stream: its documents and the problems that did not stop loading.
#[derive(Debug, Default)]
pub struct Stream<'a> {
    pub documents: Vec<Document<'a>>,
    pub problems: Vec<LoadProblem>,
}

/// A handle on one node of a document, with navigation helpers. Aliases are followed.
#[derive(Clone, Copy)]
pub struct NodeRef<'d, 'a> {
    doc: &'d Document<'a>,
    id: NodeId,
}

impl fmt::Debug for NodeRef<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            NodeKind::Scalar(s) => write!(f, "Scalar({:?} @ {:?})", s.value, self.span()),
            NodeKind::Sequence(items) => write!(f, "Sequence[{}] @ {:?}", items.len(), self.span()),
            NodeKind::Mapping(entries) => {
                write!(f, "Mapping[{}] @ {:?}", entries.len(), self.span())
            }
            NodeKind::Alias(_) => write!(f, "Alias @ {:?}", self.span()),
        }
    }
}

/// Merge keys (`<<: *base`) may chain; real files use one or two levels.
const MAX_MERGE_DEPTH: usize = 8;

impl<'d, 'a> NodeRef<'d, 'a> {
    fn resolved(self) -> Self {
        match self.doc.nodes[self.id.index()].kind {
            // An alias always points at a non-alias node: anchors sit on nodes, not on aliases.
            NodeKind::Alias(target) => NodeRef {
                doc: self.doc,
                id: target,
            },
            _ => self,
        }
    }

    #[must_use]
    pub fn id(self) -> NodeId {
        self.id
    }

    #[must_use]
    pub fn node(self) -> &'d Node<'a> {
        &self.doc.nodes[self.id.index()]
    }

    #[must_use]
    pub fn kind(self) -> &'d NodeKind<'a> {
        &self.node().kind
    }

    #[must_use]
    pub fn span(self) -> Span {
        self.node().span
    }

    #[must_use]
    pub fn scalar(self) -> Option<&'d Scalar<'a>> {
        match self.kind() {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text, unless it is null or not a scalar.
    #[must_use]
    pub fn as_str(self) -> Option<&'d str> {
        self.scalar().filter(|s| !s.is_null()).map(|s| &*s.value)
    }

    #[must_use]
    pub fn as_spanned_str(self) -> Option<Spanned<&'d str>> {
        self.as_str().map(|s| Spanned::new(s, self.span()))
    }

    /// The string, located in `file` (the file this tree was read from).
    #[must_use]
    pub fn located_string(self, file: FileId) -> Option<Located<String>> {
        self.as_str()
            .map(|s| Located::new(s.to_owned(), Location::new(file, self.span())))
    }

    /// This node's place in `file` (the file this tree was read from).
    #[must_use]
    pub fn location_in(self, file: FileId) -> Location {
        Location::new(file, self.span())
    }

    #[must_use]
    pub fn is_null(self) -> bool {
        self.scalar().is_some_and(Scalar::is_null)
    }

    #[must_use]
    pub fn is_mapping(self) -> bool {
        matches!(self.kind(), NodeKind::Mapping(_))
    }

    /// Items of a sequence; empty for anything else.
    pub fn items(self) -> impl Iterator<Item = NodeRef<'d, 'a>> + 'd {
        let items: &'d [NodeId] = match self.kind() {
            NodeKind::Sequence(items) => items,
            _ => &[],
        };
        let doc = self.doc;
        items.iter().map(move |&id| NodeRef { doc, id }.resolved())
    }

    /// Entries of a mapping as written (duplicates and merge keys included); empty otherwise.
    pub fn entries(self) -> impl Iterator<Item = (NodeRef<'d, 'a>, NodeRef<'d, 'a>)> + 'd {
        let entries: &'d [Entry] = match self.kind() {
            NodeKind::Mapping(entries) => entries,
            _ => &[],
        };
        let doc = self.doc;
        entries.iter().map(move |e| {
            (
                NodeRef { doc, id: e.key }.resolved(),
                NodeRef { doc, id: e.value }.resolved(),
            )
        })
    }

    /// The value under `key`, with its key node. The last of duplicate keys wins, as in the
    /// decoders Kubernetes uses; keys merged in with `<<` count when not set directly.
    #[must_use]
    pub fn entry(self, key: &str) -> Option<(NodeRef<'d, 'a>, NodeRef<'d, 'a>)> {
        self.entry_merged(key, 0)
    }

    fn entry_merged(self, key: &str, depth: usize) -> Option<(NodeRef<'d, 'a>, NodeRef<'d, 'a>)> {
        let direct = self
            .entries()
            .filter(|(k, _)| k.scalar().is_some_and(|s| s.value == key))
            .last();
        if direct.is_some() || depth >= MAX_MERGE_DEPTH {
            return direct;
        }
        self.entries()
            .filter(|(k, _)| {
                k.scalar()
                    .is_some_and(|s| s.value == "<<" && s.tag.is_none())
            })
            .flat_map(|(_, merged)| {
                if merged.is_mapping() {
                    vec![merged]
                } else {
                    merged.items().collect()
                }
            })
            .find_map(|m| m.entry_merged(key, depth + 1))
    }

    #[must_use]
    pub fn get(self, key: &str) -> Option<NodeRef<'d, 'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Follows a path of mapping keys.
    #[must_use]
    pub fn path(self, keys: &[&str]) -> Option<NodeRef<'d, 'a>> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// `get(key)` as a non-null string.
    #[must_use]
    pub fn str_at(self, key: &str) -> Option<&'d str> {
        self.get(key).and_then(NodeRef::as_str)
    }

    #[must_use]
    pub fn document(self) -> &'d Document<'a> {
        self.doc
    }

    /// The scalar's text with a map from its bytes back to the source, so that a flag inside
    /// a list item or a `sh -c` script gets its own span. `None` for non-scalars and nulls.
    #[must_use]
    pub fn mapped_text(self) -> Option<MappedText> {
        let scalar = self.scalar().filter(|s| !s.is_null())?;
        let span = self.span();
        let map = text_map(self.doc.source, span, scalar);
        Some(MappedText::new(
            scalar.value.clone().into_owned(),
            span,
            map,
        ))
    }
}

/// Aligns a scalar's decoded value with its source lines.
///
/// Plain, literal and folded scalars are their source lines' contents joined by whitespace,
/// so each line's content is found verbatim, in order, with only whitespace between. Quoted
/// scalars work the same inside the quotes as long as no escape sequence (`\\x`, `''`) is
/// involved; a line holding one stops the alignment, and offsets from there on map to nothing
/// (spans fall back to the whole scalar).
fn text_map(source: &str, span: Span, scalar: &Scalar<'_>) -> TextMap {
    let Some(raw) = source.get(span.range()) else {
        return TextMap::opaque();
    };
    let (raw, inner_start) = match scalar.style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if raw.len() >= 2 => {
            (&raw[1..raw.len() - 1], span.start + 1)
        }
        _ => (raw, span.start),
    };
    if raw == scalar.value {
        return TextMap::verbatim(inner_start, raw.len());
    }
    let escape = match scalar.style {
        ScalarStyle::SingleQuoted => Some("''"),
        ScalarStyle::DoubleQuoted => Some("\\"),
        _ => None,
    };
    let value: &str = &scalar.value;
    let mut map = TextMap::default();
    let mut cursor = 0;
    let mut offset = inner_start;
    for line in raw.split_inclusive('\n') {
        let content = line.trim();
        let content_start = offset + (line.len() - line.trim_start().len());
        offset += line.len();
        if content.is_empty() {
            continue;
        }
        if escape.is_some_and(|e| content.contains(e)) {
            break;
        }
        let Some(found) = value[cursor..].find(content) else {
            break;
        };
        if !value[cursor..cursor + found]
            .chars()
            .all(char::is_whitespace)
        {
            break;
        }
        map.push_run(cursor + found, content_start, content.len());
        cursor += found + content.len();
    }
    map
}

#[cfg(test)]
mod tests;

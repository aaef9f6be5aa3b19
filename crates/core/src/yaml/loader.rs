//! Builds [`Document`]s from saphyr's event parser, with limits.
//!
//! saphyr's own `load_from_str` must not see untrusted input: it overflows the stack on deeply
//! nested input and expands aliases into copies, so a few hundred bytes of anchors can ask for
//! billions of nodes. Here nesting is capped, aliases stay pointers, and every node an alias
//! would expand to is charged to one budget.

use std::borrow::Cow;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::{Document, Entry, Node, NodeId, NodeKind, Scalar, Stream};
use crate::source::{DecodeErrorKind, MAX_FILE_SIZE, Span};

/// Deepest nesting of collections. Manifests nest about 15 levels and CRD schemas under 100;
/// 512 keeps any recursive walk far inside a small thread stack.
pub const MAX_DEPTH: usize = 512;

/// Most nodes a file may describe, counting each alias as the whole subtree it stands for.
/// A 4 MiB CRD bundle has about 300,000 nodes; an alias bomb asks for billions.
pub const MAX_ALIAS_EXPANSION: u64 = 1_000_000;

/// Why a file could not be loaded; always with the bytes it happened at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct LoadError {
    pub kind: LoadErrorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// saphyr's scanner or parser rejected the text.
    Syntax(String),
    /// Collections nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Aliases would expand to more than [`MAX_ALIAS_EXPANSION`] nodes.
    TooManyNodes,
    /// An alias inside the node its anchor names (`&a [*a]`).
    RecursiveAlias,
    /// The text is larger than [`MAX_FILE_SIZE`] (a file's bytes are checked when decoded;
    /// this guards text handed over directly).
    TooLarge { size: usize },
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(message) => f.write_str(message),
            Self::TooDeep => write!(f, "nesting deeper than {MAX_DEPTH} levels"),
            Self::TooManyNodes => write!(
                f,
                "aliases expand to more than {MAX_ALIAS_EXPANSION} nodes (an alias bomb?)"
            ),
            Self::RecursiveAlias => f.write_str("alias refers to the node that contains it"),
            Self::TooLarge { size } => DecodeErrorKind::TooLarge {
                size: u64::try_from(*size).unwrap_or(u64::MAX),
            }
            .fmt(f),
        }
    }
}

/// A problem that does not stop the file from being read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadProblem {
    /// The same key twice in one mapping. Kubernetes' strict decoders reject the object; the
    /// lenient ones keep the last value, and so do we.
    DuplicateKey {
        key: String,
        first: Span,
        duplicate: Span,
    },
}

/// Parses `text` into documents.
///
/// # Errors
/// A [`LoadError`] with the position of the first syntax error or exceeded limit.
pub fn load(text: &str) -> Result<Stream<'_>, LoadError> {
    let mut documents = Vec::new();
    let problems = load_each(text, |document| documents.push(document))?;
    Ok(Stream {
        documents,
        problems,
    })
}

/// Parses `text`, handing each document to `each` as soon as it is complete, so that a stream
/// of many documents never holds more than one tree at a time (unless `each` keeps them).
/// Returns the problems that did not stop loading.
///
/// # Errors
/// A [`LoadError`] with the position of the first syntax error or exceeded limit. The
/// documents before it have already been handed over: a caller that wants all or nothing
/// undoes what it did with them.
pub fn load_each<'a>(
    text: &'a str,
    each: impl FnMut(Document<'a>),
) -> Result<Vec<LoadProblem>, LoadError> {
    if text.len() > MAX_FILE_SIZE {
        return Err(LoadError {
            kind: LoadErrorKind::TooLarge { size: text.len() },
            span: Span::at(0),
        });
    }
    // Manifests hold a node per ~20 bytes; sizing the scratch arena once spares the copies of
    // doubling it (a quarter of the loader's own time on a large repository). Pages it never
    // reaches are never touched.
    let estimate = text.len() / BYTES_PER_NODE;
    let mut builder = Builder {
        positions: CharToByte::new(text),
        text,
        each,
        problems: Vec::new(),
        nodes: Vec::with_capacity(estimate),
        weights: Vec::with_capacity(estimate),
        open: Vec::new(),
        root: None,
        anchors: Vec::new(),
        expanded: 0,
        doc_start: Span::at(0),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| builder.scan_error(&e))?;
        let span = builder.span(span);
        builder.event(event, span)?;
    }
    Ok(builder.problems)
}

/// Typical source bytes per node in Kubernetes YAML, for sizing the scratch arena.
const BYTES_PER_NODE: usize = 20;

/// The length of a quoted scalar's source up to its closing quote, quotes included: `''` in a
/// single-quoted scalar and a backslash escape in a double-quoted one do not close it.
fn closing_quote(raw: &str, style: ScalarStyle) -> Option<usize> {
    let bytes = raw.as_bytes();
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match (style, bytes[i]) {
            (ScalarStyle::DoubleQuoted, b'\\') => i += 2,
            (ScalarStyle::SingleQuoted, b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            (_, b) if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A collection whose end event has not come yet.
struct Open {
    id: NodeId,
    /// Key of a mapping entry waiting for its value.
    pending_key: Option<NodeId>,
}

struct Builder<'a, F> {
    text: &'a str,
    positions: CharToByte,
    /// Where each complete document goes.
    each: F,
    problems: Vec<LoadProblem>,
    /// The current document's nodes (a scratch arena reused by every document).
    nodes: Vec<Node<'a>>,
    /// Number of nodes each node stands for with aliases expanded, parallel to `nodes`.
    weights: Vec<u64>,
    open: Vec<Open>,
    root: Option<NodeId>,
    /// Node carrying each anchor id (saphyr numbers anchors from 1).
    anchors: Vec<Option<NodeId>>,
    expanded: u64,
    doc_start: Span,
}

impl<'a, F: FnMut(Document<'a>)> Builder<'a, F> {
    fn span(&self, span: saphyr_parser::Span) -> Span {
        Span::new(
            self.positions.byte(span.start.index()),
            self.positions.byte(span.end.index()),
        )
    }

    /// saphyr reports a position; we report the character there, or, for errors at the end
    /// of the file, its last character, after which the missing piece belongs.
    fn scan_error(&self, error: &ScanError) -> LoadError {
        let at = self.positions.byte(error.marker().index());
        let content_end = self.text.trim_end().len();
        let span = if at >= content_end {
            let last = self.text[..content_end]
                .chars()
                .next_back()
                .map_or(0, char::len_utf8);
            Span::new(content_end - last, content_end)
        } else {
            let width = self.text[at..].chars().next().map_or(0, char::len_utf8);
            Span::new(at, at + width)
        };
        LoadError {
            kind: LoadErrorKind::Syntax(error.info().to_owned()),
            span,
        }
    }

    fn event(&mut self, event: Event<'a>, span: Span) -> Result<(), LoadError> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => {
                self.nodes.clear();
                if self.nodes.capacity() == 0 {
                    // The previous document took the scratch arena: size one for what is left.
                    self.nodes
                        .reserve(self.text.len().saturating_sub(span.start) / BYTES_PER_NODE);
                }
                self.weights.clear();
                self.anchors.clear();
                self.root = None;
                self.expanded = 0;
                self.doc_start = span;
            }
            Event::DocumentEnd => self.finish_document(),
            Event::Scalar(value, style, anchor, tag) => {
                let span = self.scalar_span(span, style);
                let value = self.source_if_verbatim(value, span);
                let tag = tag.map(|t| tag_text(&t));
                let id = self.push(NodeKind::Scalar(Scalar { value, style, tag }), span, anchor)?;
                self.attach(id);
            }
            Event::SequenceStart(anchor, _) => {
                let span = self.block_sequence_start(span);
                self.start(NodeKind::Sequence(Vec::new()), span, anchor)?;
            }
            Event::MappingStart(anchor, _) => {
                self.start(NodeKind::Mapping(Vec::new()), span, anchor)?
            }
            Event::SequenceEnd | Event::MappingEnd => self.end(span),
            Event::Alias(anchor) => {
                let target =
                    self.anchors
                        .get(anchor)
                        .copied()
                        .flatten()
                        .ok_or_else(|| LoadError {
                            kind: LoadErrorKind::Syntax("alias to an unknown anchor".into()),
                            span,
                        })?;
                if self.open.iter().any(|open| open.id == target) {
                    return Err(LoadError {
                        kind: LoadErrorKind::RecursiveAlias,
                        span,
                    });
                }
                let id = self.push(NodeKind::Alias(target), span, 0)?;
                self.attach(id);
            }
        }
        Ok(())
    }

    /// saphyr starts a block sequence at its first item's content; start it at the `- `.
    fn block_sequence_start(&self, span: Span) -> Span {
        if !span.is_empty() || self.text[span.start..].starts_with('-') {
            return span;
        }
        let before = self.text[..span.start].trim_end_matches(' ');
        if before.ends_with('-') {
            Span::at(before.len() - 1)
        } else {
            span
        }
    }

    /// Quoted scalars keep their quotes (saphyr's span has them, but runs on over a comment
    /// after the closing quote: end them at that quote). Block scalars start at their
    /// content, but saphyr ends them at the next token, past any blank lines and
    /// less-indented comments: end them after their last content line instead.
    fn scalar_span(&self, span: Span, style: ScalarStyle) -> Span {
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            let closing = self
                .text
                .get(span.range())
                .and_then(|raw| closing_quote(raw, style));
            return closing.map_or(span, |end| Span::new(span.start, span.start + end));
        }
        if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return span;
        }
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = span.start - line_start;
        let mut end = span.start;
        let mut offset = span.start;
        for (index, line) in self.text[span.range()].split_inclusive('\n').enumerate() {
            let content = line.trim_end();
            let line_indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if index > 0 && !content.trim_start().is_empty() && line_indent < indent {
                break;
            }
            if !content.trim_start().is_empty() {
                end = offset + content.len();
            }
            offset += line.len();
        }
        Span::new(span.start, end.max(span.start))
    }

    /// saphyr copies plain scalars into a `String`, with room to spare, even when they are
    /// their source text verbatim (nearly always): borrowing the source instead spares a
    /// stream of small documents an allocation per scalar.
    fn source_if_verbatim(&self, value: Cow<'a, str>, span: Span) -> Cow<'a, str> {
        match value {
            Cow::Owned(owned) => match self.text.get(span.range()) {
                Some(source) if source == owned => Cow::Borrowed(source),
                _ => Cow::Owned(owned),
            },
            borrowed @ Cow::Borrowed(_) => borrowed,
        }
    }

    fn push(&mut self, kind: NodeKind<'a>, span: Span, anchor: usize) -> Result<NodeId, LoadError> {
        let weight = match kind {
            NodeKind::Alias(target) => self.weights[target.index()],
            _ => 1,
        };
        self.expanded = self.expanded.saturating_add(weight);
        if self.expanded > MAX_ALIAS_EXPANSION {
            return Err(LoadError {
                kind: LoadErrorKind::TooManyNodes,
                span,
            });
        }
        let id = NodeId(u32::try_from(self.nodes.len()).map_err(|_| LoadError {
            kind: LoadErrorKind::TooManyNodes,
            span,
        })?);
        self.nodes.push(Node { kind, span });
        self.weights.push(weight);
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(id);
        }
        Ok(id)
    }

    fn start(&mut self, kind: NodeKind<'a>, span: Span, anchor: usize) -> Result<(), LoadError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(LoadError {
                kind: LoadErrorKind::TooDeep,
                span,
            });
        }
        let id = self.push(kind, span, anchor)?;
        self.open.push(Open {
            id,
            pending_key: None,
        });
        Ok(())
    }

    fn end(&mut self, end_span: Span) {
        let Some(open) = self.open.pop() else {
            return;
        };
        let id = open.id;
        let (last_child_end, children_weight) = match &self.nodes[id.index()].kind {
            NodeKind::Sequence(items) => (
                items.last().map(|&c| self.nodes[c.index()].span.end),
                items
                    .iter()
                    .map(|c| self.weights[c.index()])
                    .fold(0, u64::saturating_add),
            ),
            NodeKind::Mapping(entries) => (
                entries.last().map(|e| self.nodes[e.value.index()].span.end),
                entries
                    .iter()
                    .map(|e| {
                        self.weights[e.key.index()].saturating_add(self.weights[e.value.index()])
                    })
                    .fold(0, u64::saturating_add),
            ),
            _ => (None, 0),
        };
        self.weights[id.index()] = children_weight.saturating_add(1);
        let node = &mut self.nodes[id.index()];
        // Flow collections end at their closing bracket; block ones at their last child
        // (saphyr puts the end event at the next token, possibly lines later).
        let flow_end = (!end_span.is_empty()).then_some(end_span.end);
        node.span.end = flow_end
            .or(last_child_end)
            .unwrap_or(node.span.end)
            .max(node.span.start);
        self.attach(id);
    }

    fn attach(&mut self, id: NodeId) {
        let Some(parent) = self.open.last_mut() else {
            self.root = Some(id);
            return;
        };
        let parent_id = parent.id;
        let entry = match parent.pending_key.take() {
            None if matches!(self.nodes[parent_id.index()].kind, NodeKind::Mapping(_)) => {
                parent.pending_key = Some(id);
                return;
            }
            None => None,
            Some(key) => Some(Entry { key, value: id }),
        };
        match (&mut self.nodes[parent_id.index()].kind, entry) {
            (NodeKind::Sequence(items), _) => items.push(id),
            (NodeKind::Mapping(entries), Some(entry)) => entries.push(entry),
            _ => {}
        }
    }

    fn finish_document(&mut self) {
        let Some(root) = self.root.take() else {
            return;
        };
        // A document that fills at least half the scratch arena (a file's only document,
        // usually) takes it; a smaller one gets a copy of its own size and the scratch arena
        // stays for the next document. Handing every document the scratch arena would leave
        // each holding room for the rest of the file: memory quadratic in their number.
        let nodes = if self.nodes.len() * 2 >= self.nodes.capacity() {
            std::mem::take(&mut self.nodes)
        } else {
            self.nodes.drain(..).collect()
        };
        let document = Document {
            source: self.text,
            nodes,
            root,
            start: self.doc_start,
        };
        self.problems.extend(duplicate_keys(&document));
        (self.each)(document);
    }
}

fn tag_text(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        handle => format!("{handle}{}", tag.suffix),
    }
}

/// Mappings up to this size are checked pairwise; larger ones are sorted first.
const PAIRWISE_LIMIT: usize = 16;

fn duplicate_keys(document: &Document<'_>) -> Vec<LoadProblem> {
    let mut problems = Vec::new();
    for node in &document.nodes {
        let NodeKind::Mapping(entries) = &node.kind else {
            continue;
        };
        let key_of = |e: &Entry| match &document.nodes[e.key.index()].kind {
            NodeKind::Scalar(s) if !(s.value == "<<" && s.tag.is_none()) => {
                Some((&*s.value, document.nodes[e.key.index()].span))
            }
            _ => None,
        };
        if entries.len() <= PAIRWISE_LIMIT {
            // Small mappings (nearly all): compare in place, without collecting the keys.
            for (i, entry) in entries.iter().enumerate() {
                let Some((key, span)) = key_of(entry) else {
                    continue;
                };
                if let Some((_, first)) = entries[..i]
                    .iter()
                    .filter_map(key_of)
                    .find(|(k, _)| *k == key)
                {
                    problems.push(duplicate(key, first, span));
                }
            }
        } else {
            let mut keys: Vec<(&str, Span)> = entries.iter().filter_map(key_of).collect();
            keys.sort_by(|a, b| a.0.cmp(b.0).then(a.1.start.cmp(&b.1.start)));
            for pair in keys.windows(2) {
                if pair[0].0 == pair[1].0 {
                    problems.push(duplicate(pair[1].0, pair[0].1, pair[1].1));
                }
            }
        }
    }
    problems.sort_by_key(|p| match p {
        LoadProblem::DuplicateKey { duplicate, .. } => duplicate.start,
    });
    problems
}

fn duplicate(key: &str, first: Span, duplicate: Span) -> LoadProblem {
    LoadProblem::DuplicateKey {
        key: key.to_owned(),
        first,
        duplicate,
    }
}

/// Converts saphyr's character indices into byte offsets.
///
/// saphyr's `Marker::index()` counts characters. For ASCII text the two agree; otherwise we keep
/// one entry per multi-byte character (`char index`, `extra bytes so far`) and binary-search it,
/// which costs nothing for the common all-ASCII manifest.
#[derive(Debug)]
struct CharToByte {
    /// `(char_index_after, cumulative_extra_bytes)` for every multi-byte character.
    steps: Vec<(usize, usize)>,
    len_bytes: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let mut steps = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (char_index, ch) in text.chars().enumerate() {
                let width = ch.len_utf8();
                if width > 1 {
                    extra += width - 1;
                    steps.push((char_index + 1, extra));
                }
            }
        }
        Self {
            steps,
            len_bytes: text.len(),
        }
    }

    /// Byte offset of the character at `char_index`.
    fn byte(&self, char_index: usize) -> usize {
        let passed = self
            .steps
            .partition_point(|&(after, _)| after <= char_index);
        let extra = if passed == 0 {
            0
        } else {
            self.steps[passed - 1].1
        };
        (char_index + extra).min(self.len_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_to_byte_table() {
        let text = "é日x本y";
        let table = CharToByte::new(text);
        let expected: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        for (char_index, byte) in expected.into_iter().enumerate() {
            assert_eq!(table.byte(char_index), byte);
        }
        assert_eq!(table.byte(text.chars().count()), text.len());
    }
}

//! Source files, byte spans, and line/column positions.
//!
//! Every value kubeharden reports carries a [`Span`]: a byte range into one [`SourceFile`].
//! Lines and columns are 1-based; columns count Unicode scalar values, as editors and SARIF's
//! `unicodeCodePoints` do. Decoding a file's bytes (its size limit, UTF-8) is a fact of the file,
//! checked here before any format reads it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset`.
    #[must_use]
    pub const fn at(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    #[must_use]
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    #[must_use]
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span that covers both.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// `inner` (relative to this span's start) moved into this span's coordinates.
    #[must_use]
    pub fn inner(self, inner: Range<usize>) -> Span {
        Span::new(self.start + inner.start, self.start + inner.end)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

/// A value together with the bytes it was read from.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned::new(f(self.value), self.span)
    }

    pub const fn as_ref(&self) -> Spanned<&T> {
        Spanned::new(&self.value, self.span)
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} @ {:?}", self.value, self.span)
    }
}

/// Index of a file in one run's inventory.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct FileId(pub u32);

/// A place in one of the run's files: a file and a byte span in it.
///
/// Only core makes locations, from the file a value was read from, so a value that came from
/// an environment file or a drop-in cannot be reported in the unit that loaded it. Outside
/// core a location is taken from a located value ([`Located`], a flag, a view's
/// [`crate::Effective`]) and, for the edits of a fix, narrowed within its own file
/// ([`Location::within`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Location {
    file: FileId,
    span: Span,
}

impl Location {
    #[must_use]
    pub(crate) const fn new(file: FileId, span: Span) -> Self {
        Self { file, span }
    }

    #[must_use]
    pub const fn file(self) -> FileId {
        self.file
    }

    #[must_use]
    pub const fn span(self) -> Span {
        self.span
    }

    /// Another span of the same file: the file never changes.
    #[must_use]
    pub const fn within(self, span: Span) -> Self {
        Self::new(self.file, span)
    }

    /// The smallest location covering both, when they are in the same file.
    #[must_use]
    pub fn cover(self, other: Location) -> Option<Location> {
        (self.file == other.file).then(|| self.within(self.span.cover(other.span)))
    }
}

/// A value together with the place in a file it was read from.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Located<T> {
    pub value: T,
    location: Location,
}

impl<T> Located<T> {
    pub(crate) const fn new(value: T, location: Location) -> Self {
        Self { value, location }
    }

    #[must_use]
    pub const fn location(&self) -> Location {
        self.location
    }

    /// The bytes in [`Self::location`]'s file.
    #[must_use]
    pub const fn span(&self) -> Span {
        self.location.span
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located::new(f(self.value), self.location)
    }

    pub const fn as_ref(&self) -> Located<&T> {
        Located::new(&self.value, self.location)
    }
}

/// In core's own tests every value is read from file 0: compare by value and span.
#[cfg(test)]
impl<T: PartialEq> PartialEq<Spanned<T>> for Located<T> {
    fn eq(&self, other: &Spanned<T>) -> bool {
        self.value == other.value && self.location.span == other.span
    }
}

impl<T: fmt::Debug> fmt::Debug for Located<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} @ {}:{:?}",
            self.value, self.location.file.0, self.location.span
        )
    }
}

impl<T> Spanned<T> {
    /// The value located in `file`.
    pub(crate) fn in_file(self, file: FileId) -> Located<T> {
        Located::new(self.value, Location::new(file, self.span))
    }
}

/// Largest file kubeharden reads. A Kubernetes object cannot exceed etcd's 1.5 MiB request
/// limit, and the largest real multi-document bundles (all CRDs of a big operator) stay under
/// 4 MiB; 16 MiB leaves room without letting one file hold the run hostage.
pub const MAX_FILE_SIZE: usize = 16 * 1024 * 1024;

/// Why a file's bytes are not a text kubeharden reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    /// The file is larger than [`MAX_FILE_SIZE`].
    #[error("file is {size} bytes, larger than the {} MiB limit", MAX_FILE_SIZE / (1024 * 1024))]
    TooLarge { size: u64 },
    /// The bytes are not UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,
}

/// A file that could not be decoded, with a displayable copy of it: the diagnostic shows the
/// bytes it happened at, so the error carries the (lossily decoded) file itself.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
#[non_exhaustive]
pub struct DecodeError {
    pub file: SourceFile,
    pub kind: DecodeErrorKind,
    /// Where in [`Self::file`] it happened.
    pub span: Span,
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One input file: its path as the user gave it and its UTF-8 text.
#[derive(Clone)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    /// Byte offset at which each line starts.
    /// Built on first use: most files of a large run are never shown, so never need it.
    line_starts: OnceLock<Vec<usize>>,
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("len", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        // A buffer read with `read_to_end` may have twice the capacity it needs.
        text.shrink_to_fit();
        Self {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// Decodes a file's bytes. Invalid UTF-8 and oversized files are errors; the error still
    /// carries a (lossily decoded) file so the diagnostic can show where.
    ///
    /// # Errors
    /// [`DecodeError`] for files over [`MAX_FILE_SIZE`] or not in UTF-8.
    pub fn decode(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Self, Box<DecodeError>> {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        Self::decode_sized(path, bytes, size)
    }

    /// [`SourceFile::decode`] for bytes read only up to just past the limit: `size` is the
    /// file's real size, which the size-limit error states.
    ///
    /// # Errors
    /// [`DecodeError`] for files over [`MAX_FILE_SIZE`] or not in UTF-8.
    pub fn decode_sized(
        path: impl Into<PathBuf>,
        bytes: Vec<u8>,
        size: u64,
    ) -> Result<Self, Box<DecodeError>> {
        let path = path.into();
        if bytes.len() > MAX_FILE_SIZE {
            // Keep only the first line for display: the rest is never read.
            let head = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
            let head = &head[..head.len().min(200)];
            let file = SourceFile::new(path, String::from_utf8_lossy(head).into_owned());
            return Err(Box::new(DecodeError {
                file,
                kind: DecodeErrorKind::TooLarge {
                    size: size.max(u64::try_from(bytes.len()).unwrap_or(u64::MAX)),
                },
                span: Span::at(0),
            }));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(error.as_bytes());
                // Lossy decoding keeps every byte before the first bad one, so the offset is
                // still right in the decoded text; the replacement character is 3 bytes.
                Err(Box::new(DecodeError {
                    file: SourceFile::new(path, lossy.into_owned()),
                    kind: DecodeErrorKind::InvalidUtf8,
                    span: Span::new(offset, offset + '\u{FFFD}'.len_utf8()),
                }))
            }
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let lines = self.text.bytes().filter(|&b| b == b'\n').count();
            let mut starts = Vec::with_capacity(lines + 1);
            starts.push(0);
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts
        })
    }

    /// Forgets the text of a file nothing points into, keeping its path: a run over a large
    /// repository then holds only the texts findings can refer to.
    pub(crate) fn release_text(&mut self) {
        self.text = String::new();
        self.line_starts = OnceLock::new();
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text under `span`; empty when the span is not inside the file.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// Line and column of a byte offset (clamped to the file).
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line_index = self.line_starts().partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts()[line_index];
        LineCol {
            line: line_index + 1,
            column: self.text[line_start..offset].chars().count() + 1,
        }
    }

    /// Byte range of the 1-based `line`, without its line break.
    #[must_use]
    pub fn line_span(&self, line: usize) -> Option<Span> {
        let start = *self.line_starts().get(line.checked_sub(1)?)?;
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some(Span::new(start, end.max(start)))
    }

    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Maps byte offsets of a decoded string (a YAML scalar's value, a shell word, an env value)
/// back to bytes of the source file.
///
/// A decoded string is made of runs that were copied verbatim from the source (the content of
/// each line of a block scalar, the inside of a quoted string without escapes). Offsets inside
/// a run map exactly; anything else (an escape sequence, a folded line break) has no exact
/// source byte, and a span touching it falls back to the whole value's span.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextMap {
    /// `(decoded_start, source_start, len)`, sorted by `decoded_start`, non-overlapping.
    runs: Vec<(usize, usize, usize)>,
}

impl TextMap {
    /// The decoded text is `len` bytes copied verbatim from `source_start`.
    #[must_use]
    pub fn verbatim(source_start: usize, len: usize) -> Self {
        Self {
            runs: vec![(0, source_start, len)],
        }
    }

    /// No byte maps exactly.
    #[must_use]
    pub fn opaque() -> Self {
        Self::default()
    }

    /// Appends a verbatim run; runs must be pushed in decoded order.
    pub fn push_run(&mut self, decoded_start: usize, source_start: usize, len: usize) {
        if len > 0 {
            self.runs.push((decoded_start, source_start, len));
        }
    }

    /// Source offset of decoded offset `offset`. The end of a run maps too, so that a range
    /// ending at a run's last byte can be mapped.
    #[must_use]
    pub fn source_offset(&self, offset: usize) -> Option<usize> {
        let index = self.runs.partition_point(|&(start, _, _)| start <= offset);
        let &(start, source, len) = self.runs.get(index.checked_sub(1)?)?;
        (offset <= start + len).then(|| source + (offset - start))
    }

    /// The source span of decoded range `range`, if both ends fall in the same run.
    #[must_use]
    pub fn source_span(&self, range: Range<usize>) -> Option<Span> {
        let index = self
            .runs
            .partition_point(|&(start, _, _)| start <= range.start);
        let &(start, source, len) = self.runs.get(index.checked_sub(1)?)?;
        (range.end <= start + len && range.start <= range.end)
            .then(|| Span::new(source + range.start - start, source + range.end - start))
    }

    /// The source span from the first mapped byte of `range` to its last one: what a decoded
    /// range that crosses unmapped bytes (the indentation between a block scalar's lines) covers
    /// in the source. `None` when no byte of `range` maps.
    #[must_use]
    pub fn covering_span(&self, range: Range<usize>) -> Option<Span> {
        if let Some(exact) = self.source_span(range.clone()) {
            return Some(exact);
        }
        if range.is_empty() {
            // An empty node between lines: at the end of the line before it.
            let &(start, source, len) = self.runs.iter().rev().find(|r| r.0 <= range.start)?;
            return Some(Span::at(source + (range.start - start).min(len)));
        }
        let first = self
            .runs
            .iter()
            .find(|&&(start, _, len)| start + len > range.start && start < range.end)?;
        let last = self
            .runs
            .iter()
            .rev()
            .find(|&&(start, _, len)| start + len > range.start && start < range.end)?;
        let start = first.1 + range.start.saturating_sub(first.0);
        let end = last.1 + (range.end - last.0).min(last.2);
        Some(Span::new(start, end.max(start)))
    }

    /// The map of a substring: decoded offsets `range` of this text become offsets from 0.
    #[must_use]
    pub fn slice(&self, range: Range<usize>) -> TextMap {
        let mut out = TextMap::default();
        for &(start, source, len) in &self.runs {
            let lo = start.max(range.start);
            let hi = (start + len).min(range.end);
            if lo < hi {
                out.push_run(lo - range.start, source + (lo - start), hi - lo);
            }
        }
        out
    }

    /// Appends `other`'s runs, its decoded offsets moved to start at `at`: the map of a string
    /// built by appending `other`'s text at offset `at` (runs must stay in decoded order).
    pub fn append(&mut self, at: usize, other: &TextMap) {
        for &(start, source, len) in &other.runs {
            self.push_run(at + start, source, len);
        }
    }

    /// Composes: `inner` maps a string derived from this text (its offsets are offsets into
    /// this text's decoded string); the result maps straight to the source.
    #[must_use]
    pub fn compose(&self, inner: &TextMap) -> TextMap {
        let mut out = TextMap::default();
        for &(start, mid, len) in &inner.runs {
            // `mid..mid+len` are decoded offsets of `self`; split them along self's runs.
            let piece = self.slice(mid..mid + len);
            for &(p_start, source, p_len) in &piece.runs {
                out.push_run(start + p_start, source, p_len);
            }
        }
        out
    }
}

/// A piece of decoded text (a list item, a shell word, an env value) with its source span and
/// the map from its bytes to source bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    /// The whole item in the source, quotes included.
    pub span: Span,
    pub map: TextMap,
}

impl MappedText {
    #[must_use]
    pub fn new(text: impl Into<String>, span: Span, map: TextMap) -> Self {
        Self {
            text: text.into(),
            span,
            map,
        }
    }

    /// Source span of `range` of the decoded text; the whole item's span when the range has
    /// no exact source bytes.
    #[must_use]
    pub fn span_of(&self, range: Range<usize>) -> Span {
        self.map.source_span(range).unwrap_or(self.span)
    }

    /// A substring, keeping its map.
    #[must_use]
    pub fn slice(&self, range: Range<usize>) -> MappedText {
        let span = self.span_of(range.clone());
        MappedText {
            text: self.text[range.clone()].to_owned(),
            span,
            map: self.map.slice(range),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_unicode_scalars() {
        let file = SourceFile::new("a.yaml", "# é 日本\n- --x=y\n");
        let offset = file.text().find("--x").unwrap_or_default();
        assert_eq!(offset, 14);
        assert_eq!(file.line_col(offset), LineCol { line: 2, column: 3 });
        let after_kanji = file.text().find('本').unwrap_or_default();
        assert_eq!(file.line_col(after_kanji), LineCol { line: 1, column: 6 });
    }

    #[test]
    fn line_col_with_crlf() {
        let file = SourceFile::new("a.yaml", "a: 1\r\nb: 2\r\n");
        assert_eq!(file.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_span(1), Some(Span::new(0, 4)));
        assert_eq!(file.slice(file.line_span(2).unwrap_or_default()), "b: 2");
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_byte() {
        let mut bytes = b"a: 1\nb: caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"\n");
        let error = SourceFile::decode("t.yaml", bytes).unwrap_err();
        assert_eq!(error.kind, DecodeErrorKind::InvalidUtf8);
        assert_eq!(error.span.start, 11);
        assert_eq!(
            error.file.line_col(error.span.start),
            LineCol { line: 2, column: 7 }
        );
    }

    #[test]
    fn oversized_files_are_refused_before_decoding() {
        let error = SourceFile::decode("big.yaml", vec![b'a'; MAX_FILE_SIZE + 1]).unwrap_err();
        assert!(matches!(error.kind, DecodeErrorKind::TooLarge { .. }));
    }

    #[test]
    fn text_map_runs_and_composition() {
        // Decoded "ab cd" from source "  ab\n  cd": two runs.
        let mut map = TextMap::default();
        map.push_run(0, 2, 2);
        map.push_run(3, 7, 2);
        assert_eq!(map.source_span(0..2), Some(Span::new(2, 4)));
        assert_eq!(map.source_span(3..5), Some(Span::new(7, 9)));
        assert_eq!(map.source_span(1..4), None, "crosses the folded break");
        let inner = TextMap::verbatim(3, 2);
        assert_eq!(map.compose(&inner).source_span(0..2), Some(Span::new(7, 9)));
        assert_eq!(map.slice(3..5).source_span(0..1), Some(Span::new(7, 8)));
        let mut joined = TextMap::verbatim(0, 1);
        joined.append(4, &map.slice(3..5));
        assert_eq!(joined.source_span(4..6), Some(Span::new(7, 9)));
        assert_eq!(joined.source_span(0..1), Some(Span::new(0, 1)));
        // Across the folded break: from the first run's byte to the second's.
        assert_eq!(map.covering_span(1..4), Some(Span::new(3, 8)));
        // An empty range in the break: at the end of the run before it.
        assert_eq!(map.covering_span(2..2), Some(Span::at(4)));
        assert_eq!(TextMap::opaque().covering_span(0..1), None);
    }
}

//! Terminal-safe text. File text, paths and values reach the terminal through human, compact
//! and github output; a control character in them (an escape sequence in a YAML comment next
//! to a finding, the bytes of a binary named `.yaml`) would drive the terminal instead of being
//! shown, and a bidi control would reorder what is shown. Both are written escaped: C0 and C1
//! controls and DEL as `\x1b` / `\u{9b}`, the bidi embedding, override and isolate controls
//! (U+202A-U+202E, U+2066-U+2069) as `\u{202e}`. Tab stays; line breaks stay where the layout
//! needs them (a file's lines), and are escaped inside one-line items (a path, a message).
//! JUnit XML goes through the same escaping, plus U+FFFE and U+FFFF: XML 1.0 cannot hold those
//! or most C0 controls at all.

use std::borrow::Cow;
use std::fmt::Write as _;

use kubeharden_core::{SourceFile, Span};
use kubeharden_rules::Finding;

/// Whether `c` is shown escaped (line breaks aside).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is shown escaped in XML: XML 1.0 has no way to write most C0 controls, U+FFFE
/// or U+FFFF (not even as character references), so they must go, and the rest of the unsafe
/// characters are shown escaped as on a terminal (a CI dashboard is read by people too).
fn is_unsafe_in_xml(c: char) -> bool {
    is_unsafe(c) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

fn push_escaped(out: &mut String, c: char) {
    let code = u32::from(c);
    if code < 0x80 {
        let _ = write!(out, "\\x{code:02x}");
    } else {
        let _ = write!(out, "\\u{{{code:x}}}");
    }
}

/// A one-line item (a path, a message, a value): every unsafe character escaped, line breaks
/// included.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// A text whose own line breaks (`\n`) are layout, such as a message with its help.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| is_unsafe(c) && c != '\n')
}

/// A one-line item for an XML attribute: every character XML 1.0 cannot hold or a reader
/// should not be shown raw, escaped, line breaks included.
pub fn escape_xml(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe_in_xml)
}

/// A text for an XML element, its own line breaks (`\n`) kept.
pub fn escape_xml_lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| is_unsafe_in_xml(c) && c != '\n')
}

fn escape_where(text: &str, needs: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A text whose lines are layout (a file's, a diff of files): every unsafe character escaped
/// but `\n`, and `\r` before it.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    EscapedText::new(text).map_or(Cow::Borrowed(text), |escaped| Cow::Owned(escaped.text))
}

/// A path, escaped as a one-line item.
pub fn path(path: &std::path::Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

/// A file's text with its unsafe characters escaped but its lines kept (`\n`, and `\r` before
/// it), and the map from the original byte offsets to the escaped text's.
pub struct EscapedText {
    text: String,
    /// `(original offset after an escaped character, bytes added so far)`, ascending.
    shifts: Vec<(usize, usize)>,
}

impl EscapedText {
    /// `None` when the text has nothing to escape.
    pub fn new(text: &str) -> Option<Self> {
        let keeps_layout = |i: usize, c: char| {
            c == '\n' || (c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
        };
        let needs = |(i, c): (usize, char)| is_unsafe(c) && !keeps_layout(i, c);
        if !text.char_indices().any(needs) {
            return None;
        }
        let mut escaped = String::with_capacity(text.len() + 16);
        let mut shifts = Vec::new();
        for (i, c) in text.char_indices() {
            if needs((i, c)) {
                push_escaped(&mut escaped, c);
                let added = escaped.len() - (i + c.len_utf8());
                shifts.push((i + c.len_utf8(), added));
            } else {
                escaped.push(c);
            }
        }
        Some(Self {
            text: escaped,
            shifts,
        })
    }

    /// Where original offset `offset` is in the escaped text. An offset inside an escaped
    /// character (never a span's end: spans lie on character boundaries) maps to its start.
    fn offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|&(end, _)| end <= offset);
        offset + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

/// A finding and its file as they can be shown: the file's text and path escaped, the span
/// moved to the same characters in the escaped text, and the finding's words escaped. `None`
/// when there is nothing to escape (the common case: no copy is made). `escaped_text` is
/// [`EscapedText::new`] of the file's text, computed once per file by the caller.
pub fn displayable(
    file: &SourceFile,
    escaped_text: Option<&EscapedText>,
    finding: &Finding,
) -> Option<(SourceFile, Finding)> {
    let words = [
        Some(&finding.message),
        finding.label.as_ref(),
        finding.help.as_ref(),
        finding.note.as_ref(),
        finding.fix.as_ref().map(|fix| &fix.title),
    ];
    let path_text = file.path().to_string_lossy();
    let clean = escaped_text.is_none()
        && !path_text.chars().any(is_unsafe)
        && words
            .into_iter()
            .flatten()
            .all(|w| !w.chars().any(is_unsafe));
    if clean {
        return None;
    }
    let mut shown = finding.clone();
    let text = match escaped_text {
        Some(escaped) => {
            shown.span = Span::new(
                escaped.offset(finding.span.start),
                escaped.offset(finding.span.end),
            );
            escaped.text.clone()
        }
        None => file.text().to_owned(),
    };
    let one_line = |text: &mut String| {
        if let Cow::Owned(escaped) = escape(text) {
            *text = escaped;
        }
    };
    one_line(&mut shown.message);
    for text in [&mut shown.label, &mut shown.help, &mut shown.note]
        .into_iter()
        .flatten()
    {
        one_line(text);
    }
    if let Some(fix) = &mut shown.fix {
        one_line(&mut fix.title);
    }
    Some((SourceFile::new(path(file.path()), text), shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_items_escape_controls_and_bidi() {
        assert_eq!(escape("plain: a\tb"), "plain: a\tb");
        assert_eq!(escape("a\u{1b}]0;pwned\u{7}b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(escape("x\u{202e}y\u{2066}z"), "x\\u{202e}y\\u{2066}z");
        assert_eq!(escape("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(escape("two\nlines\r"), "two\\x0alines\\x0d");
        assert_eq!(escape_lines("two\nlines\r"), "two\nlines\\x0d");
    }

    #[test]
    fn xml_text_has_no_character_xml_1_0_forbids() {
        assert_eq!(
            escape_xml("a\u{0}b\u{1b}c\u{fffe}\u{ffff}\nd"),
            "a\\x00b\\x1bc\\u{fffe}\\u{ffff}\\x0ad"
        );
        assert_eq!(escape_xml_lines("a\nb\u{202e}c\r"), "a\nb\\u{202e}c\\x0d");
        assert_eq!(
            escape_xml("<&\"> stay for the writer"),
            "<&\"> stay for the writer"
        );
    }

    #[test]
    fn file_text_keeps_its_lines_and_spans_follow() {
        let text = "a: 1\r\n# \u{1b}[2J\nb: \u{202e}x\n";
        let escaped = EscapedText::new(text).unwrap();
        assert_eq!(escaped.text, "a: 1\r\n# \\x1b[2J\nb: \\u{202e}x\n");
        // `x` after the bidi control, and the `b` of the third line.
        let x = text.find('x').unwrap();
        let b = text.find('b').unwrap();
        assert_eq!(&escaped.text[escaped.offset(x)..=escaped.offset(x)], "x");
        assert_eq!(&escaped.text[escaped.offset(b)..=escaped.offset(b)], "b");
        assert_eq!(escaped.offset(0), 0);
        assert_eq!(escaped.offset(text.len()), escaped.text.len());
        assert!(EscapedText::new("clean\r\ntext\n").is_none());
    }
}

//! A kubeadm config's `extraArgs`: the `v1beta3` map (`name: value`) and the `v1beta4` list of
//! `{name, value}`. An entry can have its value set or extended (kept a string), be removed
//! (whole lines), or be added after the last entry in the same form; an `extraArgs` that is
//! missing, empty or flow-style gets no new entry.

use kubeharden_core::Span;
use kubeharden_core::flags::Flag;

use super::{ArgvEditor, append_to_value};
use crate::finding::Edit;

/// The `extraArgs` entries of the kubeadm config whose text is `text`.
pub(super) struct KubeadmArgs<'i> {
    pub(super) text: &'i str,
    /// The `extraArgs` key (or where the command line would be, without one).
    pub(super) extra_args: Span,
}

impl KubeadmArgs<'_> {
    /// Whether `flag` is an entry written in block style: its bytes begin the line, or follow
    /// the list item's `- `.
    fn is_block_entry(&self, flag: &Flag) -> bool {
        let text = self.text;
        let span = flag.occurrence().span();
        let Some(entry) = text.get(span.range()) else {
            return false;
        };
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let lead = text[line_start..span.start].trim_start_matches(' ');
        !entry.is_empty() && (lead.is_empty() || lead == "- ")
    }
}

impl ArgvEditor for KubeadmArgs<'_> {
    /// The value's bytes, quoted when they were not (`extraArgs` values are strings, and a
    /// plain `0` would be a number).
    fn set_value(&self, flag: &Flag, value: &str) -> Option<Vec<Edit>> {
        if !self.is_block_entry(flag) {
            return None;
        }
        let text = self.text;
        let written = flag.value.as_ref()?;
        if text.get(written.location().span().range())? != written.text {
            return None;
        }
        let bytes = text.as_bytes();
        let before = written
            .location()
            .span()
            .start
            .checked_sub(1)
            .and_then(|i| bytes.get(i));
        let quoted = matches!(before, Some(b'"' | b'\''))
            && bytes.get(written.location().span().end) == before;
        if !quoted && written.location().span().is_empty() {
            return None;
        }
        let replacement = if quoted {
            value.to_owned()
        } else {
            format!("\"{value}\"")
        };
        Some(vec![Edit {
            span: written.location().span(),
            replacement,
        }])
    }

    fn append(&self, flag: &Flag, suffix: &str) -> Option<Vec<Edit>> {
        if !self.is_block_entry(flag) {
            return None;
        }
        append_to_value(self.text, flag, suffix)
    }

    /// The entry's lines, line breaks included.
    fn removal(&self, flag: &Flag) -> Option<Span> {
        if !self.is_block_entry(flag) {
            return None;
        }
        let text = self.text;
        let span = flag.occurrence().span();
        let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i + 1);
        let tail = text[span.end..end]
            .trim_end_matches(['\n', '\r'])
            .trim_start();
        // The value's closing quote, then nothing but a comment.
        let tail = tail.trim_start_matches(['"', '\'']).trim_start();
        (tail.is_empty() || tail.starts_with('#')).then_some(Span::new(start, end))
    }

    /// New entries after the last one, in its form (`name: "value"` or `- name:` / `value:`),
    /// values quoted.
    fn add(&self, new_words: &[&str]) -> Option<Vec<Edit>> {
        let (text, key) = (self.text, self.extra_args);
        if !text.get(key.range())?.ends_with("xtraArgs") {
            return None;
        }
        let key_line_start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
        let key_indent = key.start - key_line_start;
        let after = key.end + text[key.end..].find(':')? + 1;
        let line_end = text[after..]
            .find('\n')
            .map_or(text.len(), |i| after + i + 1);
        let rest = text[after..line_end].trim();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        let eol = if text[..line_end].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        // The entries: lines indented deeper than the key, or list items at the key's indentation.
        let mut offset = line_end;
        let mut end = None;
        let mut child: Option<(usize, bool)> = None;
        for line in text[line_end..].split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let stripped = body.trim_start_matches(' ');
            let indent = body.len() - stripped.len();
            let start = offset;
            offset += line.len();
            if stripped.is_empty() || stripped.starts_with('#') {
                continue;
            }
            let is_item = stripped.starts_with("- ");
            if indent > key_indent || (indent == key_indent && is_item) {
                if child.is_none() {
                    child = Some((indent, is_item));
                }
                end = Some((start, offset, line.ends_with('\n')));
            } else {
                break;
            }
        }
        let (child_indent, list) = child?;
        let (_, last_end, last_has_break) = end?;
        let pad = " ".repeat(child_indent);
        let mut insert = String::new();
        if !last_has_break {
            insert.push_str(eol);
        }
        for word in new_words {
            let (name, value) = word.strip_prefix("--")?.split_once('=')?;
            if value.contains(['"', '\\']) {
                return None;
            }
            if list {
                insert.push_str(&format!(
                    "{pad}- name: {name}{eol}{pad}  value: \"{value}\"{eol}"
                ));
            } else {
                insert.push_str(&format!("{pad}{name}: \"{value}\"{eol}"));
            }
        }
        Some(vec![Edit {
            span: Span::new(last_end, last_end),
            replacement: insert,
        }])
    }
}

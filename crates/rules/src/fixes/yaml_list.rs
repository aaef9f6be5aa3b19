//! A container's command line in a manifest: the items of its `command:` and `args:` lists,
//! block (`- item`) or flow (`[a, b]`), quoted or plain.

use kubeharden_core::Span;
use kubeharden_core::flags::Flag;
use kubeharden_core::inventory::Process;

use super::{ArgvEditor, append_to_value, set_word_value, words, written_file};
use crate::finding::Edit;

/// The list items of `process`'s command line in the manifest whose text is `text`.
pub(super) struct YamlList<'i> {
    pub(super) text: &'i str,
    pub(super) process: &'i Process,
}

impl YamlList<'_> {
    /// Whether `flag`'s words are whole list items that can take `added` text: in a plain flow
    /// item a comma (or a bracket) would end the item.
    fn can_write(&self, flag: &Flag, added: &str) -> bool {
        let mut last = None;
        for word in words(flag) {
            match item(self.text, word) {
                Some(item) => last = Some(item),
                None => return false,
            }
        }
        last.is_some_and(|last| {
            !(last.style == Style::Flow && last.quote.is_none() && added.contains(FLOW_INDICATORS))
        })
    }
}

impl ArgvEditor for YamlList<'_> {
    fn set_value(&self, flag: &Flag, value: &str) -> Option<Vec<Edit>> {
        if !self.can_write(flag, value) {
            return None;
        }
        set_word_value(self.text, flag, value)
    }

    fn append(&self, flag: &Flag, suffix: &str) -> Option<Vec<Edit>> {
        if !self.can_write(flag, suffix) {
            return None;
        }
        append_to_value(self.text, flag, suffix)
    }

    fn removal(&self, flag: &Flag) -> Option<Span> {
        remove_words(self.text, &words(flag))
    }

    /// A new block item with the same indentation, quoting and line ending as the last word, or
    /// `, word` in a flow list; after the program item when there is no flag yet.
    fn add(&self, new_words: &[&str]) -> Option<Vec<Edit>> {
        let (text, process) = (self.text, self.process);
        // After `--` or an operand that ends etcd's flags, a new word would not be a flag. A last
        // flag still waiting for its value (`--authorization-mode` at the end) would take the new
        // word as its value.
        if new_words.is_empty()
            || process.flags.stop().is_some()
            || !process.is_complete()
            || process.flags.iter().any(Flag::missing_value)
        {
            return None;
        }
        let last = process
            .flags
            .iter()
            .flat_map(words)
            .chain(
                process
                    .flags
                    .positionals()
                    .iter()
                    .map(|p| p.location().span()),
            )
            .max_by_key(|span| span.end);
        let elsewhere = process
            .flags
            .iter()
            .any(|flag| written_file(flag) != Some(process.file))
            || process
                .flags
                .positionals()
                .iter()
                .any(|p| p.location().file() != process.file);
        if elsewhere {
            return None;
        }
        let last = match last {
            Some(last) => item(text, last)?,
            // No flag yet: after the list's last item (the program).
            None => last_item(text, process.flags_anchor)?,
        };
        let quoted = |word: &str| match last.quote {
            Some('"') => format!("\"{word}\""),
            Some(_) => format!("'{word}'"),
            None if last.style == Style::Flow && word.contains(FLOW_INDICATORS) => {
                format!("\"{word}\"")
            }
            None => word.to_owned(),
        };
        let edit = match last.style {
            Style::Block { line, prefix } => {
                let prefix = &text[prefix.range()];
                let line_text = &text[line.range()];
                if line_text.ends_with('\n') {
                    let eol = if line_text.ends_with("\r\n") {
                        "\r\n"
                    } else {
                        "\n"
                    };
                    Edit {
                        span: Span::new(line.end, line.end),
                        replacement: new_words
                            .iter()
                            .map(|w| format!("{prefix}{}{eol}", quoted(w)))
                            .collect(),
                    }
                } else {
                    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
                    Edit {
                        span: Span::new(line.end, line.end),
                        replacement: new_words
                            .iter()
                            .map(|w| format!("{eol}{prefix}{}", quoted(w)))
                            .collect(),
                    }
                }
            }
            Style::Flow => Edit {
                span: Span::new(last.outer.end, last.outer.end),
                replacement: new_words
                    .iter()
                    .map(|w| format!(", {}", quoted(w)))
                    .collect(),
            },
        };
        Some(vec![edit])
    }
}

/// Characters that end a plain scalar inside a flow list.
const FLOW_INDICATORS: [char; 5] = [',', '[', ']', '{', '}'];

/// How one argv word is written in a YAML list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// A block-list item: `line` is its whole line, line break included, and `prefix` the
    /// bytes before the item (`    - `).
    Block { line: Span, prefix: Span },
    /// An item of a flow list `[a, b]`.
    Flow,
}

/// One argv word as a YAML list item.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// The item's bytes, quotes included.
    outer: Span,
    quote: Option<char>,
    style: Style,
}

/// The list item whose scalar content is exactly `word`, or `None` when `word` is not a
/// whole item of a block or flow list.
fn item(text: &str, word: Span) -> Option<Item> {
    let bytes = text.as_bytes();
    text.get(word.range())?;
    let (mut start, mut end) = (word.start, word.end);
    let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let quote = match (before, bytes.get(end).copied()) {
        (Some(q @ (b'"' | b'\'')), Some(e)) if e == q => {
            start -= 1;
            end += 1;
            Some(char::from(q))
        }
        _ => None,
    };
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let lead = &text[line_start..start];
    let tail = text[end..line_end].trim_end_matches(['\n', '\r']);
    let dash = lead.trim_start_matches(' ');
    let is_block_lead =
        dash.len() >= 2 && dash.starts_with('-') && dash[1..].trim_matches(' ').is_empty();
    let trailing = tail.trim_start_matches([' ', '\t']);
    let is_block_tail =
        trailing.is_empty() || (trailing.starts_with('#') && trailing.len() < tail.len());
    if is_block_lead && is_block_tail {
        return Some(Item {
            outer: Span::new(start, end),
            quote,
            style: Style::Block {
                line: Span::new(line_start, line_end),
                prefix: Span::new(line_start, start),
            },
        });
    }
    let prev = text[..start]
        .trim_end_matches([' ', '\t', '\r', '\n'])
        .chars()
        .last();
    let next = text[end..]
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .chars()
        .next();
    if matches!(prev, Some('[' | ',')) && matches!(next, Some(',' | ']')) {
        return Some(Item {
            outer: Span::new(start, end),
            quote,
            style: Style::Flow,
        });
    }
    None
}

/// The bytes to delete for consecutive argv `words`.
fn remove_words(text: &str, words: &[Span]) -> Option<Span> {
    let items = words
        .iter()
        .map(|&w| item(text, w))
        .collect::<Option<Vec<_>>>()?;
    let (first, last) = (items.first()?, items.last()?);
    match (first.style, last.style) {
        (Style::Block { line: a, .. }, Style::Block { line: b, .. }) => {
            if items.iter().any(|i| i.style == Style::Flow) {
                return None;
            }
            Some(Span::new(a.start, b.end))
        }
        (Style::Flow, Style::Flow) => {
            let (start, end) = (first.outer.start, last.outer.end);
            // The comma before the item, so that removing neighbours never overlaps.
            let before = text[..start].trim_end_matches([' ', '\t', '\r', '\n']);
            if before.ends_with(',') {
                return Some(Span::new(before.len() - 1, end));
            }
            // The first item: take the comma after it and the spaces after that.
            let after = &text[end..];
            let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
            if after[gap..].starts_with(',') {
                let rest = &after[gap + 1..];
                let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                return Some(Span::new(start, end + gap + 1 + spaces));
            }
            Some(Span::new(start, end))
        }
        _ => None,
    }
}

/// The last item of the list under the key at `key` (`command:`, `args:`): a block list, or
/// a flow list on the key's line. `None` for an empty list or items spanning lines.
fn last_item(text: &str, key: Span) -> Option<Item> {
    let after = key.end + text.get(key.end..)?.find(':')? + 1;
    let line_end = text[after..]
        .find('\n')
        .map_or(text.len(), |i| after + i + 1);
    let rest = text[after..line_end].trim_matches([' ', '\t', '\r', '\n']);
    let content = if rest.starts_with('[') {
        let open = after + text[after..line_end].find('[')?;
        let close = open + text[open..line_end].rfind(']')?;
        let inner = &text[open + 1..close];
        let start = open + 1 + inner.rfind(',').map_or(0, |i| i + 1);
        trimmed(text, Span::new(start, close))?
    } else if rest.is_empty() || rest.starts_with('#') {
        let mut lines = text[line_end..].split_inclusive('\n');
        let mut offset = line_end;
        let mut dash: Option<String> = None;
        let mut last = None;
        for line in lines.by_ref() {
            let start = offset;
            offset += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            let stripped = body.trim_start_matches(' ');
            if stripped.is_empty() || stripped.starts_with('#') {
                continue;
            }
            let indent = &body[..body.len() - stripped.len()];
            match &dash {
                None if stripped.starts_with("- ") => dash = Some(format!("{indent}- ")),
                None => return None,
                Some(_) => {}
            }
            let prefix = dash.as_deref()?;
            if let Some(item) = body.strip_prefix(prefix) {
                let item_start = start + prefix.len();
                let end = item.find(" #").unwrap_or(item.len());
                last = Some(trimmed(text, Span::new(item_start, item_start + end))?);
            } else if indent.len() > prefix.len() - 2 {
                // A continuation line or a nested node: not a simple list.
                return None;
            } else {
                break;
            }
        }
        last?
    } else {
        return None;
    };
    item(text, content)
}

/// `span` without surrounding blanks and, when it is quoted, without its quotes.
fn trimmed(text: &str, span: Span) -> Option<Span> {
    let raw = text.get(span.range())?;
    let start = span.start + (raw.len() - raw.trim_start().len());
    let word = raw.trim();
    if word.is_empty() {
        return None;
    }
    let end = start + word.len();
    let quoted = word.len() >= 2
        && (word.starts_with('"') && word.ends_with('"')
            || word.starts_with('\'') && word.ends_with('\''));
    Some(if quoted {
        Span::new(start + 1, end - 1)
    } else {
        Span::new(start, end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last(text: &str) -> Option<&str> {
        let key = text
            .find("command")
            .map(|i| Span::new(i, i + "command".len()))?;
        let item = last_item(text, key)?;
        Some(&text[item.outer.range()])
    }

    #[test]
    fn the_last_item_of_a_list_without_flags() {
        let block = "    command:\n    - kube-apiserver # the program\n    image: x\n";
        assert_eq!(last(block), Some("kube-apiserver"));
        assert_eq!(
            last("command:\n- 'kube-apiserver'\r\nimage: x\r\n"),
            Some("'kube-apiserver'")
        );
        assert_eq!(
            last("    command: [\"kube-apiserver\"]\n"),
            Some("\"kube-apiserver\"")
        );
        assert_eq!(last("    command: [a, b]  # c\n"), Some("b"));
        assert_eq!(last("    command: []\n"), None);
        assert_eq!(last("    command:\n    - >-\n      kube-apiserver\n"), None);
        assert_eq!(last("    command:\n    image: x\n"), None);
    }

    #[test]
    fn removing_a_flow_item_takes_one_comma() {
        let text = "command: [a, --x, b]\n";
        let start = text.find("--x").unwrap_or(0);
        let span = remove_words(text, &[Span::new(start, start + 3)]);
        assert_eq!(span.map(|s| &text[s.range()]), Some(", --x"));
        let text = "args: [\"--x\", b]\n";
        let span = remove_words(text, &[Span::new(8, 11)]);
        assert_eq!(span.map(|s| &text[s.range()]), Some("\"--x\", "));
    }
}

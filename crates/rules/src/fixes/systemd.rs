//! A command line from a systemd unit's `ExecStart=` and the environment files whose
//! variables it expands: whitespace-separated words. A value can be set in place and a flag
//! removed with its blanks (a continuation line whole); a value cannot be extended and a flag
//! cannot be added there yet.

use kubeharden_core::Span;
use kubeharden_core::flags::Flag;

use super::{ArgvEditor, set_word_value, words};
use crate::finding::Edit;

/// The words of a unit or environment file whose text is `text`.
pub(super) struct ShellWords<'i> {
    pub(super) text: &'i str,
}

impl ShellWords<'_> {
    /// Whether each word of `flag` is written as its bytes: no quotes or escapes inside.
    fn is_plain(&self, flag: &Flag) -> bool {
        words(flag).into_iter().all(|word| {
            self.text.get(word.range()).is_some_and(|written| {
                !written.is_empty() && !written.contains(char::is_whitespace)
            })
        })
    }
}

impl ArgvEditor for ShellWords<'_> {
    fn set_value(&self, flag: &Flag, value: &str) -> Option<Vec<Edit>> {
        if !self.is_plain(flag) {
            return None;
        }
        set_word_value(self.text, flag, value)
    }

    fn append(&self, _flag: &Flag, _suffix: &str) -> Option<Vec<Edit>> {
        None
    }

    fn removal(&self, flag: &Flag) -> Option<Span> {
        if !self.is_plain(flag) {
            return None;
        }
        let text = self.text;
        let words = words(flag);
        let (first, last) = (*words.first()?, *words.last()?);
        // The split form's two words and what separates them go together.
        if first != last {
            let between = text.get(first.end..last.start)?;
            if !between.chars().all(|c| c == ' ' || c == '\t') {
                return None;
            }
        }
        remove_shell_word(text, Span::new(first.start, last.end))
    }

    fn add(&self, _words: &[&str]) -> Option<Vec<Edit>> {
        None
    }
}

/// The bytes to delete for a word of a whitespace-separated command line: the word with the
/// blanks before it (after it, for a first word); a word alone on an `ExecStart=` continuation
/// line takes its line, or for the last line the ` \\` that led to it.
fn remove_shell_word(text: &str, word: Span) -> Option<Span> {
    let line_start = text[..word.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[word.end..]
        .find('\n')
        .map_or(text.len(), |i| word.end + i + 1);
    let lead = &text[line_start..word.start];
    let tail = text[word.end..line_end].trim_end_matches(['\n', '\r']);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    if blank(lead) && tail.trim() == "\\" {
        return Some(Span::new(line_start, line_end));
    }
    if blank(lead) && blank(tail) {
        // The last continuation line: drop the ` \\` before it.
        let before = text[..line_start].trim_end_matches(['\n', '\r']);
        let continued = before.strip_suffix('\\')?;
        let start = continued.trim_end_matches([' ', '\t']).len();
        return Some(Span::new(start, word.end));
    }
    let before = text[..word.start].trim_end_matches([' ', '\t']);
    if before.len() < word.start && !before.ends_with(['=', '"', '\'']) {
        return Some(Span::new(before.len(), word.end));
    }
    let after = &text[word.end..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    Some(Span::new(word.start, word.end + gap))
}

//! Flags written in a config file rather than on a command line: a kubeadm `extraArgs` entry,
//! a list such as `authorizationModes`, a setting such as `bindPort`, or a flag the tool that
//! generates the command line adds itself. Each becomes one `--name=value` argv word whose
//! name and value keep their bytes in the config, so the flag parser locates them there.

use crate::flags::{self, WrittenBy};
use crate::source::{FileId, MappedText, Span, TextMap};

/// One `--name=value` word, with the name and value a generator sorts and matches by.
#[derive(Clone, Debug)]
pub(super) struct FlagWord {
    pub name: String,
    pub value: String,
    pub text: MappedText,
    pub written_by: WrittenBy,
}

/// Decoded offset of the value in `--name=value`.
fn value_offset(name: &str) -> usize {
    "--".len() + name.len() + "=".len()
}

impl FlagWord {
    /// A flag `written_by` adds itself: written nowhere, located at `anchor` (where the
    /// config would say otherwise).
    pub fn generated(
        name: &str,
        value: impl Into<String>,
        anchor: Span,
        written_by: WrittenBy,
    ) -> Self {
        let value = value.into();
        Self {
            text: MappedText::new(format!("--{name}={value}"), anchor, TextMap::opaque()),
            name: name.to_owned(),
            value,
            written_by,
        }
    }

    /// A flag whose value is written in the config: `value` (a scalar's text with its map)
    /// becomes `--name=value`, spanned at `span`.
    pub fn written(name: &str, value: &MappedText, span: Span) -> Self {
        Self::entry(name, None, value, span)
    }

    /// `--name=value` where `value` and, when given, `name_map` (the key's text map) keep
    /// their bytes.
    pub fn entry(name: &str, name_map: Option<&TextMap>, value: &MappedText, span: Span) -> Self {
        let mut map = TextMap::default();
        if let Some(name_map) = name_map {
            map.append("--".len(), &name_map.slice(0..name.len()));
        }
        map.append(value_offset(name), &value.map.slice(0..value.text.len()));
        Self {
            name: name.to_owned(),
            value: value.text.clone(),
            text: MappedText::new(format!("--{name}={}", value.text), span, map),
            written_by: WrittenBy::User,
        }
    }

    /// A written list (`endpoints`, `authorizationModes`) as one `--name=a,b` word, each item
    /// mapped to its bytes.
    pub fn joined(name: &str, items: &[MappedText], span: Span) -> Self {
        let prefix = value_offset(name);
        let mut value = String::new();
        let mut map = TextMap::default();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                value.push(',');
            }
            map.append(prefix + value.len(), &item.map.slice(0..item.text.len()));
            value.push_str(&item.text);
        }
        Self {
            name: name.to_owned(),
            text: MappedText::new(format!("--{name}={value}"), span, map),
            value,
            written_by: WrittenBy::User,
        }
    }

    /// The same value under another flag name (the value keeps its bytes).
    pub fn renamed(&self, name: &str) -> Self {
        let mut map = TextMap::default();
        map.append(
            value_offset(name),
            &self
                .text
                .map
                .slice(value_offset(&self.name)..self.text.text.len()),
        );
        Self {
            name: name.to_owned(),
            value: self.value.clone(),
            text: MappedText::new(format!("--{name}={}", self.value), self.text.span, map),
            written_by: self.written_by,
        }
    }

    /// The same flag with the items of its comma-separated value that `keep` rejects
    /// dropped, each kept one at its bytes; `None` when none is left.
    pub fn retain_items(&self, keep: impl Fn(&str) -> bool) -> Option<Self> {
        let prefix = value_offset(&self.name);
        let mut value = String::new();
        let mut map = TextMap::default();
        let mut offset = 0;
        for item in self.value.split(',') {
            let range = prefix + offset..prefix + offset + item.len();
            offset += item.len() + 1;
            if !keep(item) {
                continue;
            }
            if !value.is_empty() {
                value.push(',');
            }
            map.append(prefix + value.len(), &self.text.map.slice(range));
            value.push_str(item);
        }
        if value.is_empty() {
            return None;
        }
        if value == self.value {
            return Some(self.clone());
        }
        Some(Self {
            name: self.name.clone(),
            text: MappedText::new(format!("--{}={value}", self.name), self.text.span, map),
            value,
            written_by: self.written_by,
        })
    }

    /// The argv word, in the config `file` it is read from.
    pub fn into_word(self, file: FileId) -> flags::Word {
        flags::Word {
            text: self.text,
            file,
            written_by: self.written_by,
        }
    }
}

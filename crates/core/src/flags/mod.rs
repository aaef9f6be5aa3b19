//! Command-line flags: an argv parsed the way the component's flag library parses it.
//!
//! Kubernetes components and the Dashboard use spf13/pflag; etcd uses Go's `flag` package.
//! The two differ in ways that decide what a manifest really configures, so [`FlagSet::parse`]
//! follows the library of the component:
//!
//! - `--name=value` and `--name value`; a non-boolean flag takes the next word as its value
//!   even when it starts with `-` (recorded as [`FlagValue::looks_like_flag`], an ambiguity a
//!   rule can report);
//! - a boolean flag is complete on its own: bare `--name` is true, `false` must be written
//!   `--name=false`, and in `--anonymous-auth false` the `false` is a positional word;
//! - `-v=2`, `-v 2`, `-v2` (pflag shorthands), `--` ends the flags;
//! - pflag keeps parsing after a positional word; Go's `flag` (etcd) stops at the first one,
//!   so everything after it, flags included, is positional (see [`FlagSet::stop`]);
//! - repeated flags keep every occurrence; [`FlagSet::last`] gives scalar semantics and
//!   [`FlagSet::list`] accumulates or replaces according to [`FlagKind`].
//!
//! Flags the tables do not know ([`spec::flag_kind`] is `None`) are parsed by a heuristic:
//! `--x=v` is taken as written, and `--x` takes the next word as its value only when that
//! word does not start with `-` (Kubernetes components take no positional arguments, so a
//! following plain word is far more likely a value than an operand).

pub mod shell;
pub mod spec;
pub mod values;

use std::ops::Range;

pub use shell::{ShellCommand, ShellError, split_script};
pub use spec::{FlagKind, flag_kind};

use crate::component::Component;
use crate::source::{FileId, Located, Location, MappedText, TextMap};

/// Who wrote an argv word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WrittenBy {
    /// Written in its file by whoever configured the node (a manifest, a unit, an
    /// environment file, a kubeadm `extraArgs` entry).
    User,
    /// Added by kubeadm itself: written nowhere the user can edit, located at the place in the
    /// kubeadm config that makes kubeadm add it.
    Kubeadm,
    /// Added by the distribution that runs the component (k3s, RKE2): located at the config
    /// that makes the distribution run it, and replaced by a flag of the same name the
    /// config passes.
    Distribution,
    /// Added by kind to the kubeadm config it generates (its config template).
    Kind,
    /// Passed by Talos to the component it runs, unless the machine config's `extraArgs` say
    /// otherwise.
    Talos,
    /// Written by kops from its `Cluster` spec's defaults.
    Kops,
}

impl WrittenBy {
    /// Whose default a word nobody wrote is, for a setting's provenance: `kubeadm default`.
    #[must_use]
    pub const fn default_name(self) -> &'static str {
        match self {
            Self::User | Self::Kubeadm => "kubeadm default",
            Self::Kind => "kind default",
            Self::Talos => "Talos default",
            Self::Kops => "kops default",
            // The distribution's own name is on the process ([`crate::inventory::Origin`]).
            Self::Distribution => "distribution default",
        }
    }
}

/// One argv word: its decoded text and the file it was written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: MappedText,
    pub file: FileId,
    pub written_by: WrittenBy,
}

impl Word {
    /// A word a user wrote in `file`.
    #[must_use]
    pub fn written(file: FileId, text: MappedText) -> Self {
        Self {
            text,
            file,
            written_by: WrittenBy::User,
        }
    }

    fn location_of(&self, range: Range<usize>) -> Location {
        Location::new(self.file, self.text.span_of(range))
    }

    fn slice(&self, range: Range<usize>) -> Self {
        Self {
            text: self.text.slice(range),
            file: self.file,
            written_by: self.written_by,
        }
    }
}

/// Parses a boolean the way Go's `strconv.ParseBool` does, which both pflag and `flag` use.
///
/// # Errors
/// [`InvalidBool`] for anything but `1 t T TRUE true True 0 f F FALSE false False`.
pub fn parse_go_bool(text: &str) -> Result<bool, InvalidBool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(InvalidBool {
            value: text.to_owned(),
        }),
    }
}

/// A boolean flag value the component would reject at start-up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a boolean (Go accepts true/false, t/f, 1/0 and their capitalized forms)")]
pub struct InvalidBool {
    pub value: String,
}

/// Where a flag's value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueForm {
    /// `--name=value`.
    Inline,
    /// `--name value`: the next argv word.
    Separate,
}

/// A flag's value as written, with the map from its bytes to source bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagValue {
    pub text: String,
    /// The value's bytes in its file (quotes excluded when they map exactly).
    location: Location,
    pub form: ValueForm,
    /// A separate value that starts like a flag (`--x`, `-a`): pflag and Go's `flag` take it
    /// as the value all the same, which is rarely what the author meant.
    pub looks_like_flag: bool,
    pub written_by: WrittenBy,
    map: TextMap,
}

impl FlagValue {
    fn new(word: Word, form: ValueForm) -> Self {
        let looks_like_flag = form == ValueForm::Separate && looks_like_flag(&word.text.text);
        let location = word.location_of(0..word.text.text.len());
        Self {
            text: word.text.text,
            location,
            form,
            looks_like_flag,
            written_by: word.written_by,
            map: word.text.map,
        }
    }

    /// Where the value is written.
    #[must_use]
    pub fn location(&self) -> Location {
        self.location
    }

    /// Where `range` of the value text is written; the whole value when that range has no
    /// exact source bytes (it crosses an escape or a folded line).
    #[must_use]
    pub fn location_of(&self, range: Range<usize>) -> Location {
        self.location
            .within(self.map.source_span(range).unwrap_or(self.location.span()))
    }

    /// Whether the value holds a `$(VAR)` reference that Kubernetes expands from the
    /// container's environment before the program sees it: the real value is unknown.
    #[must_use]
    pub fn has_env_reference(&self) -> bool {
        !self.env_references().is_empty()
    }

    /// The `$(VAR)` references of the value: the variable name and the span of the whole
    /// reference. `$$(VAR)` is Kubernetes' escape for a literal `$(VAR)` and is skipped.
    #[must_use]
    pub fn env_references(&self) -> Vec<Located<String>> {
        let bytes = self.text.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while i + 1 < bytes.len() {
            match (bytes[i], bytes[i + 1]) {
                (b'$', b'$') => i += 2,
                (b'$', b'(') => {
                    let close = self.text[i + 2..].find(')').map(|c| i + 2 + c);
                    match close {
                        Some(close) if close > i + 2 => {
                            let name = self.text[i + 2..close].to_owned();
                            found.push(Located::new(name, self.location_of(i..close + 1)));
                            i = close + 1;
                        }
                        _ => i += 2,
                    }
                }
                _ => i += 1,
            }
        }
        found
    }

    /// The comma-separated items of the value with their byte ranges in [`Self::text`];
    /// empty items are dropped.
    fn items(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut start = 0;
        self.text
            .split(',')
            .map(move |item| {
                let range = start..start + item.len();
                start = range.end + 1;
                range
            })
            .filter(|range| !range.is_empty())
    }

    fn located(&self, range: Range<usize>) -> Located<String> {
        Located::new(
            self.text.get(range.clone()).unwrap_or_default().to_owned(),
            self.location_of(range),
        )
    }
}

/// Whether a separate value starts like a flag: `--x` or `-` and a letter. Negative numbers
/// (`--oom-score-adj -999`) are values.
fn looks_like_flag(text: &str) -> bool {
    text.starts_with("--")
        || text
            .strip_prefix('-')
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_alphabetic)
}

/// One occurrence of a flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The name as written, without dashes (`anonymous-auth`, `v`).
    pub name: String,
    /// `--name` in its file, dashes included.
    name_location: Location,
    /// `None` for a bare flag: true for a boolean, a missing value for any other kind.
    pub value: Option<FlagValue>,
    /// The whole occurrence: `--name=value`, or both words of `--name value` (the name's word
    /// alone when the value's word is in another file).
    occurrence: Location,
    /// Who wrote the flag's (first) word.
    pub written_by: WrittenBy,
    /// Index of the flag's (first) word in the parsed argv.
    pub index: usize,
    /// 2 for `--name`, 1 for `-name` / `-v`.
    pub dashes: u8,
    /// The flag's kind for the component; `None` for a flag the component does not have.
    pub kind: Option<FlagKind>,
    /// The name the component matches (`anonymous_auth` is `anonymous-auth` for pflag
    /// components; a shorthand is its long name).
    key: String,
}

impl Flag {
    /// The normalized name lookups use.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The whole occurrence: `--name=value`, bare `--name`, or both words of `--name value`.
    #[must_use]
    pub fn occurrence(&self) -> Location {
        self.occurrence
    }

    /// Where the flag is reported: the whole occurrence; for the split form `--name value`,
    /// which spans two words, the value.
    #[must_use]
    pub fn location(&self) -> Location {
        match &self.value {
            Some(value) if value.form == ValueForm::Separate => value.location,
            _ => self.occurrence,
        }
    }

    /// Where the flag's name is reported: the whole occurrence, or for the split form the
    /// name's word.
    #[must_use]
    pub fn name_location(&self) -> Location {
        match &self.value {
            Some(value) if value.form == ValueForm::Separate => self.name_location,
            _ => self.occurrence,
        }
    }

    /// `--name` alone, dashes included.
    #[must_use]
    pub fn name_only_location(&self) -> Location {
        self.name_location
    }

    /// Whether a user wrote the word [`Self::location`] points at (not kubeadm).
    #[must_use]
    pub fn is_written(&self) -> bool {
        self.location_written_by() == WrittenBy::User
    }

    /// Who wrote the word [`Self::location`] points at.
    #[must_use]
    pub fn location_written_by(&self) -> WrittenBy {
        match &self.value {
            Some(value) if value.form == ValueForm::Separate => value.written_by,
            _ => self.written_by,
        }
    }

    /// A non-boolean flag written without a value: the component fails with "flag needs an
    /// argument".
    #[must_use]
    pub fn missing_value(&self) -> bool {
        self.value.is_none() && self.kind.is_some_and(|kind| !kind.is_bool())
    }

    /// Whether the value holds an unresolved `$(VAR)` reference.
    #[must_use]
    pub fn has_env_reference(&self) -> bool {
        self.value
            .as_ref()
            .is_some_and(FlagValue::has_env_reference)
    }
}

/// A word that is not a flag or a flag's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Positional {
    pub text: String,
    location: Location,
    pub index: usize,
}

impl Positional {
    #[must_use]
    pub fn location(&self) -> Location {
        self.location
    }
}

/// Why flag parsing ended before the last word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// `--`: the rest are operands (both libraries).
    Terminator,
    /// Go's `flag` (etcd) stops at the first non-flag word; later flags are ignored, and
    /// etcd then refuses to start (`'x' is not a valid flag`).
    FirstPositional,
}

/// Where and why flag parsing stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseStop {
    pub index: usize,
    location: Location,
    pub reason: StopReason,
}

impl ParseStop {
    /// The word parsing stopped at.
    #[must_use]
    pub fn location(&self) -> Location {
        self.location
    }
}

/// A parsed argv: every flag occurrence in order, the positional words, and where parsing
/// stopped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlagSet {
    component: Option<Component>,
    flags: Vec<Flag>,
    positionals: Vec<Positional>,
    stop: Option<ParseStop>,
}

/// One `key=value` item of a map flag (`--feature-gates`, `--runtime-config`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    pub key: Located<String>,
    /// `None` when the item has no `=` (`--runtime-config=api/all` means `api/all=true`;
    /// most other maps reject it).
    pub value: Option<Located<String>>,
}

impl FlagSet {
    /// Parses the words after the program name; see the [module docs](self).
    #[must_use]
    pub fn parse(component: Component, words: &[Word]) -> Self {
        let mut set = Self {
            component: Some(component),
            ..Self::default()
        };
        let pflag = component.uses_pflag();
        let mut i = 0;
        while let Some(word) = words.get(i) {
            let text = word.text.text.as_str();
            if text == "--" {
                set.stop = Some(ParseStop {
                    index: i,
                    location: word.location_of(0..text.len()),
                    reason: StopReason::Terminator,
                });
                set.push_rest(words, i + 1);
                break;
            }
            let is_flag = text.len() > 1 && text.starts_with('-');
            if !is_flag {
                if pflag {
                    set.push_positional(i, word);
                    i += 1;
                    continue;
                }
                set.stop = Some(ParseStop {
                    index: i,
                    location: word.location_of(0..text.len()),
                    reason: StopReason::FirstPositional,
                });
                set.push_rest(words, i);
                break;
            }
            let flag = parse_flag(component, words, i);
            i += if flag
                .value
                .as_ref()
                .is_some_and(|v| v.form == ValueForm::Separate)
            {
                2
            } else {
                1
            };
            set.flags.push(flag);
        }
        set
    }

    fn push_positional(&mut self, index: usize, word: &Word) {
        self.positionals.push(Positional {
            text: word.text.text.clone(),
            location: word.location_of(0..word.text.text.len()),
            index,
        });
    }

    fn push_rest(&mut self, words: &[Word], from: usize) {
        for (index, word) in words.iter().enumerate().skip(from) {
            self.push_positional(index, word);
        }
    }

    /// The component whose semantics were used; `None` for an empty default set.
    #[must_use]
    pub fn component(&self) -> Option<Component> {
        self.component
    }

    /// Every flag occurrence, in argv order.
    pub fn iter(&self) -> impl Iterator<Item = &Flag> {
        self.flags.iter()
    }

    /// Every occurrence of `name` (without dashes), in order.
    pub fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Flag> + 'a {
        let key = self.key_of(name);
        self.flags.iter().filter(move |flag| flag.key == key)
    }

    /// The last occurrence of `name`: the one a scalar flag takes its value from.
    #[must_use]
    pub fn last(&self, name: &str) -> Option<&Flag> {
        self.all(name).last()
    }

    /// Whether `name` occurs at all.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.all(name).next().is_some()
    }

    /// The effective boolean value of `name` (last occurrence): a bare flag is true at its
    /// name's span, a written value is parsed like Go's `strconv.ParseBool` at its span.
    #[must_use]
    pub fn bool(&self, name: &str) -> Option<Located<Result<bool, InvalidBool>>> {
        let flag = self.last(name)?;
        Some(match &flag.value {
            None => Located::new(Ok(true), flag.name_location),
            Some(value) => Located::new(parse_go_bool(&value.text), value.location),
        })
    }

    /// The effective items of a list flag, each with its exact span, empty items dropped:
    ///
    /// - [`FlagKind::List`] and [`FlagKind::Map`]: every occurrence, split on commas,
    ///   accumulated in order;
    /// - [`FlagKind::Array`]: every occurrence, one item each (commas are part of it);
    /// - any other kind, or an unknown flag: the last occurrence split on commas (a repeat
    ///   replaces).
    ///
    /// Items are not trimmed, as pflag does not trim them. pflag's CSV quoting (`"a,b",c`)
    /// is not modelled.
    #[must_use]
    pub fn list(&self, name: &str) -> Vec<Located<String>> {
        self.item_ranges(name)
            .into_iter()
            .map(|(value, range)| value.located(range))
            .collect()
    }

    /// The `key=value` items of a map flag across all occurrences, in order (a later key
    /// overrides an earlier one in the component). Split at the first `=`; the kubelet's
    /// eviction thresholds use `<` and come back with no value.
    #[must_use]
    pub fn map_entries(&self, name: &str) -> Vec<MapEntry> {
        self.item_ranges(name)
            .into_iter()
            .map(|(value, range)| {
                let item = value.text.get(range.clone()).unwrap_or_default();
                match item.find('=') {
                    Some(eq) => MapEntry {
                        key: value.located(range.start..range.start + eq),
                        value: Some(value.located(range.start + eq + 1..range.end)),
                    },
                    None => MapEntry {
                        key: value.located(range),
                        value: None,
                    },
                }
            })
            .collect()
    }

    fn item_ranges(&self, name: &str) -> Vec<(&FlagValue, Range<usize>)> {
        let kind = self.component.and_then(|c| flag_kind(c, name));
        let values: Vec<&FlagValue> = match kind {
            Some(FlagKind::List | FlagKind::Map | FlagKind::Array) => {
                self.all(name).filter_map(|f| f.value.as_ref()).collect()
            }
            _ => self
                .last(name)
                .and_then(|f| f.value.as_ref())
                .into_iter()
                .collect(),
        };
        values
            .into_iter()
            .flat_map(|value| -> Vec<(&FlagValue, Range<usize>)> {
                if kind == Some(FlagKind::Array) {
                    if value.text.is_empty() {
                        Vec::new()
                    } else {
                        vec![(value, 0..value.text.len())]
                    }
                } else {
                    value.items().map(|range| (value, range)).collect()
                }
            })
            .collect()
    }

    /// Words that are neither flags nor values, in order.
    #[must_use]
    pub fn positionals(&self) -> &[Positional] {
        &self.positionals
    }

    /// Where parsing stopped early (`--`, or etcd's first positional word).
    #[must_use]
    pub fn stop(&self) -> Option<&ParseStop> {
        self.stop.as_ref()
    }

    fn key_of(&self, name: &str) -> String {
        match self.component {
            Some(component) => spec::normalize_name(component, name).into_owned(),
            None => name.to_owned(),
        }
    }
}

/// Parses the flag starting at `words[i]` (which starts with `-` and is longer than 1).
fn parse_flag(component: Component, words: &[Word], i: usize) -> Flag {
    let word = &words[i];
    let text = word.text.text.as_str();
    let dashes: u8 = if text.starts_with("--") { 2 } else { 1 };
    let body = &text[usize::from(dashes)..];

    // pflag shorthand: `-v=2`, `-v2`, `-v 2`, `-h`.
    if dashes == 1
        && let Some(long) = body
            .chars()
            .next()
            .and_then(|c| spec::shorthand(component, c))
    {
        let kind = flag_kind(component, long);
        let rest = &body[1..];
        let inline = match rest.strip_prefix('=') {
            Some(_) => Some(3..text.len()),
            None if !rest.is_empty() && !kind.is_some_and(FlagKind::is_bool) => Some(2..text.len()),
            None => None,
        };
        // `-hv`-style groups of boolean shorthands are rare enough to treat as one name.
        if inline.is_some() || rest.is_empty() {
            let head = FlagHead {
                name: long,
                kind,
                dashes: 1,
                name_location: word.location_of(0..2),
                inline,
            };
            return finish_flag(component, words, i, head);
        }
    }

    let (name, inline) = match body.find('=') {
        Some(eq) => (&body[..eq], Some(usize::from(dashes) + eq + 1..text.len())),
        None => (body, None),
    };
    let head = FlagHead {
        name,
        kind: flag_kind(component, name),
        dashes,
        name_location: word.location_of(0..usize::from(dashes) + name.len()),
        inline,
    };
    finish_flag(component, words, i, head)
}

/// What the flag's own word says: its name, kind and dashes, and where an inline value is.
struct FlagHead<'a> {
    name: &'a str,
    kind: Option<FlagKind>,
    dashes: u8,
    name_location: Location,
    /// The `value` of `--name=value` (or `-v2`), as a byte range of the word.
    inline: Option<Range<usize>>,
}

fn finish_flag(component: Component, words: &[Word], i: usize, head: FlagHead<'_>) -> Flag {
    let word = &words[i];
    let value = match head.inline {
        Some(range) => Some(FlagValue::new(word.slice(range), ValueForm::Inline)),
        None => {
            let next = words.get(i + 1);
            let takes_next = match head.kind {
                Some(kind) => !kind.is_bool(),
                // Unknown flag: see the module docs for this heuristic.
                None => next.is_some_and(|n| !n.text.text.starts_with('-')),
            };
            next.filter(|_| takes_next)
                .map(|next| FlagValue::new(next.clone(), ValueForm::Separate))
        }
    };
    let occurrence = match &value {
        Some(value) if value.form == ValueForm::Separate => head
            .name_location
            .cover(value.location)
            .unwrap_or(head.name_location),
        _ => word.location_of(0..word.text.text.len()),
    };
    Flag {
        name: head.name.to_owned(),
        name_location: head.name_location,
        value,
        occurrence,
        written_by: word.written_by,
        index: i,
        dashes: head.dashes,
        kind: head.kind,
        key: spec::normalize_name(component, head.name).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Span, Spanned};

    /// Test words, all written in file 0.
    fn written(words: &[MappedText]) -> Vec<Word> {
        words
            .iter()
            .map(|w| Word::written(FileId(0), w.clone()))
            .collect()
    }

    /// A located item as a spanned one (every test word is in file 0).
    fn spanned<T>(item: Located<T>) -> Spanned<T> {
        let span = item.span();
        Spanned::new(item.value, span)
    }

    /// An argv as a YAML flow list over `source`: each word maps verbatim to its bytes.
    struct Argv {
        source: String,
        words: Vec<Word>,
    }

    impl Argv {
        fn new(words: &[&str]) -> Self {
            let mut source = String::from("args: [");
            let mut mapped = Vec::new();
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    source.push_str(", ");
                }
                let start = source.len();
                source.push_str(word);
                mapped.push(Word::written(
                    FileId(0),
                    MappedText::new(
                        *word,
                        Span::new(start, start + word.len()),
                        TextMap::verbatim(start, word.len()),
                    ),
                ));
            }
            source.push(']');
            Self {
                source,
                words: mapped,
            }
        }

        fn parse(&self, component: Component) -> FlagSet {
            FlagSet::parse(component, &self.words)
        }

        /// The span of argv word `index`.
        fn word(&self, index: usize) -> Span {
            self.words[index].text.span
        }

        /// The span of the `nth` (0-based) occurrence of `needle` in the source.
        fn span(&self, needle: &str, nth: usize) -> Span {
            let start = self
                .source
                .match_indices(needle)
                .nth(nth)
                .map(|(i, _)| i)
                .unwrap_or_else(|| panic!("{needle:?} #{nth} not in {:?}", self.source));
            Span::new(start, start + needle.len())
        }
    }

    fn value(flag: &Flag) -> (&str, Span, ValueForm) {
        let value = flag.value.as_ref().expect("flag has a value");
        (value.text.as_str(), value.location().span(), value.form)
    }

    #[test]
    fn inline_value() {
        let argv = Argv::new(&["--secure-port=6443"]);
        let flags = argv.parse(Component::ApiServer);
        let flag = flags.last("secure-port").expect("present");
        assert_eq!(flag.name, "secure-port");
        assert_eq!(
            flag.name_only_location().span(),
            argv.span("--secure-port", 0)
        );
        assert_eq!(
            value(flag),
            ("6443", argv.span("6443", 0), ValueForm::Inline)
        );
        assert_eq!(flag.occurrence().span(), argv.span("--secure-port=6443", 0));
        assert_eq!(
            (flag.index, flag.dashes, flag.kind),
            (0, 2, Some(FlagKind::Scalar))
        );
    }

    #[test]
    fn separate_value() {
        let argv = Argv::new(&["--etcd-cafile", "/etc/ca.crt", "--v", "2"]);
        let flags = argv.parse(Component::ApiServer);
        let flag = flags.last("etcd-cafile").expect("present");
        assert_eq!(
            value(flag),
            (
                "/etc/ca.crt",
                argv.span("/etc/ca.crt", 0),
                ValueForm::Separate
            )
        );
        assert_eq!(
            flag.name_only_location().span(),
            argv.span("--etcd-cafile", 0)
        );
        let both = argv
            .span("--etcd-cafile", 0)
            .cover(argv.span("/etc/ca.crt", 0));
        assert_eq!(flag.occurrence().span(), both);
        assert!(!flag.value.as_ref().is_some_and(|v| v.looks_like_flag));
        assert_eq!(flags.last("v").map(|f| f.index), Some(2));
        assert!(flags.positionals().is_empty());
    }

    #[test]
    fn bare_boolean_is_true_at_its_name() {
        let argv = Argv::new(&["--enable-skip-login", "--enable-insecure-login"]);
        let flags = argv.parse(Component::Dashboard);
        let skip = flags.bool("enable-skip-login").expect("present");
        assert_eq!(skip.value, Ok(true));
        assert_eq!(skip.span(), argv.span("--enable-skip-login", 0));
        let flag = flags.last("enable-skip-login").expect("present");
        assert_eq!(flag.value, None);
        assert!(!flag.missing_value());
        assert_eq!(
            flag.occurrence().span(),
            argv.span("--enable-skip-login", 0)
        );
        assert_eq!(flags.iter().count(), 2);
    }

    #[test]
    fn inline_false_and_invalid_booleans() {
        let argv = Argv::new(&["--anonymous-auth=false", "--profiling=yes"]);
        let flags = argv.parse(Component::ApiServer);
        let anonymous = flags.bool("anonymous-auth").expect("present");
        assert_eq!(anonymous.value, Ok(false));
        assert_eq!(anonymous.span(), argv.span("false", 0));
        let profiling = flags.bool("profiling").expect("present");
        assert_eq!(
            profiling.value,
            Err(InvalidBool {
                value: "yes".into()
            })
        );
        assert_eq!(profiling.span(), argv.span("yes", 0));
        for (text, expected) in [("1", true), ("t", true), ("TRUE", true), ("True", true)] {
            assert_eq!(parse_go_bool(text), Ok(expected));
        }
        for text in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_go_bool(text), Ok(false));
        }
        for text in ["", "yes", "on", "tRUE", " true"] {
            assert!(parse_go_bool(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn repeated_scalar_last_wins() {
        let argv = Argv::new(&["--insecure-port=8080", "--v=2", "--insecure-port", "0"]);
        let flags = argv.parse(Component::ApiServer);
        assert_eq!(flags.all("insecure-port").count(), 2);
        let last = flags.last("insecure-port").expect("present");
        assert_eq!(value(last), ("0", argv.word(3), ValueForm::Separate));
        assert_eq!(last.index, 2);
        let items: Vec<_> = flags
            .list("insecure-port")
            .into_iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(items, ["0"]);
    }

    #[test]
    fn repeated_list_flag_accumulates_with_item_spans() {
        let argv = Argv::new(&[
            "--enable-admission-plugins=NodeRestriction,,PodSecurity",
            "--authorization-mode=Node",
            "--enable-admission-plugins",
            "EventRateLimit",
            "--authorization-mode=RBAC,Node",
        ]);
        let flags = argv.parse(Component::ApiServer);
        let plugins = flags.list("enable-admission-plugins");
        let expected = [
            ("NodeRestriction", argv.span("NodeRestriction", 0)),
            ("PodSecurity", argv.span("PodSecurity", 0)),
            ("EventRateLimit", argv.span("EventRateLimit", 0)),
        ];
        assert_eq!(plugins.len(), expected.len());
        for (item, (text, span)) in plugins.iter().zip(expected) {
            assert_eq!((item.value.as_str(), item.span()), (text, span));
        }
        let modes = flags.list("authorization-mode");
        let modes: Vec<_> = modes.iter().map(|m| (m.value.as_str(), m.span())).collect();
        assert_eq!(
            modes,
            [
                ("Node", argv.span("Node", 1)),
                ("RBAC", argv.span("RBAC", 0)),
                ("Node", argv.span("Node", 2)),
            ]
        );
    }

    #[test]
    fn replace_lists_and_arrays() {
        let argv = Argv::new(&[
            "--listen-client-urls=http://0.0.0.0:2379",
            "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379",
        ]);
        let flags = argv.parse(Component::Etcd);
        let urls: Vec<_> = flags.list("listen-client-urls");
        let urls: Vec<_> = urls.iter().map(|u| (u.value.as_str(), u.span())).collect();
        assert_eq!(
            urls,
            [
                (
                    "https://127.0.0.1:2379",
                    argv.span("https://127.0.0.1:2379", 0)
                ),
                (
                    "https://10.0.0.1:2379",
                    argv.span("https://10.0.0.1:2379", 0)
                ),
            ]
        );
        let argv = Argv::new(&[
            "--tls-sni-cert-key=a.crt,a.key:a.com",
            "--tls-sni-cert-key=b.crt,b.key",
        ]);
        let flags = argv.parse(Component::ApiServer);
        let pairs: Vec<_> = flags
            .list("tls-sni-cert-key")
            .into_iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(pairs, ["a.crt,a.key:a.com", "b.crt,b.key"]);
    }

    #[test]
    fn map_entries_with_spans() {
        let argv = Argv::new(&[
            "--feature-gates=A=true,B=false",
            "--runtime-config",
            "api/all",
        ]);
        let flags = argv.parse(Component::ApiServer);
        let gates = flags.map_entries("feature-gates");
        assert_eq!(gates.len(), 2);
        assert_eq!(
            gates[0].key,
            Spanned::new("A".to_owned(), argv.span("A", 0))
        );
        assert_eq!(
            gates[1].value.clone().map(spanned),
            Some(Spanned::new("false".to_owned(), argv.span("false", 0)))
        );
        let runtime = flags.map_entries("runtime-config");
        assert_eq!(runtime.len(), 1);
        assert_eq!(runtime[0].key.span(), argv.span("api/all", 0));
        assert_eq!(runtime[0].value, None);
    }

    #[test]
    fn double_dash_ends_flags() {
        let argv = Argv::new(&["--v=1", "--", "--anonymous-auth=true", "x"]);
        let flags = argv.parse(Component::Kubelet);
        assert!(!flags.contains("anonymous-auth"));
        let stop = flags.stop().expect("stopped");
        assert_eq!((stop.index, stop.reason), (1, StopReason::Terminator));
        assert_eq!(stop.location().span(), argv.span("--", 1));
        let positionals: Vec<_> = flags
            .positionals()
            .iter()
            .map(|p| (p.text.as_str(), p.location().span(), p.index))
            .collect();
        assert_eq!(
            positionals,
            [
                (
                    "--anonymous-auth=true",
                    argv.span("--anonymous-auth=true", 0),
                    2
                ),
                ("x", argv.span("x", 0), 3)
            ]
        );
    }

    #[test]
    fn single_dash_shorthand() {
        let argv = Argv::new(&["-v=2", "-v", "3", "-v4", "-h"]);
        let flags = argv.parse(Component::Scheduler);
        let all: Vec<_> = flags
            .all("v")
            .map(|f| (value(f), f.name_only_location().span(), f.dashes))
            .collect();
        assert_eq!(
            all,
            [
                (
                    ("2", argv.span("2", 0), ValueForm::Inline),
                    argv.span("-v", 0),
                    1
                ),
                (
                    ("3", argv.span("3", 0), ValueForm::Separate),
                    argv.span("-v", 1),
                    1
                ),
                (
                    ("4", argv.span("4", 0), ValueForm::Inline),
                    argv.span("-v", 2),
                    1
                ),
            ]
        );
        assert_eq!(flags.bool("help").map(|b| b.value), Some(Ok(true)));
    }

    #[test]
    fn single_dash_long_name_is_kept_for_reporting() {
        let argv = Argv::new(&["-anonymous-auth=false"]);
        let flags = argv.parse(Component::Kubelet);
        let flag = flags.last("anonymous-auth").expect("recorded");
        assert_eq!((flag.dashes, flag.kind), (1, Some(FlagKind::Bool)));
        assert_eq!(
            flag.name_only_location().span(),
            argv.span("-anonymous-auth", 0)
        );
    }

    #[test]
    fn bool_flag_never_takes_the_next_word() {
        let argv = Argv::new(&["--anonymous-auth", "false", "--read-only-port=0"]);
        let flags = argv.parse(Component::Kubelet);
        assert_eq!(
            flags.bool("anonymous-auth").map(|b| b.value),
            Some(Ok(true))
        );
        let positionals: Vec<_> = flags
            .positionals()
            .iter()
            .map(|p| (p.text.as_str(), p.location().span(), p.index))
            .collect();
        assert_eq!(positionals, [("false", argv.span("false", 0), 1)]);
        // pflag keeps parsing after a positional word.
        assert!(flags.contains("read-only-port"));
        assert_eq!(flags.stop(), None);
    }

    #[test]
    fn value_that_looks_like_a_flag_is_taken_and_marked() {
        let argv = Argv::new(&[
            "--tls-cert-file",
            "--tls-private-key-file=/k",
            "--oom-score-adj",
            "-999",
        ]);
        let flags = argv.parse(Component::Kubelet);
        let cert = flags.last("tls-cert-file").expect("present");
        let value = cert.value.as_ref().expect("takes the next word");
        assert_eq!(value.text, "--tls-private-key-file=/k");
        assert_eq!(
            value.location().span(),
            argv.span("--tls-private-key-file=/k", 0)
        );
        assert!(value.looks_like_flag);
        assert!(!flags.contains("tls-private-key-file"));
        let oom = flags
            .last("oom-score-adj")
            .and_then(|f| f.value.as_ref())
            .expect("value");
        assert_eq!((oom.text.as_str(), oom.looks_like_flag), ("-999", false));
    }

    #[test]
    fn missing_value_at_the_end() {
        let argv = Argv::new(&["--client-ca-file"]);
        let flags = argv.parse(Component::Kubelet);
        let flag = flags.last("client-ca-file").expect("present");
        assert!(flag.missing_value());
        assert_eq!(flag.occurrence().span(), argv.span("--client-ca-file", 0));
    }

    #[test]
    fn env_reference_is_unresolved() {
        let argv = Argv::new(&[
            "--advertise-address=$(POD_IP)",
            "--x=$$(LITERAL)",
            "--etcd-servers",
            "https://$(HOST):2379",
        ]);
        let flags = argv.parse(Component::ApiServer);
        let flag = flags.last("advertise-address").expect("present");
        assert!(flag.has_env_reference());
        let refs = flag
            .value
            .as_ref()
            .map(FlagValue::env_references)
            .unwrap_or_default();
        assert_eq!(
            refs,
            [Spanned::new("POD_IP".to_owned(), argv.span("$(POD_IP)", 0))]
        );
        assert!(!flags.last("x").is_some_and(Flag::has_env_reference));
        assert!(
            flags
                .last("etcd-servers")
                .is_some_and(Flag::has_env_reference)
        );
    }

    #[test]
    fn etcd_stops_at_the_first_positional() {
        let argv = Argv::new(&[
            "--name=m1",
            "--client-cert-auth",
            "true",
            "--auto-tls=false",
            "-data-dir",
            "/d",
        ]);
        let flags = argv.parse(Component::Etcd);
        assert_eq!(
            flags.bool("client-cert-auth").map(|b| b.value),
            Some(Ok(true))
        );
        assert!(!flags.contains("auto-tls"));
        assert!(!flags.contains("data-dir"));
        let stop = flags.stop().expect("stopped");
        assert_eq!(
            (stop.index, stop.reason, stop.location().span()),
            (2, StopReason::FirstPositional, argv.span("true", 0))
        );
        let rest: Vec<_> = flags
            .positionals()
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(rest, ["true", "--auto-tls=false", "-data-dir", "/d"]);
        // Go's `flag` reads `-name` as the long flag.
        let argv = Argv::new(&["-data-dir", "/d", "-peer-auto-tls"]);
        let flags = argv.parse(Component::Etcd);
        let dir = flags.last("data-dir").expect("present");
        assert_eq!((value(dir).0, dir.dashes), ("/d", 1));
        assert_eq!(flags.bool("peer-auto-tls").map(|b| b.value), Some(Ok(true)));
    }

    #[test]
    fn unknown_flags_use_the_heuristic() {
        let argv = Argv::new(&["--made-up", "value", "--other", "--third=3", "--last"]);
        let flags = argv.parse(Component::ApiServer);
        let made_up = flags.last("made-up").expect("present");
        assert_eq!(made_up.kind, None);
        assert_eq!(
            value(made_up),
            ("value", argv.span("value", 0), ValueForm::Separate)
        );
        assert_eq!(flags.last("other").map(|f| f.value.is_none()), Some(true));
        assert_eq!(flags.last("third").map(|f| value(f).0), Some("3"));
        assert_eq!(flags.last("last").map(|f| f.value.is_none()), Some(true));
        assert!(flags.positionals().is_empty());
    }

    #[test]
    fn underscores_normalize_for_kubernetes_components() {
        let argv = Argv::new(&["--anonymous_auth=false"]);
        let flags = argv.parse(Component::Kubelet);
        let flag = flags.last("anonymous-auth").expect("normalized");
        assert_eq!(
            (flag.name.as_str(), flag.key()),
            ("anonymous_auth", "anonymous-auth")
        );
        assert!(flags.contains("anonymous_auth"));
        let flags = Argv::new(&["--client_cert_auth"]).parse(Component::Etcd);
        assert!(!flags.contains("client-cert-auth"));
    }

    #[test]
    fn default_set_is_empty() {
        let flags = FlagSet::default();
        assert_eq!(flags.component(), None);
        assert!(flags.last("x").is_none());
        assert!(flags.list("x").is_empty());
    }

    /// Words from a `sh -c` script keep exact spans inside the script's string.
    fn script_flags(source: &str, script: &str, component: Component) -> FlagSet {
        let offset = source.find(script).expect("script inside source");
        let script = MappedText::new(
            script,
            Span::new(offset, offset + script.len()),
            TextMap::verbatim(offset, script.len()),
        );
        let commands = split_script(&script).expect("valid script");
        let command = commands.first().expect("one command");
        FlagSet::parse(component, &written(command.args()))
    }

    #[test]
    fn flags_inside_a_shell_script() {
        let source = r#"command: ["sh", "-c", "exec kube-apiserver --anonymous-auth=false --audit-log-format=\"json\" --runtime-config='api/all=true' --etcd-servers https://e:2379 2>&1"]"#;
        let script = r#"exec kube-apiserver --anonymous-auth=false --audit-log-format=\"json\" --runtime-config='api/all=true' --etcd-servers https://e:2379 2>&1"#;
        // The YAML double-quoted scalar decodes `\"` to `"`; model it by decoding first.
        let decoded = script.replace("\\\"", "\"");
        let offset = source.find(script).unwrap_or_default();
        let mut map = TextMap::default();
        let (mut decoded_at, mut source_at) = (0, offset);
        for piece in script.split("\\\"") {
            map.push_run(decoded_at, source_at, piece.len());
            decoded_at += piece.len() + 1;
            source_at += piece.len() + 2;
        }
        let mapped = MappedText::new(
            decoded,
            Span::new(offset - 1, offset + script.len() + 1),
            map,
        );
        let commands = split_script(&mapped).expect("valid script");
        let flags = FlagSet::parse(Component::ApiServer, &written(commands[0].args()));
        let find = |needle: &str| {
            let start = source.find(needle).unwrap_or_default();
            Span::new(start, start + needle.len())
        };
        assert_eq!(
            flags
                .bool("anonymous-auth")
                .map(|b| (b.span(), b.value))
                .map(|(s, v)| (v, s)),
            Some((Ok(false), find("false")))
        );
        let format = flags
            .last("audit-log-format")
            .and_then(|f| f.value.as_ref())
            .expect("value");
        assert_eq!(
            (format.text.as_str(), format.location().span()),
            ("json", find("json"))
        );
        let runtime = flags
            .last("runtime-config")
            .and_then(|f| f.value.as_ref())
            .expect("value");
        assert_eq!(
            (runtime.text.as_str(), runtime.location().span()),
            ("api/all=true", find("api/all=true"))
        );
        let servers = flags.list("etcd-servers");
        assert_eq!(
            servers,
            [Spanned::new(
                "https://e:2379".to_owned(),
                find("https://e:2379")
            )]
        );
        assert_eq!(
            flags
                .last("anonymous-auth")
                .map(|f| f.name_only_location().span()),
            Some(find("--anonymous-auth"))
        );
        assert!(flags.positionals().is_empty());
    }

    #[test]
    fn flags_from_a_multi_line_script() {
        let source = "- |\n  exec etcd --name=m1 \\\n    --client-cert-auth \\\n    --listen-client-urls=https://0.0.0.0:2379\n";
        let script = "exec etcd --name=m1 \\\n    --client-cert-auth \\\n    --listen-client-urls=https://0.0.0.0:2379\n";
        let flags = script_flags(source, script, Component::Etcd);
        let find = |needle: &str| {
            let start = source.find(needle).unwrap_or_default();
            Span::new(start, start + needle.len())
        };
        assert_eq!(
            flags
                .bool("client-cert-auth")
                .map(|b| (b.span(), b.value))
                .map(|(s, v)| (v, s)),
            Some((Ok(true), find("--client-cert-auth")))
        );
        assert_eq!(
            flags.list("listen-client-urls"),
            [Spanned::new(
                "https://0.0.0.0:2379".to_owned(),
                find("https://0.0.0.0:2379")
            )]
        );
        assert_eq!(
            flags.last("name").map(|f| f.occurrence().span()),
            Some(find("--name=m1"))
        );
    }
}

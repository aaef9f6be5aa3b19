//! Inline suppressions: `# kubeharden: ignore[CODE,...]` and `# kubeharden: ignore-file[...]`.
//!
//! - `ignore[...]` at the end of a line covers findings that start on that line; on a line of
//!   its own it covers the next line that is not itself a comment.
//! - `ignore-file[...]` anywhere in a file covers the whole file.
//! - Items are exact rule codes (`KAPI001`) or names (`insecure-port-enabled`), any case,
//!   separated by commas. Prefixes are not accepted: a suppression must not silently cover
//!   rules added later.
//! - The directive starts the comment or follows other text in it after a `#`
//!   (`# reason # kubeharden: ignore[...]`).
//! - Only comments count. In YAML a comment starts at a `#` at the start of a line or after
//!   a space or tab, outside a quoted scalar on that line and outside any multi-line scalar
//!   (block scalars, folded strings: their spans come from the parsed file). In
//!   systemd units and env files only whole-line comments (`#`, and `;` in units) count, as
//!   those formats have no trailing comments.
//! - A suppression item that suppresses nothing is reported as `unused-suppression`
//!   (KGEN007), except for rules this run does not check on that file (not selected, or off
//!   by `per-file-ignores`): those cannot be judged.

use kubeharden_core::inventory::{CommentSyntax, FileKind};
use kubeharden_core::{FileId, Inventory, SourceFile, Span, yaml};

use crate::finding::{Applicability, Edit, Finding, Findings, Fix};
use crate::registry;
use crate::rule::Meta;
use crate::settings::Settings;

const MARKER: &str = "kubeharden:";

/// How far a suppression reaches.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scope {
    /// Findings starting on this 1-based line.
    Line(usize),
    File,
}

/// One item of a suppression's list.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub(crate) text: String,
    pub(crate) rule: Option<&'static Meta>,
    pub(crate) used: bool,
}

/// One `# kubeharden: ignore...` comment.
#[derive(Clone, Debug)]
pub(crate) struct Suppression {
    pub(crate) file: FileId,
    pub(crate) scope: Scope,
    /// `[...]`'s inside, or the directive when it has no list.
    pub(crate) list_span: Span,
    /// What removing the whole comment deletes: the line when the comment is alone on it,
    /// else the comment and the blanks before it.
    pub(crate) removal: Span,
    pub(crate) items: Vec<Item>,
    /// `# kubeharden: ignore` without a list, or a malformed one.
    pub(crate) malformed: bool,
}

/// Whether a text may hold a suppression: the inventory keeps the text of such a file even
/// when nothing was read from it, so that an unused suppression can be reported.
pub(crate) fn may_hold_suppressions(text: &str) -> bool {
    text.contains(MARKER)
}

/// Every suppression in the file, read as `kind`.
pub(crate) fn parse_file(id: FileId, file: &SourceFile, kind: &FileKind) -> Vec<Suppression> {
    let text = file.text();
    if !may_hold_suppressions(text) {
        return Vec::new();
    }
    let whole_lines_only = kind.comment_syntax() == CommentSyntax::WholeLines;
    // In YAML a `#` inside a multi-line scalar (a block scalar, a folded string) is text.
    let strings = if whole_lines_only {
        Vec::new()
    } else {
        yaml::multiline_scalar_spans(text)
    };
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        lines.push((start, line));
        start += line.len();
    }
    let mut out = Vec::new();
    for (index, &(line_start, line)) in lines.iter().enumerate() {
        if !line.contains(MARKER) {
            continue;
        }
        let Some(hash) = comment_start(line, whole_lines_only) else {
            continue;
        };
        let at = line_start + hash;
        if strings.iter().any(|s| s.start <= at && at < s.end) {
            continue;
        }
        let own_line = line[..hash].trim().is_empty();
        // The directive may follow other text in the comment (`# reason # kubeharden: ...`).
        let Some(mut suppression) = line[hash..]
            .match_indices('#')
            .find_map(|(i, _)| parse_comment(id, line, hash + i, line_start))
        else {
            continue;
        };
        let content_end = line.trim_end_matches(['\n', '\r']).len();
        suppression.removal = if own_line {
            Span::new(line_start, line_start + line.len())
        } else {
            let blank_start = line[..hash].trim_end_matches([' ', '\t']).len();
            Span::new(line_start + blank_start, line_start + content_end)
        };
        if let Scope::Line(_) = suppression.scope {
            let mut target = index;
            if own_line {
                target += 1;
                while lines
                    .get(target)
                    .is_some_and(|(_, l)| is_comment_line(l, whole_lines_only))
                {
                    target += 1;
                }
            }
            suppression.scope = Scope::Line(target + 1);
        }
        out.push(suppression);
    }
    out
}

fn is_comment_line(line: &str, whole_lines_only: bool) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with('#') || (whole_lines_only && trimmed.starts_with(';'))
}

/// The byte index of the `#` that starts this line's comment, if any.
fn comment_start(line: &str, whole_lines_only: bool) -> Option<usize> {
    if whole_lines_only {
        let trimmed = line.trim_start();
        return (trimmed.starts_with('#') || trimmed.starts_with(';'))
            .then(|| line.len() - trimmed.len());
    }
    let mut quote: Option<char> = None;
    let mut previous: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            // `''` is a quote inside a single-quoted scalar.
            Some('\'') if c == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '#' if previous.is_none_or(|p| p == ' ' || p == '\t') => return Some(i),
                // A quote opens a scalar only where a token starts.
                '"' | '\'' if previous.is_none_or(|p| " \t[{,:-?".contains(p)) => {
                    quote = Some(c);
                }
                _ => {}
            },
        }
        previous = Some(c);
    }
    None
}

/// `# kubeharden: ignore[...]` at `hash`, or `None` when the comment is something else.
fn parse_comment(id: FileId, line: &str, hash: usize, line_start: usize) -> Option<Suppression> {
    let comment = &line[hash + 1..];
    let after_marker = comment.trim_start().strip_prefix(MARKER)?;
    let rest = after_marker.trim_start();
    let rest_at = line.len() - rest.len();
    let (scope, after_word) = if let Some(r) = rest.strip_prefix("ignore-file") {
        (Scope::File, r)
    } else if let Some(r) = rest.strip_prefix("ignore") {
        (Scope::Line(0), r)
    } else {
        // `# kubeharden: something` is not ours to judge.
        return None;
    };
    let word_end = line.len() - after_word.len();
    let mut suppression = Suppression {
        file: id,
        scope,
        list_span: Span::new(line_start + rest_at, line_start + word_end),
        removal: Span::default(),
        items: Vec::new(),
        malformed: true,
    };
    let Some(list) = after_word.strip_prefix('[') else {
        return Some(suppression);
    };
    let Some(close) = list.find(']') else {
        return Some(suppression);
    };
    let list_at = line.len() - list.len();
    suppression.list_span = Span::new(line_start + list_at, line_start + list_at + close);
    for part in list[..close].split(',') {
        let item = part.trim();
        if !item.is_empty() {
            suppression.items.push(Item {
                text: item.to_owned(),
                rule: registry::find(item),
                used: false,
            });
        }
    }
    suppression.malformed = suppression.items.is_empty();
    Some(suppression)
}

/// Every suppression in the inventory's files, by file.
pub(crate) fn parse_all(inventory: &Inventory) -> Vec<Suppression> {
    inventory
        .files()
        .flat_map(|(id, file)| parse_file(id, file, inventory.kind(id)))
        .collect()
}

/// Drops the findings a suppression covers, marking the items that did.
pub(crate) fn apply(
    inventory: &Inventory,
    findings: Vec<Finding>,
    suppressions: &mut [Suppression],
) -> Vec<Finding> {
    if suppressions.is_empty() {
        return findings;
    }
    findings
        .into_iter()
        .filter(|finding| {
            let line = inventory
                .file(finding.file)
                .line_col(finding.span.start)
                .line;
            let mut suppressed = false;
            for suppression in suppressions.iter_mut().filter(|s| s.file == finding.file) {
                let covers = match suppression.scope {
                    Scope::File => true,
                    Scope::Line(l) => l == line,
                };
                if !covers {
                    continue;
                }
                for item in &mut suppression.items {
                    if item.rule.is_some_and(|m| m.code == finding.code) {
                        item.used = true;
                        suppressed = true;
                    }
                }
            }
            !suppressed
        })
        .collect()
}

/// Reports suppressions and items that suppressed nothing. Items for rules the file's
/// settings (`settings_of`) do not check on it are left alone; so are items naming
/// `unused-suppression` itself.
pub(crate) fn report_unused<'s>(
    inventory: &Inventory,
    suppressions: &[Suppression],
    settings_of: impl Fn(FileId) -> &'s Settings,
    self_meta: &Meta,
    out: &mut Findings<'_>,
) {
    for suppression in suppressions {
        let Some(location) = inventory.locate(suppression.file, suppression.list_span) else {
            continue;
        };
        let file = inventory.file(suppression.file);
        let directive = match suppression.scope {
            Scope::File => "ignore-file",
            Scope::Line(_) => "ignore",
        };
        if suppression.malformed {
            out.report(
                location,
                format!("`{directive}` names no rule, so it suppresses nothing"),
            )
            .label("no rule list")
            .help(format!(
                "name the rules: `# kubeharden: {directive}[CODE, ...]`"
            ));
            continue;
        }
        let unused: Vec<&Item> = suppression
            .items
            .iter()
            .filter(|item| !item.used)
            .filter(|item| match item.rule {
                None => true,
                Some(meta) => {
                    meta.code != self_meta.code
                        && settings_of(suppression.file).is_enabled_for(meta, file.path())
                }
            })
            .collect();
        if unused.is_empty() {
            continue;
        }
        let unknown: Vec<String> = unused
            .iter()
            .filter(|i| i.rule.is_none())
            .map(|i| format!("`{}`", i.text))
            .collect();
        let idle: Vec<String> = unused
            .iter()
            .filter(|i| i.rule.is_some())
            .map(|i| format!("`{}`", i.text))
            .collect();
        let mut parts = Vec::new();
        if !idle.is_empty() {
            let verb = if idle.len() == 1 {
                "suppresses"
            } else {
                "suppress"
            };
            let place = match suppression.scope {
                Scope::File => "in this file",
                Scope::Line(line) => &format!("on line {line}"),
            };
            parts.push(format!("{} {verb} nothing {place}", idle.join(", ")));
        }
        if !unknown.is_empty() {
            let verb = if unknown.len() == 1 { "is" } else { "are" };
            parts.push(format!(
                "{} {verb} not a kubeharden rule",
                unknown.join(", ")
            ));
        }
        let kept: Vec<&str> = suppression
            .items
            .iter()
            .filter(|item| !unused.iter().any(|u| std::ptr::eq(*u, *item)))
            .map(|item| item.text.as_str())
            .collect();
        let fix = if kept.is_empty() {
            Fix {
                title: "remove the suppression comment".to_owned(),
                applicability: Applicability::Safe,
                file: suppression.file,
                edits: vec![Edit {
                    span: suppression.removal,
                    replacement: String::new(),
                }],
            }
        } else {
            Fix {
                title: format!("keep only `{}`", kept.join(", ")),
                applicability: Applicability::Safe,
                file: suppression.file,
                edits: vec![Edit {
                    span: suppression.list_span,
                    replacement: kept.join(", "),
                }],
            }
        };
        let help = if kept.is_empty() {
            "remove the comment".to_owned()
        } else {
            format!(
                "remove {}",
                unused
                    .iter()
                    .map(|i| format!("`{}`", i.text))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.report(location, parts.join("; "))
            .label("unused")
            .help(help)
            .fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<(Scope, Vec<String>, bool)> {
        parse_file(FileId(0), &SourceFile::new("a.yaml", text), &FileKind::Yaml)
            .into_iter()
            .map(|s| {
                (
                    s.scope,
                    s.items.iter().map(|i| i.text.clone()).collect(),
                    s.malformed,
                )
            })
            .collect()
    }

    #[test]
    fn a_marker_inside_a_block_scalar_is_text() {
        // `--fix` would otherwise delete this line from the ConfigMap's value.
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  other: |\n    # kubeharden: ignore[KAPI001]\n    more text\n  folded: \"a\n    # kubeharden: ignore[KAPI002] b\"\n";
        let report = crate::Linter::new(Settings::default())
            .lint_source(std::path::Path::new("notes.yaml"), text);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn finds_real_comments_only() {
        let text = "a: 1 # kubeharden: ignore[KAPI001, insecure-bind-address-set]\n\
                    b: \"# kubeharden: ignore[KAPI002]\"\n\
                    c: 'it''s # kubeharden: ignore[KAPI003]'\n\
                    d: x#kubeharden: ignore[KAPI004]\n\
                    # kubeharden: ignore[KETC001]\n\
                    # another comment\n\
                    e: it's # kubeharden: ignore-file[KETC002]\n\
                    #kubeharden:ignore\n\
                    f: 1\n";
        assert_eq!(
            comments(text),
            vec![
                (
                    Scope::Line(1),
                    vec!["KAPI001".into(), "insecure-bind-address-set".into()],
                    false
                ),
                (Scope::Line(7), vec!["KETC001".into()], false),
                (Scope::File, vec!["KETC002".into()], false),
                (Scope::Line(9), vec![], true),
            ]
        );
    }

    #[test]
    fn units_and_env_files_have_whole_line_comments() {
        let unit = "[Service]\n# kubeharden: ignore[KLET005]\nExecStart=/usr/bin/kubelet --read-only-port=10255 # kubeharden: ignore[KLET001]\n";
        let kind = FileKind::Unit {
            unit: Some("kubelet.service".into()),
            dropin: false,
        };
        let found = parse_file(FileId(0), &SourceFile::new("kubelet.service", unit), &kind);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].scope, Scope::Line(3));
        let env = "; systemd reads this as a comment too\nKUBELET_KUBEADM_ARGS=\"--read-only-port=10255\"\n# kubeharden: ignore-file[KLET005]\n";
        let env_file = SourceFile::new("kubeadm-flags.env", env);
        let found = parse_file(FileId(0), &env_file, &FileKind::EnvFile);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].scope, Scope::File);
    }
}

//! systemd unit files and drop-ins: `ExecStart=`, `Environment=`, `EnvironmentFile=`.
//!
//! Only the `[Service]` section matters. Lines ending in `\` continue on the next line (the
//! backslash and line break become a space; comment lines inside a continuation are
//! skipped). An empty `ExecStart=` resets the command list, which is how drop-ins replace a
//! unit's command; for an ordinary service the last `ExecStart=` after the last reset runs.

use crate::source::{MappedText, Span, Spanned, TextMap};

/// One `NAME=value` assignment with the value's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub value: MappedText,
}

/// An `EnvironmentFile=` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentFile {
    pub path: Spanned<String>,
    /// `-/path`: a missing file is not an error.
    pub optional: bool,
}

/// One `ExecStart=` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecStart {
    /// The `ExecStart` key, where a missing flag of this command line is reported.
    pub key_span: Span,
    /// The command line, continuations joined, prefixes (`-`, `@`, `+`, `!`, `:`) removed.
    pub command: MappedText,
}

/// What one unit file or drop-in says about its service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitFile {
    /// `ExecStart=` lines in order; `None` stands for an empty `ExecStart=` (a reset).
    pub exec_start: Vec<Option<ExecStart>>,
    pub environment: Vec<Assignment>,
    pub environment_files: Vec<EnvironmentFile>,
}

/// A logical line: its text with continuations joined, and the map back to the file.
struct LogicalLine {
    text: String,
    map: TextMap,
    span: Span,
}

/// Joins continuation lines, skipping comments and blank lines.
fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut lines = Vec::new();
    let mut current: Option<LogicalLine> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let is_comment = trimmed.starts_with('#') || trimmed.starts_with(';');
        if current.is_none() && (trimmed.is_empty() || is_comment) {
            continue;
        }
        if current.is_some() && is_comment {
            continue;
        }
        let content_start = start + (line.len() - trimmed.len());
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let logical = current.get_or_insert_with(|| LogicalLine {
            text: String::new(),
            map: TextMap::default(),
            span: Span::at(content_start),
        });
        if !logical.text.is_empty() {
            logical.text.push(' ');
        }
        logical
            .map
            .push_run(logical.text.len(), content_start, body.len());
        logical.text.push_str(body);
        logical.span.end = content_start + body.len();
        if !continues {
            lines.extend(current.take());
        }
    }
    lines.extend(current);
    lines
}

/// Parses one unit file or drop-in.
#[must_use]
pub fn parse_unit(text: &str) -> UnitFile {
    let mut unit = UnitFile::default();
    let mut in_service = false;
    for line in logical_lines(text) {
        if line.text.starts_with('[') {
            in_service = line.text.trim_end() == "[Service]";
            continue;
        }
        if !in_service {
            continue;
        }
        let Some(eq) = line.text.find('=') else {
            continue;
        };
        let key = line.text[..eq].trim_end();
        let key_span = line.map.source_span(0..key.len()).unwrap_or(line.span);
        let value_start =
            eq + 1 + (line.text.len() - eq - 1 - line.text[eq + 1..].trim_start().len());
        let value_end = line.text.trim_end().len().max(value_start);
        let value = MappedText {
            text: line.text[value_start..value_end].to_owned(),
            span: line
                .map
                .source_span(value_start..value_end)
                .unwrap_or(line.span),
            map: line.map.slice(value_start..value_end),
        };
        match key {
            "ExecStart" if value.text.is_empty() => unit.exec_start.push(None),
            "ExecStart" => {
                let prefix = value.text.len()
                    - value
                        .text
                        .trim_start_matches(['-', '@', '+', '!', ':'])
                        .len();
                unit.exec_start.push(Some(ExecStart {
                    key_span,
                    command: value.slice(prefix..value.text.len()),
                }));
            }
            "Environment" => unit.environment.extend(split_assignments(&value)),
            "EnvironmentFile" => {
                let optional = value.text.starts_with('-');
                let path = value.slice(usize::from(optional)..value.text.len());
                unit.environment_files.push(EnvironmentFile {
                    path: Spanned::new(path.text.clone(), path.span),
                    optional,
                });
            }
            _ => {}
        }
    }
    unit
}

/// The command a sequence of unit files runs: the last `ExecStart=` after the last reset.
#[must_use]
pub fn effective_exec_start<'u>(
    units: impl IntoIterator<Item = &'u UnitFile>,
) -> Option<&'u ExecStart> {
    let mut current = None;
    for unit in units {
        for exec in &unit.exec_start {
            current = exec.as_ref();
        }
    }
    current
}

/// Splits `Environment=` values: space-separated assignments, each optionally quoted as a
/// whole (`"A=b c" D=e`).
fn split_assignments(value: &MappedText) -> Vec<Assignment> {
    let mut assignments = Vec::new();
    let bytes = value.text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let (start, end, next) = match bytes[i] {
            quote @ (b'"' | b'\'') => {
                let close = value.text[i + 1..]
                    .find(char::from(quote))
                    .map_or(bytes.len(), |c| i + 1 + c);
                (i + 1, close, close + 1)
            }
            _ => {
                // The same whitespace as the skip above: with `char::is_whitespace` a vertical
                // tab ended a word where it starts, and the loop never advanced (found by
                // fuzzing).
                let end = value.text[i..]
                    .find(|c: char| c.is_ascii_whitespace())
                    .map_or(bytes.len(), |c| i + c);
                (i, end, end)
            }
        };
        let word = value.slice(start..end.min(bytes.len()));
        if let Some(eq) = word.text.find('=') {
            assignments.push(Assignment {
                name: word.text[..eq].to_owned(),
                value: word.slice(eq + 1..word.text.len()),
            });
        }
        if next <= i {
            break;
        }
        i = next;
    }
    assignments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_start_with_continuations_and_reset() {
        let text = "[Unit]\nDescription=kubelet\n\n[Service]\nExecStart=\nExecStart=/usr/local/bin/kubelet \\\n  --config=/var/lib/kubelet/kubelet-config.yaml \\\n  # a comment inside the continuation\n  --v=2\nRestart=on-failure\n";
        let unit = parse_unit(text);
        assert_eq!(unit.exec_start.len(), 2);
        assert!(unit.exec_start[0].is_none());
        let exec = effective_exec_start([&unit]).unwrap();
        assert_eq!(
            exec.command.text,
            "/usr/local/bin/kubelet  --config=/var/lib/kubelet/kubelet-config.yaml  --v=2"
        );
        let config = exec.command.text.find("--config").unwrap();
        let span = exec.command.span_of(config..config + 8);
        assert_eq!(&text[span.range()], "--config");
        assert_eq!(&text[exec.key_span.range()], "ExecStart");
    }

    #[test]
    fn environment_with_a_vertical_tab_ends() {
        // Fuzzing found this hang: a vertical tab is `char::is_whitespace` but not ASCII
        // whitespace, so a word ended where it started.
        let unit = parse_unit("[Service]\nEnvironment=A=1\u{b}B=2 \u{b}\u{85}C=3\n");
        let names: Vec<&str> = unit.environment.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["A", "\u{b}\u{85}C"]);
        assert_eq!(unit.environment[0].value.text, "1\u{b}B=2");
    }

    #[test]
    fn environment_and_environment_files() {
        let text = "[Service]\nEnvironment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\nEnvironment=A=1 B=2\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nEnvironmentFile=/etc/default/kubelet\n";
        let unit = parse_unit(text);
        let names: Vec<&str> = unit.environment.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["KUBELET_KUBECONFIG_ARGS", "A", "B"]);
        let value = &unit.environment[0].value;
        assert!(value.text.starts_with("--bootstrap-kubeconfig="));
        assert_eq!(&text[value.span_of(0..11).range()], "--bootstrap");
        assert_eq!(unit.environment[2].value.text, "2");
        assert_eq!(unit.environment_files.len(), 2);
        assert!(unit.environment_files[0].optional);
        assert_eq!(
            unit.environment_files[0].path.value,
            "/var/lib/kubelet/kubeadm-flags.env"
        );
        assert_eq!(
            &text[unit.environment_files[1].path.span.range()],
            "/etc/default/kubelet"
        );
    }

    #[test]
    fn other_sections_and_crlf() {
        let text = "[Install]\r\nExecStart=/bin/false\r\n[Service]\r\nExecStart=-/usr/bin/etcd --name x\r\n";
        let unit = parse_unit(text);
        let exec = effective_exec_start([&unit]).unwrap();
        assert_eq!(exec.command.text, "/usr/bin/etcd --name x");
        assert_eq!(&text[exec.command.span.range()], "/usr/bin/etcd --name x");
    }
}

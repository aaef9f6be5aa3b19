//! Environment files: `kubeadm-flags.env`, `/etc/default/kubelet`, `/etc/sysconfig/kubelet`
//! and anything a unit names in `EnvironmentFile=`.
//!
//! One `NAME=value` per line; `#` and `;` start comment lines; a value may be wrapped in
//! double or single quotes; `export NAME=value` is accepted as shells write it.

use super::systemd::Assignment;
use crate::source::{MappedText, Span, TextMap};

/// Every assignment in the file, in order (a later one for the same name wins).
#[must_use]
pub fn parse_env_file(text: &str) -> Vec<Assignment> {
    let mut assignments = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let body = trimmed
            .strip_prefix("export ")
            .map_or(trimmed, str::trim_start);
        let body_start = start + (line.len() - body.len());
        let Some(eq) = body.find('=') else {
            continue;
        };
        let name = body[..eq].trim_end();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let raw_value = body[eq + 1..].trim_end();
        let value_start = body_start + eq + 1;
        let value = match raw_value.as_bytes().first() {
            Some(&quote @ (b'"' | b'\''))
                if raw_value.len() >= 2 && raw_value.ends_with(char::from(quote)) =>
            {
                let inner = &raw_value[1..raw_value.len() - 1];
                let map = if quote == b'"' && inner.contains('\\') {
                    TextMap::opaque()
                } else {
                    TextMap::verbatim(value_start + 1, inner.len())
                };
                MappedText::new(
                    unescape(inner, quote),
                    Span::new(value_start, value_start + raw_value.len()),
                    map,
                )
            }
            _ => MappedText::new(
                raw_value,
                Span::new(value_start, value_start + raw_value.len()),
                TextMap::verbatim(value_start, raw_value.len()),
            ),
        };
        assignments.push(Assignment {
            name: name.to_owned(),
            value,
        });
    }
    assignments
}

/// Double-quoted values take `\"`, `\\` and `\$` escapes; single-quoted ones none.
fn unescape(inner: &str, quote: u8) -> String {
    if quote == b'\'' || !inner.contains('\\') {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ ('"' | '\\' | '$' | '`'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeadm_flags_env() {
        let text = "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --read-only-port=10255\"";
        let vars = parse_env_file(text);
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].name, "KUBELET_KUBEADM_ARGS");
        let value = &vars[0].value;
        let at = value.text.find("--read-only-port").unwrap();
        assert_eq!(
            &text[value.span_of(at..value.text.len()).range()],
            "--read-only-port=10255"
        );
    }

    #[test]
    fn comments_export_single_quotes_and_crlf() {
        let text = "# generated\r\nexport KUBELET_EXTRA_ARGS='--node-ip=10.0.0.1'\r\n; other\r\nDAEMON_ARGS=--v=2 --cgroup-root=/\r\nnot an assignment\r\n";
        let vars = parse_env_file(text);
        let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["KUBELET_EXTRA_ARGS", "DAEMON_ARGS"]);
        assert_eq!(vars[0].value.text, "--node-ip=10.0.0.1");
        assert_eq!(&text[vars[0].value.span_of(0..9).range()], "--node-ip");
        assert_eq!(vars[1].value.text, "--v=2 --cgroup-root=/");
    }

    #[test]
    fn escapes_in_double_quotes() {
        let vars = parse_env_file("A=\"say \\\"hi\\\"\"\n");
        assert_eq!(vars[0].value.text, "say \"hi\"");
    }
}

//! SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers).
//!
//! - `tool.driver.rules`: every rule, from the same metadata as `kubeharden rules`: summary,
//!   full documentation (`help.text` and `help.markdown`), default level, tags (`security` for
//!   security and hardening rules, section, category, component), a `security-severity` for
//!   code scanning's ranking, and — only when the build names the project's repository
//!   (`KUBEHARDEN_REPOSITORY_URL` at build time) — `helpUri`, the rule's page under it (SARIF
//!   wants an absolute URI there), and the driver's `informationUri`.
//! - Results point at files by `artifactLocation.uri`: a relative path stays relative with
//!   `uriBaseId: "%SRCROOT%"`, which `originalUriBaseIds` maps to the working directory (code
//!   scanning maps it to the checkout); an absolute path is a `file://` URI.
//! - Regions are 1-based lines and columns counted in Unicode code points
//!   (`columnKind: "unicodeCodePoints"`); `endColumn` is the column after the last character.
//! - A finding's fix becomes a SARIF fix: its edits as replacements of regions.

use std::io::{self, Write};
use std::path::Path;

use kubeharden_core::{SourceFile, Span};
use kubeharden_rules::{Category, Meta, Report, Severity, docs, registry};
use serde_json::{Value, json};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let metas: Vec<_> = registry::metas().collect();
    let rules: Vec<Value> = metas
        .iter()
        .map(|meta| {
            let mut rule = json!({
                "id": meta.code,
                "name": meta.name,
                "shortDescription": {"text": meta.summary},
                "fullDescription": {"text": meta.summary},
                "help": {"text": docs::body(meta), "markdown": docs::body(meta)},
                "defaultConfiguration": {"level": level(meta.default_severity())},
                "properties": {
                    "tags": tags(meta),
                    "security-severity": security_severity(meta.category),
                },
            });
            if let Some(uri) = help_uri(meta.code) {
                rule["helpUri"] = json!(uri);
            }
            rule
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let file = report.file(finding.file);
            let message = super::message_with_help(finding, false);
            let mut result = json!({
                "ruleId": finding.code,
                "ruleIndex": metas.iter().position(|m| m.code == finding.code),
                "level": level(finding.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(file.path()),
                        "region": region(file, finding.span),
                    }
                }],
            });
            if let Some(fix) = &finding.fix {
                // The file the fix edits, which is not always the finding's.
                let fixed = report.file(fix.file);
                result["fixes"] = json!([{
                    "description": {"text": fix.title},
                    "artifactChanges": [{
                        "artifactLocation": artifact(fixed.path()),
                        "replacements": fix.edits.iter().map(|edit| {
                            let mut replacement = json!({"deletedRegion": region(fixed, edit.span)});
                            if !edit.replacement.is_empty() {
                                replacement["insertedContent"] = json!({"text": edit.replacement});
                            }
                            replacement
                        }).collect::<Vec<_>>(),
                    }],
                }]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .read_errors
        .iter()
        .map(|error| {
            json!({
                "level": "error",
                "message": {"text": format!("cannot read {}: {}", error.path.display(), error.message)},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&error.path)}}],
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "kubeharden",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "invocations": [{
            "executionSuccessful": report.read_errors.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(repository) = REPOSITORY {
        run["tool"]["driver"]["informationUri"] = json!(repository);
    }
    if let Some(cwd) = std::env::current_dir().ok().and_then(|d| file_uri(&d)) {
        run["originalUriBaseIds"] = json!({SRCROOT: {"uri": format!("{cwd}/")}});
    }
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// The project's repository, when the build names one: no link is better than a dead one.
const REPOSITORY: Option<&str> = match option_env!("KUBEHARDEN_REPOSITORY_URL") {
    Some(url) if !url.is_empty() => Some(url),
    _ => None,
};

fn help_uri(code: &str) -> Option<String> {
    REPOSITORY.map(|repository| format!("{repository}/blob/main/docs/rules/{code}.md"))
}

/// `security` for the rules about attack surface (code scanning counts those as security
/// alerts), then the section, the category and the components judged, each once (SARIF wants
/// tags unique; the kubelet section judges the kubelet).
fn tags(meta: &Meta) -> Vec<&'static str> {
    let security = matches!(meta.category, Category::Security | Category::Hardening);
    // `etcd, kube-apiserver` for a rule about both.
    let components = meta.target.split(", ").filter(|target| *target != "any");
    let mut tags = Vec::new();
    for tag in security
        .then_some("security")
        .into_iter()
        .chain([meta.section().as_str(), meta.category.as_str()])
        .chain(components)
    {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// The CVSS-like score code scanning ranks alerts by (`9.0`+ critical, `7.0`+ high, `4.0`+
/// medium, below low), by category (docs/decisions/0010-output-formats.md).
fn security_severity(category: Category) -> &'static str {
    match category {
        Category::Security => "8.0",
        Category::Hardening => "5.0",
        Category::Correctness => "2.0",
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn region(file: &SourceFile, span: Span) -> Value {
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn artifact(path: &Path) -> Value {
    if path.is_absolute()
        && let Some(uri) = file_uri(path)
    {
        return json!({"uri": uri});
    }
    let relative: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| encode(&c.as_os_str().to_string_lossy()))
        .collect();
    json!({"uri": relative.join("/"), "uriBaseId": SRCROOT})
}

/// `file:///an/absolute/path`, percent-encoded.
fn file_uri(path: &Path) -> Option<String> {
    if !path.is_absolute() {
        return None;
    }
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(encode(&part.to_string_lossy())),
            _ => None,
        })
        .collect();
    Some(format!("file:///{}", parts.join("/")))
}

/// Percent-encodes one path segment (RFC 3986: unreserved characters and sub-delimiters that
/// are safe in a path stay as they are).
fn encode(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

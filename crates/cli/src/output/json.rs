//! The JSON document (`schema: kubeharden/v1`), described by
//! docs/schemas/kubeharden-v1.schema.json.

use std::io::{self, Write};

use kubeharden_rules::{Finding, Report, Severity};
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool: Tool,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    fixable: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    section: &'static str,
    severity: &'static str,
    component: Option<&'static str>,
    message: &'a str,
    /// What is under the span.
    label: Option<&'a str>,
    help: Option<&'a str>,
    /// Where the value came from and why the rule applies (provenance, version).
    note: Option<&'a str>,
    file: String,
    span: JsonSpan,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonSpan {
    offset: usize,
    length: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    title: &'a str,
    /// The file the edits apply to: the finding's, or the one that holds the flag (an
    /// environment file a unit loads).
    file: String,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    offset: usize,
    length: usize,
    replacement: &'a str,
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let count = |severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let document = Document {
        schema: "kubeharden/v1",
        tool: Tool {
            name: "kubeharden",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: report.files().count(),
            findings: report.findings.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            fixable: report.findings.iter().filter(|f| f.fix.is_some()).count(),
        },
        findings: report.findings.iter().map(|f| finding(report, f)).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn finding<'a>(report: &Report, finding: &'a Finding) -> JsonFinding<'a> {
    let file = report.file(finding.file);
    let start = file.line_col(finding.span.start);
    let end = file.line_col(finding.span.end);
    JsonFinding {
        code: finding.code,
        name: finding.name,
        section: finding.section,
        severity: finding.severity.as_str(),
        component: finding.component.map(|c| c.name()),
        message: &finding.message,
        label: finding.label.as_deref(),
        help: finding.help.as_deref(),
        note: finding.note.as_deref(),
        file: file.path().display().to_string(),
        span: JsonSpan {
            offset: finding.span.start,
            length: finding.span.len(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
        fix: finding.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            title: &fix.title,
            file: report.file(fix.file).path().display().to_string(),
            edits: fix
                .edits
                .iter()
                .map(|edit| JsonEdit {
                    offset: edit.span.start,
                    length: edit.span.len(),
                    replacement: &edit.replacement,
                })
                .collect(),
        }),
    }
}

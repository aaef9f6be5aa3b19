//! Annotated source snippets through miette's graphical handler.

use std::fmt;
use std::io::{self, IsTerminal, Write};

use kubeharden_core::SourceFile;
use kubeharden_rules::{Finding, Report, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// Width the snippets are wrapped at.
const WIDTH: usize = 100;

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let color =
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal();
    let handler = handler(color);
    for finding in &report.findings {
        let rendered = render(&handler, report.file(finding.file), finding);
        out.write_all(rendered.as_bytes())?;
        writeln!(out)?;
    }
    write_summary(out, report)
}

pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
}

/// One finding as miette renders it.
pub fn render(handler: &GraphicalReportHandler, file: &SourceFile, finding: &Finding) -> String {
    let diagnostic = FindingDiagnostic { file, finding };
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, &diagnostic).is_err() {
        rendered = format!("{}: {}\n", finding.code, finding.message);
    }
    rendered
}

fn write_summary(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    let files = report.files().count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if report.findings.is_empty() {
        writeln!(out, "No problems found in {}.", plural(files, "file"))
    } else {
        writeln!(
            out,
            "Found {} and {} in {}.",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        )
    }
}

struct FindingDiagnostic<'a> {
    file: &'a SourceFile,
    finding: &'a Finding,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("code", &self.finding.code)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.code, self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.finding.help.as_deref();
        let note = self.finding.note.as_deref();
        match (help, note) {
            (None, None) => None,
            (Some(help), None) => Some(Box::new(help)),
            (None, Some(note)) => Some(Box::new(format!("note: {note}"))),
            (Some(help), Some(note)) => Some(Box::new(format!("{help}\nnote: {note}"))),
        }
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("docs/rules/{}.md", self.finding.code)))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.span;
        let label = LabeledSpan::new_primary_with_span(
            self.finding.label.clone(),
            SourceSpan::new(span.start.into(), span.len()),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// The file's text, named by its path, without copying it.
impl SourceCode for FindingDiagnostic<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents =
            self.file
                .text()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.path().display().to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

//! Annotated source snippets through miette's graphical handler.

use std::io::{self, Write};

use kubeharden_core::{FileId, SourceFile};

use super::safe;
use kubeharden_rules::{Applicability, Finding, FindingDiagnostic, Report, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme};
use textwrap::{WordSeparator, WordSplitter};

/// Columns the text is wrapped at when standard output is not a terminal (a pipe, a file, CI
/// logs).
pub const WIDTH: usize = 100;

pub fn write(out: &mut impl Write, report: &Report, options: super::Options) -> io::Result<()> {
    let handler = handler(options.color).with_width(options.width);
    // Findings come sorted by file: each file's text is scanned for what to escape once.
    let mut escaped: Option<(FileId, Option<safe::EscapedText>)> = None;
    for finding in &report.findings {
        let file = report.file(finding.file);
        if escaped.as_ref().is_none_or(|(id, _)| *id != finding.file) {
            escaped = Some((finding.file, safe::EscapedText::new(file.text())));
        }
        let escaped_text = escaped.as_ref().and_then(|(_, text)| text.as_ref());
        let rendered = render(&handler, file, escaped_text, finding);
        out.write_all(rendered.as_bytes())?;
        writeln!(out)?;
    }
    if options.quiet {
        return Ok(());
    }
    write_summary(out, report)?;
    if options.fixable {
        write_fixable(out, report)?;
    }
    Ok(())
}

pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Wrapping breaks lines at spaces only, never after a `/` or `-` (Unicode line breaking
    // and hyphenation would): a flag, path or URL stays whole, so that it can be copied; one
    // longer than a line overflows it.
    GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_word_separator(WordSeparator::AsciiSpace)
        .with_break_words(false)
        .with_word_splitter(WordSplitter::NoHyphenation)
        .with_links(false)
}

/// One finding as miette renders it, control characters of the file, its path and the
/// finding's words shown escaped (`super::safe`).
pub fn render(
    handler: &GraphicalReportHandler,
    file: &SourceFile,
    escaped_text: Option<&safe::EscapedText>,
    finding: &Finding,
) -> String {
    let escaped = safe::displayable(file, escaped_text, finding);
    let diagnostic = match &escaped {
        Some((view, shown)) => {
            FindingDiagnostic::in_view(view, shown, file.line_col(finding.span.start))
        }
        None => FindingDiagnostic::new(file, finding),
    };
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
    // A run that read nothing has checked nothing: it never says "no problems".
    if files == 0 {
        return writeln!(out, "No file was linted.");
    }
    let not_evaluated = match report.inventory().not_evaluated().len() {
        0 => String::new(),
        n => format!(
            "; {} not evaluated (a file that decides {} settings was not read: `--verbose` lists {})",
            plural(n, "component"),
            if n == 1 { "its" } else { "their" },
            if n == 1 { "it" } else { "them" }
        ),
    };
    if report.findings.is_empty() {
        writeln!(
            out,
            "No problems found in {}{not_evaluated}.",
            plural(files, "file")
        )
    } else {
        writeln!(
            out,
            "Found {} and {} in {}{not_evaluated}.",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        )
    }
}

/// What `--fix` would do: ``7 fixable with `--fix`, 3 more with `--unsafe-fixes`.``, each
/// clause only when it counts something.
fn write_fixable(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let count = |applicability: Applicability| {
        report
            .findings
            .iter()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == applicability)
            })
            .count()
    };
    match (count(Applicability::Safe), count(Applicability::Unsafe)) {
        (0, 0) => Ok(()),
        (safe, 0) => writeln!(out, "{safe} fixable with `--fix`."),
        (0, risky) => writeln!(out, "{risky} fixable with `--fix --unsafe-fixes`."),
        (safe, risky) => writeln!(
            out,
            "{safe} fixable with `--fix`, {risky} more with `--unsafe-fixes`."
        ),
    }
}

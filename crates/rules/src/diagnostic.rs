//! Findings as miette diagnostics, for any front end that renders them.

use std::fmt;

use kubeharden_core::{LineCol, SourceFile};
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::finding::Finding;
use crate::rule::Severity;

/// A finding with its file, as a [`miette::Diagnostic`]: the header names the severity in
/// words, the code and the rule (`error[KAPI001]: insecure-port-enabled`; colour and the `×`
/// or `⚠` icon are not all a reader has), the label sits on the finding's
/// span, `help` says what to write (then the fix, if any: `fix (safe): ...`), the note gives
/// provenance and version, and a last line names the command that explains the rule
/// (`kubeharden explain CODE`: an installed binary has no `docs/` to point at).
pub struct FindingDiagnostic<'a> {
    file: &'a SourceFile,
    finding: &'a Finding,
    /// Where the finding starts in the file itself, when `file` is a view of it whose
    /// columns differ (its control characters written escaped).
    start: Option<LineCol>,
}

impl<'a> FindingDiagnostic<'a> {
    #[must_use]
    pub fn new(file: &'a SourceFile, finding: &'a Finding) -> Self {
        Self {
            file,
            finding,
            start: None,
        }
    }

    /// The same, shown over `view`, a copy of the finding's file that reads differently (its
    /// control characters escaped, the finding's span moved to match): the `file:line:col`
    /// shown is still `start`, the position in the file itself.
    #[must_use]
    pub fn in_view(view: &'a SourceFile, finding: &'a Finding, start: LineCol) -> Self {
        Self {
            file: view,
            finding,
            start: Some(start),
        }
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("code", &self.finding.code)
            .field("span", &self.finding.span)
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
            "{}[{}]: {}",
            self.finding.severity.as_str(),
            self.finding.code,
            self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let fix = self
            .finding
            .fix
            .as_ref()
            .map(|fix| format!("fix ({}): {}", fix.applicability.as_str(), fix.title));
        let note = self
            .finding
            .note
            .as_ref()
            .map(|note| format!("note: {note}"));
        let explain = format!("docs: `kubeharden explain {}`", self.finding.code);
        let lines: Vec<&str> = [
            self.finding.help.as_deref(),
            fix.as_deref(),
            note.as_deref(),
            Some(explain.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        Some(Box::new(lines.join("\n")))
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
        // A span read without context is the one miette names in its `file:line:col` header:
        // its column counts characters, as every other output does (miette counts bytes), of
        // the file itself.
        let (line, column) = if context_lines_before == 0 && context_lines_after == 0 {
            let start = self
                .start
                .filter(|_| span.offset() == self.finding.span.start)
                .unwrap_or_else(|| self.file.line_col(span.offset()));
            (start.line - 1, start.column - 1)
        } else {
            (contents.line(), contents.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.path().display().to_string(),
            contents.data(),
            *contents.span(),
            line,
            column,
            contents.line_count(),
        )))
    }
}

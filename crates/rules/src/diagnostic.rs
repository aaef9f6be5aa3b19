//! Findings as miette diagnostics, for any front end that renders them.

use std::fmt;

use kubeharden_core::SourceFile;
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::finding::Finding;
use crate::rule::Severity;

/// A finding with its file, as a [`miette::Diagnostic`]: the label sits on the finding's
/// span, `help` says what to write (then the fix, if any: `fix (safe): ...`), the note gives
/// provenance and version, and a last line names the command that explains the rule
/// (`kubeharden explain CODE`: an installed binary has no `docs/` to point at).
pub struct FindingDiagnostic<'a> {
    file: &'a SourceFile,
    finding: &'a Finding,
}

impl<'a> FindingDiagnostic<'a> {
    #[must_use]
    pub fn new(file: &'a SourceFile, finding: &'a Finding) -> Self {
        Self { file, finding }
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

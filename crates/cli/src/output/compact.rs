//! `file:line:col: CODE [severity] message`, for editors and grep.

use std::io::{self, Write};

use kubeharden_rules::Report;

use super::safe;

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for finding in &report.findings {
        let file = report.file(finding.file);
        let at = file.line_col(finding.span.start);
        // Line and column are the file's own, for editors; path and message are shown safe.
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            safe::path(file.path()),
            at.line,
            at.column,
            finding.code,
            finding.severity,
            safe::escape(&finding.message)
        )?;
    }
    Ok(())
}

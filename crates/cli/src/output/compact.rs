//! `file:line:col: CODE [severity] message`, for editors and grep.

use std::io::{self, Write};

use kubeharden_rules::Report;

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for finding in &report.findings {
        let file = report.file(finding.file);
        let at = file.line_col(finding.span.start);
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            file.path().display(),
            at.line,
            at.column,
            finding.code,
            finding.severity,
            finding.message
        )?;
    }
    Ok(())
}

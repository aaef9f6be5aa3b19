//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE (name)::message`, with
//! `::warning` for warnings. GitHub's escaping: `%`, `\r` and `\n` everywhere, and also `:` and
//! `,` in property values. Control and bidi characters are shown escaped (`super::safe`).

use std::io::{self, Write};

use kubeharden_rules::{Report, Severity};

use super::safe;

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for finding in &report.findings {
        let file = report.file(finding.file);
        let start = file.line_col(finding.span.start);
        let end = file.line_col(finding.span.end);
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = super::message_with_help(finding, false);
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&safe::path(file.path())),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("{} ({})", finding.code, finding.name)),
            data(&safe::escape_lines(&message)),
        )?;
    }
    Ok(())
}

/// A command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}

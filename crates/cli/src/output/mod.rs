//! Writing a report in the format asked for.

mod compact;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
pub mod safe;
mod sarif;
mod statistics;

use std::io::{self, Write};

use kubeharden_rules::{Finding, Report};

use crate::args::Format;

pub use human::{WIDTH, handler};
pub use statistics::write as write_statistics;

/// How human output looks.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// Columns the text is wrapped at: the terminal's, else [`human::WIDTH`].
    pub width: usize,
    /// End with how many findings `--fix` would fix: not when it has just run.
    pub fixable: bool,
}

pub fn write_report(
    out: &mut impl Write,
    report: &Report,
    format: Format,
    options: Options,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, report, options),
        Format::Json => json::write(out, report),
        Format::Sarif => sarif::write(out, report),
        Format::Github => github::write(out, report),
        Format::Compact => compact::write(out, report),
        Format::Junit => junit::write(out, report),
        Format::Gitlab => gitlab::write(out, report),
    }
}

/// The message, then `help: ...` and (with `note`) `note: ...` lines when the finding has
/// them: the finding in words, for formats with a single text field.
fn message_with_help(finding: &Finding, note: bool) -> String {
    let mut text = finding.message.clone();
    let note = finding.note.as_deref().filter(|_| note);
    for (prefix, part) in [("help", finding.help.as_deref()), ("note", note)] {
        if let Some(part) = part {
            text.push('\n');
            text.push_str(prefix);
            text.push_str(": ");
            text.push_str(part);
        }
    }
    text
}

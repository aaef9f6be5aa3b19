//! Writing a report in the format asked for.

mod compact;
mod github;
mod human;
mod json;
pub mod safe;
mod sarif;
mod statistics;

use std::io::{self, Write};

use kubeharden_rules::Report;

use crate::args::Format;

pub use human::handler;
pub use statistics::write as write_statistics;

/// How human output looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
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
    }
}

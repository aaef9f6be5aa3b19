//! Writing a report in the format asked for.

mod compact;
mod human;
mod json;

use std::io::{self, Write};

use kubeharden_rules::Report;

use crate::args::{Check, Format};

pub fn write_report(out: &mut impl Write, report: &Report, check: &Check) -> io::Result<()> {
    match check.format {
        Format::Human => human::write(out, report),
        Format::Json => json::write(out, report),
        Format::Compact => compact::write(out, report),
    }
}

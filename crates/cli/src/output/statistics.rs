//! `--statistics`: how many findings each rule has, most first (like ruff's).

use std::collections::BTreeMap;
use std::io::{self, Write};

use kubeharden_rules::Report;
use serde::Serialize;

use crate::args::Format;

#[derive(Serialize)]
struct Row {
    code: &'static str,
    name: &'static str,
    count: usize,
    fixable: usize,
}

/// A table (`count  CODE  [*] name`, `[*]` when some are fixable, explained below it when it
/// appears), or a JSON list with `--format json`.
pub fn write(out: &mut impl Write, report: &Report, format: Format) -> io::Result<()> {
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for finding in &report.findings {
        let row = rows.entry(finding.code).or_insert(Row {
            code: finding.code,
            name: finding.name,
            count: 0,
            fixable: 0,
        });
        row.count += 1;
        row.fixable += usize::from(finding.fix.is_some());
    }
    let mut rows: Vec<Row> = rows.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    for row in &rows {
        let fixable = if row.fixable > 0 { "[*] " } else { "" };
        writeln!(
            out,
            "{:>width$}  {:<7}  {fixable}{}",
            row.count, row.code, row.name
        )?;
    }
    if rows.iter().any(|row| row.fixable > 0) {
        writeln!(
            out,
            "[*] fixable: `--fix` applies the safe fixes, `--fix --unsafe-fixes` all of them"
        )?;
    }
    Ok(())
}

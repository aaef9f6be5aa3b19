//! GitLab Code Quality: a JSON array of issues, for the merge request widget and the pipeline's
//! Code Quality tab.
//!
//! - `description` is `CODE (name): message`; `check_name` the code.
//! - `severity`: `critical` for an error from a security rule, `major` for any other error,
//!   `minor` for a warning (docs/decisions/0010-output-formats.md).
//! - `location.path` is the path as given, without `./` (GitLab wants it relative to the
//!   repository: run from the checkout with relative paths); `location.lines.begin` the
//!   finding's first line.
//! - `fingerprint` identifies the finding across runs, so that GitLab can tell new issues from
//!   old ones: a SHA-256 of the code, the path, the message, the flagged text and the
//!   occurrence (the how-many-th finding with those four in the file), and no line number, so
//!   that an edit elsewhere in the file does not make every finding look new.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use kubeharden_rules::{Category, Finding, Report, Severity, registry};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    // How many findings with the same identity came before, per identity.
    let mut seen: HashMap<[u8; 32], u64> = HashMap::new();
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .map(|finding| {
            let file = report.file(finding.file);
            let path = repository_path(file.path());
            let identity = identity(finding, &path, file.slice(finding.span));
            let occurrence = seen.entry(identity).or_insert(0);
            let fingerprint = fingerprint(identity, *occurrence);
            *occurrence += 1;
            Issue {
                description: format!("{} ({}): {}", finding.code, finding.name, finding.message),
                check_name: finding.code,
                fingerprint,
                severity: severity(finding),
                location: Location {
                    path,
                    lines: Lines {
                        begin: file.line_col(finding.span.start).line,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// The path as given without `.` parts, which GitLab does not match to the repository's files
/// (`./manifests/a.yaml` is `manifests/a.yaml`).
fn repository_path(path: &Path) -> String {
    let path: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    path.display().to_string()
}

/// GitLab's severity (`info`, `minor`, `major`, `critical`, `blocker`) of a finding.
fn severity(finding: &Finding) -> &'static str {
    match (finding.severity, category(finding)) {
        (Severity::Error, Category::Security) => "critical",
        (Severity::Error, Category::Hardening | Category::Correctness) => "major",
        (Severity::Warning, _) => "minor",
    }
}

/// The category of the finding's rule; every finding comes from a registered rule, and a code
/// that is not one (never the case) counts as correctness, the mildest.
fn category(finding: &Finding) -> Category {
    registry::find(finding.code).map_or(Category::Correctness, |meta| meta.category)
}

/// What makes a finding the same one in the next run: a hash of its code, path, message and
/// flagged text, each length-prefixed so that no two different tuples hash the same bytes.
fn identity(finding: &Finding, path: &str, flagged: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [finding.code, path, &finding.message, flagged] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().into()
}

/// The identity and the occurrence, hashed again, in lower-case hex.
fn fingerprint(identity: [u8; 32], occurrence: u64) -> String {
    let mut hasher = Sha256::new();
    hasher.update(identity);
    hasher.update(occurrence.to_le_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_make_equal_identities_differ() {
        let identity = [7; 32];
        assert_ne!(fingerprint(identity, 0), fingerprint(identity, 1));
        assert_eq!(fingerprint(identity, 0), fingerprint(identity, 0));
        assert_eq!(fingerprint(identity, 0).len(), 64);
    }
}

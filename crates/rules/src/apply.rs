//! Applying fixes: all edits of one file at once, no overlaps; checking the result; round
//! after round until no fix is left; and writing it back without ever losing the original.
//!
//! ```
//! use std::path::Path;
//! use kubeharden_rules::{Linter, Settings, apply::apply_fixes};
//!
//! let text = "# kubeharden: ignore[KAPI001]\na: b\n";
//! let report = Linter::new(Settings::default()).lint_source(Path::new("x.yaml"), text);
//! let findings: Vec<_> = report.findings.iter().collect();
//! let outcome = apply_fixes(text, &findings, false);
//! assert_eq!(outcome.new_text, "a: b\n");
//! assert_eq!(outcome.applied, vec![0]);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use kubeharden_core::Span;

use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::linter::Report;

/// Why a fix was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// An unsafe fix, and unsafe fixes were not allowed.
    Unsafe,
    /// Overlaps the fix of the finding at this index, which was applied.
    Overlaps(usize),
    /// An edit ends past the end of the text or starts after it ends.
    OutOfBounds,
    /// An edit starts or ends inside a UTF-8 character.
    NotCharBoundary,
    /// Two edits of the same fix overlap.
    SelfOverlap,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsafe => f.write_str("unsafe fix (apply with --unsafe-fixes)"),
            Self::Overlaps(index) => write!(f, "overlaps the fix of finding {index}"),
            Self::OutOfBounds => f.write_str("an edit lies outside the file"),
            Self::NotCharBoundary => f.write_str("an edit splits a character"),
            Self::SelfOverlap => f.write_str("the fix's own edits overlap"),
        }
    }
}

/// What [`apply_fixes`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FixOutcome {
    pub new_text: String,
    /// Indexes (into the findings given) of the findings whose fixes were applied.
    pub applied: Vec<usize>,
    /// Findings with a fix that was not applied, and why. Findings without a fix are in
    /// neither list.
    pub skipped: Vec<(usize, SkipReason)>,
    /// The edits applied, sorted by offset, on the original text.
    pub edits: Vec<Edit>,
}

impl FixOutcome {
    /// Where an offset of the original text is in the new text. An offset inside a replaced
    /// range maps to the start of its replacement.
    #[must_use]
    pub fn map_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for edit in &self.edits {
            if edit.span.end <= offset && !(edit.span.is_empty() && edit.span.start == offset) {
                shift += len_isize(&edit.replacement) - len_isize_span(edit.span);
            } else if edit.span.start < offset {
                // Inside this edit.
                return offset_add(edit.span.start, shift);
            } else {
                break;
            }
        }
        offset_add(offset, shift)
    }

    /// The new-text range covering `span` of the original text and every replacement that
    /// touches it.
    #[must_use]
    pub fn map_span(&self, span: Span) -> Span {
        let start = self.map_offset(span.start);
        let mut end = self.map_offset(span.end).max(start);
        for edit in &self.edits {
            if edit.span.start <= span.end && span.start <= edit.span.end {
                let new_start = self.map_offset(edit.span.start);
                end = end.max(new_start + edit.replacement.len());
            }
        }
        Span::new(start, end)
    }
}

fn len_isize(text: &str) -> isize {
    isize::try_from(text.len()).unwrap_or(isize::MAX)
}

fn len_isize_span(span: Span) -> isize {
    isize::try_from(span.len()).unwrap_or(isize::MAX)
}

fn offset_add(offset: usize, shift: isize) -> usize {
    offset.saturating_add_signed(shift)
}

/// Whether two edits cannot both be applied: their ranges overlap, they insert or start at the
/// same offset, or one inserts strictly inside the other.
fn conflict(a: Span, b: Span) -> bool {
    a.start == b.start
        || (a.start < b.end && b.start < a.end)
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

fn validate(text: &str, fix: &Fix) -> Result<(), SkipReason> {
    for edit in &fix.edits {
        if edit.span.start > edit.span.end || edit.span.end > text.len() {
            return Err(SkipReason::OutOfBounds);
        }
        if !text.is_char_boundary(edit.span.start) || !text.is_char_boundary(edit.span.end) {
            return Err(SkipReason::NotCharBoundary);
        }
    }
    for (i, a) in fix.edits.iter().enumerate() {
        if fix.edits[i + 1..].iter().any(|b| conflict(a.span, b.span)) {
            return Err(SkipReason::SelfOverlap);
        }
    }
    Ok(())
}

/// Applies the fixes of `findings` (all in the file whose text is `text`) at once. Unsafe fixes
/// only with `unsafe_allowed`. Fixes are taken in order of their first edit; a fix that
/// overlaps one already taken is skipped (a fix identical to one taken counts as applied: two
/// findings cured by the same change). A fix with an edit outside the text or inside a
/// character is skipped.
#[must_use]
pub fn apply_fixes(text: &str, findings: &[&Finding], unsafe_allowed: bool) -> FixOutcome {
    let mut skipped = Vec::new();
    let mut candidates: Vec<(usize, &Fix)> = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        let Some(fix) = &finding.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_allowed {
            skipped.push((index, SkipReason::Unsafe));
            continue;
        }
        match validate(text, fix) {
            Ok(()) => candidates.push((index, fix)),
            Err(reason) => skipped.push((index, reason)),
        }
    }
    let first = |fix: &Fix| fix.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
    candidates.sort_by_key(|(index, fix)| (first(fix), *index));

    let mut applied = Vec::new();
    let mut taken: Vec<(usize, &Fix)> = Vec::new();
    for (index, fix) in candidates {
        if taken.iter().any(|(_, t)| t.edits == fix.edits) {
            applied.push(index);
            continue;
        }
        let clash = taken.iter().find(|(_, t)| {
            t.edits
                .iter()
                .any(|a| fix.edits.iter().any(|b| conflict(a.span, b.span)))
        });
        if let Some((other, _)) = clash {
            skipped.push((index, SkipReason::Overlaps(*other)));
        } else {
            taken.push((index, fix));
            applied.push(index);
        }
    }
    applied.sort_unstable();
    skipped.sort_by_key(|(index, _)| *index);

    let mut edits: Vec<Edit> = taken
        .iter()
        .flat_map(|(_, fix)| fix.edits.iter().cloned())
        .collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut new_text = String::with_capacity(text.len());
    let mut at = 0;
    for edit in &edits {
        new_text.push_str(&text[at..edit.span.start]);
        new_text.push_str(&edit.replacement);
        at = edit.span.end;
    }
    new_text.push_str(&text[at..]);
    FixOutcome {
        new_text,
        applied,
        skipped,
        edits,
    }
}

/// Why the fixed text of a file must not be written, given the findings of the re-lint of the
/// fixed text (`after`, this file's only): the result is not valid YAML (`KGEN001`), or a
/// finding that was fixed is still there (same code where the fix changed the text).
/// `fixed` are the findings whose fixes were applied.
#[must_use]
pub fn verify(outcome: &FixOutcome, fixed: &[&Finding], after: &[&Finding]) -> Option<String> {
    if let Some(broken) = after.iter().find(|f| f.code == "KGEN001") {
        return Some(format!(
            "the fixed text would not parse: {}",
            broken.message
        ));
    }
    for finding in fixed {
        // The fixed file's bytes the finding is about: its edits, and its own span when it is
        // reported in that file.
        let own = finding
            .fix
            .as_ref()
            .is_none_or(|fix| fix.file == finding.file)
            .then(|| outcome.map_span(finding.span));
        let Some(mut place) = own.or_else(|| {
            let edit = finding.fix.as_ref()?.edits.first()?;
            Some(outcome.map_span(edit.span))
        }) else {
            continue;
        };
        if let Some(fix) = &finding.fix {
            for edit in &fix.edits {
                place = place.cover(outcome.map_span(edit.span));
            }
        }
        let touches = |span: Span| span.start <= place.end && place.start <= span.end;
        if after
            .iter()
            .any(|f| f.code == finding.code && touches(f.span))
        {
            return Some(format!(
                "{} would still be reported after its fix ({})",
                finding.code,
                finding.fix.as_ref().map_or("", |f| f.title.as_str())
            ));
        }
    }
    None
}

/// Rounds of fixes [`plan_fixes`] is given by `check --fix`: enough for the fixes of one file
/// that wait for each other (several flags added at the same place go in one per round), few
/// enough to end fixes that undo each other.
pub const MAX_ROUNDS: usize = 10;

/// One file the fixes change, checked.
#[derive(Debug)]
#[non_exhaustive]
pub struct Planned {
    pub path: PathBuf,
    pub original: String,
    /// The text after the last round of fixes accepted for this file.
    pub new_text: String,
    /// Findings the fixes cure, over all rounds.
    pub fixed: usize,
}

/// The fixes of one file in one round.
struct Candidate {
    path: PathBuf,
    /// The file's text before this round.
    text: String,
    outcome: FixOutcome,
    fixed: Vec<Finding>,
}

/// What the fixes would do.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Plan {
    pub files: Vec<Planned>,
    /// Files whose fixes were refused in some round, and why. Such a file is left as it was,
    /// or, when it is also in `files`, as the rounds before the refusal left it.
    pub refused: Vec<(PathBuf, String)>,
    /// Whether fixes were still left to apply after the last round allowed.
    pub unsettled: bool,
}

/// What `check --fix` does before writing, round by round until nothing is left to fix (as
/// `ruff --fix` does), at most `max_rounds` rounds: applies the fixes of the current texts
/// file by file (see [`apply_fixes`]; a fix that overlaps another waits for the next round),
/// then re-lints the run with the fixed texts in place of the originals (`relint`) and
/// refuses every file whose fixed text does not parse or still has a fixed finding, until
/// what is left passes. A refused file keeps the text of its last accepted round and is not
/// fixed further.
pub fn plan_fixes(
    report: &Report,
    unsafe_allowed: bool,
    max_rounds: usize,
    relint: impl Fn(&HashMap<PathBuf, String>) -> Report,
) -> Plan {
    let mut plan = Plan::default();
    // The accepted texts of the files changed so far, and the lint of the run with them.
    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    let mut current: Option<Report> = None;
    for round in 0..=max_rounds {
        let candidates = candidates(current.as_ref().unwrap_or(report), unsafe_allowed, &plan);
        if candidates.is_empty() {
            break;
        }
        if round == max_rounds {
            plan.unsettled = true;
            break;
        }
        let Some((accepted, after)) = verify_round(candidates, &texts, &relint, &mut plan.refused)
        else {
            break;
        };
        for candidate in accepted {
            let new_text = candidate.outcome.new_text;
            texts.insert(candidate.path.clone(), new_text.clone());
            match plan.files.iter_mut().find(|p| p.path == candidate.path) {
                Some(planned) => {
                    planned.new_text = new_text;
                    planned.fixed += candidate.fixed.len();
                }
                None => plan.files.push(Planned {
                    path: candidate.path,
                    original: candidate.text,
                    new_text,
                    fixed: candidate.fixed.len(),
                }),
            }
        }
        current = Some(after);
    }
    // Fixes that undid each other leave nothing to write.
    plan.files.retain(|p| p.new_text != p.original);
    plan
}

/// The files of `report` whose fixes change them, applied; files refused earlier stay as
/// they are.
fn candidates(report: &Report, unsafe_allowed: bool, plan: &Plan) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for (id, file) in report.files() {
        if plan.refused.iter().any(|(path, _)| path == file.path()) {
            continue;
        }
        // Fixes apply to their own file, which is not always the finding's.
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|fix| fix.file == id))
            .collect();
        if findings.is_empty() {
            continue;
        }
        let outcome = apply_fixes(file.text(), &findings, unsafe_allowed);
        if outcome.applied.is_empty() || outcome.new_text == file.text() {
            continue;
        }
        let fixed = outcome
            .applied
            .iter()
            .map(|&i| findings[i].clone())
            .collect();
        candidates.push(Candidate {
            path: file.path().to_path_buf(),
            text: file.text().to_owned(),
            outcome,
            fixed,
        });
    }
    candidates
}

/// Re-lints the run with the `accepted` texts and the candidates' fixed texts, moving every
/// candidate [`verify`] rejects to `refused`, until the rest pass. Returns them with the lint
/// of the run as they leave it; `None` when every candidate was refused.
fn verify_round(
    mut candidates: Vec<Candidate>,
    accepted: &HashMap<PathBuf, String>,
    relint: impl Fn(&HashMap<PathBuf, String>) -> Report,
    refused: &mut Vec<(PathBuf, String)>,
) -> Option<(Vec<Candidate>, Report)> {
    // Each pass either accepts every candidate left or refuses at least one.
    while !candidates.is_empty() {
        let mut texts = accepted.clone();
        texts.extend(
            candidates
                .iter()
                .map(|c| (c.path.clone(), c.outcome.new_text.clone())),
        );
        let after = relint(&texts);
        let before = refused.len();
        candidates.retain(|candidate| {
            let Some((id, _)) = after.files().find(|(_, f)| f.path() == candidate.path) else {
                refused.push((
                    candidate.path.clone(),
                    "the fixed file was not read back".to_owned(),
                ));
                return false;
            };
            let now: Vec<&Finding> = after.findings.iter().filter(|f| f.file == id).collect();
            let fixed: Vec<&Finding> = candidate.fixed.iter().collect();
            match verify(&candidate.outcome, &fixed, &now) {
                None => true,
                Some(reason) => {
                    refused.push((candidate.path.clone(), reason));
                    false
                }
            }
        });
        if refused.len() == before {
            return Some((candidates, after));
        }
    }
    None
}

/// Why a fixed file was not written. The file is as it was in every case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error("the file changed on disk since it was read")]
    Changed,
    #[error("not a regular file")]
    NotAFile,
    #[error("the file is not writable: {0}")]
    ReadOnly(std::io::Error),
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: std::io::Error,
    },
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> WriteError {
    move |source| WriteError::Io { what, source }
}

/// Replaces the file at `path`, which must still hold exactly `original`, with `new_text`:
/// written to a temporary file in the same directory (through symbolic links, to the file they
/// point at), given the original's permissions (and owner, on Unix), then renamed over it.
/// A file this process may not write is refused even where the directory would allow the
/// rename.
///
/// # Errors
/// [`WriteError`]; the file is left as it was.
pub fn write_fixed(path: &Path, original: &[u8], new_text: &str) -> Result<(), WriteError> {
    write_fixed_with(path, original, new_text, |_| {})
}

/// [`write_fixed`], calling `before_rename` with the target path right before the final
/// comparison with `original` and the rename (tests use it to change the file in between).
///
/// # Errors
/// [`WriteError`]; the file is left as it was.
pub fn write_fixed_with(
    path: &Path,
    original: &[u8],
    new_text: &str,
    before_rename: impl FnOnce(&Path),
) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path).map_err(io("cannot resolve the path"))?;
    let meta = std::fs::metadata(&target).map_err(io("cannot read its metadata"))?;
    if !meta.is_file() {
        return Err(WriteError::NotAFile);
    }
    // Renaming over a file needs only the directory's permission; a read-only file must stay.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&target)
        .map_err(WriteError::ReadOnly)?;
    let dir = target.parent().ok_or(WriteError::NotAFile)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(io("cannot create a temporary file next to it"))?;
    temp.write_all(new_text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(io("cannot write the temporary file"))?;
    std::fs::set_permissions(temp.path(), meta.permissions()).map_err(io(
        "cannot give the temporary file the original's permissions",
    ))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let temp_meta = temp
            .as_file()
            .metadata()
            .map_err(io("cannot read the temporary file's metadata"))?;
        if temp_meta.uid() != meta.uid() || temp_meta.gid() != meta.gid() {
            std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()))
                .map_err(io("cannot give the temporary file the original's owner"))?;
            // chown may clear set-id bits: set the mode again.
            std::fs::set_permissions(temp.path(), meta.permissions()).map_err(io(
                "cannot give the temporary file the original's permissions",
            ))?;
        }
    }
    before_rename(&target);
    let current = std::fs::read(&target).map_err(io("cannot read it again"))?;
    if current != original {
        return Err(WriteError::Changed);
    }
    temp.persist(&target).map_err(|error| WriteError::Io {
        what: "cannot rename the temporary file over it",
        source: error.error,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts() {
        let s = Span::new;
        assert!(conflict(s(0, 5), s(4, 6)));
        assert!(!conflict(s(0, 5), s(5, 6)));
        assert!(conflict(s(3, 3), s(3, 3)));
        assert!(conflict(s(3, 3), s(1, 5)));
        assert!(!conflict(s(5, 5), s(1, 5)));
        assert!(conflict(s(2, 4), s(2, 2)));
    }
}

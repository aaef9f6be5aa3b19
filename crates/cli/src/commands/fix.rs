//! `check --fix` and `check --diff`: which files the fixes change, round after round until
//! none is left, checked by linting the fixed texts in the same run, then written or shown as
//! a diff of the original against the final text.

use std::io::Write;
use std::path::Path;

use kubeharden_rules::apply::{self, Plan, Planned};

use crate::output::safe;

/// A unified diff of one planned file, headed `a/PATH` and `b/PATH`, its lines and path
/// terminal-safe (`safe`): a control character in the file is shown escaped, not run.
pub fn diff(planned: &Planned) -> String {
    let path = display(&planned.path);
    let diff = similar::TextDiff::from_lines(&planned.original, &planned.new_text)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    safe::escape_text(&diff).into_owned()
}

/// The path as shown, escaped, without a leading `/` (`a//etc/...` reads badly; `patch -p1`
/// from `/` applies the diff).
fn display(path: &Path) -> String {
    let shown = safe::path(path);
    shown.strip_prefix('/').unwrap_or(&shown).to_owned()
}

/// Tells the user which files are left as they are, or as the rounds of fixes before a
/// refused one left them, and whether fixes were still left after the last round.
pub fn report_unfixed(plan: &Plan) {
    let mut stderr = std::io::stderr().lock();
    for (path, reason) in &plan.refused {
        let further = if plan.files.iter().any(|p| &p.path == path) {
            " further"
        } else {
            ""
        };
        let _ = writeln!(
            stderr,
            "kubeharden: not fixing {}{further}: {}",
            safe::path(path),
            safe::escape(reason)
        );
    }
    if plan.unsettled {
        let _ = writeln!(
            stderr,
            "kubeharden: fixes still left after {} rounds (do two fixes undo each other?); \
             the files are as the first {} left them",
            apply::MAX_ROUNDS,
            apply::MAX_ROUNDS
        );
    }
}

/// Writes the planned files; returns whether every write succeeded.
pub fn write(plan: &Plan) -> bool {
    let mut stderr = std::io::stderr().lock();
    let mut ok = true;
    let (mut files, mut fixed) = (0, 0);
    for planned in &plan.files {
        match apply::write_fixed(
            &planned.path,
            planned.original.as_bytes(),
            &planned.new_text,
        ) {
            Ok(()) => {
                files += 1;
                fixed += planned.fixed;
            }
            Err(error) => {
                ok = false;
                let _ = writeln!(
                    stderr,
                    "kubeharden: not fixing {}: {error}",
                    safe::path(&planned.path)
                );
            }
        }
    }
    if files > 0 {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let _ = writeln!(
            stderr,
            "kubeharden: fixed {} in {}",
            plural(fixed, "problem"),
            plural(files, "file")
        );
    }
    ok
}

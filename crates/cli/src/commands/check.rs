//! `kubeharden check`: settings, lint, print, and turn the findings into an exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use kubeharden_rules::{
    ConfigError, Linter, NODE_LOCATIONS, Overrides, Report, Settings, Severity, UNIT_DIRECTORIES,
};
use kubeharden_rules::{apply, config};

use super::fix;
use crate::args::{Check, ColorChoice, FailOn};
use crate::output::{self, safe};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};

/// The name standard input is linted as without `--stdin-filename`.
const STDIN_NAME: &str = "<stdin>";

pub fn run(check: &Check) -> u8 {
    let linter = match linter(check) {
        Ok(linter) => linter,
        Err(code) => return code,
    };
    let stdin = check.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && (check.fix || check.diff) {
        let _ = writeln!(
            std::io::stderr(),
            "kubeharden: --fix and --diff need files, not standard input"
        );
        return EXIT_TROUBLE;
    }
    let mut report = if stdin {
        if check.paths.len() > 1 {
            let _ = writeln!(
                std::io::stderr(),
                "kubeharden: `-` (standard input) cannot be mixed with other paths"
            );
            return EXIT_TROUBLE;
        }
        let mut bytes = Vec::new();
        if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
            let _ = writeln!(
                std::io::stderr(),
                "kubeharden: cannot read standard input: {error}"
            );
            return EXIT_TROUBLE;
        }
        let name = check
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from(STDIN_NAME));
        linter.lint_bytes(&name, bytes)
    } else if check.paths.is_empty() {
        let root = check.root.clone().unwrap_or_else(|| "/".into());
        let report = linter.lint_node(&root);
        if report.files().next().is_none() {
            let _ = writeln!(
                std::io::stderr(),
                "kubeharden: found no control-plane files under {root} (looked in {}, and the kubelet, kube-apiserver, etcd, kube-controller-manager and kube-scheduler units in {})\n\
                 pass the files or directories to check, or --root DIR for a node's file system mounted elsewhere",
                NODE_LOCATIONS.join(", "),
                UNIT_DIRECTORIES.join(", "),
                root = safe::path(&root),
            );
            return EXIT_TROUBLE;
        }
        report
    } else {
        linter.lint_paths(&check.paths)
    };
    if !report.config_errors.is_empty() {
        for error in &report.config_errors {
            print_config_error(error);
        }
        return EXIT_TROUBLE;
    }
    for (path, version) in report
        .ignored_kubernetes_versions
        .iter()
        .filter(|_| !check.quiet)
    {
        let _ = writeln!(
            std::io::stderr(),
            "kubeharden: warning: `kubernetes-version: {version}` in {} is not used: one run judges all its files {}; lint that directory on its own to use it",
            safe::path(path),
            linter.settings().kubernetes_version.map_or_else(
                || "by the version each component's image names".to_owned(),
                |run| format!("as {run}")
            ),
        );
    }

    let mut trouble = false;
    if check.fix || check.diff {
        let root = check.root.clone().unwrap_or_else(|| "/".into());
        let relint = |texts: &HashMap<PathBuf, String>| {
            if check.paths.is_empty() {
                linter.lint_node_with_texts(&root, texts)
            } else {
                linter.lint_paths_with_texts(&check.paths, texts)
            }
        };
        let plan = apply::plan_fixes(&report, check.unsafe_fixes, apply::MAX_ROUNDS, relint);
        fix::report_unfixed(&plan);
        if check.diff {
            let diffs: String = plan.files.iter().map(fix::diff).collect();
            if let Err(code) = super::print(&diffs) {
                return code;
            }
            print_read_errors(&report);
            return if !report.read_errors.is_empty() {
                EXIT_TROUBLE
            } else if plan.files.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            };
        }
        trouble = !fix::write(&plan);
        if !plan.files.is_empty() {
            // What is left, as the files now are on disk.
            report = relint(&HashMap::new());
        }
    }

    let mut rendered = Vec::new();
    let options = output::Options {
        // A report written to a file is coloured only when asked for.
        color: match check.output_file {
            Some(_) => check.color == ColorChoice::Always,
            None => color(check.color),
        },
        quiet: check.quiet,
        width: match check.output_file {
            Some(_) => output::WIDTH,
            None => width(),
        },
        fixable: !check.fix,
    };
    let written = if check.statistics {
        output::write_statistics(&mut rendered, &report, check.format)
    } else {
        output::write_report(&mut rendered, &report, check.format, options)
    };
    if written.is_err() {
        return EXIT_TROUBLE;
    }
    let delivered = match &check.output_file {
        Some(path) => std::fs::write(path, &rendered).map_err(|error| {
            let _ = writeln!(
                std::io::stderr(),
                "kubeharden: cannot write {}: {error}",
                safe::path(path)
            );
            EXIT_TROUBLE
        }),
        None => super::print(&String::from_utf8_lossy(&rendered)),
    };
    if let Err(code) = delivered {
        return code;
    }

    print_read_errors(&report);
    let mut stderr = std::io::stderr().lock();
    if check.verbose {
        for (path, _) in report.skipped() {
            let _ = writeln!(stderr, "kubeharden: skipped template {}", safe::path(path));
        }
        for missing in report.inventory().not_evaluated() {
            let file = report.file(missing.location.file());
            let at = file.line_col(missing.location.span().start);
            let _ = writeln!(
                stderr,
                "kubeharden: not evaluated: {} at {}:{at}: not read: {}",
                missing.component.name(),
                safe::path(file.path()),
                safe::escape(&missing.unread.join(", "))
            );
        }
    }
    let empty = report.files().next().is_none();
    // A missing or unreadable path has said so already.
    if empty && !stdin && report.read_errors.is_empty() {
        let _ = writeln!(
            stderr,
            "kubeharden: nothing to lint: no file in {} is one kubeharden reads (*.yaml, *.yml, systemd units and drop-ins, *.env){}",
            check
                .paths
                .iter()
                .map(|p| safe::path(p))
                .collect::<Vec<_>>()
                .join(", "),
            if check.allow_empty {
                ""
            } else {
                "; --allow-empty makes this exit 0"
            }
        );
    }
    if trouble || (empty && !stdin && !check.allow_empty) {
        EXIT_TROUBLE
    } else {
        exit_code(check, &report)
    }
}

fn print_read_errors(report: &Report) {
    let mut stderr = std::io::stderr().lock();
    for error in &report.read_errors {
        let _ = writeln!(
            stderr,
            "kubeharden: cannot read {}: {}",
            safe::path(&error.path),
            safe::escape(&error.message)
        );
    }
}

fn exit_code(check: &Check, report: &Report) -> u8 {
    let threshold = match check.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if !report.read_errors.is_empty() {
        EXIT_TROUBLE
    } else if !check.exit_zero && report.findings.iter().any(|f| f.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The linter for this run, with the command line over the config files: none with
/// `--no-config`; `--config FILE` for every file; otherwise each file's closest config, and
/// for the run as a whole (and files no config governs) the config closest to the directory
/// holding every PATH, or failing that the one closest to the working directory (the only
/// place looked at for a node or bare standard input).
fn linter(check: &Check) -> Result<Linter, u8> {
    let mut overrides = Overrides::default();
    overrides.select.clone_from(&check.select);
    overrides.ignore.clone_from(&check.ignore);
    overrides.exclude.clone_from(&check.exclude);
    overrides.kubernetes_version = check.kubernetes_version;
    overrides.root.clone_from(&check.root);
    overrides.follow_links = check.follow_links;
    if check.no_config {
        return Ok(Linter::new(Settings::default().with_overrides(overrides)));
    }
    if let Some(path) = &check.config {
        let settings = config::load(path).map_err(|error| print_config_error(&error))?;
        return Ok(Linter::new(settings.with_overrides(overrides)));
    }
    let stdin = check.paths.iter().any(|p| p.as_os_str() == "-");
    let named: Vec<PathBuf> = if stdin {
        check.stdin_filename.iter().cloned().collect()
    } else {
        check.paths.clone()
    };
    let working_dir = Path::new(".");
    let anchor = config::common_dir(&named).unwrap_or_else(|| working_dir.to_path_buf());
    let run = match config::discover(&anchor) {
        Ok(None) => config::discover(working_dir),
        found => found,
    }
    .map_err(|error| print_config_error(&error))?
    .map(|(_, settings)| settings)
    .unwrap_or_default();
    Ok(Linter::new(run.with_overrides(overrides.clone())).with_discovery(overrides))
}

fn print_config_error(error: &ConfigError) -> u8 {
    let _ = std::io::stderr().write_all(render_config_error(error, false).as_bytes());
    EXIT_TROUBLE
}

/// A config error as miette shows it, with the file's bytes under the span; one without a
/// span (a file that cannot be read, two in one directory) as a line naming the file.
pub fn render_config_error(error: &ConfigError, color: bool) -> String {
    let plain = || {
        let mut out = format!("kubeharden: {}\n", safe::escape(&error.message));
        if let Some(help) = &error.help {
            out.push_str(&format!("  help: {}\n", safe::escape(help)));
        }
        out
    };
    if error.span.is_none() {
        return plain();
    }
    let handler = output::handler(color);
    let mut out = String::new();
    if handler.render_report(&mut out, error).is_err() {
        out = plain();
    }
    out
}

/// Whether human output is coloured: `--color`, then `NO_COLOR`, then `CLICOLOR_FORCE`, then
/// whether standard output is a terminal.
fn color(choice: ColorChoice) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else {
                set("CLICOLOR_FORCE") || std::io::stdout().is_terminal()
            }
        }
    }
}

/// Columns human output is wrapped at: standard output's terminal's, or [`output::WIDTH`]
/// when it is not a terminal.
fn width() -> usize {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(width, _)| usize::from(width.0))
        // A terminal that reports no size (a serial console) says 0.
        .filter(|&width| width > 0)
        .unwrap_or(output::WIDTH)
}

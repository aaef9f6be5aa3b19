//! The `kubeharden` command.
#![forbid(unsafe_code)]

mod args;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use kubeharden_rules::{Linter, Settings, Severity};

use crate::args::{Cli, Command, FailOn};

/// Exit codes of DESIGN §4.
const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_TROUBLE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_CLEAN
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(check) => run_check(&check),
    }
}

fn run_check(check: &args::Check) -> ExitCode {
    let settings = Settings {
        kubernetes_version: check.kubernetes_version,
    };
    let report = Linter::new(settings).lint_paths(&check.paths);

    let mut stdout = std::io::stdout().lock();
    let written = output::write_report(&mut stdout, &report, check).and_then(|()| stdout.flush());
    if let Err(error) = written {
        // A closed pipe (`kubeharden check . | head`) is not worth a message.
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(
                std::io::stderr(),
                "kubeharden: cannot write output: {error}"
            );
        }
        return ExitCode::from(EXIT_TROUBLE);
    }

    let mut stderr = std::io::stderr().lock();
    for error in &report.read_errors {
        let _ = writeln!(
            stderr,
            "kubeharden: cannot read {}: {}",
            error.path.display(),
            error.message
        );
    }
    if check.verbose {
        for (path, _) in report.skipped() {
            let _ = writeln!(stderr, "kubeharden: skipped template {}", path.display());
        }
    }

    let threshold = match check.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if !report.read_errors.is_empty() {
        ExitCode::from(EXIT_TROUBLE)
    } else if report.findings.iter().any(|f| f.severity >= threshold) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::from(EXIT_CLEAN)
    }
}

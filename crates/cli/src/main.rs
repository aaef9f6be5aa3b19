//! The `kubeharden` command.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 bad input or usage.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_TROUBLE: u8 = 2;

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
    let code = match cli.command {
        Command::Check(check) => commands::check::run(&check),
        Command::Rules(rules) => commands::rules::run(&rules),
        Command::Explain(explain) => commands::explain::run(&explain),
        Command::Completions(completions) => commands::completions::run(&completions),
        Command::Man => commands::man::run(),
    };
    ExitCode::from(code)
}

//! `kubeharden completions SHELL`: the shell's completion script, from the same clap
//! definitions as the command line itself.

use clap::CommandFactory;

use crate::EXIT_CLEAN;
use crate::args::{Cli, Completions};

pub fn run(completions: &Completions) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(
        completions.shell,
        &mut Cli::command(),
        "kubeharden",
        &mut script,
    );
    match super::print(&String::from_utf8_lossy(&script)) {
        Ok(()) => EXIT_CLEAN,
        Err(code) => code,
    }
}

//! Writes a generated GitOps repository: `gen-corpus DIR [FILES] [SEED]`.
//!
//! `FILES` defaults to 2000 and `SEED` to [`kubeharden_bench::DEFAULT_SEED`]. The same
//! arguments always write the same bytes. `DIR` must not exist or be empty.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen-corpus DIR [FILES] [SEED]");
        return ExitCode::from(2);
    };
    let files = args.next().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let seed = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(kubeharden_bench::DEFAULT_SEED);
    if std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
        eprintln!("gen-corpus: {} is not empty", dir.display());
        return ExitCode::from(2);
    }
    match kubeharden_bench::write_corpus(&dir, seed, files) {
        Ok(stats) => {
            println!(
                "{}: {} files, {} documents, {} bytes (seed {seed})",
                dir.display(),
                stats.files,
                stats.documents,
                stats.bytes
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("gen-corpus: {}: {error}", dir.display());
            ExitCode::FAILURE
        }
    }
}

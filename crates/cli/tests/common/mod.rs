//! What the command's tests share: running the binary as a user would (in a directory, without
//! colour), reading what it printed, and writing a tree of files to run it on.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test binary uses a part

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The repository's root: its fixtures and docs.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// This crate's test data.
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// `kubeharden ARGS...` run in `dir`, uncoloured whatever the environment says.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("kubeharden").expect("binary built");
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .args(args);
    command
}

pub fn kubeharden(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

/// A temporary directory holding `files` (path relative to it, content).
pub fn tree<C: AsRef<[u8]>>(files: &[(&str, C)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a file in the tree")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    dir
}

//! Names the commit in `--version` when the binary is built from a git checkout:
//! `kubeharden 0.1.0 (c96e3e7 2026-12-03)`, the short hash and commit date as rustc shows them.
//! Without git, or from a packaged crate (a crates.io install has no `.git`), the version is
//! the package's alone; nothing here can fail the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = env("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR").unwrap_or_default());
    let full = match commit(&manifest_dir) {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=KUBEHARDEN_VERSION={full}");
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `HASH DATE` of the checked-out commit, and the files to watch so that a new commit or
/// another branch rebuilds with its name.
fn commit(dir: &Path) -> Option<String> {
    // A packaged crate lies in no repository of its own; a repository around it (a vendor
    // directory) is not the one it was built from.
    if dir.join(".cargo_vcs_info.json").exists() {
        return None;
    }
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"])?);
    let common_dir = git(dir, &["rev-parse", "--git-common-dir"]).map(|d| dir.join(d))?;
    watch(&git_dir.join("HEAD"));
    if let Some(reference) = git(dir, &["symbolic-ref", "--quiet", "HEAD"]) {
        // A packed branch moves in `packed-refs`. A path that does not exist would make
        // cargo rerun this script on every build.
        let loose = common_dir.join(&reference);
        let packed = common_dir.join("packed-refs");
        for path in [loose, packed].iter().filter(|path| path.exists()) {
            watch(path);
        }
    }
    git(dir, &["log", "-1", "--date=short", "--format=%h %cd"])
}

fn watch(path: &Path) {
    println!("cargo:rerun-if-changed={}", path.display());
}

/// The trimmed output of a successful `git ARGS` in `dir`, if git is there and it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}

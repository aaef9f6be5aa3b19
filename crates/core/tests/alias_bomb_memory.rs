//! The alias bomb must be refused without building what it asks for. This is its own test
//! binary so the process's peak memory belongs to this test alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use kubeharden_core::yaml::{LoadErrorKind, load};

#[test]
fn key_alias_bomb_is_refused_in_bounded_memory() {
    let mut text = String::from("a0: &a0 x\n");
    for level in 1..=10 {
        let items = vec![format!("{{? *a{} : 0}}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    assert!(text.len() < 2048);

    let error = load(&text).expect_err("refused");
    assert_eq!(error.kind, LoadErrorKind::TooManyNodes);

    if let Some(peak_kib) = peak_memory_kib() {
        assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB");
    }
}

/// The process's peak resident set (`VmHWM`), where the OS tells it.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

//! A file of many small documents is read one document at a time: memory stays near the size
//! of the text, not the size of every document's tree at once (about 1.2 KiB each). This is
//! its own test binary so the process's peak memory belongs to this test alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use kubeharden_core::{InventoryBuilder, InventoryOptions, SourceFile};

#[test]
fn many_documents_are_read_in_bounded_memory() {
    let count = 50_000;
    let text: String = (0..count)
        .map(|i| {
            format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: v\n"
            )
        })
        .collect();
    let text_kib = u64::try_from(text.len() / 1024).unwrap();

    let mut builder = InventoryBuilder::new(InventoryOptions::default());
    builder.add_file(SourceFile::new("many.yaml", text));
    let inventory = builder.build();
    assert!(inventory.problems().is_empty());

    // All the trees at once would take about 60 MiB on top of the text.
    if let Some(peak_kib) = peak_memory_kib() {
        assert!(
            peak_kib < 3 * text_kib + 24 * 1024,
            "peak memory {peak_kib} KiB for {text_kib} KiB of text"
        );
    }
}

/// The process's peak resident set (`VmHWM`), where the OS tells it.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

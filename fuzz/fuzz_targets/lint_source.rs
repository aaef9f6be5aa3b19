//! Fuzzes the library's single-file entry point, `Linter::lint_source`.
//!
//! The first byte picks the file name (and so how the file is read: YAML, systemd unit,
//! drop-in, env file); the rest, if UTF-8, is the text. Beyond "no panic, no abort, no hang",
//! it checks what every caller relies on: spans and fix edits inside the file and on character
//! boundaries, and the same input giving the same findings.
#![no_main]

use std::path::Path;

use kubeharden_rules::{Linter, Settings};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "manifests/kube-apiserver.yaml",
    "etc/systemd/system/kubelet.service",
    "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
    "var/lib/kubelet/kubeadm-flags.env",
    "etc/default/kubelet",
    "var/lib/kubelet/config.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let path = Path::new(NAMES[usize::from(selector) % NAMES.len()]);
    let linter = Linter::new(Settings::default());
    let report = linter.lint_source(path, text);
    for finding in &report.findings {
        let file = report.file(finding.file);
        let text = file.text();
        let span = finding.span;
        assert!(span.start <= span.end && span.end <= text.len(), "{finding:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let _ = file.line_col(span.start);
        let _ = file.line_col(span.end);
        if let Some(fix) = &finding.fix {
            for edit in &fix.edits {
                let e = edit.span;
                assert!(e.start <= e.end && e.end <= text.len(), "{fix:?}");
                assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            }
        }
    }
    let again = linter.lint_source(path, text);
    assert_eq!(report.findings, again.findings, "same input, same findings");
});

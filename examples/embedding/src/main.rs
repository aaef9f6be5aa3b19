//! Lints a KubeletConfiguration held in memory, prints each finding with its position, applies
//! the safe fixes, and prints the report as JSON: what a tool embedding kubeharden does.

use std::path::Path;

use kubeharden_rules::apply::apply_fixes;
use kubeharden_rules::{Linter, Report, Settings, SourceFile, Span};

const CONFIG: &str = "\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 10255
";

/// `path:line:col` of a span's start.
fn position(file: &SourceFile, span: Span) -> String {
    let at = file.line_col(span.start);
    format!("{}:{}:{}", file.path().display(), at.line, at.column)
}

/// One line per finding: position, code, severity, message.
fn summary(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|finding| {
            let file = report.file(finding.file);
            format!(
                "{}: {} [{}] {}",
                position(file, finding.span),
                finding.code,
                finding.severity,
                finding.message
            )
        })
        .collect()
}

/// The text with every safe fix applied.
fn fixed(report: &Report, text: &str) -> String {
    let findings: Vec<_> = report.findings.iter().collect();
    apply_fixes(text, &findings, false).new_text
}

fn main() -> Result<(), serde_json::Error> {
    let linter = Linter::new(Settings::default());
    let report = linter.lint_source(Path::new("config.yaml"), CONFIG);
    for line in summary(&report) {
        println!("{line}");
    }
    println!("--- with the safe fixes:\n{}", fixed(&report, CONFIG));
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Linter::new(Settings::default()).lint_source(Path::new("config.yaml"), CONFIG)
    }

    #[test]
    fn findings_have_positions_and_fixes() {
        let report = report();
        assert!(
            summary(&report)
                .contains(&"config.yaml:3:15: KLET005 [error] `readOnlyPort` is `10255`".to_owned()),
            "{:?}",
            summary(&report)
        );
        assert!(fixed(&report, CONFIG).contains("readOnlyPort: 0\n"));
    }

    #[test]
    fn the_report_serializes() {
        let json = serde_json::to_value(report()).unwrap();
        assert_eq!(json["files"], serde_json::json!(["config.yaml"]));
        let finding = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "KLET005")
            .unwrap();
        assert_eq!(finding["severity"], "error");
        assert_eq!(finding["component"], "kubelet");
        assert_eq!(finding["file"], 0);
        assert_eq!(finding["span"], serde_json::json!({"start": 83, "end": 88}));
        assert_eq!(finding["fix"]["applicability"], "safe");
        assert_eq!(finding["fix"]["edits"][0]["replacement"], "0");
        assert_eq!(json["read_errors"], serde_json::json!([]));
        assert_eq!(json["config_errors"], serde_json::json!([]));
    }
}

use kubeharden_core::Inventory;
use kubeharden_core::inventory::{FileKind, InputProblemKind};
use kubeharden_core::source::DecodeErrorKind;
use kubeharden_core::yaml::LoadErrorKind;

use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a file kubeharden cannot read as YAML: a syntax error, a key repeated in one
    /// mapping, nesting or aliases beyond the loader's limits, bytes that are not UTF-8, a file
    /// over the size limit, or a `sh -c` script whose quotes do not close.
    ///
    /// ## Why is this bad?
    /// Kubernetes rejects the same file: the kubelet skips a static pod manifest it cannot
    /// decode, so the component silently does not start, and strict decoders refuse objects
    /// with duplicate keys. kubeharden also cannot check anything in it, so a broken file would
    /// otherwise pass unseen.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - command:
    ///     - kube-apiserver
    ///    - --anonymous-auth=false
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - command:
    ///     - kube-apiserver
    ///     - --anonymous-auth=false
    /// ```
    ///
    /// ## Notes
    /// Files with Go-template markup (`{{ ... }}` outside comments), such as Helm chart
    /// templates, are not YAML until rendered; they are skipped, not reported.
    pub InvalidYaml,
    code = "KGEN001",
    name = "invalid-yaml",
    category = Correctness,
    target = "any",
    summary = "the file cannot be read as YAML",
}

impl Rule for InvalidYaml {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for problem in inventory.problems() {
            let location = problem.location;
            match &problem.kind {
                InputProblemKind::Decode(kind) => {
                    let (message, label, help) = decode_error_text(kind);
                    findings.report(location, message).label(label).help(help);
                }
                InputProblemKind::Load(kind) => {
                    let (message, mut label, help) = load_error_text(kind);
                    let text = inventory.file(problem.location.file()).text();
                    if matches!(kind, LoadErrorKind::Syntax(_))
                        && problem.location.span().end >= text.trim_end().len()
                    {
                        label = "the file ends after this";
                    }
                    findings.report(location, message).label(label).help(help);
                }
                InputProblemKind::DuplicateKey { key, first } => {
                    let first_at = inventory.file(first.file()).line_col(first.span().start);
                    findings
                        .report(location, format!("duplicate key `{key}`"))
                        .label("repeated here")
                        .help(format!("remove one of the two `{key}` keys"))
                        .note(format!(
                            "first set at line {}; Kubernetes' strict decoding rejects the object, lenient decoding keeps the last value",
                            first_at.line
                        ));
                }
                InputProblemKind::Shell(message) => {
                    let what = match inventory.kind(location.file()) {
                        FileKind::MicroK8sArgs => "the args file",
                        _ => "the `sh -c` script",
                    };
                    findings
                        .report(location, format!("cannot split {what}: {message}"))
                        .label("here")
                        .help("close the quote, or check the script with `sh -n`");
                }
            }
        }
    }
}

fn load_error_text(kind: &LoadErrorKind) -> (String, &'static str, &'static str) {
    match kind {
        LoadErrorKind::Syntax(message) => (
            format!("invalid YAML: {message}"),
            "here",
            "fix the syntax; `kubectl apply --dry-run=client -f FILE` shows the same error",
        ),
        LoadErrorKind::TooDeep | LoadErrorKind::TooManyNodes | LoadErrorKind::RecursiveAlias => (
            format!("YAML not loaded: {kind}"),
            "limit reached here",
            "write the data out without deep nesting or alias chains",
        ),
        LoadErrorKind::TooLarge { size } => {
            decode_error_text(&DecodeErrorKind::TooLarge {
                size: u64::try_from(*size).unwrap_or(u64::MAX),
            })
        }
    }
}

fn decode_error_text(kind: &DecodeErrorKind) -> (String, &'static str, &'static str) {
    match kind {
        DecodeErrorKind::TooLarge { .. } => (
            format!("file not loaded: {kind}"),
            "file starts here",
            "split the file; no Kubernetes object is this large",
        ),
        DecodeErrorKind::InvalidUtf8 => (
            "file is not valid UTF-8".to_owned(),
            "first invalid byte",
            "save the file as UTF-8",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver};

    #[test]
    fn cases() {
        Tester::new(&InvalidYaml, "manifest.yaml")
            .pass([
                apiserver(&["--v=2"]),
                "a: [1, 2]\n---\nb: {c: d}\n".to_owned(),
                // Indentation is only wrong where it changes the structure.
                "a:\n    b: 1\n    c: 2\n".to_owned(),
            ])
            .fail([
                "a: [1, 2\n".to_owned(),
                "a: b\n  c: d\ne: f\n".to_owned(),
                "metadata:\n  name: a\n  name: b\n".to_owned(),
                apiserver(&["--v=2"]).replace(
                    "    command:\n    - kube-apiserver\n",
                    "    command:\n    - sh\n    - -c\n    - \"kube-apiserver '--v=2\"\n",
                ),
            ])
            .test_and_snapshot();
    }
}

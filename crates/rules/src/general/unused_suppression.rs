//! KGEN007 has no check of its own: the linter reports it after every check ran, from the
//! suppression comments it applied (`suppression::report_unused`).

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# kubeharden: ignore[...]` or `# kubeharden: ignore-file[...]` comment, or
    /// one item of its list, that suppresses nothing: no finding of that rule starts on the
    /// line it covers (or anywhere in the file, for `ignore-file`), the item names no rule, or
    /// the comment names no rule at all.
    ///
    /// `ignore[...]` at the end of a line covers that line; on a line of its own it covers the
    /// next line that is not a comment. Items are rule codes or names, separated by commas.
    /// Rules the run does not check on that file (left out by `--select`, `--ignore` or
    /// `per-file-ignores`) are not judged.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the reason for it: once the flag is fixed, the comment stays
    /// and would silently hide the same problem if it came back. A misspelt code suppresses
    /// nothing while looking as if it did.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --anonymous-auth=false  # kubeharden: ignore[apiserver-anonymous-auth-enabled]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --anonymous-auth=false
    /// ```
    ///
    /// ## Notes
    /// Comments are found line by line: a `#` inside a quoted string on the same line is not
    /// a comment, but one inside a multi-line quoted string or a block scalar is taken for
    /// one. In systemd units and env files only whole-line comments count.
    pub UnusedSuppression,
    code = "KGEN007",
    name = "unused-suppression",
    category = Hardening,
    target = "any",
    summary = "an inline suppression comment suppresses nothing",
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Tester, apiserver};

    #[test]
    fn cases() {
        let insecure = "--anonymous-auth=true";
        // Without an authorizer the apiserver turns anonymous requests off by itself.
        let apiserver =
            |flags: &[&str]| apiserver(&[&["--authorization-mode=Node,RBAC"], flags].concat());
        // A comment on a line of its own above the flag.
        let above = |comments: &str, flags: &[&str]| {
            apiserver(flags).replace(
                &format!("    - {}\n", flags[flags.len() - 1]),
                &format!("{comments}    - {}\n", flags[flags.len() - 1]),
            )
        };
        Tester::new(&UnusedSuppression, "kube-apiserver.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&[&format!("{insecure}  # kubeharden: ignore[KAPI003]")]),
                apiserver(&[&format!(
                    "{insecure}  # kubeharden: ignore[apiserver-anonymous-auth-enabled]"
                )]),
                above(
                    "    # kubeharden: ignore[kapi003]\n    # why: a lab cluster\n",
                    &[insecure],
                ),
                format!(
                    "# kubeharden: ignore-file[KAPI003]\n{}",
                    apiserver(&[insecure])
                ),
                // Not comments.
                apiserver(&["\"--v=2 # kubeharden: ignore[KAPI001]\""]),
                "data:\n  note: '# kubeharden: ignore[KAPI001]'\n".to_owned(),
            ])
            .fail([
                apiserver(&["--anonymous-auth=false  # kubeharden: ignore[KAPI003]"]),
                apiserver(&[&format!(
                    "{insecure}  # kubeharden: ignore[KAPI003, KAPI001]"
                )]),
                apiserver(&[&format!("{insecure}  # kubeharden: ignore[KAPI03]")]),
                // The line below has no such finding.
                apiserver(&["--v=2"]).replace(
                    "    - --v=2\n",
                    "    # kubeharden: ignore[KAPI003]\n    - --v=2\n",
                ),
                format!("# kubeharden: ignore-file[KETC001]\n{}", apiserver(&[])),
                apiserver(&["--v=2  # kubeharden: ignore"]),
            ])
            .expect_fix([
                // The whole comment, with the blanks before it.
                (
                    apiserver(&["--anonymous-auth=false  # kubeharden: ignore[KAPI003]"]),
                    apiserver(&["--anonymous-auth=false"]),
                ),
                // Only the items that suppress nothing.
                (
                    apiserver(&[&format!(
                        "{insecure}  # kubeharden: ignore[KAPI003, KAPI001]"
                    )]),
                    apiserver(&[&format!("{insecure}  # kubeharden: ignore[KAPI003]")]),
                ),
                // A comment on a line of its own: the line.
                (
                    format!("# kubeharden: ignore-file[KETC001]\n{}", apiserver(&[])),
                    apiserver(&[]),
                ),
            ])
            .test_and_snapshot();
    }
}

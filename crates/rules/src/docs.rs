//! Rule documentation, from each rule's doc comment: `kubeharden explain`, `kubeharden rules`
//! and the generated `docs/rules/` pages all come from here.

use std::fmt::Write as _;

use crate::registry;
use crate::rule::Meta;
use crate::seed::SEED;

/// The doc comment as Markdown: rustdoc keeps the space after `///`; drop it.
#[must_use]
pub fn body(meta: &Meta) -> String {
    meta.docs
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// `kubeharden explain CODE --format markdown`, and `docs/rules/CODE.md`.
#[must_use]
pub fn markdown(meta: &Meta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", meta.code, meta.name);
    let _ = writeln!(out, "> {}\n", meta.summary);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Code | `{}` |", meta.code);
    let _ = writeln!(out, "| Name | `{}` |", meta.name);
    let _ = writeln!(out, "| Section | {} |", meta.section().title());
    let _ = writeln!(out, "| Target | {} |", meta.target);
    let _ = writeln!(
        out,
        "| Category | {} (default severity: {}) |",
        meta.category.as_str(),
        meta.default_severity()
    );
    if meta.opt_in {
        let _ = writeln!(out, "| Runs | {OPT_IN} |");
    }
    out.push('\n');
    out.push_str(&body(meta));
    out.push('\n');
    out
}

/// `kubeharden explain CODE` for a terminal.
#[must_use]
pub fn text(meta: &Meta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}): {}\n", meta.code, meta.name, meta.summary);
    let _ = writeln!(
        out,
        "Section: {}   Target: {}   Category: {} (default severity: {})\n",
        meta.section().title(),
        meta.target,
        meta.category.as_str(),
        meta.default_severity()
    );
    if meta.opt_in {
        let _ = writeln!(out, "Runs: {OPT_IN}\n");
    }
    out.push_str(&body(meta));
    out.push('\n');
    out
}

/// How an opt-in rule is turned on, for its documentation.
const OPT_IN: &str =
    "only when selected (opt-in): `--select` or `select` names its code, name, a prefix or `ALL`";

/// `docs/rules/README.md`: every rule, then which rule enforces each recommendation of the
/// seed document.
#[must_use]
pub fn index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rules' own documentation; do not edit by hand \
         (`UPDATE_DOCS=1 cargo test -p kubeharden-rules docs_are_up_to_date` rewrites it).\n\n\
         | Code | Name | Section | Target | Category | Summary |\n|---|---|---|---|---|---|\n",
    );
    for meta in registry::metas() {
        let _ = writeln!(
            out,
            "| [{code}]({code}.md) | `{}` | {} | {} | {}{} | {} |",
            meta.name,
            meta.section().title(),
            meta.target,
            meta.category.as_str(),
            if meta.opt_in { " (opt-in)" } else { "" },
            meta.summary,
            code = meta.code,
        );
    }
    out.push_str(
        "\n## Seed coverage\n\nEvery recommendation of the secure-configuration seed document \
         (✅ recommended, ❌ not recommended) and the rules that enforce it.\n\n\
         | Section | | Recommendation | Enforced by |\n|---|---|---|---|\n",
    );
    for item in SEED {
        let codes: Vec<String> = item
            .codes
            .iter()
            .map(|code| format!("[{code}]({code}.md)"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            item.section.title(),
            item.mark.symbol(),
            item.text,
            codes.join(", ")
        );
    }
    out
}

/// The first fenced block under `## Example`, and the first after `Use instead:`.
#[must_use]
pub fn examples(meta: &Meta) -> (Option<String>, Option<String>) {
    let body = body(meta);
    let after = |marker: &str| {
        let start = body.find(marker)? + marker.len();
        fenced_block(&body[start..])
    };
    (after("## Example"), after("Use instead:"))
}

fn fenced_block(text: &str) -> Option<String> {
    let open = text.find("```")?;
    let rest = &text[open + 3..];
    let content_start = rest.find('\n')? + 1;
    let close = rest[content_start..].find("```")?;
    Some(rest[content_start..content_start + close].to_owned())
}

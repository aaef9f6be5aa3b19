//! `kubeharden rules`: the catalog, from the rules' own metadata.

use std::fmt::Write as _;

use kubeharden_rules::{Meta, docs, registry};
use serde::Serialize;

use crate::EXIT_CLEAN;
use crate::args::{Rules, RulesFormat};

#[derive(Serialize)]
pub struct RuleJson {
    code: &'static str,
    name: &'static str,
    section: &'static str,
    target: &'static str,
    category: &'static str,
    severity: &'static str,
    summary: &'static str,
    /// Whether the rule runs only when selected.
    opt_in: bool,
}

impl RuleJson {
    pub fn new(meta: &Meta) -> Self {
        Self {
            code: meta.code,
            name: meta.name,
            section: meta.section().as_str(),
            target: meta.target,
            category: meta.category.as_str(),
            severity: meta.default_severity().as_str(),
            summary: meta.summary,
            opt_in: meta.opt_in,
        }
    }
}

pub fn run(rules: &Rules) -> u8 {
    let text = match rules.format {
        RulesFormat::Table => table(),
        RulesFormat::Markdown => docs::index(),
        RulesFormat::Json => {
            let all: Vec<RuleJson> = registry::metas().map(RuleJson::new).collect();
            serde_json::to_string_pretty(&all).unwrap_or_default() + "\n"
        }
    };
    match super::print(&text) {
        Ok(()) => EXIT_CLEAN,
        Err(code) => code,
    }
}

fn table() -> String {
    let metas: Vec<&Meta> = registry::metas().collect();
    let name_width = metas.iter().map(|m| m.name.len()).max().unwrap_or(4);
    let section_width = metas
        .iter()
        .map(|m| m.section().as_str().len())
        .max()
        .unwrap_or(7);
    let target_width = metas.iter().map(|m| m.target.len()).max().unwrap_or(6);
    let mut out = format!(
        "{:<7}  {:<name_width$}  {:<section_width$}  {:<target_width$}  {:<11}  {:<8}  {:<7}  SUMMARY\n",
        "CODE", "NAME", "SECTION", "TARGET", "CATEGORY", "SEVERITY", "DEFAULT"
    );
    for meta in metas {
        let _ = writeln!(
            out,
            "{:<7}  {:<name_width$}  {:<section_width$}  {:<target_width$}  {:<11}  {:<8}  {:<7}  {}",
            meta.code,
            meta.name,
            meta.section().as_str(),
            meta.target,
            meta.category.as_str(),
            meta.default_severity().as_str(),
            if meta.opt_in { "opt-in" } else { "on" },
            meta.summary
        );
    }
    out
}

//! `kubeharden explain CODE|NAME`: one rule's documentation.

use std::io::Write;

use kubeharden_rules::{docs, registry};
use serde::Serialize;

use crate::args::{Explain, ExplainFormat};
use crate::commands::rules::RuleJson;
use crate::{EXIT_CLEAN, EXIT_TROUBLE};

#[derive(Serialize)]
struct ExplainJson {
    #[serde(flatten)]
    rule: RuleJson,
    docs: String,
}

pub fn run(explain: &Explain) -> u8 {
    let Some(meta) = registry::find(&explain.rule) else {
        let mut message = format!("kubeharden: no rule `{}`", explain.rule);
        if let Some(suggestion) = registry::suggest(&explain.rule) {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        message.push_str("\nrun `kubeharden rules` for the list");
        let _ = writeln!(std::io::stderr(), "{message}");
        return EXIT_TROUBLE;
    };
    let text = match explain.format {
        ExplainFormat::Text => docs::text(meta),
        ExplainFormat::Markdown => docs::markdown(meta),
        ExplainFormat::Json => {
            let json = ExplainJson {
                rule: RuleJson::new(meta),
                docs: docs::body(meta),
            };
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
    };
    match super::print(&text) {
        Ok(()) => EXIT_CLEAN,
        Err(code) => code,
    }
}

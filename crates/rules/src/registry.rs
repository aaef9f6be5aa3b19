//! Every rule, and lookup by code or name.

use crate::general;
use crate::rule::{Meta, Rule};

/// All rules, in code order.
pub static RULES: &[&dyn Rule] = &[&general::InvalidYaml];

/// Codes that were retired. They are never reused for another rule.
pub const RETIRED: &[&str] = &[];

/// The rule with this code (`KAPI001`) or name (`insecure-port-enabled`), case-insensitively.
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(code_or_name) || meta.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Every rule's metadata, in code order.
pub fn metas() -> impl Iterator<Item = &'static Meta> {
    RULES.iter().map(|rule| rule.meta())
}

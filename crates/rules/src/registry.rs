//! Every rule, section by section, and lookup by code or name.
//!
//! A rule is registered in its section's `mod.rs` (`RULES`, in code order); a section is one
//! line of the `sections!` invocation in `lib.rs`.

use crate::rule::{Meta, Registered, Rule};

/// Declares the catalog's sections, one line each, in the seed document's order: the section's
/// module (`crates/rules/src/<module>/mod.rs`, whose `RULES` lists its rules in code order),
/// its [`Section`] variant, the letters after the `K` of its codes, its name in output and its
/// heading. Adding a section is one line in `lib.rs` and its module.
macro_rules! sections {
    ($($module:ident: $variant:ident, $prefix:literal, $name:literal, $title:literal;)+) => {
        $(mod $module;)+

        /// The seed document's section a rule belongs to, from its code's prefix.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum Section {
            $($variant,)+
        }

        /// Every section, in the order of [`Section`]'s variants.
        static SECTIONS: &[$crate::registry::SectionEntry] = &[
            $($crate::registry::SectionEntry {
                section: Section::$variant,
                prefix: $prefix,
                name: $name,
                title: $title,
                rules: $module::RULES,
            },)+
        ];
    };
}
pub(crate) use sections;

use crate::{SECTIONS, Section};

/// What the catalog knows of one section.
#[derive(Debug)]
pub(crate) struct SectionEntry {
    pub(crate) section: Section,
    /// The letters after the `K` of its codes: `API` in `KAPI001`.
    pub(crate) prefix: &'static str,
    /// As output names it; with `_` for `-`, its module's name.
    pub(crate) name: &'static str,
    /// The seed document's heading.
    pub(crate) title: &'static str,
    pub(crate) rules: &'static [Registered],
}

impl Section {
    /// The section of a code (`KAPI001` -> `ApiServer`).
    #[must_use]
    pub fn of_code(code: &str) -> Option<Self> {
        let prefix = code.get(1..4)?;
        SECTIONS
            .iter()
            .find(|entry| entry.prefix == prefix)
            .map(|entry| entry.section)
    }

    /// As output names it: `api-server`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.entry().name
    }

    /// The seed document's heading for the section.
    #[must_use]
    pub fn title(self) -> &'static str {
        self.entry().title
    }

    fn entry(self) -> &'static SectionEntry {
        &SECTIONS[self as usize]
    }
}

/// Every rule, by section in the seed document's order (API server, kubelet, etcd,
/// Dashboard, then general), and by code within a section.
fn registered() -> impl Iterator<Item = Registered> {
    SECTIONS
        .iter()
        .flat_map(|entry| entry.rules.iter().copied())
}

/// The checks the linter runs over the inventory, in registry order.
pub(crate) fn checks() -> impl Iterator<Item = &'static dyn Rule> {
    registered().filter_map(|rule| match rule {
        Registered::Check(rule) => Some(rule),
        Registered::LinterPass(_) => None,
    })
}

/// Codes that were retired. They are never reused for another rule.
pub const RETIRED: &[&str] = &[];

/// The rule with this code (`KAPI001`) or name (`insecure-port-enabled`), case-insensitively.
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static Meta> {
    metas().find(|meta| {
        meta.code.eq_ignore_ascii_case(code_or_name) || meta.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The closest code or name to `wanted`, if it is close enough to be what was meant.
#[must_use]
pub fn suggest(wanted: &str) -> Option<&'static str> {
    let wanted = wanted.to_ascii_lowercase();
    metas()
        .flat_map(|meta| [meta.code, meta.name])
        .map(|candidate| {
            (
                strsim::jaro_winkler(&wanted, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Every rule's metadata: by section in the seed document's order, by code within a section.
pub fn metas() -> impl Iterator<Item = &'static Meta> {
    registered().map(Registered::meta)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use super::*;
    use crate::docs;
    use crate::seed::SEED;
    use crate::testing::{check_files, render};

    fn pascal(name: &str) -> String {
        name.split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
            })
            .collect()
    }

    #[test]
    fn sections_are_in_variant_order() {
        for (index, entry) in SECTIONS.iter().enumerate() {
            assert_eq!(entry.section as usize, index, "{}", entry.name);
            assert_eq!(entry.section.as_str(), entry.name);
        }
    }

    #[test]
    fn identities_agree() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        let mut previous: Option<(Section, &str)> = None;
        for rule in registered() {
            let meta = rule.meta();
            let code = meta.code;
            assert!(codes.insert(code), "{code} twice");
            assert!(names.insert(meta.name), "{} twice", meta.name);
            let section = Section::of_code(code).unwrap_or_else(|| panic!("{code}: bad prefix"));
            if let Some((previous_section, previous_code)) = previous {
                assert!(
                    (previous_section, previous_code) < (section, code),
                    "{code} out of order: sections in seed order, codes ascending within one"
                );
            }
            previous = Some((section, code));
            assert!(
                code.len() == 7
                    && code.starts_with('K')
                    && code[4..].bytes().all(|b| b.is_ascii_digit()),
                "{code} is not K(API|LET|ETC|DSH|GEN)NNN"
            );
            assert!(!RETIRED.contains(&code), "{code} is retired");
            // kubeharden_rules::<module>::<file stem>::<Struct>
            let path: Vec<&str> = rule.type_name().split("::").collect();
            assert_eq!(path.len(), 4, "{}", rule.type_name());
            assert_eq!(
                path[1],
                section.as_str().replace('-', "_"),
                "{code} lives in the wrong module"
            );
            assert_eq!(path[2], meta.name.replace('-', "_"), "{code}: file stem");
            assert_eq!(path[3], pascal(meta.name), "{code}: struct name");
            assert!(
                meta.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}: not kebab-case",
                meta.name
            );
            assert!(
                !meta.summary.ends_with('.'),
                "{code}: summary ends with a period"
            );
            assert_eq!(find(code).map(|m| m.code), Some(code));
            assert_eq!(find(meta.name).map(|m| m.code), Some(code));
        }
    }

    #[test]
    fn docs_have_every_section() {
        for meta in metas() {
            let body = docs::body(meta);
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "Use instead:",
                "## References",
            ] {
                if meta.section() == Section::General && heading == "## References" {
                    continue;
                }
                assert!(body.contains(heading), "{}: no `{heading}`", meta.code);
            }
        }
    }

    #[test]
    fn examples_fire_and_fixed_examples_do_not() {
        for meta in metas() {
            let (bad, good) = docs::examples(meta);
            let bad = bad.unwrap_or_else(|| panic!("{}: no example", meta.code));
            let good = good.unwrap_or_else(|| panic!("{}: no `Use instead:` example", meta.code));
            let report = check_files(meta, &[("example.yaml", &bad)]);
            assert!(
                !report.findings.is_empty(),
                "{}: its example does not fire",
                meta.code
            );
            let report = check_files(meta, &[("example.yaml", &good)]);
            assert!(
                report.findings.is_empty(),
                "{}: its `Use instead:` example fires:\n{}",
                meta.code,
                render(&report)
            );
        }
    }

    /// Every rule has a [`crate::testing::Tester`], whose fail cases render into its snapshot.
    #[test]
    fn every_rule_has_a_snapshot() {
        let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots");
        for meta in metas() {
            assert!(
                snapshots.join(format!("{}.snap", meta.code)).is_file(),
                "{}: no snapshot: give the rule a `Tester`",
                meta.code
            );
        }
    }

    /// Rules report at the locations of the values they read: no rule derives a location
    /// (`Location::within` is for fix edits, `Inventory::locate` for text-scanning passes), so
    /// a value from an environment file cannot be reported in the unit that loads it.
    #[test]
    fn rules_never_derive_a_location() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in SECTIONS {
            let dir = src.join(entry.name.replace('-', "_"));
            for file in std::fs::read_dir(&dir).expect("section directory") {
                let path = file.expect("readable").path();
                let text = std::fs::read_to_string(&path).expect("rule source");
                for door in [".within(", ".locate("] {
                    assert!(
                        !text.contains(door),
                        "{}: `{door}` in a rule: report at a located value instead",
                        path.display()
                    );
                }
            }
        }
    }

    #[test]
    fn seed_recommendations_name_real_rules() {
        for item in SEED {
            assert!(!item.codes.is_empty(), "{}", item.text);
            for code in item.codes {
                assert!(
                    find(code).is_some(),
                    "seed item `{}` names unknown {code}",
                    item.text
                );
            }
        }
    }
}

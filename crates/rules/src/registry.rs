//! Every rule, and lookup by code or name.

use crate::rule::{Meta, Rule};
#[allow(unused_imports)] // until every section has rules
use crate::{api_server, dashboard, etcd, general, kubelet};

/// All rules: by section in the seed document's order (API server, kubelet, etcd,
/// Dashboard, then general), and by code within a section.
pub static RULES: &[&dyn Rule] = &[
    // api-server
    &api_server::InsecurePortEnabled,
    &api_server::InsecureBindAddressSet,
    &api_server::ApiserverAnonymousAuthEnabled,
    &api_server::ApiserverAuthorizationAlwaysAllow,
    // kubelet
    &kubelet::KubeletAnonymousAuthEnabled,
    &kubelet::KubeletClientCertMissing,
    &kubelet::KubeletAuthorizationAlwaysAllow,
    &kubelet::NodeRestrictionDisabled,
    &kubelet::KubeletReadOnlyPortEnabled,
    &kubelet::NodeAuthorizerMissing,
    &kubelet::KubeletClientCaMissing,
    // etcd
    &etcd::EtcdTlsMissing,
    &etcd::EtcdClientCertAuthDisabled,
    &etcd::EtcdTrustedCaMissing,
    &etcd::EtcdAutoTlsEnabled,
    &etcd::EtcdPeerClientCertAuthDisabled,
    &etcd::EtcdPeerAutoTlsEnabled,
    &etcd::EtcdPeerTlsMissing,
    &etcd::ApiserverEtcdCaMissing,
    &etcd::ApiserverEtcdClientCertMissing,
    &etcd::EtcdPlaintextUrl,
    &etcd::EtcdCaSharedWithCluster,
    // dashboard
    &dashboard::DashboardSkipLoginEnabled,
    &dashboard::DashboardInsecureLoginEnabled,
    &dashboard::RbacAuthorizationDisabled,
    &dashboard::DashboardServiceAccountPrivileged,
    &dashboard::DashboardExposed,
    // general
    &general::InvalidYaml,
    &general::InvalidFlagValue,
    &general::DuplicateFlag,
    &general::ConflictingFlags,
    &general::RemovedFlag,
    &general::UnusedSuppression,
];

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

/// Every rule's metadata, in [`RULES`] order.
pub fn metas() -> impl Iterator<Item = &'static Meta> {
    RULES.iter().map(|rule| rule.meta())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::docs;
    use crate::rule::Section;
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

    fn module_of(section: Section) -> &'static str {
        match section {
            Section::ApiServer => "api_server",
            Section::Kubelet => "kubelet",
            Section::Etcd => "etcd",
            Section::Dashboard => "dashboard",
            Section::General => "general",
        }
    }

    #[test]
    fn identities_agree() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        let mut previous: Option<(Section, &str)> = None;
        for rule in RULES {
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
                module_of(section),
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
            assert_eq!(find(code).map(|r| r.meta().code), Some(code));
            assert_eq!(find(meta.name).map(|r| r.meta().code), Some(code));
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
        for rule in RULES {
            let meta = rule.meta();
            let (bad, good) = docs::examples(meta);
            let bad = bad.unwrap_or_else(|| panic!("{}: no example", meta.code));
            let good = good.unwrap_or_else(|| panic!("{}: no `Use instead:` example", meta.code));
            let (_, findings) = check_files(*rule, &[("example.yaml", &bad)]);
            assert!(
                !findings.is_empty(),
                "{}: its example does not fire",
                meta.code
            );
            let (inventory, findings) = check_files(*rule, &[("example.yaml", &good)]);
            assert!(
                findings.is_empty(),
                "{}: its `Use instead:` example fires:\n{}",
                meta.code,
                render(&inventory, &findings)
            );
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

    fn docs_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
    }

    /// `docs/rules/` is exactly what `kubeharden explain CODE --format markdown` prints.
    #[test]
    fn docs_are_up_to_date() {
        let mut expected: Vec<(PathBuf, String)> = metas()
            .map(|meta| {
                (
                    docs_dir().join(format!("{}.md", meta.code)),
                    docs::markdown(meta),
                )
            })
            .collect();
        expected.push((docs_dir().join("README.md"), docs::index()));
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(docs_dir()).unwrap();
            for (path, text) in &expected {
                std::fs::write(path, text).unwrap();
            }
        }
        let mut stale = Vec::new();
        for (path, text) in &expected {
            if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        let listed: HashSet<PathBuf> = expected.iter().map(|(p, _)| p.clone()).collect();
        for entry in std::fs::read_dir(docs_dir()).unwrap() {
            let path = entry.unwrap().path();
            if !listed.contains(&path) {
                stale.push(format!("{} (no such rule)", path.display()));
            }
        }
        assert!(
            stale.is_empty(),
            "stale rule docs: {stale:?}\nregenerate with: UPDATE_DOCS=1 cargo test -p kubeharden-rules docs_are_up_to_date"
        );
    }
}

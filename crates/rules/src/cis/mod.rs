//! The CIS Kubernetes Benchmark: its releases, which release was written for which
//! Kubernetes release, the controls of each release, and which rules decide them.
//!
//! A benchmark release renumbers its recommendations and changes some of their tests (the
//! cipher suites it accepts, file-mode thresholds), so everything that speaks of a CIS
//! recommendation names the release it means. A recommendation has a concept key
//! (`apiserver.profiling`) that stays the same across releases; rules name the keys they
//! decide (`declare_rule!`'s `cis = [...]`), and a release's table gives each key its id there.

use std::fmt;
use std::str::FromStr;

use kubeharden_core::version::KubeVersion;

use crate::Meta;

mod concepts;
#[rustfmt::skip]
mod controls;

pub use concepts::{Concept, Decidability, NOT_YET_COVERED, component, concept, decidability};

/// A release of the CIS Kubernetes Benchmark that kubeharden knows, oldest first.
///
/// ```
/// use kubeharden_rules::cis::Benchmark;
/// use kubeharden_rules::KubeVersion;
///
/// assert_eq!("cis-1.12".parse::<Benchmark>(), Ok(Benchmark::Cis1_12));
/// assert_eq!(Benchmark::Cis1_12.to_string(), "cis-1.12");
/// assert_eq!(Benchmark::for_kubernetes(KubeVersion::new(1, 30)), Some(Benchmark::Cis1_11));
/// assert!(Benchmark::Cis1_6 < Benchmark::Cis1_20 && Benchmark::Cis1_24 < Benchmark::Cis1_7);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Benchmark {
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.6"))]
    Cis1_6,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.20"))]
    Cis1_20,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.23"))]
    Cis1_23,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.24"))]
    Cis1_24,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.7"))]
    Cis1_7,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.8"))]
    Cis1_8,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.9"))]
    Cis1_9,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.10"))]
    Cis1_10,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.11"))]
    Cis1_11,
    #[cfg_attr(feature = "serde", serde(rename = "cis-1.12"))]
    Cis1_12,
}

impl Benchmark {
    /// Every release kubeharden knows, oldest first.
    pub const ALL: [Self; 10] = [
        Self::Cis1_6,
        Self::Cis1_20,
        Self::Cis1_23,
        Self::Cis1_24,
        Self::Cis1_7,
        Self::Cis1_8,
        Self::Cis1_9,
        Self::Cis1_10,
        Self::Cis1_11,
        Self::Cis1_12,
    ];

    /// The newest release kubeharden knows.
    pub const NEWEST: Self = Self::Cis1_12;

    /// The id used on the command line and in output: `cis-1.12`.
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Self::Cis1_6 => "cis-1.6",
            Self::Cis1_20 => "cis-1.20",
            Self::Cis1_23 => "cis-1.23",
            Self::Cis1_24 => "cis-1.24",
            Self::Cis1_7 => "cis-1.7",
            Self::Cis1_8 => "cis-1.8",
            Self::Cis1_9 => "cis-1.9",
            Self::Cis1_10 => "cis-1.10",
            Self::Cis1_11 => "cis-1.11",
            Self::Cis1_12 => "cis-1.12",
        }
    }

    /// The Kubernetes releases the benchmark was written for, first and last.
    #[must_use]
    pub const fn kubernetes_releases(self) -> (KubeVersion, KubeVersion) {
        let (first, last) = match self {
            Self::Cis1_6 => (16, 18),
            Self::Cis1_20 => (19, 21),
            Self::Cis1_23 => (22, 23),
            Self::Cis1_24 => (24, 24),
            Self::Cis1_7 => (25, 25),
            Self::Cis1_8 => (26, 26),
            Self::Cis1_9 => (27, 27),
            Self::Cis1_10 => (28, 28),
            Self::Cis1_11 => (29, 31),
            Self::Cis1_12 => (32, 34),
        };
        (KubeVersion::new(1, first), KubeVersion::new(1, last))
    }

    /// The benchmark written for a Kubernetes release: the newest one for releases after the
    /// newest benchmark's, none for releases before 1.16 (no release kubeharden knows was
    /// written for them).
    #[must_use]
    pub fn for_kubernetes(version: KubeVersion) -> Option<Self> {
        let release = version.release();
        if release.is_before(Self::Cis1_6.kubernetes_releases().0) {
            return None;
        }
        let written_for = Self::ALL.into_iter().find(|benchmark| {
            let (first, last) = benchmark.kubernetes_releases();
            first <= release && release <= last
        });
        Some(written_for.unwrap_or(Self::NEWEST))
    }

    /// Every control of sections 1-4 of the release (control-plane files, API server,
    /// controller manager, scheduler, etcd, control-plane configuration, worker node), in the
    /// benchmark's order.
    ///
    /// ```
    /// use kubeharden_rules::cis::{Assessment, Benchmark};
    ///
    /// let profiling = &Benchmark::Cis1_12.controls()[35];
    /// assert_eq!(profiling.id, "1.2.15");
    /// assert_eq!(profiling.title, "Ensure that the --profiling argument is set to false");
    /// assert_eq!(profiling.assessment, Assessment::Automated);
    /// assert_eq!(profiling.key, "apiserver.profiling");
    /// ```
    #[must_use]
    pub fn controls(self) -> &'static [Control] {
        match self {
            Self::Cis1_6 => &controls::CIS_1_6,
            Self::Cis1_20 => &controls::CIS_1_20,
            Self::Cis1_23 => &controls::CIS_1_23,
            Self::Cis1_24 => &controls::CIS_1_24,
            Self::Cis1_7 => &controls::CIS_1_7,
            Self::Cis1_8 => &controls::CIS_1_8,
            Self::Cis1_9 => &controls::CIS_1_9,
            Self::Cis1_10 => &controls::CIS_1_10,
            Self::Cis1_11 => &controls::CIS_1_11,
            Self::Cis1_12 => &controls::CIS_1_12,
        }
    }
}

/// Whether the benchmark scores a control by a test (`Automated`) or leaves it to the
/// assessor's judgement (`Manual`); a control can change between releases.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Assessment {
    Automated,
    Manual,
}

/// One recommendation of a benchmark release.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Control {
    /// The id in this release: `1.2.15`.
    pub id: &'static str,
    /// The recommendation's title in this release, without its assessment mark.
    pub title: &'static str,
    pub assessment: Assessment,
    /// The concept key, the same for the same recommendation in every release.
    pub key: &'static str,
}

/// The control of `benchmark` with the concept `key`; `None` when the release has no such
/// recommendation (`apiserver.insecure-port` after cis-1.20).
///
/// ```
/// use kubeharden_rules::cis::{Benchmark, find_control};
///
/// let id = |benchmark| find_control(benchmark, "apiserver.profiling").map(|control| control.id);
/// assert_eq!(id(Benchmark::Cis1_6), Some("1.2.21"));
/// assert_eq!(id(Benchmark::Cis1_12), Some("1.2.15"));
/// assert_eq!(find_control(Benchmark::Cis1_12, "apiserver.insecure-port"), None);
/// ```
#[must_use]
pub fn find_control(benchmark: Benchmark, key: &str) -> Option<&'static Control> {
    benchmark
        .controls()
        .iter()
        .find(|control| control.key == key)
}

/// The rules that decide the concept `key` (their `cis = [...]`), in registry order.
///
/// ```
/// use kubeharden_rules::cis::codes_for;
///
/// let codes: Vec<_> = codes_for("apiserver.anonymous-auth").map(|meta| meta.code).collect();
/// assert_eq!(codes, ["KAPI003"]);
/// ```
pub fn codes_for(key: &str) -> impl Iterator<Item = &'static Meta> {
    crate::registry::metas().filter(move |meta| meta.cis.contains(&key))
}

/// The ids, in `benchmark`, of the controls the rule decides, in the order of its `cis` list;
/// empty when the release has none of them.
///
/// ```
/// use kubeharden_rules::cis::{Benchmark, ids};
/// use kubeharden_rules::registry;
///
/// let meta = registry::find("KAPI011").unwrap();
/// assert_eq!(ids(meta, Benchmark::Cis1_12), ["1.2.12", "1.2.13"]);
/// assert_eq!(ids(meta, Benchmark::Cis1_6), ["1.2.14", "1.2.15"]);
/// ```
#[must_use]
pub fn ids(meta: &Meta, benchmark: Benchmark) -> Vec<&'static str> {
    meta.cis
        .iter()
        .filter_map(|key| find_control(benchmark, key))
        .map(|control| control.id)
        .collect()
}

impl fmt::Display for Benchmark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A benchmark id kubeharden does not know.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("`{0}` is not a benchmark kubeharden knows; expected one of {list}", list = known_list())]
pub struct UnknownBenchmark(pub String);

fn known_list() -> String {
    Benchmark::ALL.map(Benchmark::id).join(", ")
}

impl FromStr for Benchmark {
    type Err = UnknownBenchmark;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        Self::ALL
            .into_iter()
            .find(|benchmark| benchmark.id().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownBenchmark(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_release_maps_to_the_benchmark_written_for_it() {
        let mapped = |minor| Benchmark::for_kubernetes(KubeVersion::with_patch(1, minor, 3));
        assert_eq!(mapped(15), None);
        assert_eq!(mapped(16), Some(Benchmark::Cis1_6));
        assert_eq!(mapped(18), Some(Benchmark::Cis1_6));
        assert_eq!(mapped(19), Some(Benchmark::Cis1_20));
        assert_eq!(mapped(23), Some(Benchmark::Cis1_23));
        assert_eq!(mapped(24), Some(Benchmark::Cis1_24));
        assert_eq!(mapped(25), Some(Benchmark::Cis1_7));
        assert_eq!(mapped(28), Some(Benchmark::Cis1_10));
        assert_eq!(mapped(31), Some(Benchmark::Cis1_11));
        assert_eq!(mapped(34), Some(Benchmark::Cis1_12));
        assert_eq!(mapped(37), Some(Benchmark::Cis1_12));
    }

    #[test]
    fn releases_are_contiguous_and_in_order() {
        for pair in Benchmark::ALL.windows(2) {
            let (_, last) = pair[0].kubernetes_releases();
            let (first, _) = pair[1].kubernetes_releases();
            assert_eq!(first.minor, last.minor + 1, "{} -> {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn a_rule_has_the_ids_of_its_recommendations_in_each_release() {
        let ids_of = |code, benchmark| {
            let meta = crate::registry::find(code).map(|meta| ids(meta, benchmark));
            meta.unwrap_or_default()
        };
        // The insecure port left the benchmark with cis-1.23.
        assert_eq!(ids_of("KAPI001", Benchmark::Cis1_6), ["1.2.19"]);
        assert_eq!(ids_of("KAPI001", Benchmark::Cis1_20), ["1.2.18"]);
        assert!(ids_of("KAPI001", Benchmark::Cis1_23).is_empty());
        assert_eq!(ids_of("KAPI003", Benchmark::Cis1_12), ["1.2.1"]);
        assert_eq!(ids_of("KLET001", Benchmark::Cis1_12), ["4.2.1"]);
        assert_eq!(ids_of("KLET004", Benchmark::Cis1_6), ["1.2.17"]);
        assert_eq!(ids_of("KETC010", Benchmark::Cis1_9), ["2.1", "2.4"]);
        assert!(ids_of("KGEN005", Benchmark::Cis1_12).is_empty());
    }

    #[test]
    fn unknown_ids_are_named_with_the_known_ones() {
        let error = "cis-1.5".parse::<Benchmark>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "`cis-1.5` is not a benchmark kubeharden knows; expected one of cis-1.6, cis-1.20, \
             cis-1.23, cis-1.24, cis-1.7, cis-1.8, cis-1.9, cis-1.10, cis-1.11, cis-1.12"
        );
        assert_eq!(" CIS-1.9 ".parse(), Ok(Benchmark::Cis1_9));
    }
}

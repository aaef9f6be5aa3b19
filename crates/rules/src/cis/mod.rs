//! The CIS Kubernetes Benchmark: its releases, and which release was written for which
//! Kubernetes release.
//!
//! A benchmark release renumbers its recommendations and changes some of their tests (the
//! cipher suites it accepts, file-mode thresholds), so everything that speaks of a CIS
//! recommendation names the release it means.

use std::fmt;
use std::str::FromStr;

use kubeharden_core::version::KubeVersion;

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

//! Kubernetes versions: parsing, detection from container images, and the version facts that
//! decide defaults and which flags a component still accepts.
//!
//! A version comes from an image tag (`registry.k8s.io/kube-apiserver:v1.30.4`), a kubeadm
//! `kubernetesVersion`, or `--kubernetes-version`. When none is known, callers use
//! [`ASSUMED_CURRENT`] and say so in the finding's note.
//!
//! Facts compare the *release* (`major.minor`) only: a patch release never moves a version
//! across a boundary, so `v1.19.16` is "before 1.20" and `v1.20.0` is not.

use std::fmt;
use std::str::FromStr;

use crate::component::Component;

/// A Kubernetes release, `v1.30` or `v1.30.4`.
///
/// Ordering is by major, minor, then patch, with an unknown patch sorting before every known
/// patch (`v1.30 < v1.30.0 < v1.30.4`). Version facts compare only the release, see
/// [`KubeVersion::is_before`].
///
/// Tag decorations are accepted and dropped: `v1.29.3-eks-1-29-5`, `v1.28.2+k3s1`,
/// `v1.10.0_coreos.0` and `v1.30.0-alpha.1` all parse (the last as `v1.30.0`).
///
/// ```
/// use kubeharden_core::version::KubeVersion;
///
/// let v = KubeVersion::parse("v1.29.3-eks-1-29-5").unwrap();
/// assert_eq!(v, KubeVersion::with_patch(1, 29, 3));
/// assert_eq!(v.to_string(), "v1.29.3");
/// assert!(KubeVersion::parse("latest").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
}

/// As written by [`fmt::Display`]: `v1.30`, `v1.30.2`.
#[cfg(feature = "serde")]
impl serde::Serialize for KubeVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl KubeVersion {
    /// A release without a patch number (`v1.30`).
    #[must_use]
    pub const fn new(major: u32, minor: u32) -> Self {
        Self {
            major,
            minor,
            patch: None,
        }
    }

    /// A full version (`v1.30.4`).
    #[must_use]
    pub const fn with_patch(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch: Some(patch),
        }
    }

    /// Parses `1.30`, `v1.30.4`, `1.30.4`, with an optional tag suffix after `-`, `+` or `_`.
    ///
    /// Rejects placeholders and labels (`latest`, `stable-1.30`, `__RELEASE__`,
    /// `${K8S_VERSION}`), a lone major (`v2`), more than three numbers, and any major other
    /// than 1.
    ///
    /// # Errors
    /// [`ParseVersionError`] saying why the text is not a Kubernetes version.
    pub fn parse(text: &str) -> Result<Self, ParseVersionError> {
        let (major, minor, patch) = parse_numeric(text)?;
        if major != 1 {
            return Err(ParseVersionError::UnsupportedMajor(text.trim().to_owned()));
        }
        Ok(Self {
            major,
            minor,
            patch,
        })
    }

    /// The release this version belongs to (`v1.30.4` -> `v1.30`).
    #[must_use]
    pub const fn release(self) -> Self {
        Self::new(self.major, self.minor)
    }

    /// Whether this version's release is older than `release`'s, ignoring patch numbers:
    /// `v1.19.16` is before `v1.20`; `v1.20.0` and `v1.20` are not.
    #[must_use]
    pub const fn is_before(self, release: KubeVersion) -> bool {
        self.major < release.major || (self.major == release.major && self.minor < release.minor)
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(patch) => write!(f, "v{}.{}.{}", self.major, self.minor, patch),
            None => write!(f, "v{}.{}", self.major, self.minor),
        }
    }
}

impl FromStr for KubeVersion {
    type Err = ParseVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// A version of a program that is not Kubernetes itself: etcd (`3.5.10`) or the Dashboard
/// (`2.7.0`). Kept apart from [`KubeVersion`] so the two cannot be mixed up.
///
/// Displayed without a leading `v`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Semver {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
}

impl Semver {
    #[must_use]
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch: Some(patch),
        }
    }

    /// Parses `3.5.10`, `v3.4.1`, `3.5`, with an optional suffix after `-`, `+` or `_`
    /// (`3.5.10-0`, `v2.0.0-beta8`).
    ///
    /// # Errors
    /// [`ParseVersionError`] when the text is not a dotted version.
    pub fn parse(text: &str) -> Result<Self, ParseVersionError> {
        let (major, minor, patch) = parse_numeric(text)?;
        Ok(Self {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(patch) => write!(f, "{}.{}.{}", self.major, self.minor, patch),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

impl FromStr for Semver {
    type Err = ParseVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Why a text is not a version.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseVersionError {
    #[error("the version is empty")]
    Empty,
    #[error("`{0}` is not a version (expected e.g. `1.30` or `v1.30.4`)")]
    Invalid(String),
    #[error("`{0}` is not a Kubernetes version: the major version must be 1")]
    UnsupportedMajor(String),
}

/// The longest text quoted back in an error; a version is never longer.
const MAX_QUOTED: usize = 64;

fn invalid(text: &str) -> ParseVersionError {
    let text = text.trim();
    let quoted = match text.char_indices().nth(MAX_QUOTED) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    };
    ParseVersionError::Invalid(quoted)
}

/// `[v]MAJOR.MINOR[.PATCH][(-|+|_)SUFFIX]` -> the numbers.
fn parse_numeric(text: &str) -> Result<(u32, u32, Option<u32>), ParseVersionError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ParseVersionError::Empty);
    }
    let body = trimmed
        .strip_prefix('v')
        .or_else(|| trimmed.strip_prefix('V'))
        .unwrap_or(trimmed);
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (core, suffix) = body.split_at(end);
    if !suffix.is_empty() {
        // A decoration must be introduced by a separator and say something after it.
        let mut chars = suffix.chars();
        let separated = matches!(chars.next(), Some('-' | '+' | '_'));
        if !separated || chars.as_str().is_empty() {
            return Err(invalid(text));
        }
    }
    let mut parts = core.split('.');
    let major = number(parts.next()).ok_or_else(|| invalid(text))?;
    let minor = number(parts.next()).ok_or_else(|| invalid(text))?;
    let patch = match parts.next() {
        Some(part) => Some(number(Some(part)).ok_or_else(|| invalid(text))?),
        None => None,
    };
    if parts.next().is_some() {
        return Err(invalid(text));
    }
    Ok((major, minor, patch))
}

/// A run of ASCII digits that fits in a `u32` (no sign, no spaces).
fn number(part: Option<&str>) -> Option<u32> {
    let part = part?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/// A container image reference split into the parts kubeharden needs:
/// `[registry[:port]/]path/name[:tag][@digest]`.
///
/// ```
/// use kubeharden_core::version::ImageRef;
///
/// let image = ImageRef::parse("localhost:5000/kube-apiserver:v1.29.0");
/// assert_eq!(image.repository, "localhost:5000/kube-apiserver");
/// assert_eq!(image.basename(), "kube-apiserver");
/// assert_eq!(image.tag, Some("v1.29.0"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest, registry included.
    pub repository: &'a str,
    /// The tag, if the reference has one. When both a tag and a digest are given, the runtime
    /// pulls by digest, but the tag still names the release.
    pub tag: Option<&'a str>,
    /// The digest after `@` (`sha256:...`), if any.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Splits an image reference. Never fails: a reference without a tag has `tag: None`.
    /// A `:port` in the registry is not mistaken for a tag.
    #[must_use]
    pub fn parse(image: &'a str) -> Self {
        let image = image.trim();
        let (name, digest) = match image.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (image, None),
        };
        // A tag's `:` comes after the last `/`; an earlier one belongs to a registry port.
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match name[last_slash..].rfind(':') {
            Some(colon) => {
                let colon = last_slash + colon;
                (&name[..colon], Some(&name[colon + 1..]))
            }
            None => (name, None),
        };
        Self {
            repository,
            tag: tag.filter(|t| !t.is_empty()),
            digest: digest.filter(|d| !d.is_empty()),
        }
    }

    /// The last path segment of the repository (`kube-apiserver-amd64`).
    #[must_use]
    pub fn basename(&self) -> &'a str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(self.repository)
    }

    /// The basename without a `-<arch>` suffix (`kube-apiserver-amd64` -> `kube-apiserver`).
    #[must_use]
    pub fn name_without_arch(&self) -> &'a str {
        strip_arch(self.basename())
    }
}

/// Architectures Kubernetes, etcd and Dashboard images have been published for as
/// `<name>-<arch>`.
const ARCH_SUFFIXES: [&str; 6] = ["amd64", "arm64", "arm", "ppc64le", "s390x", "386"];

fn strip_arch(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, arch)) if !base.is_empty() && ARCH_SUFFIXES.contains(&arch) => base,
        _ => name,
    }
}

/// Image names (without arch suffix) whose tag is the Kubernetes release.
const KUBERNETES_IMAGES: [&str; 6] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
    "kubelet",
    "hyperkube",
];

/// The Kubernetes version a component image carries in its tag.
///
/// Only images of Kubernetes binaries count (`kube-apiserver`, `kube-controller-manager`,
/// `kube-scheduler`, `kube-proxy`, `kubelet`, `hyperkube`, each optionally `-<arch>`), from any
/// registry: `registry.k8s.io/kube-apiserver:v1.30.4`, `k8s.gcr.io/kube-apiserver-amd64:v1.15.3`,
/// `quay.io/coreos/hyperkube:v1.10.0_coreos.0`. etcd and Dashboard images have their own
/// versions and give `None`; so do digest-only references and unparsable tags.
///
/// ```
/// use kubeharden_core::version::{version_from_image, KubeVersion};
///
/// let v = version_from_image("registry.k8s.io/kube-apiserver:v1.30.4");
/// assert_eq!(v, Some(KubeVersion::with_patch(1, 30, 4)));
/// assert_eq!(version_from_image("registry.k8s.io/etcd:3.5.10-0"), None);
/// ```
#[must_use]
pub fn version_from_image(image: &str) -> Option<KubeVersion> {
    let image = ImageRef::parse(image);
    if !KUBERNETES_IMAGES.contains(&image.name_without_arch()) {
        return None;
    }
    KubeVersion::parse(image.tag?).ok()
}

/// The etcd version of an etcd image (`registry.k8s.io/etcd:3.5.10-0`,
/// `quay.io/coreos/etcd:v3.3.10`, `k8s.gcr.io/etcd-amd64:3.2.18`); `None` for other images.
#[must_use]
pub fn etcd_version_from_image(image: &str) -> Option<Semver> {
    let image = ImageRef::parse(image);
    if image.name_without_arch() != "etcd" {
        return None;
    }
    Semver::parse(image.tag?).ok()
}

/// The Dashboard release of a Dashboard image (`kubernetesui/dashboard:v2.7.0`,
/// `k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1`); `None` for other images.
///
/// The split images of Dashboard v7 (`kubernetesui/dashboard-api`, `-web`, `-auth`) are
/// versioned per module, not per Dashboard release, and also give `None`.
#[must_use]
pub fn dashboard_version_from_image(image: &str) -> Option<Semver> {
    let image = ImageRef::parse(image);
    if !matches!(
        image.name_without_arch(),
        "dashboard" | "kubernetes-dashboard"
    ) {
        return None;
    }
    Semver::parse(image.tag?).ok()
}

/// The last release the Kubernetes project built `hyperkube` images for. From v1.19 it no
/// longer builds them (kubernetes/kubernetes#88676, CHANGELOG-1.19); v1.18 patch releases kept
/// shipping them until that release's end of life. Third-party builds (`rancher/hyperkube`)
/// went on and are not bounded by this.
pub const UPSTREAM_HYPERKUBE_LAST: KubeVersion = KubeVersion::new(1, 18);

/// Registries the Kubernetes project published its own images to.
const UPSTREAM_REGISTRIES: [&str; 5] = [
    "gcr.io/google_containers/",
    "gcr.io/google-containers/",
    "k8s.gcr.io/",
    "registry.k8s.io/",
    "staging-k8s.gcr.io/",
];

/// The newest release an image can carry whatever its tag says: an upstream `hyperkube` image
/// (`gcr.io/google_containers/hyperkube-amd64:__RELEASE__`) is at most
/// [`UPSTREAM_HYPERKUBE_LAST`]. `None` for every other image.
///
/// A caller that has no version from the tag can assume this release instead of a current one.
///
/// ```
/// use kubeharden_core::version::{newest_release_of_image, KubeVersion};
///
/// let bound = newest_release_of_image("gcr.io/google-containers/hyperkube:{K8S_VERSION}");
/// assert_eq!(bound, Some(KubeVersion::new(1, 18)));
/// assert_eq!(newest_release_of_image("rancher/hyperkube:v1.26.4-rancher2"), None);
/// assert_eq!(newest_release_of_image("registry.k8s.io/kube-apiserver"), None);
/// ```
#[must_use]
pub fn newest_release_of_image(image: &str) -> Option<KubeVersion> {
    let parsed = ImageRef::parse(image);
    let upstream = UPSTREAM_REGISTRIES
        .iter()
        .any(|registry| parsed.repository.starts_with(registry));
    (upstream && parsed.name_without_arch() == "hyperkube").then_some(UPSTREAM_HYPERKUBE_LAST)
}

// ---------------------------------------------------------------------------------------------
// Version facts
// ---------------------------------------------------------------------------------------------

/// The release assumed when no version is known (no versioned image, no kubeadm
/// `kubernetesVersion`, no `--kubernetes-version`).
///
/// A finding that depends on the version and used this value must say so in its note
/// ("Kubernetes version unknown; assuming v1.37"). v1.37 is the newest GA release confirmed
/// from the upstream changelogs (the v1.38.0-alpha.1 notes are written against v1.37.0).
pub const ASSUMED_CURRENT: KubeVersion = KubeVersion::new(1, 37);

/// The port kube-apiserver served without TLS, authentication or authorization by default
/// before v1.20.
pub const LEGACY_INSECURE_PORT: u16 = 8080;

/// First release whose kube-apiserver no longer serves the insecure port: the default became
/// 0 and only 0 is accepted (kubernetes/kubernetes#95856, CHANGELOG-1.20).
pub const INSECURE_PORT_DISABLED_IN: KubeVersion = KubeVersion::new(1, 20);

/// First release without kube-apiserver's `--insecure-port`, `--port`,
/// `--insecure-bind-address` and `--address` (kubernetes/kubernetes#106859, CHANGELOG-1.24).
pub const INSECURE_FLAGS_REMOVED_IN: KubeVersion = KubeVersion::new(1, 24);

/// First release with kube-apiserver's `--enable-admission-plugins` and a default set of
/// admission plugins; before it, an apiserver without `--admission-control` ran `AlwaysAdmit`
/// alone.
pub const ENABLE_ADMISSION_PLUGINS_SINCE: KubeVersion = KubeVersion::new(1, 10);

/// First release whose kube-apiserver extends projected service account tokens unless
/// `--service-account-extend-token-expiration=false`: the flag came in v1.19 (default `false`,
/// kubernetes/kubernetes#89549) and defaults to `true` from v1.20 (kubernetes/kubernetes#96273).
pub const EXTEND_TOKEN_EXPIRATION_BY_DEFAULT_SINCE: KubeVersion = KubeVersion::new(1, 20);

/// kube-apiserver's `--insecure-port` default: 8080 before v1.20, 0 from v1.20.
#[must_use]
pub const fn insecure_port_default(version: KubeVersion) -> u16 {
    if version.is_before(INSECURE_PORT_DISABLED_IN) {
        LEGACY_INSECURE_PORT
    } else {
        0
    }
}

/// Whether kube-apiserver accepts only `0` for `--insecure-port` (and its alias `--port`):
/// true from v1.20 to v1.23, where any other value stops it at start-up ("only zero is
/// allowed"). From v1.24 the flags do not exist at all (see [`removed_in`]), so this is false.
#[must_use]
pub const fn insecure_port_only_zero(version: KubeVersion) -> bool {
    !version.is_before(INSECURE_PORT_DISABLED_IN) && version.is_before(INSECURE_FLAGS_REMOVED_IN)
}

/// A command-line flag a component no longer has: from `removed_in` on, passing it stops the
/// component at start-up with `unknown flag`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RemovedFlag {
    pub component: Component,
    /// The flag's name without leading dashes (`insecure-port`).
    pub flag: &'static str,
    /// The first release that rejects the flag.
    pub removed_in: KubeVersion,
    /// One line for the finding: what the flag was and what to use instead.
    pub note: &'static str,
}

impl RemovedFlag {
    /// Whether `version` rejects the flag.
    #[must_use]
    pub const fn is_removed_in(&self, version: KubeVersion) -> bool {
        !version.is_before(self.removed_in)
    }
}

const fn removed(
    component: Component,
    flag: &'static str,
    major: u32,
    minor: u32,
    note: &'static str,
) -> RemovedFlag {
    RemovedFlag {
        component,
        flag,
        removed_in: KubeVersion::new(major, minor),
        note,
    }
}

/// Flags removed from the components kubeharden reads, with the release that removed them.
///
/// Only removals confirmed in the upstream changelog or the removing pull request are listed;
/// each entry cites its source. Deprecated flags that are still accepted (kube-apiserver's
/// `--admission-control`, for instance) are not here.
pub const REMOVED_FLAGS: &[RemovedFlag] = &[
    // --- kube-apiserver ---
    // kubernetes/kubernetes#73663, CHANGELOG-1.14 (v1.14.0-alpha.3).
    removed(
        Component::ApiServer,
        "repair-malformed-updates",
        1,
        14,
        "the flag had no effect; delete it",
    ),
    // kubernetes/kubernetes#89069, CHANGELOG-1.19 (action required).
    removed(
        Component::ApiServer,
        "basic-auth-file",
        1,
        19,
        "static password authentication is gone; use client certificates, OIDC or webhook tokens",
    ),
    // kubernetes/kubernetes#101178 (merged for v1.22; deprecated in v1.19 by #91630).
    removed(
        Component::ApiServer,
        "kubelet-https",
        1,
        22,
        "connections to kubelets always use HTTPS since v1.19; delete it",
    ),
    // kubernetes/kubernetes#106859, CHANGELOG-1.24; inert since v1.20 (#95856).
    removed(
        Component::ApiServer,
        "insecure-port",
        1,
        24,
        "insecure serving was turned off in v1.20; only `--secure-port` serves the API",
    ),
    removed(
        Component::ApiServer,
        "port",
        1,
        24,
        "deprecated alias of `--insecure-port`; insecure serving was turned off in v1.20",
    ),
    removed(
        Component::ApiServer,
        "insecure-bind-address",
        1,
        24,
        "inert since v1.20; `--bind-address` sets the secure port's address",
    ),
    removed(
        Component::ApiServer,
        "address",
        1,
        24,
        "deprecated alias of `--insecure-bind-address`; inert since v1.20",
    ),
    // kubernetes/kubernetes#105032 (merged for v1.24, no release note); OpenShift's v1.24
    // rebase failed with `unknown flag: --enable-swagger-ui`.
    removed(
        Component::ApiServer,
        "enable-swagger-ui",
        1,
        24,
        "the Swagger UI is gone; the schema is served at `/openapi/v2`",
    ),
    // kubernetes/kubernetes#108457, CHANGELOG-1.24 (no effect since v1.19, #91818).
    removed(
        Component::ApiServer,
        "target-ram-mb",
        1,
        24,
        "the flag had no effect since v1.19; delete it",
    ),
    // kubernetes/kubernetes#108423, CHANGELOG-1.24 (renamed in v1.13, #71206).
    removed(
        Component::ApiServer,
        "experimental-encryption-provider-config",
        1,
        24,
        "renamed to `--encryption-provider-config` in v1.13",
    ),
    // --- kubelet ---
    // kubernetes/kubernetes#65707 (v1.12; off by default since v1.11, #63881).
    removed(
        Component::Kubelet,
        "cadvisor-port",
        1,
        12,
        "the kubelet no longer serves cAdvisor; run cAdvisor as a DaemonSet if needed",
    ),
    // kubernetes/kubernetes#77820, CHANGELOG-1.15 (action required).
    removed(
        Component::Kubelet,
        "allow-privileged",
        1,
        15,
        "privileged pods are governed by admission control (Pod Security) instead",
    ),
    // kubernetes/kubernetes#106907, CHANGELOG-1.24: removed together with dockershim.
    removed(
        Component::Kubelet,
        "experimental-dockershim-root-directory",
        1,
        24,
        "removed with dockershim; the container runtime keeps its own state",
    ),
    removed(
        Component::Kubelet,
        "docker-endpoint",
        1,
        24,
        "removed with dockershim; point `--container-runtime-endpoint` at a CRI runtime",
    ),
    removed(
        Component::Kubelet,
        "image-pull-progress-deadline",
        1,
        24,
        "removed with dockershim; image pulls are the container runtime's business",
    ),
    removed(
        Component::Kubelet,
        "network-plugin",
        1,
        24,
        "removed with dockershim; CNI is configured in the container runtime",
    ),
    removed(
        Component::Kubelet,
        "cni-conf-dir",
        1,
        24,
        "removed with dockershim; CNI is configured in the container runtime",
    ),
    removed(
        Component::Kubelet,
        "cni-bin-dir",
        1,
        24,
        "removed with dockershim; CNI is configured in the container runtime",
    ),
    removed(
        Component::Kubelet,
        "cni-cache-dir",
        1,
        24,
        "removed with dockershim; CNI is configured in the container runtime",
    ),
    removed(
        Component::Kubelet,
        "network-plugin-mtu",
        1,
        24,
        "removed with dockershim; CNI is configured in the container runtime",
    ),
];

/// The removal record of `component`'s `flag`, whatever the version; `None` if the flag was
/// never removed (or is not known to be). The flag may be given with or without its dashes.
///
/// ```
/// use kubeharden_core::Component;
/// use kubeharden_core::version::{removed_in, KubeVersion};
///
/// let flag = removed_in(Component::ApiServer, "--insecure-port").unwrap();
/// assert_eq!(flag.removed_in, KubeVersion::new(1, 24));
/// assert!(!flag.is_removed_in(KubeVersion::with_patch(1, 23, 17)));
/// assert!(removed_in(Component::ApiServer, "secure-port").is_none());
/// ```
#[must_use]
pub fn removed_in(component: Component, flag: &str) -> Option<&'static RemovedFlag> {
    let flag = flag.trim_start_matches('-');
    REMOVED_FLAGS
        .iter()
        .find(|r| r.component == component && r.flag == flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> KubeVersion {
        KubeVersion::parse(text).unwrap()
    }

    const HEX64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // --- parsing ---

    #[test]
    fn parses_plain_forms() {
        assert_eq!(v("1.30"), KubeVersion::new(1, 30));
        assert_eq!(v("v1.30"), KubeVersion::new(1, 30));
        assert_eq!(v("v1.30.4"), KubeVersion::with_patch(1, 30, 4));
        assert_eq!(v("1.30.4"), KubeVersion::with_patch(1, 30, 4));
        assert_eq!(v("  v1.30.4\n"), KubeVersion::with_patch(1, 30, 4));
        assert_eq!(
            "v1.9.11".parse::<KubeVersion>(),
            Ok(KubeVersion::with_patch(1, 9, 11))
        );
    }

    #[test]
    fn parses_tag_suffixes() {
        assert_eq!(v("v1.29.3-eks-1-29-5"), KubeVersion::with_patch(1, 29, 3));
        assert_eq!(v("v1.28.2+k3s1"), KubeVersion::with_patch(1, 28, 2));
        assert_eq!(v("v1.18.8-rancher1"), KubeVersion::with_patch(1, 18, 8));
        assert_eq!(v("v1.30.0-alpha.1"), KubeVersion::with_patch(1, 30, 0));
        assert_eq!(v("v1.10.0_coreos.0"), KubeVersion::with_patch(1, 10, 0));
    }

    #[test]
    fn rejects_garbage() {
        for text in [
            "latest",
            "__RELEASE__",
            "{VERSION}",
            "${K8S_VERSION}",
            "$(K8S_VERSION)",
            "{{ .Values.version }}",
            "",
            "   ",
            "v",
            "v2",
            "1",
            "1.",
            "1.30.",
            ".30",
            "1..30",
            "1.30.4.5",
            "v1.30.4-",
            "v1.30x",
            "stable-1.30",
            "+1.30",
            "1.-30",
            "1.30 .4",
            "v1.99999999999",
            "sha256:abcd",
        ] {
            assert!(KubeVersion::parse(text).is_err(), "accepted {text:?}");
        }
    }

    #[test]
    fn errors_say_why() {
        assert_eq!(KubeVersion::parse(""), Err(ParseVersionError::Empty));
        assert_eq!(
            KubeVersion::parse("latest"),
            Err(ParseVersionError::Invalid("latest".to_owned()))
        );
        assert_eq!(
            KubeVersion::parse("v2.0.0"),
            Err(ParseVersionError::UnsupportedMajor("v2.0.0".to_owned()))
        );
        assert_eq!(
            KubeVersion::parse("latest").unwrap_err().to_string(),
            "`latest` is not a version (expected e.g. `1.30` or `v1.30.4`)"
        );
        // Long garbage is not quoted back in full.
        let long = "x".repeat(10_000);
        let ParseVersionError::Invalid(quoted) = KubeVersion::parse(&long).unwrap_err() else {
            panic!("expected Invalid");
        };
        assert!(quoted.len() < 100);
        // Non-ASCII garbage does not split a character.
        assert!(KubeVersion::parse("v1.30é").is_err());
        assert!(KubeVersion::parse(&"é".repeat(100)).is_err());
    }

    #[test]
    fn displays_with_v() {
        assert_eq!(KubeVersion::with_patch(1, 30, 4).to_string(), "v1.30.4");
        assert_eq!(KubeVersion::new(1, 30).to_string(), "v1.30");
        assert_eq!(v("v1.29.3-eks-1-29-5").to_string(), "v1.29.3");
        assert_eq!(Semver::new(3, 5, 10).to_string(), "3.5.10");
        assert_eq!(Semver::parse("v3.5").unwrap().to_string(), "3.5");
    }

    #[test]
    fn orders_numerically() {
        assert!(v("v1.9") < v("v1.10"));
        assert!(v("v1.10") < v("v1.19"));
        assert!(v("v1.19") < v("v1.20"));
        assert!(v("v1.19.16") < v("v1.20.0"));
        assert!(v("v1.30") < v("v1.30.0"));
        assert!(v("v1.30.2") < v("v1.30.10"));
        let mut versions = vec![v("1.20"), v("1.9"), v("1.19"), v("1.10")];
        versions.sort();
        assert_eq!(versions, [v("1.9"), v("1.10"), v("1.19"), v("1.20")]);
    }

    #[test]
    fn is_before_ignores_patch() {
        let v1_20 = KubeVersion::new(1, 20);
        assert!(v("v1.19.16").is_before(v1_20));
        assert!(!v("v1.20.0").is_before(v1_20));
        assert!(!v("v1.20").is_before(KubeVersion::with_patch(1, 20, 5)));
        assert!(!v("v1.21.0").is_before(v1_20));
        assert_eq!(v("v1.30.4").release(), KubeVersion::new(1, 30));
    }

    // --- images ---

    #[test]
    fn kubernetes_images() {
        let cases: [(&str, KubeVersion); 8] = [
            (
                "registry.k8s.io/kube-apiserver:v1.30.4",
                KubeVersion::with_patch(1, 30, 4),
            ),
            (
                "k8s.gcr.io/kube-apiserver-amd64:v1.15.3",
                KubeVersion::with_patch(1, 15, 3),
            ),
            (
                "gcr.io/google_containers/hyperkube-amd64:v1.5.1",
                KubeVersion::with_patch(1, 5, 1),
            ),
            (
                "quay.io/coreos/hyperkube:v1.10.0_coreos.0",
                KubeVersion::with_patch(1, 10, 0),
            ),
            (
                "rancher/hyperkube:v1.18.8-rancher1",
                KubeVersion::with_patch(1, 18, 8),
            ),
            (
                "localhost:5000/kube-apiserver:v1.29.0",
                KubeVersion::with_patch(1, 29, 0),
            ),
            (
                "registry.k8s.io/kube-scheduler-arm64:v1.28.2",
                KubeVersion::with_patch(1, 28, 2),
            ),
            ("kube-proxy:v1.27.1", KubeVersion::with_patch(1, 27, 1)),
        ];
        for (image, expected) in cases {
            assert_eq!(version_from_image(image), Some(expected), "{image}");
        }
        assert_eq!(
            version_from_image("registry.k8s.io/kube-controller-manager-s390x:v1.26.0"),
            Some(KubeVersion::with_patch(1, 26, 0))
        );
    }

    #[test]
    fn tag_before_digest_wins() {
        let image = format!("registry.k8s.io/kube-apiserver:v1.30.4@sha256:{HEX64}");
        assert_eq!(
            version_from_image(&image),
            Some(KubeVersion::with_patch(1, 30, 4))
        );
        let parsed = ImageRef::parse(&image);
        assert_eq!(parsed.repository, "registry.k8s.io/kube-apiserver");
        assert_eq!(parsed.tag, Some("v1.30.4"));
        assert_eq!(parsed.digest.map(|d| d.len()), Some(7 + 64));
    }

    #[test]
    fn digest_only_has_no_version() {
        let image = format!("registry.k8s.io/kube-apiserver@sha256:{HEX64}");
        assert_eq!(version_from_image(&image), None);
        let parsed = ImageRef::parse(&image);
        assert_eq!(parsed.tag, None);
        assert_eq!(parsed.basename(), "kube-apiserver");
    }

    #[test]
    fn registry_port_is_not_a_tag() {
        let parsed = ImageRef::parse("localhost:5000/kube-apiserver");
        assert_eq!(parsed.repository, "localhost:5000/kube-apiserver");
        assert_eq!(parsed.tag, None);
        assert_eq!(version_from_image("localhost:5000/kube-apiserver"), None);
        assert_eq!(
            version_from_image("my.registry:443/mirror/k8s/kube-apiserver-amd64:v1.21.14"),
            Some(KubeVersion::with_patch(1, 21, 14))
        );
    }

    #[test]
    fn images_without_a_kubernetes_version() {
        for image in [
            "registry.k8s.io/etcd:3.5.10-0",
            "quay.io/coreos/etcd:v3.3.10",
            "k8s.gcr.io/etcd-amd64:3.2.18",
            "kubernetesui/dashboard:v2.7.0",
            "k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1",
            "nginx:1.25",
            "registry.k8s.io/kube-apiserver",
            "registry.k8s.io/kube-apiserver:",
            "registry.k8s.io/kube-apiserver:latest",
            "registry.k8s.io/kube-apiserver:__RELEASE__",
            "registry.k8s.io/kube-apiserver:{VERSION}",
            "registry.k8s.io/kube-apiserver:${K8S_VERSION}",
            "registry.k8s.io/kube-apiserver-operator:v1.30.0",
            "example.com/kube-apiserver-amd64/other:v1.30.0",
            "",
            ":",
            "@",
            "/",
        ] {
            assert_eq!(version_from_image(image), None, "{image:?}");
        }
    }

    #[test]
    fn etcd_images() {
        assert_eq!(
            etcd_version_from_image("registry.k8s.io/etcd:3.5.10-0"),
            Some(Semver::new(3, 5, 10))
        );
        assert_eq!(
            etcd_version_from_image("quay.io/coreos/etcd:v3.3.10"),
            Some(Semver::new(3, 3, 10))
        );
        assert_eq!(
            etcd_version_from_image("gcr.io/etcd-development/etcd:v3.4.1"),
            Some(Semver::new(3, 4, 1))
        );
        assert_eq!(
            etcd_version_from_image("k8s.gcr.io/etcd-amd64:3.2.18"),
            Some(Semver::new(3, 2, 18))
        );
        let pinned = format!("registry.k8s.io/etcd:3.5.12-0@sha256:{HEX64}");
        assert_eq!(
            etcd_version_from_image(&pinned),
            Some(Semver::new(3, 5, 12))
        );
        assert_eq!(etcd_version_from_image("registry.k8s.io/etcd:latest"), None);
        assert_eq!(
            etcd_version_from_image("registry.k8s.io/kube-apiserver:v1.30.4"),
            None
        );
        assert_eq!(
            etcd_version_from_image("kubernetesui/dashboard:v2.7.0"),
            None
        );
    }

    #[test]
    fn dashboard_images() {
        assert_eq!(
            dashboard_version_from_image("kubernetesui/dashboard:v2.7.0"),
            Some(Semver::new(2, 7, 0))
        );
        assert_eq!(
            dashboard_version_from_image("k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1"),
            Some(Semver::new(1, 10, 1))
        );
        assert_eq!(
            dashboard_version_from_image("docker.io/kubernetesui/dashboard:v2.0.0-beta8"),
            Some(Semver::new(2, 0, 0))
        );
        assert_eq!(
            dashboard_version_from_image("docker.io/kubernetesui/dashboard-api:1.10.1"),
            None
        );
        assert_eq!(
            dashboard_version_from_image("kubernetesui/metrics-scraper:v1.0.8"),
            None
        );
        assert_eq!(
            dashboard_version_from_image("registry.k8s.io/etcd:3.5.10-0"),
            None
        );
    }

    #[test]
    fn arch_suffix_stripping() {
        assert_eq!(
            ImageRef::parse("k8s.gcr.io/kube-apiserver-amd64:v1.15.3").name_without_arch(),
            "kube-apiserver"
        );
        assert_eq!(
            ImageRef::parse("kube-proxy").name_without_arch(),
            "kube-proxy"
        );
        assert_eq!(ImageRef::parse("-amd64").name_without_arch(), "-amd64");
    }

    #[test]
    fn upstream_hyperkube_bounds_the_release() {
        for image in [
            "gcr.io/google_containers/hyperkube-amd64:__RELEASE__",
            "gcr.io/google-containers/hyperkube:{K8S_VERSION}",
            "k8s.gcr.io/hyperkube:v1.18.20",
            "registry.k8s.io/hyperkube-arm64",
        ] {
            assert_eq!(
                newest_release_of_image(image),
                Some(UPSTREAM_HYPERKUBE_LAST),
                "{image}"
            );
        }
        for image in [
            "rancher/hyperkube:v1.26.4-rancher2",
            "quay.io/coreos/hyperkube:v1.10.0_coreos.0",
            "registry.k8s.io/kube-apiserver:v1.30.4",
            "k8s.gcr.io/hyperkube-operator:v1",
            "",
        ] {
            assert_eq!(newest_release_of_image(image), None, "{image}");
        }
    }

    // --- facts ---

    #[test]
    fn insecure_port_default_changes_at_1_20() {
        assert_eq!(insecure_port_default(v("v1.19.16")), 8080);
        assert_eq!(insecure_port_default(v("v1.19")), 8080);
        assert_eq!(insecure_port_default(v("v1.9.11")), 8080);
        assert_eq!(insecure_port_default(v("v1.20.0")), 0);
        assert_eq!(insecure_port_default(v("v1.20")), 0);
        assert_eq!(insecure_port_default(ASSUMED_CURRENT), 0);
    }

    #[test]
    fn insecure_port_only_zero_from_1_20_to_1_23() {
        assert!(!insecure_port_only_zero(v("v1.19.16")));
        assert!(insecure_port_only_zero(v("v1.20.0")));
        assert!(insecure_port_only_zero(v("v1.23.17")));
        assert!(!insecure_port_only_zero(v("v1.24.0")));
        assert!(!insecure_port_only_zero(ASSUMED_CURRENT));
    }

    #[test]
    fn insecure_flags_removed_at_1_24() {
        for flag in ["insecure-port", "insecure-bind-address", "port", "address"] {
            let removed = removed_in(Component::ApiServer, flag).unwrap();
            assert_eq!(removed.removed_in, INSECURE_FLAGS_REMOVED_IN, "{flag}");
            assert!(!removed.is_removed_in(v("v1.23.17")), "{flag}");
            assert!(removed.is_removed_in(v("v1.24.0")), "{flag}");
            assert!(removed.is_removed_in(v("v1.24")), "{flag}");
        }
    }

    #[test]
    fn other_removals_at_their_boundaries() {
        let cases = [
            (
                Component::ApiServer,
                "basic-auth-file",
                "v1.18.20",
                "v1.19.0",
            ),
            (Component::ApiServer, "kubelet-https", "v1.21.14", "v1.22.0"),
            (Component::Kubelet, "cadvisor-port", "v1.11.10", "v1.12.0"),
            (
                Component::Kubelet,
                "allow-privileged",
                "v1.14.10",
                "v1.15.0",
            ),
            (Component::Kubelet, "network-plugin", "v1.23.17", "v1.24.0"),
        ];
        for (component, flag, last_with, first_without) in cases {
            let removed = removed_in(component, flag).unwrap();
            assert!(!removed.is_removed_in(v(last_with)), "{flag}");
            assert!(removed.is_removed_in(v(first_without)), "{flag}");
        }
    }

    #[test]
    fn removed_in_is_per_component_and_accepts_dashes() {
        assert!(removed_in(Component::ApiServer, "--basic-auth-file").is_some());
        assert!(removed_in(Component::ApiServer, "-basic-auth-file").is_some());
        // kube-apiserver still has its own --allow-privileged.
        assert!(removed_in(Component::ApiServer, "allow-privileged").is_none());
        assert!(removed_in(Component::Kubelet, "insecure-port").is_none());
        // Deprecated but still accepted.
        assert!(removed_in(Component::ApiServer, "admission-control").is_none());
        assert!(removed_in(Component::ApiServer, "").is_none());
    }

    #[test]
    fn removed_flags_table_is_well_formed() {
        for (i, entry) in REMOVED_FLAGS.iter().enumerate() {
            assert!(!entry.flag.is_empty());
            assert!(!entry.flag.starts_with('-'), "{}", entry.flag);
            assert!(
                entry
                    .flag
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                entry.flag
            );
            assert_eq!(entry.removed_in.patch, None, "{}", entry.flag);
            assert!(!entry.removed_in.is_before(KubeVersion::new(1, 0)));
            assert!(
                entry.removed_in.is_before(ASSUMED_CURRENT),
                "{}",
                entry.flag
            );
            assert!(
                !entry.note.is_empty() && !entry.note.ends_with('.'),
                "{}",
                entry.flag
            );
            let duplicate = REMOVED_FLAGS[..i]
                .iter()
                .any(|e| e.component == entry.component && e.flag == entry.flag);
            assert!(!duplicate, "duplicate entry for {}", entry.flag);
        }
    }

    #[test]
    fn assumed_current_is_a_release() {
        assert_eq!(ASSUMED_CURRENT.patch, None);
        assert_eq!(ASSUMED_CURRENT.to_string(), "v1.37");
        assert!(!ASSUMED_CURRENT.is_before(INSECURE_FLAGS_REMOVED_IN));
    }
}

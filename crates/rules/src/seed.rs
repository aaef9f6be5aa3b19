//! The recommendations of the secure-configuration seed document, and the rules enforcing
//! each. `docs/rules/README.md` prints this table; a registry test checks every code exists.

use crate::Section;

/// How the seed document marks a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// ✅
    Recommended,
    /// ❌
    NotRecommended,
}

impl Mark {
    #[must_use]
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Recommended => "✅",
            Self::NotRecommended => "❌",
        }
    }
}

/// One recommendation, in our words.
#[derive(Debug)]
pub struct SeedItem {
    pub section: Section,
    pub mark: Mark,
    pub text: &'static str,
    pub codes: &'static [&'static str],
}

const fn item(
    section: Section,
    mark: Mark,
    text: &'static str,
    codes: &'static [&'static str],
) -> SeedItem {
    SeedItem {
        section,
        mark,
        text,
        codes,
    }
}

use Mark::{NotRecommended, Recommended};
use Section::{ApiServer, Dashboard, Etcd, Kubelet};

pub static SEED: &[SeedItem] = &[
    item(
        ApiServer,
        NotRecommended,
        "leaving the insecure port (8080 by default on old releases) open",
        &["KAPI001"],
    ),
    item(
        ApiServer,
        Recommended,
        "disable the insecure port: `--insecure-port=0`",
        &["KAPI001"],
    ),
    item(
        ApiServer,
        Recommended,
        "make sure `--insecure-bind-address` is not set",
        &["KAPI002"],
    ),
    item(
        Kubelet,
        Recommended,
        "disable anonymous access: `--anonymous-auth=false`",
        &["KLET001", "KAPI003"],
    ),
    item(
        Kubelet,
        Recommended,
        "the API server identifies itself to kubelets: `--kubelet-client-certificate`, `--kubelet-client-key`",
        &["KLET002", "KLET007"],
    ),
    item(
        Kubelet,
        Recommended,
        "authorize requests: `--authorization-mode=Webhook`, anything but `AlwaysAllow`",
        &["KLET003", "KAPI004"],
    ),
    item(
        Kubelet,
        Recommended,
        "limit kubelets' permissions: `NodeRestriction` in the admission plugins",
        &["KLET004", "KLET006"],
    ),
    item(
        Kubelet,
        Recommended,
        "turn off the read-only port: `--read-only-port=0`",
        &["KLET005"],
    ),
    item(
        Etcd,
        Recommended,
        "serve etcd over HTTPS: `--cert-file`, `--key-file`",
        &["KETC001", "KETC010"],
    ),
    item(
        Etcd,
        Recommended,
        "require client authentication: `--client-cert-auth=true`",
        &["KETC002"],
    ),
    item(
        Etcd,
        Recommended,
        "name the CA that signs client certificates: `--trusted-ca-file`",
        &["KETC003", "KETC011"],
    ),
    item(
        Etcd,
        Recommended,
        "no self-signed certificates: `--auto-tls=false`",
        &["KETC004"],
    ),
    item(
        Etcd,
        Recommended,
        "peers authenticate each other: `--peer-client-cert-auth=true`",
        &["KETC005"],
    ),
    item(
        Etcd,
        Recommended,
        "no self-signed peer certificates: `--peer-auto-tls=false`",
        &["KETC006"],
    ),
    item(
        Etcd,
        Recommended,
        "peer TLS files: `--peer-cert-file`, `--peer-key-file`, `--peer-trusted-ca-file`",
        &["KETC007"],
    ),
    item(
        Etcd,
        Recommended,
        "the API server checks etcd's certificate: `--etcd-cafile`",
        &["KETC008"],
    ),
    item(
        Etcd,
        Recommended,
        "the API server identifies itself to etcd: `--etcd-certfile`, `--etcd-keyfile`",
        &["KETC009"],
    ),
    item(
        Dashboard,
        Recommended,
        "allow only authenticated access",
        &["KDSH001", "KDSH002"],
    ),
    item(
        Dashboard,
        Recommended,
        "use RBAC, and give users only what they need",
        &["KDSH003"],
    ),
    item(
        Dashboard,
        Recommended,
        "give the Dashboard's service account limited access (Skip logs in as it)",
        &["KDSH004", "KDSH001"],
    ),
    item(
        Dashboard,
        Recommended,
        "do not expose the Dashboard to the public internet",
        &["KDSH005"],
    ),
];

//! Which values a component accepts: the checks its flag parser and its start-up validation
//! make before it serves anything.
//!
//! [`spec`](super::spec) says how a flag takes its value; this module says what the value must
//! look like. A value that fails these checks stops the component at start-up (`invalid
//! argument "abc" for "--read-only-port" flag: strconv.ParseInt: parsing "abc": invalid
//! syntax`), so rules report it rather than reason about it.
//!
//! Sources: the flag registrations of kube-apiserver (`pkg/kubeapiserver/options`,
//! `k8s.io/apiserver/pkg/server/options`), the kubelet (`cmd/kubelet/app/options/options.go`)
//! and its configuration validation (`pkg/kubelet/apis/config/validation`), the controller
//! manager and scheduler (`InsecureServingOptions`, `SecureServingOptions`), etcd
//! (`server/etcdmain/config.go` v3.4-v3.6) and the Dashboard v2 argument list. Only flags
//! whose Go type is certain are listed; everything else is a string to this module.

use super::{FlagSet, FlagValue, parse_go_bool};
use crate::component::Component;
use crate::source::Location;
use crate::yaml::Scalar;
use crate::yaml::scalar::TypeMismatch;

/// What a flag's value (or a config field) must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Go's `strconv.ParseBool`.
    Bool,
    /// `--version`: a boolean, or `raw`.
    VersionFlag,
    /// `strconv.ParseInt(s, 0, bits)`: decimal, `0x`/`0o`/`0b`/leading-`0` prefixes, `_`
    /// between digits, an optional sign.
    Int { bits: u32 },
    /// `strconv.ParseUint(s, 0, bits)`: as [`Self::Int`] without a sign.
    Uint { bits: u32 },
    /// A TCP port: an integer the component then checks is within `0..=65535`.
    Port { bits: u32 },
    /// One of these words, compared case-sensitively.
    OneOf(&'static [&'static str]),
    /// A comma list of these words, each at most once, compared case-sensitively.
    ModeList(&'static [&'static str]),
}

/// Why a value is rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a boolean Go accepts (`true`/`false`, `t`/`f`, `1`/`0` and capitalized forms).
    NotBool,
    /// Not an integer of this size.
    NotInteger { bits: u32, unsigned: bool },
    /// A number outside what the component accepts.
    OutOfRange { min: i64, max: i64 },
    /// Not one of the words the component knows.
    NotOneOf { allowed: &'static [&'static str] },
    /// An item given a second time in a list that must not repeat; `first` is the earlier one.
    Repeated { first: Location },
    /// A quoted YAML string where a typed config field needs a boolean or a number: Kubernetes
    /// cannot decode the document. `expected` is `boolean` or `integer`.
    Quoted { expected: &'static str },
}

/// A value (or one item of a list value) the component rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedValue {
    /// The flag's normalized name (`read-only-port`).
    pub flag: String,
    /// The rejected text.
    pub text: String,
    /// Where the rejected text is.
    pub location: Location,
    pub rejection: Rejection,
}

/// The authorizers kube-apiserver knows for `--authorization-mode`.
pub const APISERVER_AUTHORIZATION_MODES: &[&str] = &[
    "AlwaysAllow",
    "AlwaysDeny",
    "ABAC",
    "Webhook",
    "RBAC",
    "Node",
];

/// The authorizers the kubelet knows for `--authorization-mode` / `authorization.mode`.
pub const KUBELET_AUTHORIZATION_MODES: &[&str] = &["AlwaysAllow", "Webhook"];

/// The highest TCP port.
const MAX_PORT: i64 = 65_535;

use ValueType::{Int, ModeList, OneOf, Port, Uint};

/// The value type of `component`'s flag `name` (without dashes); `None` for strings, durations,
/// lists and flags kubeharden does not know.
#[must_use]
pub fn value_type(component: Component, name: &str) -> Option<ValueType> {
    let name = super::spec::normalize_name(component, name);
    if name == "version" && component.uses_pflag() {
        return Some(ValueType::VersionFlag);
    }
    if super::spec::flag_kind(component, &name).is_some_and(super::FlagKind::is_bool) {
        return Some(ValueType::Bool);
    }
    let table = match component {
        Component::ApiServer => API_SERVER_VALUES,
        Component::Kubelet => KUBELET_VALUES,
        Component::ControllerManager => CONTROLLER_MANAGER_VALUES,
        Component::Scheduler => SCHEDULER_VALUES,
        Component::Etcd => ETCD_VALUES,
        Component::Dashboard => DASHBOARD_VALUES,
    };
    table
        .iter()
        .find(|(flag, _)| *flag == name)
        .map(|(_, value_type)| *value_type)
}

/// kube-apiserver: `IntVar` flags are parsed as 64-bit, `UintVar` as unsigned 64-bit.
const API_SERVER_VALUES: &[(&str, ValueType)] = &[
    ("apiserver-count", Int { bits: 64 }),
    ("audit-log-batch-buffer-size", Int { bits: 64 }),
    ("audit-log-batch-max-size", Int { bits: 64 }),
    ("audit-log-batch-throttle-burst", Int { bits: 64 }),
    ("audit-log-maxage", Int { bits: 64 }),
    ("audit-log-maxbackup", Int { bits: 64 }),
    ("audit-log-maxsize", Int { bits: 64 }),
    ("audit-webhook-batch-buffer-size", Int { bits: 64 }),
    ("audit-webhook-batch-max-size", Int { bits: 64 }),
    ("audit-webhook-batch-throttle-burst", Int { bits: 64 }),
    (
        "authorization-mode",
        ModeList(APISERVER_AUTHORIZATION_MODES),
    ),
    ("default-not-ready-toleration-seconds", Int { bits: 64 }),
    ("default-unreachable-toleration-seconds", Int { bits: 64 }),
    ("default-watch-cache-size", Int { bits: 64 }),
    ("delete-collection-workers", Int { bits: 64 }),
    ("http2-max-streams-per-connection", Int { bits: 64 }),
    // Insecure serving: checked against 0..=65535 before v1.20, only 0 from v1.20 (a version
    // fact, see `crate::version::insecure_port_only_zero`), gone in v1.24.
    ("insecure-port", Port { bits: 64 }),
    ("kubelet-port", Uint { bits: 64 }),
    ("kubelet-read-only-port", Uint { bits: 64 }),
    ("kubernetes-service-node-port", Int { bits: 64 }),
    ("max-mutating-requests-inflight", Int { bits: 64 }),
    ("max-requests-inflight", Int { bits: 64 }),
    ("min-request-timeout", Int { bits: 64 }),
    ("port", Port { bits: 64 }),
    ("secure-port", Port { bits: 64 }),
    ("target-ram-mb", Int { bits: 64 }),
];

/// The kubelet registers its numbers as `Int32Var` (`Int64Var` for `--max-open-files`); its
/// configuration validation then checks the two ports.
const KUBELET_VALUES: &[(&str, ValueType)] = &[
    ("authorization-mode", OneOf(KUBELET_AUTHORIZATION_MODES)),
    ("cadvisor-port", Int { bits: 32 }),
    ("container-log-max-files", Int { bits: 32 }),
    ("event-burst", Int { bits: 32 }),
    ("event-qps", Int { bits: 32 }),
    ("healthz-port", Int { bits: 32 }),
    ("image-gc-high-threshold", Int { bits: 32 }),
    ("image-gc-low-threshold", Int { bits: 32 }),
    ("kube-api-burst", Int { bits: 32 }),
    ("kube-api-qps", Int { bits: 32 }),
    ("max-open-files", Int { bits: 64 }),
    ("max-pods", Int { bits: 32 }),
    ("node-status-max-images", Int { bits: 32 }),
    ("oom-score-adj", Int { bits: 32 }),
    ("pods-per-core", Int { bits: 32 }),
    ("port", Port { bits: 32 }),
    ("read-only-port", Port { bits: 32 }),
    ("registry-burst", Int { bits: 32 }),
    ("registry-qps", Int { bits: 32 }),
];

const CONTROLLER_MANAGER_VALUES: &[(&str, ValueType)] = &[
    ("concurrent-deployment-syncs", Int { bits: 32 }),
    ("concurrent-endpoint-syncs", Int { bits: 32 }),
    ("concurrent-gc-syncs", Int { bits: 32 }),
    ("concurrent-namespace-syncs", Int { bits: 32 }),
    ("concurrent-replicaset-syncs", Int { bits: 32 }),
    ("concurrent-resource-quota-syncs", Int { bits: 32 }),
    ("concurrent-service-syncs", Int { bits: 32 }),
    ("concurrent-serviceaccount-token-syncs", Int { bits: 32 }),
    ("kube-api-burst", Int { bits: 32 }),
    ("large-cluster-size-threshold", Int { bits: 32 }),
    ("node-cidr-mask-size", Int { bits: 32 }),
    ("port", Port { bits: 64 }),
    ("secure-port", Port { bits: 64 }),
    ("terminated-pod-gc-threshold", Int { bits: 32 }),
];

const SCHEDULER_VALUES: &[(&str, ValueType)] = &[
    ("hard-pod-affinity-symmetric-weight", Int { bits: 32 }),
    ("kube-api-burst", Int { bits: 32 }),
    ("port", Port { bits: 64 }),
    ("secure-port", Port { bits: 64 }),
];

/// etcd's Go `flag` numbers: `UintVar`/`Uint64Var` reject a sign, `Int64Var`/`IntVar` accept
/// one (64-bit platforms).
const ETCD_VALUES: &[(&str, ValueType)] = &[
    ("backend-batch-limit", Int { bits: 64 }),
    ("election-timeout", Uint { bits: 64 }),
    ("heartbeat-interval", Uint { bits: 64 }),
    ("max-request-bytes", Uint { bits: 64 }),
    ("max-snapshots", Uint { bits: 64 }),
    ("max-txn-ops", Uint { bits: 64 }),
    ("max-wals", Uint { bits: 64 }),
    ("quota-backend-bytes", Int { bits: 64 }),
    ("snapshot-count", Uint { bits: 64 }),
];

/// The Dashboard's ports fail in `net.Listen` when out of range.
const DASHBOARD_VALUES: &[(&str, ValueType)] = &[
    ("insecure-port", Port { bits: 64 }),
    ("metric-client-check-period", Int { bits: 64 }),
    ("port", Port { bits: 64 }),
    ("token-ttl", Int { bits: 64 }),
];

/// `KubeletConfiguration` (`kubelet.config.k8s.io/v1beta1`) fields with a boolean, integer or
/// enumerated type, as dotted paths. Every key under `featureGates` is a boolean too.
const KUBELET_CONFIG_FIELDS: &[(&str, ValueType)] = &[
    ("authentication.anonymous.enabled", ValueType::Bool),
    ("authentication.webhook.enabled", ValueType::Bool),
    ("authorization.mode", OneOf(KUBELET_AUTHORIZATION_MODES)),
    ("cgroupsPerQOS", ValueType::Bool),
    ("containerLogMaxFiles", Int { bits: 32 }),
    ("containerLogMaxWorkers", Int { bits: 32 }),
    ("cpuCFSQuota", ValueType::Bool),
    ("enableContentionProfiling", ValueType::Bool),
    ("enableControllerAttachDetach", ValueType::Bool),
    ("enableDebuggingHandlers", ValueType::Bool),
    ("enableProfilingHandler", ValueType::Bool),
    ("enableServer", ValueType::Bool),
    ("enableSystemLogHandler", ValueType::Bool),
    ("enableSystemLogQuery", ValueType::Bool),
    ("eventBurst", Int { bits: 32 }),
    ("eventRecordQPS", Int { bits: 32 }),
    ("evictionMaxPodGracePeriod", Int { bits: 32 }),
    ("failCgroupV1", ValueType::Bool),
    ("failSwapOn", ValueType::Bool),
    ("healthzPort", Int { bits: 32 }),
    ("imageGCHighThresholdPercent", Int { bits: 32 }),
    ("imageGCLowThresholdPercent", Int { bits: 32 }),
    ("iptablesDropBit", Int { bits: 32 }),
    ("iptablesMasqueradeBit", Int { bits: 32 }),
    ("kernelMemcgNotification", ValueType::Bool),
    ("kubeAPIBurst", Int { bits: 32 }),
    ("kubeAPIQPS", Int { bits: 32 }),
    ("localStorageCapacityIsolation", ValueType::Bool),
    ("makeIPTablesUtilChains", ValueType::Bool),
    ("maxOpenFiles", Int { bits: 64 }),
    ("maxParallelImagePulls", Int { bits: 32 }),
    ("maxPods", Int { bits: 32 }),
    ("nodeLeaseDurationSeconds", Int { bits: 32 }),
    ("nodeStatusMaxImages", Int { bits: 32 }),
    ("oomScoreAdj", Int { bits: 32 }),
    ("podPidsLimit", Int { bits: 64 }),
    ("podsPerCore", Int { bits: 32 }),
    // `port: 0` is defaulted to 10250 in a config file, so only the range is checked.
    ("port", Port { bits: 32 }),
    ("protectKernelDefaults", ValueType::Bool),
    ("readOnlyPort", Port { bits: 32 }),
    ("registerNode", ValueType::Bool),
    ("registryBurst", Int { bits: 32 }),
    ("registryPullQPS", Int { bits: 32 }),
    ("rotateCertificates", ValueType::Bool),
    ("seccompDefault", ValueType::Bool),
    ("serializeImagePulls", ValueType::Bool),
    ("serverTLSBootstrap", ValueType::Bool),
];

/// The type of a `KubeletConfiguration` field given as a dotted path
/// (`authentication.anonymous.enabled`); `None` for strings, durations, quantities and fields
/// kubeharden does not know.
#[must_use]
pub fn kubelet_config_type(path: &str) -> Option<ValueType> {
    if path
        .strip_prefix("featureGates.")
        .is_some_and(|gate| !gate.is_empty())
    {
        return Some(ValueType::Bool);
    }
    KUBELET_CONFIG_FIELDS
        .iter()
        .find(|(field, _)| *field == path)
        .map(|(_, value_type)| *value_type)
}

/// Whether `text` looks like a placeholder of a templating step that runs before the component
/// does, or a variable something expands first: the real value is unknown, so it is neither
/// accepted nor rejected. Recognized anywhere in the text: `${PORT}`, `$(PORT)` (Kubernetes),
/// `$PORT` (a shell or systemd variable), `{{ .port }}` (Go templates, Jinja), `<%= @port %>`
/// (ERB), `<node-ip>` (a name to fill in); as the whole text: `{PORT}`, `__PORT__`.
#[must_use]
pub fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    let ident = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    text.contains("${")
        || text.contains("$(")
        || text.contains("{{")
        || text.contains("<%")
        || has_shell_variable(text)
        || has_angle_name(text)
        || text
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .is_some_and(ident)
        || (text.len() > 4
            && text
                .strip_prefix("__")
                .and_then(|t| t.strip_suffix("__"))
                .is_some_and(ident))
}

/// A `$NAME` reference (`$$` is a literal dollar for systemd and make).
fn has_shell_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'$', b'$') => i += 2,
            (b'$', next) if next.is_ascii_alphabetic() || next == b'_' => return true,
            _ => i += 1,
        }
    }
    false
}

/// A `<name to fill in>`: a letter after `<`, then letters, digits, spaces, `_`, `-`, `.` up to
/// `>` (`<node-ip>`, `<your token>`, `https://<master>:6443`).
fn has_angle_name(text: &str) -> bool {
    text.split('<').skip(1).any(|rest| {
        rest.split_once('>').is_some_and(|(name, _)| {
            name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-' | b'.'))
        })
    })
}

/// An upper-case token a `sed` step replaces (`AUTHZ_MODES`, `PORT`): a placeholder where a
/// number or a boolean belongs (no such value is a word), and where a word of a known set
/// belongs when it has an underscore (a bare `RBAC` or `NODE` is a value, right or wrong).
#[must_use]
pub fn is_token_placeholder(value_type: Option<ValueType>, text: &str) -> bool {
    let token = text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let numeric = matches!(
        value_type,
        Some(ValueType::Bool | ValueType::VersionFlag | Int { .. } | Uint { .. } | Port { .. })
    );
    token && (numeric || text.contains('_'))
}

/// Whether `text`, where a value of `value_type` belongs, is a placeholder: [`is_placeholder`],
/// or an upper-case token ([`is_token_placeholder`]).
#[must_use]
pub fn is_placeholder_for(value_type: Option<ValueType>, text: &str) -> bool {
    is_placeholder(text) || is_token_placeholder(value_type, text.trim())
}

/// Checks one text against a type. `None` when it is accepted.
#[must_use]
pub fn check_text(value_type: ValueType, text: &str) -> Option<Rejection> {
    match value_type {
        ValueType::Bool => parse_go_bool(text).err().map(|_| Rejection::NotBool),
        ValueType::VersionFlag => {
            (text != "raw" && parse_go_bool(text).is_err()).then_some(Rejection::NotBool)
        }
        Int { bits } => parse_go_int(text, bits)
            .is_none()
            .then_some(Rejection::NotInteger {
                bits,
                unsigned: false,
            }),
        Uint { bits } => parse_go_uint(text, bits)
            .is_none()
            .then_some(Rejection::NotInteger {
                bits,
                unsigned: true,
            }),
        Port { bits } => match parse_go_int(text, bits) {
            None => Some(Rejection::NotInteger {
                bits,
                unsigned: false,
            }),
            Some(port) => port_range(port),
        },
        OneOf(allowed) | ModeList(allowed) => {
            (!allowed.contains(&text)).then_some(Rejection::NotOneOf { allowed })
        }
    }
}

fn port_range(port: i64) -> Option<Rejection> {
    (!(0..=MAX_PORT).contains(&port)).then_some(Rejection::OutOfRange {
        min: 0,
        max: MAX_PORT,
    })
}

/// Every value in `flags` its component rejects, in argv order: a boolean that is not one, a
/// number that does not parse or is out of range, a word the component does not know, a mode
/// listed twice.
///
/// Left out, for the caller to report in its own words: bare non-boolean flags
/// ([`super::Flag::missing_value`]), separate values that look like flags
/// ([`FlagValue::looks_like_flag`]), and values that are placeholders ([`is_placeholder`]).
/// Empty items of a comma list are not checked.
#[must_use]
pub fn rejected_values(flags: &FlagSet) -> Vec<RejectedValue> {
    let Some(component) = flags.component() else {
        return Vec::new();
    };
    let mut rejected = Vec::new();
    let mut seen_modes: Vec<(String, String, Location)> = Vec::new();
    for flag in flags.iter() {
        let Some(value_type) = value_type(component, flag.key()) else {
            continue;
        };
        let Some(value) = flag.value.as_ref() else {
            continue;
        };
        if value.looks_like_flag || is_placeholder_for(Some(value_type), &value.text) {
            continue;
        }
        if let ModeList(_) = value_type {
            for (text, location) in items(value) {
                if is_placeholder_for(Some(value_type), &text) {
                    continue;
                }
                let earlier = seen_modes
                    .iter()
                    .find(|(key, mode, _)| key == flag.key() && *mode == text)
                    .map(|(_, _, location)| *location);
                let rejection = check_text(value_type, &text)
                    .or_else(|| earlier.map(|first| Rejection::Repeated { first }));
                if rejection.is_none() {
                    seen_modes.push((flag.key().to_owned(), text.clone(), location));
                }
                if let Some(rejection) = rejection {
                    rejected.push(RejectedValue {
                        flag: flag.key().to_owned(),
                        text,
                        location,
                        rejection,
                    });
                }
            }
            continue;
        }
        if let Some(rejection) = check_text(value_type, &value.text) {
            rejected.push(RejectedValue {
                flag: flag.key().to_owned(),
                text: value.text.clone(),
                location: value.location(),
                rejection,
            });
        }
    }
    rejected
}

/// The non-empty comma-separated items of a value, with their spans.
fn items(value: &FlagValue) -> Vec<(String, Location)> {
    let mut out = Vec::new();
    let mut start = 0;
    for item in value.text.split(',') {
        let range = start..start + item.len();
        start = range.end + 1;
        if !item.is_empty() {
            out.push((item.to_owned(), value.location_of(range)));
        }
    }
    out
}

/// Checks a `KubeletConfiguration` scalar at `path` the way the kubelet decodes and validates
/// it; `None` when it is accepted, the field is untyped, or the value is null or a placeholder.
///
/// Booleans and integers follow sigs.k8s.io/yaml (YAML 1.1 plain scalars: `yes`/`off` are
/// booleans, `0644` is octal); a quoted scalar is a string and cannot fill a boolean or
/// integer field.
#[must_use]
pub fn check_kubelet_config(path: &str, scalar: &Scalar<'_>) -> Option<Rejection> {
    let value_type = kubelet_config_type(path)?;
    if scalar.is_null() || is_placeholder_for(Some(value_type), &scalar.value) {
        return None;
    }
    let quoted = |expected| Some(Rejection::Quoted { expected });
    match value_type {
        ValueType::Bool | ValueType::VersionFlag => match scalar.k8s_bool() {
            Ok(_) => None,
            Err(TypeMismatch::Quoted) => quoted("boolean"),
            Err(TypeMismatch::Invalid) => Some(Rejection::NotBool),
        },
        Int { bits } | Uint { bits } | Port { bits } => match scalar.k8s_int() {
            Err(TypeMismatch::Quoted) => quoted("integer"),
            Err(TypeMismatch::Invalid) => Some(Rejection::NotInteger {
                bits,
                unsigned: matches!(value_type, Uint { .. }),
            }),
            Ok(number) => {
                let fits = match value_type {
                    Uint { .. } => number >= 0,
                    _ => fits_signed(number, bits),
                };
                if !fits {
                    Some(Rejection::NotInteger {
                        bits,
                        unsigned: matches!(value_type, Uint { .. }),
                    })
                } else if matches!(value_type, Port { .. }) {
                    port_range(number)
                } else {
                    None
                }
            }
        },
        OneOf(_) | ModeList(_) => check_text(value_type, &scalar.value),
    }
}

fn fits_signed(number: i64, bits: u32) -> bool {
    if bits >= 64 {
        return true;
    }
    let limit = 1_i64 << (bits - 1);
    (-limit..limit).contains(&number)
}

/// Go's `strconv.ParseInt(text, 0, bits)`.
#[must_use]
pub fn parse_go_int(text: &str, bits: u32) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = i128::from(parse_unsigned(digits)?);
    let limit = 1_i128 << (bits.clamp(1, 64) - 1);
    let value = if negative { -magnitude } else { magnitude };
    if value < -limit || value >= limit {
        return None;
    }
    i64::try_from(value).ok()
}

/// Go's `strconv.ParseUint(text, 0, bits)` (no sign allowed).
#[must_use]
pub fn parse_go_uint(text: &str, bits: u32) -> Option<u64> {
    let value = parse_unsigned(text)?;
    let bits = bits.clamp(1, 64);
    (bits == 64 || value < (1_u64 << bits)).then_some(value)
}

/// Base-0 digits without a sign: `0x1f`, `0o17`, `017`, `0b101`, `1_000`.
fn parse_unsigned(text: &str) -> Option<u64> {
    if text.is_empty() || !underscores_ok(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let (radix, digits) = if bytes[0] == b'0' && bytes.len() >= 3 {
        match bytes[1].to_ascii_lowercase() {
            b'x' => (16, &text[2..]),
            b'o' => (8, &text[2..]),
            b'b' => (2, &text[2..]),
            _ => (8, &text[1..]),
        }
    } else if bytes[0] == b'0' {
        (8, &text[1..])
    } else {
        (10, text)
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        // `0` alone (and `0_`, rejected above) is zero; a bare prefix is not a number.
        return (text == "0").then_some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}

/// Go's rule for `_` in base-0 numbers: only between digits, or between a base prefix and a
/// digit.
fn underscores_ok(text: &str) -> bool {
    if !text.contains('_') {
        return true;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    // 'd' after a digit or prefix, '_' after an underscore, '^' at the start, '!' otherwise.
    let mut saw = b'^';
    let mut hex = false;
    if bytes.len() >= 2
        && bytes[0] == b'0'
        && matches!(bytes[1].to_ascii_lowercase(), b'b' | b'o' | b'x')
    {
        i = 2;
        saw = b'd';
        hex = bytes[1].eq_ignore_ascii_case(&b'x');
    }
    for &b in &bytes[i..] {
        if b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()) {
            saw = b'd';
        } else if b == b'_' {
            if saw != b'd' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::spec::{FlagKind, flag_kind};
    use crate::flags::{FlagSet, Word};
    use crate::source::{FileId, MappedText, Span, TextMap};

    fn flags(component: Component, words: &[&str]) -> (String, FlagSet) {
        let mut source = String::new();
        let mut mapped = Vec::new();
        for word in words {
            let start = source.len();
            source.push_str(word);
            mapped.push(Word::written(
                FileId(0),
                MappedText::new(
                    *word,
                    Span::new(start, start + word.len()),
                    TextMap::verbatim(start, word.len()),
                ),
            ));
            source.push(' ');
        }
        let set = FlagSet::parse(component, &mapped);
        (source, set)
    }

    #[test]
    fn go_integers() {
        for (text, expected) in [
            ("0", Some(0)),
            ("10255", Some(10255)),
            ("-999", Some(-999)),
            ("+5", Some(5)),
            ("0x1F", Some(31)),
            ("0o17", Some(15)),
            ("017", Some(15)),
            ("0b101", Some(5)),
            ("1_000", Some(1000)),
            ("0x_1f", Some(31)),
            ("2147483647", Some(2_147_483_647)),
        ] {
            assert_eq!(parse_go_int(text, 64), expected, "{text}");
        }
        for text in [
            "", "abc", "10255 ", " 1", "1.0", "1e3", "089", "0x", "_1", "1_", "1__0", "--1", "0b",
        ] {
            assert_eq!(parse_go_int(text, 64), None, "{text:?}");
        }
        assert_eq!(parse_go_int("2147483648", 32), None);
        assert_eq!(parse_go_int("-2147483648", 32), Some(-2_147_483_648));
        assert_eq!(parse_go_int("9223372036854775807", 64), Some(i64::MAX));
        assert_eq!(parse_go_int("9223372036854775808", 64), None);
        assert_eq!(parse_go_int("-9223372036854775808", 64), Some(i64::MIN));
        assert_eq!(parse_go_uint("5", 64), Some(5));
        assert_eq!(parse_go_uint("+5", 64), None);
        assert_eq!(parse_go_uint("-5", 64), None);
        assert_eq!(parse_go_uint("18446744073709551615", 64), Some(u64::MAX));
    }

    #[test]
    fn every_typed_flag_exists_with_a_matching_kind() {
        let tables = [
            (Component::ApiServer, API_SERVER_VALUES),
            (Component::Kubelet, KUBELET_VALUES),
            (Component::ControllerManager, CONTROLLER_MANAGER_VALUES),
            (Component::Scheduler, SCHEDULER_VALUES),
            (Component::Etcd, ETCD_VALUES),
            (Component::Dashboard, DASHBOARD_VALUES),
        ];
        for (component, table) in tables {
            for pair in table.windows(2) {
                assert!(pair[0].0 < pair[1].0, "{component}: {}", pair[1].0);
            }
            for (name, value_type) in table {
                let expected = match value_type {
                    ModeList(_) => FlagKind::List,
                    _ => FlagKind::Scalar,
                };
                assert_eq!(
                    flag_kind(component, name),
                    Some(expected),
                    "{component} --{name}"
                );
            }
        }
        for pair in KUBELET_CONFIG_FIELDS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{}", pair[1].0);
        }
    }

    #[test]
    fn types_of_flags() {
        assert_eq!(
            value_type(Component::Kubelet, "read_only_port"),
            Some(Port { bits: 32 })
        );
        assert_eq!(
            value_type(Component::ApiServer, "anonymous-auth"),
            Some(ValueType::Bool)
        );
        assert_eq!(
            value_type(Component::ApiServer, "version"),
            Some(ValueType::VersionFlag)
        );
        assert_eq!(
            value_type(Component::Etcd, "version"),
            Some(ValueType::Bool)
        );
        assert_eq!(value_type(Component::ApiServer, "etcd-cafile"), None);
        assert_eq!(value_type(Component::ApiServer, "no-such-flag"), None);
        assert_eq!(
            kubelet_config_type("featureGates.Foo"),
            Some(ValueType::Bool)
        );
        assert_eq!(kubelet_config_type("featureGates."), None);
        assert_eq!(kubelet_config_type("address"), None);
    }

    #[test]
    fn rejected_flag_values() {
        let (source, set) = flags(
            Component::ApiServer,
            &[
                "--anonymous-auth=yes",
                "--secure-port=abc",
                "--insecure-port=70000",
                "--authorization-mode=Node,rbac,Node",
                "--authorization-mode",
                "RBAC,Node",
                "--profiling=false",
                "--version=raw",
                "--audit-log-maxage=$(AGE)",
                "--apiserver-count={COUNT}",
                "--max-requests-inflight",
                "--v=2",
            ],
        );
        let found: Vec<_> = rejected_values(&set)
            .into_iter()
            .map(|r| {
                (
                    r.flag,
                    r.text,
                    &source[r.location.span().range()],
                    r.rejection,
                )
            })
            .collect();
        let first_node = source.find("Node").unwrap_or_default();
        let first_node = Span::new(first_node, first_node + 4);
        assert_eq!(
            found,
            [
                (
                    "anonymous-auth".to_owned(),
                    "yes".to_owned(),
                    "yes",
                    Rejection::NotBool
                ),
                (
                    "secure-port".to_owned(),
                    "abc".to_owned(),
                    "abc",
                    Rejection::NotInteger {
                        bits: 64,
                        unsigned: false
                    }
                ),
                (
                    "insecure-port".to_owned(),
                    "70000".to_owned(),
                    "70000",
                    Rejection::OutOfRange { min: 0, max: 65535 }
                ),
                (
                    "authorization-mode".to_owned(),
                    "rbac".to_owned(),
                    "rbac",
                    Rejection::NotOneOf {
                        allowed: APISERVER_AUTHORIZATION_MODES
                    }
                ),
                (
                    "authorization-mode".to_owned(),
                    "Node".to_owned(),
                    "Node",
                    Rejection::Repeated {
                        first: Location::new(FileId(0), first_node)
                    }
                ),
                (
                    "authorization-mode".to_owned(),
                    "Node".to_owned(),
                    "Node",
                    Rejection::Repeated {
                        first: Location::new(FileId(0), first_node)
                    }
                ),
            ]
        );
        // `--max-requests-inflight --v=2` takes `--v=2` as its value: left to the caller.
        assert!(
            set.last("max-requests-inflight")
                .and_then(|f| f.value.as_ref())
                .is_some_and(|v| v.looks_like_flag)
        );
    }

    #[test]
    fn kubelet_and_etcd_values() {
        let (_, set) = flags(
            Component::Kubelet,
            &[
                "--authorization-mode=AlwaysDeny",
                "--read-only-port=0x2800",
                "--port=2147483648",
                "--oom-score-adj=-999",
            ],
        );
        let found: Vec<_> = rejected_values(&set)
            .into_iter()
            .map(|r| (r.text, r.rejection))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "AlwaysDeny".to_owned(),
                    Rejection::NotOneOf {
                        allowed: KUBELET_AUTHORIZATION_MODES
                    }
                ),
                (
                    "2147483648".to_owned(),
                    Rejection::NotInteger {
                        bits: 32,
                        unsigned: false
                    }
                ),
            ]
        );
        let (_, set) = flags(
            Component::Etcd,
            &[
                "--auto-tls=yes",
                "--snapshot-count=-1",
                "--quota-backend-bytes=-1",
            ],
        );
        let found: Vec<_> = rejected_values(&set).into_iter().map(|r| r.text).collect();
        assert_eq!(found, ["yes", "-1"]);
    }

    #[test]
    fn placeholders() {
        for text in [
            "${PORT}",
            "$(PORT)",
            "{{ .Values.port }}",
            "{PORT}",
            "{K8S_VERSION}",
            "__PORT__",
            "https://${HOST}:6443",
            "$PORT",
            "https://$MASTER_IP:6443",
            "<%= @port %>",
            "<%= node['k8s']['modes'] %>",
            "<node-ip>",
            "<your token>",
            "https://<master>:6443",
        ] {
            assert!(is_placeholder(text), "{text}");
        }
        for text in [
            "10255",
            "{}",
            "____",
            "abc",
            "{a b}",
            "__init",
            "1,2",
            "$$literal",
            "a$",
            "<>",
            "<1>",
            "a<b",
            "RBAC",
            "NODE_PORT",
        ] {
            assert!(!is_placeholder(text), "{text}");
        }
    }

    #[test]
    fn upper_case_tokens_are_placeholders_where_no_word_belongs() {
        let port = Some(Port { bits: 32 });
        let modes = Some(ModeList(&["Node", "RBAC"]));
        assert!(is_placeholder_for(port, "PORT"));
        assert!(is_placeholder_for(Some(ValueType::Bool), "ANONYMOUS_AUTH"));
        assert!(is_placeholder_for(modes, "AUTHZ_MODES"));
        // A word, right or wrong, where a word belongs; a lower-case one is never a token.
        assert!(!is_placeholder_for(modes, "RBAC"));
        assert!(!is_placeholder_for(modes, "RBCA"));
        assert!(!is_placeholder_for(port, "port"));
        assert!(!is_placeholder_for(None, "TLS"));
    }

    #[test]
    fn kubelet_config_scalars() {
        let text = "a: \"false\"\nb: yes\nc: \"10255\"\nd: 70000\ne: abc\nf: AlwaysDeny\ng: ${PORT}\nh:\ni: 0644\nj: 1\n";
        let stream = crate::yaml::load(text).unwrap_or_else(|e| panic!("{e:?}"));
        let root = stream.documents[0].root();
        let scalar = |key: &str| root.get(key).and_then(|n| n.scalar()).cloned();
        let check =
            |path: &str, key: &str| scalar(key).and_then(|s| check_kubelet_config(path, &s));
        assert_eq!(
            check("authentication.anonymous.enabled", "a"),
            Some(Rejection::Quoted {
                expected: "boolean"
            })
        );
        assert_eq!(check("authentication.anonymous.enabled", "b"), None);
        assert_eq!(check("featureGates.X", "j"), Some(Rejection::NotBool));
        assert_eq!(
            check("readOnlyPort", "c"),
            Some(Rejection::Quoted {
                expected: "integer"
            })
        );
        assert_eq!(
            check("readOnlyPort", "d"),
            Some(Rejection::OutOfRange { min: 0, max: 65535 })
        );
        assert_eq!(
            check("maxPods", "e"),
            Some(Rejection::NotInteger {
                bits: 32,
                unsigned: false
            })
        );
        assert_eq!(
            check("authorization.mode", "f"),
            Some(Rejection::NotOneOf {
                allowed: KUBELET_AUTHORIZATION_MODES
            })
        );
        assert_eq!(check("port", "g"), None);
        assert_eq!(check("readOnlyPort", "h"), None);
        assert_eq!(check("readOnlyPort", "i"), None);
        assert_eq!(check("address", "e"), None);
    }
}

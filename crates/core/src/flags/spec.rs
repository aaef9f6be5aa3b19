//! What the flag parser must know about each component's flags: how a value is taken and how
//! repeats combine.
//!
//! The tables hold the real types of the real flags, removed and legacy ones included (old
//! manifests still carry `--insecure-port`, `--basic-auth-file`, kubelet `--cadvisor-port`).
//! Sources: the kubernetes.io command-line reference pages of kube-apiserver (v1.20, v1.23 and
//! v1.35), kubelet (v1.34), kube-controller-manager and kube-scheduler (v1.18); etcd's own
//! flag registration (`etcdmain/config.go` v3.4, `embed/config.go` v3.6); the Dashboard's
//! argument docs (`docs/common/dashboard-arguments.md`, v2) and flag declarations (v2, v3).
//! Flags removed before those pages were written come from the pages of their own releases.
//!
//! Names are stored the way Kubernetes normalizes them (`_` becomes `-`, see
//! [`normalize_name`]); each table is sorted so lookups are a binary search, and a test keeps
//! it that way.

use std::borrow::Cow;

use crate::component::Component;

/// How a flag takes its value and how repeated occurrences combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlagKind {
    /// A boolean (pflag `NoOptDefVal = "true"`): a bare `--name` means true and the flag never
    /// consumes the next word; `false` must be written `--name=false`.
    Bool,
    /// One value (string, int, duration, IP, ...): the last occurrence wins.
    Scalar,
    /// A comma-separated list that accumulates across repeats (pflag `StringSlice`:
    /// `--enable-admission-plugins`, `--authorization-mode`).
    List,
    /// A comma-separated list whose repeat *replaces* the earlier one: etcd's URL and string
    /// lists (`--listen-client-urls`), kubelet `--register-with-taints`, klog `--vmodule`.
    ReplaceList,
    /// Repeats accumulate, and each occurrence is one item even if it contains commas (pflag
    /// `StringArray`, `--tls-sni-cert-key` `cert,key:names`, kubelet `--reserved-memory`).
    Array,
    /// Comma-separated `key=value` pairs merged across repeats (`--feature-gates`,
    /// `--runtime-config`, `--node-labels`, kubelet eviction thresholds with `<`).
    Map,
}

impl FlagKind {
    /// Whether a bare `--name` is complete, so the next word is never its value.
    #[must_use]
    pub const fn is_bool(self) -> bool {
        matches!(self, Self::Bool)
    }
}

use FlagKind::{Array, Bool, List, Map, ReplaceList, Scalar};

/// The kind of `name` (without dashes) for `component`; `None` for a flag we do not know,
/// which the component itself would reject at start-up.
#[must_use]
pub fn flag_kind(component: Component, name: &str) -> Option<FlagKind> {
    let name = normalize_name(component, name);
    tables(component)
        .iter()
        .find_map(|table| lookup(table, &name))
}

/// The name a component's flag parser matches: Kubernetes components register
/// `WordSepNormalizeFunc`, so `--anonymous_auth` is `--anonymous-auth`; etcd (Go `flag`) and
/// the Dashboard (plain pflag) compare names as written.
#[must_use]
pub fn normalize_name(component: Component, name: &str) -> Cow<'_, str> {
    if normalizes_separators(component) && name.contains('_') {
        Cow::Owned(name.replace('_', "-"))
    } else {
        Cow::Borrowed(name)
    }
}

/// The long name of a one-letter shorthand (`-v` is `--v`, `-h` is `--help`); etcd's Go
/// `flag` package has no shorthands (`-name` is the long flag).
#[must_use]
pub fn shorthand(component: Component, letter: char) -> Option<&'static str> {
    if !component.uses_pflag() {
        return None;
    }
    match letter {
        'v' => Some("v"),
        'h' => Some("help"),
        _ => None,
    }
}

/// Every flag known for `component`, with its kind (for did-you-mean suggestions).
pub fn known_flags(component: Component) -> impl Iterator<Item = (&'static str, FlagKind)> {
    tables(component)
        .iter()
        .flat_map(|table| table.iter().copied())
}

const fn normalizes_separators(component: Component) -> bool {
    !matches!(component, Component::Etcd | Component::Dashboard)
}

fn lookup(table: &[(&str, FlagKind)], name: &str) -> Option<FlagKind> {
    table
        .binary_search_by(|(probe, _)| (*probe).cmp(name))
        .ok()
        .map(|index| table[index].1)
}

fn tables(component: Component) -> &'static [&'static [(&'static str, FlagKind)]] {
    match component {
        Component::ApiServer => &[API_SERVER, KUBERNETES_COMMON],
        Component::Kubelet => &[KUBELET, KUBERNETES_COMMON],
        Component::ControllerManager => &[CONTROLLER_MANAGER, KUBERNETES_COMMON],
        Component::Scheduler => &[SCHEDULER, KUBERNETES_COMMON],
        Component::Etcd => &[ETCD],
        Component::Dashboard => &[DASHBOARD, KLOG_GO_FLAGS],
    }
}

/// Logging, help and version flags every Kubernetes component registers (klog flags were
/// removed in v1.26 but remain in older manifests).
const KUBERNETES_COMMON: &[(&str, FlagKind)] = &[
    ("add-dir-header", Bool),
    ("alsologtostderr", Bool),
    ("help", Bool),
    ("log-backtrace-at", Scalar),
    ("log-dir", Scalar),
    ("log-file", Scalar),
    ("log-file-max-size", Scalar),
    ("log-flush-frequency", Scalar),
    ("log-json-info-buffer-size", Scalar),
    ("log-json-split-stream", Bool),
    ("log-text-info-buffer-size", Scalar),
    ("log-text-split-stream", Bool),
    ("logging-format", Scalar),
    ("logtostderr", Bool),
    ("one-output", Bool),
    ("skip-headers", Bool),
    ("skip-log-headers", Bool),
    ("stderrthreshold", Scalar),
    ("v", Scalar),
    // `version[=true]`: optional value (`--version=raw`), never consumes the next word.
    ("version", Bool),
    ("vmodule", ReplaceList),
];

const API_SERVER: &[(&str, FlagKind)] = &[
    ("address", Scalar),
    ("admission-control", List),
    ("admission-control-config-file", Scalar),
    ("advertise-address", Scalar),
    ("aggregator-reject-forwarding-redirect", Bool),
    ("allow-metric-labels", Map),
    ("allow-metric-labels-manifest", Scalar),
    ("allow-privileged", Bool),
    ("anonymous-auth", Bool),
    ("api-audiences", List),
    ("apiserver-count", Scalar),
    ("audit-dynamic-configuration", Bool),
    ("audit-log-batch-buffer-size", Scalar),
    ("audit-log-batch-max-size", Scalar),
    ("audit-log-batch-max-wait", Scalar),
    ("audit-log-batch-throttle-burst", Scalar),
    ("audit-log-batch-throttle-enable", Bool),
    ("audit-log-batch-throttle-qps", Scalar),
    ("audit-log-compress", Bool),
    ("audit-log-format", Scalar),
    ("audit-log-maxage", Scalar),
    ("audit-log-maxbackup", Scalar),
    ("audit-log-maxsize", Scalar),
    ("audit-log-mode", Scalar),
    ("audit-log-path", Scalar),
    ("audit-log-truncate-enabled", Bool),
    ("audit-log-truncate-max-batch-size", Scalar),
    ("audit-log-truncate-max-event-size", Scalar),
    ("audit-log-version", Scalar),
    ("audit-policy-file", Scalar),
    ("audit-webhook-batch-buffer-size", Scalar),
    ("audit-webhook-batch-max-size", Scalar),
    ("audit-webhook-batch-max-wait", Scalar),
    ("audit-webhook-batch-throttle-burst", Scalar),
    ("audit-webhook-batch-throttle-enable", Bool),
    ("audit-webhook-batch-throttle-qps", Scalar),
    ("audit-webhook-config-file", Scalar),
    ("audit-webhook-initial-backoff", Scalar),
    ("audit-webhook-mode", Scalar),
    ("audit-webhook-truncate-enabled", Bool),
    ("audit-webhook-truncate-max-batch-size", Scalar),
    ("audit-webhook-truncate-max-event-size", Scalar),
    ("audit-webhook-version", Scalar),
    ("authentication-config", Scalar),
    ("authentication-token-webhook-cache-ttl", Scalar),
    ("authentication-token-webhook-config-file", Scalar),
    ("authentication-token-webhook-version", Scalar),
    ("authorization-config", Scalar),
    ("authorization-mode", List),
    ("authorization-policy-file", Scalar),
    ("authorization-webhook-cache-authorized-ttl", Scalar),
    ("authorization-webhook-cache-unauthorized-ttl", Scalar),
    ("authorization-webhook-config-file", Scalar),
    ("authorization-webhook-version", Scalar),
    ("azure-container-registry-config", Scalar),
    ("basic-auth-file", Scalar),
    ("bind-address", Scalar),
    ("cert-dir", Scalar),
    ("client-ca-file", Scalar),
    ("cloud-config", Scalar),
    ("cloud-provider", Scalar),
    ("cloud-provider-gce-l7lb-src-cidrs", List),
    ("contention-profiling", Bool),
    ("coordinated-leadership-lease-duration", Scalar),
    ("coordinated-leadership-renew-deadline", Scalar),
    ("coordinated-leadership-retry-period", Scalar),
    ("cors-allowed-origins", List),
    ("debug-socket-path", Scalar),
    ("default-not-ready-toleration-seconds", Scalar),
    ("default-unreachable-toleration-seconds", Scalar),
    ("default-watch-cache-size", Scalar),
    ("delete-collection-workers", Scalar),
    ("deserialization-cache-size", Scalar),
    ("disable-admission-plugins", List),
    ("disable-http2-serving", Bool),
    ("disabled-metrics", List),
    ("egress-selector-config-file", Scalar),
    ("emulated-version", List),
    ("emulation-forward-compatible", Bool),
    ("enable-admission-plugins", List),
    ("enable-aggregator-routing", Bool),
    ("enable-bootstrap-token-auth", Bool),
    ("enable-garbage-collector", Bool),
    ("enable-logs-handler", Bool),
    ("enable-priority-and-fairness", Bool),
    ("enable-swagger-ui", Bool),
    ("encryption-provider-config", Scalar),
    ("encryption-provider-config-automatic-reload", Bool),
    ("endpoint-reconciler-type", Scalar),
    ("etcd-cafile", Scalar),
    ("etcd-certfile", Scalar),
    ("etcd-compaction-interval", Scalar),
    ("etcd-count-metric-poll-period", Scalar),
    ("etcd-db-metric-poll-interval", Scalar),
    ("etcd-healthcheck-timeout", Scalar),
    ("etcd-keyfile", Scalar),
    ("etcd-prefix", Scalar),
    ("etcd-quorum-read", Bool),
    ("etcd-readycheck-timeout", Scalar),
    ("etcd-servers", List),
    ("etcd-servers-overrides", List),
    ("event-ttl", Scalar),
    ("experimental-encryption-provider-config", Scalar),
    ("experimental-logging-sanitization", Bool),
    ("external-hostname", Scalar),
    ("feature-gates", Map),
    ("goaway-chance", Scalar),
    ("http2-max-streams-per-connection", Scalar),
    ("identity-lease-duration-seconds", Scalar),
    ("identity-lease-renew-interval-seconds", Scalar),
    ("insecure-bind-address", Scalar),
    ("insecure-port", Scalar),
    ("kubelet-certificate-authority", Scalar),
    ("kubelet-client-certificate", Scalar),
    ("kubelet-client-key", Scalar),
    ("kubelet-https", Bool),
    ("kubelet-port", Scalar),
    ("kubelet-preferred-address-types", List),
    ("kubelet-read-only-port", Scalar),
    ("kubelet-timeout", Scalar),
    ("kubernetes-service-node-port", Scalar),
    ("lease-reuse-duration-seconds", Scalar),
    ("livez-grace-period", Scalar),
    ("master-service-namespace", Scalar),
    ("max-connection-bytes-per-sec", Scalar),
    ("max-mutating-requests-inflight", Scalar),
    ("max-requests-inflight", Scalar),
    ("min-compatibility-version", List),
    ("min-request-timeout", Scalar),
    ("oidc-ca-file", Scalar),
    ("oidc-client-id", Scalar),
    ("oidc-groups-claim", Scalar),
    ("oidc-groups-prefix", Scalar),
    ("oidc-issuer-url", Scalar),
    ("oidc-required-claim", Map),
    ("oidc-signing-algs", List),
    ("oidc-username-claim", Scalar),
    ("oidc-username-prefix", Scalar),
    ("peer-advertise-ip", Scalar),
    ("peer-advertise-port", Scalar),
    ("peer-ca-file", Scalar),
    ("permit-address-sharing", Bool),
    ("permit-port-sharing", Bool),
    ("port", Scalar),
    ("profiling", Bool),
    ("proxy-client-cert-file", Scalar),
    ("proxy-client-key-file", Scalar),
    ("repair-malformed-updates", Bool),
    ("request-timeout", Scalar),
    ("requestheader-allowed-names", List),
    ("requestheader-client-ca-file", Scalar),
    ("requestheader-extra-headers-prefix", List),
    ("requestheader-group-headers", List),
    ("requestheader-uid-headers", List),
    ("requestheader-username-headers", List),
    ("runtime-config", Map),
    ("runtime-config-emulation-forward-compatible", Bool),
    ("secure-port", Scalar),
    ("service-account-api-audiences", List),
    ("service-account-extend-token-expiration", Bool),
    ("service-account-issuer", List),
    ("service-account-jwks-uri", Scalar),
    ("service-account-key-file", List),
    ("service-account-lookup", Bool),
    ("service-account-max-token-expiration", Scalar),
    ("service-account-signing-endpoint", Scalar),
    ("service-account-signing-key-file", Scalar),
    ("service-cluster-ip-range", Scalar),
    ("service-node-port-range", Scalar),
    ("show-hidden-metrics-for-version", Scalar),
    ("shutdown-delay-duration", Scalar),
    ("shutdown-send-retry-after", Bool),
    ("shutdown-watch-termination-grace-period", Scalar),
    ("ssh-keyfile", Scalar),
    ("ssh-user", Scalar),
    ("storage-backend", Scalar),
    ("storage-initialization-timeout", Scalar),
    ("storage-media-type", Scalar),
    ("storage-versions", Scalar),
    ("strict-transport-security-directives", List),
    ("target-ram-mb", Scalar),
    ("tls-cert-file", Scalar),
    ("tls-cipher-suites", List),
    ("tls-min-version", Scalar),
    ("tls-private-key-file", Scalar),
    ("tls-sni-cert-key", Array),
    ("token-auth-file", Scalar),
    ("tracing-config-file", Scalar),
    ("watch-cache", Bool),
    ("watch-cache-sizes", List),
];

const KUBELET: &[(&str, FlagKind)] = &[
    ("address", Scalar),
    ("allow-privileged", Bool),
    ("allowed-unsafe-sysctls", List),
    ("anonymous-auth", Bool),
    ("api-servers", List),
    ("authentication-token-webhook", Bool),
    ("authentication-token-webhook-cache-ttl", Scalar),
    // The kubelet's mode is a single string (AlwaysAllow or Webhook), unlike the apiserver's.
    ("authorization-mode", Scalar),
    ("authorization-webhook-cache-authorized-ttl", Scalar),
    ("authorization-webhook-cache-unauthorized-ttl", Scalar),
    ("azure-container-registry-config", Scalar),
    ("bootstrap-kubeconfig", Scalar),
    ("cadvisor-port", Scalar),
    ("cert-dir", Scalar),
    ("cgroup-driver", Scalar),
    ("cgroup-root", Scalar),
    ("cgroups-per-qos", Bool),
    ("client-ca-file", Scalar),
    ("cloud-config", Scalar),
    ("cloud-provider", Scalar),
    ("cluster-dns", List),
    ("cluster-domain", Scalar),
    ("cni-bin-dir", Scalar),
    ("cni-cache-dir", Scalar),
    ("cni-conf-dir", Scalar),
    ("config", Scalar),
    ("config-dir", Scalar),
    ("container-log-max-files", Scalar),
    ("container-log-max-size", Scalar),
    ("container-runtime", Scalar),
    ("container-runtime-endpoint", Scalar),
    ("containerized", Bool),
    ("contention-profiling", Bool),
    ("cpu-cfs-quota", Bool),
    ("cpu-cfs-quota-period", Scalar),
    ("cpu-manager-policy", Scalar),
    ("cpu-manager-policy-options", Map),
    ("cpu-manager-reconcile-period", Scalar),
    ("docker-endpoint", Scalar),
    ("dynamic-config-dir", Scalar),
    ("enable-cadvisor-json-endpoints", Bool),
    ("enable-controller-attach-detach", Bool),
    ("enable-debugging-handlers", Bool),
    ("enable-server", Bool),
    ("enforce-node-allocatable", List),
    ("event-burst", Scalar),
    ("event-qps", Scalar),
    ("eviction-hard", Map),
    ("eviction-max-pod-grace-period", Scalar),
    ("eviction-minimum-reclaim", Map),
    ("eviction-pressure-transition-period", Scalar),
    ("eviction-soft", Map),
    ("eviction-soft-grace-period", Map),
    ("exit-on-lock-contention", Bool),
    ("experimental-allocatable-ignore-eviction", Bool),
    ("experimental-bootstrap-kubeconfig", Scalar),
    ("experimental-check-node-capabilities-before-mount", Bool),
    ("experimental-kernel-memcg-notification", Bool),
    ("experimental-mounter-path", Scalar),
    ("fail-cgroupv1", Bool),
    ("fail-swap-on", Bool),
    ("feature-gates", Map),
    ("file-check-frequency", Scalar),
    ("hairpin-mode", Scalar),
    ("healthz-bind-address", Scalar),
    ("healthz-port", Scalar),
    ("hostname-override", Scalar),
    ("http-check-frequency", Scalar),
    ("image-credential-provider-bin-dir", Scalar),
    ("image-credential-provider-config", Scalar),
    ("image-gc-high-threshold", Scalar),
    ("image-gc-low-threshold", Scalar),
    ("image-pull-progress-deadline", Scalar),
    ("image-service-endpoint", Scalar),
    ("keep-terminated-pod-volumes", Bool),
    ("kernel-memcg-notification", Bool),
    ("kube-api-burst", Scalar),
    ("kube-api-content-type", Scalar),
    ("kube-api-qps", Scalar),
    ("kube-reserved", Map),
    ("kube-reserved-cgroup", Scalar),
    ("kubeconfig", Scalar),
    ("kubelet-cgroups", Scalar),
    ("local-storage-capacity-isolation", Bool),
    ("lock-file", Scalar),
    ("make-iptables-util-chains", Bool),
    ("manifest-url", Scalar),
    ("manifest-url-header", Map),
    ("max-open-files", Scalar),
    ("max-pods", Scalar),
    ("maximum-dead-containers", Scalar),
    ("maximum-dead-containers-per-container", Scalar),
    ("memory-manager-policy", Scalar),
    ("minimum-container-ttl-duration", Scalar),
    ("minimum-image-ttl-duration", Scalar),
    ("network-plugin", Scalar),
    ("network-plugin-mtu", Scalar),
    ("node-ip", Scalar),
    ("node-labels", Map),
    ("node-status-max-images", Scalar),
    ("node-status-update-frequency", Scalar),
    ("non-masquerade-cidr", Scalar),
    ("oom-score-adj", Scalar),
    ("pod-cidr", Scalar),
    ("pod-infra-container-image", Scalar),
    ("pod-manifest-path", Scalar),
    ("pod-max-pids", Scalar),
    ("pods-per-core", Scalar),
    ("port", Scalar),
    ("protect-kernel-defaults", Bool),
    ("provider-id", Scalar),
    ("qos-reserved", Map),
    ("read-only-port", Scalar),
    ("redirect-container-streaming", Bool),
    ("register-node", Bool),
    ("register-schedulable", Bool),
    ("register-with-taints", ReplaceList),
    ("registry-burst", Scalar),
    ("registry-qps", Scalar),
    ("require-kubeconfig", Bool),
    ("reserved-cpus", Scalar),
    ("reserved-memory", Array),
    ("resolv-conf", Scalar),
    ("root-dir", Scalar),
    ("rotate-certificates", Bool),
    ("rotate-server-certificates", Bool),
    ("runonce", Bool),
    ("runtime-cgroups", Scalar),
    ("runtime-request-timeout", Scalar),
    ("seccomp-default", Bool),
    ("seccomp-profile-root", Scalar),
    ("serialize-image-pulls", Bool),
    ("streaming-connection-idle-timeout", Scalar),
    ("sync-frequency", Scalar),
    ("system-cgroups", Scalar),
    ("system-reserved", Map),
    ("system-reserved-cgroup", Scalar),
    ("tls-cert-file", Scalar),
    ("tls-cipher-suites", List),
    ("tls-min-version", Scalar),
    ("tls-private-key-file", Scalar),
    ("topology-manager-policy", Scalar),
    ("topology-manager-policy-options", Map),
    ("topology-manager-scope", Scalar),
    ("volume-plugin-dir", Scalar),
    ("volume-stats-agg-period", Scalar),
];

const CONTROLLER_MANAGER: &[(&str, FlagKind)] = &[
    ("address", Scalar),
    ("allocate-node-cidrs", Bool),
    ("attach-detach-reconcile-sync-period", Scalar),
    ("authentication-kubeconfig", Scalar),
    ("authentication-skip-lookup", Bool),
    ("authentication-token-webhook-cache-ttl", Scalar),
    ("authentication-tolerate-lookup-failure", Bool),
    ("authorization-always-allow-paths", List),
    ("authorization-kubeconfig", Scalar),
    ("authorization-webhook-cache-authorized-ttl", Scalar),
    ("authorization-webhook-cache-unauthorized-ttl", Scalar),
    ("azure-container-registry-config", Scalar),
    ("bind-address", Scalar),
    ("cert-dir", Scalar),
    ("cidr-allocator-type", Scalar),
    ("client-ca-file", Scalar),
    ("cloud-config", Scalar),
    ("cloud-provider", Scalar),
    ("cluster-cidr", Scalar),
    ("cluster-name", Scalar),
    ("cluster-signing-cert-file", Scalar),
    ("cluster-signing-duration", Scalar),
    ("cluster-signing-key-file", Scalar),
    ("cluster-signing-kube-apiserver-client-cert-file", Scalar),
    ("cluster-signing-kube-apiserver-client-key-file", Scalar),
    ("cluster-signing-kubelet-client-cert-file", Scalar),
    ("cluster-signing-kubelet-client-key-file", Scalar),
    ("cluster-signing-kubelet-serving-cert-file", Scalar),
    ("cluster-signing-kubelet-serving-key-file", Scalar),
    ("cluster-signing-legacy-unknown-cert-file", Scalar),
    ("cluster-signing-legacy-unknown-key-file", Scalar),
    ("concurrent-deployment-syncs", Scalar),
    ("concurrent-endpoint-syncs", Scalar),
    ("concurrent-gc-syncs", Scalar),
    ("concurrent-namespace-syncs", Scalar),
    ("concurrent-rc-syncs", Scalar),
    ("concurrent-replicaset-syncs", Scalar),
    ("concurrent-resource-quota-syncs", Scalar),
    ("concurrent-service-endpoint-syncs", Scalar),
    ("concurrent-service-syncs", Scalar),
    ("concurrent-serviceaccount-token-syncs", Scalar),
    ("concurrent-statefulset-syncs", Scalar),
    ("concurrent-ttl-after-finished-syncs", Scalar),
    ("configure-cloud-routes", Bool),
    ("contention-profiling", Bool),
    ("controller-start-interval", Scalar),
    ("controllers", List),
    ("deployment-controller-sync-period", Scalar),
    ("disable-attach-detach-reconcile-sync", Bool),
    ("enable-dynamic-provisioning", Bool),
    ("enable-garbage-collector", Bool),
    ("enable-hostpath-provisioner", Bool),
    ("enable-leader-migration", Bool),
    ("enable-taint-manager", Bool),
    ("endpoint-updates-batch-period", Scalar),
    ("endpointslice-updates-batch-period", Scalar),
    ("experimental-cluster-signing-duration", Scalar),
    ("external-cloud-volume-plugin", Scalar),
    ("feature-gates", Map),
    ("flex-volume-plugin-dir", Scalar),
    (
        "horizontal-pod-autoscaler-cpu-initialization-period",
        Scalar,
    ),
    ("horizontal-pod-autoscaler-downscale-stabilization", Scalar),
    ("horizontal-pod-autoscaler-initial-readiness-delay", Scalar),
    ("horizontal-pod-autoscaler-sync-period", Scalar),
    ("horizontal-pod-autoscaler-tolerance", Scalar),
    ("http2-max-streams-per-connection", Scalar),
    ("kube-api-burst", Scalar),
    ("kube-api-content-type", Scalar),
    ("kube-api-qps", Scalar),
    ("kubeconfig", Scalar),
    ("large-cluster-size-threshold", Scalar),
    ("leader-elect", Bool),
    ("leader-elect-lease-duration", Scalar),
    ("leader-elect-renew-deadline", Scalar),
    ("leader-elect-resource-lock", Scalar),
    ("leader-elect-resource-name", Scalar),
    ("leader-elect-resource-namespace", Scalar),
    ("leader-elect-retry-period", Scalar),
    ("leader-migration-config", Scalar),
    ("master", Scalar),
    ("max-endpoints-per-slice", Scalar),
    ("min-resync-period", Scalar),
    ("namespace-sync-period", Scalar),
    ("node-cidr-mask-size", Scalar),
    ("node-cidr-mask-size-ipv4", Scalar),
    ("node-cidr-mask-size-ipv6", Scalar),
    ("node-eviction-rate", Scalar),
    ("node-monitor-grace-period", Scalar),
    ("node-monitor-period", Scalar),
    ("node-startup-grace-period", Scalar),
    ("permit-address-sharing", Bool),
    ("permit-port-sharing", Bool),
    ("pod-eviction-timeout", Scalar),
    ("port", Scalar),
    ("profiling", Bool),
    ("pv-recycler-increment-timeout-nfs", Scalar),
    ("pv-recycler-minimum-timeout-hostpath", Scalar),
    ("pv-recycler-minimum-timeout-nfs", Scalar),
    ("pv-recycler-pod-template-filepath-hostpath", Scalar),
    ("pv-recycler-pod-template-filepath-nfs", Scalar),
    ("pv-recycler-timeout-increment-hostpath", Scalar),
    ("pvclaimbinder-sync-period", Scalar),
    ("requestheader-allowed-names", List),
    ("requestheader-client-ca-file", Scalar),
    ("requestheader-extra-headers-prefix", List),
    ("requestheader-group-headers", List),
    ("requestheader-username-headers", List),
    ("resource-quota-sync-period", Scalar),
    ("root-ca-file", Scalar),
    ("route-reconciliation-period", Scalar),
    ("secondary-node-eviction-rate", Scalar),
    ("secure-port", Scalar),
    ("service-account-private-key-file", Scalar),
    ("service-cluster-ip-range", Scalar),
    ("show-hidden-metrics-for-version", Scalar),
    ("terminated-pod-gc-threshold", Scalar),
    ("tls-cert-file", Scalar),
    ("tls-cipher-suites", List),
    ("tls-min-version", Scalar),
    ("tls-private-key-file", Scalar),
    ("tls-sni-cert-key", Array),
    ("unhealthy-zone-threshold", Scalar),
    ("use-service-account-credentials", Bool),
];

const SCHEDULER: &[(&str, FlagKind)] = &[
    ("address", Scalar),
    ("algorithm-provider", Scalar),
    ("authentication-kubeconfig", Scalar),
    ("authentication-skip-lookup", Bool),
    ("authentication-token-webhook-cache-ttl", Scalar),
    ("authentication-tolerate-lookup-failure", Bool),
    ("authorization-always-allow-paths", List),
    ("authorization-kubeconfig", Scalar),
    ("authorization-webhook-cache-authorized-ttl", Scalar),
    ("authorization-webhook-cache-unauthorized-ttl", Scalar),
    ("azure-container-registry-config", Scalar),
    ("bind-address", Scalar),
    ("cert-dir", Scalar),
    ("client-ca-file", Scalar),
    ("config", Scalar),
    ("contention-profiling", Bool),
    ("feature-gates", Map),
    ("hard-pod-affinity-symmetric-weight", Scalar),
    ("http2-max-streams-per-connection", Scalar),
    ("kube-api-burst", Scalar),
    ("kube-api-content-type", Scalar),
    ("kube-api-qps", Scalar),
    ("kubeconfig", Scalar),
    ("leader-elect", Bool),
    ("leader-elect-lease-duration", Scalar),
    ("leader-elect-renew-deadline", Scalar),
    ("leader-elect-resource-lock", Scalar),
    ("leader-elect-resource-name", Scalar),
    ("leader-elect-resource-namespace", Scalar),
    ("leader-elect-retry-period", Scalar),
    ("lock-object-name", Scalar),
    ("lock-object-namespace", Scalar),
    ("master", Scalar),
    ("permit-address-sharing", Bool),
    ("permit-port-sharing", Bool),
    ("policy-config-file", Scalar),
    ("policy-configmap", Scalar),
    ("policy-configmap-namespace", Scalar),
    ("port", Scalar),
    ("profiling", Bool),
    ("requestheader-allowed-names", List),
    ("requestheader-client-ca-file", Scalar),
    ("requestheader-extra-headers-prefix", List),
    ("requestheader-group-headers", List),
    ("requestheader-username-headers", List),
    ("scheduler-name", Scalar),
    ("secure-port", Scalar),
    ("show-hidden-metrics-for-version", Scalar),
    ("tls-cert-file", Scalar),
    ("tls-cipher-suites", List),
    ("tls-min-version", Scalar),
    ("tls-private-key-file", Scalar),
    ("tls-sni-cert-key", Array),
    ("use-legacy-policy-config", Bool),
    ("write-config-to", Scalar),
];

/// etcd v3.4-v3.6 (Go `flag`). Its URL and string lists (`flags.UniqueURLs`,
/// `flags.StringsValue`) parse the whole comma list on every `Set`, so a repeat replaces.
const ETCD: &[(&str, FlagKind)] = &[
    ("advertise-client-urls", ReplaceList),
    ("auth-token", Scalar),
    ("auth-token-ttl", Scalar),
    ("auto-compaction-mode", Scalar),
    ("auto-compaction-retention", Scalar),
    ("auto-tls", Bool),
    ("backend-batch-interval", Scalar),
    ("backend-batch-limit", Scalar),
    ("backend-bbolt-freelist-type", Scalar),
    ("bcrypt-cost", Scalar),
    ("cert-file", Scalar),
    ("cipher-suites", ReplaceList),
    ("client-cert-allowed-hostname", ReplaceList),
    ("client-cert-auth", Bool),
    ("client-cert-file", Scalar),
    ("client-crl-file", Scalar),
    ("client-key-file", Scalar),
    ("config-file", Scalar),
    ("cors", ReplaceList),
    ("data-dir", Scalar),
    ("debug", Bool),
    ("discovery", Scalar),
    ("discovery-cacert", Scalar),
    ("discovery-cert", Scalar),
    ("discovery-dial-timeout", Scalar),
    ("discovery-endpoints", ReplaceList),
    ("discovery-fallback", Scalar),
    ("discovery-insecure-skip-tls-verify", Bool),
    ("discovery-insecure-transport", Bool),
    ("discovery-keepalive-time", Scalar),
    ("discovery-keepalive-timeout", Scalar),
    ("discovery-key", Scalar),
    ("discovery-password", Scalar),
    ("discovery-proxy", Scalar),
    ("discovery-request-timeout", Scalar),
    ("discovery-srv", Scalar),
    ("discovery-srv-name", Scalar),
    ("discovery-token", Scalar),
    ("discovery-user", Scalar),
    ("distributed-tracing-address", Scalar),
    ("election-timeout", Scalar),
    ("enable-distributed-tracing", Bool),
    ("enable-grpc-gateway", Bool),
    ("enable-log-rotation", Bool),
    ("enable-pprof", Bool),
    ("enable-v2", Bool),
    ("experimental-backend-bbolt-freelist-type", Scalar),
    ("experimental-compact-hash-check-enabled", Bool),
    ("experimental-compaction-batch-limit", Scalar),
    ("experimental-corrupt-check-time", Scalar),
    ("experimental-distributed-tracing-address", Scalar),
    ("experimental-distributed-tracing-service-name", Scalar),
    ("experimental-downgrade-check-time", Scalar),
    ("experimental-enable-distributed-tracing", Bool),
    ("experimental-enable-lease-checkpoint", Bool),
    ("experimental-enable-lease-checkpoint-persist", Bool),
    ("experimental-enable-v2v3", Scalar),
    ("experimental-initial-corrupt-check", Bool),
    ("experimental-max-learners", Scalar),
    ("experimental-memory-mlock", Bool),
    ("experimental-peer-skip-client-san-verification", Bool),
    ("experimental-snapshot-catchup-entries", Scalar),
    ("experimental-stop-grpc-service-on-defrag", Bool),
    ("experimental-txn-mode-write-with-shared-buffer", Bool),
    ("experimental-warning-apply-duration", Scalar),
    ("experimental-watch-progress-notify-interval", Scalar),
    ("feature-gates", Map),
    ("force-new-cluster", Bool),
    ("grpc-keepalive-interval", Scalar),
    ("grpc-keepalive-min-time", Scalar),
    ("grpc-keepalive-timeout", Scalar),
    // Go's `flag` answers `-h` and `-help` itself.
    ("h", Bool),
    ("heartbeat-interval", Scalar),
    ("help", Bool),
    ("host-whitelist", ReplaceList),
    ("initial-advertise-peer-urls", ReplaceList),
    ("initial-cluster", Scalar),
    ("initial-cluster-state", Scalar),
    ("initial-cluster-token", Scalar),
    ("initial-election-tick-advance", Bool),
    ("key-file", Scalar),
    ("listen-client-http-urls", ReplaceList),
    ("listen-client-urls", ReplaceList),
    ("listen-metrics-urls", ReplaceList),
    ("listen-peer-urls", ReplaceList),
    ("log-format", Scalar),
    ("log-level", Scalar),
    ("log-output", ReplaceList),
    ("log-outputs", ReplaceList),
    ("log-package-levels", Scalar),
    ("log-rotation-config-json", Scalar),
    ("logger", Scalar),
    ("max-concurrent-streams", Scalar),
    ("max-request-bytes", Scalar),
    ("max-snapshots", Scalar),
    ("max-txn-ops", Scalar),
    ("max-wals", Scalar),
    ("metrics", Scalar),
    ("name", Scalar),
    ("peer-auto-tls", Bool),
    ("peer-cert-allowed-cn", ReplaceList),
    ("peer-cert-allowed-hostname", ReplaceList),
    ("peer-cert-file", Scalar),
    ("peer-client-cert-auth", Bool),
    ("peer-client-cert-file", Scalar),
    ("peer-client-key-file", Scalar),
    ("peer-crl-file", Scalar),
    ("peer-key-file", Scalar),
    ("peer-skip-client-san-verification", Bool),
    ("peer-trusted-ca-file", Scalar),
    ("pre-vote", Bool),
    ("proxy", Scalar),
    ("proxy-dial-timeout", Scalar),
    ("proxy-failure-wait", Scalar),
    ("proxy-read-timeout", Scalar),
    ("proxy-refresh-interval", Scalar),
    ("proxy-write-timeout", Scalar),
    ("quota-backend-bytes", Scalar),
    ("raft-read-timeout", Scalar),
    ("raft-write-timeout", Scalar),
    ("self-signed-cert-validity", Scalar),
    ("snapshot-count", Scalar),
    ("socket-reuse-address", Bool),
    ("socket-reuse-port", Bool),
    ("strict-reconfig-check", Bool),
    ("tls-max-version", Scalar),
    ("tls-min-version", Scalar),
    ("trusted-ca-file", Scalar),
    ("unsafe-no-fsync", Bool),
    ("v2-deprecation", Scalar),
    ("version", Bool),
    ("wal-dir", Scalar),
];

/// kubernetesui/dashboard v2 (`dashboard-arguments.md`) plus flags of the v3 modules.
const DASHBOARD: &[(&str, FlagKind)] = &[
    ("act-as-proxy", Bool),
    ("api-log-level", Scalar),
    ("apiserver-host", Scalar),
    ("apiserver-skip-tls-verify", Bool),
    ("authentication-mode", List),
    ("auto-generate-certificates", Bool),
    ("bind-address", Scalar),
    ("default-cert-dir", Scalar),
    ("disable-csrf-protection", Bool),
    ("disable-settings-authorizer", Bool),
    ("enable-csrf-protection", Bool),
    ("enable-insecure-login", Bool),
    ("enable-settings-authorizer", Bool),
    ("enable-skip-login", Bool),
    ("heapster-host", Scalar),
    ("help", Bool),
    ("insecure-bind-address", Scalar),
    ("insecure-port", Scalar),
    ("kubeconfig", Scalar),
    ("locale-config", Scalar),
    ("metric-client-check-period", Scalar),
    ("metrics-provider", Scalar),
    ("namespace", Scalar),
    ("openapi-enabled", Bool),
    ("port", Scalar),
    ("profiler", Bool),
    ("prometheus-enabled", Bool),
    ("sidecar-host", Scalar),
    ("signout-url", Scalar),
    ("system-banner", Scalar),
    ("system-banner-severity", Scalar),
    ("tls-cert-file", Scalar),
    ("tls-key-file", Scalar),
    ("token-ttl", Scalar),
];

/// klog's Go flags as the Dashboard adds them (`AddGoFlagSet`, no name normalization).
const KLOG_GO_FLAGS: &[(&str, FlagKind)] = &[
    ("add_dir_header", Bool),
    ("alsologtostderr", Bool),
    ("log_backtrace_at", Scalar),
    ("log_dir", Scalar),
    ("log_file", Scalar),
    ("log_file_max_size", Scalar),
    ("logtostderr", Bool),
    ("one_output", Bool),
    ("skip_headers", Bool),
    ("skip_log_headers", Bool),
    ("stderrthreshold", Scalar),
    ("v", Scalar),
    ("vmodule", ReplaceList),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique() {
        for component in Component::ALL {
            for table in tables(component) {
                for pair in table.windows(2) {
                    assert!(
                        pair[0].0 < pair[1].0,
                        "{component}: {:?}",
                        (pair[0].0, pair[1].0)
                    );
                }
            }
            // A component's own table and the shared one never both define a name.
            let names: Vec<_> = known_flags(component).map(|(n, _)| n).collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{component}");
        }
    }

    #[test]
    fn security_relevant_kinds() {
        use Component::{ApiServer, Dashboard, Etcd, Kubelet};
        assert_eq!(flag_kind(ApiServer, "anonymous-auth"), Some(Bool));
        assert_eq!(flag_kind(ApiServer, "anonymous_auth"), Some(Bool));
        assert_eq!(flag_kind(ApiServer, "authorization-mode"), Some(List));
        assert_eq!(flag_kind(ApiServer, "enable-admission-plugins"), Some(List));
        assert_eq!(flag_kind(ApiServer, "admission-control"), Some(List));
        assert_eq!(flag_kind(ApiServer, "insecure-port"), Some(Scalar));
        assert_eq!(flag_kind(ApiServer, "kubelet-https"), Some(Bool));
        assert_eq!(flag_kind(ApiServer, "feature-gates"), Some(Map));
        assert_eq!(flag_kind(ApiServer, "runtime-config"), Some(Map));
        assert_eq!(flag_kind(ApiServer, "tls-sni-cert-key"), Some(Array));
        assert_eq!(flag_kind(ApiServer, "v"), Some(Scalar));
        assert_eq!(flag_kind(ApiServer, "no-such-flag"), None);
        assert_eq!(flag_kind(Kubelet, "authorization-mode"), Some(Scalar));
        assert_eq!(flag_kind(Kubelet, "read-only-port"), Some(Scalar));
        assert_eq!(flag_kind(Kubelet, "cadvisor-port"), Some(Scalar));
        assert_eq!(flag_kind(Kubelet, "allow-privileged"), Some(Bool));
        assert_eq!(flag_kind(Etcd, "client-cert-auth"), Some(Bool));
        assert_eq!(flag_kind(Etcd, "listen-client-urls"), Some(ReplaceList));
        // etcd (Go `flag`) does not normalize separators.
        assert_eq!(flag_kind(Etcd, "client_cert_auth"), None);
        assert_eq!(flag_kind(Dashboard, "enable-skip-login"), Some(Bool));
        assert_eq!(flag_kind(Dashboard, "authentication-mode"), Some(List));
        assert_eq!(flag_kind(Dashboard, "log_dir"), Some(Scalar));
        assert_eq!(flag_kind(Dashboard, "enable_skip_login"), None);
    }

    #[test]
    fn shorthands() {
        assert_eq!(shorthand(Component::Kubelet, 'v'), Some("v"));
        assert_eq!(shorthand(Component::ApiServer, 'h'), Some("help"));
        assert_eq!(shorthand(Component::Etcd, 'v'), None);
        assert_eq!(shorthand(Component::Kubelet, 'x'), None);
    }
}

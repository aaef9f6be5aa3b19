//! kops `Cluster` specs (`kops.k8s.io/v1alpha2`): the components kops configures from them.
//!
//! kops turns the typed fields of `spec.kubeAPIServer`, `spec.kubelet` (with
//! `spec.controlPlaneKubelet`, formerly `masterKubelet`, over it on control-plane nodes),
//! `spec.kubeControllerManager` and `spec.kubeScheduler` into command-line flags: each field
//! with a `flag:` tag in kubernetes/kops `pkg/apis/kops/v1alpha2/componentconfig.go` (v1.36.2)
//! becomes `--flag=value`, lists joined by commas (or the flag repeated, for `repeat` tags),
//! maps as sorted `key=value` pairs (`pkg/flagbuilder`). Each field is read into that word, at
//! its bytes.
//!
//! kops then sets some options itself, over what the spec says
//! (`pkg/model/components/apiserver.go`, `nodeup/pkg/model/kubelet.go`, v1.36.2): the API
//! server always runs with `--anonymous-auth=false`, kops's list of admission plugins (with
//! `NodeRestriction`, plus `appendAdmissionPlugins`), `--authorization-mode=Node,RBAC` (or
//! `AlwaysAllow` for `spec.authorization.alwaysAllow`; an omitted `authorization` defaults to
//! RBAC), on port 443 on every address; the kubelet gets kops's client CA and, unless the spec
//! says otherwise, webhook authorization and token authentication. These are kops-written
//! words.
//!
//! nodeup adds the API server's certificates and its etcd client TLS
//! (`nodeup/pkg/model/kube_apiserver.go`: files under `/srv/kubernetes/kube-apiserver/`,
//! etcd at `https://127.0.0.1:4001`), kops-written words too, so the API server is read whole.
//! The other components also read files nodeup writes that are not in the spec (the kubelet's
//! config file): those processes are incomplete, so a setting no word here decides is unknown
//! rather than a default. `spec.kubernetesVersion` is the version; `spec.etcdClusters` run
//! under etcd-manager, whose flags are not read.

use super::flag_words::FlagWord;
use crate::component::Component;
use crate::flags::{FlagSet, WrittenBy};
use crate::inventory::{FileId, Inventory, Origin, Process};
use crate::source::{Located, Location, MappedText, Span, TextMap};
use crate::version::KubeVersion;
use crate::yaml::{NodeKind, NodeRef};

/// The API group of kops's configs, as `apiVersion` starts.
const API_GROUP: &str = "kops.k8s.io/";

/// The admission plugins kops enables on every API server (`pkg/model/components/apiserver.go`).
const ADMISSION_PLUGINS: &str = "DefaultStorageClass,DefaultTolerationSeconds,LimitRanger,MutatingAdmissionWebhook,NamespaceLifecycle,NodeRestriction,ResourceQuota,RuntimeClass,ServiceAccount,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook";

/// What is not in the spec, for the unresolved part of the processes besides kube-apiserver.
const UNREAD: &str = "the flags kops's nodeup adds to what the Cluster spec says";

/// Whether an object of this `kind` and `apiVersion` is a kops cluster spec.
pub(super) fn is_kops_cluster(kind: &str, api_version: Option<&Located<String>>) -> bool {
    kind == "Cluster" && api_version.is_some_and(|v| v.value.starts_with(API_GROUP))
}

/// Reads the kops cluster spec `object` of `file`.
pub(super) fn read(inventory: &mut Inventory, file: FileId, object: NodeRef<'_, '_>) {
    let Some(spec) = object.get("spec") else {
        return;
    };
    let kind_span = object.get("kind").map_or(object.span(), NodeRef::span);
    let version = spec.get("kubernetesVersion").and_then(|node| {
        let text = node.as_str()?.trim();
        let version = KubeVersion::parse(text).ok()?;
        Some((
            version,
            text.trim_start_matches('v').to_owned(),
            node.span(),
        ))
    });
    let component = |key: &str, image: &str, component: Component, table: &[Field]| {
        let section = spec.entry(key);
        let anchor = section.map_or(kind_span, |(key, _)| key.span());
        let mut words = section.map_or(Vec::new(), |(_, value)| written(value, table));
        let kops = kops_words(component, spec, anchor, &mut words);
        words.extend(kops);
        process(file, component, words, anchor, image, version.as_ref())
    };
    let mut processes = vec![
        component(
            "kubeAPIServer",
            "kube-apiserver",
            Component::ApiServer,
            API_SERVER,
        ),
        component(
            "kubeControllerManager",
            "kube-controller-manager",
            Component::ControllerManager,
            CONTROLLER_MANAGER,
        ),
        component(
            "kubeScheduler",
            "kube-scheduler",
            Component::Scheduler,
            SCHEDULER,
        ),
        component("kubelet", "kubelet", Component::Kubelet, KUBELET),
    ];
    // Control-plane nodes: `controlPlaneKubelet` (formerly `masterKubelet`) over `kubelet`.
    if let Some((key, control_plane)) = spec
        .entry("controlPlaneKubelet")
        .or_else(|| spec.entry("masterKubelet"))
    {
        let anchor = key.span();
        let mut words = spec
            .get("kubelet")
            .map_or(Vec::new(), |k| written(k, KUBELET));
        let over = written(control_plane, KUBELET);
        words.retain(|w| !over.iter().any(|o| o.name == w.name));
        words.extend(over);
        let kops = kops_words(Component::Kubelet, spec, anchor, &mut words);
        words.extend(kops);
        processes.push(process(
            file,
            Component::Kubelet,
            words,
            anchor,
            "kubelet",
            version.as_ref(),
        ));
    }
    inventory.processes.extend(processes);
}

/// A spec field with a `flag:` tag: its JSON name, its flag, and whether a list repeats the
/// flag rather than joining its items.
type Field = (&'static str, &'static str, bool);

/// The words of the fields of `section` that have a flag.
fn written(section: NodeRef<'_, '_>, table: &[Field]) -> Vec<FlagWord> {
    let mut words = Vec::new();
    for (key, value) in section.entries() {
        let Some(&(_, flag, repeat)) = table
            .iter()
            .find(|(field, _, _)| key.as_str() == Some(field))
        else {
            continue;
        };
        let span = key.span().cover(value.span());
        match value.kind() {
            NodeKind::Scalar(_) => {
                if let Some(text) = value.mapped_text() {
                    words.push(FlagWord::written(flag, &text, span));
                }
            }
            NodeKind::Sequence(_) => {
                let items: Vec<MappedText> =
                    value.items().filter_map(NodeRef::mapped_text).collect();
                if repeat {
                    words.extend(items.iter().map(|item| FlagWord::written(flag, item, span)));
                } else if !items.is_empty() {
                    words.push(FlagWord::joined(flag, &items, span));
                }
            }
            NodeKind::Mapping(_) => {
                let mut pairs: Vec<String> = value
                    .entries()
                    .filter_map(|(k, v)| Some(format!("{}={}", k.as_str()?, v.as_str()?)))
                    .collect();
                pairs.sort();
                let text = MappedText::new(pairs.join(","), value.span(), TextMap::opaque());
                words.push(FlagWord::written(flag, &text, span));
            }
            NodeKind::Alias(_) => {}
        }
    }
    words
}

/// The words kops writes itself for `component`: those it forces replace the spec's words of
/// their name (taken out of `written`), the others only fill in what the spec leaves out.
fn kops_words(
    component: Component,
    spec: NodeRef<'_, '_>,
    anchor: Span,
    written: &mut Vec<FlagWord>,
) -> Vec<FlagWord> {
    let kops = |name: &str, value: &str| FlagWord::generated(name, value, anchor, WrittenBy::Kops);
    let (forced, defaults): (Vec<FlagWord>, Vec<FlagWord>) = match component {
        Component::ApiServer => {
            // `authorization.alwaysAllow` is the user's choice, written where it says so.
            let always_allow = spec
                .get("authorization")
                .filter(|a| a.get("rbac").is_none())
                .and_then(|a| a.entry("alwaysAllow"))
                .map(|(key, _)| {
                    let text = MappedText::new("AlwaysAllow", key.span(), TextMap::opaque());
                    FlagWord::written("authorization-mode", &text, key.span())
                });
            let mut plugins = ADMISSION_PLUGINS.to_owned();
            if let Some(append) = spec.path(&["kubeAPIServer", "appendAdmissionPlugins"]) {
                for item in append.items().filter_map(NodeRef::as_str) {
                    plugins.push(',');
                    plugins.push_str(item);
                }
            }
            (
                vec![
                    kops("anonymous-auth", "false"),
                    always_allow.unwrap_or_else(|| kops("authorization-mode", "Node,RBAC")),
                    kops("enable-admission-plugins", &plugins),
                    kops("secure-port", "443"),
                    kops("bind-address", "0.0.0.0"),
                    kops("allow-privileged", "true"),
                    kops("etcd-servers", "https://127.0.0.1:4001"),
                    kops("etcd-cafile", &kube_apiserver_path("etcd-ca.crt")),
                    kops("etcd-certfile", &kube_apiserver_path("etcd-client.crt")),
                    kops("etcd-keyfile", &kube_apiserver_path("etcd-client.key")),
                    kops("tls-cert-file", &kube_apiserver_path("server.crt")),
                    kops("tls-private-key-file", &kube_apiserver_path("server.key")),
                    kops(
                        "kubelet-client-certificate",
                        &kube_apiserver_path("kubelet-api.crt"),
                    ),
                    kops(
                        "kubelet-client-key",
                        &kube_apiserver_path("kubelet-api.key"),
                    ),
                    kops(
                        "service-account-key-file",
                        &kube_apiserver_path("service-account.pub"),
                    ),
                    kops(
                        "requestheader-client-ca-file",
                        &kube_apiserver_path("apiserver-aggregator-ca.crt"),
                    ),
                    kops(
                        "proxy-client-cert-file",
                        &kube_apiserver_path("apiserver-aggregator.crt"),
                    ),
                    kops(
                        "proxy-client-key-file",
                        &kube_apiserver_path("apiserver-aggregator.key"),
                    ),
                ],
                vec![
                    kops("client-ca-file", "/srv/kubernetes/ca.crt"),
                    kops(
                        "service-account-signing-key-file",
                        &kube_apiserver_path("service-account.key"),
                    ),
                ],
            )
        }
        Component::Kubelet => (
            vec![kops("client-ca-file", "/srv/kubernetes/ca.crt")],
            vec![
                kops("authorization-mode", "Webhook"),
                kops("authentication-token-webhook", "true"),
            ],
        ),
        _ => (Vec::new(), Vec::new()),
    };
    written.retain(|w| !forced.iter().any(|f| f.name == w.name));
    let mut words = forced;
    words.extend(
        defaults
            .into_iter()
            .filter(|d| !written.iter().any(|w| w.name == d.name)),
    );
    words
}

/// A file nodeup writes for kube-apiserver (`/srv/kubernetes/kube-apiserver/...`).
fn kube_apiserver_path(name: &str) -> String {
    format!("/srv/kubernetes/kube-apiserver/{name}")
}

/// The process kops runs from `words`.
fn process(
    file: FileId,
    component: Component,
    words: Vec<FlagWord>,
    anchor: Span,
    image: &str,
    version: Option<&(KubeVersion, String, Span)>,
) -> Process {
    let words: Vec<_> = words.into_iter().map(|w| w.into_word(file)).collect();
    Process {
        file,
        origin: Origin::Kops,
        image: version.map(|(_, tag, span)| {
            Located::new(
                format!("registry.k8s.io/{image}:v{tag}"),
                Location::new(file, *span),
            )
        }),
        component: Some(component),
        detection: None,
        image_version: version.map(|(v, _, _)| *v),
        flags: FlagSet::parse(component, &words),
        flags_anchor: anchor,
        env: Vec::new(),
        // kube-apiserver's every flag is known; the other components' files nodeup writes
        // (the kubelet's config, ...) are not.
        unresolved: if component == Component::ApiServer {
            Vec::new()
        } else {
            vec![Located::new(UNREAD.to_owned(), Location::new(file, anchor))]
        },
    }
}

/// `KubeletConfigSpec`: field, flag, whether a list repeats the flag.
const KUBELET: &[Field] = &[
    ("apiServers", "api-servers", false),
    ("anonymousAuth", "anonymous-auth", false),
    ("authorizationMode", "authorization-mode", false),
    ("bootstrapKubeconfig", "bootstrap-kubeconfig", false),
    ("clientCaFile", "client-ca-file", false),
    ("tlsCertFile", "tls-cert-file", false),
    ("tlsPrivateKeyFile", "tls-private-key-file", false),
    ("tlsCipherSuites", "tls-cipher-suites", false),
    ("tlsMinVersion", "tls-min-version", false),
    ("kubeconfigPath", "kubeconfig", false),
    ("requireKubeconfig", "require-kubeconfig", false),
    ("logFormat", "logging-format", false),
    ("logLevel", "v", false),
    ("podManifestPath", "pod-manifest-path", false),
    ("hostnameOverride", "hostname-override", false),
    ("seccompDefault", "seccomp-default", false),
    ("seccompProfileRoot", "seccomp-profile-root", false),
    ("allowPrivileged", "allow-privileged", false),
    (
        "enableDebuggingHandlers",
        "enable-debugging-handlers",
        false,
    ),
    ("registerNode", "register-node", false),
    (
        "nodeStatusUpdateFrequency",
        "node-status-update-frequency",
        false,
    ),
    ("clusterDomain", "cluster-domain", false),
    ("clusterDNS", "cluster-dns", false),
    ("networkPluginName", "network-plugin", false),
    ("cloudProvider", "cloud-provider", false),
    ("kubeletCgroups", "kubelet-cgroups", false),
    ("runtimeCgroups", "runtime-cgroups", false),
    ("readOnlyPort", "read-only-port", false),
    ("systemCgroups", "system-cgroups", false),
    ("cgroupRoot", "cgroup-root", false),
    ("configureCbr0", "configure-cbr0", false),
    ("hairpinMode", "hairpin-mode", false),
    ("babysitDaemons", "babysit-daemons", false),
    ("maxPods", "max-pods", false),
    ("nvidiaGPUs", "experimental-nvidia-gpus", false),
    ("podCIDR", "pod-cidr", false),
    ("resolvConf", "resolv-conf", false),
    ("reconcileCIDR", "reconcile-cidr", false),
    ("registerSchedulable", "register-schedulable", false),
    ("serializeImagePulls", "serialize-image-pulls", false),
    ("nodeLabels", "node-labels", false),
    ("nonMasqueradeCIDR", "non-masquerade-cidr", false),
    ("enableCustomMetrics", "enable-custom-metrics", false),
    ("networkPluginMTU", "network-plugin-mtu", false),
    (
        "imageGCHighThresholdPercent",
        "image-gc-high-threshold",
        false,
    ),
    (
        "imageGCLowThresholdPercent",
        "image-gc-low-threshold",
        false,
    ),
    (
        "imagePullProgressDeadline",
        "image-pull-progress-deadline",
        false,
    ),
    ("evictionHard", "eviction-hard", false),
    ("evictionSoft", "eviction-soft", false),
    (
        "evictionSoftGracePeriod",
        "eviction-soft-grace-period",
        false,
    ),
    (
        "evictionPressureTransitionPeriod",
        "eviction-pressure-transition-period",
        false,
    ),
    (
        "evictionMaxPodGracePeriod",
        "eviction-max-pod-grace-period",
        false,
    ),
    ("evictionMinimumReclaim", "eviction-minimum-reclaim", false),
    ("volumePluginDirectory", "volume-plugin-dir", false),
    ("taints", "register-with-taints", false),
    ("featureGates", "feature-gates", false),
    (
        "kernelMemcgNotification",
        "kernel-memcg-notification",
        false,
    ),
    ("kubeReserved", "kube-reserved", false),
    ("kubeReservedCgroup", "kube-reserved-cgroup", false),
    ("systemReserved", "system-reserved", false),
    ("systemReservedCgroup", "system-reserved-cgroup", false),
    ("enforceNodeAllocatable", "enforce-node-allocatable", false),
    ("runtimeRequestTimeout", "runtime-request-timeout", false),
    ("volumeStatsAggPeriod", "volume-stats-agg-period", false),
    ("failSwapOn", "fail-swap-on", false),
    (
        "experimentalAllowedUnsafeSysctls",
        "experimental-allowed-unsafe-sysctls",
        false,
    ),
    ("allowedUnsafeSysctls", "allowed-unsafe-sysctls", false),
    (
        "streamingConnectionIdleTimeout",
        "streaming-connection-idle-timeout",
        false,
    ),
    ("dockerDisableSharedPID", "docker-disable-shared-pid", false),
    ("rootDir", "root-dir", false),
    (
        "authenticationTokenWebhook",
        "authentication-token-webhook",
        false,
    ),
    (
        "authenticationTokenWebhookCacheTtl",
        "authentication-token-webhook-cache-ttl",
        false,
    ),
    ("cpuCFSQuota", "cpu-cfs-quota", false),
    ("cpuCFSQuotaPeriod", "cpu-cfs-quota-period", false),
    ("cpuManagerPolicy", "cpu-manager-policy", false),
    ("registryPullQPS", "registry-qps", false),
    ("registryBurst", "registry-burst", false),
    ("topologyManagerPolicy", "topology-manager-policy", false),
    ("rotateCertificates", "rotate-certificates", false),
    ("protectKernelDefaults", "protect-kernel-defaults", false),
    ("cgroupDriver", "cgroup-driver", false),
    ("housekeepingInterval", "housekeeping-interval", false),
    ("eventQPS", "event-qps", false),
    ("eventBurst", "event-burst", false),
    ("containerLogMaxSize", "container-log-max-size", false),
    ("containerLogMaxFiles", "container-log-max-files", false),
    (
        "enableCadvisorJsonEndpoints",
        "enable-cadvisor-json-endpoints",
        false,
    ),
    ("podPidsLimit", "pod-max-pids", false),
    (
        "experimentalAllocatableIgnoreEviction",
        "experimental-allocatable-ignore-eviction",
        false,
    ),
    ("kubeAPIQPS", "kube-api-qps", false),
];

/// `KubeAPIServerConfig`: field, flag, whether a list repeats the flag.
const API_SERVER: &[Field] = &[
    ("logFormat", "logging-format", false),
    ("logLevel", "v", false),
    ("cloudProvider", "cloud-provider", false),
    ("compactionInterval", "etcd-compaction-interval", false),
    ("securePort", "secure-port", false),
    ("insecurePort", "insecure-port", false),
    ("address", "address", false),
    ("advertiseAddress", "advertise-address", false),
    ("bindAddress", "bind-address", false),
    ("insecureBindAddress", "insecure-bind-address", false),
    (
        "enableBootstrapTokenAuth",
        "enable-bootstrap-token-auth",
        false,
    ),
    (
        "enableAggregatorRouting",
        "enable-aggregator-routing",
        false,
    ),
    ("admissionControl", "admission-control", false),
    ("enableAdmissionPlugins", "enable-admission-plugins", false),
    (
        "disableAdmissionPlugins",
        "disable-admission-plugins",
        false,
    ),
    (
        "admissionControlConfigFile",
        "admission-control-config-file",
        false,
    ),
    ("serviceClusterIPRange", "service-cluster-ip-range", false),
    ("serviceNodePortRange", "service-node-port-range", false),
    ("etcdServers", "etcd-servers", false),
    ("etcdServersOverrides", "etcd-servers-overrides", false),
    ("etcdCaFile", "etcd-cafile", false),
    ("etcdCertFile", "etcd-certfile", false),
    ("etcdKeyFile", "etcd-keyfile", false),
    ("basicAuthFile", "basic-auth-file", false),
    ("clientCAFile", "client-ca-file", false),
    ("tlsCertFile", "tls-cert-file", false),
    ("tlsPrivateKeyFile", "tls-private-key-file", false),
    ("tlsCipherSuites", "tls-cipher-suites", false),
    ("tlsMinVersion", "tls-min-version", false),
    ("tokenAuthFile", "token-auth-file", false),
    ("allowPrivileged", "allow-privileged", false),
    ("apiServerCount", "apiserver-count", false),
    ("runtimeConfig", "runtime-config", false),
    (
        "kubeletClientCertificate",
        "kubelet-client-certificate",
        false,
    ),
    (
        "kubeletCertificateAuthority",
        "kubelet-certificate-authority",
        false,
    ),
    ("kubeletClientKey", "kubelet-client-key", false),
    ("anonymousAuth", "anonymous-auth", false),
    (
        "kubeletPreferredAddressTypes",
        "kubelet-preferred-address-types",
        false,
    ),
    ("storageBackend", "storage-backend", false),
    ("oidcUsernameClaim", "oidc-username-claim", false),
    ("oidcUsernamePrefix", "oidc-username-prefix", false),
    ("oidcGroupsClaim", "oidc-groups-claim", false),
    ("oidcGroupsPrefix", "oidc-groups-prefix", false),
    ("oidcIssuerURL", "oidc-issuer-url", false),
    ("oidcClientID", "oidc-client-id", false),
    ("oidcRequiredClaim", "oidc-required-claim", true),
    ("oidcCAFile", "oidc-ca-file", false),
    ("authenticationConfigFile", "authentication-config", false),
    ("proxyClientCertFile", "proxy-client-cert-file", false),
    ("proxyClientKeyFile", "proxy-client-key-file", false),
    ("auditLogFormat", "audit-log-format", false),
    ("auditLogPath", "audit-log-path", false),
    ("auditLogMaxAge", "audit-log-maxage", false),
    ("auditLogMaxBackups", "audit-log-maxbackup", false),
    ("auditLogMaxSize", "audit-log-maxsize", false),
    ("auditPolicyFile", "audit-policy-file", false),
    (
        "auditWebhookBatchBufferSize",
        "audit-webhook-batch-buffer-size",
        false,
    ),
    (
        "auditWebhookBatchMaxSize",
        "audit-webhook-batch-max-size",
        false,
    ),
    (
        "auditWebhookBatchMaxWait",
        "audit-webhook-batch-max-wait",
        false,
    ),
    (
        "auditWebhookBatchThrottleBurst",
        "audit-webhook-batch-throttle-burst",
        false,
    ),
    (
        "auditWebhookBatchThrottleEnable",
        "audit-webhook-batch-throttle-enable",
        false,
    ),
    (
        "auditWebhookBatchThrottleQps",
        "audit-webhook-batch-throttle-qps",
        false,
    ),
    ("auditWebhookConfigFile", "audit-webhook-config-file", false),
    (
        "auditWebhookInitialBackoff",
        "audit-webhook-initial-backoff",
        false,
    ),
    ("auditWebhookMode", "audit-webhook-mode", false),
    (
        "authenticationTokenWebhookConfigFile",
        "authentication-token-webhook-config-file",
        false,
    ),
    (
        "authenticationTokenWebhookCacheTtl",
        "authentication-token-webhook-cache-ttl",
        false,
    ),
    ("authorizationMode", "authorization-mode", false),
    (
        "authorizationWebhookConfigFile",
        "authorization-webhook-config-file",
        false,
    ),
    (
        "authorizationWebhookCacheAuthorizedTtl",
        "authorization-webhook-cache-authorized-ttl",
        false,
    ),
    (
        "authorizationWebhookCacheUnauthorizedTtl",
        "authorization-webhook-cache-unauthorized-ttl",
        false,
    ),
    (
        "authorizationRbacSuperUser",
        "authorization-rbac-super-user",
        false,
    ),
    (
        "encryptionProviderConfig",
        "encryption-provider-config",
        false,
    ),
    (
        "experimentalEncryptionProviderConfig",
        "experimental-encryption-provider-config",
        false,
    ),
    (
        "requestheaderUsernameHeaders",
        "requestheader-username-headers",
        false,
    ),
    (
        "requestheaderGroupHeaders",
        "requestheader-group-headers",
        false,
    ),
    (
        "requestheaderExtraHeaderPrefixes",
        "requestheader-extra-headers-prefix",
        false,
    ),
    (
        "requestheaderClientCAFile",
        "requestheader-client-ca-file",
        false,
    ),
    (
        "requestheaderAllowedNames",
        "requestheader-allowed-names",
        false,
    ),
    ("featureGates", "feature-gates", false),
    ("goawayChance", "goaway-chance", false),
    ("maxRequestsInflight", "max-requests-inflight", false),
    (
        "maxMutatingRequestsInflight",
        "max-mutating-requests-inflight",
        false,
    ),
    (
        "http2MaxStreamsPerConnection",
        "http2-max-streams-per-connection",
        false,
    ),
    ("etcdQuorumRead", "etcd-quorum-read", false),
    ("requestTimeout", "request-timeout", false),
    (
        "storageInitializationTimeout",
        "storage-initialization-timeout",
        false,
    ),
    ("minRequestTimeout", "min-request-timeout", false),
    ("watchCache", "watch-cache", false),
    ("watchCacheSizes", "watch-cache-sizes", false),
    ("serviceAccountKeyFile", "service-account-key-file", true),
    (
        "serviceAccountSigningKeyFile",
        "service-account-signing-key-file",
        false,
    ),
    ("serviceAccountIssuer", "service-account-issuer", false),
    ("serviceAccountJWKSURI", "service-account-jwks-uri", false),
    ("apiAudiences", "api-audiences", false),
    ("eventTTL", "event-ttl", false),
    (
        "auditDynamicConfiguration",
        "audit-dynamic-configuration",
        false,
    ),
    ("enableProfiling", "profiling", false),
    ("enableContentionProfiling", "contention-profiling", false),
    ("corsAllowedOrigins", "cors-allowed-origins", false),
    (
        "defaultNotReadyTolerationSeconds",
        "default-not-ready-toleration-seconds",
        false,
    ),
    (
        "defaultUnreachableTolerationSeconds",
        "default-unreachable-toleration-seconds",
        false,
    ),
    (
        "deleteCollectionWorkers",
        "delete-collection-workers",
        false,
    ),
];

/// `KubeControllerManagerConfig`: field, flag, whether a list repeats the flag.
const CONTROLLER_MANAGER: &[Field] = &[
    ("master", "master", false),
    ("logFormat", "logging-format", false),
    ("logLevel", "v", false),
    (
        "serviceAccountPrivateKeyFile",
        "service-account-private-key-file",
        false,
    ),
    ("cloudProvider", "cloud-provider", false),
    ("clusterName", "cluster-name", false),
    ("clusterCIDR", "cluster-cidr", false),
    ("allocateNodeCIDRs", "allocate-node-cidrs", false),
    ("nodeCIDRMaskSize", "node-cidr-mask-size", false),
    ("configureCloudRoutes", "configure-cloud-routes", false),
    ("controllers", "controllers", false),
    ("cidrAllocatorType", "cidr-allocator-type", false),
    ("rootCAFile", "root-ca-file", false),
    (
        "attachDetachReconcileSyncPeriod",
        "attach-detach-reconcile-sync-period",
        false,
    ),
    (
        "disableAttachDetachReconcileSync",
        "disable-attach-detach-reconcile-sync",
        false,
    ),
    (
        "terminatedPodGCThreshold",
        "terminated-pod-gc-threshold",
        false,
    ),
    ("nodeMonitorPeriod", "node-monitor-period", false),
    ("nodeMonitorGracePeriod", "node-monitor-grace-period", false),
    ("podEvictionTimeout", "pod-eviction-timeout", false),
    (
        "useServiceAccountCredentials",
        "use-service-account-credentials",
        false,
    ),
    (
        "horizontalPodAutoscalerSyncPeriod",
        "horizontal-pod-autoscaler-sync-period",
        false,
    ),
    (
        "horizontalPodAutoscalerDownscaleDelay",
        "horizontal-pod-autoscaler-downscale-delay",
        false,
    ),
    (
        "horizontalPodAutoscalerDownscaleStabilization",
        "horizontal-pod-autoscaler-downscale-stabilization",
        false,
    ),
    (
        "horizontalPodAutoscalerUpscaleDelay",
        "horizontal-pod-autoscaler-upscale-delay",
        false,
    ),
    (
        "horizontalPodAutoscalerInitialReadinessDelay",
        "horizontal-pod-autoscaler-initial-readiness-delay",
        false,
    ),
    (
        "horizontalPodAutoscalerCpuInitializationPeriod",
        "horizontal-pod-autoscaler-cpu-initialization-period",
        false,
    ),
    (
        "horizontalPodAutoscalerTolerance",
        "horizontal-pod-autoscaler-tolerance",
        false,
    ),
    (
        "horizontalPodAutoscalerUseRestClients",
        "horizontal-pod-autoscaler-use-rest-clients",
        false,
    ),
    (
        "experimentalClusterSigningDuration",
        "experimental-cluster-signing-duration",
        false,
    ),
    ("ClusterSigningDuration", "cluster-signing-duration", false),
    ("featureGates", "feature-gates", false),
    ("tlsCertFile", "tls-cert-file", false),
    ("tlsCipherSuites", "tls-cipher-suites", false),
    ("tlsMinVersion", "tls-min-version", false),
    ("tlsPrivateKeyFile", "tls-private-key-file", false),
    ("minResyncPeriod", "min-resync-period", false),
    ("kubeAPIQPS", "kube-api-qps", false),
    ("kubeAPIBurst", "kube-api-burst", false),
    (
        "concurrentDeploymentSyncs",
        "concurrent-deployment-syncs",
        false,
    ),
    (
        "concurrentEndpointSyncs",
        "concurrent-endpoint-syncs",
        false,
    ),
    (
        "concurrentNamespaceSyncs",
        "concurrent-namespace-syncs",
        false,
    ),
    (
        "concurrentReplicasetSyncs",
        "concurrent-replicaset-syncs",
        false,
    ),
    ("concurrentServiceSyncs", "concurrent-service-syncs", false),
    (
        "concurrentResourceQuotaSyncs",
        "concurrent-resource-quota-syncs",
        false,
    ),
    (
        "concurrentServiceaccountTokenSyncs",
        "concurrent-serviceaccount-token-syncs",
        false,
    ),
    ("concurrentRcSyncs", "concurrent-rc-syncs", false),
    (
        "concurrentHorizontalPodAustoscalerSyncs",
        "concurrent-horizontal-pod-autoscaler-syncs",
        false,
    ),
    ("concurrentJobSyncs", "concurrent-job-syncs", false),
    (
        "authenticationKubeconfig",
        "authentication-kubeconfig",
        false,
    ),
    ("authorizationKubeconfig", "authorization-kubeconfig", false),
    (
        "authorizationAlwaysAllowPaths",
        "authorization-always-allow-paths",
        false,
    ),
    (
        "externalCloudVolumePlugin",
        "external-cloud-volume-plugin",
        false,
    ),
    (
        "endpointUpdatesBatchPeriod",
        "endpoint-updates-batch-period",
        false,
    ),
    (
        "endpointSliceUpdatesBatchPeriod",
        "endpointslice-updates-batch-period",
        false,
    ),
    ("enableProfiling", "profiling", false),
    ("enableContentionProfiling", "contention-profiling", false),
    ("enableLeaderMigration", "enable-leader-migration", false),
];

/// `KubeSchedulerConfig`: field, flag, whether a list repeats the flag.
const SCHEDULER: &[Field] = &[
    ("master", "master", false),
    ("logFormat", "logging-format", false),
    ("logLevel", "v", false),
    ("featureGates", "feature-gates", false),
    ("kubeAPIQPS", "kube-api-qps", false),
    ("kubeAPIBurst", "kube-api-burst", false),
    (
        "authenticationKubeconfig",
        "authentication-kubeconfig",
        false,
    ),
    ("authorizationKubeconfig", "authorization-kubeconfig", false),
    (
        "authorizationAlwaysAllowPaths",
        "authorization-always-allow-paths",
        false,
    ),
    ("enableProfiling", "profiling", false),
    ("enableContentionProfiling", "contention-profiling", false),
    ("tlsCertFile", "tls-cert-file", false),
    ("tlsPrivateKeyFile", "tls-private-key-file", false),
];

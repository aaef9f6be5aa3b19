//! A deterministic, seeded generator of a GitOps repository, for kubeharden's benchmarks.
//!
//! The repository looks like what a CI job or a pre-commit hook lints: a few control-plane
//! static pod manifests (kube-apiserver, etcd, kube-controller-manager, kube-scheduler) of
//! several Kubernetes versions, some of them insecure; `KubeletConfiguration` files; Dashboard
//! manifests; and a large majority of ordinary workload YAML: Deployments with their Services,
//! ConfigMaps, RBAC, Ingresses, StatefulSets, CronJobs and CustomResourceDefinitions with big
//! openAPI schemas.
//!
//! File `i` depends only on the seed and `i`, so the 1,000-file corpus is the first thousand
//! files of the 10,000-file one and the per-file cost can be compared across sizes.
//!
//! ```
//! let files = kubeharden_bench::generate(7, 50);
//! assert_eq!(files.len(), 50);
//! assert_eq!(files, kubeharden_bench::generate(7, 50));
//! assert!(files.iter().all(|f| f.path.extension().is_some_and(|e| e == "yaml")));
//! ```

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The seed the benchmarks and scripts use.
pub const DEFAULT_SEED: u64 = 0x6b75_6265;

/// One generated file: its path relative to the repository root, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub text: String,
}

/// What a generated corpus holds, for the record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusStats {
    pub files: usize,
    pub bytes: usize,
    pub documents: usize,
}

/// splitmix64: small, fast, and the same everywhere.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, index: u64) -> Self {
        let mut rng = Rng(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const VERSIONS: &[&str] = &[
    "v1.18.20", "v1.20.15", "v1.23.17", "v1.25.16", "v1.27.16", "v1.28.15", "v1.29.10", "v1.30.6",
    "v1.31.2",
];
const ETCD_VERSIONS: &[&str] = &["3.4.3-0", "3.4.13-0", "3.5.6-0", "3.5.12-0", "3.5.15-0"];
const TEAMS: &[&str] = &[
    "payments",
    "search",
    "identity",
    "platform",
    "data",
    "web",
    "mobile",
    "ml",
    "billing",
    "observability",
    "edge",
    "growth",
];
const WORDS: &[&str] = &[
    "api",
    "worker",
    "gateway",
    "cache",
    "ingest",
    "export",
    "scheduler",
    "reporter",
    "sync",
    "indexer",
    "frontend",
    "backend",
    "notifier",
    "auth",
    "ledger",
    "router",
    "collector",
    "renderer",
    "archiver",
    "resolver",
];
const REGISTRIES: &[&str] = &["ghcr.io/acme", "registry.acme.internal", "docker.io/acme"];
const CLUSTERS: &[&str] = &["prod-eu-1", "prod-us-1", "staging", "dev", "edge-ap-1"];

/// Generates `files` files from `seed`.
#[must_use]
pub fn generate(seed: u64, files: usize) -> Vec<GeneratedFile> {
    (0..files).map(|i| generate_file(seed, i)).collect()
}

/// Generates file number `index` of the corpus of `seed`.
#[must_use]
pub fn generate_file(seed: u64, index: usize) -> GeneratedFile {
    let mut rng = Rng::new(seed, index as u64);
    let roll = rng.below(1000);
    let cluster = rng.pick(CLUSTERS);
    let team = rng.pick(TEAMS);
    let app = format!("{}-{}", rng.pick(WORDS), index);
    let (dir, name, text) = match roll {
        0..=79 => {
            let (name, text) = control_plane_pod(&mut rng);
            (
                format!("clusters/{cluster}/node-{index}/manifests"),
                name.to_owned(),
                text,
            )
        }
        80..=119 => (
            format!("clusters/{cluster}/node-{index}/kubelet"),
            "config.yaml".to_owned(),
            kubelet_config(&mut rng),
        ),
        120..=139 => (
            format!("clusters/{cluster}/addons/dashboard-{index}"),
            "dashboard.yaml".to_owned(),
            dashboard(&mut rng),
        ),
        140..=539 => (
            format!("apps/{team}/{app}"),
            "deployment.yaml".to_owned(),
            deployment(&mut rng, &app, team),
        ),
        540..=739 => (
            format!("apps/{team}/{app}"),
            "configmap.yaml".to_owned(),
            config_map(&mut rng, &app, team),
        ),
        740..=799 => (
            format!("apps/{team}/{app}"),
            "rbac.yaml".to_owned(),
            rbac(&mut rng, &app, team),
        ),
        800..=849 => (
            format!("apps/{team}/{app}"),
            "ingress.yaml".to_owned(),
            ingress(&mut rng, &app, team),
        ),
        850..=899 => (
            format!("apps/{team}/{app}"),
            "statefulset.yaml".to_owned(),
            stateful_set(&mut rng, &app, team),
        ),
        900..=939 => (
            format!("apps/{team}/{app}"),
            "cronjob.yaml".to_owned(),
            cron_job(&mut rng, &app, team),
        ),
        940..=997 => (
            format!("crds/{team}"),
            format!("{app}.crd.yaml"),
            crd(&mut rng, &app, team),
        ),
        _ => (
            format!("apps/{team}/{app}"),
            "values.yaml".to_owned(),
            broken(&mut rng, &app),
        ),
    };
    GeneratedFile {
        path: Path::new(&dir).join(name),
        text,
    }
}

/// One file of `documents` tiny ConfigMaps, one per YAML document: the stream whose cost must
/// grow linearly with its length.
#[must_use]
pub fn many_documents(documents: usize) -> String {
    let mut text = String::new();
    for i in 0..documents {
        text.push_str("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n");
        push(&mut text, 2, &format!("name: cm-{i}"));
        text.push_str("data:\n  k: v\n");
    }
    text
}

/// Writes the corpus of `seed` with `files` files under `root`.
///
/// # Errors
/// Any error creating directories or writing files.
pub fn write_corpus(root: &Path, seed: u64, files: usize) -> io::Result<CorpusStats> {
    let mut stats = CorpusStats::default();
    for i in 0..files {
        let file = generate_file(seed, i);
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.text)?;
        stats.files += 1;
        stats.bytes += file.text.len();
        stats.documents += 1 + file.text.matches("\n---\n").count();
    }
    Ok(stats)
}

fn push(out: &mut String, indent: usize, line: &str) {
    for _ in 0..indent {
        out.push(' ');
    }
    out.push_str(line);
    out.push('\n');
}

fn labels(out: &mut String, indent: usize, app: &str, team: &str) {
    push(out, indent, "labels:");
    push(out, indent + 2, &format!("app.kubernetes.io/name: {app}"));
    push(
        out,
        indent + 2,
        &format!("app.kubernetes.io/part-of: {team}"),
    );
    push(out, indent + 2, "app.kubernetes.io/managed-by: argocd");
}

/// A kubeadm-style static pod of one control-plane component, insecure some of the time.
fn control_plane_pod(rng: &mut Rng) -> (&'static str, String) {
    let version = rng.pick(VERSIONS);
    let insecure = rng.chance(35);
    let ip = format!(
        "10.{}.{}.{}",
        rng.below(255),
        rng.below(255),
        rng.range(2, 250)
    );
    let (component, file, flags, image, port) = match rng.below(4) {
        0 => {
            let mut flags = vec![
                format!("--advertise-address={ip}"),
                "--allow-privileged=true".to_owned(),
                "--client-ca-file=/etc/kubernetes/pki/ca.crt".to_owned(),
                "--enable-bootstrap-token-auth=true".to_owned(),
                "--etcd-servers=https://127.0.0.1:2379".to_owned(),
                "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt".to_owned(),
                "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key".to_owned(),
                "--requestheader-allowed-names=front-proxy-client".to_owned(),
                "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt".to_owned(),
                "--requestheader-extra-headers-prefix=X-Remote-Extra-".to_owned(),
                "--requestheader-group-headers=X-Remote-Group".to_owned(),
                "--requestheader-username-headers=X-Remote-User".to_owned(),
                "--secure-port=6443".to_owned(),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local".to_owned(),
                "--service-account-key-file=/etc/kubernetes/pki/sa.pub".to_owned(),
                "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key".to_owned(),
                "--service-cluster-ip-range=10.96.0.0/12".to_owned(),
                "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt".to_owned(),
                "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key".to_owned(),
            ];
            if insecure {
                match rng.below(4) {
                    0 => flags.push("--authorization-mode=AlwaysAllow".to_owned()),
                    1 => flags.push("--authorization-mode=Node".to_owned()),
                    _ => flags.push("--authorization-mode=Node,RBAC".to_owned()),
                }
                if rng.chance(50) {
                    flags.push("--anonymous-auth=true".to_owned());
                }
                if version.starts_with("v1.18") && rng.chance(50) {
                    flags.push("--insecure-port=8080".to_owned());
                    flags.push("--insecure-bind-address=0.0.0.0".to_owned());
                }
                if rng.chance(50) {
                    flags.push("--enable-admission-plugins=PodSecurity".to_owned());
                }
            } else {
                flags.push("--authorization-mode=Node,RBAC".to_owned());
                flags.push("--enable-admission-plugins=NodeRestriction".to_owned());
                flags.push("--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt".to_owned());
                flags.push(
                    "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt".to_owned(),
                );
                flags.push(
                    "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key".to_owned(),
                );
                flags.push(
                    "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt"
                        .to_owned(),
                );
                flags.push(
                    "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key"
                        .to_owned(),
                );
                if version.starts_with("v1.18") {
                    flags.push("--insecure-port=0".to_owned());
                }
            }
            flags.sort();
            (
                "kube-apiserver",
                "kube-apiserver.yaml",
                flags,
                format!("registry.k8s.io/kube-apiserver:{version}"),
                6443,
            )
        }
        1 => {
            let scheme = if insecure { "http" } else { "https" };
            let mut flags = vec![
                format!("--advertise-client-urls={scheme}://{ip}:2379"),
                "--data-dir=/var/lib/etcd".to_owned(),
                "--experimental-initial-corrupt-check=true".to_owned(),
                format!("--initial-advertise-peer-urls={scheme}://{ip}:2380"),
                format!("--initial-cluster=cp-1={scheme}://{ip}:2380"),
                format!("--listen-client-urls={scheme}://127.0.0.1:2379,{scheme}://{ip}:2379"),
                "--listen-metrics-urls=http://127.0.0.1:2381".to_owned(),
                format!("--listen-peer-urls={scheme}://{ip}:2380"),
                "--name=cp-1".to_owned(),
                "--snapshot-count=10000".to_owned(),
            ];
            if insecure {
                if rng.chance(50) {
                    flags.push("--auto-tls=true".to_owned());
                }
            } else {
                flags.extend(
                    [
                        "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                        "--client-cert-auth=true",
                        "--key-file=/etc/kubernetes/pki/etcd/server.key",
                        "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
                        "--peer-client-cert-auth=true",
                        "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
                        "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
                        "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
                    ]
                    .map(str::to_owned),
                );
            }
            flags.sort();
            (
                "etcd",
                "etcd.yaml",
                flags,
                format!("registry.k8s.io/etcd:{}", rng.pick(ETCD_VERSIONS)),
                2381,
            )
        }
        2 => (
            "kube-controller-manager",
            "kube-controller-manager.yaml",
            [
                "--allocate-node-cidrs=true",
                "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--bind-address=127.0.0.1",
                "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                "--cluster-cidr=10.244.0.0/16",
                "--cluster-name=kubernetes",
                "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
                "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
                "--controllers=*,bootstrapsigner,tokencleaner",
                "--kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--leader-elect=true",
                "--root-ca-file=/etc/kubernetes/pki/ca.crt",
                "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
                "--use-service-account-credentials=true",
            ]
            .map(str::to_owned)
            .to_vec(),
            format!("registry.k8s.io/kube-controller-manager:{version}"),
            10257,
        ),
        _ => (
            "kube-scheduler",
            "kube-scheduler.yaml",
            [
                "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--bind-address=127.0.0.1",
                "--kubeconfig=/etc/kubernetes/scheduler.conf",
                "--leader-elect=true",
            ]
            .map(str::to_owned)
            .to_vec(),
            format!("registry.k8s.io/kube-scheduler:{version}"),
            10259,
        ),
    };
    let mut out = String::with_capacity(4096);
    push(&mut out, 0, "apiVersion: v1");
    push(&mut out, 0, "kind: Pod");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, "annotations:");
    push(
        &mut out,
        4,
        &format!("kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: {ip}:6443"),
    );
    push(&mut out, 2, "creationTimestamp: null");
    push(&mut out, 2, "labels:");
    push(&mut out, 4, &format!("component: {component}"));
    push(&mut out, 4, "tier: control-plane");
    push(&mut out, 2, &format!("name: {component}"));
    push(&mut out, 2, "namespace: kube-system");
    push(&mut out, 0, "spec:");
    push(&mut out, 2, "containers:");
    push(&mut out, 2, "- command:");
    push(&mut out, 4, &format!("- {component}"));
    for flag in &flags {
        push(&mut out, 4, &format!("- {flag}"));
    }
    push(&mut out, 4, &format!("image: {image}"));
    push(&mut out, 4, "imagePullPolicy: IfNotPresent");
    push(&mut out, 4, "livenessProbe:");
    push(&mut out, 6, "failureThreshold: 8");
    push(&mut out, 6, "httpGet:");
    push(&mut out, 8, "host: 127.0.0.1");
    push(&mut out, 8, "path: /livez");
    push(&mut out, 8, &format!("port: {port}"));
    push(&mut out, 8, "scheme: HTTPS");
    push(&mut out, 6, "initialDelaySeconds: 10");
    push(&mut out, 6, "periodSeconds: 10");
    push(&mut out, 6, "timeoutSeconds: 15");
    push(&mut out, 4, &format!("name: {component}"));
    push(&mut out, 4, "resources:");
    push(&mut out, 6, "requests:");
    push(&mut out, 8, &format!("cpu: {}m", rng.range(1, 5) * 50));
    push(&mut out, 4, "volumeMounts:");
    for (name, path) in [
        ("ca-certs", "/etc/ssl/certs"),
        ("k8s-certs", "/etc/kubernetes/pki"),
        ("usr-share-ca-certificates", "/usr/share/ca-certificates"),
    ] {
        push(&mut out, 4, &format!("- mountPath: {path}"));
        push(&mut out, 6, &format!("name: {name}"));
        push(&mut out, 6, "readOnly: true");
    }
    push(&mut out, 2, "hostNetwork: true");
    push(&mut out, 2, "priority: 2000001000");
    push(&mut out, 2, "priorityClassName: system-node-critical");
    push(&mut out, 2, "securityContext:");
    push(&mut out, 4, "seccompProfile:");
    push(&mut out, 6, "type: RuntimeDefault");
    push(&mut out, 2, "volumes:");
    for (name, path) in [
        ("ca-certs", "/etc/ssl/certs"),
        ("k8s-certs", "/etc/kubernetes/pki"),
        ("usr-share-ca-certificates", "/usr/share/ca-certificates"),
    ] {
        push(&mut out, 2, "- hostPath:");
        push(&mut out, 6, &format!("path: {path}"));
        push(&mut out, 6, "type: DirectoryOrCreate");
        push(&mut out, 4, &format!("name: {name}"));
    }
    push(&mut out, 0, "status: {}");
    (file, out)
}

fn kubelet_config(rng: &mut Rng) -> String {
    let insecure = rng.chance(35);
    let mut out = String::with_capacity(2048);
    push(&mut out, 0, "apiVersion: kubelet.config.k8s.io/v1beta1");
    push(&mut out, 0, "kind: KubeletConfiguration");
    push(&mut out, 0, "authentication:");
    push(&mut out, 2, "anonymous:");
    push(
        &mut out,
        4,
        if insecure {
            "enabled: true"
        } else {
            "enabled: false"
        },
    );
    push(&mut out, 2, "webhook:");
    push(&mut out, 4, "cacheTTL: 0s");
    push(&mut out, 4, "enabled: true");
    if !insecure || rng.chance(50) {
        push(&mut out, 2, "x509:");
        push(&mut out, 4, "clientCAFile: /etc/kubernetes/pki/ca.crt");
    }
    push(&mut out, 0, "authorization:");
    push(
        &mut out,
        2,
        if insecure && rng.chance(50) {
            "mode: AlwaysAllow"
        } else {
            "mode: Webhook"
        },
    );
    push(&mut out, 2, "webhook:");
    push(&mut out, 4, "cacheAuthorizedTTL: 0s");
    push(&mut out, 4, "cacheUnauthorizedTTL: 0s");
    push(&mut out, 0, "cgroupDriver: systemd");
    push(&mut out, 0, "clusterDNS:");
    push(&mut out, 0, "- 10.96.0.10");
    push(&mut out, 0, "clusterDomain: cluster.local");
    push(&mut out, 0, "containerRuntimeEndpoint: \"\"");
    push(&mut out, 0, "cpuManagerReconcilePeriod: 0s");
    push(&mut out, 0, "evictionPressureTransitionPeriod: 0s");
    push(&mut out, 0, "fileCheckFrequency: 0s");
    push(&mut out, 0, "healthzBindAddress: 127.0.0.1");
    push(&mut out, 0, "healthzPort: 10248");
    push(&mut out, 0, "httpCheckFrequency: 0s");
    push(&mut out, 0, "imageMinimumGCAge: 0s");
    push(&mut out, 0, "logging:");
    push(&mut out, 2, "flushFrequency: 0");
    push(&mut out, 2, "options:");
    push(&mut out, 4, "json:");
    push(&mut out, 6, "infoBufferSize: \"0\"");
    push(&mut out, 2, "verbosity: 0");
    push(&mut out, 0, "memorySwap: {}");
    push(&mut out, 0, "nodeStatusReportFrequency: 0s");
    push(&mut out, 0, "nodeStatusUpdateFrequency: 0s");
    if insecure && rng.chance(50) {
        push(&mut out, 0, "readOnlyPort: 10255");
    }
    push(&mut out, 0, "rotateCertificates: true");
    push(&mut out, 0, "runtimeRequestTimeout: 0s");
    push(&mut out, 0, "shutdownGracePeriod: 0s");
    push(&mut out, 0, "shutdownGracePeriodCriticalPods: 0s");
    push(&mut out, 0, "staticPodPath: /etc/kubernetes/manifests");
    push(&mut out, 0, "streamingConnectionIdleTimeout: 0s");
    push(&mut out, 0, "syncFrequency: 0s");
    push(&mut out, 0, "volumeStatsAggPeriod: 0s");
    out
}

fn dashboard(rng: &mut Rng) -> String {
    let insecure = rng.chance(40);
    let mut out = String::with_capacity(6144);
    push(&mut out, 0, "apiVersion: v1");
    push(&mut out, 0, "kind: ServiceAccount");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, "labels:");
    push(&mut out, 4, "k8s-app: kubernetes-dashboard");
    push(&mut out, 2, "name: kubernetes-dashboard");
    push(&mut out, 2, "namespace: kubernetes-dashboard");
    push(&mut out, 0, "---");
    push(&mut out, 0, "kind: Service");
    push(&mut out, 0, "apiVersion: v1");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, "labels:");
    push(&mut out, 4, "k8s-app: kubernetes-dashboard");
    push(&mut out, 2, "name: kubernetes-dashboard");
    push(&mut out, 2, "namespace: kubernetes-dashboard");
    push(&mut out, 0, "spec:");
    if insecure && rng.chance(50) {
        push(&mut out, 2, "type: NodePort");
    }
    push(&mut out, 2, "ports:");
    push(&mut out, 4, "- port: 443");
    push(&mut out, 6, "targetPort: 8443");
    push(&mut out, 2, "selector:");
    push(&mut out, 4, "k8s-app: kubernetes-dashboard");
    push(&mut out, 0, "---");
    push(&mut out, 0, "apiVersion: rbac.authorization.k8s.io/v1");
    push(&mut out, 0, "kind: ClusterRoleBinding");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, "name: kubernetes-dashboard");
    push(&mut out, 0, "roleRef:");
    push(&mut out, 2, "apiGroup: rbac.authorization.k8s.io");
    push(&mut out, 2, "kind: ClusterRole");
    push(
        &mut out,
        2,
        if insecure && rng.chance(50) {
            "name: cluster-admin"
        } else {
            "name: kubernetes-dashboard"
        },
    );
    push(&mut out, 0, "subjects:");
    push(&mut out, 2, "- kind: ServiceAccount");
    push(&mut out, 4, "name: kubernetes-dashboard");
    push(&mut out, 4, "namespace: kubernetes-dashboard");
    push(&mut out, 0, "---");
    push(&mut out, 0, "kind: Deployment");
    push(&mut out, 0, "apiVersion: apps/v1");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, "labels:");
    push(&mut out, 4, "k8s-app: kubernetes-dashboard");
    push(&mut out, 2, "name: kubernetes-dashboard");
    push(&mut out, 2, "namespace: kubernetes-dashboard");
    push(&mut out, 0, "spec:");
    push(&mut out, 2, "replicas: 1");
    push(&mut out, 2, "revisionHistoryLimit: 10");
    push(&mut out, 2, "selector:");
    push(&mut out, 4, "matchLabels:");
    push(&mut out, 6, "k8s-app: kubernetes-dashboard");
    push(&mut out, 2, "template:");
    push(&mut out, 4, "metadata:");
    push(&mut out, 6, "labels:");
    push(&mut out, 8, "k8s-app: kubernetes-dashboard");
    push(&mut out, 4, "spec:");
    push(&mut out, 6, "containers:");
    push(&mut out, 8, "- name: kubernetes-dashboard");
    push(&mut out, 10, "image: kubernetesui/dashboard:v2.7.0");
    push(&mut out, 10, "imagePullPolicy: Always");
    push(&mut out, 10, "ports:");
    push(&mut out, 12, "- containerPort: 8443");
    push(&mut out, 14, "protocol: TCP");
    push(&mut out, 10, "args:");
    push(&mut out, 12, "- --auto-generate-certificates");
    push(&mut out, 12, "- --namespace=kubernetes-dashboard");
    if insecure {
        push(&mut out, 12, "- --enable-skip-login");
        if rng.chance(50) {
            push(&mut out, 12, "- --enable-insecure-login");
        }
    }
    push(&mut out, 10, "volumeMounts:");
    push(&mut out, 12, "- name: kubernetes-dashboard-certs");
    push(&mut out, 14, "mountPath: /certs");
    push(&mut out, 12, "- mountPath: /tmp");
    push(&mut out, 14, "name: tmp-volume");
    push(&mut out, 10, "livenessProbe:");
    push(&mut out, 12, "httpGet:");
    push(&mut out, 14, "scheme: HTTPS");
    push(&mut out, 14, "path: /");
    push(&mut out, 14, "port: 8443");
    push(&mut out, 12, "initialDelaySeconds: 30");
    push(&mut out, 12, "timeoutSeconds: 30");
    push(&mut out, 10, "securityContext:");
    push(&mut out, 12, "allowPrivilegeEscalation: false");
    push(&mut out, 12, "readOnlyRootFilesystem: true");
    push(&mut out, 12, "runAsUser: 1001");
    push(&mut out, 12, "runAsGroup: 2001");
    push(&mut out, 6, "volumes:");
    push(&mut out, 8, "- name: kubernetes-dashboard-certs");
    push(&mut out, 10, "secret:");
    push(&mut out, 12, "secretName: kubernetes-dashboard-certs");
    push(&mut out, 8, "- name: tmp-volume");
    push(&mut out, 10, "emptyDir: {}");
    push(&mut out, 6, "serviceAccountName: kubernetes-dashboard");
    push(&mut out, 6, "nodeSelector:");
    push(&mut out, 8, "\"kubernetes.io/os\": linux");
    push(&mut out, 6, "tolerations:");
    push(&mut out, 8, "- key: node-role.kubernetes.io/master");
    push(&mut out, 10, "effect: NoSchedule");
    out
}

fn container(out: &mut String, rng: &mut Rng, indent: usize, name: &str, team: &str) {
    let registry = rng.pick(REGISTRIES);
    push(out, indent, &format!("- name: {name}"));
    let i = indent + 2;
    push(
        out,
        i,
        &format!(
            "image: {registry}/{team}/{name}:{}.{}.{}",
            rng.below(5),
            rng.below(30),
            rng.below(20)
        ),
    );
    push(out, i, "imagePullPolicy: IfNotPresent");
    if rng.chance(50) {
        push(out, i, "args:");
        for _ in 0..rng.range(1, 6) {
            push(
                out,
                i,
                &format!("- --{}={}", rng.pick(WORDS), rng.range(1, 9000)),
            );
        }
    }
    push(out, i, "ports:");
    push(out, i, "- name: http");
    push(
        out,
        i + 2,
        &format!("containerPort: {}", rng.pick(&["8080", "3000", "9000"])),
    );
    push(out, i + 2, "protocol: TCP");
    push(out, i, "env:");
    for _ in 0..rng.range(2, 10) {
        let word = rng.pick(WORDS).to_uppercase();
        push(out, i, &format!("- name: {word}_{}", rng.below(100)));
        if rng.chance(30) {
            push(out, i + 2, "valueFrom:");
            push(out, i + 4, "secretKeyRef:");
            push(out, i + 6, &format!("name: {name}-secrets"));
            push(out, i + 6, &format!("key: {}", rng.pick(WORDS)));
        } else {
            push(
                out,
                i + 2,
                &format!("value: \"{}-{}\"", rng.pick(WORDS), rng.below(1000)),
            );
        }
    }
    push(out, i, "resources:");
    push(out, i + 2, "limits:");
    push(out, i + 4, &format!("cpu: {}m", rng.range(1, 20) * 100));
    push(out, i + 4, &format!("memory: {}Mi", rng.range(1, 32) * 64));
    push(out, i + 2, "requests:");
    push(out, i + 4, &format!("cpu: {}m", rng.range(1, 10) * 50));
    push(out, i + 4, &format!("memory: {}Mi", rng.range(1, 16) * 32));
    push(out, i, "readinessProbe:");
    push(out, i + 2, "httpGet:");
    push(out, i + 4, "path: /healthz");
    push(out, i + 4, "port: http");
    push(out, i + 2, "periodSeconds: 10");
    push(out, i, "securityContext:");
    push(out, i + 2, "allowPrivilegeEscalation: false");
    push(out, i + 2, "readOnlyRootFilesystem: true");
    push(out, i + 2, "runAsNonRoot: true");
    push(out, i + 2, "capabilities:");
    push(out, i + 4, "drop: [\"ALL\"]");
    push(out, i, "volumeMounts:");
    push(out, i, "- name: config");
    push(out, i + 2, "mountPath: /etc/app");
}

fn deployment(rng: &mut Rng, app: &str, team: &str) -> String {
    let mut out = String::with_capacity(4096);
    push(&mut out, 0, "apiVersion: apps/v1");
    push(&mut out, 0, "kind: Deployment");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    labels(&mut out, 2, app, team);
    push(&mut out, 0, "spec:");
    push(&mut out, 2, &format!("replicas: {}", rng.range(1, 12)));
    push(&mut out, 2, "selector:");
    push(&mut out, 4, "matchLabels:");
    push(&mut out, 6, &format!("app.kubernetes.io/name: {app}"));
    push(&mut out, 2, "strategy:");
    push(&mut out, 4, "type: RollingUpdate");
    push(
        &mut out,
        4,
        "rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}",
    );
    push(&mut out, 2, "template:");
    push(&mut out, 4, "metadata:");
    labels(&mut out, 6, app, team);
    push(&mut out, 6, "annotations:");
    push(&mut out, 8, "prometheus.io/scrape: \"true\"");
    push(&mut out, 8, "prometheus.io/port: \"9090\"");
    push(&mut out, 4, "spec:");
    push(&mut out, 6, &format!("serviceAccountName: {app}"));
    push(&mut out, 6, "containers:");
    container(&mut out, rng, 6, app, team);
    if rng.chance(30) {
        container(&mut out, rng, 6, &format!("{app}-sidecar"), team);
    }
    push(&mut out, 6, "volumes:");
    push(&mut out, 6, "- name: config");
    push(&mut out, 8, "configMap:");
    push(&mut out, 10, &format!("name: {app}"));
    push(&mut out, 6, "affinity:");
    push(&mut out, 8, "podAntiAffinity:");
    push(
        &mut out,
        10,
        "preferredDuringSchedulingIgnoredDuringExecution:",
    );
    push(&mut out, 10, "- weight: 100");
    push(&mut out, 12, "podAffinityTerm:");
    push(&mut out, 14, "topologyKey: kubernetes.io/hostname");
    push(&mut out, 14, "labelSelector:");
    push(&mut out, 16, "matchLabels:");
    push(&mut out, 18, &format!("app.kubernetes.io/name: {app}"));
    push(&mut out, 0, "---");
    push(&mut out, 0, "apiVersion: v1");
    push(&mut out, 0, "kind: Service");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    labels(&mut out, 2, app, team);
    push(&mut out, 0, "spec:");
    push(
        &mut out,
        2,
        &format!(
            "type: {}",
            rng.pick(&["ClusterIP", "ClusterIP", "ClusterIP", "LoadBalancer"])
        ),
    );
    push(&mut out, 2, "ports:");
    push(&mut out, 2, "- name: http");
    push(&mut out, 4, "port: 80");
    push(&mut out, 4, "targetPort: http");
    push(&mut out, 2, "selector:");
    push(&mut out, 4, &format!("app.kubernetes.io/name: {app}"));
    out
}

fn config_map(rng: &mut Rng, app: &str, team: &str) -> String {
    let mut out = String::with_capacity(4096);
    push(&mut out, 0, "apiVersion: v1");
    push(&mut out, 0, "kind: ConfigMap");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    labels(&mut out, 2, app, team);
    push(&mut out, 0, "data:");
    for _ in 0..rng.range(2, 12) {
        push(
            &mut out,
            2,
            &format!(
                "{}.{}: \"{}\"",
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.below(100_000)
            ),
        );
    }
    push(&mut out, 2, "application.yaml: |");
    for section in 0..rng.range(2, 8) {
        push(&mut out, 4, &format!("{}{section}:", rng.pick(WORDS)));
        for _ in 0..rng.range(3, 12) {
            push(
                &mut out,
                6,
                &format!(
                    "{}: {}-{} # tuned for {team}",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.below(1000)
                ),
            );
        }
    }
    push(&mut out, 2, "nginx.conf: |");
    push(&mut out, 4, "server {");
    push(&mut out, 6, "listen 8080;");
    for _ in 0..rng.range(2, 10) {
        let word = rng.pick(WORDS);
        push(&mut out, 6, &format!("location /{word} {{"));
        push(
            &mut out,
            8,
            &format!("proxy_pass http://{word}.{team}.svc:80;"),
        );
        push(&mut out, 8, "proxy_set_header Host $host;");
        push(&mut out, 6, "}");
    }
    push(&mut out, 4, "}");
    out
}

fn rbac(rng: &mut Rng, app: &str, team: &str) -> String {
    let mut out = String::with_capacity(2048);
    push(&mut out, 0, "apiVersion: v1");
    push(&mut out, 0, "kind: ServiceAccount");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    push(&mut out, 0, "---");
    push(&mut out, 0, "apiVersion: rbac.authorization.k8s.io/v1");
    push(&mut out, 0, "kind: Role");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    push(&mut out, 0, "rules:");
    for _ in 0..rng.range(1, 6) {
        push(&mut out, 0, "- apiGroups: [\"\"]");
        push(
            &mut out,
            2,
            &format!(
                "resources: [\"{}\", \"{}\"]",
                rng.pick(&["configmaps", "secrets", "pods", "services", "endpoints"]),
                rng.pick(&["leases", "events", "pods/log"])
            ),
        );
        push(&mut out, 2, "verbs: [\"get\", \"list\", \"watch\"]");
    }
    push(&mut out, 0, "---");
    push(&mut out, 0, "apiVersion: rbac.authorization.k8s.io/v1");
    push(&mut out, 0, "kind: RoleBinding");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    push(&mut out, 0, "roleRef:");
    push(&mut out, 2, "apiGroup: rbac.authorization.k8s.io");
    push(&mut out, 2, "kind: Role");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 0, "subjects:");
    push(&mut out, 0, "- kind: ServiceAccount");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    out
}

fn ingress(rng: &mut Rng, app: &str, team: &str) -> String {
    let mut out = String::with_capacity(2048);
    push(&mut out, 0, "apiVersion: networking.k8s.io/v1");
    push(&mut out, 0, "kind: Ingress");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    push(&mut out, 2, "annotations:");
    push(
        &mut out,
        4,
        "cert-manager.io/cluster-issuer: letsencrypt-prod",
    );
    push(
        &mut out,
        4,
        "nginx.ingress.kubernetes.io/proxy-body-size: 10m",
    );
    push(&mut out, 0, "spec:");
    push(&mut out, 2, "ingressClassName: nginx");
    push(&mut out, 2, "tls:");
    push(&mut out, 2, &format!("- hosts: [{app}.{team}.example.com]"));
    push(&mut out, 4, &format!("secretName: {app}-tls"));
    push(&mut out, 2, "rules:");
    push(&mut out, 2, &format!("- host: {app}.{team}.example.com"));
    push(&mut out, 4, "http:");
    push(&mut out, 6, "paths:");
    for _ in 0..rng.range(1, 5) {
        push(&mut out, 6, &format!("- path: /{}", rng.pick(WORDS)));
        push(&mut out, 8, "pathType: Prefix");
        push(&mut out, 8, "backend:");
        push(&mut out, 10, "service:");
        push(&mut out, 12, &format!("name: {app}"));
        push(&mut out, 12, "port: {number: 80}");
    }
    out
}

fn stateful_set(rng: &mut Rng, app: &str, team: &str) -> String {
    let mut out = String::with_capacity(4096);
    push(&mut out, 0, "apiVersion: apps/v1");
    push(&mut out, 0, "kind: StatefulSet");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    labels(&mut out, 2, app, team);
    push(&mut out, 0, "spec:");
    push(&mut out, 2, &format!("serviceName: {app}"));
    push(&mut out, 2, &format!("replicas: {}", rng.range(1, 5)));
    push(&mut out, 2, "selector:");
    push(&mut out, 4, "matchLabels:");
    push(&mut out, 6, &format!("app.kubernetes.io/name: {app}"));
    push(&mut out, 2, "template:");
    push(&mut out, 4, "metadata:");
    labels(&mut out, 6, app, team);
    push(&mut out, 4, "spec:");
    push(&mut out, 6, "containers:");
    container(&mut out, rng, 6, app, team);
    push(&mut out, 2, "volumeClaimTemplates:");
    push(&mut out, 2, "- metadata:");
    push(&mut out, 6, "name: data");
    push(&mut out, 4, "spec:");
    push(&mut out, 6, "accessModes: [ReadWriteOnce]");
    push(&mut out, 6, "resources:");
    push(&mut out, 8, "requests:");
    push(&mut out, 10, &format!("storage: {}Gi", rng.range(1, 500)));
    out
}

fn cron_job(rng: &mut Rng, app: &str, team: &str) -> String {
    let mut out = String::with_capacity(4096);
    push(&mut out, 0, "apiVersion: batch/v1");
    push(&mut out, 0, "kind: CronJob");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, &format!("name: {app}"));
    push(&mut out, 2, &format!("namespace: {team}"));
    push(&mut out, 0, "spec:");
    push(
        &mut out,
        2,
        &format!("schedule: \"{} {} * * *\"", rng.below(60), rng.below(24)),
    );
    push(&mut out, 2, "concurrencyPolicy: Forbid");
    push(&mut out, 2, "jobTemplate:");
    push(&mut out, 4, "spec:");
    push(&mut out, 6, "backoffLimit: 2");
    push(&mut out, 6, "template:");
    push(&mut out, 8, "spec:");
    push(&mut out, 10, "restartPolicy: OnFailure");
    push(&mut out, 10, "containers:");
    container(&mut out, rng, 10, app, team);
    out
}

/// A CustomResourceDefinition with a big openAPI schema: the largest files of a GitOps repo.
fn crd(rng: &mut Rng, app: &str, team: &str) -> String {
    let group = format!("{team}.acme.io");
    let kind: String = app
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    let plural = format!("{}s", kind.to_lowercase());
    let mut out = String::with_capacity(64 * 1024);
    push(&mut out, 0, "apiVersion: apiextensions.k8s.io/v1");
    push(&mut out, 0, "kind: CustomResourceDefinition");
    push(&mut out, 0, "metadata:");
    push(&mut out, 2, "annotations:");
    push(
        &mut out,
        4,
        "controller-gen.kubebuilder.io/version: v0.14.0",
    );
    push(&mut out, 2, &format!("name: {plural}.{group}"));
    push(&mut out, 0, "spec:");
    push(&mut out, 2, &format!("group: {group}"));
    push(&mut out, 2, "names:");
    push(&mut out, 4, &format!("kind: {kind}"));
    push(&mut out, 4, &format!("listKind: {kind}List"));
    push(&mut out, 4, &format!("plural: {plural}"));
    push(&mut out, 4, &format!("singular: {}", kind.to_lowercase()));
    push(&mut out, 2, "scope: Namespaced");
    push(&mut out, 2, "versions:");
    push(&mut out, 2, "- name: v1");
    push(&mut out, 4, "served: true");
    push(&mut out, 4, "storage: true");
    push(&mut out, 4, "subresources:");
    push(&mut out, 6, "status: {}");
    push(&mut out, 4, "schema:");
    push(&mut out, 6, "openAPIV3Schema:");
    push(
        &mut out,
        8,
        &format!("description: {kind} is the Schema for the {plural} API."),
    );
    push(&mut out, 8, "type: object");
    push(&mut out, 8, "properties:");
    let budget = rng.range(8, 40) * 1024;
    schema_properties(&mut out, rng, 10, 0, budget);
    out
}

fn schema_properties(out: &mut String, rng: &mut Rng, indent: usize, depth: usize, budget: usize) {
    let start = out.len();
    let mut index = 0;
    while out.len() - start < budget {
        let word = rng.pick(WORDS);
        push(out, indent, &format!("{word}{index}:"));
        index += 1;
        let _ = writeln!(
            out,
            "{:indent$}description: {} configures the {} of the {} {}; when unset the \
             controller picks a default that suits most clusters.",
            "",
            word,
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS),
            indent = indent + 2
        );
        if depth < 4 && rng.chance(30) {
            push(out, indent + 2, "type: object");
            push(out, indent + 2, "properties:");
            let sub = (budget / 4).max(512);
            schema_properties(out, rng, indent + 4, depth + 1, sub);
        } else {
            match rng.below(4) {
                0 => {
                    push(out, indent + 2, "type: string");
                    push(out, indent + 2, "enum: [Always, Never, IfNotPresent]");
                }
                1 => {
                    push(out, indent + 2, "type: integer");
                    push(out, indent + 2, "format: int32");
                    push(out, indent + 2, "minimum: 0");
                }
                2 => {
                    push(out, indent + 2, "type: array");
                    push(out, indent + 2, "items:");
                    push(out, indent + 4, "type: string");
                }
                _ => push(out, indent + 2, "type: boolean"),
            }
        }
    }
}

/// A file that does not parse (one in five hundred): a stray tab, an unclosed flow list.
fn broken(rng: &mut Rng, app: &str) -> String {
    let mut out = String::new();
    push(&mut out, 0, &format!("name: {app}"));
    if rng.chance(50) {
        push(&mut out, 0, "ports: [80, 443");
    } else {
        push(&mut out, 0, "image:");
        push(&mut out, 0, "\trepository: acme/app");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_prefix_stable() {
        let small = generate(DEFAULT_SEED, 100);
        let large = generate(DEFAULT_SEED, 300);
        assert_eq!(small[..], large[..100]);
        assert_ne!(generate(1, 100), small);
    }

    #[test]
    fn paths_are_unique() {
        let files = generate(DEFAULT_SEED, 2000);
        let mut paths: Vec<_> = files.iter().map(|f| &f.path).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), files.len());
    }

    #[test]
    fn mix_is_mostly_ordinary_workloads() {
        let files = generate(DEFAULT_SEED, 2000);
        let control_plane = files
            .iter()
            .filter(|f| f.path.to_string_lossy().contains("/manifests/"))
            .count();
        let crds = files
            .iter()
            .filter(|f| f.text.contains("kind: CustomResourceDefinition"))
            .count();
        assert!((100..250).contains(&control_plane), "{control_plane}");
        assert!((60..200).contains(&crds), "{crds}");
    }
}

//! What decides each CIS recommendation, by concept key: the rules, a file the configuration
//! points at, a file's mode on the node, or nothing kubeharden can read.

use Decidability::{Manual, NodeFile, NotDecidable, ReferencedFile, Rules};
use kubeharden_core::Component;
use kubeharden_core::Component::{ApiServer, ControllerManager, Etcd, Kubelet, Scheduler};

/// What kubeharden needs to decide a recommendation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Decidability {
    /// Flags and component config decide it: the rules naming the key
    /// ([`codes_for`](super::codes_for)) report it.
    Rules,
    /// It asks for judgement; the benchmark gives no objective test.
    Manual,
    /// The content of a file the configuration points at: audit policy, encryption
    /// configuration, admission configuration.
    ReferencedFile,
    /// A file's mode or owner on the node.
    NodeFile,
    /// A question about how people and processes use the cluster, not its configuration.
    NotDecidable,
}

/// A recommendation, whatever its id in a release.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct Concept {
    /// `apiserver.profiling`.
    pub key: &'static str,
    pub decidability: Decidability,
    /// The component it is about, when it is about one: a report on an input without that
    /// component says the recommendation was not evaluated.
    pub component: Option<Component>,
}

/// The concept `key`, if the benchmark tables name it.
#[must_use]
pub fn concept(key: &str) -> Option<&'static Concept> {
    CONCEPTS.iter().find(|concept| concept.key == key)
}

/// What decides the recommendation `key`; a key no table names is `NotDecidable`, since
/// kubeharden knows nothing that decides it.
#[must_use]
pub fn decidability(key: &str) -> Decidability {
    concept(key).map_or(NotDecidable, |concept| concept.decidability)
}

/// The component the recommendation `key` is about, if it is about one.
#[must_use]
pub fn component(key: &str) -> Option<Component> {
    concept(key).and_then(|concept| concept.component)
}

/// The `Rules` recommendations of the newest release that no rule decides yet, each with the
/// code that will decide it.
pub const NOT_YET_COVERED: &[(&str, &str)] = &[
    // Kubelet rules being written alongside the benchmark tables.
    ("kubelet.streaming-connection-idle-timeout", "KLET008"),
    ("kubelet.make-iptables-util-chains", "KLET009"),
    ("kubelet.hostname-override", "KLET010"),
    ("kubelet.tls-certificate", "KLET011"),
    ("kubelet.rotate-certificates", "KLET012"),
    ("kubelet.rotate-server-certificates", "KLET013"),
    ("kubelet.pod-pids-limit", "KLET014"),
    ("kubelet.seccomp-default", "KLET015"),
    ("kube-proxy.metrics-bind-address", "KPRX001"),
    ("apiserver.tls-cipher-suites", "KTLS001"),
    ("kubelet.tls-cipher-suites", "KTLS001"),
    // Audit and encryption flags: their rules come with the files those flags point at.
    ("audit.minimal-policy", "KAUD001"),
    ("apiserver.audit-log-path", "KAUD002"),
    ("apiserver.audit-log-maxage", "KAUD003"),
    ("apiserver.audit-log-maxbackup", "KAUD003"),
    ("apiserver.audit-log-maxsize", "KAUD003"),
    ("apiserver.encryption-provider-config", "KENC001"),
];

const fn of(key: &'static str, decidability: Decidability, component: Component) -> Concept {
    Concept {
        key,
        decidability,
        component: Some(component),
    }
}

const fn node_wide(key: &'static str, decidability: Decidability) -> Concept {
    Concept {
        key,
        decidability,
        component: None,
    }
}

/// Every concept of every release's table: the newest release's in its order, then the ones
/// only older releases have.
static CONCEPTS: &[Concept] = &[
    // 1.1 Control-plane node configuration files.
    of("files.apiserver-manifest.permissions", NodeFile, ApiServer),
    of("files.apiserver-manifest.ownership", NodeFile, ApiServer),
    of(
        "files.controller-manager-manifest.permissions",
        NodeFile,
        ControllerManager,
    ),
    of(
        "files.controller-manager-manifest.ownership",
        NodeFile,
        ControllerManager,
    ),
    of("files.scheduler-manifest.permissions", NodeFile, Scheduler),
    of("files.scheduler-manifest.ownership", NodeFile, Scheduler),
    of("files.etcd-manifest.permissions", NodeFile, Etcd),
    of("files.etcd-manifest.ownership", NodeFile, Etcd),
    node_wide("files.cni.permissions", NodeFile),
    node_wide("files.cni.ownership", NodeFile),
    of("files.etcd-data-dir.permissions", NodeFile, Etcd),
    of("files.etcd-data-dir.ownership", NodeFile, Etcd),
    node_wide("files.admin-kubeconfig.permissions", NodeFile),
    node_wide("files.admin-kubeconfig.ownership", NodeFile),
    of(
        "files.scheduler-kubeconfig.permissions",
        NodeFile,
        Scheduler,
    ),
    of("files.scheduler-kubeconfig.ownership", NodeFile, Scheduler),
    of(
        "files.controller-manager-kubeconfig.permissions",
        NodeFile,
        ControllerManager,
    ),
    of(
        "files.controller-manager-kubeconfig.ownership",
        NodeFile,
        ControllerManager,
    ),
    node_wide("files.pki.ownership", NodeFile),
    node_wide("files.pki-certificates.permissions", NodeFile),
    node_wide("files.pki-keys.permissions", NodeFile),
    // 1.2 API server.
    of("apiserver.anonymous-auth", Rules, ApiServer),
    of("apiserver.token-auth-file", Rules, ApiServer),
    of("apiserver.deny-service-external-ips", Rules, ApiServer),
    of("apiserver.kubelet-client-certificate", Rules, ApiServer),
    of("apiserver.kubelet-certificate-authority", Rules, ApiServer),
    of("apiserver.authorization-not-always-allow", Rules, ApiServer),
    of("apiserver.authorization-node", Rules, ApiServer),
    of("apiserver.authorization-rbac", Rules, ApiServer),
    of("apiserver.admission-event-rate-limit", Rules, ApiServer),
    of("apiserver.admission-always-admit", Rules, ApiServer),
    of("apiserver.admission-always-pull-images", Rules, ApiServer),
    of("apiserver.admission-service-account", Rules, ApiServer),
    of("apiserver.admission-namespace-lifecycle", Rules, ApiServer),
    of("apiserver.admission-node-restriction", Rules, ApiServer),
    of("apiserver.profiling", Rules, ApiServer),
    of("apiserver.audit-log-path", Rules, ApiServer),
    of("apiserver.audit-log-maxage", Rules, ApiServer),
    of("apiserver.audit-log-maxbackup", Rules, ApiServer),
    of("apiserver.audit-log-maxsize", Rules, ApiServer),
    // "As appropriate": the default is sound and no value is wrong in itself.
    of("apiserver.request-timeout", Manual, ApiServer),
    of("apiserver.service-account-lookup", Rules, ApiServer),
    of("apiserver.service-account-key-file", Rules, ApiServer),
    of("apiserver.etcd-client-certificate", Rules, ApiServer),
    of("apiserver.tls-certificate", Rules, ApiServer),
    of("apiserver.client-ca-file", Rules, ApiServer),
    of("apiserver.etcd-ca-file", Rules, ApiServer),
    of("apiserver.encryption-provider-config", Rules, ApiServer),
    of("apiserver.encryption-providers", ReferencedFile, ApiServer),
    of("apiserver.tls-cipher-suites", Rules, ApiServer),
    of(
        "apiserver.service-account-extend-token-expiration",
        Rules,
        ApiServer,
    ),
    // 1.3 Controller manager.
    of(
        "controller-manager.terminated-pod-gc-threshold",
        Rules,
        ControllerManager,
    ),
    of("controller-manager.profiling", Rules, ControllerManager),
    of(
        "controller-manager.use-service-account-credentials",
        Rules,
        ControllerManager,
    ),
    of(
        "controller-manager.service-account-private-key-file",
        Rules,
        ControllerManager,
    ),
    of("controller-manager.root-ca-file", Rules, ControllerManager),
    of(
        "controller-manager.rotate-kubelet-server-certificate",
        Rules,
        ControllerManager,
    ),
    of("controller-manager.bind-address", Rules, ControllerManager),
    // 1.4 Scheduler.
    of("scheduler.profiling", Rules, Scheduler),
    of("scheduler.bind-address", Rules, Scheduler),
    // 2 etcd.
    of("etcd.client-tls", Rules, Etcd),
    of("etcd.client-cert-auth", Rules, Etcd),
    of("etcd.auto-tls", Rules, Etcd),
    of("etcd.peer-tls", Rules, Etcd),
    of("etcd.peer-client-cert-auth", Rules, Etcd),
    of("etcd.peer-auto-tls", Rules, Etcd),
    of("etcd.unique-ca", Rules, Etcd),
    // 3.1 Authentication: who uses which credential.
    node_wide("authentication.user-client-certificates", NotDecidable),
    node_wide("authentication.user-service-account-tokens", NotDecidable),
    node_wide("authentication.user-bootstrap-tokens", NotDecidable),
    // 3.2 Logging.
    of("audit.minimal-policy", Rules, ApiServer),
    of("audit.policy-coverage", ReferencedFile, ApiServer),
    // 4.1 Worker node configuration files.
    of("files.kubelet-service.permissions", NodeFile, Kubelet),
    of("files.kubelet-service.ownership", NodeFile, Kubelet),
    // kube-proxy's kubeconfig and metrics: `None` until core knows the kube-proxy component.
    node_wide("files.proxy-kubeconfig.permissions", NodeFile),
    node_wide("files.proxy-kubeconfig.ownership", NodeFile),
    of("files.kubelet-kubeconfig.permissions", NodeFile, Kubelet),
    of("files.kubelet-kubeconfig.ownership", NodeFile, Kubelet),
    of("files.kubelet-client-ca.permissions", NodeFile, Kubelet),
    of("files.kubelet-client-ca.ownership", NodeFile, Kubelet),
    of("files.kubelet-config.permissions", NodeFile, Kubelet),
    of("files.kubelet-config.ownership", NodeFile, Kubelet),
    // 4.2 Kubelet.
    of("kubelet.anonymous-auth", Rules, Kubelet),
    of("kubelet.authorization-not-always-allow", Rules, Kubelet),
    of("kubelet.client-ca-file", Rules, Kubelet),
    of("kubelet.read-only-port", Rules, Kubelet),
    of("kubelet.streaming-connection-idle-timeout", Rules, Kubelet),
    of("kubelet.make-iptables-util-chains", Rules, Kubelet),
    of("kubelet.hostname-override", Rules, Kubelet),
    // "A level which ensures appropriate event capture": no value is wrong in itself.
    of("kubelet.event-qps", Manual, Kubelet),
    of("kubelet.tls-certificate", Rules, Kubelet),
    of("kubelet.rotate-certificates", Rules, Kubelet),
    of("kubelet.rotate-server-certificates", Rules, Kubelet),
    of("kubelet.tls-cipher-suites", Rules, Kubelet),
    of("kubelet.pod-pids-limit", Rules, Kubelet),
    of("kubelet.seccomp-default", Rules, Kubelet),
    // 4.3 kube-proxy.
    node_wide("kube-proxy.metrics-bind-address", Rules),
    // Only in older releases.
    of("apiserver.basic-auth-file", Rules, ApiServer),
    of("apiserver.kubelet-https", Rules, ApiServer),
    // cis-1.23 and cis-1.24 ask that DenyServiceExternalIPs be *not* set, the opposite of
    // later releases (and of KAPI006): kubeharden leaves that judgement to the reader.
    of(
        "apiserver.deny-service-external-ips-not-set",
        Manual,
        ApiServer,
    ),
    of(
        "apiserver.admission-security-context-deny",
        Rules,
        ApiServer,
    ),
    of("apiserver.admission-pod-security-policy", Rules, ApiServer),
    of("apiserver.insecure-bind-address", Rules, ApiServer),
    of("apiserver.insecure-port", Rules, ApiServer),
    of("apiserver.secure-port", Rules, ApiServer),
    of("kubelet.protect-kernel-defaults", Rules, Kubelet),
    // `IPAddressDeny=any` in the kubelet's systemd unit (cis-1.11 only).
    of("kubelet.ip-address-deny", Rules, Kubelet),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::{Benchmark, codes_for, find_control};
    use super::*;
    use crate::registry;

    #[test]
    fn every_key_of_every_table_has_one_concept() {
        let mut keys = HashSet::new();
        for concept in CONCEPTS {
            assert!(keys.insert(concept.key), "{} twice", concept.key);
        }
        let tabled: HashSet<_> = Benchmark::ALL
            .into_iter()
            .flat_map(Benchmark::controls)
            .map(|control| control.key)
            .collect();
        assert_eq!(keys, tabled);
    }

    #[test]
    fn every_key_a_rule_names_is_a_concept() {
        for meta in registry::metas() {
            for key in meta.cis {
                assert!(
                    concept(key).is_some(),
                    "{}: unknown CIS key {key}",
                    meta.code
                );
            }
        }
    }

    #[test]
    fn every_newest_rules_control_is_covered_or_listed() {
        let mut uncovered = Vec::new();
        for control in Benchmark::NEWEST.controls() {
            let named = codes_for(control.key).next().is_some();
            let listed = NOT_YET_COVERED.iter().any(|(key, _)| *key == control.key);
            assert!(!(named && listed), "{}: covered and listed", control.key);
            if decidability(control.key) == Rules && !named && !listed {
                uncovered.push(control.key);
            }
            if listed {
                assert_eq!(decidability(control.key), Rules, "{}", control.key);
            }
        }
        assert_eq!(uncovered, Vec::<&str>::new());
        for (key, _) in NOT_YET_COVERED {
            assert!(find_control(Benchmark::NEWEST, key).is_some(), "{key}");
        }
    }

    #[test]
    fn only_rules_concepts_are_decided_by_rules() {
        for meta in registry::metas() {
            for key in meta.cis {
                assert_eq!(decidability(key), Rules, "{}: {key}", meta.code);
            }
        }
    }

    #[test]
    fn ids_and_keys_are_unique_in_each_release() {
        for benchmark in Benchmark::ALL {
            let mut ids = HashSet::new();
            let mut keys = HashSet::new();
            for control in benchmark.controls() {
                assert!(ids.insert(control.id), "{benchmark}: {} twice", control.id);
                assert!(
                    keys.insert(control.key),
                    "{benchmark}: {} twice",
                    control.key
                );
            }
        }
    }

    #[test]
    fn releases_have_the_controls_of_the_benchmark() {
        let counts = Benchmark::ALL.map(|benchmark| benchmark.controls().len());
        assert_eq!(counts, [98, 97, 95, 94, 96, 95, 95, 95, 98, 97]);
        let renumbered =
            |key| Benchmark::ALL.map(|benchmark| find_control(benchmark, key).map(|c| c.id));
        assert_eq!(
            renumbered("kubelet.make-iptables-util-chains"),
            [
                Some("4.2.7"),
                Some("4.2.7"),
                Some("4.2.7"),
                Some("4.2.7"),
                Some("4.2.6"),
                Some("4.2.6"),
                Some("4.2.6"),
                Some("4.2.6"),
                Some("4.2.6"),
                Some("4.2.6")
            ]
        );
        assert_eq!(component("kubelet.read-only-port"), Some(Kubelet));
        assert_eq!(
            decidability("authentication.user-bootstrap-tokens"),
            NotDecidable
        );
    }
}

//! kubeadm configs: the kube-apiserver, etcd and kubelet kubeadm would generate, with the
//! `extraArgs` overlaid, judged as the `kubernetesVersion` they name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{api_server, at, inventory, modes};
use kubeharden_core::flags::WrittenBy;
use kubeharden_core::inventory::Origin;
use kubeharden_core::version::KubeVersion;
use kubeharden_core::views::{Authorization, VersionSource};
use kubeharden_core::{Component, Effective, FileId, Provenance, Span};

const KUBEADM_DEFAULT: &str = "kubeadm default";

fn is_kubeadm_default<T>(setting: &Effective<T>) -> bool {
    matches!(&setting.provenance, Provenance::Default(reason) if reason.why == KUBEADM_DEFAULT)
}

/// The span of a setting written in a kubeadm config.
fn extra_args_span<T: std::fmt::Debug>(setting: &Effective<T>) -> Span {
    match &setting.provenance {
        Provenance::KubeadmExtraArgs(location) => {
            assert_eq!(location.file(), FileId(0));
            location.span()
        }
        other => panic!("expected kubeadm extraArgs, got {other:?} for {setting:?}"),
    }
}

const INIT_V1BETA3: &str = "apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.56.10
  bindPort: 6443
nodeRegistration:
  name: cp-1
---
";

const INIT_V1BETA4: &str = "apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.56.10
nodeRegistration:
  name: cp-1
---
";

#[test]
fn audit_log_only_keeps_every_kubeadm_default() {
    let text = format!(
        "{INIT_V1BETA3}apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.30.2
apiServer:
  extraArgs:
    audit-log-path: /var/log/kubernetes/audit.log
"
    );
    let inventory = inventory(&text);
    let api = api_server(&inventory);
    assert_eq!(api.process.origin, Origin::Kubeadm);

    let authorization = api.authorization().unwrap();
    assert!(is_kubeadm_default(&authorization));
    assert_eq!(modes(&api), ["Node", "RBAC"]);
    let node_restriction = api.node_restriction().unwrap();
    assert!(node_restriction.value);
    assert!(is_kubeadm_default(&node_restriction));
    for setting in [
        api.client_ca_file(),
        api.kubelet_client_certificate(),
        api.kubelet_client_key(),
        api.etcd_cafile(),
        api.etcd_certfile(),
        api.etcd_keyfile(),
    ] {
        let setting = setting.expect("kubeadm sets it");
        assert!(is_kubeadm_default(&setting), "{setting:?}");
    }
    assert_eq!(
        api.kubelet_client_certificate().unwrap().value,
        "/etc/kubernetes/pki/apiserver-kubelet-client.crt"
    );
    assert_eq!(api.etcd_servers()[0].value, "https://127.0.0.1:2379");
    assert_eq!(api.insecure_port().unwrap().value, 0);
    // kubeadm leaves anonymous requests on: the apiserver's own default.
    let anonymous = api.anonymous_requests().unwrap();
    assert!(anonymous.value);
    assert!(
        matches!(&anonymous.provenance, Provenance::Default(r) if r.why == "kube-apiserver default")
    );
    // ... reported where an `extraArgs` entry would go.
    assert_eq!(at(&inventory, api.missing_anchor().span()), "extraArgs");
    // The written entry keeps its bytes.
    let audit = api.flags().last("audit-log-path").unwrap();
    assert_eq!(
        at(&inventory, audit.value.as_ref().unwrap().location().span()),
        "/var/log/kubernetes/audit.log"
    );
    assert_eq!(
        at(&inventory, audit.occurrence().span()),
        "audit-log-path: /var/log/kubernetes/audit.log"
    );

    let etcd = inventory.etcds().next().expect("a local etcd");
    for setting in [
        etcd.cert_file(),
        etcd.key_file(),
        etcd.trusted_ca_file(),
        etcd.peer_cert_file(),
        etcd.peer_key_file(),
        etcd.peer_trusted_ca_file(),
    ] {
        assert!(is_kubeadm_default(&setting.expect("kubeadm sets it")));
    }
    for setting in [etcd.client_cert_auth(), etcd.peer_client_cert_auth()] {
        let setting = setting.unwrap();
        assert!(setting.value);
        assert!(is_kubeadm_default(&setting));
    }
    let urls: Vec<String> = etcd
        .listen_client_urls()
        .unwrap()
        .value
        .into_iter()
        .map(|u| u.value)
        .collect();
    assert_eq!(
        urls,
        ["https://127.0.0.1:2379", "https://192.168.56.10:2379"]
    );
    // No `etcd:` key at all: a missing etcd flag belongs at the document's kind.
    assert_eq!(
        at(&inventory, etcd.missing_anchor().span()),
        "ClusterConfiguration"
    );

    // The kubelet of the InitConfiguration: kubeadm's generated config.
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1);
    let kubelet = &kubelets[0];
    assert!(kubelet.sources.config.is_none());
    let anonymous = kubelet.anonymous_auth().unwrap();
    assert!(!anonymous.value);
    assert!(is_kubeadm_default(&anonymous));
    assert_eq!(kubelet.authorization_mode().unwrap().value, "Webhook");
    assert_eq!(kubelet.read_only_port().unwrap().value, 0);
    let ca = kubelet.client_ca_file().unwrap();
    assert_eq!(ca.value.as_deref(), Some("/etc/kubernetes/pki/ca.crt"));
    assert!(is_kubeadm_default(&ca));
}

#[test]
fn v1beta3_map_overrides_with_exact_spans() {
    let text = format!(
        "{INIT_V1BETA3}apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.29.1
apiServer:
  extraArgs:
    authorization-mode: AlwaysAllow
    anonymous-auth: \"true\"
    enable-admission-plugins: AlwaysPullImages
"
    );
    let inventory = inventory(&text);
    let api = api_server(&inventory);

    // An entry replaces kubeadm's flag of the same name.
    let authorization = api.authorization().unwrap();
    assert_eq!(modes(&api), ["AlwaysAllow"]);
    assert_eq!(
        at(&inventory, extra_args_span(&authorization)),
        "authorization-mode: AlwaysAllow"
    );
    let Authorization::Modes(items) = &authorization.value else {
        panic!()
    };
    assert_eq!(at(&inventory, items[0].span()), "AlwaysAllow");
    assert_eq!(api.flags().all("authorization-mode").count(), 1);
    // Next to AlwaysAllow the apiserver turns anonymous requests off, whatever the flag says;
    // the reason is the written mode.
    let anonymous = api.anonymous_requests().unwrap();
    assert!(!anonymous.value);
    assert_eq!(at(&inventory, extra_args_span(&anonymous)), "AlwaysAllow");
    let flag = api.anonymous_auth().unwrap();
    assert!(flag.value);
    assert_eq!(
        at(&inventory, extra_args_span(&flag)),
        "anonymous-auth: \"true\""
    );
    let value = api.flags().last("anonymous-auth").unwrap().value.clone();
    // Inside the quotes.
    assert_eq!(at(&inventory, value.unwrap().location().span()), "true");

    // AlwaysPullImages replaced kubeadm's NodeRestriction.
    let node_restriction = api.node_restriction().unwrap();
    assert!(!node_restriction.value);
    assert_eq!(
        at(&inventory, extra_args_span(&node_restriction)),
        "enable-admission-plugins: AlwaysPullImages"
    );
    let pull = api.admission_plugin("AlwaysPullImages").unwrap();
    assert!(pull.value);
    assert_eq!(at(&inventory, extra_args_span(&pull)), "AlwaysPullImages");

    // Judged as the kubernetesVersion.
    let version = api.version();
    assert_eq!(version.version, KubeVersion::with_patch(1, 29, 1));
    let VersionSource::KubeadmConfig(location) = version.source else {
        panic!("{version:?}")
    };
    assert_eq!(at(&inventory, location.span()), "v1.29.1");
    assert!(version.is_known());
    let etcd = inventory.etcds().next().unwrap();
    assert_eq!(etcd.version(), version);
    assert_eq!(inventory.kubelets().len(), 1);
    let kubelet = inventory.processes_of(Component::Kubelet).next().unwrap();
    assert_eq!(
        kubeharden_core::views::process_version(&inventory, kubelet).source,
        version.source
    );
}

#[test]
fn v1beta4_list_with_repeated_names() {
    let text = format!(
        "{INIT_V1BETA4}apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.0
apiServer:
  extraArgs:
  - name: authorization-mode
    value: Node
  - name: audit-log-path
    value: /var/log/audit.log
  - name: authorization-mode
    value: RBAC,AlwaysAllow
etcd:
  local:
    extraArgs:
    - name: client-cert-auth
      value: \"false\"
"
    );
    let inventory = inventory(&text);
    let api = api_server(&inventory);
    // Each entry is its own occurrence; kubeadm sorts them by name, then value.
    let occurrences: Vec<&str> = api
        .flags()
        .all("authorization-mode")
        .map(|f| at(&inventory, f.value.as_ref().unwrap().location().span()))
        .collect();
    assert_eq!(occurrences, ["Node", "RBAC,AlwaysAllow"]);
    assert_eq!(modes(&api), ["Node", "RBAC", "AlwaysAllow"]);
    let authorization = api.authorization().unwrap();
    let Authorization::Modes(items) = &authorization.value else {
        panic!()
    };
    assert_eq!(at(&inventory, items[2].span()), "AlwaysAllow");
    assert_eq!(
        at(&inventory, extra_args_span(&authorization)),
        "name: authorization-mode\n    value: RBAC,AlwaysAllow"
    );
    // Written words are sourced from the file, kubeadm's own from kubeadm.
    let flag = api.flags().last("audit-log-path").unwrap();
    assert_eq!(
        (flag.written_by, flag.occurrence().file()),
        (WrittenBy::User, FileId(0))
    );
    let flag = api.flags().last("client-ca-file").unwrap();
    assert_eq!(flag.written_by, WrittenBy::Kubeadm);
    assert!(!flag.is_written());
    // NodeRestriction stays: nothing replaced kubeadm's list.
    assert!(is_kubeadm_default(&api.node_restriction().unwrap()));

    let etcd = inventory.etcds().next().unwrap();
    let client_cert_auth = etcd.client_cert_auth().unwrap();
    assert!(!client_cert_auth.value);
    assert_eq!(
        at(&inventory, extra_args_span(&client_cert_auth)),
        "name: client-cert-auth\n      value: \"false\""
    );
    assert_eq!(at(&inventory, etcd.missing_anchor().span()), "extraArgs");
}

#[test]
fn kubelet_extra_args_beat_the_kubeadm_kubelet_configuration() {
    let text = "apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  kubeletExtraArgs:
    read-only-port: \"10255\"
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.28.4
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: true
";
    let inventory = inventory(text);
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1, "the config is the kubeadm kubelet's");
    let kubelet = &kubelets[0];
    assert!(kubelet.sources.config.is_some());
    let port = kubelet.read_only_port().unwrap();
    assert_eq!(port.value, 10255);
    assert_eq!(
        at(&inventory, extra_args_span(&port)),
        "read-only-port: \"10255\""
    );
    let anonymous = kubelet.anonymous_auth().unwrap();
    assert!(anonymous.value);
    assert!(matches!(anonymous.provenance, Provenance::ConfigFile(_)));
    // kubeadm fills in the client CA and Webhook authorization.
    assert!(is_kubeadm_default(&kubelet.client_ca_file().unwrap()));
    assert_eq!(kubelet.authorization_mode().unwrap().value, "Webhook");
    let config = kubelet.config_flag().unwrap();
    assert_eq!(config.value, "/var/lib/kubelet/config.yaml");
    assert!(is_kubeadm_default(&config));
}

#[test]
fn join_configuration_describes_a_kubelet_only() {
    let text = "apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
nodeRegistration:
  kubeletExtraArgs:
  - name: anonymous-auth
    value: \"true\"
";
    let inventory = inventory(text);
    assert!(inventory.api_servers().next().is_none());
    assert!(inventory.etcds().next().is_none());
    let kubelets = inventory.kubelets();
    let anonymous = kubelets[0].anonymous_auth().unwrap();
    assert!(anonymous.value);
    assert_eq!(
        at(&inventory, extra_args_span(&anonymous)),
        "name: anonymous-auth\n    value: \"true\""
    );
    assert!(is_kubeadm_default(&kubelets[0].read_only_port().unwrap()));
}

#[test]
fn external_etcd_replaces_the_local_one() {
    let text = "apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.27.0
etcd:
  external:
    endpoints:
    - https://10.0.0.5:2379
    caFile: /etc/etcd/ca.crt
    certFile: /etc/etcd/apiserver-etcd-client.crt
    keyFile: /etc/etcd/apiserver-etcd-client.key
";
    let inventory = inventory(text);
    assert!(inventory.etcds().next().is_none());
    let api = api_server(&inventory);
    assert_eq!(
        at(&inventory, api.etcd_servers()[0].span()),
        "https://10.0.0.5:2379"
    );
    for (setting, path) in [
        (api.etcd_cafile(), "/etc/etcd/ca.crt"),
        (api.etcd_certfile(), "/etc/etcd/apiserver-etcd-client.crt"),
        (api.etcd_keyfile(), "/etc/etcd/apiserver-etcd-client.key"),
    ] {
        let setting = setting.unwrap();
        assert_eq!(setting.value, path);
        assert_eq!(at(&inventory, extra_args_span(&setting)), path);
    }
    // No `apiServer:` key: missing flags belong at the document's kind.
    assert_eq!(
        at(&inventory, api.missing_anchor().span()),
        "ClusterConfiguration"
    );
}

#[test]
fn old_releases_as_kubeadm_wrote_them() {
    // kubeadm 1.15: `--insecure-port=0`, and Node,RBAC whatever extraArgs say.
    let text = "apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
kubernetesVersion: v1.15.3
apiServer:
  extraArgs:
    authorization-mode: AlwaysAllow
";
    let v1_15 = inventory(text);
    let api = api_server(&v1_15);
    assert_eq!(modes(&api), ["Node", "RBAC"]);
    assert!(is_kubeadm_default(&api.authorization().unwrap()));
    let port = api.insecure_port().unwrap();
    assert_eq!(port.value, 0);
    assert!(is_kubeadm_default(&port));

    // `stable-1.7` is kubeadm's label for the newest v1.7 patch: local etcd over plain HTTP.
    let text = "kind: MasterConfiguration
apiVersion: kubeadm.k8s.io/v1alpha1
apiServerExtraArgs:
  runtime-config: \"api/all=true\"
kubernetesVersion: \"stable-1.7\"
";
    let inventory = inventory(text);
    let api = api_server(&inventory);
    assert_eq!(api.version().version, KubeVersion::new(1, 7));
    assert!(api.etcd_cafile().is_none());
    assert_eq!(api.etcd_servers()[0].value, "http://127.0.0.1:2379");
    assert!(api.admission_control().is_some());
    assert!(api.node_restriction().unwrap().value);
    assert_eq!(
        at(&inventory, api.missing_anchor().span()),
        "apiServerExtraArgs"
    );
    let etcd = inventory.etcds().next().unwrap();
    assert!(etcd.cert_file().is_none());
    assert!(!etcd.client_cert_auth().unwrap().value);
}

#[test]
fn placeholders_and_unknown_versions() {
    let text = "apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  bindPort: ${PORT_KUBE_APISERVER}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
  - name: etcd-servers
    value: https://127.0.0.1:${PORT_ETCD}
";
    let inventory = inventory(text);
    let api = api_server(&inventory);
    assert_eq!(api.version().source, VersionSource::Assumed);
    let port = api.flags().last("secure-port").unwrap();
    let port_value = port.value.as_ref().unwrap();
    assert_eq!(
        at(&inventory, port_value.location().span()),
        "${PORT_KUBE_APISERVER}"
    );
    assert_eq!(
        at(&inventory, api.etcd_servers()[0].span()),
        "https://127.0.0.1:${PORT_ETCD}"
    );
}

/// A kind cluster is not a kubeadm config itself: it is read as the kubeadm config kind
/// patches (tests/distributions.rs).
#[test]
fn a_kind_cluster_runs_the_kubeadm_config_it_patches() {
    let text = "kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
- |
  apiVersion: kubeadm.k8s.io/v1beta3
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      authorization-mode: AlwaysAllow
";
    let inventory = inventory(text);
    let api = api_server(&inventory);
    assert_eq!(api.process.origin, Origin::Kubeadm);
    assert_eq!(modes(&api), ["AlwaysAllow"]);
    assert_eq!(inventory.kubelets().len(), 1);
}

/// Documents are read as they load; a file that fails to load after its kubeadm documents and
/// a static pod adds none of them (no half-read node), only the error where loading stopped.
#[test]
fn a_file_that_fails_to_load_halfway_adds_nothing_but_the_error() {
    let pod = common::apiserver("v1.30.4", &["--anonymous-auth=true"]);
    let text = format!(
        "{pod}---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n---\nkey: [unclosed\n"
    );
    let inventory = inventory(&text);
    assert!(
        inventory.processes().is_empty(),
        "{:?}",
        inventory.processes()
    );
    let [problem] = inventory.problems() else {
        panic!("{:?}", inventory.problems());
    };
    assert!(matches!(
        problem.kind,
        kubeharden_core::inventory::InputProblemKind::Load(_)
    ));
    assert_eq!(problem.location.file(), FileId(0));
}

/// The kubeadm documents of a file are read together even when a static pod sits between
/// them: the `InitConfiguration` after the pod still gives the apiserver its address.
#[test]
fn kubeadm_documents_apart_in_a_file_are_read_together() {
    let pod = common::apiserver("v1.30.4", &["--anonymous-auth=false"]);
    let text = format!(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.29.0\n---\n{pod}---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.7\n"
    );
    let inventory = inventory(&text);
    let api_servers: Vec<_> = inventory.processes_of(Component::ApiServer).collect();
    assert_eq!(api_servers.len(), 2, "{api_servers:?}");
    let kubeadm = api_servers
        .iter()
        .find(|p| p.origin == Origin::Kubeadm)
        .expect("the kubeadm apiserver");
    let address = kubeadm
        .flags
        .last("advertise-address")
        .expect("--advertise-address");
    assert_eq!(address.value.as_ref().unwrap().text, "10.0.0.7");
}

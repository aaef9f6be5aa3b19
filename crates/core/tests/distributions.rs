//! Distribution configs: kind clusters, Cluster API objects, Talos machine configs and kops
//! cluster specs, read as the components each runs, with the distribution's own arguments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{api_server, at, inventory, modes};
use kubeharden_core::flags::WrittenBy;
use kubeharden_core::inventory::Origin;
use kubeharden_core::version::KubeVersion;
use kubeharden_core::views::VersionSource;
use kubeharden_core::{Component, Effective, Inventory, Provenance};

/// Whose default a setting nobody wrote is.
fn default_of<T: std::fmt::Debug>(setting: &Effective<T>) -> &'static str {
    match &setting.provenance {
        Provenance::Default(reason) => reason.why,
        other => panic!("expected a default, got {other:?} for {setting:?}"),
    }
}

fn written_text<'i, T: std::fmt::Debug>(
    inventory: &'i Inventory,
    setting: &Effective<T>,
) -> &'i str {
    let location = setting
        .provenance
        .location()
        .unwrap_or_else(|| panic!("expected a written value: {setting:?}"));
    at(inventory, location.span())
}

const KIND: &str = "\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      authorization-mode: AlwaysAllow
- |
  apiVersion: kubeadm.k8s.io/v1beta2
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      anonymous-auth: \"false\"
nodes:
- role: control-plane
  image: kindest/node:v1.30.0@sha256:047357ac0cfea04663786a612ba1eaba9702bef25227a794b52890dd8bcd692e
- role: worker
- role: worker
";

#[test]
fn kind_patches_are_read_at_their_bytes_in_the_file() {
    let inventory = inventory(KIND);
    let api = api_server(&inventory);
    assert_eq!(api.process.origin, Origin::Kubeadm);
    assert_eq!(modes(&api), ["AlwaysAllow"]);
    let mode = api.flags().last("authorization-mode").unwrap();
    let value = mode.value.as_ref().unwrap();
    assert_eq!(at(&inventory, value.location().span()), "AlwaysAllow");
    // The node image's tag is the version.
    let version = api.version();
    assert_eq!(version.version, KubeVersion::with_patch(1, 30, 0));
    let VersionSource::NodeImage(location) = version.source else {
        panic!("{version:?}");
    };
    assert!(at(&inventory, location.span()).starts_with("kindest/node:v1.30.0@sha256:"));
    // kind applies a patch whose apiVersion is not its template's (v1beta3 for 1.30) to
    // nothing: anonymous requests stay kubeadm's default.
    assert!(api.flags().last("anonymous-auth").is_none());
}

#[test]
fn kind_nodes_that_join_alike_run_one_kubelet() {
    let inventory = inventory(KIND);
    // The control-plane node's kubelet and one for the two workers would be the same: one.
    assert_eq!(inventory.processes_of(Component::Kubelet).count(), 1);
    assert_eq!(inventory.processes_of(Component::Etcd).count(), 1);
}

#[test]
fn kind_without_patches_runs_kubeadms_defaults() {
    let inventory = inventory("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
    let api = api_server(&inventory);
    assert_eq!(modes(&api), ["Node", "RBAC"]);
    assert_eq!(default_of(&api.authorization().unwrap()), "kubeadm default");
    // Anchored at the cluster's `kind:`.
    assert_eq!(at(&inventory, api.process.flags_anchor), "Cluster");
}

#[test]
fn kind_runtime_config_is_kinds() {
    let inventory = inventory(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nruntimeConfig:\n  api/alpha: \"false\"\n",
    );
    let api = api_server(&inventory);
    let flag = api.flags().last("runtime-config").unwrap();
    assert_eq!(flag.written_by, WrittenBy::Kind);
    assert_eq!(flag.value.as_ref().unwrap().text, "api/alpha=false");
}

#[test]
fn kind_json_patches_change_extra_args_after_the_merge_patches() {
    let inventory = inventory(
        "kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      anonymous-auth: \"false\"
      profiling: \"false\"
kubeadmConfigPatchesJSON6902:
- group: kubeadm.k8s.io
  version: v1beta3
  kind: ClusterConfiguration
  patch: |
    - op: remove
      path: /apiServer/extraArgs/anonymous-auth
    - op: replace
      path: /apiServer/extraArgs/authorization~1mode
      value: AlwaysAllow
- group: kubeadm.k8s.io
  version: v1beta2
  kind: ClusterConfiguration
  patch: |
    - op: add
      path: /apiServer/extraArgs/profiling
      value: \"true\"
nodes:
- role: control-plane
  image: kindest/node:v1.30.0
",
    );
    let api = api_server(&inventory);
    // Removed: kubeadm's default again.
    assert!(api.flags().last("anonymous-auth").is_none());
    // `~1` is a `/` in a JSON pointer: `authorization/mode` is another key.
    assert_eq!(modes(&api), ["Node", "RBAC"]);
    assert_eq!(
        api.flags()
            .last("authorization/mode")
            .unwrap()
            .value
            .as_ref()
            .unwrap()
            .text,
        "AlwaysAllow"
    );
    // A patch for v1beta2 does not apply to a 1.30 node (v1beta3).
    let profiling = api.flags().last("profiling").unwrap();
    assert_eq!(profiling.value.as_ref().unwrap().text, "false");
}

const CLUSTER_API: &str = "\
apiVersion: controlplane.cluster.x-k8s.io/v1beta1
kind: KubeadmControlPlane
metadata:
  name: ${CLUSTER_NAME}-control-plane
spec:
  version: v1.29.4
  kubeadmConfigSpec:
    clusterConfiguration:
      apiServer:
        extraArgs:
          anonymous-auth: \"false\"
    initConfiguration:
      nodeRegistration:
        name: '{{ ds.meta_data.hostname }}'
        kubeletExtraArgs:
          read-only-port: \"10255\"
";

#[test]
fn cluster_api_control_plane_with_cloud_init_values_is_read() {
    let inventory = inventory(CLUSTER_API);
    assert!(inventory.skipped().is_empty());
    let api = api_server(&inventory);
    assert_eq!(api.version().version, KubeVersion::with_patch(1, 29, 4));
    let anonymous = api.anonymous_auth().unwrap();
    assert!(!anonymous.value);
    assert_eq!(
        written_text(&inventory, &anonymous),
        "anonymous-auth: \"false\""
    );
    let kubelets = inventory.kubelets();
    // The first machine's kubelet and the others' (kubeadm's defaults) differ.
    assert_eq!(kubelets.len(), 2);
    let port = kubelets[0].read_only_port().unwrap();
    assert_eq!(port.value, 10255);
    assert_eq!(written_text(&inventory, &port), "read-only-port: \"10255\"");
}

#[test]
fn a_helm_template_of_a_control_plane_stays_skipped() {
    let inventory = inventory(
        "apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\nspec:\n  version: {{ .Values.version }}\n",
    );
    assert_eq!(inventory.skipped().len(), 1);
    assert!(inventory.processes().is_empty());
}

const KOPS: &str = "\
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: k.example.com
spec:
  authorization:
    alwaysAllow: {}
  kubeAPIServer:
    anonymousAuth: true
    auditLogPath: /var/log/kube-apiserver-audit.log
  kubelet:
    readOnlyPort: 10255
  kubernetesVersion: 1.28.5
";

#[test]
fn kops_writes_its_own_api_server_settings() {
    let inventory = inventory(KOPS);
    let api = api_server(&inventory);
    assert_eq!(api.process.origin, Origin::Kops);
    let version = api.version();
    assert_eq!(version.version, KubeVersion::with_patch(1, 28, 5));
    let VersionSource::ClusterSpec(location) = version.source else {
        panic!("{version:?}");
    };
    assert_eq!(at(&inventory, location.span()), "1.28.5");
    // kops turns anonymous requests off whatever the spec says.
    let anonymous = api.anonymous_auth().unwrap();
    assert!(!anonymous.value);
    assert_eq!(default_of(&anonymous), "kops default");
    // `authorization.alwaysAllow` is the user's, where it is written.
    assert_eq!(modes(&api), ["AlwaysAllow"]);
    let mode = api.flags().last("authorization-mode").unwrap();
    assert_eq!(at(&inventory, mode.occurrence().span()), "alwaysAllow");
    let audit = api.flags().last("audit-log-path").unwrap();
    assert_eq!(
        at(&inventory, audit.value.as_ref().unwrap().location().span()),
        "/var/log/kube-apiserver-audit.log"
    );
}

#[test]
fn kops_kubelet_settings_the_spec_leaves_out_are_not_evaluated() {
    let inventory = inventory(KOPS);
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1);
    assert_eq!(kubelets[0].read_only_port().unwrap().value, 10255);
    assert!(kubelets[0].anonymous_auth().is_none());
    assert_eq!(inventory.not_evaluated().len(), 3);
}

const TALOS: &str = "\
version: v1alpha1
machine:
  type: controlplane
  kubelet:
    image: ghcr.io/siderolabs/kubelet:v1.30.3
    extraConfig:
      readOnlyPort: 10255
cluster:
  apiServer:
    image: registry.k8s.io/kube-apiserver:v1.30.3
    extraArgs:
      authorization-mode: Webhook
      etcd-servers: http://10.0.0.5:2379
";

#[test]
fn talos_merges_authorization_modes_and_refuses_certificate_arguments() {
    let inventory = inventory(TALOS);
    let api = api_server(&inventory);
    assert_eq!(api.process.origin, Origin::Talos);
    assert_eq!(modes(&api), ["Node", "RBAC", "Webhook"]);
    // etcd-servers is Talos's alone.
    let servers = api.flags().last("etcd-servers").unwrap();
    assert_eq!(
        servers.value.as_ref().unwrap().text,
        "https://localhost:2379"
    );
    let anonymous = api.anonymous_auth().unwrap();
    assert!(!anonymous.value);
    assert_eq!(default_of(&anonymous), "Talos default");
    assert_eq!(api.version().version, KubeVersion::with_patch(1, 30, 3));
    assert_eq!(inventory.processes_of(Component::Etcd).count(), 1);
}

#[test]
fn talos_kubelet_extra_config_changes_talos_settings() {
    let inventory = inventory(TALOS);
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1);
    let port = kubelets[0].read_only_port().unwrap();
    assert_eq!(port.value, 10255);
    assert_eq!(written_text(&inventory, &port), "10255");
    let anonymous = kubelets[0].anonymous_auth().unwrap();
    assert!(!anonymous.value);
    assert_eq!(default_of(&anonymous), "Talos default");
}

#[test]
fn a_talos_patch_is_read_for_its_sections() {
    let inventory =
        inventory("machine:\n  kubelet:\n    extraArgs:\n      anonymous-auth: \"true\"\n");
    assert!(inventory.api_servers().next().is_none());
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1);
    assert!(kubelets[0].anonymous_auth().unwrap().value);
}

//! Components run by systemd: units, drop-ins, environment files, and where each flag came
//! from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use kubeharden_core::inventory::{FileKind, Origin, Reference, ReferenceKind};
use kubeharden_core::{
    Component, Inventory, InventoryBuilder, InventoryOptions, Provenance, SourceFile,
};

fn inventory(files: &[(&str, &str)], node_root: bool) -> Inventory {
    let mut options = InventoryOptions::default();
    options.node_root = node_root;
    let mut builder = InventoryBuilder::new(options);
    for (path, text) in files {
        builder.add_file(SourceFile::new(*path, *text));
    }
    builder.build()
}

fn text_at(inventory: &Inventory, provenance: &Provenance) -> (String, String) {
    let location = provenance.location().expect("written somewhere");
    let file = inventory.file(location.file());
    (
        file.path().display().to_string(),
        file.slice(location.span()).to_owned(),
    )
}

const UNIT: &str = "[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n";
const DROPIN: &str = "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n";
const CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\nauthentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n";

#[test]
fn file_kinds() {
    let kind = |path: &str, text: &str| FileKind::of(Path::new(path), text);
    assert!(matches!(
        kind("x/kubelet.service", ""),
        FileKind::Unit { dropin: false, .. }
    ));
    assert_eq!(
        kind(
            "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
            ""
        ),
        FileKind::Unit {
            unit: Some("kubelet.service".into()),
            dropin: true
        }
    );
    assert_eq!(
        kind("10-kubeadm.conf", "[Service]\nExecStart=\n"),
        FileKind::Unit {
            unit: None,
            dropin: true
        }
    );
    assert_eq!(
        kind(
            "etc/kubernetes/kubelet.conf.d/50.conf",
            "kind: KubeletConfiguration\n"
        ),
        FileKind::Yaml
    );
    assert_eq!(
        kind("var/lib/kubelet/kubeadm-flags.env", ""),
        FileKind::EnvFile
    );
    assert_eq!(kind("etc/default/kubelet", ""), FileKind::EnvFile);
    assert_eq!(kind("etc/sysconfig/kubelet", ""), FileKind::EnvFile);
    assert_eq!(kind("manifests/kube-apiserver.yaml", ""), FileKind::Yaml);
    assert!(!FileKind::is_walked(Path::new("nginx/nginx.conf")));
    assert!(FileKind::is_walked(Path::new(
        "x/kubelet.service.d/10-kubeadm.conf"
    )));
}

#[test]
fn drop_in_resets_exec_start_and_env_file_flag_wins_over_config() {
    let inventory = inventory(
        &[
            ("node/usr/lib/systemd/system/kubelet.service", UNIT),
            (
                "node/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
                DROPIN,
            ),
            ("node/var/lib/kubelet/config.yaml", CONFIG),
            (
                "node/var/lib/kubelet/kubeadm-flags.env",
                "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --read-only-port=10255\"\n",
            ),
        ],
        true,
    );
    let process = inventory
        .processes_of(Component::Kubelet)
        .next()
        .expect("a kubelet");
    assert_eq!(
        process.origin,
        Origin::Service {
            unit: "kubelet.service".into()
        }
    );
    assert!(process.is_complete());
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1, "config.yaml belongs to the service");
    let port = kubelets[0].read_only_port().unwrap();
    assert_eq!(port.value, 10255);
    assert!(matches!(port.provenance, Provenance::Flag(_)));
    assert_eq!(
        text_at(&inventory, &port.provenance),
        (
            "node/var/lib/kubelet/kubeadm-flags.env".into(),
            "--read-only-port=10255".into()
        )
    );
    let ca = kubelets[0].client_ca_file().unwrap();
    assert!(matches!(ca.provenance, Provenance::ConfigFile(_)));
    // The flags anchor is the winning ExecStart= key, in the drop-in.
    let anchor = process.missing_anchor();
    assert_eq!(
        inventory.file(anchor.file()).slice(anchor.span()),
        "ExecStart"
    );
    assert!(
        inventory
            .file(anchor.file())
            .path()
            .ends_with("10-kubeadm.conf")
    );
}

#[test]
fn a_unit_in_etc_replaces_the_packaged_one() {
    let inventory = inventory(
        &[
            (
                "node/usr/lib/systemd/system/kubelet.service",
                "[Service]\nExecStart=/usr/bin/kubelet --read-only-port=10255\n",
            ),
            (
                "node/etc/systemd/system/kubelet.service",
                "[Service]\nExecStart=/usr/bin/kubelet --read-only-port=0\n",
            ),
        ],
        true,
    );
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1);
    assert_eq!(kubelets[0].read_only_port().unwrap().value, 0);
}

#[test]
fn braced_variables_are_one_word() {
    let inventory = inventory(
        &[(
            "etcd.service",
            "[Service]\nEnvironment=\"DATA=/var/lib/etcd data\"\nExecStart=/usr/local/bin/etcd --data-dir=${DATA} --client-cert-auth\n",
        )],
        false,
    );
    let etcd = inventory.etcds().next().expect("etcd");
    assert!(etcd.client_cert_auth().unwrap().value);
    // A variable inside a word only changes that flag's value; it is kept as written.
    assert!(etcd.process.is_complete());
    let data_dir = etcd.process.flags.last("data-dir").unwrap();
    assert_eq!(data_dir.value.as_ref().unwrap().text, "${DATA}");
}

#[test]
fn unscanned_environment_file_leaves_settings_unknown() {
    let inventory = inventory(&[("kubelet.service.d/10-kubeadm.conf", DROPIN)], false);
    let kubelets = inventory.kubelets();
    assert_eq!(kubelets.len(), 1);
    assert!(!kubelets[0].sources.command_line.unwrap().is_complete());
    assert!(
        kubelets[0].anonymous_auth().is_none(),
        "kubeadm-flags.env may set it"
    );
}

#[test]
fn missing_optional_environment_file_on_a_node_is_empty() {
    let inventory = inventory(
        &[
            (
                "node/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
                DROPIN,
            ),
            ("node/var/lib/kubelet/config.yaml", CONFIG),
        ],
        true,
    );
    let kubelets = inventory.kubelets();
    assert!(kubelets[0].sources.command_line.unwrap().is_complete());
    let anonymous = kubelets[0].anonymous_auth().unwrap();
    assert!(!anonymous.value, "the config file default");
}

#[test]
fn docker_run_in_a_unit() {
    let inventory = inventory(
        &[(
            "etcd-member.service",
            "[Service]\nExecStart=/bin/docker run --net=host --rm --name etcd \\\n  -v /var/lib/etcd:/var/lib/etcd:z \\\n  quay.io/coreos/etcd:latest \\\n    etcd \\\n    --listen-client-urls=http://10.0.0.1:2379\n",
        )],
        false,
    );
    let etcd = inventory.etcds().next().expect("etcd under docker run");
    let urls = etcd.urls("listen-client-urls");
    assert_eq!(urls.len(), 1);
    assert_eq!(
        inventory.file(etcd.process.file).slice(urls[0].span()),
        "http://10.0.0.1:2379"
    );
}

#[test]
fn references_see_services_before_build_and_files_keep_the_kind_they_are_read_as() {
    let mut options = InventoryOptions::default();
    options.node_root = true;
    let mut builder = InventoryBuilder::new(options);
    builder.add_file(SourceFile::new(
        "node/etc/systemd/system/kubelet.service",
        "[Service]\nEnvironmentFile=/etc/kubernetes/kubelet\nExecStart=/usr/bin/kubelet $KUBELET_ARGS\n",
    ));
    let reference = |path: &str, kind| Reference {
        path: path.to_owned(),
        kind,
    };
    assert_eq!(
        builder.references(),
        [reference(
            "/etc/kubernetes/kubelet",
            ReferenceKind::EnvironmentFile
        )]
    );
    let env_file = builder.add_file_as(
        SourceFile::new(
            "node/etc/kubernetes/kubelet",
            // A line systemd skips makes the content no environment file's to a reader that
            // has only the file.
            "KUBELET_ARGS=--config=/var/lib/kubelet/config.yaml\nnot an assignment\n",
        ),
        ReferenceKind::EnvironmentFile.file_kind(),
    );
    // The service's command line now names the kubelet's config file.
    assert_eq!(
        builder.references(),
        [reference(
            "/var/lib/kubelet/config.yaml",
            ReferenceKind::KubeletConfig
        )]
    );
    let inventory = builder.build();
    let file = inventory.file(env_file);
    assert_eq!(
        FileKind::of(file.path(), file.text()),
        FileKind::Yaml,
        "by its path and content alone it is YAML"
    );
    assert_eq!(inventory.kind(env_file), &FileKind::EnvFile);
    assert_eq!(inventory.processes_of(Component::Kubelet).count(), 1);
}

const UNDEFINED_MIDDLE: &str = "[Service]\nExecStart=/usr/local/bin/kube-apiserver --authorization-mode $MODES --anonymous-auth=false\n";

/// Among files from a repository, a variable no linted file defines may be defined by a
/// drop-in that is not in the set: its word keeps its place as an unknown value, so the next
/// flag is not taken as the previous one's value.
#[test]
fn an_undefined_variable_among_repository_files_keeps_its_place() {
    let inventory = inventory(
        &[(
            "etc/systemd/system/kube-apiserver.service",
            UNDEFINED_MIDDLE,
        )],
        false,
    );
    let api = inventory.api_servers().next().expect("apiserver");
    let mode = api.process.flags.last("authorization-mode").unwrap();
    assert_eq!(mode.value.as_ref().unwrap().text, "$MODES");
    assert!(api.authorization().is_none(), "the modes are unknown");
    assert!(!api.anonymous_auth().unwrap().value);
}

/// On a node every file that could define it was read: systemd expands it to nothing.
#[test]
fn an_undefined_variable_on_a_node_expands_to_nothing() {
    let inventory = inventory(
        &[(
            "etc/systemd/system/kube-apiserver.service",
            UNDEFINED_MIDDLE,
        )],
        true,
    );
    let api = inventory.api_servers().next().expect("apiserver, judged");
    let mode = api.process.flags.last("authorization-mode").unwrap();
    assert_eq!(mode.value.as_ref().unwrap().text, "--anonymous-auth=false");
}

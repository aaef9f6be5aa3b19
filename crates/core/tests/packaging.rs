//! Sysconfig packaging, wrappers and node trees: Fedora-style `/etc/kubernetes/` environment
//! files with or without their units, CoreOS wrappers, container runtimes in `ExecStart=`, and
//! the files of several nodes linted in one run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use kubeharden_core::inventory::{FileKind, Origin};
use kubeharden_core::version::KubeVersion;
use kubeharden_core::{Component, Inventory, InventoryBuilder, InventoryOptions, SourceFile};

fn inventory(files: &[(&str, &str)]) -> Inventory {
    let mut builder = InventoryBuilder::new(InventoryOptions::default());
    for (path, text) in files {
        builder.add_file(SourceFile::new(*path, *text));
    }
    builder.build()
}

/// Every flag of the one process of `component`, as written, with the file it is in.
fn flags(inventory: &Inventory, component: Component) -> Vec<(String, String)> {
    let process = inventory
        .processes_of(component)
        .next()
        .expect("one process");
    process
        .flags
        .iter()
        .map(|flag| {
            let location = flag.occurrence();
            let file = inventory.file(location.file());
            (
                file.path().display().to_string(),
                file.slice(location.span()).to_owned(),
            )
        })
        .collect()
}

const CONFIG: &str = "# shared\nKUBE_LOGTOSTDERR=\"--logtostderr=true\"\nKUBE_ALLOW_PRIV=\"--allow-privileged=false\"\nKUBE_MASTER=\"--master=https://10.0.0.10:6443\"\n";
const APISERVER: &str = "KUBE_API_ADDRESS=\"--bind-address=0.0.0.0\"\nKUBE_API_ARGS=\"--authorization-mode=AlwaysAllow\"\n";
const APISERVER_UNIT: &str = "[Service]\nEnvironmentFile=-/etc/kubernetes/config\nEnvironmentFile=-/etc/kubernetes/apiserver\nExecStart=/usr/bin/kube-apiserver $KUBE_LOGTOSTDERR $KUBE_LOG_LEVEL $KUBE_ETCD_SERVERS $KUBE_API_ADDRESS $KUBE_ALLOW_PRIV $KUBE_API_ARGS\n";

#[test]
fn env_files_and_units_are_known_by_content() {
    let kind = |path: &str, text: &str| FileKind::of(Path::new(path), text);
    assert_eq!(
        kind("repo/etc/kubernetes/apiserver", APISERVER),
        FileKind::EnvFile
    );
    assert_eq!(
        kind("roles/k8s/files/kube-apiserver.conf", APISERVER),
        FileKind::EnvFile
    );
    assert_eq!(
        kind(
            "templates/kubelet-dropin",
            "# managed\n[Service]\nExecStart=\n"
        ),
        FileKind::Unit {
            unit: None,
            dropin: true
        }
    );
    assert_eq!(
        kind(
            "units/kube-apiserver",
            "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n"
        ),
        FileKind::Unit {
            unit: None,
            dropin: false
        }
    );
    // A cloud-init user-data embeds units in YAML strings: it stays YAML.
    assert_eq!(
        kind(
            "user-data",
            "#cloud-config\nwrite_files:\n- content: |\n    [Service]\n"
        ),
        FileKind::Yaml
    );
    assert_eq!(kind("Makefile", "all:\n\tcargo build\n"), FileKind::Yaml);
    assert_eq!(
        kind("nginx/nginx.conf", "worker_processes 1;\n"),
        FileKind::Yaml
    );

    let walked =
        |path: &str, head: &str| FileKind::is_walked_by_content(Path::new(path), head.as_bytes());
    assert!(walked("etc/kubernetes/apiserver", APISERVER));
    assert!(walked(
        "k8s-release/10-kubeadm.conf",
        "[Service]\nExecStart=\n"
    ));
    assert!(!walked(
        "nginx/nginx.conf",
        "user nginx;\nworker_processes 1;\n"
    ));
    assert!(!walked("scripts/setup", "#!/bin/sh\nset -e\nKUBE=1\n"));
    assert!(
        !walked("etc/kubernetes/apiserver.yaml", APISERVER),
        "the name decides"
    );
    // The first bytes of a longer file: a line cut short is not judged.
    assert!(walked(
        "etc/kubernetes/apiserver",
        "A=1\nKUBE_API_ARGS=\"--a"
    ));
}

#[test]
fn a_unit_loads_the_env_files_of_its_own_tree_by_the_longest_path_suffix() {
    let insecure = "KUBE_API_ARGS=\"--authorization-mode=AlwaysAllow\"\n";
    let secure = "KUBE_API_ARGS=\"--authorization-mode=Node,RBAC\"\n";
    let inventory = inventory(&[
        (
            "repo/a/usr/lib/systemd/system/kube-apiserver.service",
            APISERVER_UNIT,
        ),
        ("repo/a/etc/kubernetes/apiserver", insecure),
        (
            "repo/b/usr/lib/systemd/system/kube-apiserver.service",
            APISERVER_UNIT,
        ),
        ("repo/b/etc/kubernetes/apiserver", secure),
        ("repo/b/etc/kubernetes/config", CONFIG),
    ]);
    let mut seen: Vec<(String, Vec<String>)> = inventory
        .processes_of(Component::ApiServer)
        .map(|process| {
            assert!(matches!(process.origin, Origin::Service { .. }));
            let words = process
                .flags
                .iter()
                .map(|flag| {
                    let location = flag.occurrence();
                    let file = inventory.file(location.file());
                    format!("{}: {}", file.path().display(), file.slice(location.span()))
                })
                .collect();
            (
                inventory.file(process.file).path().display().to_string(),
                words,
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "repo/a/usr/lib/systemd/system/kube-apiserver.service".to_owned(),
                vec![
                    "repo/a/etc/kubernetes/apiserver: --authorization-mode=AlwaysAllow".to_owned()
                ]
            ),
            (
                "repo/b/usr/lib/systemd/system/kube-apiserver.service".to_owned(),
                vec![
                    "repo/b/etc/kubernetes/config: --logtostderr=true".to_owned(),
                    "repo/b/etc/kubernetes/config: --allow-privileged=false".to_owned(),
                    "repo/b/etc/kubernetes/apiserver: --authorization-mode=Node,RBAC".to_owned(),
                ]
            ),
        ]
    );
}

#[test]
fn an_env_file_alone_is_read_with_the_packaged_unit_assumed() {
    let inventory = inventory(&[
        ("ansible/files/etc/kubernetes/config", CONFIG),
        ("ansible/files/etc/kubernetes/apiserver", APISERVER),
        // Only variables of the kubelet's unit: the kubelet's file, whatever its name.
        (
            "ansible/files/kubelet.conf",
            "KUBELET_ARGS=\"--read-only-port=10255\"\n",
        ),
    ]);
    let apiserver = inventory.processes_of(Component::ApiServer).next().unwrap();
    assert_eq!(
        apiserver.origin,
        Origin::PackagedUnit {
            unit: "kube-apiserver.service".into(),
            packaging: "the Fedora/CentOS `kubernetes` packages",
        }
    );
    assert!(apiserver.is_complete());
    // In the unit's order: config's variables, then the apiserver file's.
    assert_eq!(
        flags(&inventory, Component::ApiServer),
        [
            (
                "ansible/files/etc/kubernetes/config".into(),
                "--logtostderr=true".into()
            ),
            (
                "ansible/files/etc/kubernetes/apiserver".into(),
                "--bind-address=0.0.0.0".into()
            ),
            (
                "ansible/files/etc/kubernetes/config".into(),
                "--allow-privileged=false".into()
            ),
            (
                "ansible/files/etc/kubernetes/apiserver".into(),
                "--authorization-mode=AlwaysAllow".into()
            ),
        ]
    );
    let anchor = apiserver.missing_anchor();
    assert_eq!(
        inventory.file(anchor.file()).slice(anchor.span()),
        "\"--authorization-mode=AlwaysAllow\"",
        "a missing flag belongs with KUBE_API_ARGS"
    );
    assert_eq!(
        flags(&inventory, Component::Kubelet),
        [(
            "ansible/files/kubelet.conf".into(),
            "--read-only-port=10255".into()
        )]
    );
    // No scheduler or controller-manager file: no process for them.
    assert_eq!(inventory.processes_of(Component::Scheduler).count(), 0);
}

#[test]
fn drop_ins_of_two_node_trees_stay_two_services() {
    let dropin = |port: &str| {
        format!("[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --read-only-port={port}\n")
    };
    let (a, b) = (dropin("0"), dropin("10255"));
    let inventory = inventory(&[
        (
            "nodes/a/etc/systemd/system/kubelet.service",
            "[Service]\nExecStart=/usr/bin/kubelet\n",
        ),
        (
            "nodes/a/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
            &a,
        ),
        (
            "nodes/b/etc/systemd/system/kubelet.service",
            "[Service]\nExecStart=/usr/bin/kubelet\n",
        ),
        (
            "nodes/b/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
            &b,
        ),
    ]);
    let mut ports: Vec<(String, String)> = inventory
        .processes_of(Component::Kubelet)
        .map(|process| {
            let flag = process.flags.last("read-only-port").unwrap();
            let file = inventory.file(flag.occurrence().file());
            (
                file.path().display().to_string(),
                flag.value.as_ref().unwrap().text.clone(),
            )
        })
        .collect();
    ports.sort();
    assert_eq!(
        ports,
        [
            (
                "nodes/a/etc/systemd/system/kubelet.service.d/10-kubeadm.conf".into(),
                "0".into()
            ),
            (
                "nodes/b/etc/systemd/system/kubelet.service.d/10-kubeadm.conf".into(),
                "10255".into()
            ),
        ]
    );
}

#[test]
fn kubelet_wrapper_takes_the_version_of_its_image_tag() {
    let inventory = inventory(&[(
        "coreos/kubelet.service",
        "[Service]\nEnvironment=KUBELET_IMAGE_TAG=v1.10.3_coreos.0\nExecStart=/usr/lib/coreos/kubelet-wrapper --read-only-port=0\n",
    )]);
    let kubelet = inventory.processes_of(Component::Kubelet).next().unwrap();
    assert_eq!(
        kubelet.image_version,
        Some(KubeVersion::with_patch(1, 10, 3))
    );
    let image = kubelet.image.as_ref().unwrap();
    assert_eq!(image.value, "quay.io/coreos/hyperkube:v1.10.3_coreos.0");
    assert_eq!(
        inventory
            .file(image.location().file())
            .slice(image.location().span()),
        "v1.10.3_coreos.0"
    );
}

#[test]
fn container_runtimes_run_an_image_whose_words_after_it_are_the_component() {
    let inventory = inventory(&[
        (
            "podman/kube-apiserver.service",
            "[Service]\nExecStart=/usr/bin/podman run --rm -it --name api --network host -v /etc/kubernetes:/etc/kubernetes:ro registry.k8s.io/kube-apiserver:v1.18.6 kube-apiserver --insecure-port=8080\n",
        ),
        (
            "rkt/etcd.service",
            "[Service]\nExecStart=/usr/bin/rkt --insecure-options=image run --net=host --volume data,kind=host,source=/var/lib/etcd --mount volume=data,target=/var/lib/etcd docker://quay.io/coreos/etcd:v3.3.10 --exec=/usr/local/bin/etcd -- --name=e1\n",
        ),
    ]);
    let apiserver = inventory.processes_of(Component::ApiServer).next().unwrap();
    assert_eq!(
        apiserver.image_version,
        Some(KubeVersion::with_patch(1, 18, 6))
    );
    assert_eq!(
        flags(&inventory, Component::ApiServer),
        [(
            "podman/kube-apiserver.service".into(),
            "--insecure-port=8080".into()
        )]
    );
    let etcd = inventory.processes_of(Component::Etcd).next().unwrap();
    assert_eq!(
        etcd.image.as_ref().unwrap().value,
        "quay.io/coreos/etcd:v3.3.10"
    );
    assert_eq!(
        flags(&inventory, Component::Etcd),
        [("rkt/etcd.service".into(), "--name=e1".into())]
    );
}

#[test]
fn an_etcd_member_drop_in_is_read_with_the_shipped_unit() {
    let inventory = inventory(&[(
        "cl/etc/systemd/system/etcd-member.service.d/20-clct-etcd-member.conf",
        "[Service]\nEnvironment=\"ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379\"\nEnvironment=\"ETCD_OPTS=--name=e1\"\n",
    )]);
    let etcd: Vec<_> = inventory.etcds().collect();
    assert_eq!(etcd.len(), 1);
    assert!(matches!(
        etcd[0].process.origin,
        Origin::PackagedUnit { ref unit, .. } if unit == "etcd-member.service"
    ));
    let urls = etcd[0].urls("listen-client-urls");
    assert_eq!(urls[0].value, "http://0.0.0.0:2379");
    assert_eq!(
        flags(&inventory, Component::Etcd),
        [(
            "cl/etc/systemd/system/etcd-member.service.d/20-clct-etcd-member.conf".into(),
            "--name=e1".into()
        )]
    );
}

#[test]
fn within_the_unit_s_tree_the_env_file_s_name_is_enough() {
    // kubernetes/contrib's own layout: `init/systemd/environ/apiserver` next to the unit.
    let inventory = inventory(&[
        ("init/systemd/kube-apiserver.service", APISERVER_UNIT),
        ("init/systemd/environ/apiserver", APISERVER),
        // In another tree, the name alone is not enough.
        ("other/kubernetes-files/config", CONFIG),
    ]);
    let apiservers: Vec<_> = inventory.processes_of(Component::ApiServer).collect();
    assert_eq!(
        apiservers.len(),
        1,
        "the env file is the unit's, not a second apiserver"
    );
    assert_eq!(
        flags(&inventory, Component::ApiServer),
        [
            (
                "init/systemd/environ/apiserver".into(),
                "--bind-address=0.0.0.0".into()
            ),
            (
                "init/systemd/environ/apiserver".into(),
                "--authorization-mode=AlwaysAllow".into()
            ),
        ]
    );
}

#[test]
fn runtime_options_are_skipped_with_their_values() {
    let inventory = inventory(&[(
        "docker/kube-scheduler.service",
        "[Service]\nExecStart=/usr/bin/docker run -dit --name sched -e GODEBUG=1 --restart always -p 10259:10259 --security-opt label=disable --privileged registry.k8s.io/kube-scheduler:v1.29.2 --bind-address=0.0.0.0\n",
    )]);
    let scheduler = inventory
        .processes_of(Component::Scheduler)
        .next()
        .expect("the image's entrypoint is kube-scheduler");
    assert_eq!(
        scheduler.image_version,
        Some(KubeVersion::with_patch(1, 29, 2))
    );
    assert_eq!(
        flags(&inventory, Component::Scheduler),
        [(
            "docker/kube-scheduler.service".into(),
            "--bind-address=0.0.0.0".into()
        )]
    );
}

/// The packaging's own files are environment files by their path even with every line
/// commented out (`#` or `;`), as a freshly installed package ships them; anything else in
/// them still decides by content.
#[test]
fn packaging_files_with_only_comments_are_env_files() {
    let kind = |path: &str, text: &str| FileKind::of(Path::new(path), text);
    let comments = "; \n# KUBE_API_ARGS=\"\"\n; \n";
    assert_eq!(
        kind("etc/kubernetes/apiserver", comments),
        FileKind::EnvFile
    );
    assert_eq!(kind("etc/kubernetes/config", ""), FileKind::EnvFile);
    assert_eq!(kind("repo/kubernetes/kubelet", comments), FileKind::EnvFile);
    // Not a packaging name, or not in a `kubernetes` directory: no assignment, no env file.
    assert_ne!(kind("etc/kubernetes/notes", comments), FileKind::EnvFile);
    assert_ne!(kind("etc/other/apiserver", comments), FileKind::EnvFile);
    // A YAML file under a packaging name stays YAML.
    assert_ne!(
        kind("etc/kubernetes/apiserver", "apiVersion: v1\nkind: Pod\n"),
        FileKind::EnvFile
    );
}

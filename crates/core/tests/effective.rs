//! Effective settings: the value each component really runs with, and its provenance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{apiserver, at, inventory, static_pod};
use kubeharden_core::version::KubeVersion;
use kubeharden_core::views::{Authorization, VersionSource};
use kubeharden_core::{
    Effective, Inventory, InventoryBuilder, InventoryOptions, Provenance, SourceFile,
};

fn is_default<T>(setting: &Effective<T>, why: &str) -> bool {
    matches!(&setting.provenance, Provenance::Default(reason) if reason.why == why)
}

mod kubelet {
    use super::*;

    const CONFIG_ONLY_KIND: &str =
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

    #[test]
    fn config_file_defaults_are_secure() {
        let inventory = inventory(&format!("{CONFIG_ONLY_KIND}cgroupDriver: systemd\n"));
        let kubelets = inventory.kubelets();
        assert_eq!(kubelets.len(), 1);
        let kubelet = &kubelets[0];
        let anonymous = kubelet.anonymous_auth().unwrap();
        assert!(!anonymous.value);
        assert!(is_default(&anonymous, "KubeletConfiguration default"));
        assert_eq!(kubelet.authorization_mode().unwrap().value, "Webhook");
        assert_eq!(kubelet.read_only_port().unwrap().value, 0);
        assert_eq!(kubelet.client_ca_file().unwrap().value, None);
        // A missing field is reported at the file's `kind:`.
        let anchor = kubelet.missing_anchor("authentication.anonymous.enabled");
        assert_eq!(at(&inventory, anchor.span()), "KubeletConfiguration");
    }

    #[test]
    fn config_file_values_with_spans() {
        let text = format!(
            "{CONFIG_ONLY_KIND}authentication:\n  anonymous:\n    enabled: yes\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: AlwaysAllow\nreadOnlyPort: 10255\n"
        );
        let inventory = inventory(&text);
        let kubelet = &inventory.kubelets()[0];
        let anonymous = kubelet.anonymous_auth().unwrap();
        assert!(anonymous.value, "`yes` is true for Kubernetes");
        let location = anonymous.provenance.location().unwrap();
        assert_eq!(at(&inventory, location.span()), "yes");
        assert_eq!(kubelet.authorization_mode().unwrap().value, "AlwaysAllow");
        assert_eq!(kubelet.read_only_port().unwrap().value, 10255);
        assert_eq!(
            kubelet.client_ca_file().unwrap().value.as_deref(),
            Some("/etc/kubernetes/pki/ca.crt")
        );
    }

    #[test]
    fn kubeadm_fills_in_the_client_ca() {
        let text = format!(
            "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.29.1\n---\n{CONFIG_ONLY_KIND}failSwapOn: false\n"
        );
        let inventory = inventory(&text);
        let kubelet = &inventory.kubelets()[0];
        let ca = kubelet.client_ca_file().unwrap();
        assert_eq!(ca.value.as_deref(), Some("/etc/kubernetes/pki/ca.crt"));
        assert!(is_default(&ca, "kubeadm default"));
    }

    #[test]
    fn missing_field_anchors_at_nearest_parent() {
        let text = format!("{CONFIG_ONLY_KIND}authentication:\n  webhook:\n    enabled: true\n");
        let inventory = inventory(&text);
        let kubelet = &inventory.kubelets()[0];
        let anchor = kubelet.missing_anchor("authentication.x509.clientCAFile");
        assert_eq!(at(&inventory, anchor.span()), "authentication");
    }

    #[test]
    fn flags_only_kubelet_gets_flag_defaults() {
        let text = static_pod("command:\n- kubelet\n- --kubeconfig=/etc/kubernetes/kubelet.conf\n");
        let inventory = inventory(&text);
        let kubelet = &inventory.kubelets()[0];
        let anonymous = kubelet.anonymous_auth().unwrap();
        assert!(anonymous.value);
        assert!(is_default(&anonymous, "kubelet flag default"));
        assert_eq!(kubelet.authorization_mode().unwrap().value, "AlwaysAllow");
        assert_eq!(kubelet.read_only_port().unwrap().value, 10255);
        assert_eq!(kubelet.client_ca_file().unwrap().value, None);
    }

    #[test]
    fn flag_beats_config_file() {
        let mut builder = InventoryBuilder::new(InventoryOptions::default());
        builder.add_file(SourceFile::new(
            "node/var/lib/kubelet/config.yaml",
            format!("{CONFIG_ONLY_KIND}readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n"),
        ));
        builder.add_file(SourceFile::new(
            "node/etc/kubernetes/manifests/kubelet.yaml",
            static_pod("command:\n- kubelet\n- --config=/var/lib/kubelet/config.yaml\n- --read-only-port=10255\n"),
        ));
        let inventory = builder.build();
        let kubelets = inventory.kubelets();
        assert_eq!(
            kubelets.len(),
            1,
            "the config file belongs to the command line"
        );
        let kubelet = &kubelets[0];
        let port = kubelet.read_only_port().unwrap();
        assert_eq!(port.value, 10255);
        assert!(matches!(port.provenance, Provenance::Flag(_)));
        let anonymous = kubelet.anonymous_auth().unwrap();
        assert!(!anonymous.value);
        assert!(matches!(anonymous.provenance, Provenance::ConfigFile(_)));
    }

    #[test]
    fn unseen_config_file_leaves_settings_unknown() {
        let text = static_pod("command:\n- kubelet\n- --config=/var/lib/kubelet/config.yaml\n");
        let inventory = inventory(&text);
        let kubelet = &inventory.kubelets()[0];
        assert!(
            kubelet.read_only_port().is_none(),
            "the file decides, and it was not scanned"
        );
    }
}

mod apiserver {
    use super::*;

    fn with(tag: &str, flags: &[&str]) -> Inventory {
        inventory(&apiserver(tag, flags))
    }

    #[test]
    fn profiling_and_service_account_defaults() {
        let inventory = with("v1.30.0", &[]);
        let api = inventory.api_servers().next().unwrap();
        let profiling = api.profiling().unwrap();
        assert!(profiling.value);
        assert!(is_default(&profiling, "kube-apiserver default"));
        assert!(api.service_account_lookup().unwrap().value);
        let extend = api.service_account_extend_token_expiration().unwrap();
        assert!(extend.value);
        assert!(is_default(&extend, "kube-apiserver default"));
        assert_eq!(api.service_account_key_files(), Some(Vec::new()));
        assert_eq!(api.tls_cert_file(), None);
    }

    /// The flag came in v1.19 defaulting to `false`; `true` is its default from v1.20.
    #[test]
    fn token_extension_is_on_by_default_from_v1_20() {
        for (version, on) in [("v1.18.20", false), ("v1.19.16", false), ("v1.20.0", true)] {
            let inventory = with(version, &[]);
            let api = inventory.api_servers().next().unwrap();
            let extend = api.service_account_extend_token_expiration().unwrap();
            assert_eq!(extend.value, on, "{version}");
        }
        let inventory = with("v1.19.16", &[]);
        let api = inventory.api_servers().next().unwrap();
        assert_eq!(
            api.service_account_extend_token_expiration()
                .unwrap()
                .provenance
                .to_string(),
            "not set; the kube-apiserver default before v1.20 for v1.19.16 applies"
        );
    }

    #[test]
    fn booleans_parse_as_the_apiserver_parses_them() {
        let inventory = with("v1.30.0", &["--profiling=0", "--service-account-lookup=F"]);
        let api = inventory.api_servers().next().unwrap();
        assert!(!api.profiling().unwrap().value);
        assert!(!api.service_account_lookup().unwrap().value);
        // A placeholder hides the value: unknown, not the default.
        let inventory = with("v1.30.0", &["--profiling=$(PROFILING)"]);
        assert_eq!(inventory.api_servers().next().unwrap().profiling(), None);
    }

    #[test]
    fn service_account_key_files_repeat_and_placeholders_are_unknown() {
        let inventory = with(
            "v1.30.0",
            &[
                "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
                "--service-account-key-file=/etc/kubernetes/pki/old.pub",
            ],
        );
        let api = inventory.api_servers().next().unwrap();
        let files: Vec<String> = api
            .service_account_key_files()
            .unwrap()
            .into_iter()
            .map(|file| file.value)
            .collect();
        assert_eq!(
            files,
            ["/etc/kubernetes/pki/sa.pub", "/etc/kubernetes/pki/old.pub"]
        );
        let inventory = with("v1.30.0", &["--service-account-key-file=${SA_KEY}"]);
        let api = inventory.api_servers().next().unwrap();
        assert_eq!(api.service_account_key_files(), None);
    }

    #[test]
    fn before_v1_10_the_default_admission_chain_is_always_admit() {
        let inventory = with("v1.9.3", &[]);
        let api = inventory.api_servers().next().unwrap();
        assert!(api.admission_plugin("AlwaysAdmit").unwrap().value);
        assert!(!api.admission_plugin("ServiceAccount").unwrap().value);
        let inventory = with("v1.30.0", &[]);
        let api = inventory.api_servers().next().unwrap();
        assert!(!api.admission_plugin("AlwaysAdmit").unwrap().value);
        assert!(api.admission_plugin("ServiceAccount").unwrap().value);
    }

    #[test]
    fn authorization_mode_unset_is_always_allow() {
        let inventory = with("v1.30.0", &[]);
        let api = inventory.api_servers().next().unwrap();
        let authorization = api.authorization().unwrap();
        assert_eq!(authorization.value.has_mode("AlwaysAllow"), Some(true));
        assert!(is_default(&authorization, "kube-apiserver default"));
    }

    #[test]
    fn authorization_config_replaces_modes() {
        let inventory = with(
            "v1.30.0",
            &["--authorization-config=/etc/kubernetes/authz.yaml"],
        );
        let api = inventory.api_servers().next().unwrap();
        assert!(matches!(
            api.authorization().unwrap().value,
            Authorization::ConfigFile(_)
        ));
        assert_eq!(
            api.authorization().unwrap().value.has_mode("AlwaysAllow"),
            None
        );
    }

    #[test]
    fn authorization_modes_accumulate_across_repeats() {
        let inventory = with(
            "v1.30.0",
            &["--authorization-mode=Node", "--authorization-mode=RBAC"],
        );
        let api = inventory.api_servers().next().unwrap();
        let authorization = api.authorization().unwrap().value;
        assert_eq!(authorization.has_mode("Node"), Some(true));
        assert_eq!(authorization.has_mode("RBAC"), Some(true));
        let rbac = authorization.mode("RBAC").unwrap();
        assert_eq!(at(&inventory, rbac.span()), "RBAC");
    }

    #[test]
    fn node_restriction_sources() {
        let on = with("v1.30.0", &["--enable-admission-plugins=NodeRestriction"]);
        let setting = on.api_servers().next().unwrap().node_restriction().unwrap();
        assert!(setting.value);
        assert_eq!(
            at(&on, setting.provenance.location().unwrap().span()),
            "NodeRestriction"
        );

        let legacy = with(
            "v1.9.3",
            &["--admission-control=Initializers,NodeRestriction,ResourceQuota"],
        );
        assert!(
            legacy
                .api_servers()
                .next()
                .unwrap()
                .node_restriction()
                .unwrap()
                .value
        );

        let legacy_without = with("v1.9.3", &["--admission-control=AlwaysPullImages"]);
        assert!(
            !legacy_without
                .api_servers()
                .next()
                .unwrap()
                .node_restriction()
                .unwrap()
                .value
        );

        let disabled = with(
            "v1.30.0",
            &[
                "--enable-admission-plugins=NodeRestriction",
                "--disable-admission-plugins=NodeRestriction",
            ],
        );
        assert!(
            !disabled
                .api_servers()
                .next()
                .unwrap()
                .node_restriction()
                .unwrap()
                .value
        );

        let default = with("v1.30.0", &[]);
        let setting = default
            .api_servers()
            .next()
            .unwrap()
            .node_restriction()
            .unwrap();
        assert!(!setting.value, "NodeRestriction is not on by default");
        assert!(setting.is_default());
    }

    #[test]
    fn insecure_port_default_depends_on_version() {
        let old = with("v1.19.16", &[]);
        let port = old.api_servers().next().unwrap().insecure_port().unwrap();
        assert_eq!(port.value, 8080);
        assert!(port.is_default());

        let newer = with("v1.20.0", &[]);
        assert_eq!(
            newer
                .api_servers()
                .next()
                .unwrap()
                .insecure_port()
                .unwrap()
                .value,
            0
        );

        let explicit = with("v1.19.0", &["--insecure-port=0"]);
        assert_eq!(
            explicit
                .api_servers()
                .next()
                .unwrap()
                .insecure_port()
                .unwrap()
                .value,
            0
        );
    }

    #[test]
    fn anonymous_auth_bare_and_explicit() {
        let bare = with("v1.30.0", &["--anonymous-auth"]);
        assert!(
            bare.api_servers()
                .next()
                .unwrap()
                .anonymous_auth()
                .unwrap()
                .value
        );
        let off = with(
            "v1.30.0",
            &["--anonymous-auth=true", "--anonymous-auth=false"],
        );
        let setting = off.api_servers().next().unwrap().anonymous_auth().unwrap();
        assert!(!setting.value, "the last one wins");
        let unset = with("v1.30.0", &[]);
        assert!(
            unset
                .api_servers()
                .next()
                .unwrap()
                .anonymous_auth()
                .unwrap()
                .value
        );
    }

    #[test]
    fn versions_from_image_tags() {
        for (tag, expected) in [
            ("v1.30.4", KubeVersion::with_patch(1, 30, 4)),
            ("v1.29.3-eks-1-29-5", KubeVersion::with_patch(1, 29, 3)),
            ("v1.28.2+k3s1", KubeVersion::with_patch(1, 28, 2)),
            (
                "v1.27.1@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                KubeVersion::with_patch(1, 27, 1),
            ),
        ] {
            let inventory = with(tag, &[]);
            let version = inventory.api_servers().next().unwrap().version();
            assert_eq!(version.version, expected, "{tag}");
            assert!(matches!(version.source, VersionSource::Image(_)));
        }
    }

    #[test]
    fn unknown_version_is_assumed_and_setting_overrides() {
        let text = apiserver("latest", &[]);
        let inventory = inventory(&text);
        let version = inventory.api_servers().next().unwrap().version();
        assert_eq!(version.source, VersionSource::Assumed);
        assert_eq!(version.known(), None);

        let mut options = InventoryOptions::default();
        options.kubernetes_version = Some(KubeVersion::new(1, 18));
        let mut builder = InventoryBuilder::new(options);
        builder.add_file(SourceFile::new("a.yaml", apiserver("v1.30.0", &[])));
        let inventory = builder.build();
        let api = inventory.api_servers().next().unwrap();
        assert_eq!(api.version().source, VersionSource::Setting);
        assert_eq!(api.insecure_port().unwrap().value, 8080);
    }
}

mod etcd {
    use super::*;

    #[test]
    fn flags_beat_env_and_defaults_are_false() {
        let text = static_pod(
            "command:\n- etcd\n- --client-cert-auth=false\nenv:\n- name: ETCD_CLIENT_CERT_AUTH\n  value: 'True'\n- name: ETCD_PEER_CLIENT_CERT_AUTH\n  value: 'True'\n- name: ETCD_CERT_FILE\n  value: /etc/etcd/server.crt\n",
        );
        let inventory = inventory(&text);
        let etcd = inventory.etcds().next().unwrap();
        let client = etcd.client_cert_auth().unwrap();
        assert!(!client.value);
        assert!(matches!(client.provenance, Provenance::Flag(_)));
        let peer = etcd.peer_client_cert_auth().unwrap();
        assert!(peer.value);
        assert!(matches!(peer.provenance, Provenance::Env(_)));
        assert_eq!(
            at(&inventory, peer.provenance.location().unwrap().span()),
            "'True'"
        );
        assert_eq!(etcd.cert_file().unwrap().value, "/etc/etcd/server.crt");
        let auto = etcd.auto_tls().unwrap();
        assert!(!auto.value && auto.is_default());
    }

    #[test]
    fn bare_boolean_flag_is_true() {
        let text = static_pod(
            "command:\n- etcd\n- --client-cert-auth\n- --listen-client-urls=https://127.0.0.1:2379,http://10.0.0.1:2379\n",
        );
        let inventory = inventory(&text);
        let etcd = inventory.etcds().next().unwrap();
        assert!(etcd.client_cert_auth().unwrap().value);
        let urls = etcd.urls("listen-client-urls");
        let urls: Vec<_> = urls.iter().map(|u| at(&inventory, u.span())).collect();
        assert_eq!(urls, vec!["https://127.0.0.1:2379", "http://10.0.0.1:2379"]);
    }

    #[test]
    fn config_file_makes_flags_and_env_irrelevant() {
        let text = static_pod(
            "command:\n- etcd\n- --config-file=/etc/etcd/etcd.yaml\n- --client-cert-auth=false\n",
        );
        let inventory = inventory(&text);
        let etcd = inventory.etcds().next().unwrap();
        assert!(etcd.config_file().is_some());
        assert!(etcd.client_cert_auth().is_none());
    }
}

mod controller_manager_and_scheduler {
    use super::*;

    fn pod(binary: &str, tag: &str, flags: &[&str]) -> String {
        let mut container =
            format!("image: registry.k8s.io/{binary}:{tag}\ncommand:\n- {binary}\n");
        for flag in flags {
            container.push_str(&format!("- {flag}\n"));
        }
        static_pod(&container)
    }

    #[test]
    fn defaults_are_the_components_own() {
        let linted = inventory(&pod("kube-controller-manager", "v1.30.4", &[]));
        let manager = linted.controller_managers().next().unwrap();
        let profiling = manager.profiling().unwrap();
        assert!(profiling.value);
        assert!(is_default(&profiling, "kube-controller-manager default"));
        assert_eq!(manager.bind_address().unwrap().value, "0.0.0.0");
        assert_eq!(manager.secure_port().unwrap().value, 10257);
        assert!(!manager.use_service_account_credentials().unwrap().value);
        assert_eq!(manager.terminated_pod_gc_threshold().unwrap().value, 12500);
        assert!(manager.root_ca_file().is_none());
        assert!(manager.service_account_private_key_file().is_none());
        assert!(
            manager
                .feature_gate("RotateKubeletServerCertificate")
                .is_none()
        );

        let linted = inventory(&pod("kube-scheduler", "v1.30.4", &[]));
        let scheduler = linted.schedulers().next().unwrap();
        assert!(is_default(
            &scheduler.profiling().unwrap(),
            "kube-scheduler default"
        ));
        assert_eq!(scheduler.bind_address().unwrap().value, "0.0.0.0");
        assert_eq!(scheduler.secure_port().unwrap().value, 10259);
    }

    #[test]
    fn the_secure_port_was_off_before_1_13() {
        let linted = inventory(&pod("kube-controller-manager", "v1.12.10", &[]));
        let port = linted
            .controller_managers()
            .next()
            .unwrap()
            .secure_port()
            .unwrap();
        assert_eq!(port.value, 0);
        assert_eq!(
            port.provenance.to_string(),
            "not set; the kube-controller-manager default for v1.12.10 applies"
        );
    }

    #[test]
    fn written_values_and_placeholders() {
        let linted = inventory(&pod(
            "kube-controller-manager",
            "v1.30.4",
            &[
                "--bind-address=${BIND}",
                "--profiling=false",
                "--feature-gates=A=true,RotateKubeletServerCertificate=false",
                "--terminated-pod-gc-threshold=$(THRESHOLD)",
            ],
        ));
        let manager = linted.controller_managers().next().unwrap();
        assert!(manager.bind_address().is_none(), "a placeholder is unknown");
        assert!(manager.terminated_pod_gc_threshold().is_none());
        assert!(!manager.profiling().unwrap().value);
        let gate = manager
            .feature_gate("RotateKubeletServerCertificate")
            .unwrap();
        assert!(!gate.value);
        assert_eq!(
            at(&linted, gate.provenance.location().unwrap().span()),
            "false"
        );
    }

    #[test]
    fn a_scheduler_config_file_decides_profiling() {
        let linted = inventory(&pod(
            "kube-scheduler",
            "v1.30.4",
            &[
                "--config=/etc/kubernetes/scheduler.yaml",
                "--profiling=false",
            ],
        ));
        let scheduler = linted.schedulers().next().unwrap();
        assert!(scheduler.profiling().is_none(), "--profiling is ignored");
        assert_eq!(scheduler.bind_address().unwrap().value, "0.0.0.0");
        let not_evaluated = linted.not_evaluated();
        assert_eq!(not_evaluated.len(), 1);
        assert_eq!(
            not_evaluated[0].unread,
            ["--config /etc/kubernetes/scheduler.yaml"]
        );
    }

    #[test]
    fn kubeadm_writes_both_for_its_release() {
        let linted = inventory(
            "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.4\nnetworking:\n  podSubnet: 10.244.0.0/16\ncontrollerManager:\n  extraArgs:\n    profiling: \"false\"\n",
        );
        let manager = linted.controller_managers().next().unwrap();
        let profiling = manager.profiling().unwrap();
        assert!(!profiling.value);
        assert!(matches!(
            profiling.provenance,
            Provenance::KubeadmExtraArgs(_)
        ));
        let bind = manager.bind_address().unwrap();
        assert_eq!(bind.value, "127.0.0.1");
        assert!(is_default(&bind, "kubeadm default"));
        assert!(manager.use_service_account_credentials().unwrap().value);
        assert_eq!(
            manager.root_ca_file().unwrap().value,
            "/etc/kubernetes/pki/ca.crt"
        );
        assert_eq!(
            manager.service_account_private_key_file().unwrap().value,
            "/etc/kubernetes/pki/sa.key"
        );
        assert_eq!(
            manager
                .flags()
                .last("cluster-cidr")
                .unwrap()
                .value
                .as_ref()
                .unwrap()
                .text,
            "10.244.0.0/16"
        );
        let scheduler = linted.schedulers().next().unwrap();
        assert_eq!(scheduler.bind_address().unwrap().value, "127.0.0.1");
        assert!(is_default(
            &scheduler.profiling().unwrap(),
            "kube-scheduler default"
        ));

        // Before 1.13 kubeadm bound the insecure port instead.
        let old = inventory(
            "apiVersion: kubeadm.k8s.io/v1alpha1\nkind: MasterConfiguration\nkubernetesVersion: v1.10.13\n",
        );
        let manager = old.controller_managers().next().unwrap();
        assert!(manager.bind_address().unwrap().is_default());
        assert_eq!(manager.secure_port().unwrap().value, 0);
        assert!(manager.flags().last("address").is_some());
    }
}

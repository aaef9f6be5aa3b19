//! Which component a container runs, and its flags with exact spans, for every way real
//! manifests write a command line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{apiserver, at, component_of, inventory, only_container, static_pod};
use kubeharden_core::inventory::Detection;
use kubeharden_core::{Component, LineCol};

/// The value text and its source text of flag `name` in a one-container file.
fn flag_value(text: &str, name: &str) -> (String, String) {
    let inventory = inventory(text);
    let container = only_container(&inventory);
    let flag = container
        .flags
        .last(name)
        .unwrap_or_else(|| panic!("no --{name}"));
    let value = flag.value.as_ref().expect("a value");
    (
        value.text.clone(),
        at(&inventory, value.location().span()).to_owned(),
    )
}

#[test]
fn binary_in_command() {
    let text = apiserver("v1.30.4", &["--insecure-port=8080"]);
    let inventory = inventory(&text);
    let container = only_container(&inventory);
    assert_eq!(container.component, Some(Component::ApiServer));
    assert_eq!(container.detection, Some(Detection::Binary));
    let flag = container.flags.last("insecure-port").unwrap();
    assert_eq!(
        at(&inventory, flag.name_only_location().span()),
        "--insecure-port"
    );
    assert_eq!(
        at(&inventory, flag.value.as_ref().unwrap().location().span()),
        "8080"
    );
}

#[test]
fn full_binary_path() {
    let text = static_pod("command:\n- /usr/local/bin/kube-apiserver\n- --anonymous-auth=false\n");
    assert_eq!(component_of(&text), Some(Component::ApiServer));
    assert_eq!(flag_value(&text, "anonymous-auth").0, "false");
}

#[test]
fn flags_split_between_command_and_args() {
    let text = static_pod(
        "command:\n- kube-apiserver\n- --a=1\nargs:\n- --authorization-mode=Node,RBAC\n",
    );
    let inventory = inventory(&text);
    let container = only_container(&inventory);
    assert!(container.flags.last("a").is_some());
    let modes = container.flags.list("authorization-mode");
    let modes: Vec<_> = modes
        .iter()
        .map(|m| (m.value.as_str(), at(&inventory, m.span())))
        .collect();
    assert_eq!(modes, vec![("Node", "Node"), ("RBAC", "RBAC")]);
    // A missing flag belongs at the `args:` key.
    assert_eq!(at(&inventory, container.flags_anchor), "args");
}

#[test]
fn args_only_with_the_binary_in_the_image() {
    let text = static_pod(
        "image: registry.k8s.io/kube-apiserver:v1.24.1\nargs:\n- --anonymous-auth=false\n",
    );
    let inventory = inventory(&text);
    let container = only_container(&inventory);
    assert_eq!(container.component, Some(Component::ApiServer));
    assert_eq!(container.detection, Some(Detection::Image));
    assert!(container.flags.last("anonymous-auth").is_some());
}

#[test]
fn binary_as_first_args_word() {
    let text = static_pod("image: example.com/custom:1\nargs:\n- etcd\n- --client-cert-auth\n");
    assert_eq!(component_of(&text), Some(Component::Etcd));
}

#[test]
fn component_label_when_nothing_else_says() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    component: kube-apiserver\nspec:\n  containers:\n  - name: main\n    image: example.com/custom:1\n    args:\n    - --anonymous-auth=false\n";
    let inventory = inventory(text);
    let container = only_container(&inventory);
    assert_eq!(container.component, Some(Component::ApiServer));
    assert_eq!(container.detection, Some(Detection::Label));
}

#[test]
fn unknown_program_is_not_classified() {
    let text = static_pod(
        "image: registry.k8s.io/kube-apiserver:v1.30.0\ncommand:\n- /wrapper.sh\n- --insecure-port=8080\n",
    );
    assert_eq!(
        component_of(&text),
        None,
        "the image's binary is not what runs"
    );
}

#[test]
fn hyperkube_subcommands() {
    let text =
        static_pod("command:\n- /hyperkube\n- apiserver\n- --insecure-bind-address=0.0.0.0\n");
    let inventory = inventory(&text);
    let container = only_container(&inventory);
    assert_eq!(container.component, Some(Component::ApiServer));
    assert_eq!(container.detection, Some(Detection::Hyperkube));
    assert!(container.flags.last("insecure-bind-address").is_some());
    let text = static_pod("command:\n- hyperkube\n- kube-apiserver\n- --a=b\n");
    assert_eq!(component_of(&text), Some(Component::ApiServer));
}

#[test]
fn go_runner_wrapper() {
    let text = static_pod(
        "command:\n- /go-runner\n- --log-file=/var/log/kube-apiserver.log\n- --also-stdout=false\n- /usr/local/bin/kube-apiserver\n- --insecure-port=0\n",
    );
    let (value, _) = flag_value(&text, "insecure-port");
    assert_eq!(value, "0");
}

#[test]
fn sh_c_script_with_spans_inside_the_string() {
    let text = static_pod("command:\n- sh\n- -c\n- \"exec kube-apiserver --x=y 2>&1\"\n");
    let inventory = inventory(&text);
    let container = only_container(&inventory);
    assert_eq!(container.component, Some(Component::ApiServer));
    assert_eq!(container.detection, Some(Detection::ShellScript));
    let flag = container.flags.last("x").unwrap();
    assert_eq!(at(&inventory, flag.name_only_location().span()), "--x");
    let value = flag.value.as_ref().unwrap();
    assert_eq!(at(&inventory, value.location().span()), "y");
    assert_eq!(
        value.location().span().start,
        text.find("--x=y").unwrap() + 4
    );
    assert!(container.flags.last("2>&1").is_none());
}

#[test]
fn sh_c_literal_block_over_many_lines() {
    let text = static_pod(
        "command:\n- /bin/sh\n- -c\n- |\n  exec /usr/local/bin/kube-apiserver \\\n    --audit-log-format=\"json\" \\\n    --runtime-config='api/all=true'\n",
    );
    let (value, source) = flag_value(&text, "audit-log-format");
    assert_eq!((value.as_str(), source.as_str()), ("json", "json"));
    let (value, source) = flag_value(&text, "runtime-config");
    assert_eq!(
        (value.as_str(), source.as_str()),
        ("api/all=true", "api/all=true")
    );
}

#[test]
fn sh_c_with_an_unterminated_quote_is_a_problem_not_a_crash() {
    let text = static_pod("command:\n- sh\n- -c\n- \"exec kube-apiserver --x='y\"\n");
    let inventory = inventory(&text);
    assert_eq!(only_container(&inventory).component, None);
    assert_eq!(inventory.problems().len(), 1);
}

#[test]
fn flow_style_command() {
    let text = static_pod("command: [\"kube-apiserver\", \"--x=y\", '--z=w']\n");
    let (value, source) = flag_value(&text, "x");
    assert_eq!((value.as_str(), source.as_str()), ("y", "y"));
    let (value, source) = flag_value(&text, "z");
    assert_eq!((value.as_str(), source.as_str()), ("w", "w"));
}

#[test]
fn single_and_double_quoted_items() {
    let text = static_pod(
        "command:\n- 'kube-apiserver'\n- \"--etcd-servers=https://127.0.0.1:2379\"\n- '--token-auth-file=/a b'\n",
    );
    let (value, source) = flag_value(&text, "etcd-servers");
    assert_eq!(value, "https://127.0.0.1:2379");
    assert_eq!(source, value);
    let (value, _) = flag_value(&text, "token-auth-file");
    assert_eq!(value, "/a b");
}

#[test]
fn split_flag_value_over_two_items() {
    let text = apiserver("v1.30.0", &["--authorization-mode", "Node,RBAC"]);
    let (value, source) = flag_value(&text, "authorization-mode");
    assert_eq!(
        (value.as_str(), source.as_str()),
        ("Node,RBAC", "Node,RBAC")
    );
}

#[test]
fn spans_after_multibyte_utf8() {
    let text = format!(
        "# é 日本\n{}",
        apiserver("v1.30.0", &["--insecure-port=8080"])
    );
    let inventory = inventory(&text);
    let flag = only_container(&inventory)
        .flags
        .last("insecure-port")
        .unwrap();
    assert_eq!(
        flag.name_only_location().span().start,
        text.find("--insecure-port").unwrap()
    );
    assert_eq!(
        at(&inventory, flag.name_only_location().span()),
        "--insecure-port"
    );
    let file = inventory.file(kubeharden_core::FileId(0));
    let line = text[..flag.name_only_location().span().start]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(
        file.line_col(flag.name_only_location().span().start),
        LineCol { line, column: 7 }
    );
}

#[test]
fn crlf_manifests() {
    let text = apiserver("v1.30.0", &["--insecure-port=8080"]).replace('\n', "\r\n");
    let inventory = inventory(&text);
    let flag = only_container(&inventory)
        .flags
        .last("insecure-port")
        .unwrap();
    assert_eq!(
        at(&inventory, flag.value.as_ref().unwrap().location().span()),
        "8080"
    );
    let file = inventory.file(kubeharden_core::FileId(0));
    let at_line = file.line_col(flag.name_only_location().span().start);
    assert_eq!(at_line.column, 7);
    assert_eq!(
        file.line_span(at_line.line).map(|s| file.slice(s)),
        Some("    - --insecure-port=8080")
    );
}

#[test]
fn workloads_lists_and_dashboard_images() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d, namespace: kubernetes-dashboard}\n  spec:\n    template:\n      metadata: {labels: {k8s-app: kubernetes-dashboard}}\n      spec:\n        serviceAccountName: kubernetes-dashboard\n        containers:\n        - name: kubernetes-dashboard\n          image: kubernetesui/dashboard:v2.7.0\n          args: [--auto-generate-certificates]\n        - name: scraper\n          image: kubernetesui/metrics-scraper:v1.0.8\n";
    let inventory = inventory(text);
    assert_eq!(inventory.processes().len(), 2);
    assert_eq!(
        inventory.processes()[0].component,
        Some(Component::Dashboard)
    );
    assert_eq!(inventory.processes()[1].component, None);
    let dashboard = inventory.dashboards().next().unwrap();
    assert_eq!(dashboard.service_account().value, "kubernetes-dashboard");
    assert_eq!(
        dashboard.pod_labels(),
        &[("k8s-app".to_owned(), "kubernetes-dashboard".to_owned())]
    );
}

#[test]
fn cronjob_and_init_containers() {
    let text = "kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n          - name: a\n            command: [etcd]\n          containers:\n          - name: b\n            image: busybox\n";
    let inventory = inventory(text);
    assert_eq!(inventory.processes().len(), 2);
    assert_eq!(inventory.processes()[0].component, Some(Component::Etcd));
}

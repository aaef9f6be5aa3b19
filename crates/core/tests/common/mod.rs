//! Builders for realistic inputs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // shared by several test binaries

use kubeharden_core::inventory::Process;
use kubeharden_core::views::{ApiServer, Authorization};
use kubeharden_core::{Component, Inventory, InventoryBuilder, InventoryOptions, SourceFile, Span};

/// Reads one file's text into a fresh inventory.
pub fn inventory(text: &str) -> Inventory {
    let mut builder = InventoryBuilder::new(InventoryOptions::default());
    builder.add_file(SourceFile::new("test.yaml", text));
    builder.build()
}

/// A static pod with one container.
pub fn static_pod(container: &str) -> String {
    let indented: String = container
        .lines()
        .map(|line| format!("    {line}\n"))
        .collect();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\n  namespace: kube-system\nspec:\n  containers:\n  - name: main\n{indented}"
    )
}

/// A kubeadm-style kube-apiserver static pod with `flags` after the binary.
pub fn apiserver(image_tag: &str, flags: &[&str]) -> String {
    let mut container =
        format!("image: registry.k8s.io/kube-apiserver:{image_tag}\ncommand:\n- kube-apiserver\n");
    for flag in flags {
        container.push_str(&format!("- {flag}\n"));
    }
    static_pod(&container)
}

pub fn only_container(inventory: &Inventory) -> &Process {
    assert_eq!(
        inventory.processes().len(),
        1,
        "{:?}",
        inventory.processes()
    );
    &inventory.processes()[0]
}

pub fn component_of(text: &str) -> Option<Component> {
    only_container(&inventory(text)).component
}

/// The text under `span`.
pub fn at(inventory: &Inventory, span: Span) -> &str {
    inventory.file(kubeharden_core::FileId(0)).slice(span)
}

/// The inventory's one kube-apiserver.
pub fn api_server(inventory: &Inventory) -> ApiServer<'_> {
    let mut all = inventory.api_servers();
    let api = all.next().expect("a kube-apiserver");
    assert!(all.next().is_none());
    api
}

/// The authorization modes of `api`.
pub fn modes(api: &ApiServer<'_>) -> Vec<String> {
    match api.authorization().unwrap().value {
        Authorization::Modes(modes) => modes.into_iter().map(|m| m.value).collect(),
        Authorization::ConfigFile(file) => panic!("authorization config {file:?}"),
    }
}

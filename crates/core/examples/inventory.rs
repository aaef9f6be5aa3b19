//! Prints what kubeharden-core understood of some files: each container's component and
//! flags, and each component's key effective settings. A tool for developers:
//! `cargo run -p kubeharden-core --example inventory -- FILE...`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use kubeharden_core::{InventoryBuilder, InventoryOptions};

fn main() {
    let mut builder = InventoryBuilder::new(InventoryOptions::default());
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => {
                builder.add_bytes(&path, bytes);
            }
            Err(error) => eprintln!("{path}: {error}"),
        }
    }
    let inventory = builder.build();
    for problem in inventory.problems() {
        let file = inventory.file(problem.location.file());
        println!(
            "problem {}:{} {:?}",
            file.path().display(),
            file.line_col(problem.location.span().start),
            problem.kind
        );
    }
    for container in inventory.processes() {
        let file = inventory.file(container.file);
        println!(
            "{}: {:?} via {:?}, image {:?}, {} flags, {} env",
            file.path().display(),
            container.component,
            container.detection,
            container.image.as_ref().map(|i| &i.value),
            container.flags.iter().count(),
            container.env.len()
        );
    }
    for api in inventory.api_servers() {
        println!(
            "  apiserver {:?}: anonymous {:?}, insecure port {:?}, authz {:?}, NodeRestriction {:?}",
            api.version().version,
            api.anonymous_auth().map(|e| e.value),
            api.insecure_port().map(|e| e.value),
            api.authorization().map(|e| e.value),
            api.node_restriction().map(|e| e.value)
        );
    }
    for etcd in inventory.etcds() {
        println!(
            "  etcd: cert {:?}, client-cert-auth {:?}, peer-client-cert-auth {:?}",
            etcd.cert_file().map(|e| e.value),
            etcd.client_cert_auth().map(|e| e.value),
            etcd.peer_client_cert_auth().map(|e| e.value)
        );
    }
    for kubelet in inventory.kubelets() {
        println!(
            "  kubelet: anonymous {:?}, authz {:?}, read-only {:?}, client CA {:?}",
            kubelet.anonymous_auth().map(|e| e.value),
            kubelet.authorization_mode().map(|e| e.value),
            kubelet.read_only_port().map(|e| e.value),
            kubelet.client_ca_file().map(|e| e.value)
        );
    }
    for dashboard in inventory.dashboards() {
        println!(
            "  dashboard {:?}: skip-login {:?}, insecure-login {:?}, sa {:?}",
            dashboard.version(),
            dashboard.enable_skip_login().map(|e| e.value),
            dashboard.enable_insecure_login().map(|e| e.value),
            dashboard.service_account().value
        );
    }
}

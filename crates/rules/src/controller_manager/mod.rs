//! KCMG: kube-controller-manager — its secure port, profiling, and the credentials and keys
//! its controllers work with.

mod controller_manager_bind_address_exposed;
mod controller_manager_profiling_enabled;
mod kubelet_server_cert_rotation_gate_disabled;
mod root_ca_file_missing;
mod service_account_credentials_shared;
mod service_account_signing_key_missing;
mod terminated_pod_gc_disabled;

use kubeharden_core::views::ControllerManager;
use kubeharden_core::{Component, Effective, Inventory};

use crate::finding::Findings;
use crate::rule::Registered;
use crate::serving::Serving;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&terminated_pod_gc_disabled::TerminatedPodGcDisabled),
    Registered::Check(&controller_manager_profiling_enabled::ControllerManagerProfilingEnabled),
    Registered::Check(&service_account_credentials_shared::ServiceAccountCredentialsShared),
    Registered::Check(&service_account_signing_key_missing::ServiceAccountSigningKeyMissing),
    Registered::Check(&root_ca_file_missing::RootCaFileMissing),
    Registered::Check(
        &kubelet_server_cert_rotation_gate_disabled::KubeletServerCertRotationGateDisabled,
    ),
    Registered::Check(
        &controller_manager_bind_address_exposed::ControllerManagerBindAddressExposed,
    ),
];

/// The controller manager's serving settings, for the rules shared with the scheduler.
fn serving<'i>(manager: &ControllerManager<'i>) -> Serving<'i> {
    Serving {
        process: manager.process,
        name: Component::ControllerManager.name(),
        anchor: manager.missing_anchor(),
        secure_port: manager.secure_port(),
    }
}

/// Reports every controller manager without a file flag (`--service-account-private-key-file`,
/// `--root-ca-file`): `flag` is read by `value`; `help` and `note` finish the finding.
fn check_file_flag(
    inventory: &Inventory,
    findings: &mut Findings<'_>,
    flag: &str,
    value: impl Fn(&ControllerManager<'_>) -> Option<Effective<String>>,
    help: &str,
    note: &str,
) {
    for manager in inventory.controller_managers() {
        let anchor = manager.missing_anchor();
        let (location, message, label) = match value(&manager) {
            Some(path) if !path.value.trim().is_empty() => continue,
            // Written empty: the controller manager treats it as not set.
            Some(empty) => (
                empty.location_or(anchor),
                format!("`--{flag}` is empty"),
                "an empty path is the same as none".to_owned(),
            ),
            None => (
                anchor,
                format!("`--{flag}` not set"),
                format!("no `--{flag}` among these flags"),
            ),
        };
        findings
            .report(location, message)
            .label(label)
            .help(help)
            .note(note);
    }
}

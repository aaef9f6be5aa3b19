//! What kube-controller-manager and kube-scheduler share: a secure port that serves
//! `/debug/pprof` unless `--profiling=false`, on every interface unless `--bind-address`
//! names a loopback address.

use std::net::IpAddr;

use kubeharden_core::inventory::Process;
use kubeharden_core::{Effective, Inventory, Location, Provenance};

use crate::finding::Findings;
use crate::fixes;
use crate::notes;

/// One component's serving settings, as the profiling and bind-address rules see them.
pub(crate) struct Serving<'i> {
    pub process: &'i Process,
    /// `kube-controller-manager` or `kube-scheduler`.
    pub name: &'static str,
    /// Where a missing flag belongs.
    pub anchor: Location,
    /// `--secure-port`; `None` when a placeholder hides it.
    pub secure_port: Option<Effective<i64>>,
}

impl Serving<'_> {
    /// Reports `/debug/pprof` served: `profiling` is the effective `--profiling`.
    pub(crate) fn check_profiling(
        &self,
        inventory: &Inventory,
        profiling: Option<Effective<bool>>,
        findings: &mut Findings<'_>,
    ) {
        // Not gated on the secure port: before v1.24 the insecure port serves `/debug/pprof`
        // too, and it is on by default.
        let Some(profiling) = profiling.filter(|profiling| profiling.value) else {
            return;
        };
        let label = if profiling.is_default() {
            "no `--profiling=false` among these flags"
        } else {
            "profiling on"
        };
        let fix = fixes::set_or_add_flag(inventory, self.process, "profiling", "false")
            .map(|edits| fixes::safe("Set `--profiling=false`", edits));
        let finding = findings
            .report(
                profiling.location_or(self.anchor),
                notes::flag_state("profiling", &profiling),
            )
            .label(label)
            .help(format!(
                "set `--profiling=false`: {} then no longer serves `/debug/pprof`",
                self.name
            ))
            .note(provenance_note(&profiling, self.name));
        finding.fix(fix);
    }

    /// Reports a secure port served beyond loopback: `bind` is the effective
    /// `--bind-address`. An address the component would reject is left to
    /// `invalid-flag-value`.
    pub(crate) fn check_bind_address(
        &self,
        inventory: &Inventory,
        bind: Option<Effective<String>>,
        findings: &mut Findings<'_>,
    ) {
        // `0` turns secure serving, and with it the bind address, off; a placeholder could be
        // `0`.
        let (Some(bind), Some(port)) = (
            bind,
            self.secure_port.as_ref().filter(|port| port.value != 0),
        ) else {
            return;
        };
        let written = bind.value.trim();
        let loopback = match written.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback(),
            // Empty means every interface, as `0.0.0.0` does.
            Err(_) if written.is_empty() => false,
            Err(_) => return,
        };
        if loopback {
            return;
        }
        let label = if bind.is_default() {
            "no `--bind-address=127.0.0.1` among these flags"
        } else {
            "served beyond loopback"
        };
        let fix = fixes::set_or_add_flag(inventory, self.process, "bind-address", "127.0.0.1")
            .map(|edits| fixes::unsafe_fix("Set `--bind-address=127.0.0.1`", edits));
        let finding = findings
            .report(
                bind.location_or(self.anchor),
                format!(
                    "{}; {} serves port {} on {}",
                    notes::flag_state("bind-address", &bind),
                    self.name,
                    port.value,
                    if written.is_empty() || written.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified()) {
                        "every interface"
                    } else {
                        "a non-loopback address"
                    }
                ),
            )
            .label(label)
            .help("set `--bind-address=127.0.0.1` and scrape metrics through the API server or a sidecar on the node")
            .note(match fix {
                Some(_) => format!(
                    "{}; the fix is unsafe: a liveness probe or a metrics scraper that reaches {} from outside the node stops working",
                    provenance_note(&bind, self.name),
                    self.name
                ),
                None => provenance_note(&bind, self.name),
            });
        finding.fix(fix);
    }
}

/// Says where the value came from, for a finding's note: the component's own default (the
/// same in every release), or whoever wrote it.
fn provenance_note<T: std::fmt::Display>(setting: &Effective<T>, component: &str) -> String {
    match &setting.provenance {
        Provenance::Default(reason) if reason.why.starts_with(component) => format!(
            "{component} has defaulted to `{}` in every release",
            setting.value
        ),
        provenance => provenance.to_string(),
    }
}

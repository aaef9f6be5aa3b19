//! KGEN: whether the input can be read at all, and whether components would accept it.

mod conflicting_flags;
mod duplicate_flag;
mod ineffective_setting;
mod invalid_flag_value;
mod invalid_yaml;
mod removed_flag;
mod unused_suppression;

use kubeharden_core::flags::{Flag, ValueForm, WrittenBy};
use kubeharden_core::inventory::Process;
use kubeharden_core::version::KubeVersion;
use kubeharden_core::views::process_version;
use kubeharden_core::{Component, FileId, Inventory, Location};

use crate::notes;
use crate::rule::Registered;

pub(crate) use unused_suppression::UnusedSuppression;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&invalid_yaml::InvalidYaml),
    Registered::Check(&invalid_flag_value::InvalidFlagValue),
    Registered::Check(&duplicate_flag::DuplicateFlag),
    Registered::Check(&conflicting_flags::ConflictingFlags),
    Registered::Check(&removed_flag::RemovedFlag),
    // Reported by the linter after every check, from the suppressions it applied.
    Registered::LinterPass(&UnusedSuppression),
    Registered::Check(&ineffective_setting::IneffectiveSetting),
];

/// A flag occurrence as written, for messages: `--name=value`, `--name value` or `--name`.
fn written(flag: &Flag) -> String {
    let dashes = "-".repeat(usize::from(flag.dashes));
    match &flag.value {
        None => format!("{dashes}{}", flag.name),
        Some(value) if value.form == ValueForm::Separate => {
            format!("{dashes}{} {}", flag.name, value.text)
        }
        Some(value) => format!("{dashes}{}={}", flag.name, value.text),
    }
}

/// Where a flag occurrence is reported (see [`Flag::location`]); a flag kubeadm adds itself is
/// reported where the process's flags are.
fn value_location(process: &Process, flag: &Flag) -> Location {
    if flag.is_written() {
        flag.location()
    } else {
        process.missing_anchor()
    }
}

/// Where a flag's name is reported (see [`Flag::name_location`]).
fn name_location(process: &Process, flag: &Flag) -> Location {
    if flag.written_by == WrittenBy::User {
        flag.name_location()
    } else {
        process.missing_anchor()
    }
}

/// Where another occurrence is, for a finding in file `here`: `line N`, and the file's name
/// when it is another file (a command line assembled from a unit and an environment file).
fn line_of(inventory: &Inventory, other: Location, here: FileId) -> String {
    let file = inventory.file(other.file());
    let line = file.line_col(other.span().start).line;
    if other.file() == here {
        return format!("line {line}");
    }
    let name = file.path().file_name().map_or_else(
        || file.path().display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!("line {line} of `{name}`")
}

/// The Kubernetes release a component's container is judged as, and a note saying why.
struct JudgedVersion {
    version: KubeVersion,
    /// Nothing names the version: it is a guess, and messages should not state it as fact.
    assumed: bool,
    note: String,
}

/// The version every view uses (the run's `--kubernetes-version`, else the image tag, else a
/// current release), except that an untagged upstream `hyperkube` image is judged as the last
/// release that shipped one rather than as a current release.
fn judged_version(
    inventory: &Inventory,
    container: &Process,
    component: Component,
) -> JudgedVersion {
    let info = process_version(inventory, container);
    JudgedVersion {
        version: info.version,
        assumed: !info.is_known(),
        note: notes::version(component.name(), info),
    }
}

//! Wording shared by findings: where a value came from and which version it was judged as.

use kubeharden_core::inventory::Origin;
use kubeharden_core::views::{VersionInfo, VersionSource};
use kubeharden_core::{Effective, FileId, Inventory, Provenance};

/// `` `--flag` is `value` `` or `` `--flag` not set; the kube-apiserver default is `value` ``.
pub(crate) fn flag_state<T: std::fmt::Display>(flag: &str, setting: &Effective<T>) -> String {
    match &setting.provenance {
        Provenance::Default(reason) => match reason.version {
            Some(version) => format!(
                "`--{flag}` not set; the {} for {version} is `{}`",
                reason.why, setting.value
            ),
            None => format!(
                "`--{flag}` not set; the {} is `{}`",
                reason.why, setting.value
            ),
        },
        _ => format!("`--{flag}` is `{}`", setting.value),
    }
}

/// `` `field` is `value` `` or `` `field` not set; the KubeletConfiguration default is ... ``,
/// naming the flag or the config field, whichever was (or would be) used.
pub(crate) fn setting_state<T: std::fmt::Display>(
    flag: &str,
    field: &str,
    setting: &Effective<T>,
    uses_config_file: bool,
) -> String {
    let name = match &setting.provenance {
        Provenance::Flag(_) | Provenance::KubeadmExtraArgs(_) => format!("--{flag}"),
        Provenance::ConfigFile(_) | Provenance::DropIn(_) => field.to_owned(),
        _ if uses_config_file => field.to_owned(),
        _ => format!("--{flag}"),
    };
    match &setting.provenance {
        Provenance::Default(reason) => {
            format!(
                "`{name}` not set; the {} is `{}`",
                reason.why, setting.value
            )
        }
        _ => format!("`{name}` is `{}`", setting.value),
    }
}

/// Which version a component was judged as, and why, for a note.
pub(crate) fn version(component: &str, info: VersionInfo) -> String {
    match info.source {
        VersionSource::Image(_) => {
            format!("judged as {component} {}, from its image tag", info.version)
        }
        VersionSource::Setting => {
            format!(
                "judged as {component} {}, from --kubernetes-version",
                info.version
            )
        }
        VersionSource::KubeadmConfig(_) => format!(
            "judged as {component} {}, from the kubeadm config's kubernetesVersion",
            info.version
        ),
        VersionSource::NodeImage(_) => format!(
            "judged as {component} {}, from the kind node image's tag",
            info.version
        ),
        VersionSource::ClusterSpec(_) => format!(
            "judged as {component} {}, from the cluster spec's kubernetesVersion",
            info.version
        ),
        VersionSource::ImageFamily(_) => format!(
            "no image tag names the version, and upstream hyperkube images end at {version}, so {component} {version} is assumed; pass --kubernetes-version to judge another",
            version = info.version
        ),
        VersionSource::Assumed => format!(
            "no image tag names the version, so {component} {} (a current release) is assumed; pass --kubernetes-version to judge another",
            info.version
        ),
    }
}

/// For a finding in `file`: the packaged units assumed to run it, when no unit read does (a
/// Fedora-style `/etc/kubernetes/apiserver` linted alone, a CoreOS `etcd-member.service`
/// drop-in without the unit).
pub(crate) fn assumed_unit(inventory: &Inventory, file: FileId) -> Option<String> {
    let mut units: Vec<String> = Vec::new();
    for process in inventory.processes() {
        let Origin::PackagedUnit { unit, packaging } = &process.origin else {
            continue;
        };
        let reads_file = process.file == file
            || process
                .env
                .iter()
                .any(|var| var.name.location().file() == file);
        let described = format!("`{unit}` of {packaging}");
        if reads_file && !units.contains(&described) {
            units.push(described);
        }
    }
    (!units.is_empty()).then(|| {
        format!(
            "the unit that runs this file's settings is not among the files read, so {} is assumed",
            units.join(" and ")
        )
    })
}

//! Sysconfig packaging: the `kubernetes` packages of Fedora, CentOS and Debian (whose units and
//! environment files come from kubernetes/contrib's `init/systemd`) configure each component
//! through environment files in `/etc/kubernetes/`: `config`, shared by every unit, then the
//! component's own (`apiserver`, `controller-manager`, `scheduler`, `kubelet`). Their
//! `KUBE_*` / `KUBELET_*` variables hold whole flags (`KUBE_API_ADDRESS="--bind-address=..."`)
//! and the packaged unit's `ExecStart=` names them, each as `$NAME`.
//!
//! With the unit among the files read, the systemd reader joins it with the files it loads.
//! An environment file of this shape read without any unit loading it is read here as the
//! packaged unit would run it: the unit is assumed ([`Origin::PackagedUnit`]).

use std::path::Path;

use super::systemd::{find_env_file, value_words};
use super::{Assembled, EnvFileDoc};
use crate::component::Component;
use crate::flags::{FlagSet, Word};
use crate::inventory::{Detection, EnvVar, FileId, Inventory, Origin, Process};
use crate::source::{Located, Location, Span};

/// A unit the packagings ship (kubernetes/contrib `init/systemd`): what it runs, the
/// environment file of its own, and the variables its `ExecStart=` names.
struct PackagedUnit {
    unit: &'static str,
    component: Component,
    /// Its own environment file in `/etc/kubernetes/` (loaded after `config`).
    file: &'static str,
    /// Variables only this unit names: an environment file that sets one is this unit's.
    own_vars: &'static [&'static str],
    /// The variables `ExecStart=` names, in order.
    exec_vars: &'static [&'static str],
}

/// The shared environment file every packaged unit loads first.
const SHARED_FILE: &str = "config";

/// The packaged units of the components kubeharden reads (`kube-proxy.service` is left out).
/// `KUBELET_API_SERVER` was named by the kubelet unit until 2018 (the kubelet dropped
/// `--api-servers` in 1.8); it is kept for the files of those releases.
const PACKAGED_UNITS: &[PackagedUnit] = &[
    PackagedUnit {
        unit: "kube-apiserver.service",
        component: Component::ApiServer,
        file: "apiserver",
        own_vars: &[
            "KUBE_API_ARGS",
            "KUBE_API_ADDRESS",
            "KUBE_API_PORT",
            "KUBE_SERVICE_ADDRESSES",
            "KUBE_ADMISSION_CONTROL",
        ],
        exec_vars: &[
            "KUBE_LOGTOSTDERR",
            "KUBE_LOG_LEVEL",
            "KUBE_ETCD_SERVERS",
            "KUBE_API_ADDRESS",
            "KUBE_API_PORT",
            "KUBELET_PORT",
            "KUBE_ALLOW_PRIV",
            "KUBE_SERVICE_ADDRESSES",
            "KUBE_ADMISSION_CONTROL",
            "KUBE_API_ARGS",
        ],
    },
    PackagedUnit {
        unit: "kube-controller-manager.service",
        component: Component::ControllerManager,
        file: "controller-manager",
        own_vars: &["KUBE_CONTROLLER_MANAGER_ARGS"],
        exec_vars: &[
            "KUBE_LOGTOSTDERR",
            "KUBE_LOG_LEVEL",
            "KUBE_MASTER",
            "KUBE_CONTROLLER_MANAGER_ARGS",
        ],
    },
    PackagedUnit {
        unit: "kube-scheduler.service",
        component: Component::Scheduler,
        file: "scheduler",
        own_vars: &["KUBE_SCHEDULER_ARGS"],
        exec_vars: &[
            "KUBE_LOGTOSTDERR",
            "KUBE_LOG_LEVEL",
            "KUBE_MASTER",
            "KUBE_SCHEDULER_ARGS",
        ],
    },
    PackagedUnit {
        unit: "kubelet.service",
        component: Component::Kubelet,
        file: "kubelet",
        own_vars: &[
            "KUBELET_ARGS",
            "KUBELET_ADDRESS",
            "KUBELET_HOSTNAME",
            "KUBELET_API_SERVER",
        ],
        exec_vars: &[
            "KUBE_LOGTOSTDERR",
            "KUBE_LOG_LEVEL",
            "KUBELET_KUBECONFIG",
            "KUBELET_API_SERVER",
            "KUBELET_ADDRESS",
            "KUBELET_PORT",
            "KUBELET_HOSTNAME",
            "KUBE_ALLOW_PRIV",
            "KUBELET_ARGS",
        ],
    },
];

/// The process of every packaging environment file no unit read loads, with its unit assumed.
pub(super) fn assemble(inventory: &Inventory) -> Assembled {
    let loaded: Vec<FileId> = inventory
        .units
        .iter()
        .flat_map(|unit| {
            let unit_path = inventory.file(unit.file).path();
            unit.parsed
                .environment_files
                .iter()
                .filter_map(move |named| find_env_file(inventory, unit_path, &named.path.value))
                .map(|doc| doc.file)
        })
        .collect();
    let unloaded = || {
        inventory
            .env_files
            .iter()
            .filter(|doc| !loaded.contains(&doc.file))
    };
    let mut assembled = Assembled::default();
    for doc in unloaded() {
        let path = inventory.file(doc.file).path();
        let Some(packaged) = packaged_unit_of(path, doc) else {
            continue;
        };
        let shared = unloaded().find(|other| {
            let other_path = inventory.file(other.file).path();
            other_path.parent() == path.parent()
                && other_path.file_name().is_some_and(|n| n == SHARED_FILE)
        });
        assembled
            .processes
            .push(packaged_process(packaged, doc, shared));
    }
    assembled
}

/// Whether `path` names one of the packaging's environment files: `config`, `apiserver`, ...
/// in a `kubernetes` directory.
pub(super) fn is_packaging_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    in_kubernetes_dir(path)
        && name.is_some_and(|name| {
            name == SHARED_FILE || PACKAGED_UNITS.iter().any(|packaged| packaged.file == name)
        })
}

fn in_kubernetes_dir(path: &Path) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == "kubernetes")
}

/// The packaged unit whose own environment file `doc` at `path` is: by its name in a
/// `kubernetes` directory, or by a variable only that unit names. The shared `config` is
/// nobody's own.
fn packaged_unit_of(path: &Path, doc: &EnvFileDoc) -> Option<&'static PackagedUnit> {
    let name = path.file_name().and_then(|n| n.to_str())?;
    if name == SHARED_FILE {
        return None;
    }
    let in_kubernetes_dir = in_kubernetes_dir(path);
    PACKAGED_UNITS
        .iter()
        .find(|packaged| in_kubernetes_dir && packaged.file == name)
        .or_else(|| {
            PACKAGED_UNITS.iter().find(|packaged| {
                doc.vars
                    .iter()
                    .any(|var| packaged.own_vars.contains(&var.name.as_str()))
            })
        })
}

/// The command line `packaged`'s `ExecStart=` makes of the variables of its own file `own`
/// and the shared `config` (loaded first, so `own` wins).
fn packaged_process(
    packaged: &PackagedUnit,
    own: &EnvFileDoc,
    shared: Option<&EnvFileDoc>,
) -> Process {
    let lookup = |name: &str| {
        [Some(own), shared].into_iter().flatten().find_map(|doc| {
            doc.vars
                .iter()
                .rev()
                .find(|var| var.name == name)
                .map(|var| (doc.file, var))
        })
    };
    let mut words: Vec<Word> = Vec::new();
    for name in packaged.exec_vars {
        if let Some((file, var)) = lookup(name) {
            value_words(file, &var.value, &mut words);
        }
    }
    // A missing flag belongs with the flags the user adds: the unit's last variable that the
    // own file sets (`KUBE_API_ARGS`), else the file's start.
    let anchor = packaged
        .exec_vars
        .iter()
        .rev()
        .find_map(|name| own.vars.iter().rev().find(|var| var.name == *name))
        .map_or(Span::at(0), |var| var.value.span);
    let env = [shared, Some(own)]
        .into_iter()
        .flatten()
        .flat_map(|doc| {
            doc.vars.iter().map(|var| EnvVar {
                name: Located::new(var.name.clone(), Location::new(doc.file, var.value.span)),
                value: Some(var.value.clone()),
            })
        })
        .collect();
    Process {
        file: own.file,
        origin: Origin::PackagedUnit {
            unit: packaged.unit.to_owned(),
            packaging: "the Fedora/CentOS `kubernetes` packages",
        },
        image: None,
        component: Some(packaged.component),
        detection: Some(Detection::Binary),
        image_version: None,
        flags: FlagSet::parse(packaged.component, &words),
        flags_anchor: anchor,
        env,
        unresolved: Vec::new(),
    }
}

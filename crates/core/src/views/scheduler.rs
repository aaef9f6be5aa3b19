//! kube-scheduler's effective settings.
//!
//! With `--config` the scheduler reads a KubeSchedulerConfiguration and ignores its deprecated
//! flags (`--profiling` among them); kubeharden does not read that file, so the settings it
//! decides are unknown then. The secure serving flags (`--bind-address`, `--secure-port`)
//! apply either way.

use super::controller_manager::{bind_address, secure_port};
use super::{FlagReader, VersionInfo, process_version};
use crate::component::Component;
use crate::effective::Effective;
use crate::flags::FlagSet;
use crate::inventory::{Inventory, Process};
use crate::source::Location;

const DEFAULT: &str = "kube-scheduler default";

impl Inventory {
    /// Every kube-scheduler whose whole command line is known (see
    /// [`Inventory::api_servers`]).
    pub fn schedulers(&self) -> impl Iterator<Item = Scheduler<'_>> {
        self.processes_of(Component::Scheduler)
            .filter(|p| p.is_complete())
            .map(move |p| Scheduler::new(self, p))
    }
}

/// A kube-scheduler.
#[derive(Clone, Copy, Debug)]
pub struct Scheduler<'i> {
    inventory: &'i Inventory,
    pub process: &'i Process,
}

impl<'i> Scheduler<'i> {
    #[must_use]
    pub fn new(inventory: &'i Inventory, process: &'i Process) -> Self {
        Self { inventory, process }
    }

    fn reader(&self) -> FlagReader<'i> {
        FlagReader::new(self.process)
    }

    #[must_use]
    pub fn flags(&self) -> &'i FlagSet {
        &self.process.flags
    }

    #[must_use]
    pub fn version(&self) -> VersionInfo {
        process_version(self.inventory, self.process)
    }

    /// Where a missing flag belongs (the container's `args:` or `command:` key).
    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        self.process.missing_anchor()
    }

    /// `--config`, when set: a KubeSchedulerConfiguration decides the settings its deprecated
    /// flags used to.
    #[must_use]
    pub fn config(&self) -> Option<Effective<String>> {
        self.reader().string("config")
    }

    /// Whether `/debug/pprof` is served: `--profiling`, default `true`. `None` with
    /// `--config`: the scheduler then ignores the flag and reads `enableProfiling` from a file
    /// kubeharden does not read.
    #[must_use]
    pub fn profiling(&self) -> Option<Effective<bool>> {
        if self.flags().last("config").is_some() {
            return None;
        }
        self.reader()
            .bool_or("profiling", || Effective::defaulted(true, DEFAULT, None))
    }

    /// `--bind-address`, default `0.0.0.0` (every interface); `None` when its value is a
    /// placeholder.
    #[must_use]
    pub fn bind_address(&self) -> Option<Effective<String>> {
        bind_address(self.reader(), DEFAULT)
    }

    /// `--secure-port`: default 10259 from v1.13, `0` (off) before; `0` turns secure serving
    /// off.
    #[must_use]
    pub fn secure_port(&self) -> Option<Effective<i64>> {
        secure_port(self.reader(), self.version(), 10259, DEFAULT)
    }
}

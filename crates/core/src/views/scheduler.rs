//! kube-scheduler's effective settings.
//!
//! With `--config` the scheduler reads a KubeSchedulerConfiguration and ignores its deprecated
//! flags (`--profiling` among them); kubeharden does not read that file, so the settings it
//! decides are unknown then. The secure serving flags (`--bind-address`, `--secure-port`)
//! apply either way.

use super::controller_manager::{bind_address, secure_port};
use crate::component::Component;
use crate::effective::Effective;

const DEFAULT: &str = "kube-scheduler default";

command_line_view!(
    /// A kube-scheduler.
    Scheduler,
    Component::Scheduler,
    schedulers
);

impl Scheduler<'_> {
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

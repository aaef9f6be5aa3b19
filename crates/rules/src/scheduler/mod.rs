//! KSCH: kube-scheduler — its secure port and profiling.

mod scheduler_bind_address_exposed;
mod scheduler_profiling_enabled;

use kubeharden_core::Component;
use kubeharden_core::views::Scheduler;

use crate::rule::Registered;
use crate::serving::Serving;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&scheduler_profiling_enabled::SchedulerProfilingEnabled),
    Registered::Check(&scheduler_bind_address_exposed::SchedulerBindAddressExposed),
];

/// The scheduler's serving settings, for the rules shared with the controller manager.
fn serving<'i>(scheduler: &Scheduler<'i>) -> Serving<'i> {
    Serving {
        process: scheduler.process,
        name: Component::Scheduler.name(),
        anchor: scheduler.missing_anchor(),
        secure_port: scheduler.secure_port(),
    }
}

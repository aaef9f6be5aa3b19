//! KDSH: the Kubernetes Dashboard — login, its service account, and how it is exposed.

mod dashboard_exposed;
mod dashboard_insecure_login_enabled;
mod dashboard_service_account_privileged;
mod dashboard_skip_login_enabled;
mod rbac_authorization_disabled;

use crate::rule::Registered;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&dashboard_skip_login_enabled::DashboardSkipLoginEnabled),
    Registered::Check(&dashboard_insecure_login_enabled::DashboardInsecureLoginEnabled),
    Registered::Check(&rbac_authorization_disabled::RbacAuthorizationDisabled),
    Registered::Check(&dashboard_service_account_privileged::DashboardServiceAccountPrivileged),
    Registered::Check(&dashboard_exposed::DashboardExposed),
];

//! KDSH: the Kubernetes Dashboard — login, its service account, and how it is exposed.

mod dashboard_exposed;
mod dashboard_insecure_login_enabled;
mod dashboard_service_account_privileged;
mod dashboard_skip_login_enabled;
mod rbac_authorization_disabled;

pub use dashboard_exposed::DashboardExposed;
pub use dashboard_insecure_login_enabled::DashboardInsecureLoginEnabled;
pub use dashboard_service_account_privileged::DashboardServiceAccountPrivileged;
pub use dashboard_skip_login_enabled::DashboardSkipLoginEnabled;
pub use rbac_authorization_disabled::RbacAuthorizationDisabled;

//! KDSH: the Kubernetes Dashboard — login, its service account, and how it is exposed.

mod dashboard_skip_login_enabled;

pub use dashboard_skip_login_enabled::DashboardSkipLoginEnabled;

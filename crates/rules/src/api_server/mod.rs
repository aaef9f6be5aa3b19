//! KAPI: the API server's own doors — insecure serving, anonymous requests, authorization.

mod apiserver_anonymous_auth_enabled;
mod apiserver_authorization_always_allow;
mod insecure_bind_address_set;
mod insecure_port_enabled;

pub use apiserver_anonymous_auth_enabled::ApiserverAnonymousAuthEnabled;
pub use apiserver_authorization_always_allow::ApiserverAuthorizationAlwaysAllow;
pub use insecure_bind_address_set::InsecureBindAddressSet;
pub use insecure_port_enabled::InsecurePortEnabled;

//! KAPI: the API server's own doors — insecure serving, anonymous requests, authorization.

mod apiserver_anonymous_auth_enabled;
mod apiserver_authorization_always_allow;
mod insecure_bind_address_set;
mod insecure_port_enabled;

use crate::rule::Registered;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&insecure_port_enabled::InsecurePortEnabled),
    Registered::Check(&insecure_bind_address_set::InsecureBindAddressSet),
    Registered::Check(&apiserver_anonymous_auth_enabled::ApiserverAnonymousAuthEnabled),
    Registered::Check(&apiserver_authorization_always_allow::ApiserverAuthorizationAlwaysAllow),
];

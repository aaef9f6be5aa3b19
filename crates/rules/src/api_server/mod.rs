//! KAPI: the API server's own doors — insecure serving, anonymous requests, authorization.

mod insecure_bind_address_set;
mod insecure_port_enabled;

pub use insecure_bind_address_set::InsecureBindAddressSet;
pub use insecure_port_enabled::InsecurePortEnabled;

//! KAPI: the API server's own doors — insecure serving, anonymous requests, authorization.

mod insecure_port_enabled;

pub use insecure_port_enabled::InsecurePortEnabled;

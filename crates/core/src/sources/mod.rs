//! Files that hold command lines outside Kubernetes objects: systemd units and drop-ins, and
//! the environment files they read.

pub mod envfile;
pub mod systemd;

//! Wording shared by the rules about kube-apiserver's authorizer chain (KAPI004, KLET006,
//! KDSH003): the chain as written, and the authorizers in it that decide something.

use kubeharden_core::Located;

/// The chain as `--authorization-mode` writes it: `Node,RBAC`.
pub(crate) fn chain(modes: &[Located<String>]) -> String {
    modes
        .iter()
        .map(|mode| mode.value.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The authorizers that decide something: every mode but `AlwaysAllow`, in order.
pub(crate) fn deciding(modes: &[Located<String>]) -> Vec<&str> {
    modes
        .iter()
        .map(|mode| mode.value.as_str())
        .filter(|mode| *mode != "AlwaysAllow")
        .collect()
}

use kubeharden_core::Inventory;
use kubeharden_core::version::INSECURE_PORT_DISABLED_IN;

use crate::declare_rule;
use crate::finding::Findings;
use crate::fixes;
use crate::notes;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a kube-apiserver started with `--insecure-bind-address` set to an address other
    /// than loopback (`0.0.0.0`, `::`, a node IP).
    ///
    /// ## Why is this bad?
    /// `--insecure-bind-address` chooses where the insecure port listens. That port speaks
    /// plain HTTP and treats every request as coming from a cluster administrator, with no
    /// authentication and no authorization. Left at its loopback default it is reachable only
    /// from the control-plane host; moved to `0.0.0.0` or a routable address, anyone on the
    /// network owns the cluster. Even while `--insecure-port=0` keeps the port closed, the
    /// flag is one edit away from opening it to everyone, and audits (CIS) expect it gone.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.18.20
    ///     command:
    ///     - kube-apiserver
    ///     - --insecure-bind-address=0.0.0.0
    ///     - --insecure-port=0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.18.20
    ///     command:
    ///     - kube-apiserver
    ///     - --insecure-port=0
    /// ```
    ///
    /// ## Fix
    /// Safe: removes every `--insecure-bind-address` occurrence, so the insecure port (if any)
    /// binds to `127.0.0.1`, its default. Local clients keep working; only remote access to the
    /// unauthenticated port stops, which nothing should rely on.
    ///
    /// ## Version notes
    /// The flag defaults to `127.0.0.1`; writing a loopback address changes nothing and is
    /// not reported. Before v1.20 the insecure port is open (8080) unless `--insecure-port=0`,
    /// and the rule fires even when it is `0`. v1.20 to v1.23 accept only `--insecure-port=0`,
    /// so the address can no longer take effect and the rule stays silent; v1.24 removed both
    /// flags, and an apiserver given one no longer starts (that is `removed-flag`'s finding).
    /// When no image tag names the release the rule still fires: only releases before v1.24
    /// accept the flag.
    ///
    /// ## How to verify on a live cluster
    /// From another machine, request the API root over plain HTTP on the insecure port:
    /// `curl http://<apiserver-ip>:8080/api`. A list of API versions means the unauthenticated
    /// port is reachable from the network; a refused connection means it is not.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.18 (ensure that the `--insecure-bind-address` argument is not set)
    /// - Kubernetes documentation: "Controlling Access to the Kubernetes API", API server ports and IPs
    pub InsecureBindAddressSet,
    code = "KAPI002",
    name = "insecure-bind-address-set",
    category = Security,
    target = "kube-apiserver",
    summary = "kube-apiserver's unauthenticated insecure port is bound beyond localhost",
    cis = ["apiserver.insecure-bind-address"],
}

impl Rule for InsecureBindAddressSet {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for api in inventory.api_servers() {
            // An address that is not an IP stops the apiserver (`invalid-flag-value`).
            let Some(address) = api.insecure_bind_ip() else {
                continue;
            };
            if address.value.is_loopback() {
                continue;
            }
            let version = api.version();
            // From v1.20 the insecure port can only be `0`, so the address is inert; from v1.24
            // the flag stops the apiserver (`removed-flag`). A release that is only assumed is
            // not trusted here: the flag itself says the manifest is older than v1.24.
            if version
                .known()
                .is_some_and(|known| !known.is_before(INSECURE_PORT_DISABLED_IN))
            {
                continue;
            }
            let assumed = !version.is_known();
            // A placeholder or invalid port: whether the port is open is unknown.
            let Some(port) = api.insecure_port() else {
                continue;
            };
            let port_closed = !port.is_default() && port.value == 0;
            let message = if port_closed {
                let before = if assumed {
                    "on releases before v1.20 "
                } else {
                    ""
                };
                format!(
                    "`--insecure-bind-address` is `{}`; `--insecure-port=0` keeps the port closed, but {before}any other port would serve the unauthenticated API there",
                    address.value
                )
            } else if assumed && port.is_default() {
                format!(
                    "`--insecure-bind-address` is `{}`; without `--insecure-port=0`, releases before v1.20 serve the unauthenticated port `8080` there",
                    address.value
                )
            } else {
                format!(
                    "`--insecure-bind-address` is `{}`; the unauthenticated port `{}` listens there",
                    address.value, port.value
                )
            };
            let label = if port_closed {
                "insecure port would bind beyond localhost"
            } else {
                "insecure port bound beyond localhost"
            };
            let help = if port_closed {
                "remove `--insecure-bind-address`"
            } else {
                "remove `--insecure-bind-address` and set `--insecure-port=0`"
            };
            let note = if assumed {
                "no image tag names the release, but only releases before v1.24 accept this flag"
                    .to_owned()
            } else {
                notes::version("kube-apiserver", version)
            };
            let fix = fixes::remove_flags(
                inventory,
                api.process,
                api.flags().all("insecure-bind-address"),
            )
            .map(|edits| fixes::safe("Remove `--insecure-bind-address`", edits));
            let finding = findings
                .report(address.location_or(api.missing_anchor()), message)
                .label(label)
                .help(help)
                .note(note);
            finding.fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        Case, Tester, apiserver_args_at, apiserver_at, apiserver_image, files, flow, kubeadm,
    };

    #[test]
    fn cases() {
        Tester::new(&InsecureBindAddressSet, "kube-apiserver.yaml")
            .pass([
                apiserver_at("v1.18.20", &[]),
                apiserver_image("registry.k8s.io/kube-apiserver", &["kube-apiserver"]),
                apiserver_at("v1.18.20", &["--insecure-port=0"]),
                // The loopback default, written out: nothing changes.
                apiserver_at("v1.18.20", &["--insecure-bind-address=127.0.0.1"]),
                apiserver_at("v1.18.20", &["--insecure-bind-address", "::1"]),
                apiserver_at(
                    "v1.18.20",
                    &[
                        "--insecure-bind-address=0.0.0.0",
                        "--insecure-bind-address=127.0.0.1",
                    ],
                ),
                // Not an address: the apiserver refuses it (`invalid-flag-value`).
                apiserver_at("v1.18.20", &["--insecure-bind-address=localhost"]),
                // Only `--insecure-port=0` is accepted from v1.20: the address is inert.
                apiserver_at("v1.21.0", &["--insecure-bind-address=0.0.0.0"]),
                // Removed in v1.24: `removed-flag` reports it.
                apiserver_at("v1.29.0", &["--insecure-bind-address=0.0.0.0"]),
            ])
            .fail([
                apiserver_at("v1.18.20", &["--insecure-bind-address=0.0.0.0"]),
                apiserver_at(
                    "v1.18.20",
                    &[
                        "--insecure-bind-address",
                        "10.0.0.10",
                        "--insecure-port=8080",
                    ],
                ),
                apiserver_at(
                    "v1.18.20",
                    &[
                        "--insecure-bind-address=127.0.0.1",
                        "--insecure-bind-address=0.0.0.0",
                    ],
                ),
                apiserver_at(
                    "v1.18.20",
                    &["--insecure-port=0", "\"--insecure-bind-address=::\""],
                ),
                apiserver_args_at("v1.18.20", &["--insecure-bind-address=0.0.0.0"]),
                // No version in the tag: the flag itself dates the manifest.
                apiserver_image(
                    "registry.k8s.io/kube-apiserver",
                    &["kube-apiserver", "--insecure-bind-address=0.0.0.0"],
                ),
                apiserver_image(
                    "registry.k8s.io/kube-apiserver",
                    &[
                        "kube-apiserver",
                        "--insecure-bind-address=0.0.0.0",
                        "--insecure-port=0",
                    ],
                ),
            ])
            // Reported, and fixed, in the environment file that holds the flag.
            .fail([apiserver_env_file("--insecure-bind-address=0.0.0.0 --v=2")])
            .fix_round_trip([
                kubeadm(
                    "v1beta3",
                    "  extraArgs:\n    insecure-bind-address: 0.0.0.0\n    v: \"2\"\n",
                ),
                kubeadm(
                    "v1beta4",
                    "  extraArgs:\n  - name: v\n    value: \"2\"\n  - name: insecure-bind-address\n    value: 0.0.0.0 # all\n",
                ),
                apiserver_at("v1.18.20", &["--insecure-bind-address=0.0.0.0"]),
                apiserver_at("v1.18.20", &["--insecure-bind-address", "0.0.0.0", "--v=2"]),
                apiserver_at(
                    "v1.18.20",
                    &[
                        "--insecure-bind-address=10.0.0.1",
                        "'--insecure-bind-address=0.0.0.0'",
                    ],
                ),
                apiserver_at("v1.18.20", &["--insecure-bind-address=0.0.0.0"])
                    .replace('\n', "\r\n"),
                flow(&apiserver_at(
                    "v1.18.20",
                    &["--insecure-bind-address=0.0.0.0"],
                )),
                flow(&apiserver_at(
                    "v1.18.20",
                    &["--insecure-bind-address", "0.0.0.0", "--v=2"],
                )),
            ])
            .fix_round_trip([apiserver_env_file("--v=2 --insecure-bind-address=0.0.0.0")])
            .fix_round_trip([
                files([("etc/systemd/system/kube-apiserver.service", "[Service]\nExecStart=/usr/local/bin/kube-apiserver \\\n  --insecure-bind-address=0.0.0.0 \\\n  --v=2\nRestart=on-failure\n".to_owned())]),
                files([("etc/systemd/system/kube-apiserver.service", "[Service]\nExecStart=/usr/local/bin/kube-apiserver \\\n  --v=2 \\\n  --insecure-bind-address=0.0.0.0\nRestart=on-failure\n".to_owned())]),
                files([("etc/systemd/system/kube-apiserver.service", "[Service]\nExecStart=/usr/local/bin/kube-apiserver \\\n  --v=2 \\\n  --insecure-bind-address 0.0.0.0 \\\n  --authorization-mode=Node,RBAC\nRestart=on-failure\n".to_owned())]),
                files([("etc/systemd/system/kube-apiserver.service", "[Service]\nExecStart=/usr/local/bin/kube-apiserver --insecure-bind-address=0.0.0.0 --v=2\n".to_owned())]),
                files([("etc/systemd/system/kube-apiserver.service", "[Service]\r\nExecStart=/usr/local/bin/kube-apiserver --v=2 --insecure-bind-address=0.0.0.0\r\n".to_owned())]),
            ])
            .expect_fix([
                (
                    apiserver_at("v1.18.20", &["--insecure-bind-address", "0.0.0.0", "--v=2"]),
                    apiserver_at("v1.18.20", &["--v=2"]),
                ),
                (
                    flow(&apiserver_at("v1.18.20", &["--v=2", "--insecure-bind-address=0.0.0.0"])),
                    flow(&apiserver_at("v1.18.20", &["--v=2"])),
                ),
            ])
            .test_and_snapshot();
    }

    /// A kube-apiserver unit whose flags come from an `EnvironmentFile=`.
    fn apiserver_env_file(flags: &str) -> Case {
        files([
            (
                "etc/systemd/system/kube-apiserver.service",
                "[Service]\nEnvironmentFile=/etc/kubernetes/apiserver.env\nExecStart=/usr/local/bin/kube-apiserver $KUBE_API_ARGS\n".to_owned(),
            ),
            (
                "etc/kubernetes/apiserver.env",
                format!("KUBE_API_ARGS=\"{flags}\"\n"),
            ),
        ])
    }
}

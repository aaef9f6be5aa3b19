//! The Kubernetes Dashboard's effective settings and its place in the cluster.
//!
//! Three generations of the Dashboard exist, with different flags and defaults:
//!
//! - before v1.7.0 one `dashboard` binary served plain HTTP on every interface (port 9090) and
//!   had no login page: every visitor acted with the Dashboard's ServiceAccount;
//! - v1.7.0 to v2.7.0 (`kubernetes-dashboard-amd64`, then `kubernetesui/dashboard`) one binary
//!   with a login page that serves *either* HTTPS (`--auto-generate-certificates`, or
//!   `--tls-cert-file` with `--tls-key-file`) on `--bind-address:--port` *or* plain HTTP on
//!   `--insecure-bind-address:--insecure-port`. The images' entrypoint is
//!   `/dashboard --insecure-bind-address=0.0.0.0 --bind-address=0.0.0.0`, so a manifest that only
//!   gives `args:` serves HTTP on every interface, not on the binary's loopback default. Before
//!   v1.10.1 the login page always offered Skip (CVE-2018-18264);
//! - from the v7 Helm chart on, separate modules (`kubernetesui/dashboard-api`, `-web`, `-auth`)
//!   behind a Kong gateway: no Skip, no `--enable-insecure-login`.

use std::collections::HashMap;
use std::net::IpAddr;

use super::FlagReader;
use crate::effective::Effective;
use crate::inventory::{
    Binding, Detection, Ingress, Inventory, Process, Role, Service, Subject, Workload,
};
use crate::source::Located;
use crate::source::Location;
use crate::version::{ImageRef, Semver, dashboard_version_from_image};

const DASHBOARD_DEFAULT: &str = "Dashboard default";

/// The first release with a login page, HTTPS and the `--insecure-*` flags.
pub const DASHBOARD_LOGIN_SINCE: Semver = Semver::new(1, 7, 0);

/// The release from which Skip is hidden unless `--enable-skip-login` is given (the fix for
/// CVE-2018-18264); before it the login page always offered Skip.
pub const DASHBOARD_SKIP_OPT_IN_SINCE: Semver = Semver::new(1, 10, 1);

/// The ClusterRole that allows everything.
pub const CLUSTER_ADMIN: &str = "cluster-admin";

/// Which Dashboard program a container runs: it decides which flags exist.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Program<'i> {
    /// The single `dashboard` binary of releases up to v2.7.0 (images `kubernetesui/dashboard`,
    /// `kubernetes-dashboard[-<arch>]`, or a `/dashboard` command).
    Monolith,
    /// A module of the split Dashboard (v7 Helm chart on), named by its image
    /// (`dashboard-api`, `dashboard-web`, `dashboard-auth`): no Skip, no insecure login.
    Module(&'i str),
    /// Recognized by a `component` label only; its image is not a Dashboard image kubeharden
    /// knows, so neither is its entrypoint.
    Unknown,
}

/// One binding that grants a Dashboard's ServiceAccount a role.
#[derive(Clone, Copy, Debug)]
pub struct Grant<'i> {
    pub binding: &'i Binding,
    /// The subject that names the ServiceAccount (directly, or through one of its groups).
    pub subject: &'i Subject,
    /// The bound role when the scanned files define it; `None` for built-in roles
    /// (`cluster-admin`) and roles kubeharden did not see.
    pub role: Option<&'i Role>,
}

impl Grant<'_> {
    /// Whether the binding grants the built-in `cluster-admin` ClusterRole.
    #[must_use]
    pub fn is_cluster_admin(&self) -> bool {
        self.binding.role_kind == "ClusterRole" && self.binding.role_name.value == CLUSTER_ADMIN
    }
}

/// One way traffic from outside the cluster reaches a Dashboard's pods.
#[derive(Clone, Copy, Debug)]
pub struct Exposure<'i> {
    /// The Service that selects the Dashboard's pods.
    pub service: &'i Service,
    /// The Ingress routing to that Service, when the exposure is an Ingress.
    pub ingress: Option<&'i Ingress>,
    /// What opens the door: the Service's `type:` value (`LoadBalancer`, `NodePort`), its first
    /// `externalIPs` address, or the Ingress backend's service name.
    pub opened_by: &'i Located<String>,
    external_ip: bool,
}

impl Exposure<'_> {
    /// Where [`Self::opened_by`] is written.
    #[must_use]
    pub fn location(&self) -> Location {
        self.opened_by.location()
    }

    /// Whether the Service's `externalIPs` expose it.
    #[must_use]
    pub fn is_external_ip(&self) -> bool {
        self.external_ip
    }
}

/// Whether two namespaces as written can be the same: equal, or either left out (a manifest
/// without `namespace:` lands wherever it is applied, usually next to its neighbours).
fn same_namespace(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// `127.0.0.1`-style flag values as an address; `None` when the component would reject them.
fn parse_ip(text: &str) -> Option<IpAddr> {
    text.trim().parse().ok()
}

/// A Dashboard container.
#[derive(Clone, Copy, Debug)]
pub struct Dashboard<'i> {
    inventory: &'i Inventory,
    pub process: &'i Process,
    workload: &'i Workload,
}

impl<'i> Dashboard<'i> {
    /// The Dashboard a container runs; `None` for a process outside a workload.
    #[must_use]
    pub fn new(inventory: &'i Inventory, process: &'i Process) -> Option<Self> {
        let workload = inventory.workload(process)?;
        Some(Self {
            inventory,
            process,
            workload,
        })
    }

    fn reader(&self) -> FlagReader<'i> {
        FlagReader::new(self.process)
    }

    #[must_use]
    pub fn workload(&self) -> &'i Workload {
        self.workload
    }

    /// The Dashboard release its image names (`None` for modules, which are versioned on their
    /// own, and for tags that are not versions).
    #[must_use]
    pub fn version(&self) -> Option<Semver> {
        dashboard_version_from_image(&self.process.image.as_ref()?.value)
    }

    /// The image's `image:` value, for findings about the release itself.
    #[must_use]
    pub fn image(&self) -> Option<Located<&'i str>> {
        self.process
            .image
            .as_ref()
            .map(|image| image.as_ref().map(String::as_str))
    }

    /// Where the `image:` value is, else the flags anchor.
    #[must_use]
    pub fn image_location(&self) -> Location {
        self.process
            .image
            .as_ref()
            .map_or_else(|| self.missing_anchor(), Located::location)
    }

    fn program(&self) -> Program<'i> {
        if self.process.detection == Some(Detection::Binary) {
            return Program::Monolith;
        }
        let Some(image) = self.process.image.as_ref() else {
            return Program::Unknown;
        };
        let name = ImageRef::parse(&image.value).name_without_arch();
        match name {
            "dashboard" | "kubernetes-dashboard" => Program::Monolith,
            _ if name.starts_with("dashboard-") => Program::Module(name),
            _ => Program::Unknown,
        }
    }

    /// The module a container of the split Dashboard (v7 Helm chart on) runs, by its image's
    /// name (`dashboard-api`, `dashboard-web`, `dashboard-auth`); `None` for the single
    /// `dashboard` binary of v1.x and v2.x.
    #[must_use]
    pub fn module(&self) -> Option<&'i str> {
        match self.program() {
            Program::Module(name) => Some(name),
            Program::Monolith | Program::Unknown => None,
        }
    }

    /// A release before v1.7.0, which has no login page at all (its image names it).
    #[must_use]
    pub fn predates_login(&self) -> Option<Semver> {
        self.version()
            .filter(|version| *version < DASHBOARD_LOGIN_SINCE)
    }

    /// Whether the login page and its flags exist here: the monolith from v1.7.0 on (or an
    /// unknown release, judged as the last monolith, v2.7.0), or a container kubeharden only
    /// knows by its label. Modules and releases before v1.7.0 have neither.
    #[must_use]
    pub fn has_login_flags(&self) -> bool {
        match self.program() {
            Program::Module(_) => false,
            Program::Monolith | Program::Unknown => self.predates_login().is_none(),
        }
    }

    #[must_use]
    pub fn missing_anchor(&self) -> Location {
        Location::new(self.process.file, self.process.flags_anchor)
    }

    /// The namespace it runs in, as written (`None`: whatever namespace it is applied to).
    #[must_use]
    pub fn namespace(&self) -> Option<&'i str> {
        self.workload().meta.namespace.as_deref()
    }

    /// `serviceAccountName`; `default` when unset.
    #[must_use]
    pub fn service_account(&self) -> Located<String> {
        let workload = self.workload();
        workload
            .service_account
            .clone()
            .unwrap_or_else(|| Located::new("default".to_owned(), workload.kind_location))
    }

    /// Labels of the Dashboard's pods, for matching Services.
    #[must_use]
    pub fn pod_labels(&self) -> &'i [(String, String)] {
        &self.workload().pod_labels
    }

    /// `--enable-skip-login`: whether the login page offers Skip, which runs the session with
    /// the Dashboard's own ServiceAccount.
    ///
    /// Default `false` from v1.10.1; releases v1.7.0 to v1.10.0 always offered Skip and had no
    /// such flag (default `true`). Modules have no Skip at all (`false`; the flag does not
    /// exist there and would stop the module at start-up).
    /// `None` when the flag's value is a placeholder or invalid.
    #[must_use]
    pub fn enable_skip_login(&self) -> Option<Effective<bool>> {
        if !self.has_login_flags() {
            return Some(Effective::defaulted(
                false,
                "Dashboard without a Skip option",
                None,
            ));
        }
        if self
            .version()
            .is_some_and(|version| version < DASHBOARD_SKIP_OPT_IN_SINCE)
        {
            return Some(Effective::defaulted(
                true,
                "Dashboard behaviour before v1.10.1",
                None,
            ));
        }
        self.reader().bool_or("enable-skip-login", || {
            Effective::defaulted(false, DASHBOARD_DEFAULT, None)
        })
    }

    /// `--enable-insecure-login`: whether the login page is offered over plain HTTP too,
    /// default `false` (then a Dashboard reached over HTTP offers no login and runs every
    /// request with its own ServiceAccount). Always `false` for modules and for releases
    /// before v1.7.0, which do not have the flag.
    /// `None` when the flag's value is a placeholder or invalid.
    #[must_use]
    pub fn enable_insecure_login(&self) -> Option<Effective<bool>> {
        if !self.has_login_flags() {
            return Some(Effective::defaulted(
                false,
                "Dashboard without an insecure-login option",
                None,
            ));
        }
        self.reader().bool_or("enable-insecure-login", || {
            Effective::defaulted(false, DASHBOARD_DEFAULT, None)
        })
    }

    /// `--insecure-bind-address`, the address plain HTTP is served on.
    ///
    /// Unset, it depends on how the container starts: the official images' entrypoint adds
    /// `--insecure-bind-address=0.0.0.0` (v1.7.0 on, modules too), which a container without
    /// `command:` keeps; a `command:` that runs the binary itself gets the binary's `127.0.0.1`.
    /// `None` when it comes from the entrypoint of an image kubeharden does not know.
    #[must_use]
    pub fn insecure_bind_address(&self) -> Option<Effective<String>> {
        if let Some(address) = self.reader().string("insecure-bind-address") {
            return Some(address);
        }
        let runs_entrypoint = self.process.detection != Some(Detection::Binary);
        match self.program() {
            Program::Unknown if runs_entrypoint => None,
            Program::Monolith | Program::Module(_) if runs_entrypoint => {
                Some(Effective::defaulted(
                    "0.0.0.0".to_owned(),
                    "Dashboard image's entrypoint setting",
                    None,
                ))
            }
            _ => Some(Effective::defaulted(
                "127.0.0.1".to_owned(),
                DASHBOARD_DEFAULT,
                None,
            )),
        }
    }

    /// [`Self::insecure_bind_address`] as an IP address; `None` when unknown or not an
    /// address (the Dashboard refuses to start with one).
    #[must_use]
    pub fn insecure_bind_ip(&self) -> Option<Effective<IpAddr>> {
        let address = self.insecure_bind_address()?;
        let ip = parse_ip(&address.value)?;
        Some(Effective::new(ip, address.provenance))
    }

    /// `--insecure-port`, default `9090` for the monolith (`0` makes Go pick a free port at
    /// random; it does not turn HTTP off). `None` when its value is a placeholder or invalid.
    #[must_use]
    pub fn insecure_port(&self) -> Option<Effective<i64>> {
        self.reader().int_or("insecure-port", || {
            Effective::defaulted(9090, DASHBOARD_DEFAULT, None)
        })
    }

    /// `--tls-key-file`, when set.
    #[must_use]
    pub fn tls_key_file(&self) -> Option<Effective<String>> {
        self.reader().string("tls-key-file")
    }

    /// The setting that makes the Dashboard serve HTTPS (v1.7.0 on): `--auto-generate-certificates`,
    /// or `--tls-cert-file` together with a `--tls-key-file` (both non-empty). `None`: it serves
    /// plain HTTP on `--insecure-bind-address:--insecure-port` instead (it serves one or the
    /// other, never both).
    #[must_use]
    pub fn https(&self) -> Option<Effective<bool>> {
        let generate = self.auto_generate_certificates();
        if let Some(generate) = generate.as_ref().filter(|g| g.value) {
            return Some(generate.clone());
        }
        let non_empty =
            |setting: Option<Effective<String>>| setting.filter(|s| !s.value.trim().is_empty());
        if let (Some(cert), Some(_)) = (
            non_empty(self.tls_cert_file()),
            non_empty(self.tls_key_file()),
        ) {
            return Some(cert.map(|_| true));
        }
        None
    }

    /// Services in the Dashboard's namespace whose selector picks its pods.
    pub fn selecting_services(&self) -> impl Iterator<Item = &'i Service> + 'i {
        let namespace = self.namespace();
        let labels = self.pod_labels();
        self.inventory.services().iter().filter(move |service| {
            !service.selector.is_empty()
                && same_namespace(service.meta.namespace.as_deref(), namespace)
                && service.selector.iter().all(|pair| labels.contains(pair))
        })
    }

    /// Every way traffic from outside the cluster reaches the Dashboard's pods: Services of
    /// type `LoadBalancer` or `NodePort`, Services with `externalIPs`, and Ingresses routing to
    /// any Service that selects the pods.
    #[must_use]
    pub fn exposures(&self) -> Vec<Exposure<'i>> {
        let services: Vec<&'i Service> = self.selecting_services().collect();
        let mut found = Vec::new();
        for service in &services {
            if let Some(service_type) = service
                .service_type
                .as_ref()
                .filter(|t| matches!(t.value.as_str(), "LoadBalancer" | "NodePort"))
            {
                found.push(Exposure {
                    service,
                    ingress: None,
                    opened_by: service_type,
                    external_ip: false,
                });
            }
            if let Some(address) = service.external_ips.first() {
                found.push(Exposure {
                    service,
                    ingress: None,
                    opened_by: address,
                    external_ip: true,
                });
            }
        }
        // Ingress backends name Services: look them up by name rather than scanning every
        // selecting Service per backend (a repository of many clusters has many Dashboards,
        // each selected by the Services of all of them).
        let mut by_name: HashMap<&str, Vec<&'i Service>> = HashMap::new();
        for service in &services {
            if let Some(name) = service.meta.name() {
                by_name.entry(name).or_default().push(service);
            }
        }
        for ingress in self.inventory.ingresses() {
            for backend in &ingress.backend_services {
                let candidates = by_name
                    .get(backend.value.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let routed = candidates.iter().find(|service| {
                    same_namespace(
                        service.meta.namespace.as_deref(),
                        ingress.meta.namespace.as_deref(),
                    )
                });
                if let Some(service) = routed {
                    found.push(Exposure {
                        service,
                        ingress: Some(ingress),
                        opened_by: backend,
                        external_ip: false,
                    });
                }
            }
        }
        found
    }

    /// Bindings that grant the Dashboard's ServiceAccount a role: subjects naming the
    /// ServiceAccount itself (`kind: ServiceAccount`, or the user
    /// `system:serviceaccount:<namespace>:<name>`) or a group it belongs to
    /// (`system:serviceaccounts`, `system:serviceaccounts:<namespace>`, `system:authenticated`).
    ///
    /// A RoleBinding's ServiceAccount subject without a namespace means the binding's own. A
    /// namespace left out of a manifest matches any, except for the `default` ServiceAccount,
    /// which every namespace has.
    #[must_use]
    pub fn grants(&self) -> Vec<Grant<'i>> {
        let account = self.service_account();
        let name = account.value.as_str();
        let namespace = self.namespace();
        let is_default = name == "default";
        let matches_namespace = |other: Option<&str>| match (other, namespace) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            (Some(written), None) | (None, Some(written)) => !is_default || written == "default",
        };
        let mut found = Vec::new();
        for binding in self.inventory.bindings() {
            let binding_namespace = binding.meta.namespace.as_deref();
            for subject in &binding.subjects {
                let applies = match subject.kind.as_str() {
                    "ServiceAccount" => {
                        let subject_namespace = subject
                            .namespace
                            .as_deref()
                            .or((binding.kind == "RoleBinding")
                                .then_some(binding_namespace)
                                .flatten());
                        subject.name == name && matches_namespace(subject_namespace)
                    }
                    "User" => subject
                        .name
                        .strip_prefix("system:serviceaccount:")
                        .and_then(|rest| rest.split_once(':'))
                        .is_some_and(|(ns, sa)| sa == name && matches_namespace(Some(ns))),
                    "Group" => match subject.name.as_str() {
                        "system:serviceaccounts" | "system:authenticated" => true,
                        group => group
                            .strip_prefix("system:serviceaccounts:")
                            .is_some_and(|ns| matches_namespace(Some(ns))),
                    },
                    _ => false,
                };
                if applies {
                    found.push(Grant {
                        binding,
                        subject,
                        role: self.role_of(binding),
                    });
                    break;
                }
            }
        }
        found
    }

    /// The Role or ClusterRole a binding refers to, when the scanned files define it.
    fn role_of(&self, binding: &Binding) -> Option<&'i Role> {
        self.inventory.roles().iter().find(|role| {
            role.kind == binding.role_kind
                && role.meta.name() == Some(binding.role_name.value.as_str())
                && (role.kind == "ClusterRole"
                    || same_namespace(
                        role.meta.namespace.as_deref(),
                        binding.meta.namespace.as_deref(),
                    ))
        })
    }

    /// `--auto-generate-certificates`, default `false`; `None` when its value is a
    /// placeholder or invalid.
    #[must_use]
    pub fn auto_generate_certificates(&self) -> Option<Effective<bool>> {
        self.reader().bool_or("auto-generate-certificates", || {
            Effective::defaulted(false, DASHBOARD_DEFAULT, None)
        })
    }

    /// `--tls-cert-file`, when set.
    #[must_use]
    pub fn tls_cert_file(&self) -> Option<Effective<String>> {
        self.reader().string("tls-cert-file")
    }
}

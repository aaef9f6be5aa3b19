//! KETC: etcd — TLS for clients and peers, client certificates, and how the API server
//! reaches it.

mod apiserver_etcd_ca_missing;
mod apiserver_etcd_client_cert_missing;
mod etcd_auto_tls_enabled;
mod etcd_ca_shared_with_cluster;
mod etcd_client_cert_auth_disabled;
mod etcd_peer_auto_tls_enabled;
mod etcd_peer_client_cert_auth_disabled;
mod etcd_peer_tls_missing;
mod etcd_plaintext_url;
mod etcd_tls_missing;
mod etcd_trusted_ca_missing;

use std::fmt::Display;
use std::net::{IpAddr, Ipv6Addr};

use kubeharden_core::Located;
use kubeharden_core::inventory::{Distribution, Origin};
use kubeharden_core::views::{ApiServer, Etcd};
use kubeharden_core::{Component, Effective, Inventory, Provenance};

use crate::finding::Findings;
use crate::fixes;
use crate::rule::Registered;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&etcd_tls_missing::EtcdTlsMissing),
    Registered::Check(&etcd_client_cert_auth_disabled::EtcdClientCertAuthDisabled),
    Registered::Check(&etcd_trusted_ca_missing::EtcdTrustedCaMissing),
    Registered::Check(&etcd_auto_tls_enabled::EtcdAutoTlsEnabled),
    Registered::Check(&etcd_peer_client_cert_auth_disabled::EtcdPeerClientCertAuthDisabled),
    Registered::Check(&etcd_peer_auto_tls_enabled::EtcdPeerAutoTlsEnabled),
    Registered::Check(&etcd_peer_tls_missing::EtcdPeerTlsMissing),
    Registered::Check(&apiserver_etcd_ca_missing::ApiserverEtcdCaMissing),
    Registered::Check(&apiserver_etcd_client_cert_missing::ApiserverEtcdClientCertMissing),
    Registered::Check(&etcd_plaintext_url::EtcdPlaintextUrl),
    Registered::Check(&etcd_ca_shared_with_cluster::EtcdCaSharedWithCluster),
];

/// How a setting is named where it was (or would be) written: `--flag`, or `ETCD_FLAG` when
/// the value came from the container's environment.
pub(crate) fn setting_name(flag: &str, provenance: &Provenance) -> String {
    match provenance {
        Provenance::Env(_) => env_name(flag),
        _ => format!("--{flag}"),
    }
}

/// `ETCD_CLIENT_CERT_AUTH` for `client-cert-auth`.
pub(crate) fn env_name(flag: &str) -> String {
    format!("ETCD_{}", flag.to_ascii_uppercase().replace('-', "_"))
}

/// `` `--flag` is `value` ``, `` `ETCD_FLAG` is `value` ``, or
/// `` `--flag` not set; the etcd default is `value` `` (named `ETCD_FLAG` when the container
/// configures etcd through its environment).
pub(crate) fn state<T: Display>(etcd: &Etcd<'_>, flag: &str, setting: &Effective<T>) -> String {
    match &setting.provenance {
        Provenance::Env(_) => format!("`{}` is `{}`", env_name(flag), setting.value),
        Provenance::Default(reason) if etcd.configured_by_env() => format!(
            "`{}` not set; the {} is `{}`",
            env_name(flag),
            reason.why,
            setting.value
        ),
        _ => crate::notes::flag_state(flag, setting),
    }
}

/// How to write `flag` with `value` in this container: `` `--flag=value` ``, or
/// `` `ETCD_FLAG: "value"` `` when the container configures etcd through `ETCD_*` variables
/// (end the sentence with [`where_to`] then).
pub(crate) fn spelled(etcd: &Etcd<'_>, flag: &str, value: &str) -> String {
    if etcd.configured_by_env() {
        format!("`{}: \"{value}\"`", env_name(flag))
    } else {
        format!("`--{flag}={value}`")
    }
}

/// ` to the container's `env:`` when settings go there, else nothing.
pub(crate) fn where_to(etcd: &Etcd<'_>) -> &'static str {
    if etcd.configured_by_env() {
        " to the container's `env:`"
    } else {
        ""
    }
}

/// Names a setting the container does not write, as flag or environment variable.
pub(crate) fn missing(etcd: &Etcd<'_>, flag: &str) -> String {
    if etcd.configured_by_env() {
        format!("`{}`", env_name(flag))
    } else {
        format!("`--{flag}`")
    }
}

/// The label for a missing setting at the container's `command:`/`args:` key; `names` come
/// from [`missing`] (or a spelled-out `--flag=value`).
pub(crate) fn missing_label(etcd: &Etcd<'_>, names: &str) -> String {
    if etcd.configured_by_env() {
        format!("no {names} in this container's `env:`")
    } else {
        format!("no {names} among these flags")
    }
}

/// For the peer rules' notes: etcd serves peers on loopback only — every
/// `--listen-peer-urls` URL is loopback, or none is written and etcd's default
/// `http://localhost:2380` applies. The listener still exists, so the peer rules still apply;
/// the note says who can reach it.
pub(crate) fn peer_scope_note(etcd: &Etcd<'_>) -> Option<String> {
    let resolve = |name: &str| etcd.env_literal(name).map(str::to_owned);
    match etcd.listen_peer_urls() {
        None if etcd.uses_config_file() => None,
        None => Some(format!(
            "no {}: etcd serves peers on `http://localhost:2380`, which every process and host-network pod on the node can still reach",
            missing(etcd, "listen-peer-urls")
        )),
        Some(urls)
            if urls
                .value
                .iter()
                .all(|url| host_kind(&url.value, resolve) == Host::Loopback) =>
        {
            Some(
                "etcd serves peers on loopback only, which every process and host-network pod on the node can still reach".to_owned(),
            )
        }
        Some(_) => None,
    }
}

/// The apiserver's `--etcd-servers` when it reaches etcd over the network: `None` when the
/// flag is absent (the apiserver does not start without it) or every server is a `unix://`
/// socket, where TLS does not apply.
pub(crate) fn networked_etcd_servers(api: &ApiServer<'_>) -> Option<Vec<Located<String>>> {
    let servers = api.etcd_servers();
    let networked = servers
        .iter()
        .any(|url| scheme(&url.value).as_deref() != Some("unix"));
    networked.then_some(servers)
}

/// `help`, followed by the config options that set it when k3s or RKE2 run the apiserver
/// against the external etcd their `datastore-endpoint` names (their `datastore-*` options
/// become the apiserver's etcd client flags).
pub(crate) fn with_datastore_options(
    inventory: &Inventory,
    api: &ApiServer<'_>,
    help: &str,
    options: &str,
) -> String {
    let Origin::Distribution(distribution @ (Distribution::K3s | Distribution::Rke2)) =
        api.process.origin
    else {
        return help.to_owned();
    };
    // Written at the `datastore-endpoint` value, not as a `kube-apiserver-arg` item.
    let from_datastore = api
        .flags()
        .last("etcd-servers")
        .filter(|flag| flag.is_written())
        .is_some_and(|flag| {
            let at = flag.occurrence();
            !inventory
                .file(at.file())
                .slice(at.span())
                .contains("etcd-servers")
        });
    if from_datastore {
        format!("{help}; in a {} config: {options}", distribution.name())
    } else {
        help.to_owned()
    }
}

/// A note on how the apiserver reaches etcd, for the rules about its etcd client settings.
/// `over_https` and `over_http` finish the sentence for the first `https://` server, else the
/// first `http://` one.
pub(crate) fn etcd_servers_note(
    servers: &[Located<String>],
    over_https: &str,
    over_http: &str,
) -> String {
    let plain: Vec<&str> = servers
        .iter()
        .filter(|url| scheme(&url.value).as_deref() == Some("http"))
        .map(|url| url.value.as_str())
        .collect();
    let tls = servers
        .iter()
        .find(|url| scheme(&url.value).as_deref() == Some("https"));
    match (plain.first(), tls) {
        (_, Some(url)) => format!("`--etcd-servers` includes `{}`: {over_https}", url.value),
        (Some(url), None) => {
            format!(
                "`--etcd-servers` uses plain HTTP (`{url}`): {over_http} (see etcd-plaintext-url)"
            )
        }
        (None, None) => format!(
            "`--etcd-servers` is `{}`: the apiserver reaches etcd over the network",
            servers
                .iter()
                .map(|url| url.value.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// The label for a boolean left at its default: `no `--flag=true` among these flags`.
pub(crate) fn unset_label(etcd: &Etcd<'_>, flag: &str, wanted: &str) -> String {
    if etcd.configured_by_env() {
        missing_label(etcd, &missing(etcd, flag))
    } else {
        missing_label(etcd, &spelled(etcd, flag, wanted))
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Where a URL points, as far as exposure goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Host {
    /// `localhost`, `127.0.0.0/8`, `::1`: reachable from the host itself only.
    Loopback,
    /// `0.0.0.0`, `::`, or no host: every interface.
    AllInterfaces,
    /// Any other address or name.
    Other,
    /// A `$(VAR)` reference whose value is not in the file.
    Unknown,
}

/// A URL's scheme, lower-cased (Go's `url.Parse` folds it); `None` without `://`.
pub(crate) fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once("://")?;
    Some(scheme.to_ascii_lowercase())
}

/// The host part of `scheme://[user@]host[:port][/path]`, brackets of an IPv6 literal removed.
pub(crate) fn host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if let Some(bracketed) = authority.strip_prefix('[') {
        return Some(bracketed.split(']').next().unwrap_or(""));
    }
    // An unbracketed IPv6 address has several colons and no port.
    if authority.matches(':').count() > 1 {
        return Some(authority);
    }
    Some(authority.split(':').next().unwrap_or(""))
}

/// Classifies a URL's host. A `$(VAR)` host is resolved through `resolve` (the container's
/// literal environment values); unresolved it is [`Host::Unknown`].
pub(crate) fn host_kind(url: &str, resolve: impl Fn(&str) -> Option<String>) -> Host {
    let Some(written) = host(url) else {
        return Host::Unknown;
    };
    let resolved;
    let mut name = written;
    if let Some(var) = written
        .strip_prefix("$(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        match resolve(var) {
            Some(value) => {
                resolved = value;
                name = resolved.trim();
            }
            None => return Host::Unknown,
        }
    }
    if name.contains("$(") {
        return Host::Unknown;
    }
    let name = name.trim_start_matches('[').trim_end_matches(']');
    if name.is_empty() {
        return Host::AllInterfaces;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return Host::Loopback;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() => Host::AllInterfaces,
        Ok(IpAddr::V4(v4)) if v4.is_loopback() => Host::Loopback,
        Ok(IpAddr::V6(v6)) if v6.is_loopback() || is_mapped_loopback(v6) => Host::Loopback,
        _ => Host::Other,
    }
}

fn is_mapped_loopback(ip: Ipv6Addr) -> bool {
    ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builders for etcd configured in ways the shared builders do not cover.

    use std::fmt::Write as _;

    /// An etcd whose flags are all in `args:`, the binary coming from the image.
    pub(crate) fn etcd_args(flags: &[&str]) -> String {
        let mut text = String::from(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  containers:\n  - name: etcd\n    image: registry.k8s.io/etcd:3.5.15-0\n    args:\n",
        );
        for flag in flags {
            let _ = writeln!(text, "    - {flag}");
        }
        text.push_str("  hostNetwork: true\n");
        text
    }

    /// An etcd started by a shell with no flags, configured by `ETCD_*` environment
    /// variables (and any others), as in self-hosted setups.
    pub(crate) fn etcd_env(vars: &[(&str, &str)]) -> String {
        let mut text = String::from(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd-server\n  namespace: kube-system\nspec:\n  containers:\n  - name: etcd-container\n    image: gcr.io/etcd-development/etcd:v3.4.1\n    command:\n    - /bin/sh\n    - -c\n    - exec /usr/local/bin/etcd\n    env:\n",
        );
        for (name, value) in vars {
            let _ = write!(text, "    - name: {name}\n      value: {value}\n");
        }
        text.push_str("  hostNetwork: true\n");
        text
    }

    /// An etcd with `flags` on its command line and environment variables `vars`.
    pub(crate) fn etcd_flags_env(flags: &[&str], vars: &[(&str, &str)]) -> String {
        let mut text = String::from(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  containers:\n  - name: etcd\n    image: registry.k8s.io/etcd:3.5.15-0\n    command:\n    - etcd\n",
        );
        for flag in flags {
            let _ = writeln!(text, "    - {flag}");
        }
        text.push_str("    env:\n");
        for (name, value) in vars {
            let _ = write!(text, "    - name: {name}\n      value: {value}\n");
        }
        text.push_str("  hostNetwork: true\n");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let none = |_: &str| None;
        for (url, want) in [
            ("http://127.0.0.1:2379", Host::Loopback),
            ("http://127.0.1.1:2379", Host::Loopback),
            ("http://localhost:2379", Host::Loopback),
            ("HTTP://LOCALHOST:2379", Host::Loopback),
            ("http://[::1]:2379", Host::Loopback),
            ("http://[::ffff:127.0.0.1]:2379", Host::Loopback),
            ("http://0.0.0.0:2379", Host::AllInterfaces),
            ("http://[::]:2379", Host::AllInterfaces),
            ("http://:2379", Host::AllInterfaces),
            ("http://10.0.0.1:2379", Host::Other),
            (
                "http://[fd65:7b9c:569:680:98eb:c508:ea6b:b0b2]:2379",
                Host::Other,
            ),
            ("http://etcd-0.etcd:2379", Host::Other),
            ("http://{HOST_IP}:2379", Host::Other),
            ("http://$(POD_IP):2379", Host::Unknown),
            ("127.0.0.1:2379", Host::Unknown),
        ] {
            assert_eq!(host_kind(url, none), want, "{url}");
        }
        let env = |name: &str| (name == "BIND").then(|| "127.0.0.1".to_owned());
        assert_eq!(host_kind("http://$(BIND):2379", env), Host::Loopback);
        assert_eq!(scheme("HTTP://a:1").as_deref(), Some("http"));
        assert_eq!(scheme("a:1"), None);
    }

    #[test]
    fn lists() {
        let items = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(and_list(&items(&["a"])), "a");
        assert_eq!(and_list(&items(&["a", "b"])), "a and b");
        assert_eq!(and_list(&items(&["a", "b", "c"])), "a, b and c");
    }
}

/// One side of etcd's TLS (client or peer), as the two auto-TLS rules see it.
pub(super) struct AutoTlsSide {
    /// `auto-tls` or `peer-auto-tls`.
    pub flag: &'static str,
    pub cert: &'static str,
    pub key: &'static str,
    /// What happens: `etcd serves its clients a self-signed certificate`.
    pub consequence: &'static str,
    pub label: &'static str,
    /// `a certificate and key` / `a peer certificate and key`.
    pub what: &'static str,
    /// Peer traffic may stay on loopback, which the note says.
    pub peer: bool,
}

/// Reports etcd generating its own certificate for one side: auto TLS on and neither the
/// certificate nor the key given (given files win over auto TLS).
pub(super) fn check_auto_tls(
    side: &AutoTlsSide,
    inventory: &Inventory,
    findings: &mut Findings<'_>,
) {
    for etcd in inventory.etcds() {
        // `None`: a config file decides.
        let Some(auto) = etcd.bool(side.flag) else {
            continue;
        };
        if !auto.value || etcd.string(side.cert).is_some() || etcd.string(side.key).is_some() {
            continue;
        }
        let name = setting_name(side.flag, &auto.provenance);
        let fix = match auto.provenance {
            Provenance::Flag(_) | Provenance::KubeadmExtraArgs(_) => etcd
                .process
                .flags
                .last(side.flag)
                .and_then(|flag| fixes::set_flag_value(inventory, etcd.process, flag, "false"))
                .map(|edits| fixes::safe(format!("Set `--{}=false`", side.flag), edits)),
            _ => None,
        };
        let generated = format!(
            "etcd generates this certificate at start-up because neither {} nor {} is given",
            missing(&etcd, side.cert),
            missing(&etcd, side.key)
        );
        let note = if side.peer {
            peer_scope_note(&etcd).unwrap_or(generated)
        } else {
            generated
        };
        let finding = findings
            .report(
                auto.location_or(etcd.missing_anchor()),
                format!("{}; {}", state(&etcd, side.flag, &auto), side.consequence),
            )
            .component(Component::Etcd)
            .label(side.label)
            .help(format!(
                "remove `{name}` and add {} and {}{}, {} signed by the etcd CA",
                spelled(&etcd, side.cert, "<path>"),
                spelled(&etcd, side.key, "<path>"),
                where_to(&etcd),
                side.what
            ))
            .note(note);
        finding.fix(fix);
    }
}

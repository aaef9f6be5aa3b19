//! k3s and RKE2 configs: `/etc/rancher/{k3s,rke2}/config.yaml` and the drop-ins in
//! `config.yaml.d/*.yaml`, which together are the server's (or agent's) command-line options.
//!
//! The files are merged in name order after `config.yaml`: a later key replaces an earlier
//! one, and `key+:` appends to it. The component lists (`kube-apiserver-arg`,
//! `kube-controller-manager-arg`, `kube-scheduler-arg`, `kubelet-arg`) become each
//! component's command line the way k3s builds it (`GetArgs` in k3s
//! `pkg/daemons/config/types.go`): the flags k3s passes itself, a user arg replacing every one
//! of its name (`name+=value` appends to it, `name-=value` prepends), sorted by name. Each
//! user arg is a `--name=value` word located at its list item; each flag k3s adds is
//! [`WrittenBy::Distribution`], located where the component's list is (or would be).
//!
//! Which options decide what (and the k3s code they come from) is docs/sources.md.

use std::path::{Path, PathBuf};

use super::flag_words::FlagWord;
use super::manifest::duplicate_key_problems;
use super::{Assembled, CommentSyntax, FileKind, Format, path_names};
use crate::component::Component;
use crate::flags::{FlagSet, Word, WrittenBy};
use crate::inventory::{Distribution, FileId, InputProblem, Inventory, Origin, Process};
use crate::source::{Located, Location, MappedText, SourceFile, Span, TextMap};
use crate::version::{ImageRef, KubeVersion};
use crate::yaml::{self, NodeKind, NodeRef};

/// One k3s or RKE2 config file: its top-level options, in order.
#[derive(Clone, Debug)]
pub(crate) struct K3sConfigDoc {
    pub file: FileId,
    pub distribution: Distribution,
    options: Vec<ConfigOption>,
    /// Where a flag nobody wrote is reported when no option of its component is written:
    /// the file's first key.
    anchor: Span,
}

/// One top-level option: `key: value` or `key: [values]`.
#[derive(Clone, Debug)]
struct ConfigOption {
    /// The key without its `+`.
    name: String,
    key_span: Span,
    /// `key+:` appends to what earlier files set.
    append: bool,
    values: Vec<MappedText>,
}

pub(super) const FORMAT: Format = Format {
    detect,
    walked: |_| false,
    comments: CommentSyntax::Yaml,
    read,
    assemble: Some(assemble),
};

/// Options that only a server has: a file with one of them (or without `server:`, the
/// address an agent joins) configures a server, whose control plane runs next to its kubelet.
const SERVER_OPTIONS: &[&str] = &[
    "kube-apiserver-arg",
    "kube-controller-manager-arg",
    "kube-scheduler-arg",
    "kube-cloud-controller-manager-arg",
    "etcd-arg",
    "cluster-init",
    "cluster-cidr",
    "service-cidr",
    "cluster-dns",
    "cluster-domain",
    "tls-san",
    "secrets-encryption",
    "datastore-endpoint",
    "disable",
    "write-kubeconfig-mode",
    "write-kubeconfig",
    "advertise-address",
    "disable-apiserver",
    "disable-controller-manager",
    "disable-scheduler",
    "disable-etcd",
    "kube-apiserver-image",
    "cni",
];

/// Options no other tool's YAML has at its top level (the component arg lists among them): a
/// YAML file with one of them there, and no `kind:`, is a k3s or RKE2 config wherever it is.
const DISTINCT_OPTIONS: &[&str] = &[
    "kube-apiserver-arg",
    "kube-controller-manager-arg",
    "kube-scheduler-arg",
    "kubelet-arg",
    "kube-proxy-arg",
    "etcd-arg",
    "cluster-init",
    "datastore-endpoint",
    "write-kubeconfig-mode",
    "flannel-backend",
    "secrets-encryption",
    "etcd-expose-metrics",
    "kube-apiserver-image",
];

/// Options only RKE2 has, for a config found outside `rancher/rke2`.
const RKE2_OPTIONS: &[&str] = &["profile", "cni", "kube-apiserver-image", "runtime-image"];

/// `config.yaml` in a `rancher/k3s` or `rancher/rke2` directory, a `*.yaml` in its
/// `config.yaml.d`, or a YAML file whose top level has one of [`DISTINCT_OPTIONS`] (and no
/// `kind:`, as a Kubernetes object would).
fn detect(path: &Path, text: &str) -> Option<FileKind> {
    let [name, parent, grandparent] = path_names(path);
    let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let by_directory = |dir: &str| match dir {
        "k3s" => Some(Distribution::K3s),
        "rke2" => Some(Distribution::Rke2),
        _ => None,
    };
    let rancher = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .is_some_and(|n| n == "rancher");
    if name == "config.yaml"
        && rancher
        && let Some(distribution) = by_directory(parent)
    {
        return Some(FileKind::K3sConfig(distribution));
    }
    if name.ends_with(".yaml")
        && parent == "config.yaml.d"
        && let Some(distribution) = by_directory(grandparent)
    {
        return Some(FileKind::K3sConfig(distribution));
    }
    let keys = top_level_keys(text);
    let is_config = is_yaml
        && keys.iter().any(|k| DISTINCT_OPTIONS.contains(k))
        && !keys.iter().any(|k| matches!(*k, "kind" | "apiVersion"));
    if !is_config {
        return None;
    }
    let rke2 = path.components().any(|c| c.as_os_str() == "rke2")
        || keys.iter().any(|k| RKE2_OPTIONS.contains(k));
    Some(FileKind::K3sConfig(if rke2 {
        Distribution::Rke2
    } else {
        Distribution::K3s
    }))
}

/// The keys of a YAML text's top-level block mapping lines (`key:` at column 0), without a
/// `+` suffix or quotes.
fn top_level_keys(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.starts_with([' ', '\t', '#', '-']))
        .filter_map(|line| line.split_once(':').map(|(key, _)| key))
        .map(|key| key.trim().trim_matches(['"', '\'']).trim_end_matches('+'))
        .collect()
}

fn read(inventory: &mut Inventory, id: FileId, file: &SourceFile, kind: &FileKind) {
    let FileKind::K3sConfig(distribution) = kind else {
        return;
    };
    let stream = match yaml::load(file.text()) {
        Ok(stream) => stream,
        Err(error) => {
            inventory.problems.push(InputProblem::load(id, error));
            return;
        }
    };
    inventory
        .problems
        .extend(duplicate_key_problems(id, stream.problems));
    let root = stream.documents.first().map(yaml::Document::root);
    let mut options = Vec::new();
    for (key, value) in root.into_iter().flat_map(NodeRef::entries) {
        let Some(name) = key.as_str() else {
            continue;
        };
        let values = match value.kind() {
            NodeKind::Sequence(_) => value.items().filter_map(scalar_text).collect(),
            _ => scalar_text(value).into_iter().collect(),
        };
        options.push(ConfigOption {
            name: name.trim_end_matches('+').to_owned(),
            key_span: key.span(),
            append: name.ends_with('+'),
            values,
        });
    }
    let anchor = options
        .first()
        .map_or(Span::new(0, 0), |option| option.key_span);
    inventory.k3s_configs.push(K3sConfigDoc {
        file: id,
        distribution: *distribution,
        options,
        anchor,
    });
}

/// A scalar's text; `None` for null and for collections.
fn scalar_text(node: NodeRef<'_, '_>) -> Option<MappedText> {
    if node.is_null() {
        return None;
    }
    node.scalar()?;
    node.mapped_text()
}

/// The directory whose `config.yaml` and `config.yaml.d/*.yaml` a file belongs to; a config
/// with another name (or a `.yml` drop-in, which k3s does not read) stands alone.
fn config_set(path: &Path) -> PathBuf {
    let [name, parent, _] = path_names(path);
    let parent_dir = path.parent().unwrap_or(Path::new(""));
    if name == "config.yaml" {
        return parent_dir.to_path_buf();
    }
    if parent == "config.yaml.d" && name.ends_with(".yaml") {
        return parent_dir.parent().unwrap_or(Path::new("")).to_path_buf();
    }
    path.to_path_buf()
}

/// One option after merging every file of a config set.
#[derive(Clone, Debug)]
struct Merged {
    name: String,
    /// The file and key span of the last file that wrote it.
    file: FileId,
    key_span: Span,
    values: Vec<(FileId, MappedText)>,
}

/// The merged options of a config set: `config.yaml`, then its drop-ins in name order.
struct ConfigSet<'i> {
    distribution: Distribution,
    base: &'i K3sConfigDoc,
    options: Vec<Merged>,
}

impl ConfigSet<'_> {
    fn get(&self, name: &str) -> Option<&Merged> {
        self.options.iter().find(|o| o.name == name)
    }

    fn scalar(&self, name: &str) -> Option<&MappedText> {
        self.get(name)?.values.last().map(|(_, text)| text)
    }

    fn is_true(&self, name: &str) -> bool {
        self.scalar(name)
            .is_some_and(|v| crate::flags::parse_go_bool(v.text.trim()) == Ok(true))
    }

    fn is_server(&self) -> bool {
        self.get("server").is_none()
            || self
                .options
                .iter()
                .any(|o| SERVER_OPTIONS.contains(&o.name.as_str()))
    }

    /// Whether the server runs k3s's embedded etcd: RKE2 always does, k3s with `cluster-init`
    /// or when it joins another server (sqlite cannot be joined); neither with an external
    /// `datastore-endpoint`, nor with `disable-etcd`.
    fn embedded_etcd(&self) -> bool {
        if !self.is_server()
            || self.get("datastore-endpoint").is_some()
            || self.is_true("disable-etcd")
        {
            return false;
        }
        match self.distribution {
            Distribution::Rke2 => true,
            _ => self.is_true("cluster-init") || self.get("server").is_some(),
        }
    }

    fn data_dir(&self) -> String {
        self.scalar("data-dir").map_or_else(
            || match self.distribution {
                Distribution::Rke2 => "/var/lib/rancher/rke2".to_owned(),
                _ => "/var/lib/rancher/k3s".to_owned(),
            },
            |dir| dir.text.trim_end_matches('/').to_owned(),
        )
    }
}

fn assemble(inventory: &Inventory) -> Assembled {
    let mut sets: Vec<(PathBuf, Vec<&K3sConfigDoc>)> = Vec::new();
    for doc in &inventory.k3s_configs {
        let key = config_set(inventory.file(doc.file).path());
        match sets.iter_mut().find(|(k, _)| *k == key) {
            Some((_, docs)) => docs.push(doc),
            None => sets.push((key, vec![doc])),
        }
    }
    let mut assembled = Assembled::default();
    for (_, mut docs) in sets {
        let name = |doc: &K3sConfigDoc| {
            let path = inventory.file(doc.file).path();
            // `config.yaml` first, then the drop-ins by name.
            (
                path.file_name() != Some("config.yaml".as_ref()),
                path.file_name().map(ToOwned::to_owned),
            )
        };
        docs.sort_by_key(|doc| name(doc));
        let Some(&base) = docs.first() else {
            continue;
        };
        let set = ConfigSet {
            distribution: base.distribution,
            base,
            options: merge(&docs),
        };
        assembled.processes.extend(processes(inventory, &set));
    }
    assembled
}

/// Merges the options of `docs`, in order: a later key replaces, `key+` appends.
fn merge(docs: &[&K3sConfigDoc]) -> Vec<Merged> {
    let mut merged: Vec<Merged> = Vec::new();
    for doc in docs {
        for option in &doc.options {
            let values = option.values.iter().map(|v| (doc.file, v.clone()));
            match merged.iter_mut().find(|m| m.name == option.name) {
                Some(existing) => {
                    if !option.append {
                        existing.values.clear();
                    }
                    existing.values.extend(values);
                    existing.file = doc.file;
                    existing.key_span = option.key_span;
                }
                None => merged.push(Merged {
                    name: option.name.clone(),
                    file: doc.file,
                    key_span: option.key_span,
                    values: values.collect(),
                }),
            }
        }
    }
    merged
}

/// One component k3s runs: its arg list option, whether an option turns it off, and the image
/// option RKE2 runs it from.
struct Runs {
    component: Component,
    args: &'static str,
    disabled_by: &'static str,
    image: Option<&'static str>,
}

const CONTROL_PLANE: &[Runs] = &[
    Runs {
        component: Component::ApiServer,
        args: "kube-apiserver-arg",
        disabled_by: "disable-apiserver",
        image: Some("kube-apiserver-image"),
    },
    Runs {
        component: Component::ControllerManager,
        args: "kube-controller-manager-arg",
        disabled_by: "disable-controller-manager",
        image: Some("kube-controller-manager-image"),
    },
    Runs {
        component: Component::Scheduler,
        args: "kube-scheduler-arg",
        disabled_by: "disable-scheduler",
        image: Some("kube-scheduler-image"),
    },
];

const ETCD: Runs = Runs {
    component: Component::Etcd,
    args: "etcd-arg",
    disabled_by: "disable-etcd",
    image: None,
};

const KUBELET: Runs = Runs {
    component: Component::Kubelet,
    args: "kubelet-arg",
    disabled_by: "disable-agent",
    image: None,
};

/// The processes a config set runs: the kubelet, and on a server the control plane (with
/// its embedded etcd).
fn processes(inventory: &Inventory, set: &ConfigSet<'_>) -> Vec<Process> {
    let server = set.is_server();
    let runs = CONTROL_PLANE
        .iter()
        .filter(|_| server)
        .chain(set.embedded_etcd().then_some(&ETCD))
        .chain(std::iter::once(&KUBELET));
    runs.filter(|runs| !set.is_true(runs.disabled_by))
        .map(|runs| process(inventory, set, runs))
        .collect()
}

fn process(inventory: &Inventory, set: &ConfigSet<'_>, runs: &Runs) -> Process {
    // Where a flag nobody wrote belongs: the component's list; for an apiserver without one,
    // the datastore it reaches, which decides its etcd flags.
    let list = set.get(runs.args).or_else(|| {
        (runs.component == Component::ApiServer)
            .then(|| set.get("datastore-endpoint"))
            .flatten()
    });
    let (file, anchor) = list.map_or((set.base.file, set.base.anchor), |list| {
        (list.file, list.key_span)
    });
    let image = runs
        .image
        .and_then(|option| set.get(option))
        .and_then(|option| option.values.last())
        .map(|(file, text)| Located::new(text.text.clone(), Location::new(*file, text.span)));
    let image_version = image.as_ref().and_then(|i| {
        ImageRef::parse(&i.value)
            .tag
            .and_then(|tag| KubeVersion::parse(tag).ok())
    });
    let version = inventory.options().kubernetes_version.or(image_version);
    // k3s's own flags, then the ones its options set: the command line's initial args.
    let mut initial: Vec<(String, Word)> = distribution_flags(set, runs.component, version)
        .into_iter()
        .map(|(name, value)| {
            let word = FlagWord::generated(&name, value, anchor, WrittenBy::Distribution);
            (name, word.into_word(file))
        })
        .collect();
    for (name, word) in option_flags(set, runs.component) {
        initial.retain(|(n, _)| *n != name);
        initial.push((name, word));
    }
    let args = set.get(runs.args).map_or(&[][..], |a| &a.values[..]);
    let mut unresolved = Vec::new();
    let mut user: Vec<(String, Vec<Word>)> = Vec::new();
    for (file, item) in args {
        if runs.component == Component::Etcd {
            // k3s writes `etcd-arg` into the config file it starts etcd with, where the
            // TLS settings are nested: whether a flat key overrides them is not known.
            if is_etcd_tls_arg(&item.text) {
                unresolved.push(Located::new(
                    format!("etcd-arg {}", item.text),
                    Location::new(*file, item.span),
                ));
            }
            continue;
        }
        add_user_arg(&mut initial, &mut user, *file, item);
    }
    let mut words: Vec<(String, Vec<Word>)> = user;
    words.extend(initial.into_iter().map(|(name, word)| (name, vec![word])));
    words.sort_by(|a, b| a.0.cmp(&b.0));
    let words: Vec<Word> = words.into_iter().flat_map(|(_, w)| w).collect();
    Process {
        file,
        origin: Origin::Distribution(set.distribution),
        image,
        component: Some(runs.component),
        detection: None,
        image_version,
        flags: FlagSet::parse(runs.component, &words),
        flags_anchor: anchor,
        env: Vec::new(),
        unresolved,
    }
}

/// Whether an `etcd-arg` item names a setting of etcd's TLS or listeners.
fn is_etcd_tls_arg(item: &str) -> bool {
    let name = item.trim_start_matches('-');
    let name = name.split_once('=').map_or(name, |(name, _)| name);
    [
        "cert",
        "key-file",
        "trusted-ca",
        "auto-tls",
        "urls",
        "config-file",
    ]
    .iter()
    .any(|part| name.contains(part))
}

/// One user arg, as k3s's `GetArgs` takes it: `name=value` (or `name`, meaning `true`),
/// with an optional leading `--`; `name+` appends to the flag's values so far (the initial
/// one first), `name-` prepends, a plain `name` replaces the initial one.
fn add_user_arg(
    initial: &mut Vec<(String, Word)>,
    user: &mut Vec<(String, Vec<Word>)>,
    file: FileId,
    item: &MappedText,
) {
    let text = item.text.as_str();
    let start = if text.starts_with("--") { 2 } else { 0 };
    let (arg_end, value) = match text[start..].find('=') {
        Some(eq) => (start + eq, item.slice(start + eq + 1..text.len())),
        None => (
            text.len(),
            MappedText::new("true", item.span, TextMap::opaque()),
        ),
    };
    let arg = &text[start..arg_end];
    let name = arg.trim_end_matches(['+', '-']);
    if name.is_empty() {
        return;
    }
    let name_map = item.map.slice(start..start + name.len());
    let word = FlagWord::entry(name, Some(&name_map), &value, item.span).into_word(file);
    let first = initial
        .iter()
        .position(|(n, _)| n == name)
        .map(|i| initial.remove(i).1);
    let existing = user
        .iter()
        .position(|(n, _)| n == name)
        .map(|i| user.remove(i).1)
        .unwrap_or_default();
    let values = if arg.ends_with('+') {
        first.into_iter().chain(existing).chain([word]).collect()
    } else if arg.ends_with('-') {
        std::iter::once(word).chain(first).chain(existing).collect()
    } else {
        existing.into_iter().chain([word]).collect()
    };
    user.push((name.to_owned(), values));
}

/// Flags a top-level option sets, each located at its value: an external etcd as the
/// datastore (`datastore-endpoint` with `http(s)://` URLs, and its `datastore-cafile`,
/// `-certfile`, `-keyfile`) is the apiserver's etcd. Other datastores are served to the
/// apiserver by kine on a local socket.
fn option_flags(set: &ConfigSet<'_>, component: Component) -> Vec<(String, Word)> {
    if component != Component::ApiServer {
        return Vec::new();
    }
    let Some((file, url)) = set
        .get("datastore-endpoint")
        .and_then(|endpoint| endpoint.values.last())
    else {
        return Vec::new();
    };
    let is_etcd = url
        .text
        .split(',')
        .all(|u| u.trim().starts_with("http://") || u.trim().starts_with("https://"));
    if !is_etcd {
        return Vec::new();
    }
    let mut flags = vec![written("etcd-servers", *file, url)];
    for (option, flag) in [
        ("datastore-cafile", "etcd-cafile"),
        ("datastore-certfile", "etcd-certfile"),
        ("datastore-keyfile", "etcd-keyfile"),
    ] {
        if let Some((file, value)) = set.get(option).and_then(|o| o.values.last()) {
            flags.push(written(flag, *file, value));
        }
    }
    flags
}

fn written(flag: &str, file: FileId, value: &MappedText) -> (String, Word) {
    let word = FlagWord::written(flag, value, value.span).into_word(file);
    (flag.to_owned(), word)
}

/// What the nodes' own address stands for in the URLs k3s gives etcd.
const NODE_ADDRESS: &str = "{node-address}";

/// The flags k3s (and RKE2, which runs k3s's server and agent code) passes a component itself,
/// among those kubeharden's rules read: k3s `pkg/daemons/control/server.go` (`apiServer`,
/// `controllerManager`, `scheduler`), `pkg/daemons/agent/agent_linux.go` (`kubeletArgs`) and
/// `pkg/etcd/etcd.go` (the embedded etcd's config, and the apiserver's client settings for
/// it). `--insecure-port=0` only where the release is known to have the flag.
fn distribution_flags(
    set: &ConfigSet<'_>,
    component: Component,
    version: Option<KubeVersion>,
) -> Vec<(String, String)> {
    let dir = set.data_dir();
    let tls = |name: &str| format!("{dir}/server/tls/{name}");
    let flags: Vec<(&str, String)> = match component {
        Component::ApiServer => {
            let mut flags = vec![
                ("allow-privileged", "true".to_owned()),
                ("anonymous-auth", "false".to_owned()),
                ("authorization-mode", "Node,RBAC".to_owned()),
                ("client-ca-file", tls("client-ca.crt")),
                ("enable-admission-plugins", "NodeRestriction".to_owned()),
                ("kubelet-certificate-authority", tls("server-ca.crt")),
                (
                    "kubelet-client-certificate",
                    tls("client-kube-apiserver.crt"),
                ),
                ("kubelet-client-key", tls("client-kube-apiserver.key")),
                ("profiling", "false".to_owned()),
                ("service-account-key-file", tls("service.key")),
                ("tls-cert-file", tls("serving-kube-apiserver.crt")),
                ("tls-private-key-file", tls("serving-kube-apiserver.key")),
            ];
            if set.embedded_etcd() {
                flags.extend([
                    ("etcd-servers", "https://127.0.0.1:2379".to_owned()),
                    ("etcd-cafile", tls("etcd/server-ca.crt")),
                    ("etcd-certfile", tls("etcd/client.crt")),
                    ("etcd-keyfile", tls("etcd/client.key")),
                ]);
            }
            if version.is_some_and(|v| v.is_before(KubeVersion::new(1, 24))) {
                flags.push(("insecure-port", "0".to_owned()));
            }
            flags
        }
        Component::ControllerManager => vec![
            ("bind-address", "127.0.0.1".to_owned()),
            ("profiling", "false".to_owned()),
            ("root-ca-file", tls("server-ca.crt")),
            ("service-account-private-key-file", tls("service.key")),
            ("use-service-account-credentials", "true".to_owned()),
        ],
        Component::Scheduler => vec![
            ("bind-address", "127.0.0.1".to_owned()),
            ("profiling", "false".to_owned()),
        ],
        Component::Kubelet => vec![
            ("anonymous-auth", "false".to_owned()),
            ("authentication-token-webhook", "true".to_owned()),
            ("authorization-mode", "Webhook".to_owned()),
            ("client-ca-file", format!("{dir}/agent/client-ca.crt")),
            ("read-only-port", "0".to_owned()),
        ],
        Component::Etcd => {
            let metrics_host = if set.is_true("etcd-expose-metrics") {
                NODE_ADDRESS
            } else {
                "127.0.0.1"
            };
            vec![
                (
                    "advertise-client-urls",
                    format!("https://{NODE_ADDRESS}:2379"),
                ),
                ("cert-file", tls("etcd/server-client.crt")),
                ("client-cert-auth", "true".to_owned()),
                ("data-dir", format!("{dir}/server/db/etcd")),
                ("key-file", tls("etcd/server-client.key")),
                (
                    "listen-client-urls",
                    format!("https://{NODE_ADDRESS}:2379,https://127.0.0.1:2379"),
                ),
                ("listen-metrics-urls", format!("http://{metrics_host}:2381")),
                ("listen-peer-urls", format!("https://{NODE_ADDRESS}:2380")),
                ("peer-cert-file", tls("etcd/peer-server-client.crt")),
                ("peer-client-cert-auth", "true".to_owned()),
                ("peer-key-file", tls("etcd/peer-server-client.key")),
                ("peer-trusted-ca-file", tls("etcd/peer-ca.crt")),
                ("trusted-ca-file", tls("etcd/server-ca.crt")),
            ]
        }
        _ => Vec::new(),
    };
    flags
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{InventoryBuilder, InventoryOptions};

    fn inventory(files: &[(&str, &str)]) -> Inventory {
        let mut builder = InventoryBuilder::new(InventoryOptions::default());
        for (path, text) in files {
            builder.add_file(SourceFile::new(*path, *text));
        }
        builder.build()
    }

    fn words(inventory: &Inventory, component: Component) -> Vec<String> {
        let process = inventory.processes_of(component).next().unwrap();
        process
            .flags
            .iter()
            .map(|f| {
                let value = f.value.as_ref().map_or("", |v| v.text.as_str());
                let by = if f.is_written() { "" } else { " (k3s)" };
                format!("--{}={value}{by}", f.name)
            })
            .collect()
    }

    #[test]
    fn detection_by_path_and_content() {
        let kind = |path: &str, text: &str| FileKind::of(Path::new(path), text);
        assert_eq!(
            kind("etc/rancher/k3s/config.yaml", "token: x\n"),
            FileKind::K3sConfig(Distribution::K3s)
        );
        assert_eq!(
            kind(
                "/etc/rancher/rke2/config.yaml.d/10-cis.yaml",
                "profile: cis\n"
            ),
            FileKind::K3sConfig(Distribution::Rke2)
        );
        assert_eq!(
            kind("ansible/files/server.yaml", "kubelet-arg:\n  - a=b\n"),
            FileKind::K3sConfig(Distribution::K3s)
        );
        assert_eq!(
            kind("deploy/rke2/server.yaml", "kube-apiserver-arg+: [a=b]\n"),
            FileKind::K3sConfig(Distribution::Rke2)
        );
        assert_eq!(kind("k3s/config.yaml", "token: x\n"), FileKind::Yaml);
        assert_eq!(
            kind("chart/values.yaml", "kind: Pod\nkubelet-arg: []\n"),
            FileKind::Yaml
        );
    }

    #[test]
    fn user_args_replace_append_and_prepend_k3s_flags() {
        let text = "kube-apiserver-arg:\n  - 'enable-admission-plugins+=PodSecurity'\n  - authorization-mode=RBAC\n  - --profiling\n";
        let inventory = inventory(&[("etc/rancher/k3s/config.yaml", text)]);
        let all = words(&inventory, Component::ApiServer);
        assert!(
            all.contains(&"--authorization-mode=RBAC".to_owned()),
            "{all:?}"
        );
        assert!(
            !all.iter()
                .any(|w| w.starts_with("--authorization-mode=Node"))
        );
        let plugins: Vec<&String> = all
            .iter()
            .filter(|w| w.starts_with("--enable-admission-plugins"))
            .collect();
        assert_eq!(
            plugins,
            [
                "--enable-admission-plugins=NodeRestriction (k3s)",
                "--enable-admission-plugins=PodSecurity"
            ]
        );
        assert!(all.contains(&"--profiling=true".to_owned()));
        assert!(all.contains(&"--anonymous-auth=false (k3s)".to_owned()));
        let api = inventory.api_servers().next().unwrap();
        let mode = api.flags().last("authorization-mode").unwrap();
        let value = mode.value.as_ref().unwrap();
        assert_eq!(&text[value.location().span().range()], "RBAC");
        assert_eq!(
            &text[mode.occurrence().span().range()],
            "authorization-mode=RBAC"
        );
    }

    #[test]
    fn drop_ins_merge_in_name_order() {
        let base = "kubelet-arg:\n  - read-only-port=10255\nkube-apiserver-arg:\n  - anonymous-auth=true\n";
        let later = "kubelet-arg+:\n  - anonymous-auth=true\n";
        let last = "kube-apiserver-arg:\n  - audit-log-path=/var/log/audit.log\n";
        let inventory = inventory(&[
            ("etc/rancher/k3s/config.yaml.d/20-audit.yaml", last),
            ("etc/rancher/k3s/config.yaml", base),
            ("etc/rancher/k3s/config.yaml.d/10-kubelet.yaml", later),
        ]);
        let kubelet = words(&inventory, Component::Kubelet);
        assert!(
            kubelet.contains(&"--read-only-port=10255".to_owned()),
            "{kubelet:?}"
        );
        assert!(kubelet.contains(&"--anonymous-auth=true".to_owned()));
        let api = words(&inventory, Component::ApiServer);
        // The drop-in's list replaced config.yaml's.
        assert!(
            api.contains(&"--anonymous-auth=false (k3s)".to_owned()),
            "{api:?}"
        );
        assert_eq!(inventory.processes().len(), 4);
    }

    #[test]
    fn an_agent_runs_only_a_kubelet() {
        let text = "server: https://10.0.0.1:6443\ntoken: abc\nkubelet-arg:\n  - max-pods=200\n";
        let inventory = inventory(&[("etc/rancher/rke2/config.yaml", text)]);
        let components: Vec<_> = inventory.processes().iter().map(|p| p.component).collect();
        assert_eq!(components, [Some(Component::Kubelet)]);
        assert_eq!(
            inventory.processes()[0].origin,
            Origin::Distribution(Distribution::Rke2)
        );
    }

    #[test]
    fn external_etcd_datastore_and_rke2_image_version() {
        let text = "datastore-endpoint: http://10.0.0.5:2379\ndatastore-cafile: /etc/etcd/ca.crt\nkube-apiserver-image: rancher/hardened-kubernetes:v1.22.9-rke2r1\n";
        let inventory = inventory(&[("etc/rancher/rke2/config.yaml", text)]);
        let api = words(&inventory, Component::ApiServer);
        assert!(
            api.contains(&"--etcd-servers=http://10.0.0.5:2379".to_owned()),
            "{api:?}"
        );
        assert!(api.contains(&"--etcd-cafile=/etc/etcd/ca.crt".to_owned()));
        assert!(api.contains(&"--insecure-port=0 (k3s)".to_owned()));
        let process = inventory.processes_of(Component::ApiServer).next().unwrap();
        assert_eq!(
            process.image_version,
            Some(KubeVersion::with_patch(1, 22, 9))
        );
    }

    #[test]
    fn embedded_etcd_runs_with_tls_on_both_sides() {
        let text = "cluster-init: true\netcd-arg:\n  - quota-backend-bytes=8589934592\n";
        let run = inventory(&[("etc/rancher/k3s/config.yaml", text)]);
        let etcd = run.etcds().next().unwrap();
        assert_eq!(
            etcd.cert_file().unwrap().value,
            "/var/lib/rancher/k3s/server/tls/etcd/server-client.crt"
        );
        let api = words(&run, Component::ApiServer);
        assert!(api.contains(&"--etcd-servers=https://127.0.0.1:2379 (k3s)".to_owned()));
        // A TLS setting in `etcd-arg` leaves etcd not evaluated.
        let text = "cluster-init: true\netcd-arg:\n  - client-cert-auth=false\n";
        let run = inventory(&[("etc/rancher/k3s/config.yaml", text)]);
        assert!(run.etcds().next().is_none());
        assert_eq!(
            run.not_evaluated()[0].unread,
            ["etcd-arg client-cert-auth=false"]
        );
        // sqlite (kine) by default: no etcd.
        let run = inventory(&[("etc/rancher/k3s/config.yaml", "token: x\n")]);
        assert!(run.processes_of(Component::Etcd).next().is_none());
    }

    #[test]
    fn k3s_flags_are_k3s_defaults_in_provenance() {
        let text = "kubelet-arg:\n  - max-pods=150\n";
        let run = inventory(&[("etc/rancher/k3s/config.yaml", text)]);
        let api = run.api_servers().next().unwrap();
        let anonymous = api.anonymous_requests().unwrap();
        assert!(!anonymous.value);
        assert_eq!(
            anonymous.provenance.to_string(),
            "not set; the k3s default applies"
        );
        let kubelet = &run.kubelets()[0];
        let mode = kubelet.authorization_mode().unwrap();
        assert_eq!(mode.value, "Webhook");
        assert_eq!(
            mode.provenance.to_string(),
            "not set; the k3s default applies"
        );
        let text = "kubelet-arg:\n  - max-pods=150\n";
        let run = inventory(&[("etc/rancher/rke2/config.yaml", text)]);
        let port = run.kubelets()[0].read_only_port().unwrap();
        assert_eq!(port.value, 0);
        assert_eq!(
            port.provenance.to_string(),
            "not set; the RKE2 default applies"
        );
    }
}

use kubeharden_core::flags::values::{self, Rejection, is_placeholder, parse_go_int};
use kubeharden_core::flags::{Flag, FlagSet, StopReason};
use kubeharden_core::inventory::{KubeletConfigDoc, Process};
use kubeharden_core::version::insecure_port_only_zero;
use kubeharden_core::views::{ApiServer, Authorization};
use kubeharden_core::{Component, Inventory};

use super::{judged_version, line_of};
use crate::declare_rule;
use crate::finding::Findings;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a value that a control-plane component refuses when it starts:
    ///
    /// - a boolean flag whose value Go does not read as a boolean (`--profiling=yes`);
    /// - a number that is not one, or a port outside 0-65535 (`--read-only-port=abc`,
    ///   `--secure-port=70000`);
    /// - an authorization mode the component does not know (`--authorization-mode=Node,rbac`:
    ///   names are case-sensitive), a mode listed twice, or `ABAC` / `Webhook` in
    ///   kube-apiserver's `--authorization-mode` without the file that mode needs;
    /// - kube-apiserver `--insecure-port` (or `--port`) other than `0` on v1.20-v1.23;
    /// - a stray argument: `--anonymous-auth false` written as two words, where the boolean
    ///   flag does not take `false` and the component is left with an argument it refuses;
    /// - a flag that needs a value but is the last word, or whose value is the next flag
    ///   (`--etcd-cafile --etcd-certfile=/pki/client.crt`);
    /// - in a `KubeletConfiguration`, a boolean or number written as a quoted string
    ///   (`readOnlyPort: "0"`), a value of the wrong type, or an unknown `authorization.mode`.
    ///
    /// ## Why is this bad?
    /// The component exits before it serves anything, so the static pod crash-loops and the
    /// control plane is down until someone reads its log. A stray argument is worse than it
    /// looks: in `--anonymous-auth false` the flag is set to `true`, so when the argument is
    /// dropped to get the component running again, anonymous access is on.
    ///
    /// A flag that swallows the next one (`--etcd-cafile --etcd-certfile=...`) may even start:
    /// pflag and Go's `flag` take the next word as the value whatever it looks like. The
    /// swallowed flag is then never set, and the first flag points at a file that does not
    /// exist. It is reported here because the command line does not say what its author meant.
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
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --anonymous-auth
    ///     - "false"
    ///     - --authorization-mode=Node,rbac
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
    ///     image: registry.k8s.io/kube-apiserver:v1.30.4
    ///     command:
    ///     - kube-apiserver
    ///     - --anonymous-auth=false
    ///     - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Version notes
    /// From v1.20 to v1.23 kube-apiserver accepts `--insecure-port` only as `0` ("invalid port
    /// value 8080: only zero is allowed"); before v1.20 any port works (and opens the insecure
    /// port, see `insecure-port-enabled`), and from v1.24 the flag itself is gone (see
    /// `removed-flag`).
    ///
    /// ## Notes
    /// Values kubeharden cannot know are left alone: `$(VAR)` references, which Kubernetes
    /// expands from the container's environment, and placeholders of a templating step
    /// (`${PORT}`, `{PORT}`, `__PORT__`, `{{ .port }}`). Booleans follow Go's
    /// `strconv.ParseBool` on the command line (`true`/`false`, `t`/`f`, `1`/`0`), but YAML
    /// 1.1 in a `KubeletConfiguration` (`yes`/`no`/`on`/`off` are booleans there). The
    /// Dashboard ignores stray arguments, so they are not reported for it.
    pub InvalidFlagValue,
    code = "KGEN002",
    name = "invalid-flag-value",
    category = Correctness,
    target = "any",
    summary = "a flag or config value the component refuses at start-up",
}

impl Rule for InvalidFlagValue {
    fn check(&self, inventory: &Inventory, findings: &mut Findings<'_>) {
        for container in inventory.processes() {
            let Some(component) = container.component else {
                continue;
            };
            check_values(inventory, container, component, findings);
            check_missing_and_swallowed(container, component, findings);
            check_arguments(container, component, findings);
            if component == Component::ApiServer {
                check_insecure_port(inventory, container, findings);
            }
        }
        for api in inventory.api_servers() {
            check_authorization_files(&api, findings);
        }
        for doc in inventory.kubelet_configs() {
            check_kubelet_config(doc, findings);
        }
    }
}

/// `--flag` is `value`, or `--flag=` is empty.
fn value_state(flag: &str, text: &str) -> String {
    if text.is_empty() {
        format!("`--{flag}` has an empty value")
    } else {
        format!("`--{flag}` is `{text}`")
    }
}

fn check_values(
    inventory: &Inventory,
    container: &Process,
    component: Component,
    findings: &mut Findings<'_>,
) {
    for rejected in values::rejected_values(&container.flags) {
        let location = rejected.location;
        let flag = rejected.flag.as_str();
        let text = rejected.text.as_str();
        let exits = parser_error(component, flag, text);
        let (message, label, help, note) = match rejected.rejection {
            Rejection::NotBool => (
                format!("{}, which is not a boolean", value_state(flag, text)),
                "not a boolean".to_owned(),
                format!("write `--{flag}=true` or `--{flag}=false`"),
                format!(
                    "Go accepts only true/false, t/f, 1/0 and their capitalized forms; {exits}"
                ),
            ),
            Rejection::NotInteger { bits, unsigned } => {
                let fits_wider = parse_go_int(text, 64).is_some();
                let what = match (unsigned, fits_wider && bits < 64) {
                    (true, _) => "not a non-negative integer".to_owned(),
                    (false, true) => format!("too large for a {bits}-bit integer"),
                    (false, false) => "not an integer".to_owned(),
                };
                let help = if unsigned {
                    "write a whole number, 0 or more"
                } else {
                    "write a whole number"
                };
                (
                    format!("{}, which is {what}", value_state(flag, text)),
                    what,
                    help.to_owned(),
                    exits,
                )
            }
            Rejection::OutOfRange { min, max } => (
                format!(
                    "{}, outside the port range {min}-{max}",
                    value_state(flag, text)
                ),
                "not a port number".to_owned(),
                format!("use a port between {min} and {max}"),
                format!("{component} validates its ports and exits at start-up"),
            ),
            Rejection::NotOneOf { allowed } => {
                let suggestion = allowed.iter().find(|mode| mode.eq_ignore_ascii_case(text));
                let help = match suggestion {
                    Some(mode) => format!("write `{mode}`: mode names are case-sensitive"),
                    None => format!("use one of {}", one_of(allowed)),
                };
                (
                    format!("`--{flag}` names `{text}`, which {component} does not know"),
                    "unknown mode".to_owned(),
                    help,
                    format!(
                        "{component} knows only {}; it exits at start-up",
                        all_of(allowed)
                    ),
                )
            }
            Rejection::Repeated { first } => (
                format!("`{text}` is listed twice in `--{flag}`"),
                "listed again".to_owned(),
                format!("list `{text}` once"),
                format!(
                    "first listed at {}; {component} refuses a repeated mode and exits at start-up",
                    line_of(inventory, first, location.file())
                ),
            ),
            Rejection::Quoted { .. } => continue,
        };
        findings
            .report(location, message)
            .component(component)
            .label(label)
            .help(help)
            .note(note);
    }
}

/// `` `A`, `B` or `C` ``.
fn one_of(allowed: &[&str]) -> String {
    join(allowed, "or")
}

/// `` `A`, `B` and `C` ``.
fn all_of(allowed: &[&str]) -> String {
    join(allowed, "and")
}

fn join(words: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("`{word}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} {conjunction} {last}", rest.join(", "))
        }
        _ => quoted.concat(),
    }
}

/// How the component's flag parser refuses a value: pflag's message for Kubernetes
/// components and the Dashboard, Go `flag`'s for etcd.
fn parser_error(component: Component, flag: &str, text: &str) -> String {
    if component.uses_pflag() {
        format!(
            "{component} exits at start-up with `invalid argument \"{text}\" for \"--{flag}\" flag`"
        )
    } else {
        format!("{component} exits at start-up with `invalid value \"{text}\" for flag -{flag}`")
    }
}

fn check_missing_and_swallowed(
    container: &Process,
    component: Component,
    findings: &mut Findings<'_>,
) {
    for flag in container.flags.iter() {
        if flag.missing_value() {
            findings
                .report(flag.location(), format!("`--{}` has no value", flag.key()))
                .component(component)
                .label("needs a value")
                .help(format!("write `--{}=<value>`", flag.key()))
                .note(format!(
                    "nothing follows the flag, so {component} exits with \"flag needs an argument\""
                ));
            continue;
        }
        let Some(value) = flag.value.as_ref().filter(|v| v.looks_like_flag) else {
            continue;
        };
        let swallowed = value
            .text
            .trim_start_matches('-')
            .split('=')
            .next()
            .unwrap_or_default();
        findings
            .report(
                value.location(),
                format!(
                    "`--{}` takes `{}` as its value",
                    flag.key(),
                    value.text
                ),
            )
            .component(component)
            .label(format!("the value of `--{}`, not a flag", flag.key()))
            .help(format!(
                "give `--{}` its own value, e.g. `--{}=<value>`, before `--{swallowed}`",
                flag.key(),
                flag.key()
            ))
            .note(format!(
                "{component}'s flag parser takes the next word as the value even when it starts with `-`, so `--{swallowed}` is never set"
            ));
    }
}

/// Stray words: Kubernetes components refuse them (`"kube-apiserver" does not take any
/// arguments`, the kubelet's `unknown command`); etcd stops parsing at the first one and
/// refuses it; the Dashboard ignores them.
fn check_arguments(container: &Process, component: Component, findings: &mut Findings<'_>) {
    let flags = &container.flags;
    if component == Component::Dashboard {
        return;
    }
    if component == Component::Etcd {
        if let Some(stop) = flags
            .stop()
            .filter(|s| s.reason == StopReason::FirstPositional)
        {
            let word = flags.positionals().first().map_or("", |p| p.text.as_str());
            let ignored = flags
                .positionals()
                .iter()
                .skip(1)
                .filter(|p| p.text.starts_with('-'))
                .count();
            let before = bool_flag_before(flags, stop.index);
            let help = match before {
                Some(flag) => format!("write `--{}={word}`", flag.key()),
                None => format!("remove `{word}`, or make it a flag's value (`--flag={word}`)"),
            };
            let mut note = format!("etcd refuses to start: `'{word}' is not a valid flag`");
            match ignored {
                0 => {}
                1 => note.push_str("; the flag after it is not read as a flag"),
                n => note.push_str(&format!("; the {n} flags after it are not read as flags")),
            }
            findings
                .report(stop.location(), stray_message(word, before))
                .component(component)
                .label("not a flag")
                .help(help)
                .note(note);
        }
        return;
    }
    let terminator = flags
        .stop()
        .filter(|s| s.reason == StopReason::Terminator)
        .map(|s| s.index);
    for positional in flags.positionals() {
        // A variable nothing defined in the files linted (it may hold flags) or a template's
        // placeholder: unknown words, not stray arguments.
        if positional.text.is_empty() || is_placeholder(&positional.text) {
            continue;
        }
        let after_terminator = terminator.is_some_and(|t| positional.index > t);
        let before = bool_flag_before(flags, positional.index);
        let help = match before {
            Some(flag) => format!("write `--{}={}`", flag.key(), positional.text),
            None if after_terminator => {
                "remove the `--` before it, which ends the flags".to_owned()
            }
            None => format!(
                "remove `{}`, or make it a flag's value (`--flag={}`)",
                positional.text, positional.text
            ),
        };
        let mut note =
            format!("{component} accepts no arguments besides flags and exits at start-up");
        if let Some(flag) = before {
            note = format!(
                "a boolean flag never takes the next word as its value, so `--{}` is `true`; {note}",
                flag.key()
            );
        } else if after_terminator {
            note.push_str("; everything after `--` is an argument, not a flag");
        }
        findings
            .report(
                positional.location(),
                stray_message(&positional.text, before),
            )
            .component(component)
            .label("not a flag")
            .help(help)
            .note(note);
        if after_terminator {
            // One finding for everything after `--`.
            break;
        }
    }
}

fn stray_message(word: &str, before: Option<&Flag>) -> String {
    match before {
        Some(flag) => format!(
            "`{word}` is not the value of `--{}` but a separate argument",
            flag.key()
        ),
        None => format!("unexpected argument `{word}`"),
    }
}

/// The bare boolean flag written just before argv word `index`, if any.
fn bool_flag_before(flags: &FlagSet, index: usize) -> Option<&Flag> {
    flags.iter().find(|flag| {
        flag.index + 1 == index
            && flag.value.is_none()
            && flag.kind.is_some_and(|kind| kind.is_bool())
    })
}

fn check_insecure_port(inventory: &Inventory, container: &Process, findings: &mut Findings<'_>) {
    let judged = judged_version(inventory, container, Component::ApiServer);
    // Only a release known to be v1.20-v1.23 refuses the port; never judge it on a guess.
    if judged.assumed || !insecure_port_only_zero(judged.version) {
        return;
    }
    for flag in container
        .flags
        .iter()
        .filter(|f| matches!(f.key(), "insecure-port" | "port"))
    {
        let Some(value) = flag.value.as_ref() else {
            continue;
        };
        if parse_go_int(&value.text, 64).is_none_or(|port| port == 0) {
            continue;
        }
        findings
            .report(
                value.location(),
                format!(
                    "`--{}` is `{}`, but kube-apiserver {} accepts only `0`",
                    flag.key(),
                    value.text,
                    judged.version
                ),
            )
            .component(Component::ApiServer)
            .label("refused at start-up")
            .help(format!(
                "remove `--{}`: from v1.20 the insecure port is always off",
                flag.key()
            ))
            .note(format!(
                "from v1.20 to v1.23 the apiserver exits with \"only zero is allowed\"; {}",
                judged.note
            ));
    }
}

/// `ABAC` needs `--authorization-policy-file`, `Webhook` needs
/// `--authorization-webhook-config-file` (unless `--authorization-config` defines the chain).
fn check_authorization_files(api: &ApiServer<'_>, findings: &mut Findings<'_>) {
    let has_value = |flag: &str| {
        api.flags()
            .last(flag)
            .and_then(|f| f.value.as_ref())
            .is_some_and(|v| !v.text.is_empty())
    };
    // With `--authorization-config` the mode flags are a conflict (`conflicting-flags`), and
    // the apiserver does not get as far as checking their files.
    if has_value("authorization-config") {
        return;
    }
    let Some(authorization) = api.authorization() else {
        return;
    };
    if authorization.is_default() {
        return;
    }
    let Authorization::Modes(modes) = authorization.value else {
        return;
    };
    for (mode, file_flag, what) in [
        ("ABAC", "authorization-policy-file", "policy file"),
        (
            "Webhook",
            "authorization-webhook-config-file",
            "webhook kubeconfig",
        ),
    ] {
        if has_value(file_flag) {
            continue;
        }
        let Some(item) = modes.iter().find(|m| m.value == mode) else {
            continue;
        };
        findings
            .report(
                item.location(),
                format!("`{mode}` in `--authorization-mode` needs `--{file_flag}`"),
            )
            .component(Component::ApiServer)
            .label(format!("no {what} given"))
            .help(format!("add `--{file_flag}=<path>`, or remove `{mode}`"))
            .note(format!(
                "kube-apiserver exits at start-up: \"authorization-mode {mode}'s authorization {} file not passed\"",
                if mode == "ABAC" { "policy" } else { "config" }
            ));
    }
}

fn check_kubelet_config(doc: &KubeletConfigDoc, findings: &mut Findings<'_>) {
    let mut leaves: Vec<_> = doc.fields.leaves().collect();
    leaves.sort_by_key(|(_, leaf)| leaf.location.span().start);
    for (path, leaf) in leaves {
        let Some(rejection) = values::check_kubelet_config(path, &leaf.scalar) else {
            continue;
        };
        let text = leaf.scalar.value.as_ref();
        let exits = "the kubelet cannot decode or validate the file and exits at start-up";
        let (message, label, help) = match rejection {
            Rejection::Quoted { expected } if leaf.scalar.tag.is_some() => (
                format!("`{path}` is tagged as a string, not {}", article(expected)),
                "tagged, so a string".to_owned(),
                format!("remove the tag: `{}: {text}`", last_key(path)),
            ),
            Rejection::Quoted { expected } => (
                format!(
                    "`{path}` is the string `\"{text}\"`, not {}",
                    article(expected)
                ),
                "quoted, so a string".to_owned(),
                format!("remove the quotes: `{}: {text}`", last_key(path)),
            ),
            Rejection::NotBool => (
                format!("`{path}` is `{text}`, which is not a boolean"),
                "not a boolean".to_owned(),
                format!(
                    "write `{}: true` or `{}: false`",
                    last_key(path),
                    last_key(path)
                ),
            ),
            Rejection::NotInteger { bits, .. } => (
                format!("`{path}` is `{text}`, which is not a {bits}-bit integer"),
                "not an integer".to_owned(),
                "write a whole number".to_owned(),
            ),
            Rejection::OutOfRange { min, max } => (
                format!("`{path}` is `{text}`, outside the port range {min}-{max}"),
                "not a port number".to_owned(),
                format!("use a port between {min} and {max}"),
            ),
            Rejection::NotOneOf { allowed } => {
                let help = match allowed.iter().find(|m| m.eq_ignore_ascii_case(text)) {
                    Some(mode) => format!("write `{mode}`: mode names are case-sensitive"),
                    None => format!("use {}", one_of(allowed)),
                };
                (
                    format!("`{path}` is `{text}`, which the kubelet does not know"),
                    "unknown mode".to_owned(),
                    help,
                )
            }
            Rejection::Repeated { .. } => continue,
        };
        findings
            .report(leaf.location, message)
            .component(Component::Kubelet)
            .label(label)
            .help(help)
            .note(exits);
    }
}

fn article(noun: &str) -> String {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

/// `enabled` for `authentication.anonymous.enabled`.
fn last_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        Tester, apiserver, apiserver_args, apiserver_at, etcd, kubelet_config, kubelet_flags,
    };

    #[test]
    fn cases() {
        Tester::new(&InvalidFlagValue, "manifest.yaml")
            .pass([
                apiserver(&[]),
                apiserver(&[
                    "--anonymous-auth=false",
                    "--profiling=False",
                    "--secure-port=6443",
                    "--authorization-mode=Node,RBAC",
                    "--enable-admission-plugins=NodeRestriction",
                ]),
                // A bare boolean is true; `--version=raw` is accepted.
                apiserver(&["--anonymous-auth", "--version=raw"]),
                // `$(VAR)` references and template placeholders are unknown, not wrong.
                apiserver(&["--secure-port=$(PORT)", "--audit-log-maxage={AGE}"]),
                // Every placeholder style: ERB, `<name>`, a shell variable, `${}`, `__X__`, and
                // upper-case tokens where a number, a boolean or a mode list belongs.
                apiserver(&[
                    "--secure-port=<%= @port %>",
                    "--anonymous-auth=<anonymous-auth>",
                    "--profiling=$PROFILING",
                    "--audit-log-maxage=${AGE}",
                    "--audit-log-maxbackup=__BACKUPS__",
                    "--audit-log-maxsize=MAX_SIZE",
                    "--authorization-mode=AUTHZ_MODES",
                ]),
                apiserver(&["--authorization-mode=Node,Webhook", "--authorization-webhook-config-file=/etc/kubernetes/authz.yaml"]),
                apiserver(&["--authorization-config=/etc/kubernetes/authz.yaml"]),
                // The conflict is `conflicting-flags`' to report.
                apiserver(&[
                    "--authorization-config=/etc/kubernetes/authz.yaml",
                    "--authorization-mode=Node,Webhook",
                ]),
                apiserver_at("v1.22.17", &["--insecure-port=0"]),
                apiserver_at("v1.19.16", &["--insecure-port=8080"]),
                apiserver_args(&["--secure-port", "6443"]),
                kubelet_flags(&["--read-only-port=0", "--authorization-mode=Webhook", "--oom-score-adj", "-999"]),
                etcd(&["--client-cert-auth=true", "--snapshot-count=10000"]),
                kubelet_config("authentication:\n  anonymous:\n    enabled: no\nreadOnlyPort: 0\nport: ${PORT_KUBELET}\nfeatureGates:\n  KubeletInUserNamespace: true\nauthorization:\n  mode: Webhook\n"),
            ])
            .fail([
                // Bare boolean followed by a word: the word is a stray argument.
                apiserver(&["--anonymous-auth", "\"false\""]),
                apiserver_args(&["--anonymous-auth=yes"]),
                kubelet_flags(&["--read-only-port=abc"]),
                kubelet_flags(&["--port=70000"]),
                apiserver(&["--authorization-mode=Node,rbac"]),
                apiserver(&["--authorization-mode=Node,RBAC", "--authorization-mode=Node"]),
                apiserver(&["--authorization-mode=Node,Webhook"]),
                kubelet_flags(&["--authorization-mode=AlwaysDeny"]),
                apiserver_at("v1.22.17", &["--insecure-port=8080"]),
                apiserver_at("v1.22.17", &["--insecure-port", "8080"]),
                apiserver(&["--etcd-cafile", "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt"]),
                apiserver(&["--anonymous-auth=false", "--client-ca-file"]),
                apiserver(&["--v=2", "--", "--anonymous-auth=false"]),
                etcd(&["--client-cert-auth", "true", "--auto-tls=false"]),
                etcd(&["--snapshot-count=-1"]),
                kubelet_config("authentication:\n  anonymous:\n    enabled: \"false\"\nreadOnlyPort: \"10255\"\nauthorization:\n  mode: webhook\nfeatureGates:\n  Foo: 1\n"),
            ])
            .test_and_snapshot();
    }
}

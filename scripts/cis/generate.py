#!/usr/bin/env python3
"""Generates crates/rules/src/cis/controls.rs: every control of sections 1-4 of each CIS
Kubernetes Benchmark release kubeharden knows, with its id, title, assessment and concept key.

Source: the benchmark definitions of kube-bench, https://github.com/aquasecurity/kube-bench,
`cfg/cis-*/{master,etcd,controlplane,node}.yaml`, read at commit
a73ce378418c71c5861e6963753f50dec3badadf (2026-06-09). Only the id, the recommendation title
and its "(Automated)"/"(Manual)" mark are carried; nothing else of kube-bench (audits,
remediation text) is read.

Run from the repository root with a kube-bench checkout (PyYAML needed):

    git clone https://github.com/aquasecurity/kube-bench /tmp/kube-bench
    git -C /tmp/kube-bench checkout a73ce378418c71c5861e6963753f50dec3badadf
    python3 scripts/cis/generate.py /tmp/kube-bench

The concept keys are kept here by hand (`KEYS`, `MOVED`, `OLDER_ONLY`): a key names one
recommendation, whatever its id in a release. The script checks that every control of every
release gets exactly one key, that a key appears at most once per release, and that a key's
titles say the same thing in every release (`same_thing`); it prints any title it cannot
match and exits non-zero, so a new release or a renumbering is resolved here, not guessed.
"""

import re
import sys
from pathlib import Path

import yaml

KUBE_BENCH_COMMIT = "a73ce378418c71c5861e6963753f50dec3badadf"
OUTPUT = Path("crates/rules/src/cis/controls.rs")

# Releases in `Benchmark::ALL` order: (kube-bench folder, Rust constant).
BENCHMARKS = [
    ("cis-1.6", "CIS_1_6"),
    ("cis-1.20", "CIS_1_20"),
    ("cis-1.23", "CIS_1_23"),
    ("cis-1.24", "CIS_1_24"),
    ("cis-1.7", "CIS_1_7"),
    ("cis-1.8", "CIS_1_8"),
    ("cis-1.9", "CIS_1_9"),
    ("cis-1.10", "CIS_1_10"),
    ("cis-1.11", "CIS_1_11"),
    ("cis-1.12", "CIS_1_12"),
]
FILES = ["master", "etcd", "controlplane", "node"]

# The key of each cis-1.12 control, by its cis-1.12 id. A release that has the control under
# the same id needs nothing more; `MOVED` lists the other ids.
KEYS = {
    "1.1.1": "files.apiserver-manifest.permissions",
    "1.1.2": "files.apiserver-manifest.ownership",
    "1.1.3": "files.controller-manager-manifest.permissions",
    "1.1.4": "files.controller-manager-manifest.ownership",
    "1.1.5": "files.scheduler-manifest.permissions",
    "1.1.6": "files.scheduler-manifest.ownership",
    "1.1.7": "files.etcd-manifest.permissions",
    "1.1.8": "files.etcd-manifest.ownership",
    "1.1.9": "files.cni.permissions",
    "1.1.10": "files.cni.ownership",
    "1.1.11": "files.etcd-data-dir.permissions",
    "1.1.12": "files.etcd-data-dir.ownership",
    "1.1.13": "files.admin-kubeconfig.permissions",
    "1.1.14": "files.admin-kubeconfig.ownership",
    "1.1.15": "files.scheduler-kubeconfig.permissions",
    "1.1.16": "files.scheduler-kubeconfig.ownership",
    "1.1.17": "files.controller-manager-kubeconfig.permissions",
    "1.1.18": "files.controller-manager-kubeconfig.ownership",
    "1.1.19": "files.pki.ownership",
    "1.1.20": "files.pki-certificates.permissions",
    "1.1.21": "files.pki-keys.permissions",
    "1.2.1": "apiserver.anonymous-auth",
    "1.2.2": "apiserver.token-auth-file",
    "1.2.3": "apiserver.deny-service-external-ips",
    "1.2.4": "apiserver.kubelet-client-certificate",
    "1.2.5": "apiserver.kubelet-certificate-authority",
    "1.2.6": "apiserver.authorization-not-always-allow",
    "1.2.7": "apiserver.authorization-node",
    "1.2.8": "apiserver.authorization-rbac",
    "1.2.9": "apiserver.admission-event-rate-limit",
    "1.2.10": "apiserver.admission-always-admit",
    "1.2.11": "apiserver.admission-always-pull-images",
    "1.2.12": "apiserver.admission-service-account",
    "1.2.13": "apiserver.admission-namespace-lifecycle",
    "1.2.14": "apiserver.admission-node-restriction",
    "1.2.15": "apiserver.profiling",
    "1.2.16": "apiserver.audit-log-path",
    "1.2.17": "apiserver.audit-log-maxage",
    "1.2.18": "apiserver.audit-log-maxbackup",
    "1.2.19": "apiserver.audit-log-maxsize",
    "1.2.20": "apiserver.request-timeout",
    "1.2.21": "apiserver.service-account-lookup",
    "1.2.22": "apiserver.service-account-key-file",
    "1.2.23": "apiserver.etcd-client-certificate",
    "1.2.24": "apiserver.tls-certificate",
    "1.2.25": "apiserver.client-ca-file",
    "1.2.26": "apiserver.etcd-ca-file",
    "1.2.27": "apiserver.encryption-provider-config",
    "1.2.28": "apiserver.encryption-providers",
    "1.2.29": "apiserver.tls-cipher-suites",
    "1.2.30": "apiserver.service-account-extend-token-expiration",
    "1.3.1": "controller-manager.terminated-pod-gc-threshold",
    "1.3.2": "controller-manager.profiling",
    "1.3.3": "controller-manager.use-service-account-credentials",
    "1.3.4": "controller-manager.service-account-private-key-file",
    "1.3.5": "controller-manager.root-ca-file",
    "1.3.6": "controller-manager.rotate-kubelet-server-certificate",
    "1.3.7": "controller-manager.bind-address",
    "1.4.1": "scheduler.profiling",
    "1.4.2": "scheduler.bind-address",
    "2.1": "etcd.client-tls",
    "2.2": "etcd.client-cert-auth",
    "2.3": "etcd.auto-tls",
    "2.4": "etcd.peer-tls",
    "2.5": "etcd.peer-client-cert-auth",
    "2.6": "etcd.peer-auto-tls",
    "2.7": "etcd.unique-ca",
    "3.1.1": "authentication.user-client-certificates",
    "3.1.2": "authentication.user-service-account-tokens",
    "3.1.3": "authentication.user-bootstrap-tokens",
    "3.2.1": "audit.minimal-policy",
    "3.2.2": "audit.policy-coverage",
    "4.1.1": "files.kubelet-service.permissions",
    "4.1.2": "files.kubelet-service.ownership",
    "4.1.3": "files.proxy-kubeconfig.permissions",
    "4.1.4": "files.proxy-kubeconfig.ownership",
    "4.1.5": "files.kubelet-kubeconfig.permissions",
    "4.1.6": "files.kubelet-kubeconfig.ownership",
    "4.1.7": "files.kubelet-client-ca.permissions",
    "4.1.8": "files.kubelet-client-ca.ownership",
    "4.1.9": "files.kubelet-config.permissions",
    "4.1.10": "files.kubelet-config.ownership",
    "4.2.1": "kubelet.anonymous-auth",
    "4.2.2": "kubelet.authorization-not-always-allow",
    "4.2.3": "kubelet.client-ca-file",
    "4.2.4": "kubelet.read-only-port",
    "4.2.5": "kubelet.streaming-connection-idle-timeout",
    "4.2.6": "kubelet.make-iptables-util-chains",
    "4.2.7": "kubelet.hostname-override",
    "4.2.8": "kubelet.event-qps",
    "4.2.9": "kubelet.tls-certificate",
    "4.2.10": "kubelet.rotate-certificates",
    "4.2.11": "kubelet.rotate-server-certificates",
    "4.2.12": "kubelet.tls-cipher-suites",
    "4.2.13": "kubelet.pod-pids-limit",
    "4.2.14": "kubelet.seccomp-default",
    "4.3.1": "kube-proxy.metrics-bind-address",
}

# Renumbered controls: cis-1.12 id -> its id in the older releases, in `BENCHMARKS` order up to
# cis-1.11 ("-" = not in that release). From the renumbering table of the CIS coverage survey,
# checked against the titles by `same_thing` below.
MOVED_TABLE = """
1.2.2   1.2.3  1.2.2  1.2.2  1.2.2  1.2.2  1.2.2  1.2.2  1.2.2  1.2.2
1.2.3   -      -      -      -      1.2.3  1.2.3  1.2.3  1.2.3  1.2.3
1.2.4   1.2.5  1.2.4  1.2.5  1.2.4  1.2.4  1.2.4  1.2.4  1.2.4  1.2.4
1.2.5   1.2.6  1.2.5  1.2.6  1.2.5  1.2.5  1.2.5  1.2.5  1.2.5  1.2.5
1.2.6   1.2.7  1.2.6  1.2.7  1.2.6  1.2.6  1.2.6  1.2.6  1.2.6  1.2.6
1.2.7   1.2.8  1.2.7  1.2.8  1.2.7  1.2.7  1.2.7  1.2.7  1.2.7  1.2.7
1.2.8   1.2.9  1.2.8  1.2.9  1.2.8  1.2.8  1.2.8  1.2.8  1.2.8  1.2.8
1.2.9   1.2.10 1.2.9  1.2.10 1.2.9  1.2.9  1.2.9  1.2.9  1.2.9  1.2.9
1.2.10  1.2.11 1.2.10 1.2.11 1.2.10 1.2.10 1.2.10 1.2.10 1.2.10 1.2.10
1.2.11  1.2.12 1.2.11 1.2.12 1.2.11 1.2.11 1.2.11 1.2.11 1.2.11 1.2.11
1.2.12  1.2.14 1.2.13 1.2.14 1.2.13 1.2.13 1.2.13 1.2.12 1.2.12 1.2.12
1.2.13  1.2.15 1.2.14 1.2.15 1.2.14 1.2.14 1.2.14 1.2.13 1.2.13 1.2.13
1.2.14  1.2.17 1.2.16 1.2.16 1.2.15 1.2.15 1.2.15 1.2.14 1.2.14 1.2.14
1.2.15  1.2.21 1.2.20 1.2.18 1.2.17 1.2.17 1.2.16 1.2.15 1.2.15 1.2.15
1.2.16  1.2.22 1.2.21 1.2.19 1.2.18 1.2.18 1.2.17 1.2.16 1.2.16 1.2.16
1.2.17  1.2.23 1.2.22 1.2.20 1.2.19 1.2.19 1.2.18 1.2.17 1.2.17 1.2.17
1.2.18  1.2.24 1.2.23 1.2.21 1.2.20 1.2.20 1.2.19 1.2.18 1.2.18 1.2.18
1.2.19  1.2.25 1.2.24 1.2.22 1.2.21 1.2.21 1.2.20 1.2.19 1.2.19 1.2.19
1.2.20  1.2.26 1.2.25 1.2.23 1.2.22 1.2.22 1.2.21 1.2.20 1.2.20 1.2.20
1.2.21  1.2.27 1.2.26 1.2.24 1.2.23 1.2.23 1.2.22 1.2.21 1.2.21 1.2.21
1.2.22  1.2.28 1.2.27 1.2.25 1.2.24 1.2.24 1.2.23 1.2.22 1.2.22 1.2.22
1.2.23  1.2.29 1.2.28 1.2.26 1.2.25 1.2.25 1.2.24 1.2.23 1.2.23 1.2.23
1.2.24  1.2.30 1.2.29 1.2.27 1.2.26 1.2.26 1.2.25 1.2.24 1.2.24 1.2.24
1.2.25  1.2.31 1.2.30 1.2.28 1.2.27 1.2.27 1.2.26 1.2.25 1.2.25 1.2.25
1.2.26  1.2.32 1.2.31 1.2.29 1.2.28 1.2.28 1.2.27 1.2.26 1.2.26 1.2.26
1.2.27  1.2.33 1.2.32 1.2.30 1.2.29 1.2.29 1.2.28 1.2.27 1.2.27 1.2.27
1.2.28  1.2.34 1.2.33 1.2.31 1.2.30 1.2.30 1.2.29 1.2.28 1.2.28 1.2.28
1.2.29  1.2.35 1.2.34 1.2.32 1.2.31 1.2.31 1.2.30 1.2.29 1.2.29 1.2.29
1.2.30  -      -      -      -      -      -      -      -      1.2.30
3.1.2   -      -      -      -      3.1.2  3.1.2  3.1.2  3.1.2  3.1.2
3.1.3   -      -      -      -      3.1.3  3.1.3  3.1.3  3.1.3  3.1.3
4.2.6   4.2.7  4.2.7  4.2.7  4.2.7  4.2.6  4.2.6  4.2.6  4.2.6  4.2.6
4.2.7   4.2.8  4.2.8  4.2.8  4.2.8  4.2.7  4.2.7  4.2.7  4.2.7  4.2.7
4.2.8   4.2.9  4.2.9  4.2.9  4.2.9  4.2.8  4.2.8  4.2.8  4.2.8  4.2.8
4.2.9   4.2.10 4.2.10 4.2.10 4.2.10 4.2.9  4.2.9  4.2.9  4.2.9  4.2.9
4.2.10  4.2.11 4.2.11 4.2.11 4.2.11 4.2.10 4.2.10 4.2.10 4.2.10 4.2.10
4.2.11  4.2.12 4.2.12 4.2.12 4.2.12 4.2.11 4.2.11 4.2.11 4.2.11 4.2.11
4.2.12  4.2.13 4.2.13 4.2.13 4.2.13 4.2.12 4.2.12 4.2.12 4.2.12 4.2.12
4.2.13  -      -      -      -      4.2.13 4.2.13 4.2.13 4.2.13 4.2.13
4.2.14  -      -      -      -      -      -      -      -      4.2.14
4.3.1   -      -      -      -      -      -      4.3.1  4.3.1  4.3.1
"""

# Recommendations only older releases have: key -> {release: id}.
OLDER_ONLY = {
    "apiserver.basic-auth-file": {"cis-1.6": "1.2.2"},
    "apiserver.kubelet-https": {"cis-1.6": "1.2.4", "cis-1.20": "1.2.3", "cis-1.23": "1.2.4"},
    # cis-1.23 and cis-1.24 ask for the opposite of what cis-1.7 and later ask ("is not set"),
    # so it is a recommendation of its own, not `apiserver.deny-service-external-ips`.
    "apiserver.deny-service-external-ips-not-set": {"cis-1.23": "1.2.3", "cis-1.24": "1.2.3"},
    "apiserver.admission-security-context-deny": {
        "cis-1.6": "1.2.13",
        "cis-1.20": "1.2.12",
        "cis-1.23": "1.2.13",
        "cis-1.24": "1.2.12",
        "cis-1.7": "1.2.12",
        "cis-1.8": "1.2.12",
    },
    "apiserver.admission-pod-security-policy": {"cis-1.6": "1.2.16", "cis-1.20": "1.2.15"},
    "apiserver.insecure-bind-address": {"cis-1.6": "1.2.18", "cis-1.20": "1.2.17"},
    "apiserver.insecure-port": {"cis-1.6": "1.2.19", "cis-1.20": "1.2.18"},
    "apiserver.secure-port": {
        "cis-1.6": "1.2.20",
        "cis-1.20": "1.2.19",
        "cis-1.23": "1.2.17",
        "cis-1.24": "1.2.16",
        "cis-1.7": "1.2.16",
    },
    "kubelet.protect-kernel-defaults": {
        "cis-1.6": "4.2.6",
        "cis-1.20": "4.2.6",
        "cis-1.23": "4.2.6",
        "cis-1.24": "4.2.6",
    },
    "kubelet.ip-address-deny": {"cis-1.11": "4.2.15"},
}

# Title changes between releases that still name the same recommendation, as (normalised
# title, normalised title) pairs, with why they are the same.
SAME_RECOMMENDATION = {
    # The admin kubeconfig got a generic name when kubeadm added super-admin.conf (cis-1.9).
    frozenset({
        "ensure that the admin.conf file permissions are set to N or more restrictive",
        "ensure that the default administrative credential file permissions are set to N",
    }),
    frozenset({
        "ensure that the admin.conf file ownership is set to root:root",
        "ensure that the default administrative credential file ownership is set to root:root",
    }),
    # cis-1.6 words the proxy kubeconfig ownership check without "if exists".
    frozenset({
        "ensure that the proxy kubeconfig file ownership is set to root:root",
        "if proxy kubeconfig file exists ensure ownership is set to root:root",
    }),
    # The kubelet config file: "--config configuration file" became "config.yaml".
    frozenset({
        "ensure that the kubelet --config configuration file has permissions set to N or more restrictive",
        "if the kubelet config.yaml configuration file is being used validate permissions set to N or more restrictive",
    }),
    frozenset({
        "ensure that the kubelet --config configuration file ownership is set to root:root",
        "if the kubelet config.yaml configuration file is being used validate file ownership is set to root:root",
    }),
    # The flag became its config field, and "0 or" was dropped (0 means no limit).
    frozenset({
        "ensure that the --event-qps argument is set to 0 or a level which ensures appropriate event capture",
        "ensure that the eventrecordqps argument is set to a level which ensures appropriate event capture",
    }),
}


def normalise(title):
    """A title with the differences that do not change the recommendation removed: case, the
    "Ensure"/"Verify" verb, "if defined", flag dashes, and the file-mode threshold (a
    parameter of the recommendation, not its subject)."""
    text = title.lower()
    text = re.sub(r"^verify that", "ensure that", text)
    text = text.replace("if defined, ", "")
    text = text.replace("the anonymous-auth", "the --anonymous-auth")
    text = re.sub(r"\b(644|600)\b", "N", text)
    return text.strip()


def same_thing(a, b):
    na, nb = normalise(a), normalise(b)
    return na == nb or frozenset({na, nb}) in SAME_RECOMMENDATION


def split_title(text, where):
    match = re.fullmatch(r"(.*?)\s*\((Automated|Manual)\)\s*", text, re.S)
    if not match:
        sys.exit(f"{where}: no (Automated)/(Manual) mark in {text!r}")
    title = " ".join(match.group(1).split())
    # cis-1.7 runs a note into one title ("... set to 0 - NoteThis recommendation is
    # obsolete ..."): the recommendation is what comes before it.
    title = re.sub(r" - Note\s*This recommendation .*$", "", title)
    return title, match.group(2)


def read_controls(kube_bench, release):
    controls = []
    for name in FILES:
        path = kube_bench / "cfg" / release / f"{name}.yaml"
        document = yaml.safe_load(path.read_text())
        for group in document["groups"]:
            for check in group.get("checks") or []:
                title, assessment = split_title(check["text"], f"{path}: {check['id']}")
                controls.append((str(check["id"]), title, assessment))
    return controls


def key_table():
    """(release, id) -> key, from `KEYS`, `MOVED_TABLE` and `OLDER_ONLY`."""
    releases = [release for release, _ in BENCHMARKS]
    moved = {}
    for line in MOVED_TABLE.strip().splitlines():
        newest, *older = line.split()
        if len(older) != len(releases) - 1:
            sys.exit(f"MOVED_TABLE row {newest}: {len(older)} columns")
        moved[newest] = dict(zip(releases[:-1], older))
    table = {}
    for release in releases:
        for newest_id, key in KEYS.items():
            old_id = moved.get(newest_id, {}).get(release, newest_id)
            if old_id != "-":
                table[(release, old_id)] = key
    for key, ids in OLDER_ONLY.items():
        for release, old_id in ids.items():
            table[(release, old_id)] = key
    return table


def rust_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    kube_bench = Path(sys.argv[1])
    table = key_table()
    problems = []
    by_key = {}
    generated = {}
    for release, constant in BENCHMARKS:
        controls = read_controls(kube_bench, release)
        seen_keys = set()
        rows = []
        for control_id, title, assessment in controls:
            key = table.pop((release, control_id), None)
            if key is None:
                problems.append(f"{release} {control_id}: no key ({title})")
                continue
            if key in seen_keys:
                problems.append(f"{release}: key {key} used twice")
            seen_keys.add(key)
            by_key.setdefault(key, []).append((release, control_id, title))
            rows.append((control_id, title, assessment, key))
        generated[constant] = rows
    problems += [f"{release} {control_id}: mapped to {key} but not in kube-bench"
                 for (release, control_id), key in table.items()]
    for key, titles in by_key.items():
        newest = titles[-1]
        for release, control_id, title in titles[:-1]:
            if not same_thing(title, newest[2]):
                problems.append(f"{key}: {release} {control_id} {title!r} vs "
                                f"{newest[0]} {newest[1]} {newest[2]!r}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    OUTPUT.write_text(render(generated))
    print(f"wrote {OUTPUT}: {sum(len(rows) for rows in generated.values())} controls, "
          f"{len(by_key)} keys")


def render(generated):
    lines = [
        "// Generated by scripts/cis/generate.py from kube-bench",
        f"// {KUBE_BENCH_COMMIT}: do not edit.",
        "",
        "//! The controls of sections 1-4 of each benchmark release, in benchmark order, one",
        "//! a line (`cis/mod.rs` keeps rustfmt out of this file).",
        "",
        "use super::Assessment::{Automated, Manual};",
        "use super::Control;",
    ]
    for constant, rows in generated.items():
        lines += ["", f"pub(super) static {constant}: [Control; {len(rows)}] = ["]
        for control_id, title, assessment, key in rows:
            lines.append(
                f"    Control {{ id: {rust_string(control_id)}, title: {rust_string(title)}, "
                f"assessment: {assessment}, key: {rust_string(key)} }},"
            )
        lines.append("];")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

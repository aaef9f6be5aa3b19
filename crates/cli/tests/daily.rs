//! `kubeharden check` in daily use: every output format on one fixture, rule selection, the
//! config file, inline suppressions, discovery and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{command, data, kubeharden, repo, stderr, stdout, tree};

use std::path::Path;
use std::process::Output;

/// `formats/kube-apiserver.yaml`: an insecure port (error), an unused suppression (warning,
/// with a fix), and a line with non-ASCII text, in every format.
fn format(name: &str) -> Output {
    kubeharden(&data(), &["check", "--format", name, "formats"])
}

#[test]
fn format_human() {
    let output = format("human");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn format_json() {
    let output = format("json");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn format_compact() {
    let output = format("compact");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn format_github() {
    let output = format("github");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn format_junit() {
    let output = format("junit");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn format_gitlab() {
    let output = format("gitlab");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

fn sarif_without_machine_paths(text: &str) -> serde_json::Value {
    let mut sarif: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let base = &mut sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    assert!(base.as_str().unwrap().starts_with("file:///"), "{base}");
    *base = "file:///[cwd]/".into();
    // Every rule's documentation is in the catalog snapshots already.
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap()
    {
        let help = rule["help"]["markdown"].as_str().unwrap();
        assert!(help.contains("## What it does"), "{help}");
        rule["help"] = "[rule documentation]".into();
    }
    sarif
}

#[test]
fn format_sarif() {
    let output = format("sarif");
    assert_eq!(output.status.code(), Some(1));
    let sarif = sarif_without_machine_paths(&stdout(&output));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), kubeharden_rules::registry::metas().count());
    insta::assert_json_snapshot!(sarif);
}

#[test]
fn sarif_columns_count_code_points() {
    let dir = tree(&[(
        "api.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.18.20\n    command: [kube-apiserver, \"--authorization-mode=Node,RBAC\", --enable-admission-plugins=NodeRestriction, --audit-log-path=/var/log/äüdït.log, \"--insecure-port=8080\"]\n",
    )]);
    let output = kubeharden(
        dir.path(),
        &[
            "check", "--format", "sarif", "--select", "KAPI001", "api.yaml",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    let line = "    command: [kube-apiserver, \"--authorization-mode=Node,RBAC\", --enable-admission-plugins=NodeRestriction, --audit-log-path=/var/log/äüdït.log, \"";
    assert_eq!(region["startColumn"], line.chars().count() + 1, "{region}");
    assert_eq!(
        region["endColumn"],
        line.chars().count() + 1 + "--insecure-port=8080".len(),
        "{region}"
    );
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": "api.yaml", "uriBaseId": "%SRCROOT%"})
    );
}

#[test]
fn statistics() {
    let output = kubeharden(&repo(), &["check", "--statistics", "fixtures/legacy-v1.18"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
    let json = kubeharden(
        &repo(),
        &[
            "check",
            "--statistics",
            "--format",
            "json",
            "fixtures/legacy-v1.18",
        ],
    );
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(rows[0]["code"], "KETC010");
    assert_eq!(rows[0]["count"], 5);
}

#[test]
fn select_a_prefix() {
    let output = kubeharden(
        &repo(),
        &[
            "check",
            "--format",
            "compact",
            "--select",
            "KETC",
            "fixtures/legacy-v1.18",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.lines().all(|l| l.contains(": KETC")), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn ignore_by_name() {
    let args = ["check", "--format", "compact", "fixtures/legacy-v1.18"];
    let all = stdout(&kubeharden(&repo(), &args));
    let output = kubeharden(
        &repo(),
        &[&args[..], &["--ignore", "kubelet-read-only-port-enabled"]].concat(),
    );
    let text = stdout(&output);
    assert!(all.contains("KLET005"));
    assert!(!text.contains("KLET005"), "{text}");
    assert_eq!(all.lines().count(), text.lines().count() + 1);
    insta::assert_snapshot!(text);
}

#[test]
fn selection_lists_and_precedence() {
    let dir = tree(&[(".kubeharden.yaml", "ignore: [KETC]\n")]);
    let legacy = repo().join("fixtures/legacy-v1.18");
    let legacy = legacy.to_str().unwrap();
    let codes = |args: &[&str]| {
        let output = kubeharden(
            dir.path(),
            &[&["check", "--format", "compact"], args, &[legacy]].concat(),
        );
        let mut codes: Vec<String> = stdout(&output)
            .lines()
            .map(|l| {
                l.split(": ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        codes.dedup();
        codes
    };
    // The config file's ignore applies...
    assert!(!codes(&[]).iter().any(|c| c.starts_with("KETC")));
    // ...until --select replaces the config file's selection.
    assert!(codes(&["--select", "KETC00,KAPI001"]).contains(&"KAPI001".to_owned()));
    assert!(codes(&["--select", "KETC00,KAPI001"]).contains(&"KETC001".to_owned()));
    assert!(!codes(&["--select", "KETC00,KAPI001"]).contains(&"KETC010".to_owned()));
    // --ignore adds to it; ignore beats select.
    assert_eq!(
        codes(&[
            "--select",
            "KAPI00",
            "--ignore",
            "KAPI002,KAPI004,KAPI007,KAPI008"
        ]),
        ["KAPI001"]
    );
    // A prefix selects the opt-in rules it covers too.
    assert!(codes(&["--select", "KAPI"]).contains(&"KAPI008".to_owned()));
    assert!(!codes(&[]).contains(&"KAPI008".to_owned()));
    // --no-config forgets it.
    assert!(
        codes(&["--no-config"])
            .iter()
            .any(|c| c.starts_with("KETC"))
    );
}

#[test]
fn config_file_with_per_path_ignores() {
    let manifest =
        std::fs::read_to_string(repo().join("fixtures/legacy-v1.18/kube-apiserver.yaml")).unwrap();
    let config = "\
# Found above the files linted.
select: [KAPI]
per-file-ignores:
  \"legacy/**\": [KAPI001, insecure-bind-address-set]
  kube-apiserver.yaml: [apiserver-authorization-always-allow]
exclude: [vendor]
severity:
  KAPI002: warning
";
    let dir = tree(&[
        (".kubeharden.yaml", config),
        ("legacy/kube-apiserver.yaml", &manifest),
        ("current/kube-apiserver.yaml", &manifest),
        ("current/api.yaml", &manifest),
        ("vendor/kube-apiserver.yaml", &manifest),
    ]);
    std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
    let output = kubeharden(
        &dir.path().join("sub/deeper"),
        &["check", "--format", "compact", "../.."],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
    // --config FILE names another one; --exclude adds to its excludes.
    let dir2 = tree(&[("settings.yaml", "select: [KAPI001]\n")]);
    let other = dir2.path().join("settings.yaml");
    let output = kubeharden(
        dir.path(),
        &[
            "check",
            "--format",
            "compact",
            "--config",
            other.to_str().unwrap(),
            "--exclude",
            "legacy",
            ".",
        ],
    );
    insta::assert_snapshot!("config_flag", stdout(&output));
}

#[test]
fn config_file_errors_point_into_the_file() {
    let cases = [
        (
            "unknown_key",
            "select: [KAPI]\nper-file-ignore:\n  \"*.yaml\": [KAPI001]\n",
        ),
        (
            "unknown_rule",
            "select:\n- KAPI\n- kubelet-read-only-prot-enabled\n",
        ),
        ("bad_severity", "severity:\n  KAPI003: fatal\n"),
        ("bad_glob", "exclude: [\"a/[b\"]\n"),
        ("not_yaml", "select: [KAPI\n"),
    ];
    for (name, config) in cases {
        let dir = tree(&[(".kubeharden.yaml", config), ("a.yaml", "a: 1\n")]);
        let output = kubeharden(dir.path(), &["check", "a.yaml"]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert_eq!(stdout(&output), "", "{name}");
        let text = stderr(&output).replace(dir.path().to_str().unwrap(), "[dir]");
        insta::assert_snapshot!(format!("config_error_{name}"), text);
    }
}

#[test]
fn suppressions_in_every_form() {
    let apiserver = std::fs::read_to_string(data().join("formats/kube-apiserver.yaml")).unwrap();
    let trailing = apiserver.replace(
        "    - --insecure-port=8080\n",
        "    - --insecure-port=8080  # kubeharden: ignore[KAPI001]\n",
    );
    let above = apiserver.replace(
        "    - --insecure-port=8080\n",
        "    # kubeharden: ignore[insecure-port-enabled]\n    # (a reason, on a comment line of its own)\n    - --insecure-port=8080\n",
    );
    let file = format!("# kubeharden: ignore-file[kapi001]\n{apiserver}");
    let in_a_string = apiserver.replace(
        "    - --insecure-port=8080\n",
        "    - \"--insecure-port=8080\" # \"quoted\" # kubeharden: ignore[KAPI001]\n    - \"--v=2 # kubeharden: ignore[KAPI001]\"\n",
    );
    // A node: the unit reads the env file; units and env files have whole-line comments.
    let unit = "[Service]\nEnvironmentFile=-/etc/default/kubelet\n# kubeharden: ignore[kubelet-anonymous-auth-enabled]\nExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS --anonymous-auth=true --authorization-mode=Webhook --client-ca-file=/etc/kubernetes/pki/ca.crt\n";
    let env = "# kubeharden: ignore-file[KLET005]\nKUBELET_EXTRA_ARGS=--read-only-port=10255\n";
    let dir = tree(&[
        ("trailing/api.yaml", trailing.as_str()),
        ("above/api.yaml", above.as_str()),
        ("file/api.yaml", file.as_str()),
        ("string/api.yaml", in_a_string.as_str()),
        ("node/etc/systemd/system/kubelet.service", unit),
        ("node/etc/default/kubelet", env),
        (
            "bare/etc/systemd/system/kubelet.service",
            unit.replace("# kubeharden", "# not").as_str(),
        ),
        (
            "bare/etc/default/kubelet",
            env.replace("# kubeharden", "# not").as_str(),
        ),
    ]);
    let output = kubeharden(
        dir.path(),
        &[
            "check", "--format", "compact", "trailing", "above", "file", "string",
        ],
    );
    insta::assert_snapshot!(stdout(&output));
    let bare = kubeharden(
        dir.path(),
        &["check", "--format", "compact", "--root", "bare"],
    );
    insta::assert_snapshot!("suppressions_on_a_node_without_them", stdout(&bare));
    let node = kubeharden(
        dir.path(),
        &["check", "--format", "compact", "--root", "node"],
    );
    assert_eq!(node.status.code(), Some(0), "{}", stdout(&node));
    assert_eq!(stdout(&node), "");
}

#[test]
fn exit_codes() {
    let clean = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n";
    let dir = tree(&[("clean.yaml", clean), ("a/.kubeharden.yaml", "selct: []\n")]);
    let legacy = repo().join("fixtures/legacy-v1.18");
    let legacy = legacy.to_str().unwrap();
    let node = repo().join("fixtures/nodes/kubeadm-v1.30");
    let node = node.to_str().unwrap();
    let code = |dir: &Path, args: &[&str]| kubeharden(dir, args).status.code();
    let root = dir.path();
    let cases: Vec<(&str, Option<i32>)> = vec![
        ("clean", code(root, &["check", "clean.yaml"])),
        ("errors", code(root, &["check", legacy])),
        ("only a warning", code(root, &["check", "--root", node])),
        (
            "a warning, --fail-on error",
            code(root, &["check", "--fail-on", "error", "--root", node]),
        ),
        (
            "errors, --exit-zero",
            code(root, &["check", "--exit-zero", legacy]),
        ),
        (
            "errors, all ignored",
            code(root, &["check", "--ignore", "K", legacy]),
        ),
        (
            "unknown rule",
            code(root, &["check", "--select", "KAPI999", "clean.yaml"]),
        ),
        (
            "unknown format",
            code(root, &["check", "--format", "xml", "clean.yaml"]),
        ),
        (
            "bad config file",
            code(&root.join("a"), &["check", "../clean.yaml"]),
        ),
        (
            "--no-config skips it",
            code(&root.join("a"), &["check", "--no-config", "../clean.yaml"]),
        ),
        (
            "missing --config",
            code(root, &["check", "--config", "nope.yaml", "clean.yaml"]),
        ),
        (
            "unreadable path",
            code(root, &["check", "clean.yaml", "missing.yaml"]),
        ),
        (
            "stdin mixed with paths",
            code(root, &["check", "-", "clean.yaml"]),
        ),
    ];
    let table: String = cases
        .iter()
        .map(|(name, code)| format!("{code:?}  {name}\n"))
        .collect();
    insta::assert_snapshot!(table);
}

#[test]
fn quiet_prints_findings_only() {
    let clean = tree(&[("clean.yaml", "a: 1\n")]);
    let output = kubeharden(clean.path(), &["check", "-q", "clean.yaml"]);
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (Some(0), String::new())
    );
    let output = kubeharden(&data(), &["check", "--quiet", "formats"]);
    let text = stdout(&output);
    assert!(text.contains("KAPI001"), "{text}");
    assert!(!text.contains("Found "), "{text}");
}

#[test]
fn color_follows_the_flag_then_no_color_then_clicolor_force() {
    let has_color = |envs: &[(&str, &str)], args: &[&str]| {
        let mut command = command(&data(), &[&["check", "formats"], args].concat());
        command.env_remove("NO_COLOR");
        for (key, value) in envs {
            command.env(key, value);
        }
        stdout(&command.output().unwrap()).contains('\u{1b}')
    };
    assert!(!has_color(&[], &[]), "not a terminal");
    assert!(has_color(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!has_color(
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        &[]
    ));
    assert!(has_color(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!has_color(
        &[("CLICOLOR_FORCE", "1")],
        &["--color", "never"]
    ));
}

#[test]
fn stdin_with_a_name() {
    let manifest = std::fs::read(data().join("formats/kube-apiserver.yaml")).unwrap();
    let output = command(
        &data(),
        &[
            "check",
            "--format",
            "compact",
            "-",
            "--stdin-filename",
            "manifests/kube-apiserver.yaml",
        ],
    )
    .write_stdin(manifest.clone())
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
    // The name decides the kind: the same text named as a unit is not YAML to this tool.
    let unit = command(
        &data(),
        &[
            "check",
            "--format",
            "compact",
            "-",
            "--stdin-filename",
            "kubelet.service",
        ],
    )
    .write_stdin(manifest)
    .output()
    .unwrap();
    assert_eq!(unit.status.code(), Some(0), "{}", stdout(&unit));
    let unnamed = command(&data(), &["check", "--format", "compact", "-"])
        .write_stdin("a: [\n")
        .output()
        .unwrap();
    assert!(
        stdout(&unnamed).starts_with("<stdin>:1:4: KGEN001"),
        "{}",
        stdout(&unnamed)
    );
}

#[test]
fn exclude_globs_and_hidden_directories() {
    let broken = "a: [\n";
    let dir = tree(&[
        ("keep/a.yaml", broken),
        ("vendor/b.yaml", broken),
        ("deep/generated/c.yaml", broken),
        ("d.gen.yaml", broken),
        (".hidden/e.yaml", broken),
    ]);
    let output = kubeharden(
        dir.path(),
        &[
            "check",
            "--format",
            "compact",
            "--exclude",
            "vendor",
            "--exclude",
            "**/generated",
            "--exclude",
            "*.gen.yaml",
            ".",
        ],
    );
    assert_eq!(
        stdout(&output),
        "./keep/a.yaml:1:4: KGEN001 [error] invalid YAML: while parsing a node, did not find expected node content\n"
    );
    // A hidden directory is linted when named.
    let output = kubeharden(dir.path(), &["check", "--format", "compact", ".hidden"]);
    assert!(
        stdout(&output).starts_with(".hidden/e.yaml"),
        "{}",
        stdout(&output)
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_only_with_follow_links_and_loops_do_not_hang() {
    let broken = "a: [\n";
    let outside = tree(&[("outside.yaml", broken)]);
    let dir = tree(&[("real/a.yaml", broken)]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("real/link")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("real/loop")).unwrap();
    let output = kubeharden(dir.path(), &["check", "--format", "compact", "real"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    let output = kubeharden(
        dir.path(),
        &["check", "--format", "compact", "--follow-links", "real"],
    );
    let text = stdout(&output);
    assert!(text.contains("real/link/outside.yaml"), "{text}");
    // The loop is reported as a path that could not be read, not followed forever.
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("real/loop"), "{}", stderr(&output));
}

#[test]
fn the_documented_daemonset_is_the_fixture_and_lints_clean() {
    let docs =
        std::fs::read_to_string(repo().join("docs/examples/kubeharden-daemonset.yaml")).unwrap();
    let fixture =
        std::fs::read_to_string(repo().join("fixtures/integrations/kubeharden-daemonset.yaml"))
            .unwrap();
    assert_eq!(
        docs, fixture,
        "copy docs/examples/kubeharden-daemonset.yaml to fixtures/integrations/"
    );
    let output = kubeharden(
        &repo(),
        &["check", "docs/examples/kubeharden-daemonset.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn pre_commit_hook_definition() {
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("id: kubeharden\n"), "{hooks}");
    assert!(hooks.contains("language: rust\n"), "{hooks}");
    assert!(hooks.contains("require_serial: true\n"), "{hooks}");
}

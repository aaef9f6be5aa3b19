//! Which `.kubeharden.yaml` judges which file: the closest one in or above each file's
//! directory, wherever kubeharden is run from; `--config` and `--no-config` over discovery.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::Path;
use std::process::Output;

/// A kubelet config with three findings: KLET005 (line 3), KLET007 (line 4), KLET001 (line 6).
const KUBELET: &str = "\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 10255
authentication:
  anonymous:
    enabled: true
";

const LAB_ALL: &str = "\
../repo/lab/kubelet.yaml:3:15: KLET005 [error] `readOnlyPort` is `10255`
../repo/lab/kubelet.yaml:4:1: KLET007 [error] `authentication.x509.clientCAFile` not set; the kubelet has no default client CA
../repo/lab/kubelet.yaml:6:14: KLET001 [error] `authentication.anonymous.enabled` is `true`
";

const PROD_ALL: &str = "\
../repo/prod/kubelet.yaml:3:15: KLET005 [error] `readOnlyPort` is `10255`
../repo/prod/kubelet.yaml:4:1: KLET007 [error] `authentication.x509.clientCAFile` not set; the kubelet has no default client CA
../repo/prod/kubelet.yaml:6:14: KLET001 [error] `authentication.anonymous.enabled` is `true`
";

/// `repo/{lab,prod}/kubelet.yaml`, the given config files, and an empty `elsewhere/` to run
/// from.
fn tree(configs: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        ("repo/lab/kubelet.yaml", KUBELET),
        ("repo/prod/kubelet.yaml", KUBELET),
    ];
    for (name, text) in files.iter().chain(configs) {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    dir
}

fn kubeharden(dir: &Path, args: &[&str], stdin: &str) -> Output {
    common::command(dir, args)
        .write_stdin(stdin)
        .output()
        .expect("runs")
}

/// `kubeharden check --format compact ARGS...` run from `elsewhere/`: exit code, stdout,
/// stderr (the temp dir's path as `[dir]`).
fn check(dir: &tempfile::TempDir, args: &[&str]) -> (Option<i32>, String, String) {
    check_stdin(dir, args, "")
}

fn check_stdin(
    dir: &tempfile::TempDir,
    args: &[&str],
    stdin: &str,
) -> (Option<i32>, String, String) {
    let args = [&["check", "--format", "compact"], args].concat();
    let output = kubeharden(&dir.path().join("elsewhere"), &args, stdin);
    let text = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .replace(dir.path().to_str().unwrap(), "[dir]")
    };
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

fn without(lines: &str, code: &str) -> String {
    lines
        .lines()
        .filter(|l| !l.contains(code))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_config_above_the_files_applies_when_run_from_elsewhere() {
    let dir = tree(&[(
        "repo/.kubeharden.yaml",
        "ignore: [KLET005]\nseverity:\n  KLET007: warning\n",
    )]);
    let (code, out, err) = check(&dir, &["../repo/lab"]);
    assert_eq!(
        out,
        "../repo/lab/kubelet.yaml:4:1: KLET007 [warning] `authentication.x509.clientCAFile` not set; the kubelet has no default client CA\n\
         ../repo/lab/kubelet.yaml:6:14: KLET001 [error] `authentication.anonymous.enabled` is `true`\n"
    );
    assert_eq!((code, err.as_str()), (Some(1), ""));
    // A single file, too.
    let (_, out, _) = check(&dir, &["../repo/prod/kubelet.yaml"]);
    assert!(!out.contains("KLET005"), "{out}");
}

#[test]
fn a_nested_config_governs_its_subtree_and_the_outer_one_the_rest() {
    let dir = tree(&[
        ("repo/.kubeharden.yaml", "ignore: [KLET005]\n"),
        // The other name: one per directory, either name.
        ("repo/lab/.kubeharden.yml", "select: [KLET001]\n"),
    ]);
    let (code, out, err) = check(&dir, &["../repo"]);
    let lab_only_klet001 = "../repo/lab/kubelet.yaml:6:14: KLET001 [error] `authentication.anonymous.enabled` is `true`\n";
    assert_eq!(
        out,
        format!("{lab_only_klet001}{}", without(PROD_ALL, "KLET005"))
    );
    assert_eq!((code, err.as_str()), (Some(1), ""));
    // Files named one by one, in any order, are judged the same way.
    let (_, out, _) = check(
        &dir,
        &["../repo/prod/kubelet.yaml", "../repo/lab/kubelet.yaml"],
    );
    assert_eq!(
        out,
        format!("{lab_only_klet001}{}", without(PROD_ALL, "KLET005"))
    );
}

#[test]
fn an_ignore_in_a_subdirectory_config_silences_only_that_subtree() {
    let dir = tree(&[
        ("repo/lab/.kubeharden.yaml", "ignore: [KLET005]\n"),
        (
            "repo/prod/.kubeharden.yaml",
            "per-file-ignores:\n  \"kubelet.yaml\": [KLET001]\nexclude: [old]\n",
        ),
        ("repo/prod/old/kubelet.yaml", KUBELET),
        ("repo/lab/old/kubelet.yaml", KUBELET),
    ]);
    let (code, out, _) = check(&dir, &["../repo"]);
    let lab_old = LAB_ALL.replace("lab/kubelet", "lab/old/kubelet");
    assert_eq!(
        out,
        format!(
            "{}{}{}",
            without(LAB_ALL, "KLET005"),
            without(&lab_old, "KLET005"),
            without(PROD_ALL, "KLET001")
        )
    );
    assert_eq!(code, Some(1));
}

#[test]
fn both_names_in_one_directory_is_an_error_naming_both() {
    let dir = tree(&[
        ("repo/lab/.kubeharden.yaml", "ignore: [KLET005]\n"),
        ("repo/lab/.kubeharden.yml", "ignore: [KLET001]\n"),
    ]);
    let expected = "\
kubeharden: two config files in one directory: [dir]/repo/lab/.kubeharden.yaml and [dir]/repo/lab/.kubeharden.yml
  help: keep one of them: kubeharden reads one config file per directory
";
    // Found while walking...
    assert_eq!(
        check(&dir, &["../repo"]),
        (Some(2), String::new(), expected.to_owned())
    );
    // ...and as the run's config.
    assert_eq!(
        check(&dir, &["../repo/lab/kubelet.yaml"]),
        (Some(2), String::new(), expected.to_owned())
    );
    // --no-config reads neither.
    let (code, out, _) = check(&dir, &["--no-config", "../repo"]);
    assert_eq!((code, out), (Some(1), format!("{LAB_ALL}{PROD_ALL}")));
}

#[test]
fn an_error_in_a_config_found_while_walking_points_into_it() {
    let dir = tree(&[
        ("repo/.kubeharden.yaml", "ignore: [KLET005]\n"),
        (
            "repo/lab/.kubeharden.yaml",
            "ignore: [KLET005]\nselct: [KLET001]\n",
        ),
    ]);
    let (code, out, err) = check(&dir, &["--fix", "../repo"]);
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert_eq!(
        err,
        "\
kubeharden::config

  × unknown field `selct`, expected one of select, ignore, per-file-ignores, exclude, severity,
  │ kubernetes-version
   ╭─[[dir]/repo/lab/.kubeharden.yaml:2:1]
 1 │ ignore: [KLET005]
 2 │ selct: [KLET001]
   · ──┬──
   ·   ╰── here
   ╰────
"
    );
    // Nothing was fixed.
    let text = std::fs::read_to_string(dir.path().join("repo/prod/kubelet.yaml")).unwrap();
    assert_eq!(text, KUBELET);
}

#[test]
fn config_flag_beats_discovery_for_every_file() {
    let dir = tree(&[
        ("repo/.kubeharden.yaml", "ignore: [KLET005]\n"),
        ("repo/lab/.kubeharden.yaml", "select: [KLET001]\n"),
        ("elsewhere/settings.yaml", "select: [KLET005]\n"),
    ]);
    let (code, out, err) = check(&dir, &["--config", "settings.yaml", "../repo"]);
    let klet005 = |all: &str| all.lines().next().map(|l| format!("{l}\n")).unwrap();
    assert_eq!(out, format!("{}{}", klet005(LAB_ALL), klet005(PROD_ALL)));
    assert_eq!((code, err.as_str()), (Some(1), ""));
    // A missing one is an error, whatever discovery would find.
    assert_eq!(
        check(&dir, &["--config", "nope.yaml", "../repo"]),
        (
            Some(2),
            String::new(),
            "kubeharden: cannot read config file nope.yaml: No such file or directory (os error 2)\n"
                .to_owned()
        )
    );
}

#[test]
fn standard_input_is_judged_by_the_config_of_its_name() {
    let dir = tree(&[("repo/lab/.kubeharden.yaml", "select: [KLET001]\n")]);
    let (code, out, _) = check_stdin(
        &dir,
        &["--stdin-filename", "../repo/lab/new.yaml", "-"],
        KUBELET,
    );
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            "../repo/lab/new.yaml:6:14: KLET001 [error] `authentication.anonymous.enabled` is `true`\n"
        )
    );
}

#[test]
fn the_working_directory_config_applies_to_files_no_config_governs() {
    let dir = tree(&[("elsewhere/.kubeharden.yaml", "ignore: [KLET007, KLET001]\n")]);
    let (code, out, _) = check(&dir, &["../repo/lab"]);
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            "../repo/lab/kubelet.yaml:3:15: KLET005 [error] `readOnlyPort` is `10255`\n"
        )
    );
}

#[test]
fn a_nested_kubernetes_version_is_not_used_and_says_so() {
    let dir = tree(&[
        (
            "repo/.kubeharden.yaml",
            "ignore: [KLET005]\nkubernetes-version: \"1.30\"\n",
        ),
        (
            "repo/lab/.kubeharden.yaml",
            "kubernetes-version: \"1.28\"\n",
        ),
        (
            "repo/prod/.kubeharden.yaml",
            "kubernetes-version: \"1.30\"\n",
        ),
    ]);
    // The closest config wins whole: neither lab's nor prod's ignores KLET005.
    let (code, out, err) = check(&dir, &["../repo"]);
    assert_eq!((code, out), (Some(1), format!("{LAB_ALL}{PROD_ALL}")));
    assert_eq!(
        err,
        "kubeharden: warning: `kubernetes-version: v1.28` in [dir]/repo/lab/.kubeharden.yaml is not used: one run judges all its files as v1.30; lint that directory on its own to use it\n"
    );
    // Linted on its own, the directory's config is the run's.
    let (_, _, err) = check(&dir, &["../repo/lab"]);
    assert_eq!(err, "");
    // The command line's version is every config's.
    let (_, _, err) = check(&dir, &["--kubernetes-version", "1.29", "../repo"]);
    assert_eq!(err, "");
}

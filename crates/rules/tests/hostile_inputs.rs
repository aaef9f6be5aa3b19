//! Hostile and odd inputs through the library (`Linter::lint_paths`, `Linter::lint_source`):
//! nothing may panic, block or hang, and whatever cannot be read is reported while the rest is
//! still linted. The command's exit codes for the same inputs are in the CLI's
//! `tests/hostile_inputs.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use kubeharden_core::source::MAX_FILE_SIZE;
use kubeharden_rules::{Linter, Report, Settings};

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n";
const INSECURE: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.18.20\n    command: [kube-apiserver, --insecure-port=8080]\n";

/// Runs `f` on another thread and fails the test if it takes longer than `limit`: a blocked
/// read (a FIFO) or a hang must fail the test, not stall the suite.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

fn lint(paths: Vec<PathBuf>) -> Report {
    within(Duration::from_secs(60), move || {
        Linter::new(Settings::default()).lint_paths(&paths)
    })
}

fn codes(report: &Report) -> Vec<(String, &'static str)> {
    report
        .findings
        .iter()
        .map(|f| {
            let name = report.file(f.file).path().file_name().unwrap();
            (name.to_string_lossy().into_owned(), f.code)
        })
        .collect()
}

fn has_insecure_port(report: &Report) -> bool {
    report.findings.iter().any(|f| f.code == "KAPI001")
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn file_over_the_size_limit_is_a_finding_not_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = "a: ".to_owned();
    big.push_str(&"x".repeat(MAX_FILE_SIZE));
    std::fs::write(dir.path().join("big.yaml"), &big).unwrap();
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    let report = lint(vec![dir.path().to_path_buf()]);
    let big_finding = report
        .findings
        .iter()
        .find(|f| report.file(f.file).path().ends_with("big.yaml"))
        .expect("a finding on the big file");
    assert_eq!(big_finding.code, "KGEN001");
    // The file's real size (not the bytes read before refusing it) and the limit.
    assert_eq!(
        big_finding.message,
        format!(
            "file not loaded: file is {} bytes, larger than the 16 MiB limit",
            big.len()
        )
    );
    assert!(has_insecure_port(&report));
    assert!(report.read_errors.is_empty());
}

#[test]
fn fifty_megabyte_single_line_file() {
    let dir = tempfile::tempdir().unwrap();
    let line = "k".repeat(50 * 1024 * 1024);
    std::fs::write(dir.path().join("one-line.yaml"), &line).unwrap();
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    let report = lint(vec![dir.path().to_path_buf()]);
    assert!(
        codes(&report).contains(&("one-line.yaml".to_owned(), "KGEN001")),
        "{:?}",
        codes(&report)
    );
    assert!(has_insecure_port(&report));
}

#[test]
fn long_single_line_under_the_limit_is_linted() {
    // A 2 MiB flow sequence on one line: parsed, nothing to report, no quadratic blow-up.
    let mut line = "[".to_owned();
    for i in 0..200_000 {
        line.push_str(&format!("{i},"));
    }
    line.push_str("0]\n");
    let report = within(Duration::from_secs(60), move || {
        Linter::new(Settings::default()).lint_source(Path::new("flow.yaml"), &line)
    });
    assert!(report.findings.is_empty(), "{:?}", codes(&report));
}

#[test]
fn fifo_and_device_in_the_tree_do_not_block() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    let fifo = dir.path().join("pipe.yaml");
    if !mkfifo(&fifo) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    // A character device in the tree: mknod needs root; a symlink to one is never followed.
    let device = dir.path().join("null.yaml");
    let made_device = std::process::Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !made_device {
        std::os::unix::fs::symlink("/dev/zero", &device).unwrap();
    }
    // Walked: special files are not read.
    let report = lint(vec![dir.path().to_path_buf()]);
    assert!(has_insecure_port(&report));
    assert!(report.read_errors.is_empty(), "{:?}", report.read_errors);
    assert_eq!(report.files().count(), 1);

    // Named explicitly: listed as unreadable, never opened (opening a FIFO blocks).
    let report = lint(vec![
        fifo.clone(),
        PathBuf::from("/dev/zero"),
        device,
        dir.path().join("kube-apiserver.yaml"),
    ]);
    assert!(has_insecure_port(&report));
    let unreadable: Vec<&Path> = report
        .read_errors
        .iter()
        .map(|e| e.path.as_path())
        .collect();
    assert!(unreadable.contains(&fifo.as_path()), "{unreadable:?}");
    assert!(
        unreadable.contains(&Path::new("/dev/zero")),
        "{unreadable:?}"
    );
}

#[test]
fn symlink_loops_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    std::os::unix::fs::symlink("b.yaml", dir.path().join("a.yaml")).unwrap();
    std::os::unix::fs::symlink("a.yaml", dir.path().join("b.yaml")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("parent")).unwrap();
    let report = lint(vec![dir.path().to_path_buf()]);
    assert!(has_insecure_port(&report));
    assert_eq!(report.files().count(), 1);
    assert!(report.read_errors.is_empty(), "{:?}", report.read_errors);

    // Named explicitly, a loop is a path that cannot be read.
    let report = lint(vec![dir.path().join("a.yaml")]);
    assert_eq!(report.read_errors.len(), 1);
    assert!(report.findings.is_empty());
}

#[test]
fn unreadable_file_is_reported_and_the_rest_is_linted() {
    // As root, mode 000 does not stop a read, so this uses a regular file whose read fails
    // for anyone: /proc/self/mem has no mapping at offset 0 (EIO). The CLI test drops
    // privileges to check a mode-000 file in a walked tree as well.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    let mem = PathBuf::from("/proc/self/mem");
    let report = lint(vec![mem.clone(), dir.path().to_path_buf()]);
    assert!(has_insecure_port(&report));
    assert_eq!(report.read_errors.len(), 1, "{:?}", report.read_errors);
    assert_eq!(report.read_errors[0].path, mem);

    // Not root: mode 000 is honest too.
    let locked = dir.path().join("locked.yaml");
    std::fs::write(&locked, GOOD).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("running as root: mode 000 is readable; covered by /proc/self/mem above");
        return;
    }
    let report = lint(vec![dir.path().to_path_buf()]);
    assert!(has_insecure_port(&report));
    assert_eq!(report.read_errors.len(), 1);
    assert_eq!(report.read_errors[0].path, locked);
}

#[test]
fn binary_files_named_yaml() {
    let dir = tempfile::tempdir().unwrap();
    // Not UTF-8: NULs, high bytes, a truncated sequence.
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    binary.extend_from_slice(&[0xe6, 0x97]);
    std::fs::write(dir.path().join("blob.yaml"), &binary).unwrap();
    // UTF-8 but not text: control characters and NULs.
    let control: String = (0..4096u32)
        .map(|i| char::from_u32(i % 32).unwrap())
        .collect();
    std::fs::write(dir.path().join("control.yaml"), control).unwrap();
    // The linter's own executable.
    if let Ok(exe) = std::env::current_exe() {
        std::fs::copy(exe, dir.path().join("exe.yaml")).unwrap();
    }
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    let report = lint(vec![dir.path().to_path_buf()]);
    let codes = codes(&report);
    assert!(
        codes.contains(&("blob.yaml".to_owned(), "KGEN001")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("control.yaml".to_owned(), "KGEN001")),
        "{codes:?}"
    );
    assert!(has_insecure_port(&report));
    for finding in &report.findings {
        let text = report.file(finding.file).text();
        assert!(finding.span.end <= text.len());
        assert!(text.is_char_boundary(finding.span.start));
        assert!(text.is_char_boundary(finding.span.end));
    }
}

#[test]
fn one_hundred_thousand_tiny_files() {
    // Far more files than descriptors (the default soft limit is 1024): the walk keeps only a
    // few directories open and each file is closed once read. In memory where possible:
    // creating and deleting 100,000 files on a disk mounted with `discard` takes minutes.
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    for d in 0..100 {
        let sub = dir.path().join(format!("d{d:03}"));
        std::fs::create_dir(&sub).unwrap();
        for f in 0..1000 {
            std::fs::write(sub.join(format!("f{f:04}.yaml")), "a: 1\n").unwrap();
        }
    }
    std::fs::write(dir.path().join("kube-apiserver.yaml"), INSECURE).unwrap();
    let report = lint(vec![dir.path().to_path_buf()]);
    assert_eq!(report.files().count(), 100_001);
    assert!(
        report.read_errors.is_empty(),
        "{:?}",
        report.read_errors.first()
    );
    assert!(has_insecure_port(&report));
    assert!(
        codes(&report)
            .iter()
            .all(|(file, _)| file == "kube-apiserver.yaml"),
        "{:?}",
        codes(&report)
    );
}

/// Inputs the fuzzer found (see docs/performance.md). Each must lint in well under a second;
/// the first byte picks the file name, as in fuzz/fuzz_targets/lint_source.rs.
#[test]
fn fuzz_regressions() {
    const NAMES: &[&str] = &[
        "manifests/kube-apiserver.yaml",
        "etc/systemd/system/kubelet.service",
        "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        "var/lib/kubelet/kubeadm-flags.env",
        "etc/default/kubelet",
        "var/lib/kubelet/config.yaml",
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for input in inputs {
        let bytes = std::fs::read(&input).unwrap();
        let Some((&selector, rest)) = bytes.split_first() else {
            continue;
        };
        let Ok(text) = String::from_utf8(rest.to_vec()) else {
            continue;
        };
        let name = NAMES[usize::from(selector) % NAMES.len()];
        let report = within(Duration::from_secs(10), move || {
            Linter::new(Settings::default()).lint_source(Path::new(name), &text)
        });
        for finding in &report.findings {
            let text = report.file(finding.file).text();
            assert!(finding.span.end <= text.len(), "{}", input.display());
        }
    }
}

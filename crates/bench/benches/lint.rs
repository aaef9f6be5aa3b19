//! kubeharden against its limit, on one generated corpus (docs/performance.md):
//!
//! - `read`: walk the tree and read every file;
//! - `saphyr_tree`: saphyr's spanned tree load (`MarkedYaml`) of every file, texts in memory —
//!   the limit;
//! - `lint_paths`: kubeharden's whole library run (walk, read, parse, recognize, lint);
//! - `many-documents/lint_paths`: the same run on one file of 20,000 tiny documents.
//!
//! `KUBEHARDEN_BENCH_FILES` sets the corpus size (default 2000), `KUBEHARDEN_BENCH_CORPUS` a
//! directory to (re)use instead of a fresh temporary one. Throughput is in bytes of YAML.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kubeharden_rules::{Linter, Settings};
use saphyr::{LoadableYamlNode, MarkedYaml};

fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

fn bench(c: &mut Criterion) {
    let count: usize = std::env::var("KUBEHARDEN_BENCH_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let temp = tempfile::tempdir().expect("temporary directory");
    let root = match std::env::var_os("KUBEHARDEN_BENCH_CORPUS") {
        // Cargo runs benches in the package's directory: a relative path means the
        // workspace's.
        Some(dir) => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir),
        None => {
            kubeharden_bench::write_corpus(temp.path(), kubeharden_bench::DEFAULT_SEED, count)
                .expect("corpus written");
            temp.path().to_path_buf()
        }
    };
    let files = corpus_files(&root);
    assert!(!files.is_empty(), "no files under {}", root.display());
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("corpus file"))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();

    let mut group = c.benchmark_group(format!("corpus-{}", files.len()));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));

    group.bench_function("read", |b| {
        b.iter(|| {
            let mut total = 0;
            for file in corpus_files(&root) {
                total += std::fs::read(file).expect("read").len();
            }
            black_box(total)
        });
    });
    group.bench_function("saphyr_tree", |b| {
        b.iter(|| {
            let mut documents = 0;
            for text in &texts {
                // A broken file is a broken file for both: count what loads.
                if let Ok(docs) = MarkedYaml::load_from_str(text) {
                    documents += docs.len();
                }
            }
            black_box(documents)
        });
    });
    let linter = Linter::new(Settings::default());
    let paths = [root.clone()];
    group.bench_function("lint_paths", |b| {
        b.iter(|| black_box(linter.lint_paths(&paths).findings.len()));
    });
    group.finish();

    let many = tempfile::tempdir().expect("temporary directory");
    let many_path = many.path().join("many-documents.yaml");
    let many_text = kubeharden_bench::many_documents(20_000);
    std::fs::write(&many_path, &many_text).expect("many-documents file written");
    let mut group = c.benchmark_group("many-documents");
    group.throughput(Throughput::Bytes(many_text.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    let paths = [many_path];
    group.bench_function("lint_paths", |b| {
        b.iter(|| black_box(linter.lint_paths(&paths).findings.len()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

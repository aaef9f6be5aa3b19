//! The limit as a whole process: walk a tree, read every file, and load it with saphyr's
//! spanned tree loader (`MarkedYaml`), nothing else. `cargo run --release -p kubeharden-bench
//! --example tree_load -- DIR`. Compare it with `kubeharden check --format json DIR`
//! (scripts/bench.sh does both under hyperfine).
#![allow(clippy::print_stdout)]

use saphyr::{LoadableYamlNode, MarkedYaml};

fn main() {
    let mut documents = 0usize;
    let mut files = 0usize;
    for root in std::env::args().skip(1) {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            files += 1;
            if let Ok(docs) = MarkedYaml::load_from_str(&text) {
                documents += docs.len();
            }
        }
    }
    println!("{files} files, {documents} documents");
}

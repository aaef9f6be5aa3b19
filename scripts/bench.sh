#!/usr/bin/env bash
# Whole-process timings of kubeharden on generated corpora, next to the limit (saphyr's
# spanned tree load of the same files, as a process: crates/bench/examples/tree_load.rs).
#   scripts/bench.sh [SIZES...]        default: 1000 2000 10000
# Needs hyperfine (Debian: apt-get install hyperfine) and GNU time (/usr/bin/time) for peak
# RSS. Corpora go to ${CORPUS_DIR:-target/corpus}/N (seed: kubeharden_bench::DEFAULT_SEED).
# The in-process benchmark is `cargo bench -p kubeharden-bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 2000 10000)
corpus_dir="${CORPUS_DIR:-target/corpus}"

cargo build --release --quiet -p kubeharden -p kubeharden-bench --bins --example tree_load
bin=target/release/kubeharden
tree_load=target/release/examples/tree_load

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for n in "${sizes[@]}"; do
  dir="$corpus_dir/$n"
  [ -d "$dir" ] || target/release/gen-corpus "$dir" "$n"
  echo "== $n files, $(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s}') bytes of YAML on disk"
  hyperfine --shell=none --warmup 3 --runs "${RUNS:-20}" --ignore-failure \
    --export-json "$corpus_dir/hyperfine-$n.json" \
    "$tree_load $dir" \
    "$bin check --format json $dir"
  for cmd in "$tree_load $dir" "$bin check --format json $dir"; do
    /usr/bin/time -f "peak RSS %M KiB, %e s wall, %U s user  <- ${cmd%% *}" $cmd > /dev/null || true
  done
done

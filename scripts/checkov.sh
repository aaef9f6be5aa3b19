#!/usr/bin/env bash
# kubeharden next to a peer scanner, Checkov (from PyPI, in a temporary virtual environment),
# on the same generated corpus (default 2,000 files): wall time and peak RSS of each.
#   scripts/checkov.sh [FILES]
# Checkov runs its Kubernetes framework only (`--framework kubernetes`), quietly, with
# JSON output to a file, as kubeharden does (`check --format json`).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
corpus_dir="${CORPUS_DIR:-target/corpus}"
dir="$corpus_dir/$n"

cargo build --release --quiet -p kubeharden -p kubeharden-bench --bins
[ -d "$dir" ] || target/release/gen-corpus "$dir" "$n"

venv="${CHECKOV_VENV:-}"
if [ -z "$venv" ]; then
  venv="$(mktemp -d)/venv"
  trap 'rm -rf "$(dirname "$venv")"' EXIT
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet checkov
fi
checkov="$venv/bin/checkov"
echo "checkov $("$checkov" --version), kubeharden $(target/release/kubeharden --version 2>/dev/null || echo 0.1.0)"
echo "corpus: $dir ($n files, $(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s}') bytes of YAML)"

measure() { # name, command...
  local name="$1"; shift
  local out; out="$(mktemp)"
  /usr/bin/time -f "%e %M" -o "$out.time" "$@" > "$out" 2>/dev/null || true
  read -r wall rss < <(tail -n1 "$out.time")
  echo "$name: ${wall} s wall, ${rss} KiB peak RSS"
  eval "${name}_wall=$wall ${name}_rss=$rss"
  rm -f "$out" "$out.time"
}
# Warm the page cache and Checkov's first-run work once.
target/release/kubeharden check --format json "$dir" > /dev/null || true
"$checkov" --quiet --compact -o json --framework kubernetes -d "$dir" > /dev/null 2>&1 || true

for run in 1 2 3; do
  measure kubeharden target/release/kubeharden check --format json "$dir"
  measure checkov "$checkov" --quiet --compact -o json --framework kubernetes -d "$dir"
  python3 -c "print(f'run $run: checkov/kubeharden wall {$checkov_wall/$kubeharden_wall:.0f}x, peak RSS {$checkov_rss/$kubeharden_rss:.1f}x')"
done

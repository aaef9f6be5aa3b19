#!/usr/bin/env bash
# Fuzzes `Linter::lint_source` with cargo-fuzz (libFuzzer) for DURATION seconds (default 1800).
#   scripts/fuzz.sh [DURATION]
# Needs `cargo install cargo-fuzz`. On a stable toolchain, RUSTC_BOOTSTRAP=1 lets cargo-fuzz
# pass its -Z sanitizer flags. The seed corpus is every file under fixtures/, prefixed with
# the byte that makes the target name the file as it is named there (YAML, unit, drop-in, env).
# It keeps going after a crash (fork mode), so one run finds several. Crashes land in fuzz/artifacts/lint_source/; reproduce with
#   cargo fuzz run lint_source fuzz/artifacts/lint_source/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-1800}"
corpus=fuzz/corpus/lint_source
mkdir -p "$corpus"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  case "$f" in
    *.service) selector='\001' ;;
    *.service.d/*.conf) selector='\002' ;;
    *.env) selector='\003' ;;
    */default/kubelet | */sysconfig/kubelet) selector='\004' ;;
    *) selector='\000' ;;
  esac
  { printf "$selector"; cat "$f"; } > "$corpus/seed-$i"
done < <(find fixtures -type f -print0 | sort -z)
export RUSTC_BOOTSTRAP=1
cd fuzz
exec cargo fuzz run lint_source corpus/lint_source -- \
  -max_total_time="$duration" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1

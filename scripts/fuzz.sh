#!/usr/bin/env bash
# Fuzzes the linter with cargo-fuzz (libFuzzer) for DURATION seconds (default 1800).
#   scripts/fuzz.sh [DURATION] [TARGET]
# TARGET is `lint_source` (default: `Linter::lint_source`, one file) or `lint_node`
# (`Linter::lint_node_with_texts`, several files of one node: units, drop-ins, env files,
# kubelet configs, static pods).
# Needs `cargo install cargo-fuzz`. On a stable toolchain, RUSTC_BOOTSTRAP=1 lets cargo-fuzz
# pass its -Z sanitizer flags. Seeds for lint_source: every file under fixtures/, prefixed with
# the byte that makes the target name the file as it is named there (YAML, unit, drop-in, env).
# Seeds for lint_node: every node under fixtures/nodes/, its files as NUL-separated chunks,
# each prefixed with the byte that names its path in the target's NAMES.
# It keeps going after a crash (fork mode), so one run finds several. Crashes land in
# fuzz/artifacts/TARGET/; reproduce with
#   cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-1800}"
target="${2:-lint_source}"
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
case "$target" in
  lint_source)
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
    ;;
  lint_node)
    # The same paths, in the same order, as NAMES in fuzz/fuzz_targets/lint_node.rs.
    names=(
      etc/systemd/system/kubelet.service
      usr/lib/systemd/system/kubelet.service
      etc/systemd/system/kubelet.service.d/10-kubeadm.conf
      usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf
      etc/systemd/system/kubelet.service.d/20-extra.conf
      var/lib/kubelet/kubeadm-flags.env
      etc/default/kubelet
      etc/sysconfig/kubelet
      var/lib/kubelet/config.yaml
      etc/kubernetes/kubelet.conf.d/10-logging.conf
      etc/kubernetes/kubelet.conf.d/50-anonymous.conf
      etc/systemd/system/kube-apiserver.service
      etc/systemd/system/kube-apiserver.service.d/10-flags.conf
      etc/kubernetes/apiserver.env
      etc/kubernetes/manifests/kube-apiserver.yaml
      etc/kubernetes/manifests/etcd.yaml
      etc/kubernetes/manifests/kube-controller-manager.yaml
      etc/kubernetes/manifests/kube-scheduler.yaml
      etc/etcd/etcd.yaml
      etc/systemd/system/etcd.service
      etc/kubernetes/kubelet-config.yaml
    )
    for node in fixtures/nodes/*/; do
      seed="$corpus/seed-$(basename "$node")"
      : > "$seed"
      first=1
      for index in "${!names[@]}"; do
        f="$node${names[$index]}"
        [ -f "$f" ] || continue
        [ "$first" = 1 ] || printf '\000' >> "$seed"
        first=0
        { printf "\\$(printf '%03o' "$index")"; cat "$f"; } >> "$seed"
      done
    done
    ;;
  *)
    echo "unknown target: $target (lint_source or lint_node)" >&2
    exit 2
    ;;
esac
export RUSTC_BOOTSTRAP=1
cd fuzz
exec cargo fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$duration" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1

#!/usr/bin/env bash
# Builds and runs one cargo-fuzz target on the stable toolchain, without
# cargo-fuzz: libfuzzer-sys plus the SanitizerCoverage flags cargo-fuzz passes
# (all stable -C options; no sanitizer runtime is needed for safe Rust).
#   bash scripts/fuzz.sh TARGET SECONDS [extra libFuzzer args]
# Corpus: fuzz/corpus/TARGET (seeded from fuzz/seeds/TARGET); crashes land in
# fuzz/artifacts/TARGET. Every run enforces the hostile-input limits: one
# second per input, 256 MB RSS, 128 MB per allocation (a slower or larger
# input is a finding, saved as timeout-*, oom-* or slow-unit-*).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=$1
seconds=$2
shift 2
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR=target
# An explicit --target keeps RUSTFLAGS away from build scripts and proc-macros.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --target "$host" --bin "$target"
mkdir -p "corpus/$target" "artifacts/$target"
seeds=()
[ -d "seeds/$target" ] && seeds=("seeds/$target")
"target/$host/release/$target" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=256 -malloc_limit_mb=128 \
    -artifact_prefix="artifacts/$target/" "$@" "corpus/$target" "${seeds[@]}"

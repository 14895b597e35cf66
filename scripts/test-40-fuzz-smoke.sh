#!/usr/bin/env bash
# Fuzz smoke: builds every fuzz target (stable toolchain, see fuzz/README.md)
# and runs each briefly so the targets never rot. Long runs: scripts/fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command g++ g++    # libfuzzer-sys compiles libFuzzer (C++)
seconds=${FUZZ_SMOKE_SECONDS:-10}
log=$(mktemp)
for target in $(sed -n 's/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml | grep -v cmsverify-fuzz); do
    if bash scripts/fuzz.sh "$target" "$seconds" >"$log" 2>&1; then
        echo "fuzz smoke: $target: $(grep -E '^Done [0-9]+ runs' "$log" || echo ok)"
    else
        tail -40 "$log" >&2
        echo "fuzz smoke: $target failed (crash inputs, if any, in fuzz/artifacts/$target)" >&2
        exit 1
    fi
done
rm -f "$log"

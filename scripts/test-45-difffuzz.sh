#!/usr/bin/env bash
# Differential fuzz smoke: builds difffuzz/ (cmsverify against libcrypto's
# CMS_verify, a crate outside cmsverify's dependency graph), calibrates its
# oracle against the openssl command on every committed scenario, then runs a
# fixed, seeded set of structured cases. Fails on any disagreement that is
# not a documented difference (docs/compatibility.md). Long runs:
# difffuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command openssl openssl         # calibration runs the command
need_pkg_config openssl libssl-dev  # the openssl crate links libcrypto
cases=${DIFFFUZZ_SMOKE_CASES:-2000}
# The dev profile in the main target directory: the dependencies the Rust
# tests compiled are reused (an LTO release build would take two minutes for
# a run of seconds), and cmsverify runs with overflow checks and debug
# assertions on.
export CARGO_TARGET_DIR="$PWD/target"
cargo build --locked --quiet --manifest-path difffuzz/Cargo.toml
log=$(mktemp)
if target/debug/cmsverify-difffuzz --seed 1 --cases "$cases" --threads 2 --progress 0 >"$log" 2>&1; then
    grep -E '^(calibration|difffuzz):' "$log"
else
    cat "$log" >&2
    echo "difffuzz smoke failed (reproduce a case: difffuzz/README.md)" >&2
    exit 1
fi
rm -f "$log"

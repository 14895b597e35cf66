#!/usr/bin/env bash
# Runs every test of cmsverify: Rust (unit, integration, differential against
# the openssl command, doctests), the C ABI programs, the Python wheel's
# pytest suite (with the differential test against python-keystoneclient and
# the keystonemiddleware end-to-end test), the README examples as copied and
# the fuzz smoke run. Installs what it needs (Python venv,
# maturin, pytest, python-keystoneclient; openssl and valgrind via apt when
# missing). Prints each part's wall time, so a slow step shows where.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for part in scripts/test-*.sh; do
    echo "==> $part"
    start=$SECONDS
    bash "$part"
    echo "<== $part: $((SECONDS - start)) s"
done
echo "==> all tests passed in $SECONDS s"

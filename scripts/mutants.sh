#!/usr/bin/env bash
# Mutation testing of the verification rules with cargo-mutants; the files and
# the test suites are in .cargo/mutants.toml. Results in mutants.out/
# (missed.txt lists the mutants no test caught; docs/mutants.md explains each
# one left). Usage: bash scripts/mutants.sh [extra cargo-mutants args, e.g. -f src/trust/path.rs]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
exec cargo mutants --timeout 120 "$@"

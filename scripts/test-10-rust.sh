#!/usr/bin/env bash
# Rust: formatting, lints, unit + integration + differential tests, doctests, docs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command openssl openssl

cargo fmt --all -- --check
cargo clippy --all-targets --all-features -- -D warnings
cargo test --all-features
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features

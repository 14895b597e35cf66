#!/usr/bin/env bash
# Rust: formatting, lints, unit + integration + differential tests, doctests, docs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command openssl openssl

cargo fmt --all -- --check
cargo clippy --all-targets --all-features -- -D warnings
# The library must also build lint-clean without its optional features.
cargo clippy --lib -- -D warnings
# --all-features includes `rustcrypto`, so this runs tests/rustcrypto/
# (RustCrypto interoperability and the der/x509-cert second-parser oracle).
cargo test --all-features
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features
# The accelerated RSA and ECDSA backend (graviola) is used where the CPU runs
# it; run the verification suites once more on the portable backend.
echo "-- portable backend (CMSVERIFY_BACKEND=portable)"
CMSVERIFY_BACKEND=portable cargo test --all-features \
    --test api --test differential --test hostile_generated --test scenario_errors --test sign

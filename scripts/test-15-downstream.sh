#!/usr/bin/env bash
# A downstream crate that also depends on `rsa = "0.10"` builds with cmsverify,
# without warnings, on the latest compatible versions of everything (a fresh
# lock file, not cmsverify's Cargo.lock): cmsverify must not pin what its
# users need to choose.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
crate=$(mktemp -d)
trap 'rm -rf "$crate"' EXIT
mkdir -p "$crate/src"
cat > "$crate/Cargo.toml" <<TOML
[package]
name = "downstream"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
cmsverify = { path = "$root" }
rsa = "0.10"

[workspace]
TOML
cat > "$crate/src/main.rs" <<'RS'
fn main() {
    // Both crates in one program, their types side by side.
    let limits = cmsverify::Limits::default();
    let key_size = std::mem::size_of::<rsa::PublicKey>();
    println!("{} {key_size}", limits.max_signature_checks);
}
RS
echo "-- building a downstream crate with rsa = \"0.10\" (fresh lock file)"
# Shares the build directory with the other steps; warnings are errors for the
# downstream crate and cmsverify (path dependencies are not capped).
CARGO_TARGET_DIR="$root/target/downstream" RUSTFLAGS="-D warnings" \
    cargo run --quiet --manifest-path "$crate/Cargo.toml"

#!/usr/bin/env bash
# Installs the C library: libcmsverify.so/.a, include/cmsverify.h and
# lib/pkgconfig/cmsverify.pc under PREFIX (default /usr/local).
#   bash scripts/install-c.sh [PREFIX]
# Then: cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs cmsverify)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --release --lib
install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0644 target/release/libcmsverify.a "$prefix/lib/"
install -m 0755 target/release/libcmsverify.so "$prefix/lib/"
install -m 0644 include/cmsverify.h "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" cmsverify.pc.in > "$prefix/lib/pkgconfig/cmsverify.pc"
echo "installed cmsverify $version under $prefix"

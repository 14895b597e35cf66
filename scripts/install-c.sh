#!/usr/bin/env bash
# Installs the C library: libcmsverify.so/.a, include/cmsverify.h and
# lib/pkgconfig/cmsverify.pc under PREFIX (default /usr/local).
#   bash scripts/install-c.sh [PREFIX]
# Then: cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs cmsverify)
set -euo pipefail
prefix=$(realpath -m "${1:-/usr/local}")
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --release --lib
install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0644 target/release/libcmsverify.a "$prefix/lib/"
install -m 0755 target/release/libcmsverify.so "$prefix/lib/"
install -m 0644 include/cmsverify.h "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" cmsverify.pc.in > "$prefix/lib/pkgconfig/cmsverify.pc"
# A system prefix: refresh the loader cache so programs find libcmsverify.so.
if [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1 &&
    { [ "$prefix" = /usr/local ] || [ "$prefix" = /usr ]; }; then
    ldconfig
fi
echo "installed cmsverify $version under $prefix"

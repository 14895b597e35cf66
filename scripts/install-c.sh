#!/usr/bin/env bash
# Installs the C library the way `cargo cinstall` does, for machines without
# cargo-c (see the README's C section):
#   LIBDIR/libcmsverify.so.X.Y.Z       the shared library, SONAME libcmsverify.so.X
#   LIBDIR/libcmsverify.so.X -> .X.Y.Z what the loader looks up (ldconfig makes it too)
#   LIBDIR/libcmsverify.so   -> .so.X  what `cc -lcmsverify` links against
#   LIBDIR/libcmsverify.a              the static library
#   PREFIX/include/cmsverify.h
#   LIBDIR/pkgconfig/cmsverify.pc
# X.Y.Z is Cargo.toml's version.
#
#   bash scripts/install-c.sh [PREFIX]          PREFIX defaults to /usr/local
# Environment:
#   LIBDIR   library directory (default PREFIX/lib; e.g. /usr/lib/x86_64-linux-gnu)
#   DESTDIR  staging root for packagers: files go under DESTDIR, but the
#            paths written into cmsverify.pc are the final ones
# Then: cc app.c $(PKG_CONFIG_PATH=LIBDIR/pkgconfig pkg-config --cflags --libs cmsverify)
set -euo pipefail
prefix=$(realpath -m "${1:-/usr/local}")
libdir=$(realpath -m "${LIBDIR:-$prefix/lib}")
destdir=${DESTDIR:-}
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
major=${version%%.*}
lib=libcmsverify.so
soname=$lib.$major

echo "building libcmsverify $version (cargo build --release --lib)"
cargo build --release --lib

# build.rs links the SONAME in; refuse to install a library without it (a
# program linked against it would not record which ABI it needs).
if command -v readelf >/dev/null 2>&1; then
    built=$(readelf -d target/release/$lib | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    if [ "$built" != "$soname" ]; then
        echo "install-c.sh: target/release/$lib has SONAME '$built', expected $soname" >&2
        exit 1
    fi
fi

echo "installing under ${destdir}$prefix (libraries in ${destdir}$libdir)"
install -d "$destdir$libdir/pkgconfig" "$destdir$prefix/include"
install -m 0644 target/release/libcmsverify.a "$destdir$libdir/"
install -m 0755 target/release/$lib "$destdir$libdir/$lib.$version"
# Relative symlinks, replacing an older install's files of the same name.
ln -sfn "$lib.$version" "$destdir$libdir/$soname"
ln -sfn "$soname" "$destdir$libdir/$lib"
install -m 0644 include/cmsverify.h "$destdir$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$libdir|" -e "s|@VERSION@|$version|" \
    cmsverify.pc.in > "$destdir$libdir/pkgconfig/cmsverify.pc"

# A system library directory, installed for real: refresh the loader cache so
# programs find libcmsverify.so.X without LD_LIBRARY_PATH or an rpath.
if [ -z "$destdir" ] && [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1 &&
    case "$prefix" in /usr | /usr/local) true ;; *) false ;; esac; then
    echo "running ldconfig"
    ldconfig
fi
echo "installed cmsverify $version (SONAME $soname) under ${destdir}$prefix"

#!/usr/bin/env bash
# C ABI: build libcmsverify (.so and .a); check the shared library's SONAME and
# exported symbols; install it into a temporary prefix with scripts/install-c.sh
# and check the versioned files; compile the C tests and the example against
# include/cmsverify.h with gcc -Wall -Wextra -Werror, run them against both
# the installed .so (found through pkg-config and an rpath) and the .a, once
# under valgrind; check the header from C++, a pkg-config build run with
# LD_LIBRARY_PATH, and print the per-verify time from C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command gcc gcc
need_command valgrind valgrind
need_command pkg-config pkg-config
need_command readelf binutils

cargo build --release --lib
lib=target/release
out=tests/c/build
mkdir -p "$out"
cflags=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -g -Iinclude)
static=("$lib/libcmsverify.a" -lpthread -ldl -lm)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
soname=libcmsverify.so.${version%%.*}

# soname_of FILE: the SONAME in FILE's dynamic section (empty if none).
soname_of() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }

echo "-- shared library: SONAME and exported symbols"
got=$(soname_of "$lib/libcmsverify.so")
[ "$got" = "$soname" ] || { echo "SONAME is '$got', expected $soname" >&2; exit 1; }
echo "SONAME $got"
# Exactly the functions the header declares are exported: nothing else (no
# Rust or dependency symbols), and none of the header's functions missing.
nm -D --defined-only "$lib/libcmsverify.so" | awk '{print $NF}' | sort > "$out/exported.txt"
grep -oE '\bcmsv_[a-z0-9_]+\(' include/cmsverify.h | tr -d '(' | sort -u > "$out/declared.txt"
if ! diff -u "$out/declared.txt" "$out/exported.txt" >&2; then
    echo "exported symbols (+) differ from include/cmsverify.h's functions (-)" >&2
    exit 1
fi
grep -qv '^cmsv_' "$out/exported.txt" && { echo "a non-cmsv_ symbol is exported" >&2; exit 1; }
echo "$(wc -l < "$out/exported.txt") symbols exported, all cmsv_* and all declared in cmsverify.h"

echo "-- install into a temporary prefix"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
bash scripts/install-c.sh "$prefix" >/dev/null
pl=$prefix/lib
# The real file carries the full version; the ABI name and the link-time
# name are symlinks to it (.so -> .so.X -> .so.X.Y.Z).
if [ ! -f "$pl/libcmsverify.so.$version" ] || [ -L "$pl/libcmsverify.so.$version" ]; then
    echo "$pl/libcmsverify.so.$version is missing or not a regular file" >&2
    exit 1
fi
[ "$(readlink "$pl/$soname")" = "libcmsverify.so.$version" ] ||
    { echo "$soname is not a symlink to libcmsverify.so.$version" >&2; exit 1; }
[ "$(readlink "$pl/libcmsverify.so")" = "$soname" ] ||
    { echo "libcmsverify.so is not a symlink to $soname" >&2; exit 1; }
[ "$(soname_of "$pl/libcmsverify.so.$version")" = "$soname" ] ||
    { echo "installed library lost its SONAME" >&2; exit 1; }
for f in "$pl/libcmsverify.a" "$prefix/include/cmsverify.h" "$pl/pkgconfig/cmsverify.pc"; do
    [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
done
for f in "$pl"/libcmsverify.*; do
    if [ -L "$f" ]; then echo "    ${f##*/} -> $(readlink "$f")"; else echo "    ${f##*/}"; fi
done
export PKG_CONFIG_PATH="$pl/pkgconfig"
pc_version=$(pkg-config --modversion cmsverify)
[ "$pc_version" = "$version" ] || { echo "pkg-config says $pc_version, expected $version" >&2; exit 1; }
# shellcheck disable=SC2207 # pkg-config output is meant to be split
pc_flags=($(pkg-config --cflags --libs cmsverify))

# The shared-library test program links the installed library the way a user
# would (pkg-config) and finds it at run time through its rpath.
gcc "${cflags[@]}" tests/c/test_verify.c "${pc_flags[@]}" -Wl,-rpath,"$pl" -lpthread \
    -o "$out/test_shared"
needed=$(readelf -d "$out/test_shared" | sed -n 's/.*(NEEDED).*\[\(libcmsverify[^]]*\)\]/\1/p')
[ "$needed" = "$soname" ] || { echo "test_shared needs '$needed', expected $soname" >&2; exit 1; }
gcc "${cflags[@]}" tests/c/test_verify.c "${static[@]}" -o "$out/test_static"
gcc "${cflags[@]}" examples/c/verify_token.c "${static[@]}" -o "$out/verify_token"
gcc "${cflags[@]}" tests/c/bench_verify.c "${static[@]}" -o "$out/bench_verify"

echo "-- C tests against the installed libcmsverify.so (NEEDED $needed, rpath)"
"$out/test_shared"
echo "-- C tests against libcmsverify.a"
"$out/test_static"

echo "-- example program"
k=tests/data/keystone
"$out/verify_token" "$k/signing_cert.pem" "$k/cacert.pem" "$k/token.pkiz" | cmp - "$k/token.json"
status=0
"$out/verify_token" "$k/signing_cert.pem" "$k/cacert.pem" "$k/other/token.pki" 2>/dev/null || status=$?
[ "$status" -eq 4 ] || { echo "verify_token: expected exit 4, got $status" >&2; exit 1; }

echo "-- valgrind (shared and static)"
for exe in test_shared test_static; do
    log="$out/valgrind-$exe.log"
    valgrind --leak-check=full --error-exitcode=1 --log-file="$log" \
        "$out/$exe" || { cat "$log" >&2; exit 1; }
    echo "$exe: $(grep -E 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //')"
    grep -E 'All heap blocks were freed|definitely lost' "$log" | sed 's/^==[0-9]*== /    /'
done

echo "-- the header compiles as C++ (extern \"C\")"
if command -v g++ >/dev/null 2>&1; then
    printf '#include "cmsverify.h"\nint main() { return cmsv_version()[0] == 0; }\n' |
        g++ -x c++ -std=c++11 -Wall -Wextra -Werror -Iinclude - -x none "${static[@]}" -o "$out/cxx_header"
    "$out/cxx_header"
else
    echo "g++ not installed: skipped"
fi

echo "-- per-verify time from C (not asserted)"
"$out/bench_verify" 2000

echo "-- pkg-config build of the example, found through LD_LIBRARY_PATH"
gcc "${cflags[@]}" examples/c/verify_token.c "${pc_flags[@]}" -o "$out/verify_token_pc"
LD_LIBRARY_PATH="$pl" "$out/verify_token_pc" "$k/signing_cert.pem" "$k/cacert.pem" \
    "$k/token.pki" | cmp - "$k/token.json"
echo "C ABI: all C tests passed"

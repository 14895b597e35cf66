#!/usr/bin/env bash
# C ABI: build libcmsverify (.so and .a), compile the C tests against the
# header with -Wall -Wextra -Werror, run them against both libraries, once
# under valgrind, and print the per-verify time from C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command gcc gcc
need_command valgrind valgrind

cargo build --release --lib
out=tests/c/build
mkdir -p "$out"
cflags=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -Iinclude)
gcc "${cflags[@]}" tests/c/test_verify.c -Ltarget/release -lcmsverify -lpthread -o "$out/test_shared"
gcc "${cflags[@]}" tests/c/test_verify.c target/release/libcmsverify.a -lpthread -ldl -lm -o "$out/test_static"
gcc "${cflags[@]}" examples/c/verify_token.c target/release/libcmsverify.a -lpthread -ldl -lm -o "$out/verify_token"
gcc "${cflags[@]}" tests/c/bench_verify.c target/release/libcmsverify.a -lpthread -ldl -lm -o "$out/bench_verify"

LD_LIBRARY_PATH=target/release "$out/test_shared"
"$out/test_static"
"$out/verify_token" tests/data/keystone/signing_cert.pem tests/data/keystone/cacert.pem \
    tests/data/keystone/token.pkiz | cmp - tests/data/keystone/token.json
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 "$out/test_static"
"$out/bench_verify" 2000

# The documented install step and pkg-config line work.
need_command pkg-config pkg-config
prefix=$(mktemp -d)
bash scripts/install-c.sh "$prefix" >/dev/null
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" gcc "${cflags[@]}" examples/c/verify_token.c \
    $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs cmsverify) -o "$out/verify_token_pc"
LD_LIBRARY_PATH="$prefix/lib" "$out/verify_token_pc" tests/data/keystone/signing_cert.pem \
    tests/data/keystone/cacert.pem tests/data/keystone/token.pki | cmp - tests/data/keystone/token.json
rm -rf "$prefix"
echo "C ABI: pkg-config build works"

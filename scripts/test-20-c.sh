#!/usr/bin/env bash
# C ABI: build libcmsverify (.so and .a), compile the C tests and the example
# against include/cmsverify.h with gcc -Wall -Wextra -Werror, run them against
# both libraries, once under valgrind, check the header from C++, check the
# documented install + pkg-config step, and print the per-verify time from C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command gcc gcc
need_command valgrind valgrind
need_command pkg-config pkg-config

cargo build --release --lib
lib=target/release
out=tests/c/build
mkdir -p "$out"
cflags=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -g -Iinclude)
static=("$lib/libcmsverify.a" -lpthread -ldl -lm)

gcc "${cflags[@]}" tests/c/test_verify.c -L"$lib" -lcmsverify -lpthread -o "$out/test_shared"
gcc "${cflags[@]}" tests/c/test_verify.c "${static[@]}" -o "$out/test_static"
gcc "${cflags[@]}" examples/c/verify_token.c "${static[@]}" -o "$out/verify_token"
gcc "${cflags[@]}" tests/c/bench_verify.c "${static[@]}" -o "$out/bench_verify"

echo "-- C tests against libcmsverify.so"
LD_LIBRARY_PATH="$lib" "$out/test_shared"
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
    LD_LIBRARY_PATH="$lib" valgrind --leak-check=full --error-exitcode=1 --log-file="$log" \
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

echo "-- install + pkg-config"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
bash scripts/install-c.sh "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config output is meant to be split
gcc "${cflags[@]}" examples/c/verify_token.c $(pkg-config --cflags --libs cmsverify) \
    -o "$out/verify_token_pc"
LD_LIBRARY_PATH="$prefix/lib" "$out/verify_token_pc" "$k/signing_cert.pem" "$k/cacert.pem" \
    "$k/token.pki" | cmp - "$k/token.json"
echo "C ABI: all C tests passed"

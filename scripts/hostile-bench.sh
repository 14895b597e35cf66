#!/usr/bin/env bash
# Measures cmsverify and `openssl cms -verify` on every attack message of
# tests/attacks (make-attacks): wall seconds, peak RSS, exit code and the
# first error line, as a markdown table on stdout (progress on stderr).
#   bash scripts/hostile-bench.sh [OUT_DIR]
# Every run is bounded: HOSTILE_TIMEOUT seconds (default 10, then killed,
# exit 124) and HOSTILE_MEM_MB of address space (default 4096; an allocation
# beyond it aborts the run). OUT_DIR (default: a temporary directory, removed
# afterwards) keeps the messages.
# openssl gets the DER file with keystoneclient's arguments (-nosmimecap
# -nodetach -nocerts -noattr) and an empty SSL_CERT_DIR, as
# tests/differential.rs runs it; cmsverify gets both the DER file and the
# PKIZ token (auto-detected form).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command /usr/bin/time time
need_command openssl openssl

timeout_s=${HOSTILE_TIMEOUT:-10}
mem_mb=${HOSTILE_MEM_MB:-4096}
certfile=tests/data/keystone/signing_cert.pem
cafile=tests/data/keystone/cacert.pem

echo "building the release CLI and the generator" >&2
cargo build --release --features cli --bin cmsverify >&2
cargo build --release -p cmsverify-attacks --bin make-attacks >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=${1:-$work/attacks}
mkdir -p "$work/certs"
echo "generating into $dir" >&2
target/release/make-attacks "$dir" --signer-cert "$certfile" 2>/dev/null

# measure NAME CMD...: runs CMD bounded; prints "seconds|KiB|exit|first stderr line".
measure() {
    local name=$1
    shift
    local tf="$work/$name.time" err="$work/$name.err" code=0
    (
        ulimit -v $((mem_mb * 1024))
        exec /usr/bin/time -o "$tf" -f "%e %M" timeout -k 5 "$timeout_s" "$@"
    ) >/dev/null 2>"$err" || code=$?
    local secs kib
    read -r secs kib < <(tail -1 "$tf" 2>/dev/null || echo "? ?")
    local first
    first=$({ grep -v '^Command exited with non-zero status' "$err" || true; } | head -1 | cut -c1-90 | tr '|' '/')
    [ "$code" -eq 124 ] && first="timeout after ${timeout_s} s"
    echo "$secs|$kib|$code|${first:-}"
}

echo "| class | message | input bytes | cmsverify s | cmsverify peak KiB | cmsverify exit | cmsverify error | openssl s | openssl peak KiB | openssl exit |"
echo "|---|---|---:|---:|---:|---:|---|---:|---:|---:|"
total=$(($(wc -l <"$dir/manifest.tsv") - 1))
i=0
tail -n +2 "$dir/manifest.tsv" | while IFS=$'\t' read -r name class _der_bytes _pkiz_bytes _description; do
    i=$((i + 1))
    for ext in der pkiz; do
        file="$dir/$name.$ext"
        echo "[$i/$total] $name.$ext: cmsverify" >&2
        IFS='|' read -r c_s c_kib c_code c_err < <(measure "$name-$ext-cmsverify" \
            target/release/cmsverify verify --certfile "$certfile" --cafile "$cafile" --in "$file")
        o_s="n/a" o_kib="n/a" o_code="n/a"
        if [ "$ext" = der ]; then
            echo "[$i/$total] $name.$ext: openssl" >&2
            IFS='|' read -r o_s o_kib o_code _ < <(SSL_CERT_DIR="$work/certs" measure "$name-openssl" \
                openssl cms -verify -inform DER -in "$file" -certfile "$certfile" -CAfile "$cafile" \
                -nosmimecap -nodetach -nocerts -noattr -out /dev/null)
        fi
        echo "| $class | $name.$ext | $(stat -c %s "$file") | $c_s | $c_kib | $c_code | $c_err | $o_s | $o_kib | $o_code |"
    done
done

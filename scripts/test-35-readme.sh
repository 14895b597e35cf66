#!/usr/bin/env bash
# README examples: the first ```rust, ```c and ```python blocks of README.md
# are complete programs. Extract them and run them as copied, from the
# repository root against the shipped sample data, so they cannot rot:
# the Rust one as the main.rs of a fresh cargo project depending on this
# crate, the C one compiled against the installed header and library, the
# Python one with the wheel test-30-python.sh installed into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command gcc gcc
need_command pkg-config pkg-config

root=$PWD
work=target/readme-examples
rm -rf "$work"
mkdir -p "$work"

# first_block LANG: the first fenced block of LANG in README.md, verbatim.
first_block() {
    python3 - "$1" <<'PY'
import re, sys
text = open("README.md", encoding="utf-8").read()
match = re.search(r"^```%s\n(.*?)^```$" % re.escape(sys.argv[1]), text, re.S | re.M)
if not match:
    sys.exit("README.md has no ```%s block" % sys.argv[1])
sys.stdout.write(match.group(1))
PY
}
expected=tests/data/keystone/token.json

echo "-- Rust"
mkdir -p "$work/rust/src"
cat > "$work/rust/Cargo.toml" <<TOML
[package]
name = "readme-example"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
cmsverify = { path = "$root" }

[workspace]
TOML
cp Cargo.lock "$work/rust/"  # the versions the crate is tested with
first_block rust > "$work/rust/src/main.rs"
CARGO_TARGET_DIR="$root/target" cargo build --quiet --manifest-path "$work/rust/Cargo.toml"
out=$("$root/target/debug/readme-example")
echo "$out"
[ "$out" = "$(wc -c < "$expected") bytes signed by C=US, O=OpenStack, CN=Keystone Signing" ]

echo "-- C (installed under a temporary prefix, found through the rpath)"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
bash scripts/install-c.sh "$prefix" >/dev/null
first_block c > "$work/app.c"
# shellcheck disable=SC2046 # pkg-config output is meant to be split
gcc -Wall -Wextra -Werror "$work/app.c" \
    $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs cmsverify) \
    -Wl,-rpath,"$prefix/lib" -o "$work/app"
"$work/app" | cmp - "$expected"

echo "-- Python"
first_block python > "$work/example.py"
out=$(.venv/bin/python "$work/example.py")
echo "$out"
grep -q '^<cmsverify.Verified .* content bytes signed by "C=US, O=OpenStack, CN=Keystone Signing">$' <<< "$out"
grep -q '^3 ' <<< "$out"
echo "README examples: all ran"

#!/usr/bin/env bash
# Python figures (issue 19): builds the extension in release mode into a venv
# with python-keystoneclient, then runs python/bench/bench_keystone.py, which
# measures cmsverify.keystone.cms_verify against keystoneclient's (spawning
# openssl) on distinct 3 KB tokens and 1 vs 2 threads, and prints the ratios
# next to their targets (>= 150x, >= 1.8x). Not part of the test command:
# speed is never asserted by tests. Needs a quiet machine for figures worth
# quoting.
#   bash scripts/bench-python.sh [--seconds 3]
# BENCH_VENV (default .venv-bench) is created when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command openssl openssl

venv=${BENCH_VENV:-.venv-bench}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "python-keystoneclient==6.0.0"

echo "--> build and install the extension (maturin develop --release)"
# A native build for this machine (no zig, no manylinux tag): what is
# measured is the module, not the wheel's packaging.
VIRTUAL_ENV="$PWD/$venv" "$venv/bin/python" -m maturin develop --release --quiet \
    -m python/Cargo.toml

echo "--> python/bench/bench_keystone.py $*"
# From the repository root, where no cmsverify package shadows the installed one.
"$venv/bin/python" python/bench/bench_keystone.py "$@"

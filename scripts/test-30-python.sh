#!/usr/bin/env bash
# Python: the binding's Rust unit tests (linked to libpython, hence without
# the extension-module feature), then build the wheel with maturin, install it
# with the test tools, the real python-keystoneclient 6.0.0 (the differential
# test runs it with the real openssl) and keystonemiddleware 4.22.0 (the last
# release verifying PKI tokens: the end-to-end auth_token test) into .venv,
# run the pytest suite. The CLI is built for the doctor check of the
# signing_dir auth_token writes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command openssl openssl

cargo test -p cmsverify-python --no-default-features

python3 -m venv .venv
venv_python=.venv/bin/python
"$venv_python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "pytest>=7" "python-keystoneclient==6.0.0" \
    "keystonemiddleware==4.22.0"
rm -rf target/wheels
"$venv_python" -m maturin build --release --quiet -m python/Cargo.toml -o target/wheels
"$venv_python" -m pip install --quiet --force-reinstall --no-deps target/wheels/cmsverify-*.whl
cargo build --features cli --bin cmsverify
CMSVERIFY_CLI="$PWD/target/debug/cmsverify" "$venv_python" -m pytest -q python/tests

#!/usr/bin/env bash
# Python: the binding's Rust unit tests (linked to libpython, hence without
# the extension-module feature), then build the wheel with maturin, install it
# with the test tools and the real python-keystoneclient into .venv, run the
# pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test -p cmsverify-python --no-default-features

python3 -m venv .venv
venv_python=.venv/bin/python
"$venv_python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "pytest>=7" "python-keystoneclient==6.0.0"
rm -rf target/wheels
"$venv_python" -m maturin build --release --quiet -m python/Cargo.toml -o target/wheels
"$venv_python" -m pip install --quiet --force-reinstall --no-deps target/wheels/cmsverify-*.whl
"$venv_python" -m pytest -q python/tests

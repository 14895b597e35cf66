#!/usr/bin/env bash
# Python: the binding's Rust unit tests (linked to libpython, hence without
# the extension-module feature), then build the manylinux2014 wheel with
# maturin and zig, check its platform tag, check the type stub against the
# built module with mypy.stubtest, install the wheel with the test tools, the
# real python-keystoneclient 6.0.0 (the differential test runs it with the
# real openssl) and keystonemiddleware 4.22.0 (the last release verifying PKI
# tokens: the end-to-end auth_token test) into .venv, run the pytest suite.
# The CLI is built for the doctor check of the signing_dir auth_token writes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_command openssl openssl

cargo test -p cmsverify-python --no-default-features

echo "--> python: venv .venv with maturin, ziglang, auditwheel, mypy and the test tools"
python3 -m venv .venv
venv_python=.venv/bin/python
# ziglang ships the zig toolchain as a PyPI wheel (about 400 MB unpacked):
# maturin's --zig links the module against glibc 2.17's symbol versions with
# it. Tested with ziglang 0.17.1 and maturin 1.16.
"$venv_python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "ziglang>=0.17,<0.18" "auditwheel>=6,<7" "mypy>=2,<3" \
    "pytest>=7" "python-keystoneclient==6.0.0" "keystonemiddleware==4.22.0"

echo "--> python: build the manylinux2014 wheel (maturin build --release --zig)"
rm -rf target/wheels
# compatibility = "manylinux2014" comes from python/pyproject.toml; --zig has
# no pyproject.toml switch in maturin 1.x. maturin finds zig by running
# `python -m ziglang` with CARGO_ZIGBUILD_PYTHON_PATH, here the venv's python.
CARGO_ZIGBUILD_PYTHON_PATH="$PWD/$venv_python" \
    "$venv_python" -m maturin build --release --zig --quiet -m python/Cargo.toml -o target/wheels

echo "--> python: check the wheel's platform tag"
wheels=(target/wheels/cmsverify-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
    echo "expected exactly one wheel in target/wheels, found: ${wheels[*]}" >&2
    exit 1
fi
wheel="${wheels[0]}"
echo "wheel: $(basename "$wheel")"
# The file name carries the tags maturin gave it: one abi3 wheel for
# CPython >= 3.8, for glibc 2.17 and later on x86_64.
case "$(basename "$wheel")" in
    cmsverify-*-cp38-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl) ;;
    *)
        echo "wheel is not tagged cp38-abi3-manylinux2014_x86_64 (glibc 2.17+)" >&2
        exit 1
        ;;
esac
# auditwheel reads the module's versioned glibc symbols itself, independently
# of maturin's own check, and names the oldest tag they allow.
audit=$(.venv/bin/auditwheel show "$wheel")
if ! grep -q '"manylinux_2_17_x86_64"' <<<"$audit"; then
    echo "auditwheel does not find the wheel consistent with manylinux_2_17_x86_64:" >&2
    echo "$audit" >&2
    exit 1
fi
echo "auditwheel: consistent with manylinux_2_17_x86_64"

echo "--> python: install the wheel"
"$venv_python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"

echo "--> python: mypy.stubtest: cmsverify/_cmsverify.pyi against the installed module"
# Run from the repository root, which has no cmsverify package of its own, so
# the installed wheel is imported; mypy's cache goes under target/.
MYPY_CACHE_DIR=target/mypy-cache "$venv_python" -m mypy.stubtest cmsverify._cmsverify

echo "--> python: pytest"
cargo build --features cli --bin cmsverify
CMSVERIFY_CLI="$PWD/target/debug/cmsverify" "$venv_python" -m pytest -q python/tests

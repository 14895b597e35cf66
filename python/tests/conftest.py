"""Shared fixtures: paths of the committed Keystone sample (tests/data/keystone)."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYSTONE = ROOT / "tests" / "data" / "keystone"


@pytest.fixture
def ks():
    """Path of a file in the Keystone sample."""
    return lambda name: str(KEYSTONE / name)


@pytest.fixture
def read():
    """Bytes of a file in the Keystone sample."""
    return lambda name: (KEYSTONE / name).read_bytes()

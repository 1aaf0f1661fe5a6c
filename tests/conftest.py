"""Shared fixtures. Unit tests need nothing; integration tests need a real broker
(see tests/integration/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_00e98ae14ee33cae.txt"
DATA = REPO / "tests" / "data"


def require_binary(name: str, package: str) -> str:
    """Path of a tool from Debian's packages; a test that needs it FAILS (not skips)
    when it is missing, saying how to install it."""
    import shutil

    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not on PATH: run scripts/install-system-deps (Debian package `{package}`; "
                    "make test does this)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED

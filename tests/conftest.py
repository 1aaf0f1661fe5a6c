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


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/cluster starts three brokers: it runs only when named (`make test-cluster`),
    never as part of the whole suite."""
    cluster = REPO / "tests" / "cluster"
    if collection_path == cluster:
        named = [Path(arg.split("::")[0]).resolve() for arg in config.args]
        return not any(path == cluster or cluster in path.parents for path in named)
    return None


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


COMPOSE_TESTS = REPO / "tests" / "compose"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/compose needs a Docker engine and minutes of image builds: only
    `make test-compose` (pytest tests/compose) runs it, never a plain `pytest`."""
    if collection_path != COMPOSE_TESTS:
        return None
    for arg in config.args:
        asked = Path(arg.split("::")[0]).resolve()
        if asked == COMPOSE_TESTS or COMPOSE_TESTS in asked.parents:
            return None
    return True

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


# Suites that run only when named: tests/cluster starts three brokers (`make
# test-cluster`), tests/compose needs a Docker engine and minutes of image builds
# (`make test-compose`). A plain `pytest` or `make test` never collects them.
NAMED_ONLY = (REPO / "tests" / "cluster", REPO / "tests" / "compose")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path not in NAMED_ONLY:
        return None
    for arg in config.args:
        asked = Path(arg.split("::")[0]).resolve()
        if asked == collection_path or collection_path in asked.parents:
            return None
    return True


def stale_compiled_modules() -> list[str]:
    """Compiled enrichers (setup.py, `make native`) older than their source: Python would
    import the .so and test yesterday's code."""
    stale = []
    for so in (REPO / "services").rglob("*.so"):
        source = so.with_name(so.name.split(".", 1)[0] + ".py")
        if source.exists() and source.stat().st_mtime > so.stat().st_mtime:
            stale.append(str(source.relative_to(REPO)))
    return stale


def pytest_sessionstart(session: pytest.Session) -> None:
    if stale := stale_compiled_modules():
        raise pytest.UsageError(f"compiled modules older than {', '.join(stale[:3])}"
                                f"{' ...' if len(stale) > 3 else ''}: run `make native` (or NEWSWIRE_COMPILE=0 make native)")

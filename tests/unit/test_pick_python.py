"""scripts/pick-python: the interpreter `make` builds .venv from (the Makefile's PYTHON)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO

SYSTEM = Path("/usr/bin/python3")


def _is_311_or_newer(python: str) -> bool:
    check = subprocess.run([python, "-c", "import sys; sys.exit(sys.version_info < (3, 11))"], check=False)
    return check.returncode == 0


def _picked() -> str:
    return subprocess.run([str(REPO / "scripts" / "pick-python")], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_distributions_python3_is_picked_when_it_is_311_or_newer() -> None:
    picked = _picked()
    assert _is_311_or_newer(picked), picked
    if SYSTEM.exists() and _is_311_or_newer(str(SYSTEM)):
        assert picked == str(SYSTEM)
    else:
        assert picked == shutil.which("python3")


def test_the_makefile_builds_the_venv_from_the_picked_python() -> None:
    plan = subprocess.run(["make", "-n", "-B", "-C", str(REPO), ".venv/.installed"], capture_output=True, text=True,
                          check=True).stdout
    assert f"{_picked()} -m venv .venv" in plan, plan

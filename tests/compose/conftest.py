"""The compose stack on a real Docker engine, driven by pytest-docker.

Run by `make test-compose` (scripts/test-compose starts the engine and makes the
images); `make test` does not collect this folder. No engine, no run: every test
here FAILS when `docker` cannot reach an engine (never a skip).

The stack is the repository's docker-compose.yml as users run it, plus
compose.test.yml, which only mounts a copy of seeds/ (so tests can drop files
into it without touching the repository). Grafana is left out where its image
cannot be had (scripts/compose-stack services decides, as for make compose-up).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import require_binary

REPO = Path(__file__).resolve().parents[2]
PROJECT = os.environ.get("NEWSWIRE_COMPOSE_PROJECT", "newswire-test")
SEEDS_COPY = REPO / ".local" / "compose-test-seeds"
FILES = [REPO / "docker-compose.yml", Path(__file__).with_name("compose.test.yml")]


def run(args: list[str], timeout: float = 120, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}", pytrace=False)
    return result


def compose(*args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    cmd = ["docker", "compose", "-p", PROJECT]
    for f in FILES:
        cmd += ["-f", str(f)]
    return run(cmd + list(args), timeout=timeout, check=check, cwd=REPO)


def containers(service: str) -> list[dict]:
    """`docker inspect` of every container of a service, stopped ones too."""
    ids = compose("ps", "-a", "-q", service).stdout.split()
    return json.loads(run(["docker", "inspect", *ids]).stdout) if ids else []


def wait_for(what: str, check, timeout: float, pause: float = 2.0):
    """Poll check() until it returns something truthy; fail naming `what` and the last value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(pause)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last seen: {last!r})", pytrace=False)


def _engine_answers() -> str | None:
    if shutil.which("docker") is None:
        return "the docker CLI is not on PATH"
    try:
        result = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"],
                                capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "`docker version` timed out"
    if result.returncode != 0:
        return (result.stderr.strip().splitlines() or ["no answer"])[-1]
    return None


@pytest.fixture(scope="session", autouse=True)
def engine() -> None:
    problem = _engine_answers()
    if problem:
        pytest.fail(f"no Docker engine for the compose tests ({problem}); run them with `make test-compose`, "
                    "which starts one (scripts/docker-engine start)", pytrace=False)


@pytest.fixture(scope="session")
def kcat() -> str:
    return require_binary("kcat", "kcat")


# ----------------------------------------------------------------- pytest-docker


@pytest.fixture(scope="session")
def docker_compose_command() -> str:
    return "docker compose"


@pytest.fixture(scope="session")
def docker_compose_file() -> list[str]:
    return [str(f) for f in FILES]


@pytest.fixture(scope="session")
def docker_compose_project_name() -> str:
    return PROJECT


@pytest.fixture(scope="session")
def stack_services(engine) -> list[str]:
    """The services to run: those whose images this engine has or builds."""
    result = run([str(REPO / "scripts" / "compose-stack"), "services"], cwd=REPO)
    names = result.stdout.split()
    assert {"kafka", "kafka-init", "producer", "consumer", "prometheus"} <= set(names), names
    return names


@pytest.fixture(scope="session")
def seeds_copy():
    if SEEDS_COPY.exists():
        shutil.rmtree(SEEDS_COPY)
    shutil.copytree(REPO / "seeds", SEEDS_COPY)
    # The containers run as uid 10001: the copy must be readable by it.
    SEEDS_COPY.chmod(0o755)
    yield SEEDS_COPY
    shutil.rmtree(SEEDS_COPY, ignore_errors=True)


@pytest.fixture(scope="session")
def docker_setup(stack_services, seeds_copy) -> list[str]:
    os.environ["NEWSWIRE_TEST_SEEDS"] = str(seeds_copy)
    # A clean slate first: a run that died may have left the project behind.
    return ["down -v --remove-orphans", "up -d --build --wait --wait-timeout 300 " + " ".join(stack_services)]


@pytest.fixture(scope="session")
def docker_cleanup() -> list[str]:
    return ["down -v --remove-orphans"]


@pytest.fixture(scope="session")
def stack(docker_services):
    """The running stack (pytest-docker's docker_services, up and healthy)."""
    return docker_services

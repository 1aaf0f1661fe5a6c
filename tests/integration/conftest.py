"""Integration tests run against a real Kafka broker, never a mock.

Where the broker comes from, in order:
1. NEWSWIRE_TEST_BOOTSTRAP_SERVERS (what `make test` sets after `scripts/local-kafka start`);
2. a Docker engine, if one answers: the compose file's `kafka` service via pytest-docker;
3. otherwise every integration test FAILS (not skips) and says how to get a broker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from newswire.service.ports import free_port
from tests.integration.kafka_helpers import ServiceProcess, TopicSet, wait_for_broker

REPO = Path(__file__).resolve().parents[2]
COMPOSE_BOOTSTRAP = "127.0.0.1:29092"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


def _docker_engine_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=15).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def docker_compose_file() -> str:
    return str(REPO / "docker-compose.yml")


@pytest.fixture(scope="session")
def docker_setup() -> list[str]:
    return ["up --build --wait kafka kafka-init"]


@pytest.fixture(scope="session")
def bootstrap_servers(request: pytest.FixtureRequest) -> str:
    configured = os.environ.get("NEWSWIRE_TEST_BOOTSTRAP_SERVERS")
    if configured:
        servers = configured
    elif _docker_engine_available():
        request.getfixturevalue("docker_services")
        servers = COMPOSE_BOOTSTRAP
    else:
        pytest.fail(
            "no Kafka broker for integration tests: run `make test` (starts one from the official jars), "
            "or `scripts/local-kafka start` and export NEWSWIRE_TEST_BOOTSTRAP_SERVERS=<the address it prints>",
            pytrace=False,
        )
    try:
        wait_for_broker(servers, timeout=60)
    except TimeoutError as exc:
        pytest.fail(f"Kafka at {servers} did not answer: {exc}", pytrace=False)
    return servers


@pytest.fixture
def topics(bootstrap_servers: str) -> TopicSet:
    """Fresh topic names and group per test, so tests never see each other's messages."""
    suffix = uuid.uuid4().hex[:10]
    return TopicSet(
        bootstrap=bootstrap_servers,
        raw=f"test.{suffix}.raw",
        enriched=f"test.{suffix}.enriched",
        dlq=f"test.{suffix}.dlq",
        group=f"test-{suffix}",
    )


@pytest.fixture
def consumer_factory(topics: TopicSet):
    """Start `newswire consume` processes; every one left running is stopped at teardown."""
    started: list[ServiceProcess] = []

    def start(**env: str) -> ServiceProcess:
        proc = ServiceProcess.consume(topics, extra_env=env)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    """A real redis-server (Debian's package) on a free port, for the shared dedup index."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: run scripts/install-system-deps (make test does)", pytrace=False)
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            import time

            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start", pytrace=False)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


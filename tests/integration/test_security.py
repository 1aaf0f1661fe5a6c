"""SASL/SCRAM on a real broker: a broker of this module's own, started by
`scripts/local-kafka start` with NEWSWIRE_KAFKA_SASL_USERS, so it has a
SASL_PLAINTEXT listener (SCRAM-SHA-256 and SCRAM-SHA-512) next to PLAINTEXT.

Checked: the services work over SASL with the right password, fail clearly and
boundedly with a wrong one, and never let the password out (logs, /metrics).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from newswire.core.models import EnrichedArticle
from tests.conftest import REPO, SEED
from tests.integration.kafka_helpers import (
    ServiceProcess,
    TopicSet,
    free_port,
    http_get,
    read_topic,
    wait_for_broker,
)

LOCAL_KAFKA = REPO / "scripts" / "local-kafka"
START_TIMEOUT = 120
USER = "newswire"
MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"]
# What the one stderr line of a refused login has to say.
AUTH_FAILED = re.compile(r"authenticat\w*\b.*\bfail|fail\w*\b.*\bauthenticat", re.IGNORECASE)


@dataclass(frozen=True)
class SaslBroker:
    plaintext: str  # PLAINTEXT listener, no credentials
    sasl: str  # SASL_PLAINTEXT listener
    password: str  # of USER
    state_dir: Path
    script_env: dict[str, str]

    def settings_env(self, mechanism: str, password: str | None = None) -> dict[str, str]:
        """NEWSWIRE_* connection settings for the SASL listener."""
        return {
            "NEWSWIRE_BOOTSTRAP_SERVERS": self.sasl,
            "NEWSWIRE_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "NEWSWIRE_SASL_MECHANISM": mechanism,
            "NEWSWIRE_SASL_USERNAME": USER,
            "NEWSWIRE_SASL_PASSWORD": self.password if password is None else password,
        }

    def client_config(self, mechanism: str) -> dict[str, str]:
        """The same, for a kafka-python client of the test's own."""
        return {
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": mechanism,
            "sasl_plain_username": USER,
            "sasl_plain_password": self.password,
        }


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"({path}: {exc.strerror})"


def _clean_environ() -> dict[str, str]:
    """os.environ without NEWSWIRE_* settings, so a developer's exported
    NEWSWIRE_SASL_PASSWORD or broker address cannot leak into a case."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSWIRE_")}


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory):
    state_dir = tmp_path_factory.mktemp("kafka-sasl")
    password = secrets.token_urlsafe(24)
    env = {
        **_clean_environ(),
        "NEWSWIRE_KAFKA_DIR": str(state_dir),
        "NEWSWIRE_KAFKA_SASL_USERS": f"{USER}:{password}",
        # The script's own deadline stays inside ours, so it can clean up after itself.
        "NEWSWIRE_KAFKA_START_TIMEOUT": str(START_TIMEOUT - 20),
    }
    for key in ("NEWSWIRE_CACHE_DIR", "NEWSWIRE_KAFKA_VERSION", "NEWSWIRE_KAFKA_HEAP"):
        if key in os.environ:
            env[key] = os.environ[key]

    try:
        try:
            started = subprocess.run([str(LOCAL_KAFKA), "start"], env=env, capture_output=True, text=True,
                                     timeout=START_TIMEOUT, cwd=REPO)
        except subprocess.TimeoutExpired as exc:
            stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
            pytest.fail(f"SASL broker not up within {START_TIMEOUT}s\n--- local-kafka stderr ---\n{stderr[-3000:]}"
                        f"\n--- broker.log ---\n{_tail(state_dir / 'broker.log')}", pytrace=False)
        if started.returncode != 0:
            pytest.fail(f"scripts/local-kafka start exited {started.returncode}\n--- stderr ---\n{started.stderr[-3000:]}"
                        f"\n--- broker.log ---\n{_tail(state_dir / 'broker.log')}", pytrace=False)
        assert password not in started.stdout + started.stderr
        plaintext = started.stdout.strip().splitlines()[-1]
        found = re.search(r"^sasl bootstrap: (127\.0\.0\.1:\d+)$", started.stderr, re.MULTILINE)
        assert found, f"no 'sasl bootstrap:' line on stderr:\n{started.stderr}"
        sasl = found.group(1)
        assert re.fullmatch(r"127\.0\.0\.1:\d+", plaintext) and plaintext != sasl
        yield SaslBroker(plaintext=plaintext, sasl=sasl, password=password, state_dir=state_dir, script_env=env)
    finally:
        subprocess.run([str(LOCAL_KAFKA), "stop"], env=env, capture_output=True, timeout=90, cwd=REPO)


def sasl_topics(broker: SaslBroker) -> TopicSet:
    suffix = uuid.uuid4().hex[:10]
    return TopicSet(bootstrap=broker.sasl, raw=f"sasl.{suffix}.raw", enriched=f"sasl.{suffix}.enriched",
                    dlq=f"sasl.{suffix}.dlq", group=f"sasl-{suffix}")


def newswire_produce(env: dict[str, str], timeout: float = 90) -> tuple[subprocess.CompletedProcess, float]:
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "newswire.service.cli", "produce", str(SEED)],
                          env={**_clean_environ(), "NEWSWIRE_LOG_FORMAT": "json", **env},
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)
    return proc, time.monotonic() - began


def start_consumer(broker: SaslBroker, topics: TopicSet, env: dict[str, str]) -> ServiceProcess:
    port = free_port()
    return ServiceProcess(["consume"], {**topics.env(), **env, "NEWSWIRE_METRICS_PORT": str(port)}, port)


def stop_within(proc: ServiceProcess, seconds: float) -> tuple[int, float]:
    began = time.monotonic()
    try:
        code = proc.stop(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"consumer still running {seconds}s after SIGTERM:\n{proc.logs()}", pytrace=False)
    return code, time.monotonic() - began


def full_log(proc: ServiceProcess) -> str:
    """Everything the process wrote (ServiceProcess.logs() is only the tail)."""
    return proc.log_path.read_text(errors="replace")


# --- the broker itself ----------------------------------------------------------------------


def test_local_kafka_keeps_plaintext_and_reports_the_sasl_listener(sasl_broker: SaslBroker):
    wait_for_broker(sasl_broker.plaintext, timeout=30)  # PLAINTEXT still needs no credentials
    printed = subprocess.run([str(LOCAL_KAFKA), "bootstrap-sasl"], env=sasl_broker.script_env,
                             capture_output=True, text=True, timeout=30)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == sasl_broker.sasl
    assert (sasl_broker.state_dir / "bootstrap-sasl").read_text().strip() == sasl_broker.sasl
    # The generated config holds no secret: the credentials live in the metadata log.
    assert sasl_broker.password not in (sasl_broker.state_dir / "server.properties").read_text()


# --- right password -------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_produce_and_consume_over_sasl(sasl_broker: SaslBroker, mechanism: str):
    topics = sasl_topics(sasl_broker)
    sasl_env = sasl_broker.settings_env(mechanism)

    produced, _ = newswire_produce({**topics.env(), **sasl_env})
    assert produced.returncode == 0, produced.stderr
    assert "published 1" in produced.stderr
    assert sasl_broker.password not in produced.stdout + produced.stderr

    consumer = start_consumer(sasl_broker, topics, sasl_env)
    try:
        consumer.wait_ready(timeout=90)
        [record] = read_topic(sasl_broker.sasl, topics.enriched, expected=1, timeout=90,
                              **sasl_broker.client_config(mechanism))
        article = EnrichedArticle.model_validate_json(record.value)
        assert article.id == record.key.decode()
        assert article.title == "حماس تبحث مع موسكو سبل وقف حرب غزة"
        assert article.enrichment.language == "ar"

        metrics = consumer.metrics()
        assert "newswire_messages_consumed_total" in metrics
        assert sasl_broker.password not in metrics
        code, _ = stop_within(consumer, 30)
        assert code == 0, consumer.logs()
    finally:
        consumer.kill()
    assert sasl_broker.password not in full_log(consumer)


# --- wrong password -------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_produce_with_a_wrong_password_fails_with_one_clear_line(sasl_broker: SaslBroker, mechanism: str):
    wrong = secrets.token_urlsafe(24)
    topics = sasl_topics(sasl_broker)
    proc, elapsed = newswire_produce({**topics.env(), **sasl_broker.settings_env(mechanism, password=wrong),
                                      "NEWSWIRE_CONNECT_TIMEOUT_SECONDS": "5"}, timeout=60)

    assert proc.returncode != 0
    assert elapsed < 30, f"took {elapsed:.1f}s with a 5 s connect timeout"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    for secret in (wrong, sasl_broker.password):
        assert secret not in proc.stdout + proc.stderr
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{proc.stderr}"
    assert AUTH_FAILED.search(lines[0]), f"the line does not say authentication failed: {lines[0]!r}"


def test_consumer_with_a_wrong_password_stays_unready_and_stops_cleanly(sasl_broker: SaslBroker):
    wrong = secrets.token_urlsafe(24)
    topics = sasl_topics(sasl_broker)
    consumer = start_consumer(sasl_broker, topics, {
        **sasl_broker.settings_env("SCRAM-SHA-256", password=wrong),
        "NEWSWIRE_CONNECT_TIMEOUT_SECONDS": "5",
    })
    try:
        # Up and answering: the metrics server starts before the first connection attempt.
        deadline = time.monotonic() + 30
        while True:
            assert consumer.proc.poll() is None, f"consumer exited with {consumer.proc.returncode}:\n{consumer.logs()}"
            try:
                if http_get(consumer.base_url + "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"/healthz never answered:\n{consumer.logs()}"
            time.sleep(0.2)

        # Long enough for two refused logins (5 s connect timeout, then 1 s and 2 s backoff).
        until = time.monotonic() + 15
        while time.monotonic() < until:
            assert consumer.proc.poll() is None, f"consumer exited with {consumer.proc.returncode}:\n{consumer.logs()}"
            assert http_get(consumer.base_url + "/readyz")[0] == 503
            assert http_get(consumer.base_url + "/healthz")[0] == 200
            time.sleep(0.5)
        assert "connect_failed" in full_log(consumer), consumer.logs()

        metrics = consumer.metrics()
        code, elapsed = stop_within(consumer, 20)
        assert code == 0, consumer.logs()
        assert elapsed < 20
    finally:
        consumer.kill()
    output = full_log(consumer)
    for secret in (wrong, sasl_broker.password):
        assert secret not in output
        assert secret not in metrics

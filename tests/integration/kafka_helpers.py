"""Test helpers that talk to the real broker with kafka-python and run the real CLI."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from newswire.core.ids import article_id as make_id
from newswire.core.models import utc_now

# The repository's one free-port helper; the tests import it from here too.
from newswire.service.ports import consecutive_free_ports, free_port  # noqa: F401

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TopicSet:
    bootstrap: str
    raw: str
    enriched: str
    dlq: str
    group: str

    def env(self) -> dict[str, str]:
        return {
            "NEWSWIRE_BOOTSTRAP_SERVERS": self.bootstrap,
            "NEWSWIRE_RAW_TOPIC": self.raw,
            "NEWSWIRE_ENRICHED_TOPIC": self.enriched,
            "NEWSWIRE_DLQ_TOPIC": self.dlq,
            "NEWSWIRE_GROUP_ID": self.group,
            "NEWSWIRE_PARTITIONS": "3",
        }


def wait_for_broker(servers: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(bootstrap_servers=servers.split(","), bootstrap_timeout_ms=5000)
            admin.list_topics()
            admin.close()
            return
        except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
            last = exc
            time.sleep(1)
    raise TimeoutError(str(last))


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for_http(url: str, proc: subprocess.Popen, logs, timeout: float, what: str) -> None:
    """Until `url` answers 200; fail with the process's log if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}:\n{logs()}")
        try:
            if http_get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} not ready within {timeout}s:\n{logs()}")


class ServiceProcess:
    """A `newswire` subprocess with its metrics endpoint on a known port."""

    def __init__(self, args: list[str], env: dict[str, str], metrics_port: int) -> None:
        self.metrics_port = metrics_port
        self.log_path = Path(os.environ.get("PYTEST_TMPDIR", "/tmp")) / f"newswire-{metrics_port}-{time.time_ns()}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newswire.service.cli", *args],
            env={**os.environ, **env, "NEWSWIRE_LOG_FORMAT": "json"},
            stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO,
        )

    @classmethod
    def consume(cls, topics: TopicSet, extra_env: dict[str, str] | None = None) -> ServiceProcess:
        port = free_port()
        env = {**topics.env(), "NEWSWIRE_METRICS_PORT": str(port), **(extra_env or {})}
        return cls(["consume"], env, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}"

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for_http(self.base_url + "/readyz", self.proc, self.logs, timeout, "service")

    def metrics(self) -> str:
        status, text = http_get(self.base_url + "/metrics")
        assert status == 200
        return text

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM and wait: a clean stop finishes the batch, commits and exits 0."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()

    def logs(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]


def metric_value(text: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def produce_raw(bootstrap: str, topic: str, values: list[bytes], keys: list[bytes | None] | None = None) -> None:
    """Put exact bytes on a topic, as a foreign producer might."""
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all", max_request_size=20 * 1024 * 1024)
    try:
        for i, value in enumerate(values):
            producer.send(topic, value=value, key=(keys[i] if keys else None)).get(timeout=30)
    finally:
        producer.close()


def read_topic(bootstrap: str, topic: str, expected: int, timeout: float = 60, **config: Any) -> list[Any]:
    """Every record of the topic, from the beginning, once at least `expected` have
    arrived (and nothing more for a short while), or fail at the timeout."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             auto_offset_reset="earliest", **config)
    try:
        deadline = time.monotonic() + timeout
        partitions: list[TopicPartition] = []
        while time.monotonic() < deadline and not partitions:
            ids = consumer.partitions_for_topic(topic)
            partitions = [TopicPartition(topic, p) for p in sorted(ids or [])]
            if not partitions:
                time.sleep(0.5)
        assert partitions, f"topic {topic} does not exist"
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[Any] = []
        quiet_until = None
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
            if len(records) >= expected:
                quiet_until = quiet_until or time.monotonic() + 2  # catch unexpected extras
                if time.monotonic() >= quiet_until:
                    break
        assert len(records) >= expected, f"{topic}: {len(records)} records, expected {expected}"
        return records
    finally:
        consumer.close()


def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        offsets = admin.list_group_offsets(group)[group]
        return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
    finally:
        admin.close()


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","))
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return {tp.partition: off for tp, off in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def numbered_articles(count: int, start: int = 0) -> list[tuple[str, bytes, str]]:
    """(id, raw message value, sha256 of title+body) for `count` distinct articles."""
    fetched = utc_now().isoformat()
    out = []
    for i in range(start, start + count):
        title = f"Article {i}: grain exports rise as ports reopen"
        body = (f"Shipment {i} left the port on Monday. " * 6 + "\n\n" +
                "Traders said prices would stay firm while the harbour works continue. " * 4)
        article_id = make_id(title=title, body=body)
        value = orjson.dumps({"id": article_id, "title": title, "body": body,
                              "source": {"name": "faults", "kind": "api"}, "fetched_at": fetched})
        out.append((article_id, value, hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()))
    return out


def publish(bootstrap: str, topic: str, articles: list[tuple[str, bytes, str]], rate: float | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all", linger_ms=5)
    try:
        started = time.monotonic()
        for n, (article_id, value, _) in enumerate(articles):
            producer.send(topic, key=article_id.encode(), value=value)
            if rate:
                delay = started + n / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        producer.flush(timeout=120)
    finally:
        producer.close()

"""Helpers for the three-node tests: cluster metadata, newswire's settings for the
cluster, bringing every node back, and a consumer's progress read from its /metrics."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any

from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError

from newswire.service.local_kafka import LocalKafka
from tests.integration.kafka_helpers import (
    ServiceProcess,
    TopicSet,
    committed_offsets,
    end_offsets,
    http_get,
    metric_value,
)

NODES = 3
PARTITIONS = 6
# Replication factor 3 (min.insync.replicas 2 follows), fast group failure detection, and
# a short connect timeout so a CLI facing dead nodes says so within seconds.
CLUSTER_ENV = {"NEWSWIRE_REPLICATION_FACTOR": str(NODES), "NEWSWIRE_PARTITIONS": str(PARTITIONS),
               "NEWSWIRE_SESSION_TIMEOUT_MS": "6000", "NEWSWIRE_HEARTBEAT_INTERVAL_MS": "1000",
               "NEWSWIRE_DEDUP_BACKEND": "off", "NEWSWIRE_CONNECT_TIMEOUT_SECONDS": "5"}


def topic_set(bootstrap: str, name: str) -> TopicSet:
    suffix = f"{name}.{uuid.uuid4().hex[:8]}"
    return TopicSet(bootstrap=bootstrap, raw=f"{suffix}.raw", enriched=f"{suffix}.enriched", dlq=f"{suffix}.dlq",
                    group=f"{suffix}.group")


def newswire_env(topics: TopicSet, **extra: str) -> dict[str, str]:
    return {**topics.env(), **CLUSTER_ENV, **extra}


def partitions_of(admin: KafkaAdminClient, topic: str) -> list[dict[str, Any]]:
    [described] = admin.describe_topics([topic])
    return sorted(described["partitions"], key=lambda p: p["partition_index"])


def wait_for_isr(admin: KafkaAdminClient, topic: str, size: int, timeout: float) -> float:
    """Seconds until every partition has `size` in-sync replicas."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if all(len(p["isr_nodes"]) >= size for p in partitions_of(admin, topic)):
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"ISR not back to {size} within {timeout}s: {partitions_of(admin, topic)}")


def busiest_leader(bootstrap: str, topics: list[str]) -> tuple[int, int]:
    """(node, partitions it leads) for the node leading most partitions of `topics`."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        led = Counter(p["leader_id"] for topic in topics for p in partitions_of(admin, topic))
    finally:
        admin.close()
    return led.most_common(1)[0]


def all_nodes_up(kafka: LocalKafka, bootstrap: str, topics: list[str], timeout: float = 120) -> float:
    """Start every stopped node again; seconds until `topics` have all replicas in sync."""
    started = time.monotonic()
    for node in range(1, NODES + 1):
        if node not in kafka.pids():
            kafka.start_broker(node)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        existing = set(admin.list_topics())
        for topic in topics:
            if topic in existing:
                wait_for_isr(admin, topic, NODES, timeout=timeout)
    finally:
        admin.close()
    return time.monotonic() - started


def delivered(consumer: ServiceProcess) -> float:
    """Outputs (enriched and dead letters) the consumer has had acknowledged."""
    return metric_value(consumer.metrics(), "newswire_messages_produced_total")


def wait_delivered(consumer: ServiceProcess, at_least: float, timeout: float) -> float:
    """Seconds until the consumer has delivered `at_least` outputs; fail if it dies or stalls."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert consumer.proc.poll() is None, f"the consumer exited with {consumer.proc.returncode}:\n{consumer.logs()}"
        if delivered(consumer) >= at_least:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"the consumer delivered {delivered(consumer):.0f} of {at_least:.0f} within {timeout}s:\n"
                         f"{consumer.logs()}")


def readiness(consumer: ServiceProcess) -> int:
    return http_get(consumer.base_url + "/readyz")[0]


class Feeder(threading.Thread):
    """Sends messages at a steady rate with acks=all, as any client feeding articles.raw
    would, and checks every acknowledgement: `acked` are the keys the cluster took."""

    def __init__(self, bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]], rate: float) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic, self.messages, self.rate = bootstrap, topic, messages, rate
        self.sent = 0
        self.acked: set[bytes] = set()
        self.failed = 0

    def run(self) -> None:
        producer = KafkaProducer(bootstrap_servers=self.bootstrap.split(","), acks="all", enable_idempotence=True,
                                 linger_ms=5, delivery_timeout_ms=120_000)
        try:
            futures = []
            began = time.monotonic()
            for n, (key, value) in enumerate(self.messages):
                futures.append((key, producer.send(self.topic, key=key, value=value)))
                self.sent = n + 1
                delay = began + n / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            try:
                producer.flush(timeout=150)
            except KafkaError:
                pass  # each future says what happened
            for key, future in futures:
                try:
                    future.get(timeout=0)
                    self.acked.add(key)
                except Exception:  # noqa: BLE001 - not acknowledged: not expected downstream
                    self.failed += 1
        finally:
            producer.close(timeout=10)

    def finish(self, timeout: float = 200) -> None:
        self.join(timeout=timeout)
        assert not self.is_alive(), "the feeder did not finish"


def wait_drained(topics: TopicSet, timeout: float) -> float:
    """Seconds until the group's committed offsets reach the end of every raw partition.
    With a node down a client may pick it first and fail: that is retried, not an answer."""
    started = time.monotonic()
    last: object = None
    while time.monotonic() - started < timeout:
        try:
            committed = committed_offsets(topics.bootstrap, topics.group, topics.raw)
            ends = end_offsets(topics.bootstrap, topics.raw)
            if ends and all(committed.get(p, 0) >= end for p, end in ends.items()):
                return time.monotonic() - started
            last = (committed, ends)
        except KafkaError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"not drained within {timeout}s: {last}")

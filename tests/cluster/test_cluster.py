"""A real three-node KRaft cluster (newswire.service.local_kafka, `start --brokers 3`):
with replication factor 3, min.insync.replicas=2 and acks=all, SIGKILLing a node loses
no acknowledged write, and the node comes back with its data on the same ports.

Not part of `make test` (three JVMs on a 2-core machine): `make test-cluster`.
The figures (sent, lost, duplicated, recovery times) are printed (`pytest -s`).
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from newswire.service.local_kafka import LocalKafka
from tests.cluster.cluster_helpers import NODES, PARTITIONS, partitions_of, wait_for_isr

REPO = Path(__file__).resolve().parents[2]
BATCH = 2_000  # messages per phase: before the kill, with a node down, after the restart


def produce(bootstrap: str, topic: str, start: int, count: int) -> tuple[list[int], int, float]:
    """Send `count` numbered messages with acks=all: (acknowledged numbers, failures, seconds)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all", enable_idempotence=True,
                             linger_ms=5, delivery_timeout_ms=60_000, request_timeout_ms=10_000)
    began = time.monotonic()
    try:
        futures = [(n, producer.send(topic, key=str(n).encode(), value=f"message {n}".encode()))
                   for n in range(start, start + count)]
        producer.flush(timeout=90)
        acked, failed = [], 0
        for n, future in futures:
            try:
                future.get(timeout=0)
                acked.append(n)
            except Exception:  # noqa: BLE001 - a failed send is counted, not raised
                failed += 1
        return acked, failed, time.monotonic() - began
    finally:
        producer.close(timeout=10)


def read_all(bootstrap: str, topic: str, timeout: float = 60) -> Counter[int]:
    """How many times each message number is in the topic, up to its end offsets now."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        ends = consumer.end_offsets(parts)
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        seen: Counter[int] = Counter()
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in parts):
            assert time.monotonic() < deadline, f"reading {topic} timed out"
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    n = int(record.key)
                    assert record.value == f"message {n}".encode(), f"message {n} arrived changed"
                    seen[n] += 1
        return seen
    finally:
        consumer.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_pids_lists_every_node(cluster: tuple[LocalKafka, str]) -> None:
    kafka, _ = cluster
    env = {**os.environ, "NEWSWIRE_KAFKA_DIR": str(kafka.state_dir)}
    printed = subprocess.run([str(REPO / "scripts" / "local-kafka"), "pids"], env=env, capture_output=True,
                             text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    lines = [line.split() for line in printed.stdout.splitlines()]
    assert [int(node) for node, _ in lines] == [1, 2, 3]
    assert {int(pid) for _, pid in lines} == set(kafka.pids().values())


def test_a_killed_node_loses_no_acknowledged_write(cluster: tuple[LocalKafka, str]) -> None:
    kafka, bootstrap = cluster
    assert len(bootstrap.split(",")) == NODES
    topic = f"durable.{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        admin.create_topics([NewTopic(topic, PARTITIONS, NODES, topic_configs={"min.insync.replicas": "2"})])
        wait_for_isr(admin, topic, NODES, timeout=60)

        before, failed_before, _ = produce(bootstrap, topic, 0, BATCH)
        assert failed_before == 0

        victim = partitions_of(admin, topic)[0]["leader_id"]  # a node that leads partitions
        led = sum(p["leader_id"] == victim for p in partitions_of(admin, topic))
        killed_at = time.monotonic()
        kafka.halt("kill", victim)
        assert victim not in kafka.pids()
        kept = list((kafka.node(victim).dir / "data").glob(f"{topic}-*"))  # its replicas stay on disk
        assert kept, "the killed node's data is gone"

        during, failed_during, during_seconds = produce(bootstrap, topic, BATCH, BATCH)
        assert len(during) > 0, "nothing was acknowledged with one node of three down"
        isr_during = min(len(p["isr_nodes"]) for p in partitions_of(admin, topic))

        restart_began = time.monotonic()
        assert kafka.start_broker(victim) == bootstrap  # same ports
        restart_seconds = time.monotonic() - restart_began
        catch_up = wait_for_isr(admin, topic, NODES, timeout=120)
        recovered = time.monotonic() - killed_at

        after, failed_after, _ = produce(bootstrap, topic, 2 * BATCH, BATCH)
        assert failed_after == 0
        rss_mb = [rss_kb(pid) // 1024 for pid in kafka.pids().values()]
    finally:
        admin.close()

    seen = read_all(bootstrap, topic)
    acked = before + during + after
    lost = [n for n in acked if seen[n] == 0]
    duplicated = sum(c - 1 for c in seen.values() if c > 1)
    print(f"\n[cluster] {NODES} nodes, {PARTITIONS} partitions, RF {NODES}, min.insync.replicas 2, acks=all: "
          f"{3 * BATCH} sent, {len(acked)} acknowledged, {failed_during} failed while node {victim} "
          f"(leader of {led}) was down, {len(lost)} lost, {duplicated} duplicated; smallest ISR while down "
          f"{isr_during}; {BATCH} sends took {during_seconds:.1f}s with the node down; restart {restart_seconds:.1f}s, "
          f"ISR full again {catch_up:.1f}s later, {recovered:.1f}s from the kill; broker RSS {rss_mb} MB")
    assert not lost, f"{len(lost)} acknowledged messages lost, e.g. {lost[:5]}"
    assert isr_during >= 2


def test_newswire_creates_durable_topics_on_the_cluster(cluster: tuple[LocalKafka, str]) -> None:
    """NEWSWIRE_REPLICATION_FACTOR=3: newswire's topics get three replicas and
    min.insync.replicas=2, and it says so."""
    from kafka.admin import ConfigResource, ConfigResourceType

    _, bootstrap = cluster
    suffix = uuid.uuid4().hex[:8]
    raw = f"durable.{suffix}.raw"
    seed = REPO / "seeds" / "000_00e98ae14ee33cae.txt"
    proc = subprocess.run(
        [str(REPO / ".venv" / "bin" / "newswire"), "produce", str(seed), "--topic", raw],
        env={**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": bootstrap, "NEWSWIRE_REPLICATION_FACTOR": "3",
             "NEWSWIRE_LOG_FORMAT": "json"}, capture_output=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    import json

    created = [e for e in map(json.loads, proc.stderr.decode().splitlines()[:-1]) if e.get("event") == "topics_created"]
    assert [(e["replication_factor"], e["min_insync_replicas"]) for e in created] == [(3, 2)], proc.stderr.decode()
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        assert all(len(p["replica_nodes"]) == 3 for p in partitions_of(admin, raw))
        reply = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, raw, {"min.insync.replicas": None})])
        assert reply["topic"][raw]["min.insync.replicas"]["value"] == "2"
    finally:
        admin.close()

"""Delivery under faults, on real brokers: every acknowledged article is delivered, intact.

Bounded in count and time; everything runs on 127.0.0.1 and stops by itself. The
numbers each test measures (duplicates, recovery time) are printed (`pytest -s`).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient

from tests.integration.kafka_helpers import (
    REPO,
    ServiceProcess,
    TopicSet,
    committed_offsets,
    end_offsets,
    http_get,
    numbered_articles,
    publish,
    read_topic,
)

# Fast failure detection, so a SIGKILLed member's partitions move on within seconds.
FAST_GROUP = {"NEWSWIRE_SESSION_TIMEOUT_MS": "6000", "NEWSWIRE_HEARTBEAT_INTERVAL_MS": "1000",
              "NEWSWIRE_PARTITIONS": "6", "NEWSWIRE_DEDUP_BACKEND": "off"}


def create_topics(bootstrap: str, topics: TopicSet, partitions: int = 6, enriched_config: dict | None = None) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        admin.create_topics({
            topics.raw: {"num_partitions": partitions, "replication_factor": 1},
            topics.enriched: {"num_partitions": partitions, "replication_factor": 1, "configs": enriched_config or {}},
            topics.dlq: {"num_partitions": partitions, "replication_factor": 1},
        }, wait_for_metadata=True)
    finally:
        admin.close()


def check_delivered(bootstrap: str, topics: TopicSet, articles, timeout: float = 180, **read_config) -> int:
    """Every article is in the enriched topic, intact; returns how many duplicates there were."""
    records = read_topic(bootstrap, topics.enriched, expected=len(articles), timeout=timeout, **read_config)
    by_id: dict[str, list[dict]] = {}
    for record in records:
        by_id.setdefault(record.key.decode(), []).append(orjson.loads(record.value))
    expected = {article_id: digest for article_id, _, digest in articles}
    missing = set(expected) - set(by_id)
    assert not missing, f"{len(missing)} articles lost, e.g. {sorted(missing)[:5]}"
    for article_id, copies in by_id.items():
        for copy in copies:
            digest = hashlib.sha256(f"{copy['title']}\n{copy['body']}".encode()).hexdigest()
            assert digest == expected[article_id], f"{article_id} arrived changed"
    return len(records) - len(by_id)


def wait_until_drained(bootstrap: str, topics: TopicSet, timeout: float) -> float:
    """Seconds until the group's committed offsets reach the end of every raw partition."""
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        committed = committed_offsets(bootstrap, topics.group, topics.raw)
        if all(committed.get(p, 0) >= end for p, end in end_offsets(bootstrap, topics.raw).items()):
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"lag did not return to zero within {timeout}s: committed "
                         f"{committed_offsets(bootstrap, topics.group, topics.raw)} vs end {end_offsets(bootstrap, topics.raw)}")


@pytest.mark.parametrize("mode", ["at-least-once", "exactly-once"])
def test_kill_9_three_times_loses_nothing(topics: TopicSet, mode: str):
    env = {**FAST_GROUP, **({"NEWSWIRE_EXACTLY_ONCE": "true"} if mode == "exactly-once" else {})}
    create_topics(topics.bootstrap, topics)
    articles = numbered_articles(20_000)
    publish(topics.bootstrap, topics.raw, articles)
    rng = random.Random(7)
    kills = 0
    started = time.monotonic()
    for _ in range(3):
        consumer = ServiceProcess.consume(topics, extra_env=env)
        consumer.wait_ready(timeout=90)
        time.sleep(rng.uniform(2.0, 5.0))  # mid-stream
        consumer.proc.send_signal(signal.SIGKILL)
        consumer.proc.wait(timeout=10)
        kills += 1
    final = ServiceProcess.consume(topics, extra_env=env)
    try:
        final.wait_ready(timeout=90)
        drained = wait_until_drained(topics.bootstrap, topics, timeout=240)
        read_config = {"isolation_level": "read_committed"} if mode == "exactly-once" else {}
        duplicates = check_delivered(topics.bootstrap, topics, articles, **read_config)
        print(f"\n[{mode}] {len(articles)} articles, {kills} kills -9, {duplicates} duplicates, "
              f"drained {drained:.1f}s after the last restart, {time.monotonic() - started:.1f}s in all")
        if mode == "exactly-once":
            assert duplicates == 0, f"{duplicates} duplicates visible to a read_committed reader"
        assert final.stop() == 0
    finally:
        final.kill()


def test_consumer_group_survives_a_kill_and_a_join(topics: TopicSet):
    create_topics(topics.bootstrap, topics)
    articles = numbered_articles(6_000)
    members = [ServiceProcess.consume(topics, extra_env=FAST_GROUP) for _ in range(3)]
    try:
        for member in members:
            member.wait_ready(timeout=90)
        flow = threading.Thread(target=publish, args=(topics.bootstrap, topics.raw, articles, 400.0))
        flow.start()
        time.sleep(4)
        killed_at = time.monotonic()
        members[0].proc.send_signal(signal.SIGKILL)
        members[0].proc.wait(timeout=10)
        time.sleep(3)
        members.append(ServiceProcess.consume(topics, extra_env=FAST_GROUP))
        members[-1].wait_ready(timeout=90)
        flow.join(timeout=120)
        drained = wait_until_drained(topics.bootstrap, topics, timeout=120)
        duplicates = check_delivered(topics.bootstrap, topics, articles)
        print(f"\n[group] 3 members, one killed -9 and one added while {len(articles)} articles flowed: "
              f"{duplicates} duplicates, lag back to zero {time.monotonic() - killed_at:.1f}s after the kill "
              f"({drained:.1f}s after the flow ended)")
        for member in members[1:]:
            assert member.stop() == 0
    finally:
        for member in members:
            member.kill()


def test_refused_enriched_write_goes_to_the_dlq_and_the_offset_moves_on(topics: TopicSet):
    """The enriched topic accepts at most 2,000 bytes per message; a normal article is larger."""
    create_topics(topics.bootstrap, topics, enriched_config={"max.message.bytes": "2000"})
    articles = numbered_articles(3)
    publish(topics.bootstrap, topics.raw, articles)
    consumer = ServiceProcess.consume(topics, extra_env=FAST_GROUP)
    try:
        consumer.wait_ready()
        letters = read_topic(topics.bootstrap, topics.dlq, expected=3, timeout=60)
        for record in letters:
            letter = orjson.loads(record.value)
            assert letter["error"]["stage"] == "produce"
            assert letter["error"]["type"] in ("MessageSizeTooLargeError", "RecordTooLargeError")
            assert {k: v for k, v in record.headers}["newswire.error.stage"] == b"produce"
            assert letter["original"].encode() in {value for _, value, _ in articles}
        wait_until_drained(topics.bootstrap, topics, timeout=30)
        assert consumer.stop() == 0
    finally:
        consumer.kill()


# -- broker bounce: a private broker we can stop and start ---------------------------


@pytest.fixture
def private_broker(tmp_path: Path):
    env = {**os.environ, "NEWSWIRE_KAFKA_DIR": str(tmp_path / "kafka")}
    env.pop("NEWSWIRE_KAFKA_PORT", None)
    script = str(REPO / "scripts" / "local-kafka")
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr[-3000:]
    bootstrap = started.stdout.strip().splitlines()[-1]

    def run(command: str) -> None:
        result = subprocess.run([script, command], env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]

    yield bootstrap, run
    subprocess.run([script, "stop"], env=env, capture_output=True, timeout=120)


def test_broker_bounce_consumer_recovers_and_loses_nothing(private_broker, tmp_path: Path):
    bootstrap, broker = private_broker
    topics = TopicSet(bootstrap=bootstrap, raw="bounce.raw", enriched="bounce.enriched", dlq="bounce.dlq",
                      group="bounce")
    create_topics(bootstrap, topics)
    before = numbered_articles(2_000)
    publish(bootstrap, topics.raw, before)
    consumer = ServiceProcess.consume(topics, extra_env={**FAST_GROUP, "NEWSWIRE_CONNECT_TIMEOUT_SECONDS": "5"})
    try:
        consumer.wait_ready(timeout=90)
        wait_until_drained(bootstrap, topics, timeout=120)
        committed_before = committed_offsets(bootstrap, topics.group, topics.raw)

        broker("pause")
        outage_started = time.monotonic()
        # The producer CLI during the outage: fails loudly, claims nothing it did not get acked.
        jsonl = tmp_path / "during.jsonl"
        during = numbered_articles(50, start=100_000)
        jsonl.write_bytes(b"\n".join(v for _, v, _ in during) + b"\n")
        produced = subprocess.run(
            [sys.executable, "-m", "newswire.service.cli", "produce", str(jsonl)],
            env={**os.environ, **topics.env(), "NEWSWIRE_CONNECT_TIMEOUT_SECONDS": "5"},
            capture_output=True, text=True, timeout=120, cwd=REPO)
        assert produced.returncode != 0, produced.stderr
        assert len(produced.stderr.strip().splitlines()) == 1, produced.stderr
        not_ready_seen = False
        while time.monotonic() - outage_started < 30:
            status, _ = http_get(consumer.base_url + "/readyz")
            not_ready_seen = not_ready_seen or status == 503
            assert consumer.proc.poll() is None, "the consumer died during the outage"
            time.sleep(1)
        assert not_ready_seen, "/readyz never said 503 while the broker was down"

        broker("resume")
        recovered_at = time.monotonic()
        after = numbered_articles(2_000, start=10_000)
        publish(bootstrap, topics.raw, after)
        consumer.wait_ready(timeout=120)
        drained = wait_until_drained(bootstrap, topics, timeout=180)
        duplicates = check_delivered(bootstrap, topics, before + after)
        committed_after = committed_offsets(bootstrap, topics.group, topics.raw)
        assert all(committed_after[p] >= committed_before[p] for p in committed_before)
        print(f"\n[bounce] broker down {recovered_at - outage_started:.0f}s; consumer recovered without a restart, "
              f"drained {drained:.1f}s after the broker came back; {duplicates} duplicates; producer during the "
              f"outage: {produced.stderr.strip()}")
        assert consumer.proc.poll() is None
        assert consumer.stop() == 0
    finally:
        consumer.kill()

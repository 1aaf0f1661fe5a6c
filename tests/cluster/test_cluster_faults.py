"""newswire itself on the three-node cluster while brokers die: `newswire produce` and
`newswire consume` run as subprocesses, as a user runs them, with
NEWSWIRE_REPLICATION_FACTOR=3 (so min.insync.replicas=2 and acks=all).

Each test is bounded (a few minutes at most), starts every node again before it ends,
and prints (`pytest -s`) articles sent, lost (must be 0), duplicated and time to recover.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from newswire.service.local_kafka import LocalKafka
from newswire.service.output_watch import INTERVAL_SECONDS
from tests.cluster.cluster_helpers import (
    CLUSTER_ENV,
    NODES,
    PARTITIONS,
    Feeder,
    all_nodes_up,
    busiest_leader,
    delivered,
    newswire_env,
    readiness,
    topic_set,
    wait_delivered,
    wait_drained,
)
from tests.integration.kafka_helpers import (
    REPO,
    ServiceProcess,
    TopicSet,
    metric_value,
    numbered_articles,
    read_topic,
)
from tests.integration.test_faults import check_delivered

PRODUCED = 5_000
DRAINED = 8_000
RATE = 250.0  # articles a second: the drain lasts about 30 s, long enough for three events
OUTAGE_SECONDS = 45.0  # two of three nodes down this long: two 20 s ack deadlines
BAD = 40  # messages that are not articles: each must come out as a dead letter


def write_jsonl(path: Path, articles: list[tuple[str, bytes, str]]) -> Path:
    path.write_bytes(b"\n".join(value for _, value, _ in articles) + b"\n")
    return path


def newswire_produce(topics: TopicSet, path: Path, timeout: float = 240) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "newswire.service.cli", "produce", str(path)],
                            env={**os.environ, **newswire_env(topics)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)


def tally(stderr: str) -> dict[str, int]:
    """`published N, skipped N, failed N`, the produce command's summary, as numbers."""
    found = re.findall(r"newswire produce: published (\d+), skipped (\d+), failed (\d+)", stderr)
    assert found, f"no summary line from newswire produce:\n{stderr[-3000:]}"
    return dict(zip(("published", "skipped", "failed"), map(int, found[-1])))


def records_in(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","))
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(parts).values()) if parts else 0
    finally:
        consumer.close()


def test_produce_while_a_leader_is_killed_loses_nothing_it_reports_published(
        cluster: tuple[LocalKafka, str], tmp_path: Path) -> None:
    kafka, bootstrap = cluster
    topics = topic_set(bootstrap, "produce")
    articles = numbered_articles(PRODUCED)
    path = write_jsonl(tmp_path / "articles.jsonl", articles)
    # The topic first (with another article), so the leaders to kill are known.
    first = newswire_produce(topics, write_jsonl(tmp_path / "first.jsonl", numbered_articles(1, start=900_000)))
    assert first.wait(timeout=120) == 0, first.communicate()
    victim, led = busiest_leader(bootstrap, [topics.raw])
    try:
        started = time.monotonic()
        proc = newswire_produce(topics, path)
        # SIGKILL the leader once the run is under way (its first records are in).
        while (at_kill := records_in(bootstrap, topics.raw) - 1) < 200:
            assert proc.poll() is None, f"produce ended before the kill: {proc.communicate()}"
            assert time.monotonic() - started < 120, "produce did not start writing"
            time.sleep(0.05)
        killed_at = time.monotonic()
        kafka.halt("kill", victim)
        _, err = proc.communicate(timeout=240)
        finished = time.monotonic()
        counts = tally(err)
    finally:
        recovered = all_nodes_up(kafka, bootstrap, [topics.raw])

    assert counts["published"] + counts["failed"] == PRODUCED and counts["skipped"] == 0, err[-2000:]
    assert proc.returncode == (0 if counts["failed"] == 0 else 1), err[-2000:]
    ours = {article_id for article_id, _, _ in articles}
    records = [r for r in read_topic(bootstrap, topics.raw, expected=PRODUCED - counts["failed"] + 1)
               if r.key.decode() in ours]
    ids = {record.key.decode() for record in records}
    missing = sorted(ours - ids)
    # An article the command reports failed may be missing (or may have landed: a write
    # whose acknowledgement was lost); one it reports published never.
    lost = max(len(missing) - counts["failed"], 0)
    print(f"\n[cluster produce] {PRODUCED} articles by `newswire produce`; node {victim} (leader of {led} of "
          f"{CLUSTER_ENV['NEWSWIRE_PARTITIONS']} partitions) SIGKILLed after {at_kill} were written: published "
          f"{counts['published']}, failed {counts['failed']}, lost {lost}, duplicated {len(records) - len(ids)}; "
          f"the run ended {finished - killed_at:.1f}s after the kill; node back and ISR full {recovered:.1f}s later")
    assert lost == 0, f"{len(missing)} articles missing from {topics.raw} but {counts['failed']} failed: {missing[:5]}"


def flow(articles: list[tuple[str, bytes, str]]) -> list[tuple[bytes, bytes]]:
    """The articles as (key, value), with a bad message (not an article) every 200."""
    messages = [(article_id.encode(), value) for article_id, value, _ in articles]
    for i in range(BAD):
        messages.insert(i * 200 + 100, (b"bad-%d" % i, b"not an article %d" % i))
    return messages


def flowing(bootstrap: str, name: str, count: int, rate: float, **env: str,
            ) -> tuple[TopicSet, list[tuple[str, bytes, str]], Feeder, ServiceProcess]:
    """Fresh topics, `count` articles (plus the bad messages) for a Feeder at `rate`, and
    a `newswire consume` on the cluster (it creates the topics, replicated 3 times)."""
    topics = topic_set(bootstrap, name)
    articles = numbered_articles(count)
    feeder = Feeder(bootstrap, topics.raw, flow(articles), rate)
    return topics, articles, feeder, ServiceProcess.consume(topics, extra_env={**CLUSTER_ENV, **env})


def wait_status(consumer: ServiceProcess, status: int, timeout: float) -> float:
    """Seconds until /readyz answers `status`."""
    started = time.monotonic()
    while readiness(consumer) != status:
        assert consumer.proc.poll() is None, consumer.logs()
        assert time.monotonic() - started < timeout, f"/readyz not {status} within {timeout}s:\n{consumer.logs()}"
        time.sleep(0.2)
    return time.monotonic() - started


def wait_sent(feeder: Feeder, count: float, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while feeder.sent < count:
        assert feeder.is_alive() and time.monotonic() < deadline, f"the feeder stopped at {feeder.sent}"
        time.sleep(0.1)
    return feeder.sent


@pytest.mark.parametrize("mode", ["at-least-once", "exactly-once"])
def test_drain_while_brokers_are_killed_and_restarted(cluster: tuple[LocalKafka, str], mode: str) -> None:
    """While DRAINED articles and BAD bad messages flow in at RATE a second: kill the
    busiest leader, start it again, kill another. Every message the cluster acknowledged
    comes out enriched or dead-lettered."""
    kafka, bootstrap = cluster
    eos = {"NEWSWIRE_EXACTLY_ONCE": "true"} if mode == "exactly-once" else {}
    topics, articles, feeder, consumer = flowing(bootstrap, mode, DRAINED, RATE, **eos)
    messages = feeder.messages
    events: list[str] = []
    try:
        consumer.wait_ready(timeout=120)
        started = time.monotonic()
        feeder.start()
        for step, share in enumerate((0.2, 0.45, 0.7)):
            wait_sent(feeder, share * len(messages))
            wait_delivered(consumer, share * len(messages), timeout=180)  # mid-drain, not after it
            at = feeder.sent
            if step == 1:
                node = next(n for n in range(1, NODES + 1) if n not in kafka.pids())
                began = time.monotonic()
                kafka.start_broker(node)
                events.append(f"node {node} started again at {at} sent ({time.monotonic() - began:.1f}s)")
                continue
            node, led = busiest_leader(bootstrap, [topics.raw, topics.enriched])
            kafka.halt("kill", node)
            # Recovered: everything sent before the kill is out.
            caught_up = wait_delivered(consumer, at, timeout=180)
            events.append(f"node {node} (leader of {led} of {2 * PARTITIONS} raw+enriched partitions) SIGKILLed at "
                          f"{at} sent, all sent before it delivered {caught_up:.1f}s later")
        feeder.finish()
        drained = wait_drained(topics, timeout=240)
        drain_seconds = time.monotonic() - started
        assert consumer.proc.poll() is None, consumer.logs()
        assert consumer.stop() == 0, consumer.logs()
    finally:
        consumer.kill()
        all_nodes_up(kafka, bootstrap, [topics.raw, topics.enriched, topics.dlq])

    read_config = {"isolation_level": "read_committed"} if mode == "exactly-once" else {}
    acked = [a for a in articles if a[0].encode() in feeder.acked]
    duplicates = check_delivered(bootstrap, topics, acked, timeout=180, **read_config)
    bad = {key.decode() for key in feeder.acked if key.startswith(b"bad-")}
    letters = read_topic(bootstrap, topics.dlq, expected=len(bad), timeout=120, **read_config)
    assert all(orjson.loads(r.value)["error"]["stage"] == "decode" for r in letters)
    assert {r.key.decode() for r in letters} == bad, "a bad message is missing from the DLQ"
    duplicates += len(letters) - len(bad)
    print(f"\n[cluster drain {mode}] {len(messages)} messages sent at {RATE:.0f}/s ({BAD} not articles), "
          f"{len(feeder.acked)} acknowledged, {feeder.failed} not; {'; '.join(events)}; lost 0, duplicated "
          f"{duplicates}; all committed {drained:.1f}s after the flow ended, {drain_seconds:.1f}s in all")
    if mode == "exactly-once":
        assert duplicates == 0, f"{duplicates} duplicates visible to a read_committed reader"


def committed_gauge(consumer: ServiceProcess, topic: str) -> dict[int, int]:
    """The offsets the consumer says it committed (newswire_committed_offset), per partition."""
    from prometheus_client.parser import text_string_to_metric_families

    return {int(s.labels["partition"]): int(s.value) for family in text_string_to_metric_families(consumer.metrics())
            for s in family.samples if s.name == "newswire_committed_offset" and s.labels.get("topic") == topic}


def outcomes_by_offset(topics: TopicSet, count: int) -> tuple[dict[tuple[int, int], str], set[str]]:
    """Raw (partition, offset) -> key, and every key that came out enriched or dead-lettered."""
    raw = read_topic(topics.bootstrap, topics.raw, expected=count, timeout=120)
    out = read_topic(topics.bootstrap, topics.enriched, expected=1, timeout=120)
    out += read_topic(topics.bootstrap, topics.dlq, expected=1, timeout=60)
    return {(r.partition, r.offset): r.key.decode() for r in raw}, {r.key.decode() for r in out}


def test_two_of_three_down_stops_writes_and_commits_then_everything_flows(cluster: tuple[LocalKafka, str]) -> None:
    """With two nodes SIGKILLed no write can reach min.insync.replicas=2 (and the
    controllers have no quorum): the consumer's writes stop, /readyz says 503, nothing is
    committed past what was delivered; one node back and everything flows again."""
    kafka, bootstrap = cluster
    topics, articles, feeder, consumer = flowing(bootstrap, "two-down", 4_000, 150.0)
    messages = feeder.messages
    statuses: list[tuple[float, int]] = []
    try:
        consumer.wait_ready(timeout=120)
        feeder.start()
        wait_sent(feeder, 1_000)
        wait_delivered(consumer, 800, timeout=120)
        first, _ = busiest_leader(bootstrap, [topics.raw, topics.enriched])
        second = next(n for n in range(1, NODES + 1) if n != first)
        killed_at = time.monotonic()
        kafka.halt("kill", first)
        kafka.halt("kill", second)
        settled = None
        while (now := time.monotonic()) - killed_at < OUTAGE_SECONDS:
            assert consumer.proc.poll() is None, f"the consumer died with two nodes down:\n{consumer.logs()}"
            statuses.append((now - killed_at, readiness(consumer)))
            text = consumer.metrics()
            if settled is None and metric_value(text, "newswire_in_flight_messages") == 0:
                # No batch in hand, or the one in hand at the kill has ended (its ack deadline
                # passed; what was acknowledged before the kill is counted): from here on
                # nothing may be delivered.
                settled = (delivered(consumer), metric_value(text, "newswire_offset_commits_total", result="ok"),
                           round(now - killed_at, 1))
            time.sleep(0.5)
        assert settled is not None and settled[2] < OUTAGE_SECONDS - 10, f"the batch in hand never ended: {settled}"
        stalled = (delivered(consumer), metric_value(consumer.metrics(), "newswire_offset_commits_total", result="ok"),
                   settled[2])
        claimed = committed_gauge(consumer, topics.raw)
        sent_in_outage = feeder.sent
        restart_began = time.monotonic()
        kafka.start_broker(first)
        restarted = time.monotonic() - restart_began
        ready_again = wait_status(consumer, 200, timeout=120) + restarted
        caught_up = wait_delivered(consumer, sent_in_outage, timeout=180) + restarted
        feeder.finish()
        drained = wait_drained(topics, timeout=240)
        assert consumer.stop() == 0, consumer.logs()
    finally:
        consumer.kill()
        all_nodes_up(kafka, bootstrap, [topics.raw, topics.enriched, topics.dlq])

    first_503 = next((t for t, status in statuses if status == 503), None)
    assert first_503 is not None and first_503 < 20, f"/readyz never said 503 with two nodes down: {statuses}"
    lies = [(round(t, 1), status) for t, status in statuses if t > first_503 and status != 503]
    assert not lies, f"/readyz said ready again with two nodes down: {lies}"
    assert stalled == settled, f"delivered/committed moved with two of three nodes down: {settled} -> {stalled}"
    acked = [a for a in articles if a[0].encode() in feeder.acked]
    duplicates = check_delivered(bootstrap, topics, acked, timeout=180)
    by_offset, came_out = outcomes_by_offset(topics, len(feeder.acked))
    past = [(p, o) for (p, o), key in by_offset.items() if o < claimed.get(p, 0) and key not in came_out]
    assert not past, f"committed past undelivered messages: {past[:5]}"
    print(f"\n[cluster two down] {len(messages)} messages at 150/s, {len(feeder.acked)} acknowledged, {feeder.failed} "
          f"not; nodes {first} and {second} SIGKILLed: /readyz 503 {first_503:.1f}s later and for the rest of the "
          f"{OUTAGE_SECONDS:.0f}s outage; once no write was in flight ({settled[2]:.1f}s), deliveries stayed at "
          f"{stalled[0]:.0f} and commits at {stalled[1]:.0f}; "
          f"committed offsets then {sum(claimed.values())}, none past an undelivered message; node {first} back "
          f"(start {restarted:.1f}s): ready {ready_again:.1f}s, everything sent so far delivered {caught_up:.1f}s "
          f"after the start began; lost 0, duplicated {duplicates}; drained {drained:.1f}s after the flow ended")


def test_rolling_restart_while_articles_flow(cluster: tuple[LocalKafka, str]) -> None:
    """Each node in turn stopped (SIGTERM, as an operator restarts one) and started
    again, waiting for full ISRs in between, while articles flow."""
    kafka, bootstrap = cluster
    topics, articles, feeder, consumer = flowing(bootstrap, "rolling", 9_000, 150.0)
    messages = feeder.messages
    steps: list[str] = []
    under_replicated_seen = 0.0
    not_ready = 0
    try:
        consumer.wait_ready(timeout=120)
        feeder.start()
        wait_sent(feeder, 600)
        outputs = [topics.raw, topics.enriched, topics.dlq]
        for node in range(1, NODES + 1):
            began = time.monotonic()
            kafka.halt("term", node)
            stopped = time.monotonic() - began
            # The consumer's metadata gauge sees its outputs under-replicated (but writable).
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not under_replicated_seen:
                under_replicated_seen = metric_value(consumer.metrics(), "newswire_output_partitions",
                                                     topic=topics.enriched, state="under_replicated")
                not_ready += readiness(consumer) != 200
                time.sleep(0.5)
            kafka.start_broker(node)
            back = all_nodes_up(kafka, bootstrap, outputs)
            not_ready += readiness(consumer) != 200
            steps.append(f"node {node}: stop {stopped:.1f}s, down-to-full-ISR {time.monotonic() - began:.1f}s "
                         f"(ISR {back:.1f}s after the start)")
        feeder.finish()
        drained = wait_drained(topics, timeout=240)
        # The watch describes the outputs every INTERVAL_SECONDS, so the gauge may still show
        # the last node's partitions under-replicated just after its ISR is full again: a
        # few rounds of it (it once read 0 of 6 ok 0.2 s after the drain).
        settled = time.monotonic() + 4 * INTERVAL_SECONDS
        ok = metric_value(consumer.metrics(), "newswire_output_partitions", topic=topics.enriched, state="ok")
        while ok != PARTITIONS and time.monotonic() < settled:
            time.sleep(0.5)
            ok = metric_value(consumer.metrics(), "newswire_output_partitions", topic=topics.enriched, state="ok")
        ok_after = time.monotonic() - began
        assert consumer.stop() == 0, consumer.logs()
    finally:
        consumer.kill()
        all_nodes_up(kafka, bootstrap, [topics.raw, topics.enriched, topics.dlq])

    acked = [a for a in articles if a[0].encode() in feeder.acked]
    duplicates = check_delivered(bootstrap, topics, acked, timeout=180)
    print(f"\n[cluster rolling restart] {len(messages)} messages at 150/s, {len(feeder.acked)} acknowledged, "
          f"{feeder.failed} not; {'; '.join(steps)}; lost 0, duplicated {duplicates}; /readyz not ready in "
          f"{not_ready} samples; drained {drained:.1f}s after the flow ended; all {PARTITIONS} partitions ok in the "
          f"gauge {ok_after:.1f}s after node {NODES} was stopped")
    assert under_replicated_seen > 0, "newswire_output_partitions never showed under_replicated with a node down"
    assert ok == PARTITIONS, f"after the restarts {ok} of {PARTITIONS} enriched partitions are ok"

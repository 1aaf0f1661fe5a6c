"""The consumer's own bugs are loud, never a loop: an enricher that raises, and a write
that raises (serialising an article) in both delivery modes, against the real broker.

The consumer runs in this process so that a bug can be injected into it (monkeypatch);
the broker, topics, offsets and transactions are all real."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import orjson
import pytest

import newswire.core.enrich as enrich_module
import newswire.service.consumer.writer as consumer_module
from newswire.service.consumer import MAX_WRITE_ATTEMPTS, ConsumerService
from newswire.service.endpoints import Health
from newswire.service.settings import Settings
from tests.hostile.pathological import CASES as PATHOLOGICAL
from tests.integration.kafka_helpers import TopicSet, committed_offsets, produce_raw, read_topic

POISON = "poison pill"


def settings_for(topics: TopicSet, **overrides: object) -> Settings:
    return Settings(bootstrap_servers=topics.bootstrap, raw_topic=topics.raw, enriched_topic=topics.enriched,
                    dlq_topic=topics.dlq, group_id=topics.group, partitions=1, **overrides)


@pytest.fixture
def run_consumer() -> Iterator:
    """Start ConsumerService in a thread; stop it (cleanly) at teardown."""
    running: list[tuple[threading.Event, threading.Thread, list[BaseException]]] = []

    def start(settings: Settings) -> list[BaseException]:
        stop, errors = threading.Event(), []

        def target() -> None:
            try:
                ConsumerService(settings, Health("consumer")).run(stop)
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        running.append((stop, thread, errors))
        return errors

    yield start
    for stop, thread, _ in running:
        stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive(), "the consumer did not stop"


def articles(n: int, start: int = 0) -> list[bytes]:
    return [orjson.dumps({"title": f"Article {i}", "body": f"Body number {i} about Rotterdam."})
            for i in range(start, start + n)]


def test_an_enricher_that_raises_is_dead_lettered_with_its_traceback(topics, run_consumer, monkeypatch, caplog):
    original = enrich_module._keywords

    def buggy_keywords(work):
        if POISON in work.article.title:
            raise KeyError("an enricher bug")
        original(work)

    monkeypatch.setattr(enrich_module, "_STAGES", tuple(buggy_keywords if s is original else s
                                                        for s in enrich_module._STAGES))
    errors = run_consumer(settings_for(topics))
    values = articles(3) + [orjson.dumps({"title": f"A {POISON}", "body": "It trips the keyword step."})] + articles(2, 3)
    produce_raw(topics.bootstrap, topics.raw, values)

    enriched = read_topic(topics.bootstrap, topics.enriched, expected=5)
    [letter] = read_topic(topics.bootstrap, topics.dlq, expected=1)
    assert len({r.key for r in enriched}) == 5
    dead = orjson.loads(letter.value)
    assert dead["error"]["stage"] == "enrich" and dead["error"]["type"] == "KeyError"
    trace = dead["error"]["details"]["traceback"]
    assert "Traceback (most recent call last)" in trace and "buggy_keywords" in trace and "an enricher bug" in trace
    assert orjson.loads(dead["original"])["title"] == f"A {POISON}"
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records if r.name == "newswire.core.pipeline")
    assert not errors


@pytest.mark.parametrize("exactly_once", [False, True], ids=["at-least-once", "exactly-once"])
def test_a_write_that_raises_ends_in_the_dlq_after_bounded_retries(topics, run_consumer, monkeypatch, exactly_once):
    real_to_json = consumer_module.to_json
    attempts = []

    def to_json(model):
        if getattr(model, "title", "").endswith(POISON):
            attempts.append(1)
            raise TypeError("cannot serialise this article")
        return real_to_json(model)

    monkeypatch.setattr(consumer_module, "to_json", to_json)
    errors = run_consumer(settings_for(topics, exactly_once=exactly_once))
    values = articles(4) + [orjson.dumps({"title": f"Article {POISON}", "body": "Serialising it fails."})]
    later = [orjson.dumps({"title": f"Later {i}", "body": "Sent after the poison pill."}) for i in range(3)]
    produce_raw(topics.bootstrap, topics.raw, values + later)

    reader = {"isolation_level": "read_committed"} if exactly_once else {}
    enriched = read_topic(topics.bootstrap, topics.enriched, expected=7, timeout=120, **reader)
    [letter] = read_topic(topics.bootstrap, topics.dlq, expected=1, timeout=60, **reader)
    dead = orjson.loads(letter.value)
    assert dead["error"]["stage"] == "produce" and dead["error"]["type"] == "TypeError"
    assert "cannot serialise this article" in dead["error"]["details"]["traceback"]
    assert len(attempts) == MAX_WRITE_ATTEMPTS  # bounded: retried, then given up, never looping
    titles = {orjson.loads(r.value)["title"] for r in enriched}
    assert {f"Later {i}" for i in range(3)} <= titles  # what came after went on
    if exactly_once:
        assert len(enriched) == len(titles) == 7  # no duplicates for a read_committed reader
    assert not errors
    assert sum(committed_offsets(topics.bootstrap, topics.group, topics.raw).values()) == len(values + later)


def wait_committed(topics: TopicSet, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sum(committed_offsets(topics.bootstrap, topics.group, topics.raw).values()) < total:
        assert time.monotonic() < deadline, "the consumer did not get through every message in time"
        time.sleep(1)


def test_pathological_messages_are_enriched_or_dead_lettered(topics, run_consumer):
    errors = run_consumer(settings_for(topics))
    produce_raw(topics.bootstrap, topics.raw, [value for _, value in PATHOLOGICAL],
                keys=[name.encode() for name, _ in PATHOLOGICAL])
    wait_committed(topics, len(PATHOLOGICAL), timeout=240)
    enriched = read_topic(topics.bootstrap, topics.enriched, expected=0, timeout=30)
    letters = read_topic(topics.bootstrap, topics.dlq, expected=0, timeout=30)
    # Every case ends in exactly one of the two topics.
    outcomes = [orjson.loads(r.value)["title"].removeprefix("Pathological input: ") for r in enriched]
    outcomes += [orjson.loads(r.value)["original_key"] for r in letters]
    assert sorted(outcomes) == sorted(name for name, _ in PATHOLOGICAL)
    for letter in letters:
        error = orjson.loads(letter.value)["error"]
        assert error["stage"] in ("validate", "enrich") and error["message"] and "\n" not in error["message"]
    assert not errors  # and the consumer is still running (stopped cleanly at teardown)

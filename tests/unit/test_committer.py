"""The consumer's commit paths with fakes that fail on demand: what is committed, what is
rewound, when a transaction is aborted and retried, and when a message is given up to the
DLQ. The same code runs against the real broker in tests/integration (test_faults.py,
test_own_failures.py); these reach the branches a broker cannot be made to hit on cue."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, MessageSizeTooLargeError
from kafka.structs import OffsetAndMetadata, TopicPartition

from newswire.core.pipeline import PipelineConfig
from newswire.service.consumer import writer as writer_module
from newswire.service.consumer.committer import AtLeastOnce, ExactlyOnce
from newswire.service.consumer.writer import ENRICH_CHUNK, MAX_WRITE_ATTEMPTS, BatchWriter

RAW, ENRICHED, DLQ = "articles.raw", "articles.enriched", "articles.dlq"
P0, P1 = TopicPartition(RAW, 0), TopicPartition(RAW, 1)


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None = None
    timestamp: int = 1_764_493_200_000
    headers: list[tuple[str, bytes]] = field(default_factory=list)


class Future:
    def __init__(self, error: BaseException | None = None) -> None:
        self.exception = error
        self.is_done = True

    def failed(self) -> bool:
        return self.exception is not None

    def get(self, timeout: float | None = None) -> Any:
        if self.exception is not None:
            raise self.exception
        return "metadata"

    def add_callback(self, f: Callable[[Any], Any]) -> None:
        if self.exception is None:
            f("metadata")


@dataclass
class FakeProducer:
    """Fails the sends that `fail` picks; records what was sent and each transaction step."""

    fail: Callable[[str, bytes], BaseException | None] = lambda topic, value: None
    abort_raises: BaseException | None = None
    commit_raises: BaseException | None = None
    sent: list[tuple[str, bytes | None, bytes]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    closed: bool = False

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None, headers: Any = None) -> Future:
        assert value is not None
        self.sent.append((topic, key, value))
        return Future(self.fail(topic, value))

    def flush(self, timeout: float | None = None) -> None:
        self.steps.append("flush")

    def close(self, timeout: float | None = None) -> None:
        self.closed = True

    def init_transactions(self) -> None:
        self.steps.append("init")

    def begin_transaction(self) -> None:
        self.steps.append("begin")

    def send_offsets_to_transaction(self, offsets: Any, consumer_group_metadata: Any) -> None:
        self.steps.append(f"offsets {sorted((tp.partition, m.offset) for tp, m in offsets.items())}")

    def commit_transaction(self) -> None:
        if self.commit_raises is not None:
            raise self.commit_raises
        self.steps.append("commit")

    def abort_transaction(self) -> None:
        self.steps.append("abort")
        if self.abort_raises is not None:
            raise self.abort_raises


@dataclass
class FakeConsumer:
    commit_raises: BaseException | None = None
    commits: list[dict[int, int]] = field(default_factory=list)
    seeks: dict[int, int] = field(default_factory=dict)
    group_offsets: dict[int, int] = field(default_factory=dict)  # what the group coordinator says

    def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        if self.commit_raises is not None:
            raise self.commit_raises
        self.commits.append({tp.partition: m.offset for tp, m in offsets.items()})

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks[partition.partition] = offset

    def committed(self, partition: TopicPartition, timeout_ms: int | None = None) -> int | None:
        return self.group_offsets.get(partition.partition)

    def group_metadata(self) -> str:
        return "group-metadata"


def article(n: int) -> bytes:
    return orjson.dumps({"title": f"Article {n}", "body": f"Dock workers in Rotterdam, story {n}."})


def batch(*per_partition: list[bytes]) -> dict[TopicPartition, list[Record]]:
    return {TopicPartition(RAW, p): [Record(RAW, p, 10 + i, v) for i, v in enumerate(values)]
            for p, values in enumerate(per_partition)}


def make_writer(*producers: FakeProducer, enriched_max_bytes: int | None = None) -> tuple[BatchWriter, list[FakeProducer]]:
    made: list[FakeProducer] = []
    supply = iter(producers)

    def factory() -> FakeProducer:
        made.append(next(supply))
        return made[-1]

    writer = BatchWriter(factory, pipeline=PipelineConfig(), enriched_topic=ENRICHED, dlq_topic=DLQ, group_id="g",
                         enriched_max_bytes=enriched_max_bytes, dedup=None)
    return writer, made


def title_is(n: int, error: BaseException) -> Callable[[str, bytes], BaseException | None]:
    return lambda topic, value: error if topic == ENRICHED and orjson.loads(value)["title"] == f"Article {n}" else None


# -- at-least-once ------------------------------------------------------------------


def test_all_acknowledged_commits_each_partition_past_its_batch():
    producer = FakeProducer()
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = AtLeastOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1), article(2)], [article(3)]))
    assert consumer.commits == [{0: 12, 1: 11}] and consumer.seeks == {}
    assert [t for t, _, _ in producer.sent] == [ENRICHED] * 3
    assert committer.backoff == 0 and committer.next_offset == {P0: 12, P1: 11}


def test_a_failed_write_is_never_committed_past_and_its_partition_is_rewound():
    producer = FakeProducer(fail=title_is(2, KafkaTimeoutError("no ack")))
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = AtLeastOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1), article(2), article(3)], [article(4)]))
    assert consumer.commits == [{0: 11, 1: 11}]  # partition 0 up to the failed offset 11 only
    assert consumer.seeks == {0: 11}
    assert committer.backoff == 0.5  # an outage backs off, growing to 30 s
    committer.handle(consumer, batch([article(2)]))
    assert committer.backoff == 1.0


class HangingFuture(Future):
    """A write the broker holds unanswered (too few in-sync replicas): never done."""

    def __init__(self) -> None:
        super().__init__()
        self.is_done = False
        self.waited: list[float | None] = []

    def get(self, timeout: float | None = None) -> Any:
        self.waited.append(timeout)
        raise KafkaTimeoutError("no acknowledgement")

    def add_callback(self, f: Callable[[Any], Any]) -> None:
        pass


@dataclass
class HangingProducer(FakeProducer):
    """Every write hangs, and flush gives up as kafka-python's does: by raising."""

    futures: list[HangingFuture] = field(default_factory=list)

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None, headers: Any = None) -> Future:
        self.futures.append(HangingFuture())
        return self.futures[-1]

    def flush(self, timeout: float | None = None) -> None:
        self.steps.append("flush")
        time.sleep(timeout or 0)
        raise KafkaTimeoutError("Timeout waiting for future")


@pytest.mark.parametrize("strategy", [AtLeastOnce, ExactlyOnce], ids=["at-least-once", "exactly-once"])
def test_writes_that_hang_are_rewound_within_one_deadline_not_raised(strategy):
    producer = HangingProducer()
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = strategy(writer, ack_timeout_seconds=0.3)
    committer.handle(consumer, batch([article(1), article(2)], [article(3)]))  # does not raise
    assert consumer.commits == [] and consumer.seeks == {0: 10, 1: 10}
    assert committer.failing and committer.backoff == 0.5
    # The flush used the batch's time; no write waits a whole ack timeout after it.
    waits = [w for f in producer.futures for w in f.waited]
    assert waits and all(w is not None and w < 0.05 for w in waits)


def test_nothing_delivered_in_a_partition_commits_nothing_for_it():
    producer = FakeProducer(fail=lambda topic, value: KafkaConnectionError("broker gone"))
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    AtLeastOnce(writer, ack_timeout_seconds=1).handle(consumer, batch([article(1)], [article(2)]))
    assert consumer.commits == [] and consumer.seeks == {0: 10, 1: 10}


def test_a_permanent_refusal_is_dead_lettered_on_the_retry_with_a_new_producer():
    refusing = FakeProducer(fail=title_is(1, MessageSizeTooLargeError("too large")))
    fresh = FakeProducer()
    writer, made = make_writer(refusing, fresh)
    consumer = FakeConsumer()
    committer = AtLeastOnce(writer, ack_timeout_seconds=1)
    records = batch([article(1), article(2)])
    committer.handle(consumer, records)
    assert consumer.seeks == {0: 10} and refusing.closed and made == [refusing, fresh]
    assert committer.backoff == 0  # a refusal is retried at once
    committer.handle(consumer, records)
    topics = [t for t, _, _ in fresh.sent]
    assert topics == [DLQ, ENRICHED]
    letter = orjson.loads(fresh.sent[0][2])
    assert letter["error"]["stage"] == "produce" and letter["error"]["type"] == "MessageSizeTooLargeError"
    assert consumer.commits[-1] == {0: 12}


def test_a_commit_that_fails_is_counted_and_does_not_crash():
    writer, _ = make_writer(FakeProducer())
    consumer = FakeConsumer(commit_raises=KafkaConnectionError("rebalancing"))
    committer = AtLeastOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1)]))
    assert committer.next_offset == {}  # not recorded as committed
    assert committer.commit_failed  # not ready until a commit succeeds or the brokers answer
    consumer.commit_raises = None
    committer.handle(consumer, batch([article(2)]))
    assert not committer.commit_failed


def test_an_oversized_enriched_article_goes_to_the_dlq_before_sending():
    producer = FakeProducer()
    writer, _ = make_writer(producer, enriched_max_bytes=200)
    consumer = FakeConsumer()
    AtLeastOnce(writer, ack_timeout_seconds=1).handle(consumer, batch([article(1)]))
    [(topic, _, value)] = producer.sent
    assert topic == DLQ and orjson.loads(value)["error"]["type"] == "MessageSizeTooLargeError"
    assert consumer.commits == [{0: 11}]


@pytest.mark.parametrize("strategy", [AtLeastOnce, ExactlyOnce], ids=["at-least-once", "exactly-once"])
def test_a_write_that_keeps_raising_is_given_up_to_the_dlq(strategy, monkeypatch):
    real = writer_module.to_json

    def to_json(model: Any) -> bytes:
        if getattr(model, "title", "") == "Article 2":
            raise TypeError("cannot serialise")
        return real(model)

    monkeypatch.setattr(writer_module, "to_json", to_json)
    producer = FakeProducer()
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = strategy(writer, ack_timeout_seconds=1)
    records = batch([article(1), article(2), article(3)])
    for attempt in range(1, MAX_WRITE_ATTEMPTS):
        committer.handle(consumer, records)
        assert not any(t == DLQ for t, _, _ in producer.sent), f"attempt {attempt} gave up too early"
    committer.handle(consumer, records)
    letters = [orjson.loads(v) for t, _, v in producer.sent if t == DLQ]
    assert len(letters) == 1
    assert letters[0]["error"]["stage"] == "produce" and "cannot serialise" in letters[0]["error"]["details"]["traceback"]
    assert committer.next_offset == {P0: 13} and committer.backoff == 0


# -- exactly-once -------------------------------------------------------------------


def test_a_transaction_holds_the_outputs_and_the_offsets():
    producer = FakeProducer()
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = ExactlyOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1)], [article(2), article(3)]))
    assert producer.steps == ["begin", "flush", "offsets [(0, 11), (1, 12)]", "commit"]
    assert consumer.commits == [] and consumer.seeks == {}  # offsets go through the transaction
    assert committer.next_offset == {P0: 11, P1: 12}


def test_a_failure_aborts_the_whole_batch_and_rewinds_every_partition():
    producer = FakeProducer(fail=title_is(3, KafkaTimeoutError("no ack")))
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = ExactlyOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1)], [article(2), article(3)]))
    assert producer.steps[-1] == "abort" and "commit" not in producer.steps
    assert consumer.seeks == {0: 10, 1: 10} and committer.next_offset == {}
    assert committer.backoff == 0.5


def test_a_failed_commit_aborts_and_retries():
    producer = FakeProducer(commit_raises=KafkaTimeoutError("coordinator away"))
    writer, _ = make_writer(producer)
    consumer = FakeConsumer()
    committer = ExactlyOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1)]))
    assert producer.steps[-1] == "abort" and consumer.seeks == {0: 10}


def test_a_producer_that_cannot_abort_is_replaced():
    fenced = FakeProducer(fail=lambda topic, value: KafkaTimeoutError("no ack"), abort_raises=RuntimeError("fenced"))
    fresh = FakeProducer()
    writer, made = make_writer(fenced, fresh)
    consumer = FakeConsumer()
    committer = ExactlyOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1)]))
    assert made == [fenced, fresh] and fenced.closed and writer.producer is fresh
    committer.handle(consumer, batch([article(1)]))
    assert fresh.steps[-1] == "commit" and committer.next_offset == {P0: 11}


@dataclass
class StuckCommitProducer(FakeProducer):
    """commit_transaction and abort_transaction never return, as kafka-python's can when
    the transaction coordinator is SIGKILLed mid-call."""

    release: Any = None

    def commit_transaction(self) -> None:
        self.steps.append("commit?")
        self.release.wait()

    def abort_transaction(self) -> None:
        self.steps.append("abort?")
        self.release.wait()


@pytest.mark.parametrize("it_committed", [False, True], ids=["aborted", "committed"])
def test_a_commit_that_never_returns_is_given_up_and_not_redone_if_it_went_through(monkeypatch, it_committed):
    import threading

    from newswire.service.consumer import committer as committer_module

    monkeypatch.setattr(committer_module, "_TXN_STEP_MIN_SECONDS", 0.1)
    release = threading.Event()
    stuck = StuckCommitProducer(release=release)
    fresh = FakeProducer()
    writer, made = make_writer(stuck, fresh)
    # The replacement producer settled the stuck transaction; the group says how.
    consumer = FakeConsumer(group_offsets={0: 12} if it_committed else {0: 10})
    committer = ExactlyOnce(writer, ack_timeout_seconds=0.2)
    try:
        committer.handle(consumer, batch([article(1), article(2)]))  # returns: does not hang
    finally:
        release.set()
    assert stuck.steps[-2:] == ["commit?", "abort?"] and made == [stuck, fresh] and stuck.closed
    assert consumer.seeks == {0: 12 if it_committed else 10}  # a committed batch is not redone
    assert committer.next_offset == {} and committer.failing


def test_writes_waiting_too_long_count_as_stalled_until_the_batch_ends(monkeypatch):
    from newswire.service.consumer import committer as committer_module
    from newswire.service.endpoints import Health
    from newswire.service.metrics import READY

    monkeypatch.setattr(committer_module, "STALLED_WRITES_SECONDS", 0.05)
    seen: list[tuple[bool, bool]] = []
    health = Health("consumer-test")
    health.set_ready(True)

    class SlowAcks(FakeProducer):
        def flush(self, timeout: float | None = None) -> None:
            time.sleep(0.1)  # acknowledgements late: the loop is blocked here
            seen.append((committer.stalled(), health.ready))

    writer, _ = make_writer(SlowAcks())
    committer = AtLeastOnce(writer, ack_timeout_seconds=1)
    health.veto = committer.stalled
    committer.handle(FakeConsumer(), batch([article(1)]))
    assert seen == [(True, False)]  # /readyz said 503 while the writes hung
    assert not committer.stalled() and health.ready
    assert READY.labels(service="consumer-test")._child_samples()[0].value == 1.0


def test_a_producer_that_cannot_be_made_yet_is_retried_with_the_next_batch():
    fenced = FakeProducer(fail=lambda topic, value: KafkaTimeoutError("no ack"), abort_raises=RuntimeError("fenced"))
    fresh = FakeProducer()
    attempts: list[str] = []

    def factory() -> FakeProducer:
        attempts.append("make")
        if len(attempts) == 1:
            return fenced
        if len(attempts) == 2:
            raise KafkaTimeoutError("init_transactions: brokers away")
        return fresh

    writer = BatchWriter(factory, pipeline=PipelineConfig(), enriched_topic=ENRICHED, dlq_topic=DLQ, group_id="g")
    consumer = FakeConsumer()
    committer = ExactlyOnce(writer, ack_timeout_seconds=1)
    committer.handle(consumer, batch([article(1)]))  # does not raise
    assert writer.needs_producer and consumer.seeks == {0: 10}
    committer.handle(consumer, batch([article(1)]))
    assert writer.producer is fresh and not writer.needs_producer
    assert fresh.steps[-1] == "commit" and committer.next_offset == {P0: 11}


# -- chunks --------------------------------------------------------------------------


def test_a_batch_is_processed_in_the_stages_chunks_each_sent_as_it_is_done():
    """A backlog's batch is enriched ENRICH_CHUNK articles at a time, and each chunk's
    outputs go to the producer before the next chunk is processed."""
    producer = FakeProducer()
    writer, _ = make_writer(producer)
    process = writer.stage.process
    seen: list[tuple[int, int]] = []  # (chunk size, outputs sent before it)

    def recording(values, origins):
        seen.append((len(values), len(producer.sent)))
        return process(values, origins)

    writer.stage.process = recording  # type: ignore[method-assign]
    size = ENRICH_CHUNK * 2 + 5
    writer.send_batch(batch([article(n) for n in range(size)]))
    assert seen == [(ENRICH_CHUNK, 0), (ENRICH_CHUNK, ENRICH_CHUNK), (5, 2 * ENRICH_CHUNK)]
    assert [orjson.loads(v)["title"] for _, _, v in producer.sent] == [f"Article {n}" for n in range(size)]

"""`newswire consume`: the consumer-group service.

For each polled batch: decode, validate and enrich every message, write each to
`articles.enriched` or `articles.dlq`, wait for every write's acknowledgement, and only
then commit offsets (at-least-once). A write that fails is never committed past: the
partition is rewound to it and retried after a backoff.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from newswire import metrics as m
from newswire.endpoints import Health
from newswire.enrich import warm_up
from newswire.kafka_io import (
    ERROR_STAGE_HEADER,
    BrokerUnavailable,
    ERROR_TYPE_HEADER,
    ensure_topics,
    headers,
    make_consumer,
    make_producer,
    topic_max_bytes,
)
from newswire.models import DEAD_LETTER_SCHEMA, ENRICHED_SCHEMA
from newswire.models import to_json
from newswire.pipeline import Failure, Origin, Result, dead_letter, internal_failure, make_dedup_index, process_many
from newswire.settings import Settings

log = logging.getLogger(__name__)

SERVICE = "consumer"
_RETRY_BACKOFF_MAX_SECONDS = 30.0
# Articles enriched together (pipeline.process_many): enough for each enrichment stage's
# tables to stay in the CPU caches across the chunk, few enough (about 60 ms of work)
# that the first writes of a big batch leave early.
ENRICH_CHUNK = 64
# How often lag is measured; the same broker round trip tells whether Kafka answers.
_CHECK_INTERVAL_SECONDS = 5.0
# A message whose write raises a bug of ours (not a Kafka error) this many times running
# goes to the DLQ (stage `produce`, with the traceback) instead of being retried forever.
MAX_WRITE_ATTEMPTS = 3
# A producer may name itself in this header; it becomes `source.name` when the message has no source.
SOURCE_HEADER = "newswire.source"


class _FailedSend:
    """Stands for a write that raised before it reached the producer's queue, so the
    batch handlers treat it like any unacknowledged write (rewind or abort, retry)."""

    is_done = True

    def __init__(self, exception: BaseException) -> None:
        self.exception = exception

    def failed(self) -> bool:
        return True

    def get(self, timeout: float | None = None) -> None:
        raise self.exception


def _origin(tp: TopicPartition, record: Any) -> Origin:
    """Where a record came from, for the fields the consumer derives (intake.complete)."""
    name = None
    for key, value in record.headers or ():
        if key == SOURCE_HEADER and value:
            name = value.decode("utf-8", "replace").strip()[:500] or None
    return Origin(tp.topic, record.timestamp, name)


@dataclass
class _Pending:
    """One consumed message and the write that stands for it downstream."""

    tp: TopicPartition
    record: Any
    future: Any
    topic: str
    failure: Failure | None
    language: str | None


def _printable_key(key: bytes | None) -> str | None:
    """The message key for a log line, when it is short text (an article id)."""
    if not key or len(key) > 64:
        return None
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return None


class _Listener(ConsumerRebalanceListener):
    def __init__(self, service: "ConsumerService") -> None:
        self.service = service

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        # Offsets are committed at the end of every batch, before the next poll, so
        # there is nothing in flight to commit here.
        if not revoked:
            return
        for tp in revoked:
            self.service.forget(tp)
        m.REBALANCES.labels(event="revoked").inc()
        log.info("partitions revoked", extra={"event": "revoked", "partitions": sorted(p.partition for p in revoked)})

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        m.REBALANCES.labels(event="assigned").inc()
        self.service.joined.set()
        log.info("partitions assigned", extra={"event": "assigned", "partitions": sorted(p.partition for p in assigned)})


class ConsumerService:
    def __init__(self, settings: Settings, health: Health) -> None:
        self.settings = settings
        self.health = health
        self.joined = threading.Event()
        self.broker_ok = True
        self._backoff = 0.0
        self._next_offset: dict[TopicPartition, int] = {}
        self._last_check = 0.0
        # Exactly-once: records whose enriched write the broker refused for good; on the
        # retry of their batch they go to the DLQ instead (stage `produce`).
        self._refused: dict[tuple[TopicPartition, int], Failure] = {}
        self._enriched_max_bytes: int | None = None
        # Failed write attempts per message (see MAX_WRITE_ATTEMPTS).
        self._attempts: dict[tuple[TopicPartition, int], int] = {}
        self.dedup = make_dedup_index(settings)

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set; then finish the batch in hand, commit, close.
        Raises BrokerUnavailable when Kafka cannot be reached at start."""
        s = self.settings
        warm_up()
        clients = self._connect(stop)
        if clients is None:
            return
        producer, consumer = clients
        try:
            consumer.subscribe([s.raw_topic], listener=_Listener(self))
            log.info("consuming", extra={"event": "start", "topic": s.raw_topic, "group": s.group_id})
            while not stop.is_set():
                records = consumer.poll(timeout_ms=500)
                if time.monotonic() - self._last_check >= _CHECK_INTERVAL_SECONDS:
                    self._check(consumer)
                self.health.set_ready(self.joined.is_set() and self.broker_ok)
                if records and self.settings.exactly_once:
                    producer = self._handle_batch_transactional(consumer, producer, records)
                elif records:
                    producer = self._handle_batch(consumer, producer, records)
                if self._backoff:
                    stop.wait(self._backoff)
        finally:
            self.health.set_ready(False)
            timeout_ms = int(s.shutdown_timeout_seconds * 1000)
            try:
                producer.close(timeout=s.shutdown_timeout_seconds)
            finally:
                consumer.close(autocommit=False, timeout_ms=timeout_ms)
            log.info("stopped", extra={"event": "stop"})

    def _connect(self, stop: threading.Event) -> tuple[KafkaProducer, KafkaConsumer] | None:
        """Connect, retrying with backoff while the broker is away: a service should
        outwait a broker that starts after it. /readyz says 503 meanwhile."""
        s = self.settings
        backoff = 1.0
        while not stop.is_set():
            producer = None
            try:
                ensure_topics(s, [s.raw_topic, s.enriched_topic, s.dlq_topic])
                self._enriched_max_bytes = topic_max_bytes(s, s.enriched_topic)
                producer = self._make_producer()
                # Exactly-once readers must not see aborted transactions upstream either.
                isolation = {"isolation_level": "read_committed"} if s.exactly_once else {}
                return producer, make_consumer(s, **isolation)
            except BrokerUnavailable as exc:
                if producer is not None:
                    producer.close(timeout=1)
                log.error("broker unavailable; retrying", extra={"event": "connect_failed", "reason": str(exc),
                                                                  "retry_in_seconds": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, _RETRY_BACKOFF_MAX_SECONDS)
        return None

    def _make_producer(self) -> KafkaProducer:
        if not self.settings.exactly_once:
            return make_producer(self.settings)
        # Unique per process: KIP-447 fencing goes by consumer-group generation, not by id.
        transactional_id = f"{self.settings.transactional_id_prefix}-{self.settings.group_id}-{uuid.uuid4().hex[:12]}"
        producer = make_producer(self.settings, transactional_id=transactional_id)
        producer.init_transactions()
        return producer

    def forget(self, tp: TopicPartition) -> None:
        """A partition left us: drop its per-partition series."""
        self._next_offset.pop(tp, None)
        for gauge in (m.CONSUMER_LAG, m.COMMITTED_OFFSET):
            try:
                gauge.remove(tp.topic, str(tp.partition))
            except KeyError:
                pass

    def _check(self, consumer: KafkaConsumer) -> None:
        """Measure lag per assigned partition; a broker that does not answer means not ready."""
        self._last_check = time.monotonic()
        assigned = list(consumer.assignment())
        if not assigned:
            return
        try:
            ends = consumer.end_offsets(assigned, timeout_ms=3000)
            for tp in assigned:
                if tp not in self._next_offset:
                    committed = consumer.committed(tp, timeout_ms=3000)
                    self._next_offset[tp] = committed if committed is not None else 0
        except KafkaError as exc:
            if self.broker_ok:
                log.warning("broker not answering", extra={"event": "broker_unavailable", "error_type": type(exc).__name__})
            self.broker_ok = False
            return
        if not self.broker_ok:
            log.info("broker answering again", extra={"event": "broker_available"})
        self.broker_ok = True
        for tp in assigned:
            end = ends.get(tp)
            if end is not None:
                m.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(end - self._next_offset[tp], 0))

    # -- one batch -------------------------------------------------------------

    def _handle_batch(self, consumer: KafkaConsumer, producer: KafkaProducer,
                      records: dict[TopicPartition, list[Any]]) -> KafkaProducer:
        """At-least-once: write everything, wait for every acknowledgement, commit up to
        the first unacknowledged message of each partition, rewind there. Returns the
        producer to use next."""
        started = time.perf_counter()
        pending = self._send_batch(producer, records)
        producer.flush(timeout=self.settings.shutdown_timeout_seconds)
        first_failed: dict[TopicPartition, int] = {}
        for item in pending:
            if item.tp in first_failed:
                continue  # redone after the rewind below, in order
            if self._wait(item) is None:
                self._count_delivered(item)
            else:
                first_failed[item.tp] = item.record.offset
        m.IN_FLIGHT.set(0)
        self._commit(consumer, records, first_failed)
        if first_failed:
            refused = self._note_refusal(pending)
            if refused:
                producer = self._replace_producer(producer)
            m.RETRIES.inc(len(first_failed))
            for tp, offset in first_failed.items():
                consumer.seek(tp, offset)
            # A refusal is retried at once (its message now goes to the DLQ); an outage backs off.
            self._backoff = 0.0 if refused else min(max(self._backoff * 2, 0.5), _RETRY_BACKOFF_MAX_SECONDS)
            log.warning("writes failed; partitions rewound", extra={
                "event": "rewind", "partitions": {str(tp.partition): off for tp, off in first_failed.items()},
                "backoff_seconds": self._backoff})
        else:
            self._backoff = 0.0
        m.BATCH_DURATION.observe(time.perf_counter() - started)
        return producer

    def _send_batch(self, producer: KafkaProducer, records: dict[TopicPartition, list[Any]],
                    pending: list[_Pending] | None = None) -> list[_Pending]:
        """Process every message of the batch and send its output; nothing is awaited yet.
        Messages are enriched in chunks (see ENRICH_CHUNK), each chunk sent as it is done."""
        pending = [] if pending is None else pending
        items: list[tuple[TopicPartition, Any]] = []
        for tp, batch in records.items():
            m.MESSAGES_CONSUMED.labels(topic=tp.topic).inc(len(batch))
            items.extend((tp, record) for record in batch)
        for start in range(0, len(items), ENRICH_CHUNK):
            pending.extend(self._send_results(producer, items[start:start + ENRICH_CHUNK]))
        m.BATCH_SIZE.observe(len(pending))
        m.IN_FLIGHT.set(len(pending))
        return pending

    def _wait(self, item: _Pending) -> BaseException | None:
        """None once the write is acknowledged, else why not."""
        try:
            item.future.get(timeout=self.settings.shutdown_timeout_seconds)
            return None
        except Exception as exc:  # noqa: BLE001 - KafkaError or a timeout: not acknowledged
            m.PRODUCE_ERRORS.labels(topic=item.topic).inc()
            log.warning("write failed", extra={
                "event": "produce_error", "topic": item.topic, "error_type": type(exc).__name__,
                "retriable": getattr(exc, "retriable", True), "partition": item.tp.partition,
                "offset": item.record.offset})
            return exc

    def _note_refusal(self, pending: list[_Pending]) -> bool:
        """If the broker refused an enriched write for good, remember that message so its
        retry becomes a dead letter (stage `produce`). Only the first failure in send order
        is trusted: after a permanent error kafka-python's idempotent producer fails every
        later send with the same error, so the producer is replaced as well."""
        for item in pending:
            if item.future.is_done and item.future.failed():
                error = item.future.exception
                if item.failure is None and not getattr(error, "retriable", True):
                    self._refused[(item.tp, item.record.offset)] = Failure(
                        "produce", type(error).__name__, f"{item.topic} refused the enriched article: {error}"[:1000])
                    return True
                return False
        return False

    def _replace_producer(self, producer: KafkaProducer) -> KafkaProducer:
        try:
            producer.close(timeout=1)
        except Exception:  # noqa: BLE001 - it is being thrown away
            pass
        return self._make_producer()

    def _send_results(self, producer: KafkaProducer, chunk: list[tuple[TopicPartition, Any]]) -> list[_Pending]:
        # A message whose enriched write was refused for good last time is dead-lettered.
        refused = {i: failure for i, (tp, record) in enumerate(chunk)
                   if (failure := self._refused.pop((tp, record.offset), None)) is not None}
        todo = [i for i in range(len(chunk)) if i not in refused]
        outcomes = process_many([chunk[i][1].value for i in todo], self.settings, dedup=self.dedup,
                                origins=[_origin(*chunk[i]) for i in todo])
        results = dict(zip(todo, outcomes))
        sent = []
        for i, (tp, record) in enumerate(chunk):
            if i in refused:
                sent.append(self._send_dead_letter(producer, tp, record, refused[i]))
            else:
                sent.append(self._send_output(producer, tp, record, results[i]))
        return sent

    def _send_output(self, producer: KafkaProducer, tp: TopicPartition, record: Any, result: Result) -> _Pending:
        """_send_processed(), with what it raises turned into a failed write: a Kafka error
        is retried like any failed write; a bug of ours (say, serialising the article)
        is retried MAX_WRITE_ATTEMPTS times, then dead-lettered with its traceback."""
        key = (tp, record.offset)
        try:
            pending = self._send_processed(producer, tp, record, result)
        except KafkaError as exc:
            return _Pending(tp, record, _FailedSend(exc), self.settings.enriched_topic, None, None)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the consumer, nor loop
            attempts = self._attempts.pop(key, 0) + 1
            log.error("writing a message failed", exc_info=exc, extra={
                "event": "write_failed", "error_type": type(exc).__name__, "attempt": attempts,
                "partition": tp.partition, "offset": record.offset})
            if attempts >= MAX_WRITE_ATTEMPTS:
                return self._send_dead_letter(producer, tp, record, internal_failure("produce", exc))
            self._attempts[key] = attempts
            return _Pending(tp, record, _FailedSend(exc), self.settings.enriched_topic, None, None)
        if self._attempts:
            self._attempts.pop(key, None)
        return pending

    def _send_processed(self, producer: KafkaProducer, tp: TopicPartition, record: Any, result: Result) -> _Pending:
        for stage, seconds in result.timings.items():
            m.stage_timer(stage).observe(seconds)
        if result.article is not None:
            article = result.article
            value = to_json(article)
            if self._enriched_max_bytes is not None and len(value) > self._enriched_max_bytes:
                # Refused before sending: a refused send poisons kafka-python's idempotent
                # and transactional producers for every later send.
                failure = Failure("produce", "MessageSizeTooLargeError",
                                  f"enriched article is {len(value)} bytes; {self.settings.enriched_topic} "
                                  f"accepts {self._enriched_max_bytes}")
                return self._send_dead_letter(producer, tp, record, failure)
            future = self._timed_send(producer, self.settings.enriched_topic, article.id.encode(),
                                      value, headers(ENRICHED_SCHEMA))
            return _Pending(tp, record, future, self.settings.enriched_topic, None, article.enrichment.language)
        assert result.failure is not None
        return self._send_dead_letter(producer, tp, record, result.failure)

    def _send_dead_letter(self, producer: KafkaProducer, tp: TopicPartition, record: Any, failure: Failure) -> _Pending:
        letter = dead_letter(
            failure, value=record.value, key=record.key, topic=tp.topic, partition=tp.partition,
            offset=record.offset, timestamp_ms=record.timestamp, group=self.settings.group_id,
        )
        # Bad input is routine (INFO); a bug of ours is an ERROR (its traceback was logged where it was raised).
        log.log(logging.ERROR if failure.internal else logging.INFO, "dead-lettered", extra={
            "event": "dead_letter", "stage": failure.stage, "error_type": failure.type,
            "reason": failure.message[:300], "article_id": _printable_key(record.key),
            "topic": tp.topic, "partition": tp.partition, "offset": record.offset})
        future = self._timed_send(
            producer, self.settings.dlq_topic, record.key, to_json(letter),
            headers(DEAD_LETTER_SCHEMA, **{ERROR_STAGE_HEADER: failure.stage, ERROR_TYPE_HEADER: failure.type}),
        )
        return _Pending(tp, record, future, self.settings.dlq_topic, failure, None)

    @staticmethod
    def _timed_send(producer: KafkaProducer, topic: str, key: bytes | None, value: bytes, hdrs: list[tuple[str, bytes]]) -> Any:
        sent = time.perf_counter()
        future = producer.send(topic, key=key, value=value, headers=hdrs)
        produce_timer = m.stage_timer("produce")
        future.add_callback(lambda _meta: produce_timer.observe(time.perf_counter() - sent))
        return future

    @staticmethod
    def _count_delivered(item: _Pending) -> None:
        m.produced(item.topic).inc()
        m.LAST_PROCESSED.set_to_current_time()
        if item.failure is None:
            m.enriched(item.language or "und").inc()
            if item.record.timestamp and item.record.timestamp > 0:
                m.END_TO_END.observe(max(time.time() - item.record.timestamp / 1000, 0.0))
        else:
            m.DEAD_LETTERS.labels(stage=item.failure.stage,
                                  error_type=m.error_type_label(item.failure.type, item.failure.internal)).inc()

    def _handle_batch_transactional(self, consumer: KafkaConsumer, producer: KafkaProducer,
                                    records: dict[TopicPartition, list[Any]]) -> KafkaProducer:
        """One transaction: every output of the batch and the batch's offsets commit
        together or not at all. Returns the producer to use next (a fenced one is replaced)."""
        started = time.perf_counter()
        offsets = {tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1) for tp, batch in records.items()}
        pending: list[_Pending] = []
        try:
            producer.begin_transaction()
            pending = self._send_batch(producer, records, pending)
            producer.flush(timeout=self.settings.shutdown_timeout_seconds)
            for item in pending:
                item.future.get(timeout=self.settings.shutdown_timeout_seconds)
            producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
            producer.commit_transaction()
        except Exception as exc:  # noqa: BLE001 - any failure aborts the whole batch
            producer = self._abort(producer, pending, exc)
            for tp, batch in records.items():
                consumer.seek(tp, batch[0].offset)
            m.RETRIES.inc(len(records))
            self._backoff = min(max(self._backoff * 2, 0.5), _RETRY_BACKOFF_MAX_SECONDS)
            return producer
        finally:
            m.IN_FLIGHT.set(0)
            m.BATCH_DURATION.observe(time.perf_counter() - started)
        self._backoff = 0.0
        m.COMMITS.labels(result="ok").inc()
        for item in pending:
            self._count_delivered(item)
        for tp, meta in offsets.items():
            self._next_offset[tp] = meta.offset
            m.COMMITTED_OFFSET.labels(tp.topic, str(tp.partition)).set(meta.offset)
        return producer

    def _abort(self, producer: KafkaProducer, pending: list[_Pending], exc: BaseException) -> KafkaProducer:
        """Abort the open transaction; remember enriched writes refused for good so the
        retry dead-letters them; replace a producer that can no longer be used."""
        m.COMMITS.labels(result="aborted").inc()
        for item in pending:
            if item.future.is_done and item.future.failed():
                m.PRODUCE_ERRORS.labels(topic=item.topic).inc()
        refused = self._note_refusal(pending)
        log.warning("transaction aborted; batch will be retried", extra={
            "event": "transaction_aborted", "error_type": type(exc).__name__, "messages": len(pending)})
        try:
            producer.abort_transaction()
        except Exception as abort_exc:  # noqa: BLE001 - fenced or fatal: start a new producer
            log.warning("producer replaced", extra={"event": "producer_replaced", "error_type": type(abort_exc).__name__})
            return self._replace_producer(producer)
        return self._replace_producer(producer) if refused else producer

    def _commit(self, consumer: KafkaConsumer, records: dict[TopicPartition, list[Any]],
                first_failed: dict[TopicPartition, int]) -> None:
        offsets = {}
        for tp, batch in records.items():
            next_offset = first_failed.get(tp, batch[-1].offset + 1)
            if next_offset > batch[0].offset:  # something in this partition was delivered
                offsets[tp] = OffsetAndMetadata(next_offset, "", -1)
        if not offsets:
            return
        try:
            consumer.commit(offsets)
            m.COMMITS.labels(result="ok").inc()
            for tp, meta in offsets.items():
                self._next_offset[tp] = meta.offset
                m.COMMITTED_OFFSET.labels(tp.topic, str(tp.partition)).set(meta.offset)
        except KafkaError as exc:
            # Typically a rebalance took the partitions away: the new owner re-reads from the
            # last commit, which only duplicates (keyed, so harmless) and never loses.
            m.COMMITS.labels(result="failed").inc()
            log.warning("offset commit failed", extra={"event": "commit_failed", "error_type": type(exc).__name__})

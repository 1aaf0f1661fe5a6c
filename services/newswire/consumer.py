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
from dataclasses import dataclass
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from newswire import metrics as m
from newswire.endpoints import Health
from newswire.kafka_io import (
    ERROR_STAGE_HEADER,
    BrokerUnavailable,
    ERROR_TYPE_HEADER,
    ensure_topics,
    headers,
    make_consumer,
    make_producer,
)
from newswire.models import DEAD_LETTER_SCHEMA, ENRICHED_SCHEMA
from newswire.pipeline import Failure, dead_letter, make_dedup_index, process, to_json
from newswire.settings import Settings

log = logging.getLogger(__name__)

SERVICE = "consumer"
_RETRY_BACKOFF_MAX_SECONDS = 30.0


@dataclass
class _Pending:
    """One consumed message and the write that stands for it downstream."""

    tp: TopicPartition
    record: Any
    future: Any
    topic: str
    failure: Failure | None
    language: str | None


class _Listener(ConsumerRebalanceListener):
    def __init__(self, service: "ConsumerService") -> None:
        self.service = service

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        # Offsets are committed at the end of every batch, before the next poll, so
        # there is nothing in flight to commit here.
        if not revoked:
            return
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
        self._backoff = 0.0
        self.dedup = make_dedup_index(settings)

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set; then finish the batch in hand, commit, close.
        Raises BrokerUnavailable when Kafka cannot be reached at start."""
        s = self.settings
        clients = self._connect(stop)
        if clients is None:
            return
        producer, consumer = clients
        try:
            consumer.subscribe([s.raw_topic], listener=_Listener(self))
            log.info("consuming", extra={"event": "start", "topic": s.raw_topic, "group": s.group_id})
            while not stop.is_set():
                records = consumer.poll(timeout_ms=500)
                self.health.set_ready(self.joined.is_set())
                if records:
                    self._handle_batch(consumer, producer, records)
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
                producer = make_producer(s)
                return producer, make_consumer(s)
            except BrokerUnavailable as exc:
                if producer is not None:
                    producer.close(timeout=1)
                log.error("broker unavailable; retrying", extra={"event": "connect_failed", "reason": str(exc),
                                                                  "retry_in_seconds": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, _RETRY_BACKOFF_MAX_SECONDS)
        return None

    # -- one batch -------------------------------------------------------------

    def _handle_batch(self, consumer: KafkaConsumer, producer: KafkaProducer, records: dict[TopicPartition, list[Any]]) -> None:
        started = time.perf_counter()
        pending: list[_Pending] = []
        count = 0
        for tp, batch in records.items():
            for record in batch:
                count += 1
                m.MESSAGES_CONSUMED.labels(topic=tp.topic).inc()
                pending.append(self._send_result(producer, tp, record))
        m.BATCH_SIZE.observe(count)

        producer.flush(timeout=self.settings.shutdown_timeout_seconds)
        first_failed: dict[TopicPartition, int] = {}
        for item in pending:
            if item.tp in first_failed:
                continue  # redone after the rewind below, in order
            if not self._settle(producer, item):
                first_failed[item.tp] = item.record.offset

        self._commit(consumer, records, first_failed)
        if first_failed:
            for tp, offset in first_failed.items():
                consumer.seek(tp, offset)
            self._backoff = min(max(self._backoff * 2, 0.5), _RETRY_BACKOFF_MAX_SECONDS)
            log.warning("writes failed; partitions rewound", extra={
                "event": "rewind", "partitions": {str(tp.partition): off for tp, off in first_failed.items()},
                "backoff_seconds": self._backoff})
        else:
            self._backoff = 0.0
        m.BATCH_DURATION.observe(time.perf_counter() - started)

    def _send_result(self, producer: KafkaProducer, tp: TopicPartition, record: Any) -> _Pending:
        result = process(record.value, self.settings, dedup=self.dedup)
        for stage, seconds in result.timings.items():
            m.STAGE_DURATION.labels(stage=stage).observe(seconds)
        if result.article is not None:
            article = result.article
            future = self._timed_send(producer, self.settings.enriched_topic, article.id.encode(),
                                      to_json(article), headers(ENRICHED_SCHEMA))
            return _Pending(tp, record, future, self.settings.enriched_topic, None, article.enrichment.language)
        assert result.failure is not None
        return self._send_dead_letter(producer, tp, record, result.failure)

    def _send_dead_letter(self, producer: KafkaProducer, tp: TopicPartition, record: Any, failure: Failure) -> _Pending:
        letter = dead_letter(
            failure, value=record.value, key=record.key, topic=tp.topic, partition=tp.partition,
            offset=record.offset, timestamp_ms=record.timestamp, group=self.settings.group_id,
        )
        log.info("dead-lettered", extra={
            "event": "dead_letter", "stage": failure.stage, "error_type": failure.type,
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
        future.add_callback(lambda _meta: m.STAGE_DURATION.labels(stage="produce").observe(time.perf_counter() - sent))
        return future

    def _settle(self, producer: KafkaProducer, item: _Pending) -> bool:
        """True once the message's output is acknowledged. A permanent refusal of an
        enriched write becomes a dead letter (stage `produce`); anything else is a failure
        the batch will retry."""
        try:
            item.future.get(timeout=self.settings.shutdown_timeout_seconds)
        except KafkaError as exc:
            m.PRODUCE_ERRORS.labels(topic=item.topic).inc()
            log.warning("write failed", extra={"event": "produce_error", "topic": item.topic,
                                                "error_type": type(exc).__name__, "retriable": exc.retriable,
                                                "partition": item.tp.partition, "offset": item.record.offset})
            if item.failure is None and not exc.retriable:
                failure = Failure("produce", type(exc).__name__, f"{item.topic} refused the enriched article: {exc}"[:1000])
                retry = self._send_dead_letter(producer, item.tp, item.record, failure)
                producer.flush(timeout=self.settings.shutdown_timeout_seconds)
                return self._settle(producer, retry)
            return False
        except Exception as exc:  # noqa: BLE001 - e.g. a future that timed out; retry the batch
            m.PRODUCE_ERRORS.labels(topic=item.topic).inc()
            log.warning("write not acknowledged", extra={"event": "produce_error", "topic": item.topic, "error_type": type(exc).__name__})
            return False
        m.MESSAGES_PRODUCED.labels(topic=item.topic).inc()
        m.LAST_PROCESSED.set_to_current_time()
        if item.failure is None:
            m.ARTICLES_ENRICHED.labels(language=m.language_label(item.language or "und")).inc()
        else:
            m.DEAD_LETTERS.labels(stage=item.failure.stage, error_type=item.failure.type).inc()
        return True

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
        except KafkaError as exc:
            # Typically a rebalance took the partitions away: the new owner re-reads from the
            # last commit, which only duplicates (keyed, so harmless) and never loses.
            m.COMMITS.labels(result="failed").inc()
            log.warning("offset commit failed", extra={"event": "commit_failed", "error_type": type(exc).__name__})

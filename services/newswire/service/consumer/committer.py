"""When a batch's writes count as done, and what is committed: two strategies.

- `AtLeastOnce`: wait for every acknowledgement, commit each partition up to its first
  unacknowledged message, rewind there and retry after a backoff.
- `ExactlyOnce`: one Kafka transaction per batch holding its outputs and its offsets;
  any failure aborts it and the whole batch is retried.

Both share the backoff, the committed-offset bookkeeping (read for the lag gauge) and the
delivered-message metrics. The writes themselves are the BatchWriter's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from newswire.service import metrics as m
from newswire.service.consumer.protocols import Batch, Consumer
from newswire.service.consumer.writer import BatchWriter, Pending

log = logging.getLogger("newswire.service.consumer")

RETRY_BACKOFF_MAX_SECONDS = 30.0


def grown(backoff: float) -> float:
    """The next wait after another failure: doubled, from half a second, up to the cap."""
    return min(max(backoff * 2, 0.5), RETRY_BACKOFF_MAX_SECONDS)


class Committer:
    def __init__(self, writer: BatchWriter, ack_timeout_seconds: float) -> None:
        self.writer = writer
        self.ack_timeout = ack_timeout_seconds
        # Seconds the loop waits before the next poll (0 unless writes are failing).
        self.backoff = 0.0
        # The next offset to process per partition: the last commit (for the lag gauge).
        self.next_offset: dict[TopicPartition, int] = {}

    def handle(self, consumer: Consumer, records: Batch) -> None:
        """Write the batch's outputs and commit what they allow. Never raises for a
        failed write: it is retried (after `backoff`)."""
        started = time.perf_counter()
        try:
            self._handle(consumer, records)
        finally:
            m.IN_FLIGHT.set(0)
            m.BATCH_DURATION.observe(time.perf_counter() - started)

    def _handle(self, consumer: Consumer, records: Batch) -> None:
        raise NotImplementedError

    def _backing_off(self) -> None:
        self.backoff = grown(self.backoff)

    def _committed(self, offsets: Mapping[TopicPartition, OffsetAndMetadata]) -> None:
        m.COMMITS.labels(result="ok").inc()
        for tp, meta in offsets.items():
            self.next_offset[tp] = meta.offset
            m.COMMITTED_OFFSET.labels(tp.topic, str(tp.partition)).set(meta.offset)

    def _delivered(self, item: Pending) -> None:
        m.produced(item.topic).inc()
        m.LAST_PROCESSED.set_to_current_time()
        if item.failure is None:
            if self.writer.stage.counts_enriched:
                m.enriched(item.language or "und").inc()
            if item.record.timestamp and item.record.timestamp > 0:
                m.END_TO_END.observe(max(time.time() - item.record.timestamp / 1000, 0.0))
        else:
            m.DEAD_LETTERS.labels(stage=item.failure.stage,
                                  error_type=m.error_type_label(item.failure.type, item.failure.internal)).inc()


class AtLeastOnce(Committer):
    def _handle(self, consumer: Consumer, records: Batch) -> None:
        pending = self.writer.send_batch(records)
        self.writer.producer.flush(timeout=self.ack_timeout)
        first_failed: dict[TopicPartition, int] = {}
        for item in pending:
            if item.tp in first_failed:
                continue  # redone after the rewind below, in order
            if self._acknowledged(item):
                self._delivered(item)
            else:
                first_failed[item.tp] = item.record.offset
        m.IN_FLIGHT.set(0)
        self._commit(consumer, records, first_failed)
        if not first_failed:
            self.backoff = 0.0
            return
        refused = self.writer.note_refusal(pending)
        if refused:
            self.writer.replace_producer()
        m.RETRIES.inc(len(first_failed))
        for tp, offset in first_failed.items():
            consumer.seek(tp, offset)
        # A refusal is retried at once (its message now goes to the DLQ); an outage backs off.
        if refused:
            self.backoff = 0.0
        else:
            self._backing_off()
        log.warning("writes failed; partitions rewound", extra={
            "event": "rewind", "partitions": {str(tp.partition): off for tp, off in first_failed.items()},
            "backoff_seconds": self.backoff})

    def _acknowledged(self, item: Pending) -> bool:
        try:
            item.future.get(timeout=self.ack_timeout)
            return True
        except Exception as exc:  # noqa: BLE001 - KafkaError or a timeout: not acknowledged
            m.PRODUCE_ERRORS.labels(topic=item.topic).inc()
            log.warning("write failed", extra={
                "event": "produce_error", "topic": item.topic, "error_type": type(exc).__name__,
                "retriable": getattr(exc, "retriable", True), "partition": item.tp.partition,
                "offset": item.record.offset})
            return False

    def _commit(self, consumer: Consumer, records: Batch, first_failed: Mapping[TopicPartition, int]) -> None:
        offsets = {}
        for tp, batch in records.items():
            next_offset = first_failed.get(tp, batch[-1].offset + 1)
            if next_offset > batch[0].offset:  # something in this partition was delivered
                offsets[tp] = OffsetAndMetadata(next_offset, "", -1)
        if not offsets:
            return
        try:
            consumer.commit(offsets)
        except KafkaError as exc:
            # Typically a rebalance took the partitions away: the new owner re-reads from the
            # last commit, which only duplicates (keyed, so harmless) and never loses.
            m.COMMITS.labels(result="failed").inc()
            log.warning("offset commit failed", extra={"event": "commit_failed", "error_type": type(exc).__name__})
            return
        self._committed(offsets)


class ExactlyOnce(Committer):
    def _handle(self, consumer: Consumer, records: Batch) -> None:
        offsets = {tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1) for tp, batch in records.items()}
        pending: list[Pending] = []
        producer = self.writer.producer
        try:
            producer.begin_transaction()
            pending = self.writer.send_batch(records)
            producer.flush(timeout=self.ack_timeout)
            for item in pending:
                item.future.get(timeout=self.ack_timeout)
            producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
            producer.commit_transaction()
        except Exception as exc:  # noqa: BLE001 - any failure aborts the whole batch
            self._abort(pending, exc)
            for tp, batch in records.items():
                consumer.seek(tp, batch[0].offset)
            m.RETRIES.inc(len(records))
            self._backing_off()
            return
        self.backoff = 0.0
        for item in pending:
            self._delivered(item)
        self._committed(offsets)

    def _abort(self, pending: list[Pending], exc: BaseException) -> None:
        """Abort the open transaction; remember enriched writes refused for good so the
        retry dead-letters them; replace a producer that can no longer be used."""
        m.COMMITS.labels(result="aborted").inc()
        for item in pending:
            if item.future.is_done and item.future.failed():
                m.PRODUCE_ERRORS.labels(topic=item.topic).inc()
        refused = self.writer.note_refusal(pending)
        log.warning("transaction aborted; batch will be retried", extra={
            "event": "transaction_aborted", "error_type": type(exc).__name__, "messages": len(pending)})
        try:
            self.writer.producer.abort_transaction()
        except Exception as abort_exc:  # noqa: BLE001 - fenced or fatal: start a new producer
            log.warning("producer replaced", extra={"event": "producer_replaced", "error_type": type(abort_exc).__name__})
            self.writer.replace_producer()
            return
        if refused:
            self.writer.replace_producer()

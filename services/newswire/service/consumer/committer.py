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
import threading
import time
from collections.abc import Callable, Mapping

from kafka.errors import KafkaError, KafkaTimeoutError
from kafka.structs import OffsetAndMetadata, TopicPartition

from newswire.service import metrics as m
from newswire.service.consumer.protocols import Batch, Consumer
from newswire.service.consumer.writer import BatchWriter, Pending

log = logging.getLogger("newswire.service.consumer")

RETRY_BACKOFF_MAX_SECONDS = 30.0
# Acknowledgements normally take well under a second; writes still unanswered after this
# long mean the outputs are not taking them (a leader gone, too few in-sync replicas):
# not ready, before the ack timeout ends the wait.
STALLED_WRITES_SECONDS = 5.0
# Least time given to one transaction step (offsets, commit, abort) after the batch's
# acknowledgements used up its deadline.
_TXN_STEP_MIN_SECONDS = 5.0


def within(deadline: float, call: Callable[[], object], what: str) -> None:
    """Run `call` in a helper thread; raise KafkaTimeoutError if it has not returned by
    `deadline`. kafka-python 3.0's send_offsets_to_transaction, commit_transaction and
    abort_transaction wait without a timeout, and when a coordinator is SIGKILLed mid-call
    they can wait forever (tests/cluster); the caller then gives that producer up."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=run, name=f"newswire-{what}", daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), _TXN_STEP_MIN_SECONDS))
    if not outcome:
        raise KafkaTimeoutError(f"{what} did not finish in time")
    if outcome[0] is not None:
        raise outcome[0]


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
        self._waiting_since: float | None = None  # the batch's writes wait for acks
        # The last offset commit failed (the group coordinator unreachable, or a
        # rebalance): not ready until a commit succeeds or the brokers answer again.
        self.commit_failed = False

    def stalled(self) -> bool:
        """The batch's writes have waited for acknowledgements longer than is normal."""
        since = self._waiting_since
        return since is not None and time.monotonic() - since > STALLED_WRITES_SECONDS

    def handle(self, consumer: Consumer, records: Batch) -> None:
        """Write the batch's outputs and commit what they allow. Never raises for a
        failed write: it is retried (after `backoff`)."""
        started = time.perf_counter()
        if self.writer.needs_producer:  # the last replacement failed: try again first
            self.writer.replace_producer()
        try:
            self._handle(consumer, records)
        finally:
            self._waiting_since = None
            m.IN_FLIGHT.set(0)
            m.BATCH_DURATION.observe(time.perf_counter() - started)

    def _handle(self, consumer: Consumer, records: Batch) -> None:
        raise NotImplementedError

    def _backing_off(self) -> None:
        self.backoff = grown(self.backoff)

    @property
    def failing(self) -> bool:
        """The last batch's writes failed and are waiting to be retried (not ready)."""
        return self.backoff > 0

    def _flush(self) -> float:
        """Push the batch's writes out; return the deadline for their acknowledgements.
        With too few in-sync replicas the broker holds writes unanswered, and
        kafka-python's flush then raises after waiting: each future says what happened."""
        self._waiting_since = time.monotonic()
        deadline = self._waiting_since + self.ack_timeout
        try:
            self.writer.producer.flush(timeout=self.ack_timeout)
        except KafkaError:
            pass
        return deadline

    def _committed(self, offsets: Mapping[TopicPartition, OffsetAndMetadata]) -> None:
        self.commit_failed = False
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
        deadline = self._flush()
        first_failed: dict[TopicPartition, int] = {}
        for item in pending:
            if item.tp in first_failed:
                continue  # redone after the rewind below, in order
            if self._acknowledged(item, deadline):
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

    def _acknowledged(self, item: Pending, deadline: float) -> bool:
        try:
            # One deadline for the batch: waiting ack_timeout per write would stall a
            # batch for minutes when many writes hang.
            item.future.get(timeout=max(deadline - time.monotonic(), 0.0))
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
            self.commit_failed = True
            log.warning("offset commit failed", extra={"event": "commit_failed", "error_type": type(exc).__name__})
            return
        self._committed(offsets)


class ExactlyOnce(Committer):
    def _handle(self, consumer: Consumer, records: Batch) -> None:
        offsets = {tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1) for tp, batch in records.items()}
        pending: list[Pending] = []
        producer = self.writer.producer
        committing = False  # past this point the transaction may have committed
        try:
            producer.begin_transaction()
            pending = self.writer.send_batch(records)
            deadline = self._flush()
            for item in pending:
                item.future.get(timeout=max(deadline - time.monotonic(), 0.0))
            group = consumer.group_metadata()
            within(deadline, lambda: producer.send_offsets_to_transaction(offsets, group), "txn-offsets")
            committing = True
            within(deadline, producer.commit_transaction, "txn-commit")
        except Exception as exc:  # noqa: BLE001 - any failure aborts the whole batch
            self._abort(pending, exc)
            self._rewind(consumer, records, ask_group=committing)
            m.RETRIES.inc(len(records))
            self._backing_off()
            return
        self.backoff = 0.0
        for item in pending:
            self._delivered(item)
        self._committed(offsets)

    def _rewind(self, consumer: Consumer, records: Batch, ask_group: bool) -> None:
        """Back to the batch's start, or, when the commit itself failed (`ask_group`), to
        the group's committed offset: a commit that did go through before the failure (a
        replacement producer's init_transactions has settled it) is not redone. The
        batch's start when the group coordinator does not answer."""
        for tp, batch in records.items():
            committed = None
            try:
                committed = consumer.committed(tp, timeout_ms=5000) if ask_group else None
            except KafkaError:
                pass
            offset = committed if committed is not None and committed > batch[0].offset else batch[0].offset
            consumer.seek(tp, offset)

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
            within(time.monotonic() + self.ack_timeout, self.writer.producer.abort_transaction, "txn-abort")
        except Exception as abort_exc:  # noqa: BLE001 - fenced, fatal or hung: start a new producer
            log.warning("producer replaced", extra={"event": "producer_replaced", "error_type": type(abort_exc).__name__})
            self.writer.replace_producer()
            return
        if refused:
            self.writer.replace_producer()

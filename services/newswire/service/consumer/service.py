"""`newswire consume` and `newswire extract`: the consumer-group service, as one loop.

Poll a batch; the BatchWriter processes every message with its stage (enrich, or extract
for `newswire extract`: Settings.for_extract) and sends its output to `articles.enriched`
(`articles.raw`) or the DLQ; the committer (at-least-once or exactly-once)
waits for the acknowledgements and commits what they allow. A write that fails is never
committed past: its partition is rewound (or its transaction aborted) and retried after
a backoff. Every few seconds the loop measures lag, which also tells whether Kafka answers.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from newswire.core.enrich import warm_up
from newswire.service import metrics as m
from newswire.service.consumer.committer import RETRY_BACKOFF_MAX_SECONDS, AtLeastOnce, Committer, ExactlyOnce, grown
from newswire.service.consumer.protocols import Consumer
from newswire.service.consumer.writer import BatchWriter, EnrichStage, ExtractStage, Stage
from newswire.service.dedup_redis import make_dedup_index
from newswire.service.endpoints import Health
from newswire.service.kafka_io import BrokerUnavailable, ensure_topics, make_consumer, make_producer, topic_max_bytes
from newswire.service.output_watch import OutputWatch
from newswire.service.settings import Settings

log = logging.getLogger("newswire.service.consumer")

SERVICE = "consumer"
# How often lag is measured; the same broker round trip tells whether Kafka answers.
_CHECK_INTERVAL_SECONDS = 5.0


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]  # kafka-python ships no types
    def __init__(self, service: ConsumerService) -> None:
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
        self._last_check = 0.0
        self.committer: Committer | None = None
        self._transactional_id: str | None = None

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set; then finish the batch in hand, commit, close."""
        s = self.settings
        if s.stage == "enrich":
            warm_up()
        clients = self._connect(stop)
        if clients is None:
            return
        writer, consumer = clients
        strategy = ExactlyOnce if s.exactly_once else AtLeastOnce
        committer = self.committer = strategy(writer, ack_timeout_seconds=s.shutdown_timeout_seconds)
        outputs = OutputWatch(s, [s.enriched_topic, s.dlq_topic]).start()
        # Not ready, whatever the loop is doing, while writes fail, hang, or the metadata
        # says they would (an output partition without a leader or below min.insync.replicas).
        self.health.veto = lambda: (committer.failing or committer.commit_failed or committer.stalled()
                                    or outputs.unwritable)
        try:
            consumer.subscribe([s.raw_topic], listener=_Listener(self))
            log.info("consuming", extra={"event": "start", "topic": s.raw_topic, "group": s.group_id})
            while not stop.is_set():
                try:
                    records = consumer.poll(timeout_ms=500)
                except KafkaError as exc:
                    # The broker went away mid-poll (kafka-python can raise a connection
                    # error here): not ready, wait, poll again; nothing was consumed.
                    self._unavailable(exc)
                    stop.wait(grown(committer.backoff))
                    continue
                # At once after a failed commit: a check that passes shows the brokers answer.
                if committer.commit_failed or time.monotonic() - self._last_check >= _CHECK_INTERVAL_SECONDS:
                    self._check(consumer, committer)
                self.health.set_ready(self.joined.is_set() and self.broker_ok)
                if records:
                    committer.handle(consumer, records)
                if committer.backoff:
                    stop.wait(committer.backoff)
        finally:
            self.health.set_ready(False)
            outputs.stop()
            try:
                writer.close(timeout=s.shutdown_timeout_seconds)
            finally:
                consumer.close(autocommit=False, timeout_ms=int(s.shutdown_timeout_seconds * 1000))
            log.info("stopped", extra={"event": "stop"})

    def _connect(self, stop: threading.Event) -> tuple[BatchWriter, KafkaConsumer] | None:
        """Connect, retrying with backoff while the broker is away: a service should
        outwait a broker that starts after it. /readyz says 503 meanwhile."""
        s = self.settings
        backoff = 1.0
        while not stop.is_set():
            writer = None
            try:
                ensure_topics(s, [s.raw_topic, s.enriched_topic, s.dlq_topic])
                writer = BatchWriter(self._make_producer, stage=self._stage(), dlq_topic=s.dlq_topic, group_id=s.group_id)
                # Exactly-once readers must not see aborted transactions upstream either.
                isolation = {"isolation_level": "read_committed"} if s.exactly_once else {}
                return writer, make_consumer(s, **isolation)
            except BrokerUnavailable as exc:
                if writer is not None:
                    writer.close(timeout=1)
                log.error("broker unavailable; retrying", extra={"event": "connect_failed", "reason": str(exc),
                                                                  "retry_in_seconds": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, RETRY_BACKOFF_MAX_SECONDS)
        return None

    def _stage(self) -> Stage:
        s = self.settings
        out_max = topic_max_bytes(s, s.enriched_topic)
        if s.stage == "extract":
            return ExtractStage(s.enriched_topic, s.max_message_bytes, out_max, s.max_page_bytes, s.default_timezone)
        return EnrichStage(s.pipeline(), s.enriched_topic, out_max, make_dedup_index(s))

    def _make_producer(self) -> KafkaProducer:
        if not self.settings.exactly_once:
            return make_producer(self.settings)
        # Unique per process: KIP-447 fencing goes by consumer-group generation, not by id.
        # The same id for a replacement producer: its init_transactions() completes or
        # aborts whatever transaction the one it replaces left open, and fences that one.
        if self._transactional_id is None:
            self._transactional_id = (f"{self.settings.transactional_id_prefix}-{self.settings.group_id}-"
                                      f"{uuid.uuid4().hex[:12]}")
        producer = make_producer(self.settings, transactional_id=self._transactional_id)
        producer.init_transactions()
        return producer

    def forget(self, tp: TopicPartition) -> None:
        """A partition left us: drop its per-partition series."""
        if self.committer is not None:
            self.committer.next_offset.pop(tp, None)
            self.committer.commit_failed = False  # the new owner re-reads from the last commit
        for gauge in (m.CONSUMER_LAG, m.COMMITTED_OFFSET):
            try:
                gauge.remove(tp.topic, str(tp.partition))
            except KeyError:
                pass

    def _unavailable(self, exc: BaseException) -> None:
        if self.broker_ok:
            log.warning("broker not answering", extra={"event": "broker_unavailable", "error_type": type(exc).__name__})
        self.broker_ok = False
        self.health.set_ready(False)

    def _check(self, consumer: Consumer, committer: Committer) -> None:
        """Measure lag per assigned partition; a broker that does not answer means not ready."""
        self._last_check = time.monotonic()
        assigned = list(consumer.assignment())
        if not assigned:
            return
        next_offset = committer.next_offset
        try:
            ends = consumer.end_offsets(assigned, timeout_ms=3000)
            for tp in assigned:
                if tp not in next_offset:
                    committed = consumer.committed(tp, timeout_ms=3000)
                    next_offset[tp] = committed if committed is not None else 0
        except KafkaError as exc:
            self._unavailable(exc)
            return
        if not self.broker_ok:
            log.info("broker answering again", extra={"event": "broker_available"})
        self.broker_ok = True
        committer.commit_failed = False
        for tp in assigned:
            end = ends.get(tp)
            if end is not None:
                m.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(end - next_offset[tp], 0))

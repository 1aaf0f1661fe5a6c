"""From a polled batch to writes in flight: each message processed by the writer's
stage (enrichment: the core's `process_many`; extraction: `pages.extract_messages`), in
chunks, and sent to the stage's output topic or the DLQ. Nothing is awaited here; the
committer waits for the acknowledgements and decides what to commit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from newswire.core.enrichers.dedup import DuplicateIndex
from newswire.core.models import DEAD_LETTER_SCHEMA, ENRICHED_SCHEMA, RAW_SCHEMA, RawArticle, to_json
from newswire.core.pages import MAX_PAGE_BYTES, extract_messages
from newswire.core.pipeline import Failure, Origin, PipelineConfig, dead_letter, internal_failure, process_many
from newswire.service import metrics as m
from newswire.service.consumer.protocols import Batch, Producer, Record, SendFuture
from newswire.service.kafka_io import ERROR_STAGE_HEADER, ERROR_TYPE_HEADER, headers

log = logging.getLogger("newswire.service.consumer")

# Articles enriched together (pipeline.process_many): enough for each enrichment stage's
# tables (the fastText model, the gazetteer, the word caches) to stay in the CPU caches
# across the chunk, few enough (about a quarter second of work) that the first writes of
# a backlog's batch (up to max_poll_records, 500) leave before the batch is done; at a
# steady load a poll holds fewer articles than a chunk anyway. Articles per CPU second,
# 1,024-article blocks in one process, 6 alternated rounds: 64 904, 128 947, 256 1,002,
# 512 1,057 (language detection alone 117 -> 80 µs per article from 64 to 1,024).
ENRICH_CHUNK = 256
# Pages extracted together: extraction has no big tables, and a page costs about 10 ms.
EXTRACT_CHUNK = 64
# A message whose write raises a bug of ours (not a Kafka error) this many times running
# goes to the DLQ (stage `produce`, with the traceback) instead of being retried forever.
MAX_WRITE_ATTEMPTS = 3
# A producer may name itself in this header; it becomes `source.name` when the message has no source.
SOURCE_HEADER = "newswire.source"


class FailedSend:
    """Stands for a write that raised before it reached the producer's queue, so the
    committer treats it like any unacknowledged write (rewind or abort, retry)."""

    is_done = True

    def __init__(self, exception: BaseException) -> None:
        self.exception: BaseException | None = exception

    def failed(self) -> bool:
        return True

    def get(self, timeout: float | None = None) -> Any:
        assert self.exception is not None
        raise self.exception

    def add_callback(self, f: Callable[[Any], Any]) -> None:
        pass


@dataclass
class Pending:
    """One consumed message and the write that stands for it downstream."""

    tp: TopicPartition
    record: Record
    future: SendFuture
    topic: str
    failure: Failure | None  # None: an enriched article; else the dead letter's reason
    language: str | None


@dataclass
class Outcome:
    """What a stage made of one message: an article to send (keyed by its id), or why not."""

    article: RawArticle | None = None
    failure: Failure | None = None
    timings: dict[str, float] = field(default_factory=dict)
    language: str | None = None  # the metrics label of an enriched article


class Stage(Protocol):
    """What differs between consumer stages; the sending, retrying and committing do not."""

    output_topic: str
    output_schema: str
    output_max_bytes: int | None
    counts_enriched: bool  # newswire_articles_enriched_total counts its outputs
    chunk: int  # messages processed together, each chunk sent as it is done

    def process(self, values: Sequence[bytes | None], origins: Sequence[Origin]) -> list[Outcome]: ...


@dataclass
class EnrichStage:
    """articles.raw -> articles.enriched (`newswire consume`)."""

    pipeline: PipelineConfig
    output_topic: str
    output_max_bytes: int | None = None
    dedup: DuplicateIndex | None = None
    output_schema: str = ENRICHED_SCHEMA
    counts_enriched: bool = True
    chunk: int = ENRICH_CHUNK

    def process(self, values: Sequence[bytes | None], origins: Sequence[Origin]) -> list[Outcome]:
        return [Outcome(r.article, r.failure, r.timings, r.article.enrichment.language if r.article else None)
                for r in process_many(values, self.pipeline, dedup=self.dedup, origins=origins)]


@dataclass
class ExtractStage:
    """pages.raw -> articles.raw (`newswire extract`)."""

    output_topic: str
    max_message_bytes: int
    output_max_bytes: int | None = None
    max_page_bytes: int = MAX_PAGE_BYTES
    default_timezone: str = "UTC"
    output_schema: str = RAW_SCHEMA
    counts_enriched: bool = False
    chunk: int = EXTRACT_CHUNK

    def process(self, values: Sequence[bytes | None], origins: Sequence[Origin]) -> list[Outcome]:
        return [Outcome(r.article, r.failure, r.timings) for r in extract_messages(
            values, origins, max_message_bytes=self.max_message_bytes, max_page_bytes=self.max_page_bytes,
            default_timezone=self.default_timezone)]


def origin_of(tp: TopicPartition, record: Record) -> Origin:
    """Where a record came from, for the fields the consumer derives (intake.complete)."""
    name = None
    for key, value in record.headers or ():
        if key == SOURCE_HEADER and value:
            name = value.decode("utf-8", "replace").strip()[:500] or None
    return Origin(tp.topic, record.timestamp, name)


def printable_key(key: bytes | None) -> str | None:
    """The message key for a log line, when it is short text (an article id)."""
    if not key or len(key) > 64:
        return None
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return None


class BatchWriter:
    """Owns the producer (replaced when kafka-python can no longer use it) and what the
    retry of a batch must remember: writes the broker refused for good, and how often a
    message's write raised."""

    def __init__(self, make_producer: Callable[[], Producer], *, dlq_topic: str, group_id: str, stage: Stage | None = None,
                 pipeline: PipelineConfig | None = None, enriched_topic: str = "", enriched_max_bytes: int | None = None,
                 dedup: DuplicateIndex | None = None) -> None:
        # Without a stage: the enrichment stage from its parts (the original signature).
        self.stage: Stage = stage or EnrichStage(pipeline or PipelineConfig(), enriched_topic, enriched_max_bytes, dedup)
        self._make_producer = make_producer
        self.producer = make_producer()
        self.output_topic = self.stage.output_topic
        self.dlq_topic = dlq_topic
        self.group_id = group_id
        # Records whose enriched write the broker refused for good; on the retry of their
        # batch they go to the DLQ instead (stage `produce`).
        self.refused: dict[tuple[TopicPartition, int], Failure] = {}
        self._attempts: dict[tuple[TopicPartition, int], int] = {}
        self.needs_producer = False  # the last replacement failed

    # -- sending -------------------------------------------------------------------

    def send_batch(self, records: Batch) -> list[Pending]:
        """Process every message of the batch and send its output; nothing is awaited.
        Messages are processed in chunks (the stage's), each chunk sent as it is done."""
        pending: list[Pending] = []
        items: list[tuple[TopicPartition, Record]] = []
        for tp, batch in records.items():
            m.MESSAGES_CONSUMED.labels(topic=tp.topic).inc(len(batch))
            items.extend((tp, record) for record in batch)
        chunk = self.stage.chunk
        for start in range(0, len(items), chunk):
            pending.extend(self._send_chunk(items[start:start + chunk]))
        m.BATCH_SIZE.observe(len(pending))
        m.IN_FLIGHT.set(len(pending))
        return pending

    def _send_chunk(self, chunk: Sequence[tuple[TopicPartition, Record]]) -> list[Pending]:
        # A message whose enriched write was refused for good last time is dead-lettered.
        refused = {i: failure for i, (tp, record) in enumerate(chunk)
                   if (failure := self.refused.pop((tp, record.offset), None)) is not None}
        todo = [i for i in range(len(chunk)) if i not in refused]
        outcomes = self.stage.process([chunk[i][1].value for i in todo], [origin_of(*chunk[i]) for i in todo])
        results = dict(zip(todo, outcomes))
        return [self.send_dead_letter(tp, record, refused[i]) if i in refused else self._send_output(tp, record, results[i])
                for i, (tp, record) in enumerate(chunk)]

    def _send_output(self, tp: TopicPartition, record: Record, result: Outcome) -> Pending:
        """_send_processed(), with what it raises turned into a failed write: a Kafka error
        is retried like any failed write; a bug of ours (say, serialising the article)
        is retried MAX_WRITE_ATTEMPTS times, then dead-lettered with its traceback."""
        key = (tp, record.offset)
        try:
            pending = self._send_processed(tp, record, result)
        except KafkaError as exc:
            return Pending(tp, record, FailedSend(exc), self.output_topic, None, None)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the consumer, nor loop
            attempts = self._attempts.pop(key, 0) + 1
            log.error("writing a message failed", exc_info=exc, extra={
                "event": "write_failed", "error_type": type(exc).__name__, "attempt": attempts,
                "partition": tp.partition, "offset": record.offset})
            if attempts >= MAX_WRITE_ATTEMPTS:
                return self.send_dead_letter(tp, record, internal_failure("produce", exc))
            self._attempts[key] = attempts
            return Pending(tp, record, FailedSend(exc), self.output_topic, None, None)
        if self._attempts:
            self._attempts.pop(key, None)
        return pending

    def _send_processed(self, tp: TopicPartition, record: Record, result: Outcome) -> Pending:
        for stage, seconds in result.timings.items():
            m.stage_timer(stage).observe(seconds)
        if result.article is None:
            assert result.failure is not None
            return self.send_dead_letter(tp, record, result.failure)
        article = result.article
        value = to_json(article)
        limit = self.stage.output_max_bytes
        if limit is not None and len(value) > limit:
            # Refused before sending: a refused send poisons kafka-python's idempotent
            # and transactional producers for every later send.
            failure = Failure("produce", "MessageSizeTooLargeError",
                              f"output article is {len(value)} bytes; {self.output_topic} accepts {limit}")
            return self.send_dead_letter(tp, record, failure)
        future = self._timed_send(self.output_topic, article.id.encode(), value, headers(self.stage.output_schema))
        return Pending(tp, record, future, self.output_topic, None, result.language)

    def send_dead_letter(self, tp: TopicPartition, record: Record, failure: Failure) -> Pending:
        letter = dead_letter(
            failure, value=record.value, key=record.key, topic=tp.topic, partition=tp.partition,
            offset=record.offset, timestamp_ms=record.timestamp, group=self.group_id,
        )
        # Bad input is routine (INFO); a bug of ours is an ERROR (its traceback was logged where it was raised).
        log.log(logging.ERROR if failure.internal else logging.INFO, "dead-lettered", extra={
            "event": "dead_letter", "stage": failure.stage, "error_type": failure.type,
            "reason": failure.message[:300], "article_id": printable_key(record.key),
            "topic": tp.topic, "partition": tp.partition, "offset": record.offset})
        future = self._timed_send(
            self.dlq_topic, record.key, to_json(letter),
            headers(DEAD_LETTER_SCHEMA, **{ERROR_STAGE_HEADER: failure.stage, ERROR_TYPE_HEADER: failure.type}),
        )
        return Pending(tp, record, future, self.dlq_topic, failure, None)

    def _timed_send(self, topic: str, key: bytes | None, value: bytes, hdrs: list[tuple[str, bytes]]) -> SendFuture:
        sent = time.perf_counter()
        future = self.producer.send(topic, key=key, value=value, headers=hdrs)
        produce_timer = m.stage_timer("produce")
        future.add_callback(lambda _meta: produce_timer.observe(time.perf_counter() - sent))
        return future

    # -- after a failed batch ------------------------------------------------------

    def note_refusal(self, pending: Sequence[Pending]) -> bool:
        """If the broker refused an enriched write for good, remember that message so its
        retry becomes a dead letter (stage `produce`). Only the first failure in send order
        is trusted: after a permanent error kafka-python's idempotent producer fails every
        later send with the same error, so the producer is replaced as well."""
        for item in pending:
            if item.future.is_done and item.future.failed():
                error = item.future.exception
                if item.failure is None and not getattr(error, "retriable", True):
                    self.refused[(item.tp, item.record.offset)] = Failure(
                        "produce", type(error).__name__, f"{item.topic} refused the output article: {error}"[:1000])
                    return True
                return False
        return False

    def replace_producer(self) -> None:
        try:
            self.producer.close(timeout=1)
        except Exception:  # noqa: BLE001 - it is being thrown away
            pass
        try:
            self.producer = self._make_producer()
            self.needs_producer = False
        except Exception as exc:  # noqa: BLE001 - brokers away: the closed one fails every send, so the batch is retried
            self.needs_producer = True
            log.warning("producer not replaced yet; trying again with the next batch", extra={
                "event": "producer_replace_failed", "error_type": type(exc).__name__})

    def close(self, timeout: float) -> None:
        self.producer.close(timeout=timeout)

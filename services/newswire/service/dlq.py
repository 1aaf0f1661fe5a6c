"""`newswire dlq`: look at dead letters, and republish chosen ones after a fix.

Replays are recorded in a compacted log topic (`articles.dlq.replayed`, key
"<dlq partition>:<dlq offset>"), written in the same Kafka transaction as the
republished message: a dead letter is replayed once, however often the command runs.
"""

from __future__ import annotations

import base64
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

import orjson
from kafka import KafkaConsumer, TopicPartition

from newswire.core.models import DeadLetter, utc_now
from newswire.service.kafka_io import ensure_topics, make_admin, make_consumer, make_producer
from newswire.service.settings import Settings

REPLAY_HEADER = "newswire.replay.of"


@dataclass(frozen=True)
class Letter:
    partition: int
    offset: int
    letter: DeadLetter | None  # None when the record is not a dead letter we can read
    raw: bytes

    @property
    def key(self) -> str:
        return f"{self.partition}:{self.offset}"

    def original_bytes(self) -> bytes:
        assert self.letter is not None
        if self.letter.original_encoding == "base64":
            return base64.b64decode(self.letter.original)
        return self.letter.original.encode("utf-8")

    def original_key(self) -> bytes | None:
        assert self.letter is not None
        if self.letter.original_key is None:
            return None
        if self.letter.original_key_encoding == "base64":
            return base64.b64decode(self.letter.original_key)
        return self.letter.original_key.encode("utf-8")


def read_all(settings: Settings, topic: str, **config: Any) -> Iterator[Any]:
    """Every record of `topic` up to its end at the time of the call (no group)."""
    consumer: KafkaConsumer = make_consumer(settings, group_id=None, enable_auto_commit=False, **config)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            return
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batches = consumer.poll(timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    if record.offset < ends[tp]:
                        yield record
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
            for tp in list(remaining):
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        consumer.close()


def read_letters(settings: Settings) -> Iterator[Letter]:
    for record in read_all(settings, settings.dlq_topic):
        try:
            letter: DeadLetter | None = DeadLetter.model_validate_json(record.value)
        except ValueError:
            letter = None
        yield Letter(record.partition, record.offset, letter, record.value)


def _matches(item: Letter, stage: str | None, error_type: str | None, picks: set[str] | None) -> bool:
    if item.letter is None:
        return False
    if picks is not None and item.key not in picks:
        return False
    if stage and item.letter.error.stage != stage:
        return False
    return not error_type or item.letter.error.type == error_type


def inspect(settings: Settings, *, stage: str | None, error_type: str | None, picks: set[str] | None,
            show: bool, out: TextIO = sys.stdout) -> int:
    """Counts by stage and type; with `show`, one JSON line per chosen dead letter."""
    counts: Counter[tuple[str, str]] = Counter()
    unreadable = 0
    for item in read_letters(settings):
        if item.letter is None:
            unreadable += 1
            continue
        if not _matches(item, stage, error_type, picks):
            continue
        counts[(item.letter.error.stage, item.letter.error.type)] += 1
        if show:
            entry = {"dlq": item.key, **orjson.loads(item.raw)}
            out.write(orjson.dumps(entry).decode() + "\n")
    if not show:
        out.write(f"{'stage':<10} {'error type':<28} {'count':>7}\n")
        for (st, et), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.write(f"{st:<10} {et:<28} {n:>7}\n")
        out.write(f"{'total':<39} {sum(counts.values()):>7}\n")
        if unreadable:
            out.write(f"({unreadable} records in {settings.dlq_topic} are not newswire dead letters)\n")
    return sum(counts.values())


def replayed_keys(settings: Settings) -> set[str]:
    return {record.key.decode() for record in read_all(settings, settings.dlq_replayed_topic,
                                                        isolation_level="read_committed") if record.key}


def replay(settings: Settings, *, stage: str | None, error_type: str | None, picks: set[str] | None,
           dry_run: bool = False, out: TextIO = sys.stderr) -> tuple[int, int]:
    """Republish the chosen dead letters' original bytes to the raw topic; returns
    (replayed, skipped because already replayed)."""
    ensure_topics(settings, [settings.raw_topic])
    _ensure_replay_log(settings)
    done = replayed_keys(settings)
    chosen = [item for item in read_letters(settings) if _matches(item, stage, error_type, picks)]
    todo = [item for item in chosen if item.key not in done]
    if dry_run or not todo:
        return len(todo) if dry_run else 0, len(chosen) - len(todo)
    producer = make_producer(settings, transactional_id=f"{settings.transactional_id_prefix}-dlq-replay-{uuid.uuid4().hex[:12]}")
    try:
        producer.init_transactions()
        for start in range(0, len(todo), 500):  # bounded transactions
            producer.begin_transaction()
            for item in todo[start:start + 500]:
                origin = f"{settings.dlq_topic}/{item.partition}/{item.offset}".encode()
                producer.send(settings.raw_topic, key=item.original_key(), value=item.original_bytes(),
                              headers=[(REPLAY_HEADER, origin)])
                producer.send(settings.dlq_replayed_topic, key=item.key.encode(),
                              value=orjson.dumps({"replayed_at": utc_now().isoformat(), "to": settings.raw_topic}))
            producer.commit_transaction()
    finally:
        producer.close(timeout=settings.shutdown_timeout_seconds)
    return len(todo), len(chosen) - len(todo)


def _ensure_replay_log(settings: Settings) -> None:
    admin = make_admin(settings)
    try:
        if settings.dlq_replayed_topic not in admin.list_topics():
            from kafka.errors import TopicAlreadyExistsError

            try:
                admin.create_topics({settings.dlq_replayed_topic: {
                    "num_partitions": 1, "replication_factor": settings.replication_factor,
                    "configs": {"cleanup.policy": "compact"}}}, wait_for_metadata=True)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()

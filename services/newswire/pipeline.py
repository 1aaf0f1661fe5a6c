"""One message through decode -> validate -> enrich, as a pure function.

The consumer and `newswire enrich` share this path; Kafka I/O lives elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Sequence

from pydantic import ValidationError

from newswire.enrich import EnrichmentError, enrich_many
from newswire.ids import article_id
from newswire.enrichers.dedup import DuplicateIndex, MemoryIndex, RedisIndex
from newswire.models import DeadLetter, EnrichedArticle, ErrorInfo, RawArticle, utc_now
from newswire.settings import Settings

Stage = Literal["decode", "validate", "enrich", "produce"]
STAGES: tuple[Stage, ...] = ("decode", "validate", "enrich", "produce")


@dataclass(frozen=True)
class Failure:
    """Why a message could not be enriched."""

    stage: Stage
    type: str
    message: str
    details: list[dict[str, Any]] | dict[str, Any] | None = None


@dataclass
class Result:
    """What became of one message; `timings` feeds the per-stage histograms."""

    article: EnrichedArticle | None = None
    failure: Failure | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _validation_failure(exc: ValidationError) -> Failure:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    # Pydantic reports malformed JSON as a validation error; it is a decode failure.
    if errors and errors[0]["type"] in ("json_invalid", "json_type"):
        return Failure("decode", "JSONDecodeError", errors[0]["msg"])
    details = [{"loc": ".".join(str(p) for p in e["loc"]), "type": e["type"], "msg": e["msg"]} for e in errors[:50]]
    summary = "; ".join(f"{d['loc'] or '(message)'}: {d['msg']}" for d in details[:5])
    return Failure("validate", "ValidationError", f"{exc.error_count()} validation error(s): {summary}", details)


def make_dedup_index(settings: Settings) -> DuplicateIndex | None:
    """The near-duplicate index the settings ask for (None when switched off)."""
    if settings.dedup_backend == "off":
        return None
    if settings.dedup_backend == "redis":
        return RedisIndex(settings.redis_url, settings.dedup_threshold, settings.dedup_window_seconds)
    return MemoryIndex(settings.dedup_threshold, settings.dedup_window_seconds, settings.dedup_max_entries)


def process_many(values: Sequence[bytes | None], settings: Settings, *, now: datetime | None = None,
                 dedup: DuplicateIndex | None = None) -> list[Result]:
    """process() of each message value, in order; the valid ones are enriched together
    (enrich_many: stage by stage, which keeps each stage's tables in the CPU caches)."""
    results = [Result() for _ in values]
    valid: list[tuple[Result, RawArticle]] = []
    for value, result in zip(values, results):
        raw = _decode_and_validate(value, settings, result)
        if raw is not None:
            valid.append((result, raw))
    if not valid:
        return results
    started = time.perf_counter()
    outcomes = enrich_many([raw for _, raw in valid], settings, now=now, dedup=dedup)
    # The batch runs stage by stage, so an article's enrich time is its share of the batch.
    share = (time.perf_counter() - started) / len(valid)
    for (result, _), outcome in zip(valid, outcomes):
        if isinstance(outcome, EnrichmentError):
            result.failure = Failure("enrich", "EnrichmentError", str(outcome))
        elif isinstance(outcome, Exception):  # an enricher bug must dead-letter, not crash the consumer
            result.failure = Failure("enrich", type(outcome).__name__, str(outcome)[:1000])
        else:
            result.article = outcome
            result.timings["enrich"] = share
    return results


def process(value: bytes | None, settings: Settings, *, now: datetime | None = None,
            dedup: DuplicateIndex | None = None) -> Result:
    """Decode, validate and enrich one raw message value."""
    return process_many([value], settings, now=now, dedup=dedup)[0]


def _decode_and_validate(value: bytes | None, settings: Settings, result: Result) -> RawArticle | None:
    """The validated raw article, or None with `result.failure` set."""
    start = time.perf_counter()
    if value is None:
        result.failure = Failure("decode", "EmptyMessage", "message has no value (tombstone)")
        return None
    if len(value) > settings.max_message_bytes:
        result.failure = Failure("decode", "MessageTooLarge", f"{len(value)} bytes exceeds the {settings.max_message_bytes}-byte limit")
        return None
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.failure = Failure("decode", "UnicodeDecodeError", f"not UTF-8: invalid byte at position {exc.start}")
        return None
    decoded = time.perf_counter()
    result.timings["decode"] = decoded - start
    try:
        # Validating straight from bytes parses the JSON once, in Rust.
        raw = RawArticle.model_validate_json(value)
    except ValidationError as exc:
        result.failure = _validation_failure(exc)
        return None
    expected_id = article_id(title=raw.title, body=raw.body, url=raw.url)
    if raw.id != expected_id:
        # Ids are derived from the content (DESIGN.md): a wrong one would break keyed
        # upserts downstream, so the message is refused rather than trusted.
        result.failure = Failure("validate", "IdMismatch",
                                 f"id {raw.id} does not match the content (expected {expected_id})",
                                 {"expected_id": expected_id})
        return None
    result.timings["validate"] = time.perf_counter() - decoded
    return raw


# A dead letter of an oversized message keeps this much of it (the DLQ must stay bounded).
TRUNCATED_ORIGINAL_BYTES = 64 * 1024


def encode_original(data: bytes | None) -> tuple[str, Literal["utf-8", "base64"]]:
    """The exact bytes: as text when they are valid UTF-8, else base64."""
    if data is None:
        return "", "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


def dead_letter(
    failure: Failure,
    *,
    value: bytes | None,
    key: bytes | None,
    topic: str,
    partition: int,
    offset: int,
    timestamp_ms: int | None,
    group: str,
) -> DeadLetter:
    truncated = failure.type == "MessageTooLarge" and value is not None and len(value) > TRUNCATED_ORIGINAL_BYTES
    original, encoding = encode_original(value[:TRUNCATED_ORIGINAL_BYTES] if truncated and value else value)
    original_key, key_encoding = encode_original(key) if key is not None else (None, None)
    return DeadLetter.model_construct(
        schema_version=1,
        error=ErrorInfo.model_construct(stage=failure.stage, type=failure.type, message=failure.message, details=failure.details),
        original=original,
        original_encoding=encoding,
        original_truncated=truncated,
        original_size=len(value) if value is not None else None,
        original_sha256=hashlib.sha256(value).hexdigest() if value is not None else None,
        original_key=original_key,
        original_key_encoding=key_encoding,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        source_timestamp_ms=timestamp_ms,
        failed_at=utc_now(),
        consumer_group=group,
    )


def to_json(model: RawArticle | EnrichedArticle | DeadLetter) -> bytes:
    """UTF-8 JSON without ASCII escaping: Arabic stays Arabic on the wire."""
    return model.__pydantic_serializer__.to_json(model)


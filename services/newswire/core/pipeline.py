"""One message through decode -> validate -> enrich, as a pure function.

The consumer and `newswire enrich` share this path; Kafka I/O lives elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Literal

from pydantic import ValidationError

from newswire.core.enrich import EnrichmentError, enrich_many
from newswire.core.enrichers.config import EnrichmentConfig
from newswire.core.enrichers.dedup import DuplicateIndex
from newswire.core.intake import complete_json
from newswire.core.models import DeadLetter, EnrichedArticle, ErrorInfo, RawArticle, Source, Stage, utc_now
from newswire.core.validation import field_errors, summarize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    """Why a message could not be enriched. `internal` marks a bug of ours rather than
    bad input (its details then hold the traceback)."""

    stage: Stage
    type: str
    message: str
    details: list[dict[str, Any]] | dict[str, Any] | None = None
    internal: bool = False


@dataclass
class Result:
    """What became of one message; `timings` feeds the per-stage histograms."""

    article: EnrichedArticle | None = None
    failure: Failure | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _validation_failure(exc: ValidationError) -> Failure:
    errors = field_errors(exc)
    # Pydantic reports malformed JSON as a validation error; it is a decode failure.
    if errors and errors[0]["type"] in ("json_invalid", "json_type"):
        return Failure("decode", "JSONDecodeError", errors[0]["msg"])
    details: list[dict[str, Any]] = list(errors[:50])  # the dead letter stays bounded
    summary = summarize(errors[:5])
    return Failure("validate", "ValidationError", f"{exc.error_count()} validation error(s): {summary}", details)


@dataclass(frozen=True)
class PipelineConfig:
    """What the one-message pipeline needs, built by the caller (the service:
    `Settings.pipeline()`), so the core never reads the environment."""

    max_message_bytes: int = 1_000_000
    default_timezone: str = "UTC"
    raw_topic: str = "articles.raw"  # names the source of a message that carries none
    enrichment: EnrichmentConfig = field(default_factory=EnrichmentConfig)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a message came from: the consumer derives a missing `source` and
    `fetched_at` from it (the topic, a `newswire.source` header, the record timestamp)."""

    topic: str
    timestamp_ms: int | None = None
    source_name: str | None = None

    def source(self) -> Source:
        return _api_source(self.source_name or self.topic, self.topic)

    def fetched_at(self) -> datetime:
        if self.timestamp_ms is not None and self.timestamp_ms > 0:
            return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=timezone.utc)
        return utc_now()


@lru_cache(maxsize=256)
def _api_source(name: str, topic: str) -> Source:
    return Source(name=name[:500], kind="api", location=topic)


def process_many(values: Sequence[bytes | None], config: PipelineConfig, *, now: datetime | None = None,
                 dedup: DuplicateIndex | None = None, origins: Sequence[Origin] | None = None) -> list[Result]:
    """process() of each message value, in order; the valid ones are enriched together
    (enrich_many: stage by stage, which keeps each stage's tables in the CPU caches).
    `origins[i]` says where `values[i]` came from (default: the raw topic, now)."""
    results = [Result() for _ in values]
    valid: list[tuple[Result, RawArticle]] = []
    default_origin = Origin(config.raw_topic)
    for i, (value, result) in enumerate(zip(values, results)):
        raw = _decode_and_validate(value, config, result, origins[i] if origins is not None else default_origin)
        if raw is not None:
            valid.append((result, raw))
    if not valid:
        return results
    started = time.perf_counter()
    outcomes = enrich_many([raw for _, raw in valid], config.enrichment, now=now, dedup=dedup)
    # The batch runs stage by stage, so an article's enrich time is its share of the batch.
    share = (time.perf_counter() - started) / len(valid)
    for (result, _), outcome in zip(valid, outcomes):
        if isinstance(outcome, EnrichmentError):
            result.failure = Failure("enrich", "EnrichmentError", str(outcome))
        elif isinstance(outcome, Exception):
            # An enricher's bug: dead-letter this article with the traceback, loudly, and go on.
            log.error("enricher failed", exc_info=outcome, extra={"event": "enricher_failed",
                                                                  "error_type": type(outcome).__name__})
            result.failure = internal_failure("enrich", outcome)
        else:
            result.article = outcome
            result.timings["enrich"] = share
    return results


def process(value: bytes | None, config: PipelineConfig, *, now: datetime | None = None,
            dedup: DuplicateIndex | None = None, origin: Origin | None = None) -> Result:
    """Decode, validate and enrich one raw message value."""
    return process_many([value], config, now=now, dedup=dedup, origins=None if origin is None else [origin])[0]


# A traceback in a dead letter keeps its last this-many characters (the DLQ stays bounded).
TRACEBACK_MAX_CHARS = 8_000


def internal_failure(stage: Stage, exc: BaseException) -> Failure:
    """A bug of ours (not bad input) as a dead-letter reason: the class, the message and
    the formatted traceback, so the dead letter alone is enough to find the bug."""
    trace = "".join(traceback.format_exception(exc))
    return Failure(stage, type(exc).__name__, f"{type(exc).__name__}: {exc}"[:1000],
                   {"internal_error": True, "traceback": trace[-TRACEBACK_MAX_CHARS:]}, internal=True)


def _decode_and_validate(value: bytes | None, config: PipelineConfig, result: Result, origin: Origin) -> RawArticle | None:
    """The validated raw article (missing fields derived), or None with `result.failure` set."""
    start = time.perf_counter()
    if value is None:
        result.failure = Failure("decode", "EmptyMessage", "message has no value (tombstone)")
        return None
    if len(value) > config.max_message_bytes:
        result.failure = Failure("decode", "MessageTooLarge", f"{len(value)} bytes exceeds the {config.max_message_bytes}-byte limit")
        return None
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.failure = Failure("decode", "UnicodeDecodeError", f"not UTF-8: invalid byte at position {exc.start}")
        return None
    decoded = time.perf_counter()
    result.timings["decode"] = decoded - start
    try:
        # Validating straight from bytes parses the JSON once, in Rust. A client-given id
        # is kept (it is that client's stable key); duplicates are still found by content
        # hash and near-duplicate signature (README: ids).
        raw = complete_json(value, source=origin.source(), fetched_at=origin.fetched_at(),
                            default_timezone=config.default_timezone)
    except ValidationError as exc:
        result.failure = _validation_failure(exc)
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

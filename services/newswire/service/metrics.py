"""Prometheus metrics. One prefix (`newswire_`), base units, `_total` counters, and
label values from small fixed sets only (never ids, URLs or titles)."""

from __future__ import annotations

import platform
from functools import cache, lru_cache

from prometheus_client import Counter, Gauge, Histogram

from newswire import __version__

# Detected languages get their own label value; everything else is "other", so the
# series count stays bounded whatever the model answers.
LANGUAGE_LABELS = frozenset({
    "ar", "en", "fr", "es", "de", "ru", "tr", "fa", "ur", "zh", "ja", "ko", "he", "it",
    "pt", "nl", "hi", "id", "pl", "uk", "sv", "el", "und",
})

# Fine resolution at the low end (a message is enriched in about a millisecond) up to minutes.
_DURATION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

MESSAGES_CONSUMED = Counter("newswire_messages_consumed_total", "Raw messages polled from Kafka.", ["topic"])
ARTICLES_ENRICHED = Counter(
    "newswire_articles_enriched_total", "Articles enriched and acknowledged downstream, by detected language.", ["language"]
)
DEAD_LETTERS = Counter(
    "newswire_dead_letters_total", "Messages written to the dead-letter topic and acknowledged.", ["stage", "error_type"]
)
MESSAGES_PRODUCED = Counter("newswire_messages_produced_total", "Messages acknowledged by Kafka, by topic.", ["topic"])
PRODUCE_ERRORS = Counter("newswire_produce_errors_total", "Writes to Kafka that failed, by topic.", ["topic"])
PRODUCER_ARTICLES = Counter(
    "newswire_producer_articles_total", "Articles handled by `newswire produce`, by source kind and outcome.",
    ["source_kind", "outcome"],
)
STAGE_DURATION = Histogram(
    "newswire_stage_duration_seconds", "Time spent per message in each stage.", ["stage"], buckets=_DURATION_BUCKETS
)
BATCH_DURATION = Histogram(
    "newswire_batch_duration_seconds", "Time to process, write and commit one polled batch.", buckets=_DURATION_BUCKETS
)
BATCH_SIZE = Histogram(
    "newswire_batch_size", "Messages per polled batch.", buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500)
)
END_TO_END = Histogram(
    "newswire_end_to_end_latency_seconds",
    "From the raw message's Kafka timestamp to the acknowledged enriched write.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
CONSUMER_LAG = Gauge("newswire_consumer_lag", "Messages not yet processed, per assigned partition.", ["topic", "partition"])
COMMITTED_OFFSET = Gauge("newswire_committed_offset", "Last committed offset, per assigned partition.", ["topic", "partition"])
OUTPUT_PARTITIONS = Gauge(
    "newswire_output_partitions",
    "Partitions of the output topics by state from cluster metadata: ok, under_replicated (writable), "
    "below_min_isr or no_leader (acks=all writes refused).", ["topic", "state"],
)
IN_FLIGHT = Gauge("newswire_in_flight_messages", "Messages of the current batch written but not yet acknowledged.")
RETRIES = Counter("newswire_batch_retries_total", "Partitions rewound to retry writes that were not acknowledged.")
COMMITS = Counter("newswire_offset_commits_total", "Offset commits, by result.", ["result"])
REBALANCES = Counter("newswire_rebalances_total", "Partition assignments and revocations.", ["event"])
READY = Gauge("newswire_ready", "1 when the service is connected and ready, else 0.", ["service"])
LAST_PROCESSED = Gauge(
    "newswire_last_processed_timestamp_seconds", "Unix time of the last message written downstream."
)
FEED_POLLS = Counter("newswire_feed_polls_total", "Feed polls, by outcome (200, 304, 4xx, 5xx, timeout, too_large, "
                     "refused, invalid).", ["outcome"])
FEED_BYTES = Counter("newswire_feed_fetched_bytes_total", "Feed bytes received (decompressed), 304s included as 0.")
FEED_NEW_ENTRIES = Counter("newswire_feed_new_entries_total", "Feed entries published for the first time.")
FEEDS = Gauge("newswire_feeds", "Feeds this poller owns, by state (ok, backing_off, failing).", ["state"])
FEED_MOST_OVERDUE = Gauge("newswire_feed_most_overdue_seconds",
                          "How far past its due time the latest feed is (0 when the poller keeps up).")
BUILD_INFO = Gauge("newswire_build_info", "Build information; always 1.", ["version", "python", "service"])

# Every metric name this module exports, for docs and the dashboard tests.
METRIC_NAMES = frozenset({
    "newswire_messages_consumed_total", "newswire_articles_enriched_total", "newswire_dead_letters_total",
    "newswire_messages_produced_total", "newswire_produce_errors_total", "newswire_producer_articles_total",
    "newswire_stage_duration_seconds", "newswire_batch_duration_seconds", "newswire_batch_size",
    "newswire_offset_commits_total", "newswire_rebalances_total", "newswire_ready",
    "newswire_end_to_end_latency_seconds", "newswire_consumer_lag", "newswire_committed_offset",
    "newswire_in_flight_messages", "newswire_batch_retries_total", "newswire_output_partitions",
    "newswire_last_processed_timestamp_seconds", "newswire_build_info",
    "newswire_feed_polls_total", "newswire_feed_fetched_bytes_total", "newswire_feed_new_entries_total",
    "newswire_feeds", "newswire_feed_most_overdue_seconds",
})


def language_label(language: str) -> str:
    return language if language in LANGUAGE_LABELS else "other"


# Label children looked up once: `.labels()` costs a lock and a dict per call, and the
# consumer updates these for every message.
@cache
def stage_timer(stage: str) -> Histogram:
    return STAGE_DURATION.labels(stage=stage)


@cache
def produced(topic: str) -> Counter:
    return MESSAGES_PRODUCED.labels(topic=topic)


@lru_cache(maxsize=64)
def enriched(language: str) -> Counter:
    return ARTICLES_ENRICHED.labels(language=language_label(language))


def mark_build(service: str) -> None:
    BUILD_INFO.labels(version=__version__, python=platform.python_version(), service=service).set(1)
    READY.labels(service=service).set(0)


# Dead-letter reasons as metric labels: the types newswire itself gives (core/pipeline.py,
# service/consumer/) and Kafka's refusals of a write; a bug of ours is "InternalError" and
# anything else "Other", so the label set stays small whatever an exception is called.
KNOWN_ERROR_TYPES = frozenset({
    "EmptyMessage", "MessageTooLarge", "UnicodeDecodeError", "JSONDecodeError", "ValidationError",
    "EnrichmentError", "NoArticle", "PageDecodeError", "MessageSizeTooLargeError", "RecordListTooLargeError", "InvalidRecordError",
    "CorruptRecordError", "InvalidTopicError", "TopicAuthorizationFailedError",
})


def error_type_label(error_type: str, internal: bool = False) -> str:
    if internal:
        return "InternalError"
    return error_type if error_type in KNOWN_ERROR_TYPES else "Other"

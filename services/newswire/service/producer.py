"""`newswire produce`: publish raw articles from files, folders and feeds to Kafka.

An article counts as published only once the broker acknowledged it (acks=all);
anything else is counted as failed and makes the exit status non-zero.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from kafka import KafkaProducer
from kafka.errors import KafkaError

from newswire.core.models import PAGE_SCHEMA, RAW_SCHEMA, RawArticle, to_json
from newswire.core.pages import Page, to_message
from newswire.core.sources import SourceError
from newswire.core.sources.reader import ReadOptions, read_inputs, read_pages
from newswire.service import metrics as m
from newswire.service.kafka_io import headers

log = logging.getLogger(__name__)

SERVICE = "producer"


@dataclass
class Tally:
    published: int = 0
    skipped: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"published {self.published}, skipped {self.skipped}, failed {self.failed}"


@dataclass
class Publisher:
    """Publishes articles and remembers which ids it already sent, so a rescan
    (`--watch`) or a repeated input does not publish the same article twice."""

    producer: KafkaProducer
    topic: str
    timeout_seconds: float
    errors: TextIO = sys.stderr
    default_timezone: str = "UTC"
    seen: set[str] = field(default_factory=set)
    read_options: ReadOptions | None = None
    # --pages: publish pages (unextracted) to this topic instead, for `newswire extract`.
    pages_topic: str | None = None
    max_message_bytes: int = 1_000_000

    def publish(self, inputs: list[str]) -> Tally:
        if self.pages_topic is not None:
            return self._publish_pages(inputs, self.pages_topic)
        return self.publish_items(read_inputs(inputs, self.default_timezone, self.read_options))

    def publish_items(self, items: Iterable[RawArticle | SourceError]) -> Tally:
        """Publish what a reader gave (errors are printed and counted); afterwards
        `seen` holds the id of every article acknowledged, now or before."""
        tally = Tally()
        in_flight: list[tuple[str, str, str, Any]] = []
        for item in items:
            if isinstance(item, SourceError):
                tally.failed += 1
                m.PRODUCER_ARTICLES.labels(source_kind="unknown", outcome="failed").inc()
                print(f"newswire produce: {item}", file=self.errors)
                continue
            if item.id in self.seen:
                tally.skipped += 1
                m.PRODUCER_ARTICLES.labels(source_kind=item.source.kind, outcome="skipped").inc()
                continue
            self.seen.add(item.id)
            try:
                future = self.producer.send(self.topic, key=item.id.encode(), value=to_json(item), headers=headers(RAW_SCHEMA))
            except KafkaError as exc:
                future = exc
            in_flight.append((item.id, item.source.kind, item.source.location or item.source.name, future))
            if len(in_flight) >= 10_000:  # bound memory on very large inputs
                self._settle(in_flight, tally, self.topic)
                in_flight = []
        self._settle(in_flight, tally, self.topic)
        return tally

    def _publish_pages(self, inputs: list[str], topic: str) -> Tally:
        """Pages as `PageMessage`s keyed by their URL (else their location), so the
        extract stage's partitions spread them; the same page is published once."""
        tally = Tally()
        in_flight: list[tuple[str, str, str, Any]] = []
        for item in read_pages(inputs, self.read_options):
            if isinstance(item, SourceError):
                tally.failed += 1
                m.PRODUCER_ARTICLES.labels(source_kind="unknown", outcome="failed").inc()
                print(f"newswire produce: {item}", file=self.errors)
                continue
            where = item.source.location or item.source.name
            value = _page_value(item)
            if len(value) > self.max_message_bytes:
                tally.failed += 1
                m.PRODUCER_ARTICLES.labels(source_kind=item.source.kind, outcome="failed").inc()
                print(f"newswire produce: {where}: page is {len(item.html)} bytes, {len(value)} as a message "
                      f"(compressed), over the {self.max_message_bytes}-byte limit", file=self.errors)
                continue
            key = "page:" + (item.url or where)
            if key in self.seen:
                tally.skipped += 1
                continue
            self.seen.add(key)
            try:
                future = self.producer.send(topic, key=key.encode()[:1000], value=value, headers=headers(PAGE_SCHEMA))
            except KafkaError as exc:
                future = exc
            in_flight.append((key, item.source.kind, where, future))
            if len(in_flight) >= 1_000:  # pages are larger than articles
                self._settle(in_flight, tally, topic)
                in_flight = []
        self._settle(in_flight, tally, topic)
        return tally

    def _settle(self, in_flight: list[tuple[str, str, str, Any]], tally: Tally, topic: str) -> None:
        try:
            self.producer.flush(timeout=self.timeout_seconds)
        except KafkaError:
            pass  # each future below says what happened to its article
        for key, kind, where, future in in_flight:
            try:
                if isinstance(future, Exception):
                    raise future
                future.get(timeout=0)
            except Exception as exc:  # noqa: BLE001 - timeouts included: not acknowledged is failed
                tally.failed += 1
                self.seen.discard(key)  # not published: a rescan may try again
                m.PRODUCER_ARTICLES.labels(source_kind=kind, outcome="failed").inc()
                m.PRODUCE_ERRORS.labels(topic=topic).inc()
                print(f"newswire produce: {where}: not published ({type(exc).__name__}: {exc})", file=self.errors)
                continue
            tally.published += 1
            m.PRODUCER_ARTICLES.labels(source_kind=kind, outcome="published").inc()
            m.MESSAGES_PRODUCED.labels(topic=topic).inc()


def _page_value(page: Page) -> bytes:
    return to_json(to_message(page))


def watch(publisher: Publisher, inputs: list[str], interval: float, stop: threading.Event) -> Tally:
    """Rescan the inputs every `interval` seconds until stopped; publish what is new."""
    total = Tally()
    while True:
        tally = publisher.publish(inputs)
        total.published += tally.published
        total.skipped += tally.skipped
        total.failed += tally.failed
        if tally.published or tally.failed:
            log.info("scan done", extra={"event": "scan", "published": tally.published,
                                         "skipped": tally.skipped, "failed": tally.failed})
        if stop.wait(interval):
            return total

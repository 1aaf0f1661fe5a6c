"""`newswire produce`: publish raw articles from files, folders and feeds to Kafka.

An article counts as published only once the broker acknowledged it (acks=all);
anything else is counted as failed and makes the exit status non-zero.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, TextIO

from kafka import KafkaProducer
from kafka.errors import KafkaError

from newswire import metrics as m
from newswire.kafka_io import headers
from newswire.models import RAW_SCHEMA, RawArticle, to_json

from newswire.sources import SourceError
from newswire.sources.reader import read_inputs

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

    def publish(self, inputs: list[str]) -> Tally:
        tally = Tally()
        in_flight: list[tuple[RawArticle, Any]] = []
        for item in read_inputs(inputs, self.default_timezone):
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
            in_flight.append((item, future))
            if len(in_flight) >= 10_000:  # bound memory on very large inputs
                self._settle(in_flight, tally)
                in_flight = []
        self._settle(in_flight, tally)
        return tally

    def _settle(self, in_flight: list[tuple[RawArticle, Any]], tally: Tally) -> None:
        try:
            self.producer.flush(timeout=self.timeout_seconds)
        except KafkaError:
            pass  # each future below says what happened to its article
        for article, future in in_flight:
            try:
                if isinstance(future, Exception):
                    raise future
                future.get(timeout=0)
            except Exception as exc:  # noqa: BLE001 - timeouts included: not acknowledged is failed
                tally.failed += 1
                self.seen.discard(article.id)  # not published: a rescan may try again
                m.PRODUCER_ARTICLES.labels(source_kind=article.source.kind, outcome="failed").inc()
                m.PRODUCE_ERRORS.labels(topic=self.topic).inc()
                where = article.source.location or article.source.name
                print(f"newswire produce: {where}: not published ({type(exc).__name__}: {exc})", file=self.errors)
                continue
            tally.published += 1
            m.PRODUCER_ARTICLES.labels(source_kind=article.source.kind, outcome="published").inc()
            m.MESSAGES_PRODUCED.labels(topic=self.topic).inc()


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

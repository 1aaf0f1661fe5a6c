"""The feed poller behind `newswire produce --watch SECONDS URL...` and `--feeds LIST`:
the I/O around core/sources/polling.py's decisions.

Each feed's state (validators, errors, next due time, ids already published) lives in a
compacted topic keyed by the feed's URL, read whole at start and written after every
poll, so a restarted poller asks conditionally and republishes nothing, and any poller
can take a feed over. Fetches go through one PoliteFetcher (one request at a time per
host, a minimum interval between two), a few hosts at once; parsing, publishing and
state writes happen on the calling thread.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TextIO

import orjson
from kafka import KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from newswire.core.sources import SourceError
from newswire.core.sources.feeds import FeedError, FetchedFeed, FetchTimeout, HTTPStatusError, TooLarge, read_feed_document
from newswire.core.sources.fetch import PoliteFetcher
from newswire.core.sources.polling import (
    FEED_STATUSES,
    FeedState,
    PollPolicy,
    Uniform,
    after_failure,
    after_success,
    conditional_headers,
    due,
    feed_status,
    most_overdue_seconds,
    new_state,
    owner,
    status_outcome,
)
from newswire.core.sources.reader import ReadOptions, feed_articles
from newswire.service import metrics as m
from newswire.service.kafka_io import BrokerUnavailable, headers, make_consumer
from newswire.service.producer import Publisher, Tally
from newswire.service.settings import Settings

log = logging.getLogger(__name__)

STATE_SCHEMA = "newswire.feed-state/1"
_LOAD_DEADLINE_SECONDS = 60.0
_MAX_SLEEP_SECONDS = 5.0  # wake this often at least, to keep the lateness gauge fresh


class StateStore:
    """Feed states in the compacted state topic, keyed by the configured feed URL."""

    def __init__(self, settings: Settings, producer: KafkaProducer | None) -> None:
        self.settings, self.producer = settings, producer
        self.topic = settings.feed_state_topic

    def load(self) -> dict[str, FeedState]:
        """The latest state of every feed in the topic (all partitions: the topic is
        small, and whoever owns a feed now finds its state wherever it was written)."""
        consumer = make_consumer(self.settings, group_id=None)
        try:
            partitions = [TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic) or ())]
            if not partitions:
                return {}
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            end = consumer.end_offsets(partitions)
            states: dict[str, FeedState] = {}
            give_up = time.monotonic() + _LOAD_DEADLINE_SECONDS
            while any(consumer.position(tp) < end[tp] for tp in partitions):
                if time.monotonic() > give_up:
                    raise BrokerUnavailable(f"could not read {self.topic} to its end within {_LOAD_DEADLINE_SECONDS:g} s")
                for records in consumer.poll(timeout_ms=500).values():
                    for record in records:
                        self._take(states, record.key, record.value)
            return states
        finally:
            consumer.close()

    @staticmethod
    def _take(states: dict[str, FeedState], key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        feed = key.decode("utf-8", "replace")
        if value is None:  # a tombstone: the feed was forgotten
            states.pop(feed, None)
            return
        try:
            states[feed] = FeedState.from_dict(orjson.loads(value))
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            # Someone else's bytes in our topic: start that feed afresh rather than stop.
            log.warning("unreadable state for %s ignored: %s", feed, exc, extra={"event": "feed_state_unreadable"})

    def save(self, state: FeedState) -> None:
        assert self.producer is not None
        self.producer.send(self.topic, key=state.feed.encode("utf-8"), value=orjson.dumps(state.to_dict()),
                           headers=headers(STATE_SCHEMA))

    def flush(self, timeout: float) -> None:
        assert self.producer is not None
        try:
            self.producer.flush(timeout=timeout)
        except KafkaError as exc:  # the next save tries again; the feed is polled again meanwhile
            log.warning("feed states not written: %s", exc, extra={"event": "feed_state_unwritten"})


def error_outcome(exc: FeedError) -> str:
    if isinstance(exc, HTTPStatusError):
        # A 3xx here (a 304 nobody asked for, a redirect without Location) is no answer either.
        return status_outcome(exc.status) if exc.status >= 400 else "refused"
    if isinstance(exc, FetchTimeout):
        return "timeout"
    if isinstance(exc, TooLarge):
        return "too_large"
    return "refused"  # connection refused or reset, no such host, a redirect to another scheme


class Poller:
    """Polls the feeds this poller owns (`owner(feed, pollers) == index`) when they are due."""

    def __init__(self, feeds: Iterable[str], *, publisher: Publisher, store: StateStore, policy: PollPolicy,
                 fetcher: PoliteFetcher, read_options: ReadOptions, index: int = 0, pollers: int = 1, workers: int = 4,
                 clock: Callable[[], float] = time.time, uniform: Uniform = random.uniform,
                 errors: TextIO = sys.stderr) -> None:
        self.publisher, self.store, self.policy, self.fetcher = publisher, store, policy, fetcher
        self.read_options, self.clock, self.uniform, self.errors = read_options, clock, uniform, errors
        self.workers = workers
        loaded = store.load()
        now = clock()
        self.states = {feed: loaded.get(feed) or new_state(feed, now)
                       for feed in dict.fromkeys(feeds) if owner(feed, pollers) == index}
        self.total = Tally()

    def poll_due(self) -> int:
        """Poll every feed that is due now; return how many were polled."""
        batch = due(self.states.values(), self.clock())
        if batch:
            with ThreadPoolExecutor(min(self.workers, len(batch)), thread_name_prefix="feed-fetch") as pool:
                futures = {pool.submit(self._fetch, state): state for state in batch}
                for future in as_completed(futures):
                    state = self._apply(futures[future], future.result())
                    self.states[state.feed] = state
                    self.store.save(state)
            self.store.flush(self.publisher.timeout_seconds)
        self.update_gauges()
        return len(batch)

    def run(self, stop: threading.Event, rescan: Callable[[], Tally] | None = None, rescan_seconds: float = 60.0) -> Tally:
        """Poll until stopped; `rescan` (files and folders given beside the feeds) runs
        every `rescan_seconds`."""
        next_scan = self.clock()
        while True:
            if rescan is not None and self.clock() >= next_scan:
                self._add(rescan())
                next_scan = self.clock() + rescan_seconds
            self.poll_due()
            wake = min([s.next_due for s in self.states.values()] + ([next_scan] if rescan else []),
                       default=self.clock() + _MAX_SLEEP_SECONDS)
            if stop.wait(min(max(wake - self.clock(), 0.05), _MAX_SLEEP_SECONDS)):
                return self.total

    def update_gauges(self) -> None:
        now = self.clock()
        counts = Counter(feed_status(s, now, self.policy) for s in self.states.values())
        for status in FEED_STATUSES:
            m.FEEDS.labels(state=status).set(counts.get(status, 0))
        m.FEED_MOST_OVERDUE.set(most_overdue_seconds(self.states.values(), now))

    def _fetch(self, state: FeedState) -> FetchedFeed | FeedError:
        try:
            return self.fetcher.fetch(state.url, check_robots=False, feed_bounds=True, headers=conditional_headers(state))
        except FeedError as exc:
            return exc

    def _apply(self, state: FeedState, result: FetchedFeed | FeedError) -> FeedState:
        now = self.clock()
        if isinstance(result, FeedError):
            return self._failed(state, now, error_outcome(result), result)
        m.FEED_BYTES.inc(len(result.data))
        if result.status == 304:
            m.FEED_POLLS.labels(outcome="304").inc()
            return after_success(state, now=now, policy=self.policy, status=304, headers=result.headers, url=result.url,
                                 redirects=result.redirects)
        try:
            document = read_feed_document(result.data, content_type=result.content_type)
        except FeedError as exc:
            return self._failed(state, now, "invalid", exc)
        m.FEED_POLLS.labels(outcome="200").inc()
        items = list(feed_articles(state.url, document.title, document.entries, self.read_options))
        known = set(state.entry_ids)
        self._add(self.publisher.publish_items(i for i in items if isinstance(i, SourceError) or i.id not in known))
        ids = [i.id for i in items if not isinstance(i, SourceError)]
        published = [i for i in ids if i in known or i in self.publisher.seen]
        fresh = len([i for i in published if i not in known])
        m.FEED_NEW_ENTRIES.inc(fresh)
        if fresh:
            log.info("%d new entries from %s", fresh, state.url, extra={"event": "feed_entries", "published": fresh})
        # An entry not acknowledged: forget the validators, so the next poll fetches in full (no 304 hides it).
        return after_success(state, now=now, policy=self.policy, status=result.status, headers=result.headers,
                             url=result.url, redirects=result.redirects, refresh_hint=document.refresh_seconds,
                             published_ids=published, keep_validators=len(published) == len(ids))

    def _failed(self, state: FeedState, now: float, outcome: str, exc: FeedError) -> FeedState:
        m.FEED_POLLS.labels(outcome=outcome).inc()
        self.total.failed += 1
        new = after_failure(state, now=now, policy=self.policy, outcome=outcome, error=str(exc),
                            status=exc.status if isinstance(exc, HTTPStatusError) else None,
                            headers=exc.headers if isinstance(exc, HTTPStatusError) else (), uniform=self.uniform)
        print(f"newswire produce: {state.url}: {exc} (failure {new.errors} in a row; next try in "
              f"{new.next_due - now:.0f} s)", file=self.errors)
        return new

    def _add(self, tally: Tally) -> None:
        self.total.published += tally.published
        self.total.skipped += tally.skipped
        self.total.failed += tally.failed


def status_lines(states: Iterable[FeedState], policy: PollPolicy, now: float) -> list[str]:
    """`newswire feeds status`: one line per feed, tab-separated: URL, state, last
    success, next due, errors (and the last error, when failing)."""
    lines = []
    for state in sorted(states, key=lambda s: s.feed):
        where = state.feed if state.url == state.feed else f"{state.feed} -> {state.url}"
        line = "\t".join([where, feed_status(state, now, policy), "last success " + _when(state.last_success),
                          "next due " + _when(state.next_due), f"errors {state.errors}"])
        if state.errors and state.last_error:
            line += f"\t{state.last_outcome}: {state.last_error}"
        lines.append(line)
    return lines


def _when(moment: float | None) -> str:
    if moment is None:
        return "never"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))

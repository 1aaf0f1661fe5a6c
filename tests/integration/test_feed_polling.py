"""Feed polling against a real broker (state topic, articles.raw) and local HTTP servers
serving real feed files. Time moves by an injected clock in the in-process tests (no
sleeping for minutes); the CLI tests use short configured bounds."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.server
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newswire.core.sources.fetch import FetchConfig, PoliteFetcher
from newswire.core.sources.polling import PollPolicy
from newswire.core.sources.reader import ReadOptions
from newswire.service.kafka_io import ensure_topics, make_producer
from newswire.service.poller import Poller, StateStore
from newswire.service.ports import free_port
from newswire.service.producer import Publisher
from newswire.service.settings import Settings
from tests.integration.kafka_helpers import REPO, TopicSet, end_offsets, http_get, metric_value, read_topic
from tests.local_http import Route, http_server, reply

FEEDS = REPO / "tests" / "data" / "feeds"
WORLD = (FEEDS / "world.rss").read_bytes()  # 4 items
ARABIC = (FEEDS / "arabic.atom").read_bytes()  # 3 entries
POLICY = PollPolicy(interval_seconds=60, min_interval_seconds=10, max_interval_seconds=3600, backoff_cap_seconds=3600,
                    failing_after_seconds=1800)


@dataclass
class Clock:
    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Request:
    path: str
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None
    answered: int | None = None  # the status `feed()` answered with

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


class FeedServer:
    """Routes that log every request; `feed()` answers as a well-behaved server does
    (ETag and Last-Modified, 304 when the validators match)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.lock = threading.Lock()

    def log(self, handler: http.server.BaseHTTPRequestHandler, answered: int | None = None) -> None:
        with self.lock:
            self.requests.append(Request(handler.path, handler.headers.get("If-None-Match"),
                                         handler.headers.get("If-Modified-Since"), handler.headers.get("User-Agent"),
                                         answered))

    def to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def feed(self, body: Callable[[], bytes] | bytes, *, validators: bool = True, gzipped: bool = False,
             content_type: str = "application/rss+xml") -> Route:
        def route(handler: http.server.BaseHTTPRequestHandler) -> None:
            data = body() if callable(body) else body
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            modified = "Tue, 03 Mar 2026 10:05:00 GMT"
            # RFC 9110: If-None-Match decides when sent; If-Modified-Since only without it.
            asked = handler.headers.get("If-None-Match")
            if validators and (asked == etag if asked else handler.headers.get("If-Modified-Since") == modified):
                self.log(handler, 304)
                reply(handler, 304, ETag=etag)
                return
            self.log(handler, 200)
            extra = {"ETag": etag, "Last_Modified": modified} if validators else {}
            if gzipped:
                data = gzip.compress(data)
                extra["Content_Encoding"] = "gzip"
            reply(handler, 200, data, Content_Type=content_type, **extra)
        return route

    def sequence(self, *answers: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Route:
        """The n-th request gets the n-th answer (the last one after that)."""
        def route(handler: http.server.BaseHTTPRequestHandler) -> None:
            self.log(handler)
            with self.lock:
                n = len(self.to(handler.path.split("?")[0])) - 1
            answers[min(n, len(answers) - 1)](handler)
        return route


def status(code: int, **headers: str) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    return lambda handler: reply(handler, code, b"not now", **headers)


def ok(body: bytes) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    return lambda handler: reply(handler, 200, body, Content_Type="application/rss+xml")


@pytest.fixture
def settings(topics: TopicSet) -> Settings:
    return Settings(bootstrap_servers=topics.bootstrap, raw_topic=topics.raw, partitions=3,
                    feed_state_topic=f"test.{uuid.uuid4().hex[:10]}.feeds.state")


@pytest.fixture
def make_poller(settings: Settings) -> Iterator[Callable[..., Poller]]:
    """A poller as `newswire produce --watch` builds it, with a clock of the test's; each
    call is a fresh process's worth of state (a new producer, publisher and fetcher)."""
    ensure_topics(settings, [settings.raw_topic, settings.feed_state_topic])
    producers = []

    def make(feeds: list[str], clock: Clock, *, index: int = 0, pollers: int = 1, user_agent: str = "newswire-test",
             uniform: Callable[[float, float], float] = lambda low, high: high) -> Poller:
        producer = make_producer(settings)
        producers.append(producer)
        options = ReadOptions(fetcher=PoliteFetcher(FetchConfig(user_agent=user_agent, min_interval_seconds=0)))
        publisher = Publisher(producer, settings.raw_topic, timeout_seconds=30, read_options=options, errors=io.StringIO())
        return Poller(feeds, publisher=publisher, store=StateStore(settings, producer), policy=POLICY,
                      fetcher=options.fetcher, read_options=options, index=index, pollers=pollers, clock=clock,
                      uniform=uniform, errors=io.StringIO())

    yield make
    for producer in producers:
        producer.close(timeout=10)


def published(settings: Settings) -> int:
    return sum(end_offsets(settings.bootstrap_servers, settings.raw_topic).values())


def test_first_poll_is_a_full_get_then_304s_and_a_restart_asks_conditionally_and_publishes_nothing(
        settings: Settings, make_poller) -> None:
    server = FeedServer()
    routes = {"/world.rss": server.feed(WORLD), "/no-validators.atom": server.feed(ARABIC, validators=False)}
    with http_server(routes) as (base, _):
        world, plain = base + "/world.rss", base + "/no-validators.atom"
        clock = Clock()
        poller = make_poller([world, plain], clock)
        assert poller.poll_due() == 2
        assert published(settings) == 4 + 3
        for _ in range(3):
            clock.advance(15 * 60)  # world.rss says <ttl>15</ttl>: not before
            assert poller.poll_due() == 2
        restarted = make_poller([world, plain], clock)
        assert restarted.states[world].etag is not None  # read back from the state topic
        clock.advance(15 * 60)
        assert restarted.poll_due() == 2
        first, *later = server.to("/world.rss")
        assert not first.conditional and len(later) == 4 and all(r.conditional for r in later)
        assert [r.answered for r in later] == [304] * 4
        assert all(r.if_none_match == later[0].if_none_match is not None for r in later)
        assert all(not r.conditional for r in server.to("/no-validators.atom"))  # a server without validators...
        assert published(settings) == 4 + 3  # ... still gets nothing republished, across the restart too
        assert restarted.states[plain].entry_ids == poller.states[plain].entry_ids and len(poller.states[plain].entry_ids) == 3


def test_the_ttl_is_honoured_and_watch_is_only_the_default(settings: Settings, make_poller) -> None:
    server = FeedServer()
    with http_server({"/world.rss": server.feed(WORLD)}) as (base, _):
        clock = Clock()
        poller = make_poller([base + "/world.rss"], clock)
        poller.poll_due()
        for _ in range(14):
            clock.advance(60)  # the configured interval, but the feed asks for 15 minutes
            assert poller.poll_due() == 0
        clock.advance(60)
        assert poller.poll_due() == 1
        assert len(server.to("/world.rss")) == 2


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_is_honoured(settings: Settings, make_poller, form: str) -> None:
    server = FeedServer()
    clock = Clock()

    def busy(handler: http.server.BaseHTTPRequestHandler) -> None:
        value = "120" if form == "seconds" else email.utils.formatdate(clock.now + 120, usegmt=True)
        reply(handler, 429, b"slow down", Retry_After=value)

    with http_server({"/f.rss": server.sequence(busy, ok(WORLD))}) as (base, _):
        poller = make_poller([base + "/f.rss"], clock)
        assert poller.poll_due() == 1
        assert poller.states[base + "/f.rss"].errors == 1
        for _ in range(11):
            clock.advance(10)
            assert poller.poll_due() == 0  # nothing sent before the 120 s are up
        clock.advance(11)
        assert poller.poll_due() == 1
        assert len(server.to("/f.rss")) == 2
        assert poller.states[base + "/f.rss"].errors == 0
        assert published(settings) == 4


def test_backoff_grows_is_capped_and_recovery_resets_it(settings: Settings, make_poller) -> None:
    server = FeedServer()
    answers = [status(500)] * 8 + [ok(WORLD)]
    with http_server({"/f.rss": server.sequence(*answers)}) as (base, _):
        url = base + "/f.rss"
        clock = Clock()
        poller = make_poller([url], clock)  # jitter: always the ceiling
        waits = []
        for _ in range(8):
            assert poller.poll_due() == 1
            waits.append(poller.states[url].next_due - clock.now)
            clock.advance(waits[-1] - 1)
            assert poller.poll_due() == 0  # not a second early
            clock.advance(1)
        assert waits == [120, 240, 480, 960, 1920, 3600, 3600, 3600]
        assert poller.states[url].errors == 8
        assert poller.poll_due() == 1  # still polled: never dropped
        state = poller.states[url]
        assert state.errors == 0 and state.next_due - clock.now == 60 * 15  # healthy again (the feed's <ttl>)
        assert published(settings) == 4


def test_a_permanent_redirect_moves_the_stored_url(settings: Settings, make_poller) -> None:
    server = FeedServer()

    def moved(handler: http.server.BaseHTTPRequestHandler) -> None:
        server.log(handler)
        reply(handler, 301, b"", Location="/new.rss")

    with http_server({"/old.rss": moved, "/new.rss": server.feed(WORLD)}) as (base, _):
        clock = Clock()
        poller = make_poller([base + "/old.rss"], clock)
        poller.poll_due()
        assert poller.states[base + "/old.rss"].url == base + "/new.rss"
        clock.advance(3600)
        restarted = make_poller([base + "/old.rss"], clock)
        restarted.poll_due()
        assert len(server.to("/old.rss")) == 1  # the old URL is not asked again, after a restart neither
        assert [(r.conditional, r.answered) for r in server.to("/new.rss")] == [(False, 200), (True, 304)]


def test_a_gzip_feed(settings: Settings, make_poller) -> None:
    server = FeedServer()
    with http_server({"/ar.atom": server.feed(ARABIC, gzipped=True, content_type="application/atom+xml")}) as (base, _):
        poller = make_poller([base + "/ar.atom"], Clock())
        poller.poll_due()
        assert poller.states[base + "/ar.atom"].last_outcome == "200"
        records = read_topic(settings.bootstrap_servers, settings.raw_topic, 3)
        assert len(records) == 3 and all("ar" in r.value.decode() for r in records)


def numbered_feed(n: int, items: int = 2) -> bytes:
    entries = "".join(
        f"<item><title>Feed {n} story {i}</title><link>https://news{n}.example/story/{i}</link>"
        f"<description>Story {i} of feed {n}, as the wire tells it.</description></item>" for i in range(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"<link>https://news{n}.example/</link>{entries}</channel></rss>").encode()


def test_two_pollers_never_poll_the_same_feed(settings: Settings, make_poller) -> None:
    server = FeedServer()
    routes = {f"/f{n}.rss": server.feed(numbered_feed(n)) for n in range(20)}
    with http_server(routes) as (base, _):
        feeds = [f"{base}/f{n}.rss" for n in range(20)]
        clock = Clock()
        pollers = [make_poller(feeds, clock, index=i, pollers=2, user_agent=f"poller-{i}") for i in range(2)]
        assert sorted(len(p.states) for p in pollers) != [0, 20]  # both have work
        for _ in range(3):
            threads = [threading.Thread(target=p.poll_due) for p in pollers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            clock.advance(61)
        by_path: dict[str, set[str | None]] = {}
        for request in server.requests:
            by_path.setdefault(request.path, set()).add(request.user_agent)
        assert sorted(by_path) == sorted(routes)  # every feed polled...
        assert all(len(agents) == 1 for agents in by_path.values())  # ...by one poller only
        assert all(len(server.to(path)) == 3 for path in routes)
        assert published(settings) == 40


# --- the command, as a user runs it ------------------------------------------------------


def produce(settings: Settings, *args: str, seconds: float, scrape: list[str] | None = None) -> tuple[int, str]:
    """`newswire produce --watch ...` for `seconds`, then SIGTERM; (exit status, output).
    `scrape` gets the /metrics text of just before the stop."""
    metrics_port = free_port()
    env = {**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": settings.bootstrap_servers, "NEWSWIRE_RAW_TOPIC": settings.raw_topic,
           "NEWSWIRE_FEED_STATE_TOPIC": settings.feed_state_topic, "NEWSWIRE_PARTITIONS": "3",
           "NEWSWIRE_FEED_MIN_INTERVAL_SECONDS": "0.5", "NEWSWIRE_FETCH_MIN_INTERVAL_SECONDS": "0",
           "NEWSWIRE_FEED_MAX_INTERVAL_SECONDS": "1", "NEWSWIRE_METRICS_PORT": str(metrics_port),
           "NEWSWIRE_LOG_FORMAT": "text"}
    proc = subprocess.Popen([sys.executable, "-m", "newswire.service.cli", "produce", *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        time.sleep(seconds)
        if scrape is not None:
            scrape.append(http_get(f"http://127.0.0.1:{metrics_port}/metrics")[1])
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    return proc.returncode, output.decode(errors="replace")


def feeds_status(settings: Settings) -> list[str]:
    env = {**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
           "NEWSWIRE_FEED_STATE_TOPIC": settings.feed_state_topic}
    done = subprocess.run([sys.executable, "-m", "newswire.service.cli", "feeds", "status"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_watch_sends_one_full_get_then_only_conditional_requests_across_a_restart(settings: Settings) -> None:
    server = FeedServer()
    with http_server({"/world.rss": server.feed(WORLD)}) as (base, _):
        url = base + "/world.rss"
        first_status, first_output = produce(settings, "--watch", "0.5", url, seconds=8)
        assert first_status == 0, first_output
        before_restart = len(server.to("/world.rss"))
        scraped: list[str] = []
        second_status, second_output = produce(settings, "--watch", "0.5", url, seconds=8, scrape=scraped)
        assert second_status == 0, second_output
        requests = server.to("/world.rss")
        assert before_restart >= 2 and len(requests) > before_restart
        assert not requests[0].conditional
        assert all(r.conditional for r in requests[1:])
        assert [r.answered for r in requests] == [200] + [304] * (len(requests) - 1)
        assert all(r.if_none_match for r in requests[1:])
        assert "newswire/" in (requests[0].user_agent or "")
        assert published(settings) == 4
        assert "published 4" in first_output and "published 0" in second_output
        [metrics] = scraped
        # Every poll of the second run a 304 (one more may come between the scrape and the stop).
        assert 2 <= metric_value(metrics, "newswire_feed_polls_total", outcome="304") <= len(requests) - before_restart
        assert metric_value(metrics, "newswire_feed_polls_total", outcome="200") == 0  # nothing new after the restart
        assert metric_value(metrics, "newswire_feeds", state="ok") == 1
        assert metric_value(metrics, "newswire_feeds", state="failing") == 0
        assert metric_value(metrics, "newswire_feed_most_overdue_seconds") < 5
        assert "127.0.0.1:" not in "".join(m for m in metrics.splitlines() if m.startswith("newswire_feed"))
        [line] = feeds_status(settings)
        assert line.startswith(url + "\tok\tlast success 20") and "errors 0" in line


def test_an_opml_list_of_twenty_feeds_three_failing_in_different_ways(settings: Settings, tmp_path: Path) -> None:
    server = FeedServer()

    def too_large(handler: http.server.BaseHTTPRequestHandler) -> None:
        server.log(handler)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(64 * 1024 * 1024))
        handler.end_headers()

    routes = {f"/f{n}.rss": server.feed(numbered_feed(n)) for n in range(17)}
    routes["/broken.rss"] = server.sequence(status(500))
    routes["/huge.rss"] = too_large
    with http_server(routes) as (base, _):
        closed = f"http://127.0.0.1:{free_port()}/nobody-listens.rss"
        urls = [f"{base}/f{n}.rss" for n in range(17)] + [f"{base}/broken.rss", f"{base}/huge.rss", closed]
        outlines = "".join(f'<outline type="rss" text="feed {i}" xmlUrl="{u}"/>' for i, u in enumerate(urls))
        opml = tmp_path / "subscriptions.opml"
        opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
                        f'<outline text="news">{outlines}</outline></body></opml>', encoding="utf-8")
        code, output = produce(settings, "--watch", "0.5", "--feeds", str(opml), seconds=8)
        assert code == 1, output  # failures make the exit status non-zero...
        assert "polling 20 of 20 feeds" in output
        assert published(settings) == 17 * 2  # ...while the other feeds go on
        for n in range(17):
            assert len(server.to(f"/f{n}.rss")) >= 2, n
        # Backed off (0.5 to 1 s after the first failure, then up to 2, 4...): asked far less than a healthy feed.
        assert len(server.to("/broken.rss")) < min(len(server.to(f"/f{n}.rss")) for n in range(17))
        lines = {line.split("\t")[0]: line for line in feeds_status(settings)}
        assert len(lines) == 20
        assert "\tbacking_off\t" in lines[f"{base}/broken.rss"] and "5xx: HTTP 500" in lines[f"{base}/broken.rss"]
        assert "too_large: feed larger than" in lines[f"{base}/huge.rss"]
        assert "refused: cannot fetch feed" in lines[closed]
        assert sum("\tok\t" in line for line in lines.values()) == 17


def test_a_bad_feed_list_is_one_line_and_a_non_zero_exit(settings: Settings, tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("https://ok.example/rss\nftp://old.example/feed\n", encoding="utf-8")
    env = {**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": settings.bootstrap_servers}
    done = subprocess.run([sys.executable, "-m", "newswire.service.cli", "produce", "--watch", "30", "--feeds", str(listing)],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == f"newswire: {listing}:2: not an http(s) URL: 'ftp://old.example/feed'"

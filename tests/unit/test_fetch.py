"""The polite fetcher against a local HTTP server: robots.txt, User-Agent, one request
at a time per host with a minimum interval, bounded size."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from newswire.core.sources.feeds import FeedError
from newswire.core.sources.fetch import Disallowed, FetchConfig, PoliteFetcher, user_agent
from tests.local_http import Route, http_server, reply


@contextmanager
def server(routes: dict[str, tuple[int, bytes]], delay: float = 0.0) -> Iterator[tuple[str, list[tuple[float, float, str, str]]]]:
    """(base URL, log of (start, end, path, user agent)) for a server answering `routes`."""
    log: list[tuple[float, float, str, str]] = []

    def answer(status: int, body: bytes) -> Route:
        def route(handler: http.server.BaseHTTPRequestHandler) -> None:
            started = time.monotonic()
            time.sleep(delay)
            reply(handler, status, body, Content_Type="text/plain" if handler.path == "/robots.txt" else "text/html")
            log.append((started, time.monotonic(), handler.path, handler.headers.get("User-Agent", "")))
        return route

    with http_server({path: answer(*r) for path, r in routes.items()}) as (base, _):
        yield base, log


PAGE = (200, b"<html><body><p>story</p></body></html>")


def fetcher(**config: object) -> PoliteFetcher:
    return PoliteFetcher(FetchConfig(**{"min_interval_seconds": 0.0, **config}))  # type: ignore[arg-type]


def test_robots_txt_is_honoured_and_read_once_per_host() -> None:
    robots = (200, b"User-agent: *\nDisallow: /private/\n\nUser-agent: newswire\nDisallow: /no-bots/\n")
    with server({"/robots.txt": robots, "/news/1": PAGE, "/private/1": PAGE, "/no-bots/1": PAGE}) as (base, log):
        polite = fetcher()
        assert polite.fetch(f"{base}/news/1").data == PAGE[1]
        with pytest.raises(Disallowed, match="disallows this page for newswire"):
            polite.fetch(f"{base}/no-bots/1")
        # The group for newswire replaces the * group (RFC 9309): /private/ is allowed to us.
        polite.fetch(f"{base}/private/1")
    assert [path for _, _, path, _ in log] == ["/robots.txt", "/news/1", "/private/1"]


def test_a_missing_robots_txt_allows_and_a_failing_one_forbids() -> None:
    with server({"/page": PAGE}) as (base, _):
        assert fetcher().fetch(f"{base}/page").data == PAGE[1]  # 404: no rules
    with server({"/robots.txt": (503, b"busy"), "/page": PAGE}) as (base, log):
        with pytest.raises(Disallowed, match="could not be read"):
            fetcher().fetch(f"{base}/page")
    assert [path for _, _, path, _ in log] == ["/robots.txt"]


def test_robots_can_be_turned_off_and_user_given_urls_skip_it() -> None:
    with server({"/robots.txt": (200, b"User-agent: *\nDisallow: /\n"), "/page": PAGE}) as (base, log):
        fetcher(honour_robots=False).fetch(f"{base}/page")
        fetcher().fetch(f"{base}/page", check_robots=False)
    assert [path for _, _, path, _ in log] == ["/page", "/page"]


def test_the_user_agent_names_newswire_and_the_contact() -> None:
    agent = user_agent("https://desk.example/contact")
    assert agent.startswith("newswire/") and agent.endswith("(+https://desk.example/contact)")
    with server({"/page": PAGE}) as (base, log):
        fetcher(user_agent=agent).fetch(f"{base}/page", check_robots=False)
    assert log[0][3] == agent


def test_one_request_at_a_time_per_host_at_the_minimum_interval() -> None:
    with server({f"/p{i}": PAGE for i in range(6)}, delay=0.05) as (base, log):
        polite = fetcher(min_interval_seconds=0.2, honour_robots=False)
        threads = [threading.Thread(target=polite.fetch, args=(f"{base}/p{i}",)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    spans = sorted((start, end) for start, end, _, _ in log)
    assert len(spans) == 6
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start >= end, "two requests to one host overlapped"
        assert start - end >= 0.18, "requests closer than the minimum interval"


def test_crawl_delay_stretches_the_interval() -> None:
    robots = (200, b"User-agent: *\nCrawl-delay: 1\n")
    with server({"/robots.txt": robots, "/a": PAGE, "/b": PAGE}) as (base, log):
        polite = fetcher(min_interval_seconds=0.1)
        polite.fetch(f"{base}/a")
        polite.fetch(f"{base}/b")
    starts = [start for start, _, _, _ in log]
    assert starts[2] - starts[1] >= 0.95


def test_pages_over_the_size_limit_are_refused() -> None:
    with server({"/big": (200, b"x" * 50_000)}) as (base, _):
        with pytest.raises(FeedError, match="larger than 10000 bytes"):
            fetcher(max_bytes=10_000, honour_robots=False).fetch(f"{base}/big")

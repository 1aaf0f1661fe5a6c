"""What a poll's failure is called (the metric's outcome label), from real fetches
against a local HTTP server: the fixed set, never a URL."""

from __future__ import annotations

import http.server
import time

import pytest

from newswire.core.sources import feeds
from newswire.core.sources.feeds import FeedError, fetch_feed
from newswire.core.sources.polling import OUTCOMES
from newswire.service.poller import error_outcome
from newswire.service.ports import free_port
from tests.local_http import http_server, reply


def slow(handler: http.server.BaseHTTPRequestHandler) -> None:
    time.sleep(1.5)
    reply(handler, 200, b"<rss/>")


def huge(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(feeds.MAX_FEED_BYTES + 1))
    handler.end_headers()


def not_modified(handler: http.server.BaseHTTPRequestHandler) -> None:
    reply(handler, 304, ETag='"v1"')


def outcome_of(url: str, **kwargs: object) -> str:
    with pytest.raises(FeedError) as caught:
        fetch_feed(url, **kwargs)  # type: ignore[arg-type]
    return error_outcome(caught.value)


def test_each_kind_of_failure_has_its_outcome() -> None:
    routes = {"/slow": slow, "/huge": huge, "/gone": lambda h: reply(h, 410, b"gone"),
              "/busy": lambda h: reply(h, 429, b"", Retry_After="6"), "/down": lambda h: reply(h, 503, b"")}
    with http_server(routes) as (base, _):
        found = {
            "timeout": outcome_of(base + "/slow", timeout=0.5),
            "too_large": outcome_of(base + "/huge"),
            "4xx": outcome_of(base + "/gone"),
            "5xx": outcome_of(base + "/down"),
            "refused": outcome_of(f"http://127.0.0.1:{free_port()}/feed"),
        }
        with pytest.raises(feeds.HTTPStatusError) as busy:
            fetch_feed(base + "/busy")
    assert found == {key: key for key in found}
    assert set(found) <= set(OUTCOMES)
    assert busy.value.status == 429 and ("retry-after", "6") in busy.value.headers


def test_a_304_is_an_answer_to_a_conditional_request_only() -> None:
    with http_server({"/feed": not_modified}) as (base, _):
        fetched = fetch_feed(base + "/feed", headers={"If-None-Match": '"v1"'})
        assert (fetched.status, fetched.data) == (304, b"")
        # Unasked, a 304 is a server error of sorts: a failure, not an empty feed.
        assert outcome_of(base + "/feed") == "refused"

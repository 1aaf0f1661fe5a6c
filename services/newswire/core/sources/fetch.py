"""Polite fetching of article pages (for `--full-text` and article URLs).

Every request says who sends it (a User-Agent naming newswire and a contact), goes
through the bounded fetch of feeds.py (per-read timeout, total deadline, size cap, http
and https only, counted redirects), and waits its turn: one request at a time per host,
at least `min_interval_seconds` apart (or the host's robots.txt Crawl-delay, if longer).
Pages newswire decides to fetch itself (the links of feed entries) are checked against
the host's robots.txt first (RFC 9309: a 4xx robots.txt allows everything; one that
cannot be fetched, or a 5xx, allows nothing).
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field

from newswire import __version__
from newswire.core.sources.feeds import FeedError, FetchedFeed, HTTPStatusError, fetch_feed

# The robots.txt product token: what a site names in `User-agent: newswire`.
ROBOTS_TOKEN = "newswire"
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
ROBOTS_DEADLINE = 20.0


def user_agent(contact: str | None = None, product: str | None = None) -> str:
    """`newswire/<version> (+<contact>)`, or the operator's own string."""
    if product:
        return product
    return f"{ROBOTS_TOKEN}/{__version__} (+{contact})" if contact else f"{ROBOTS_TOKEN}/{__version__}"


class Disallowed(FeedError):
    """robots.txt does not allow this fetch."""


@dataclass(frozen=True)
class FetchConfig:
    user_agent: str = field(default_factory=user_agent)
    min_interval_seconds: float = 1.0
    timeout_seconds: float = 20.0
    deadline_seconds: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    honour_robots: bool = True


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_request: float | None = None
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_allow_all: bool | None = None  # True: 4xx; False: unreachable or 5xx; None: parsed rules


class PoliteFetcher:
    """Fetches pages within FetchConfig's bounds; safe to share between threads."""

    def __init__(self, config: FetchConfig | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config or FetchConfig()
        self._clock, self._sleep = clock, sleep
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def fetch(self, url: str, *, check_robots: bool = True, feed_bounds: bool = False,
              headers: dict[str, str] | None = None) -> FetchedFeed:
        """GET `url` politely. `feed_bounds`: the feed fetch's own limits (feeds.py: a
        URL that may be a feed), else the config's page limits. `headers`: extra request
        headers (a poller's conditional ones). Raises Disallowed (robots.txt) or
        FeedError (one line)."""
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            # Not a URL with a host: the bounded fetch gives the one-line reason.
            return fetch_feed(url, user_agent=self.config.user_agent, max_bytes=None if feed_bounds else self.config.max_bytes,
                              headers=headers)
        host = self._host(f"{parts.scheme.lower()}://{parts.netloc.lower()}")
        with host.lock:  # one request at a time per host, robots.txt included
            if check_robots and self.config.honour_robots:
                self._load_robots(host, f"{parts.scheme.lower()}://{parts.netloc}")
                if host.robots is None and host.robots_allow_all is False:
                    raise Disallowed(f"robots.txt of {parts.netloc} could not be read (unreachable or a 5xx), "
                                     "which allows no fetching")
                if not self._allowed(host, url):
                    raise Disallowed(f"robots.txt of {parts.netloc} disallows this page for {ROBOTS_TOKEN}")
            if feed_bounds:
                return self._get(host, url, None, None, None, headers)
            return self._get(host, url, self.config.max_bytes, self.config.deadline_seconds, self.config.timeout_seconds,
                             headers)

    def _host(self, origin: str) -> _Host:
        with self._hosts_lock:
            return self._hosts.setdefault(origin, _Host())

    def _wait_turn(self, host: _Host) -> None:
        interval = self.config.min_interval_seconds
        if host.robots is not None:
            delay = host.robots.crawl_delay(ROBOTS_TOKEN)
            if delay is not None:
                interval = max(interval, float(delay))
        if host.last_request is not None:
            wait = host.last_request + interval - self._clock()
            if wait > 0:
                self._sleep(wait)

    def _get(self, host: _Host, url: str, max_bytes: int | None, deadline: float | None, timeout: float | None,
             headers: dict[str, str] | None = None) -> FetchedFeed:
        self._wait_turn(host)
        try:
            return fetch_feed(url, timeout=timeout, max_bytes=max_bytes, deadline=deadline, user_agent=self.config.user_agent,
                              headers=headers)
        finally:
            host.last_request = self._clock()

    def _load_robots(self, host: _Host, origin: str) -> None:
        if host.robots is not None or host.robots_allow_all is not None:
            return
        try:
            fetched = self._get(host, f"{origin}/robots.txt", ROBOTS_MAX_BYTES, min(ROBOTS_DEADLINE, self.config.deadline_seconds),
                                self.config.timeout_seconds)
        except HTTPStatusError as exc:
            host.robots_allow_all = 400 <= exc.status < 500
            return
        except FeedError:
            host.robots_allow_all = False
            return
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(fetched.data.decode("utf-8", "replace").splitlines())
        host.robots = parser

    @staticmethod
    def _allowed(host: _Host, url: str) -> bool:
        if host.robots is None:
            return bool(host.robots_allow_all)
        return host.robots.can_fetch(ROBOTS_TOKEN, url)

"""Feed polling decisions, as pure functions of a feed's state, a poll's result and the
time (the caller passes the clock and the jitter source, so tests need not sleep).

- Conditional requests: the stored ETag and Last-Modified go back as If-None-Match and
  If-Modified-Since; a 304 costs the publisher no body and us no parsing.
- When to ask again after a success: the configured interval (`--watch`), lengthened by
  what the server or the feed asks for (Cache-Control max-age, RSS <ttl>,
  sy:updatePeriod), always within [min_interval, max_interval]. Hints only lengthen:
  `--watch` is the default, not a promise to ask more often than a feed wants.
- After a failure: a 429 or 503 with Retry-After waits what the server said (seconds or
  an HTTP date); anything else backs off exponentially with jitter (no two pollers
  retrying in step) up to a cap, however many errors. A feed is never dropped.
- Which poller polls a feed: a stable hash of its configured URL over the pollers.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import timezone
from typing import Any, Literal

import listparser

from newswire.core.sources.feeds import FeedError, declares_entities

FeedStatus = Literal["ok", "backing_off", "failing"]
FEED_STATUSES: tuple[FeedStatus, ...] = ("ok", "backing_off", "failing")
# Poll outcomes, the metric's label values: a fixed set, never a URL.
OUTCOMES = ("200", "304", "4xx", "5xx", "timeout", "too_large", "refused", "invalid")
_PERMANENT_REDIRECTS = frozenset({301, 308})
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)

Uniform = Callable[[float, float], float]  # random.uniform, or a fixed choice in tests


@dataclass(frozen=True)
class PollPolicy:
    interval_seconds: float = 300.0  # `--watch`: the interval of a healthy feed without hints
    min_interval_seconds: float = 10.0
    max_interval_seconds: float = 6 * 3600.0
    backoff_cap_seconds: float = 6 * 3600.0
    failing_after_seconds: float = 6 * 3600.0  # failing this long without a success: "failing"
    max_entry_ids: int = 1000  # ids of published entries kept per feed, newest last


@dataclass(frozen=True)
class FeedState:
    """What a poller keeps per feed (the value of the state topic, keyed by `feed`).
    Times are Unix seconds: the state outlives the process that wrote it."""

    feed: str  # the URL as configured: the key, and what decides the poller
    url: str  # where it is fetched now (permanent redirects move it)
    etag: str | None = None
    last_modified: str | None = None
    last_success: float | None = None
    last_failure: float | None = None
    last_error: str | None = None
    last_outcome: str | None = None
    errors: int = 0  # consecutive failures
    failing_since: float | None = None
    next_due: float = 0.0
    entry_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["entry_ids"] = list(self.entry_ids)
        return out

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> FeedState:
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        known["entry_ids"] = tuple(str(i) for i in known.get("entry_ids") or ())
        return cls(**known)


def new_state(feed: str, now: float) -> FeedState:
    return FeedState(feed=feed, url=feed, next_due=now)


def conditional_headers(state: FeedState) -> dict[str, str]:
    headers: dict[str, str] = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """RFC 9110 Retry-After: delay-seconds or an HTTP-date (a date in the past is 0)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def max_age_seconds(cache_control: str | None) -> float | None:
    if not cache_control or re.search(r"no-cache|no-store", cache_control, re.IGNORECASE):
        return None
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


def _clamp(seconds: float, policy: PollPolicy) -> float:
    return min(max(seconds, policy.min_interval_seconds), policy.max_interval_seconds)


def healthy_interval(policy: PollPolicy, hints: Iterable[float | None] = ()) -> float:
    """The interval after a success: the configured one or the longest hint, within bounds."""
    return _clamp(max([policy.interval_seconds, *(h for h in hints if h is not None)]), policy)


def backoff_ceiling(policy: PollPolicy, errors: int) -> float:
    """The longest wait after `errors` consecutive failures: the healthy interval doubled
    per error, capped."""
    base = healthy_interval(policy)
    return min(policy.backoff_cap_seconds, base * 2.0 ** min(errors, 64))


def backoff_seconds(policy: PollPolicy, errors: int, uniform: Uniform) -> float:
    """A wait drawn over the whole window from the healthy interval to the ceiling (full
    jitter, but never sooner than a healthy feed is asked)."""
    base = min(healthy_interval(policy), policy.backoff_cap_seconds)
    return uniform(base, max(base, backoff_ceiling(policy, errors)))


def permanent_url(url: str, redirects: Iterable[tuple[int, str]]) -> str:
    """The URL to keep: followed through the leading permanent redirects (a 302 after a
    301 keeps the 301's target; a temporary redirect first keeps the URL)."""
    for status, target in redirects:
        if status not in _PERMANENT_REDIRECTS:
            break
        url = target
    return url


def remember(kept: tuple[str, ...], new_ids: Iterable[str], limit: int) -> tuple[str, ...]:
    """Published entry ids, newest last, at most `limit` (older ones have left the feed)."""
    seen = set(kept)
    merged = list(kept) + [i for i in dict.fromkeys(new_ids) if i not in seen]
    return tuple(merged[-limit:]) if limit > 0 else ()


def after_success(state: FeedState, *, now: float, policy: PollPolicy, status: int, headers: Iterable[tuple[str, str]],
                  url: str, redirects: Iterable[tuple[int, str]] = (), refresh_hint: float | None = None,
                  published_ids: Iterable[str] = (), keep_validators: bool = True) -> FeedState:
    """The state after a 200 or a 304. `keep_validators=False` when some entry could not
    be published: the next poll then fetches in full instead of getting a 304."""
    headers = tuple(headers)
    etag, modified = state.etag, state.last_modified
    if status != 304 and keep_validators:
        etag, modified = header(headers, "etag"), header(headers, "last-modified")
    elif status != 304:
        etag = modified = None
    interval = healthy_interval(policy, (max_age_seconds(header(headers, "cache-control")), refresh_hint))
    return replace(state, url=permanent_url(state.url, redirects) if redirects else state.url, etag=etag,
                   last_modified=modified, last_success=now, last_outcome=str(status), last_error=None, errors=0,
                   failing_since=None, next_due=now + interval,
                   entry_ids=remember(state.entry_ids, published_ids, policy.max_entry_ids))


def after_failure(state: FeedState, *, now: float, policy: PollPolicy, outcome: str, error: str,
                  status: int | None = None, headers: Iterable[tuple[str, str]] = (), uniform: Uniform) -> FeedState:
    errors = state.errors + 1
    wait = None
    if status in (429, 503):
        wait = retry_after_seconds(header(headers, "retry-after"), now)
    if wait is None:
        wait = backoff_seconds(policy, errors, uniform)
    else:
        # What the server asked, but not sooner than the floor nor later than the cap.
        wait = min(max(wait, policy.min_interval_seconds), policy.backoff_cap_seconds)
    return replace(state, last_failure=now, last_error=error[:300], last_outcome=outcome, errors=errors,
                   failing_since=state.failing_since if state.failing_since is not None else now,
                   next_due=now + wait)


def feed_status(state: FeedState, now: float, policy: PollPolicy) -> FeedStatus:
    if state.errors == 0:
        return "ok"
    since = state.failing_since if state.failing_since is not None else now
    return "failing" if now - since >= policy.failing_after_seconds else "backing_off"


def status_outcome(status: int) -> str:
    """An HTTP status as a poll outcome label."""
    if status == 304:
        return "304"
    if 200 <= status < 300:
        return "200"
    if 400 <= status < 500:
        return "4xx"
    if status >= 500:
        return "5xx"
    return "refused"  # a 1xx or a 3xx without a usable Location


def owner(feed: str, pollers: int) -> int:
    """Which of `pollers` polls `feed`: stable across processes, machines and restarts
    (Python's hash() is salted per process; a digest is not)."""
    return int.from_bytes(hashlib.sha256(feed.encode("utf-8")).digest()[:8], "big") % pollers


def due(states: Iterable[FeedState], now: float) -> list[FeedState]:
    return sorted((s for s in states if s.next_due <= now), key=lambda s: s.next_due)


def most_overdue_seconds(states: Iterable[FeedState], now: float) -> float:
    """How late the latest due feed is (0 when none is overdue): a poller that keeps up stays near 0."""
    return max([0.0, *(now - s.next_due for s in states)])


def read_feed_list(data: bytes, where: str = "feed list") -> list[str]:
    """Feed URLs from an OPML file (what feed readers export; nested outlines included)
    or a plain list (one URL a line, `#` comments), in order, each once. Raises
    FeedError naming the first bad line or why the OPML is unreadable."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if declares_entities(data):
            raise FeedError(f"{where}: refused: declares XML entities (<!ENTITY>)")
        parsed = listparser.parse(data)  # bytes: listparser would fetch a str that looks like a URL
        urls = [str(f.url).strip() for f in parsed.feeds]
        if parsed.bozo and not urls:
            raise FeedError(f"{where}: not a readable OPML file: {parsed.bozo_exception}")
        bad = next((u for u in urls if not u.lower().startswith(("http://", "https://"))), None)
        if bad is not None:
            raise FeedError(f"{where}: feed {bad[:200]!r} is not an http(s) URL")
        return list(dict.fromkeys(urls))
    urls = []
    for lineno, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.lower().startswith(("http://", "https://")) or any(c.isspace() for c in line):
            raise FeedError(f"{where}:{lineno}: not an http(s) URL: {line[:200]!r}")
        urls.append(line)
    return list(dict.fromkeys(urls))

"""RSS and Atom feeds through feedparser: one raw-article field dict per entry.

Feeds come from anywhere, so everything here assumes a hostile input:
- fetching has a per-read timeout AND a total deadline (a server trickling one byte at a
  time resets a socket timeout forever), a size cap (gzip bodies are inflated only up to
  it), at most MAX_REDIRECTS redirects, and only http/https URLs, redirects included;
- files are read up to the same size cap;
- documents that declare XML entities are refused before parsing (billion laughs, XXE);
- feedparser only ever gets bytes in a stream, never a str it could take for a URL or path.
"""

from __future__ import annotations

import calendar
import functools
import http.client
import io
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import feedparser.encodings

from newswire.core.htmltext import html_to_text
from newswire.core.times import parse_time

USER_AGENT = "newswire-feed-reader (+https://github.com/newswire)"
MAX_FEED_BYTES = 16 * 1024 * 1024  # per feed, file or URL; gzip bodies count once inflated
FETCH_TIMEOUT = 20.0  # seconds: connecting, and each wait for more bytes
FETCH_DEADLINE = 60.0  # seconds: the whole fetch, redirects, headers and body included
MAX_REDIRECTS = 5
_READ_CHUNK = 64 * 1024
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_WEB_SCHEMES = ("http", "https")

# Entity declarations are what billion laughs (nested expansion) and XXE (SYSTEM entities
# reading files or URLs) need. News feeds do not use them. expat is case-sensitive; the
# check is not, to be safe.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def declares_entities(xml: bytes) -> bool:
    """Refuse these before any XML parser sees them (feeds here, feed lists in polling.py)."""
    return _ENTITY_DECLARATION.search(xml) is not None


class FeedError(ValueError):
    """A feed that could not be fetched or parsed at all."""


class HTTPStatusError(FeedError):
    """The server answered with an error status (robots.txt rules depend on which; a
    poller reads Retry-After from `headers`)."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers


class FetchTimeout(FeedError):
    """No (complete) answer in time: a read waited too long, or the deadline passed."""


class TooLarge(FeedError):
    """Larger than the size cap, as sent or once inflated."""


@dataclass(frozen=True)
class FeedEntry:
    index: int
    fields: dict[str, Any] | None
    error: str | None = None
    link: str | None = None  # the entry's http(s) link: its page, for --full-text
    summary_only: bool = False  # no full content in the feed: the text is a summary (or none)


@dataclass(frozen=True)
class FetchedFeed:
    data: bytes
    content_type: str | None  # carries the charset the server declared
    url: str = ""  # after redirects
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200  # 304 (Not Modified, empty data) only when a conditional request asked for it
    redirects: tuple[tuple[int, str], ...] = ()  # each redirect followed: (status, target URL)


def _one_line(text: str, limit: int = 300) -> str:
    """Reasons are printed one per line and partly chosen by servers: fold, cap."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _too_large(max_bytes: int, what: str = "") -> FeedError:
    return TooLarge(f"feed larger than {max_bytes} bytes{what}")


# --- fetching -------------------------------------------------------------------------


class _DeadlineExceeded(TimeoutError):
    """The total deadline passed (as opposed to one read waiting too long)."""


class _DeadlineReader(io.RawIOBase):
    """Raw socket reader that cuts each read's timeout to what is left of the deadline,
    so status line, headers and body together cannot outlast it."""

    def __init__(self, sock: socket.socket, raw: io.RawIOBase, deadline_at: float, timeout: float) -> None:
        super().__init__()
        self._sock, self._raw, self._deadline_at, self._timeout = sock, raw, deadline_at, timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline_at - time.monotonic()
        if left <= 0:
            raise _DeadlineExceeded()
        self._sock.settimeout(min(self._timeout, left))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if left < self._timeout:  # this read was cut short by the deadline
                raise _DeadlineExceeded() from None
            raise

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """What http.client sees as its socket: the real one, except that the file it
    reads responses from is a `_DeadlineReader`."""

    def __init__(self, sock: socket.socket, deadline_at: float, timeout: float) -> None:
        self._sock, self._deadline_at, self._timeout = sock, deadline_at, timeout

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        # The socket's own unbuffered file keeps it open until the response is closed
        # (urllib closes the connection's socket before the body is read).
        raw = self._sock.makefile("rb", buffering=0)
        return io.BufferedReader(_DeadlineReader(self._sock, raw, self._deadline_at, self._timeout))


class _DeadlineConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline_at: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_at = deadline_at

    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self.deadline_at, self.timeout)  # type: ignore[arg-type]  # urllib always passes a timeout


class _DeadlineHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline_at: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_at = deadline_at

    def connect(self) -> None:
        super().connect()  # TCP, proxy tunnel and TLS handshake (bounded by the timeout)
        self.sock = _DeadlineSocket(self.sock, self.deadline_at, self.timeout)  # type: ignore[arg-type]  # urllib always passes a timeout


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline_at: float) -> None:
        super().__init__()
        self.deadline_at = deadline_at

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_DeadlineConnection, deadline_at=self.deadline_at), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline_at: float) -> None:
        super().__init__()
        self.deadline_at = deadline_at

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_DeadlineHTTPSConnection, deadline_at=self.deadline_at), req,
                            context=self._context)  # type: ignore[attr-defined]


def _opener(deadline_at: float) -> urllib.request.OpenerDirector:
    """http and https only (no file:, ftp:, data:), and no automatic redirects: a 3xx
    comes back as HTTPError and `fetch_feed` follows it itself (count, scheme, deadline)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _HTTPHandler(deadline_at),
        _HTTPSHandler(deadline_at),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_feed(
    url: str, *, timeout: float | None = None, max_bytes: int | None = None, deadline: float | None = None,
    user_agent: str | None = None, headers: dict[str, str] | None = None,
) -> FetchedFeed:
    """GET a feed within bounds: `timeout` seconds for connecting and for each read,
    `deadline` seconds for everything, at most `max_bytes` (decompressed). Defaults are
    the module constants, read at call time. `headers` are added to the request (a
    poller's If-None-Match / If-Modified-Since: a 304 is then returned, not raised).
    Raises FeedError with a one-line reason."""
    timeout = FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = MAX_FEED_BYTES if max_bytes is None else max_bytes
    deadline = FETCH_DEADLINE if deadline is None else deadline
    deadline_at = time.monotonic() + deadline
    opener = _opener(deadline_at)
    followed: list[tuple[int, str]] = []
    try:
        for redirects in range(MAX_REDIRECTS + 1):
            if urllib.parse.urlsplit(url).scheme.lower() not in _WEB_SCHEMES:
                what = "redirect to" if redirects else "cannot fetch"
                raise FeedError(f"{what} {_one_line(url, 200)}: only http and https URLs are allowed")
            left = deadline_at - time.monotonic()
            if left <= 0:
                raise _DeadlineExceeded()
            request = urllib.request.Request(url, headers={**(headers or {}), "User-Agent": user_agent or USER_AGENT,
                                                           "Accept-Encoding": "gzip"})
            try:
                response = opener.open(request, timeout=min(timeout, left))
            except urllib.error.HTTPError as exc:
                location = exc.headers.get("Location") if exc.code in _REDIRECT_CODES else None
                replied = tuple((k.lower(), v) for k, v in exc.headers.items())
                exc.close()
                if exc.code == 304 and headers:
                    return FetchedFeed(b"", None, url, replied, status=304, redirects=tuple(followed))
                if not location:
                    raise HTTPStatusError(exc.code, _one_line(f"HTTP {exc.code} {exc.reason}"), replied) from None
                url = urllib.parse.urljoin(url, location)
                followed.append((exc.code, url))
                continue
            with response:
                data = _read_body(response, max_bytes, deadline_at)
                return FetchedFeed(data, response.headers.get("Content-Type"), url,
                                   tuple((k.lower(), v) for k, v in response.headers.items()), redirects=tuple(followed))
        raise FeedError(f"too many redirects (more than {MAX_REDIRECTS})")
    except FeedError:
        raise
    except (OSError, http.client.HTTPException, ValueError, zlib.error) as exc:
        raise _fetch_failure(exc, timeout=timeout, deadline=deadline, deadline_at=deadline_at) from None


def fetch_url(
    url: str, *, timeout: float | None = None, max_bytes: int | None = None, deadline: float | None = None
) -> bytes:
    """The body of `fetch_feed` (kept for callers that only want the bytes)."""
    return fetch_feed(url, timeout=timeout, max_bytes=max_bytes, deadline=deadline).data


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline_at: float) -> bytes:
    """The body, identity or gzip, refused past `max_bytes` (sent or inflated) or the deadline."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FeedError(_one_line(f"unsupported Content-Encoding {encoding!r}"))
    declared = (response.headers.get("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes, f" (Content-Length {declared})")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    body = bytearray()
    received = 0
    # read1: one socket read at most, so the deadline is checked between small reads.
    while chunk := response.read1(_READ_CHUNK):
        if time.monotonic() > deadline_at:
            raise _DeadlineExceeded()
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(max_bytes)
        if inflater is None:
            body += chunk
            continue
        while chunk:
            # Inflate no more than still fits: a small gzip bomb is never expanded in full.
            body += inflater.decompress(chunk, max_bytes + 1 - len(body))
            if len(body) > max_bytes:
                raise _too_large(max_bytes, " once decompressed")
            chunk = inflater.unconsumed_tail
    if inflater is not None and not inflater.eof:
        raise FeedError("gzip body is truncated")
    return bytes(body)


def _fetch_failure(exc: BaseException, *, timeout: float, deadline: float, deadline_at: float) -> FeedError:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, _DeadlineExceeded) or time.monotonic() >= deadline_at:
        return FetchTimeout(f"no complete response within {deadline:g} s")
    if isinstance(reason, TimeoutError):
        return FetchTimeout(f"timed out: the server sent nothing for {timeout:g} s")
    if isinstance(reason, http.client.IncompleteRead):
        return FeedError("the connection closed before the whole response arrived")
    if isinstance(reason, http.client.RemoteDisconnected):
        return FeedError("the server closed the connection without a response")
    text = str(reason) or type(reason).__name__
    return FeedError(_one_line(f"cannot fetch feed: {text}"))


def read_feed_file(path: Path, *, max_bytes: int | None = None) -> bytes:
    """A feed file's bytes, refused beyond `max_bytes` (never reading more than that + 1)."""
    max_bytes = MAX_FEED_BYTES if max_bytes is None else max_bytes
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


def load_feed(location: str) -> tuple[str, Iterator[FeedEntry]]:
    """Fetch (http/https URL) or read (path) a feed within the limits, then parse it.
    Raises FeedError, or OSError for an unreadable file."""
    if location.lower().startswith(("http://", "https://")):  # as reader.is_url; urlsplit can raise
        fetched = fetch_feed(location)
        return parse_feed(fetched.data, content_type=fetched.content_type)
    return parse_feed(read_feed_file(Path(location)))


def _entry_time(entry: Any) -> str | None:
    """The entry's publication time as the feed wrote it, when newswire can read that
    (so a time without an offset is read in NEWSWIRE_DEFAULT_TIMEZONE and flagged, by
    intake.complete); else feedparser's reading of it, which it normalises to UTC."""
    for name in ("published", "updated"):
        written = entry.get(name)
        if isinstance(written, str) and isinstance(parse_time(written), datetime):
            return written.strip()
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat()


def _text(value: str | None, kind: str | None = "text/html") -> str | None:
    if not value:
        return None
    text = html_to_text(value) if kind != "text/plain" else value.strip()
    return text or None


def _image(entry: Any) -> dict[str, Any] | None:
    for media in entry.get("media_content", []) + entry.get("media_thumbnail", []):
        url = media.get("url")
        if url and (media.get("medium") in (None, "image") or "image" in media.get("type", "image")):
            return {
                "url": url,
                "description": _text(entry.get("media_description"), "text/plain"),
                "caption": _text(entry.get("media_credit"), "text/plain") if isinstance(entry.get("media_credit"), str) else None,
            }
    for enclosure in entry.get("enclosures", []):
        if enclosure.get("type", "").startswith("image/") and enclosure.get("href"):
            return {"url": enclosure["href"], "description": None, "caption": None}
    return None


def entry_fields(entry: Any, feed: Any) -> dict[str, Any]:
    """Map one feedparser entry to raw-article fields. Raises ValueError if it has no text."""
    title_detail = entry.get("title_detail") or {}
    title = _text(entry.get("title"), title_detail.get("type", "text/plain"))
    body = None
    for content in entry.get("content", []):
        body = _text(content.get("value"), content.get("type"))
        if body:
            break
    summary = _text(entry.get("summary"), (entry.get("summary_detail") or {}).get("type"))
    if not body:
        body, summary = summary, None
    if not body:
        raise ValueError("entry has no content or summary" if title else "entry has neither title nor text")
    # RSS 2.0 allows an item without a title: intake.complete derives one from the body.
    fields: dict[str, Any] = {"title": title, "body": body} if title else {"body": body}
    if summary and summary != body:
        fields["summary"] = summary
    link = entry.get("link")
    if isinstance(link, str) and link.lower().startswith(("http://", "https://")):
        fields["url"] = link
    authors = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
    if not authors and entry.get("author"):
        authors = [entry["author"]]
    if authors:
        fields["authors"] = authors
    published = _entry_time(entry)
    if published:
        fields["published_at"] = published
    language = (entry.get("content") or [{}])[0].get("language") or feed.get("language")
    if language:
        fields["language"] = language.split("_")[0]
    tags = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
    if tags:
        fields["tags"] = tags
    image = _image(entry)
    if image:
        fields["image"] = image
    source = entry.get("source") or {}
    if source.get("title"):
        fields["attribution"] = source["title"]
    return fields


def _link_and_kind(entry: Any) -> tuple[str | None, bool]:
    link = entry.get("link")
    if not (isinstance(link, str) and link.lower().startswith(("http://", "https://"))):
        link = None
    has_content = any(_text(c.get("value"), c.get("type")) for c in entry.get("content", []))
    return link, not has_content


@dataclass(frozen=True)
class FeedDocument:
    title: str
    entries: Iterator[FeedEntry]
    # How often the feed says it is worth asking (RSS <ttl>, sy:updatePeriod/Frequency), in seconds.
    refresh_seconds: float | None = None


def parse_feed(data: bytes | str, *, content_type: str | None = None) -> tuple[str, Iterator[FeedEntry]]:
    """Parse feed bytes; return the feed title and its entries' fields. `content_type`
    is the HTTP Content-Type, whose charset outranks the XML declaration's (RFC 3023).
    Raises FeedError when the document is not a feed, or is refused."""
    document = read_feed_document(data, content_type=content_type)
    return document.title, document.entries


# sy:updatePeriod (RSS 1.0 syndication module): the period, divided by sy:updateFrequency.
_UPDATE_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400, "yearly": 365 * 86400}


def _refresh_seconds(feed: Any) -> float | None:
    """The longest refresh hint the feed gives (a hint is a wish to be asked less)."""
    hints: list[float] = []
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        hints.append(int(ttl) * 60.0)  # RSS 2.0: minutes
    period = _UPDATE_PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period:
        frequency = str(feed.get("sy_updatefrequency") or "1").strip()
        hints.append(period / (int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1))
    return max(hints) if hints else None


def read_feed_document(data: bytes | str, *, content_type: str | None = None) -> FeedDocument:
    """`parse_feed`, with the feed's refresh hint (for the poller)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    headers = {"content-type": content_type} if content_type else {}
    # Decode exactly as feedparser 6.0.14 will (BOM, HTTP charset, XML declaration,
    # fallbacks), so the entity check below sees the very bytes expat is given: a
    # declaration hidden in UTF-16 or UTF-7 is caught too. The output is UTF-8 with an
    # encoding='utf-8' declaration, which feedparser's own decoding then leaves unchanged.
    utf8 = feedparser.encodings.convert_to_utf8(headers, data, {})
    if declares_entities(utf8):
        # feedparser strips some entity declarations by regex before expat sees them, but
        # not all (e.g. after a comment containing "<x"), and expat then expands nested
        # entities until its amplification limit (tens of MB and more). Refuse instead.
        raise FeedError("refused: the feed declares XML entities (<!ENTITY>), which can expand"
                        " without bound or read local files")
    try:
        # A stream, never a str: feedparser would take a str for a URL or a file to open.
        parsed = feedparser.parse(io.BytesIO(utf8), sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # a third-party parser on hostile input: report, do not crash the run
        raise FeedError(_one_line(f"feed parser failed: {type(exc).__name__}: {exc}")) from None
    if not parsed.get("version") and not parsed.entries:
        served = f" (served as {_one_line(content_type.split(';')[0], 100)})" if content_type else ""
        raise FeedError(f"not an RSS or Atom feed{served}")
    if parsed.bozo and not parsed.entries:
        raise FeedError(_one_line(f"not a readable feed: {parsed.get('bozo_exception')}"))
    feed = parsed.feed
    title = html_to_text(feed.get("title", "")) or "feed"

    def entries() -> Iterator[FeedEntry]:
        for index, entry in enumerate(parsed.entries, start=1):
            try:
                link, summary_only = _link_and_kind(entry)
            except Exception:  # noqa: BLE001 - a hostile shape: no link, as if none were given
                link, summary_only = None, False
            try:
                yield FeedEntry(index, entry_fields(entry, feed), link=link, summary_only=summary_only)
            except ValueError as exc:
                yield FeedEntry(index, None, str(exc), link=link, summary_only=summary_only)
            except Exception as exc:  # odd shapes from hostile feeds: one entry fails, not the run
                yield FeedEntry(index, None, _one_line(f"unreadable entry: {type(exc).__name__}: {exc}"))

    return FeedDocument(title[:500], entries(), _refresh_seconds(feed))

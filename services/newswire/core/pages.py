"""Web pages as a unit of work: read from files and archives, carried on `pages.raw`
(`PageMessage`), and turned into raw articles by one function, `page_article()`, which
`newswire enrich`/`produce` (offline) and the extract stage (`newswire extract`) share.

Pure: no Kafka and no network (fetching article URLs is `sources/fetch.py`'s).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from newswire.core.extraction.htmlfile import HTML_SUFFIXES, page_fields, read_page_bytes
from newswire.core.extraction.warc import WarcSkip, read_warc
from newswire.core.intake import complete_fields
from newswire.core.models import PAGE_HEADERS, PageMessage, RawArticle, Source, utc_now
from newswire.core.pipeline import Failure, Origin, internal_failure

# Largest page extracted (uncompressed); also the fetch cap's default.
MAX_PAGE_BYTES = 5 * 1024 * 1024
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class Page:
    """One page to extract: its bytes and what is known of where it came from."""

    html: bytes
    source: Source
    url: str | None = None
    fetched_at: datetime | None = None
    http_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageError:
    """A page input that could not be read (reader.py turns it into a SourceError)."""

    location: str
    reason: str


def is_html_name(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def is_warc_name(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def kept_headers(headers: Sequence[tuple[str, str]] | dict[str, str]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, dict) else headers
    return {k.lower(): v[:2000] for k, v in items if k.lower() in PAGE_HEADERS}


def read_page_files(path: Path, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Page | PageError]:
    """An HTML file (gzip or not) as one page; a WARC file as its HTML response records."""
    if is_warc_name(path.name):
        yield from _warc_pages(path, max_bytes)
        return
    try:
        html = read_page_bytes(path, max_bytes)
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        yield PageError(str(path), _reason(exc))
        return
    yield Page(html, Source(name=path.name[:500], kind="file", location=str(path)[:2048]))


def _warc_pages(path: Path, max_bytes: int) -> Iterator[Page | PageError]:
    try:
        for item in read_warc(path, max_bytes):
            where = f"{path}#{item.uri}"[:2048]
            if isinstance(item, WarcSkip):
                yield PageError(where, item.reason)
                continue
            yield Page(item.html, Source(name=path.name[:500], kind="file", location=where),
                       url=item.uri or None, fetched_at=item.fetched_at)
    except ImportError:
        yield PageError(str(path), "reading WARC files needs warcio: pip install 'newswire[web]'")
    except OSError as exc:
        yield PageError(str(path), _reason(exc))
    except Exception as exc:  # noqa: BLE001 - warcio's ArchiveLoadFailed and friends: a bad archive, not a crash
        yield PageError(str(path), f"not a readable WARC file: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")


def page_article(page: Page, default_timezone: str = "UTC", *, fetched_at: datetime | None = None) -> RawArticle:
    """The raw article a page holds. Raises ValueError (no title or no text) or
    ValidationError (what it holds breaks the contract)."""
    fields: dict[str, Any] = page_fields(page.html, url=page.url, source=page.source.model_dump(exclude_none=True),
                                         fetched_at=page.fetched_at or fetched_at)
    declared = page.http_headers.get("content-language", "").split(",")[0].strip()
    if "language" not in fields and declared:
        fields["language"] = declared
    return complete_fields(fields, source=page.source, fetched_at=page.fetched_at or fetched_at or utc_now(),
                           default_timezone=default_timezone)


# -- on the wire ----------------------------------------------------------------------


def to_message(page: Page) -> PageMessage:
    return PageMessage(
        url=page.url, fetched_at=page.fetched_at, source=page.source, http_headers=kept_headers(page.http_headers),
        content=base64.b64encode(gzip.compress(page.html, compresslevel=6)).decode("ascii"),
        size=len(page.html), sha256=hashlib.sha256(page.html).hexdigest(),
    )


def from_message(message: PageMessage, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    """The page a message carries. Raises ValueError (bad base64 or gzip, too large,
    not the bytes its sha256 names)."""
    try:
        packed = base64.b64decode(message.content, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"content is not base64: {exc}") from None
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        html = inflater.decompress(packed, max_bytes + 1)
    except zlib.error as exc:
        raise ValueError(f"content is not gzip: {exc}") from None
    if len(html) > max_bytes:
        raise ValueError(f"page is over the {max_bytes}-byte limit once decompressed")
    if not inflater.eof:
        raise ValueError("gzip content is truncated")
    if hashlib.sha256(html).hexdigest() != message.sha256:
        raise ValueError("page does not match its sha256")
    source = message.source or Source(name="pages", kind="api")
    return Page(html, source, message.url, message.fetched_at, dict(message.http_headers))


@dataclass
class PageResult:
    """What became of one page message (the extract stage's Result)."""

    article: RawArticle | None = None
    failure: Failure | None = None
    timings: dict[str, float] = field(default_factory=dict)


def extract_messages(values: Sequence[bytes | None], origins: Sequence[Origin], *, max_message_bytes: int,
                     max_page_bytes: int = MAX_PAGE_BYTES, default_timezone: str = "UTC") -> list[PageResult]:
    """Each `pages.raw` value to a raw article, or a Failure saying why not (the stage's
    dead letter): decode (not JSON, base64 or gzip; too large), validate, extract."""
    return [_extract_one(value, origin, max_message_bytes, max_page_bytes, default_timezone)
            for value, origin in zip(values, origins)]


def _extract_one(value: bytes | None, origin: Origin, max_message_bytes: int, max_page_bytes: int,
                 default_timezone: str) -> PageResult:
    result = PageResult()
    start = time.perf_counter()
    if value is None:
        result.failure = Failure("decode", "EmptyMessage", "message has no value (tombstone)")
        return result
    if len(value) > max_message_bytes:
        result.failure = Failure("decode", "MessageTooLarge", f"{len(value)} bytes exceeds the {max_message_bytes}-byte limit")
        return result
    try:
        message = PageMessage.model_validate_json(value)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        if errors and errors[0]["type"] in ("json_invalid", "json_type"):
            result.failure = Failure("decode", "JSONDecodeError", errors[0]["msg"])
        else:
            where = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(message)'}: {e['msg']}" for e in errors[:5])
            result.failure = Failure("validate", "ValidationError", f"not a page message: {where}")
        return result
    try:
        page = from_message(message, max_page_bytes)
    except ValueError as exc:
        result.failure = Failure("decode", "PageDecodeError", str(exc))
        return result
    if message.source is None:
        page = Page(page.html, origin.source(), page.url, page.fetched_at, page.http_headers)
    decoded = time.perf_counter()
    result.timings["decode"] = decoded - start
    try:
        result.article = page_article(page, default_timezone, fetched_at=origin.fetched_at())
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
        result.failure = Failure("validate", "ValidationError", f"the extracted article: {where}")
    except ValueError as exc:
        result.failure = Failure("extract", "NoArticle", str(exc))
    except Exception as exc:  # noqa: BLE001 - an extractor bug: this page is dead-lettered with the traceback
        result.failure = internal_failure("extract", exc)
    result.timings["extract"] = time.perf_counter() - decoded
    return result


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
        return f"not a readable gzip file: {exc}"
    return str(exc)

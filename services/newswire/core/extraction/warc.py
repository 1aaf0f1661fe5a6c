"""HTML responses out of web archives (.warc, .warc.gz), such as Common Crawl's CC-NEWS.

Reading goes through warcio (the `web` extra), which handles record framing,
chunked transfer and gzip content encoding. Only HTML response records are pages;
requests, metadata and images are not, and are passed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from newswire.core.extraction.dates import parse_timestamp
from newswire.core.extraction.htmlfile import page_fields

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcPage(NamedTuple):
    """(target URI, fetch date, HTML bytes) of one HTML response record."""

    uri: str
    fetched_at: datetime | None  # WARC-Date: when the crawler fetched it (UTC)
    html: bytes


class WarcSkip(NamedTuple):
    """An HTML response that is not a usable page, with why (so nothing vanishes silently)."""

    uri: str
    reason: str


def iter_warc(stream: IO[bytes], max_bytes: int | None = None) -> Iterator[WarcPage | WarcSkip]:
    """HTML response records in archive order. Raises ImportError without warcio,
    warcio.exceptions.ArchiveLoadFailed for a stream that is not a WARC."""
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(stream):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        content_type = (record.http_headers.get_header("Content-Type") or "").lower()
        if not content_type.startswith(_HTML_TYPES):
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        status = record.http_headers.get_statuscode()
        if status != "200":
            yield WarcSkip(uri, f"HTTP status {status}")
            continue
        stream_in = record.content_stream()
        html = stream_in.read() if max_bytes is None else stream_in.read(max_bytes + 1)
        if max_bytes is not None and len(html) > max_bytes:
            yield WarcSkip(uri, f"page over the {max_bytes}-byte limit")
            continue
        yield WarcPage(uri, parse_timestamp(record.rec_headers.get_header("WARC-Date")), html)


def read_warc(path: Path, max_bytes: int | None = None) -> Iterator[WarcPage | WarcSkip]:
    """`iter_warc` over a file (.warc or .warc.gz: warcio detects the compression)."""
    with path.open("rb") as stream:
        yield from iter_warc(stream, max_bytes)


def warc_page_fields(page: WarcPage, archive: str) -> dict[str, Any]:
    """Raw-article fields for one archived page, fetch time from the archive.
    Raises ValueError when the page holds no article."""
    source = {"name": Path(archive).name[:500], "kind": "file", "location": f"{archive}#{page.uri}"[:2048]}
    return page_fields(page.html, url=page.uri or None, source=source, fetched_at=page.fetched_at)

"""Saved web pages (.html, .htm, optionally gzip-compressed) to raw-article fields."""

from __future__ import annotations

import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from newswire.core.extraction.page import extract_page

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
_GZIP_MAGIC = b"\x1f\x8b"


def is_html_path(path: Path) -> bool:
    return path.name.lower().endswith(HTML_SUFFIXES)


def read_page_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The page's bytes, decompressed when gzip (by content, whatever the name says).
    Raises OSError, ValueError (over max_bytes)."""
    data = path.read_bytes()
    if data[:2] == _GZIP_MAGIC:
        # Inflate no more than the limit allows: a small gzip bomb is never expanded in full.
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(data, 0 if max_bytes is None else max_bytes + 1)
        if max_bytes is not None and len(data) > max_bytes:
            raise ValueError(f"page is over the {max_bytes}-byte limit once decompressed")
        if not inflater.eof:
            raise ValueError("gzip page is truncated")
    if max_bytes is not None and len(data) > max_bytes:
        raise ValueError(f"page is {len(data)} bytes, over the {max_bytes}-byte limit")
    return data


def page_fields(page: bytes | str, *, url: str | None, source: dict[str, Any],
                fetched_at: datetime | None = None) -> dict[str, Any]:
    """Raw-article fields for one page: what `newswire.core.sources.build_article` validates.
    Raises ValueError when the page has no title or no article text."""
    extracted = extract_page(page, url)
    if not extracted.title:
        raise ValueError("no title found in the page")
    if not extracted.body:
        raise ValueError("no article text found in the page")
    fields = extracted.raw_fields()
    if "url" not in fields and url:
        fields["url"] = url
    fields["source"] = source
    if fetched_at is not None:
        fields["fetched_at"] = fetched_at.isoformat()
    return fields


def read_html_file(path: Path, url: str | None = None, max_bytes: int | None = None) -> dict[str, Any]:
    """One saved page to raw-article fields, source kind "file". Raises OSError,
    ValueError (not a page, too large, no article in it)."""
    source = {"name": path.name[:500], "kind": "file", "location": str(path)}
    return page_fields(read_page_bytes(path, max_bytes), url=url, source=source)

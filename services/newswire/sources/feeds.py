"""RSS and Atom feeds through feedparser: one raw-article field dict per entry."""

from __future__ import annotations

import calendar
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

import feedparser

from newswire.htmltext import html_to_text

USER_AGENT = "newswire-feed-reader (+https://github.com/newswire)"
MAX_FEED_BYTES = 50 * 1024 * 1024


class FeedError(ValueError):
    """A feed that could not be fetched or parsed at all."""


@dataclass(frozen=True)
class FeedEntry:
    index: int
    fields: dict[str, Any] | None
    error: str | None = None


def fetch_url(url: str, *, timeout: float = 20.0, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """GET a feed ourselves (bounded time and size) rather than letting feedparser
    fetch it with no limits."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https checked by caller)
            data = response.read(max_bytes + 1)
    except OSError as exc:
        raise FeedError(f"cannot fetch feed: {exc}") from exc
    if len(data) > max_bytes:
        raise FeedError(f"feed larger than {max_bytes} bytes")
    return data


def _to_datetime(parsed: Any) -> str | None:
    """feedparser normalises dates to UTC struct_time; make them timezone-aware."""
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
    if not title:
        raise ValueError("entry has no title")
    if not body:
        raise ValueError("entry has no content or summary")
    fields: dict[str, Any] = {"title": title, "body": body}
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
    published = _to_datetime(entry.get("published_parsed") or entry.get("updated_parsed"))
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


def parse_feed(data: bytes | str) -> tuple[str, Iterator[FeedEntry]]:
    """Parse feed bytes; return the feed title and its entries' fields.
    Raises FeedError when the document is not a feed."""
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not a readable feed: {parsed.get('bozo_exception')}")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not an RSS or Atom feed")
    feed = parsed.feed
    title = html_to_text(feed.get("title", "")) or "feed"

    def entries() -> Iterator[FeedEntry]:
        for index, entry in enumerate(parsed.entries, start=1):
            try:
                yield FeedEntry(index, entry_fields(entry, feed))
            except ValueError as exc:
                yield FeedEntry(index, None, str(exc))

    return title[:500], entries()

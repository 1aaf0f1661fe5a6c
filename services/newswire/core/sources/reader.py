"""Dispatch inputs (files, folders, feed and article URLs, web pages, web archives) to
the right reader. A URL is fetched once and read as what it serves: an HTML page is an
article page (extracted), anything else a feed."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from pydantic import ValidationError

from newswire.core.extraction.htmlfile import HTML_SUFFIXES, page_fields
from newswire.core.intake import complete_json
from newswire.core.models import RawArticle, Source, utc_now
from newswire.core.pages import WARC_SUFFIXES, Page, PageError, is_html_name, is_warc_name, page_article, read_page_files
from newswire.core.sources import SourceError, build_article, describe_validation_error
from newswire.core.sources.feeds import FeedEntry, FeedError, parse_feed, read_feed_file
from newswire.core.sources.fetch import PoliteFetcher
from newswire.core.sources.text import read_text_file

TEXT_EXTENSIONS = frozenset({".txt"})
FEED_EXTENSIONS = frozenset({".xml", ".rss", ".atom"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | FEED_EXTENSIONS | JSONL_EXTENSIONS | frozenset(HTML_SUFFIXES + WARC_SUFFIXES)
_HTML_TYPES = ("text/html", "application/xhtml+xml")

Item = RawArticle | SourceError


@dataclass(frozen=True)
class ReadOptions:
    """How URL inputs are fetched, and whether summary-only feed entries are completed
    from their linked pages (`--full-text`)."""

    default_timezone: str = "UTC"
    full_text: bool = False
    # One per run: it holds each host's robots.txt and the time of its last request.
    fetcher: PoliteFetcher = field(default_factory=PoliteFetcher)


def is_page_input(value: str) -> bool:
    return is_html_name(value) or is_warc_name(value)


def _known_name(name: str) -> bool:
    return Path(name).suffix.lower() in KNOWN_EXTENSIONS or is_page_input(name)


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | SourceError]:
    """Files as given, folders walked recursively (sorted, known extensions only), URLs as given."""
    for value in inputs:
        if is_url(value):
            yield value
            continue
        path = Path(value)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if _known_name(name) and not name.startswith("."):
                        yield str(Path(root) / name)
        elif path.exists():
            yield value
        else:
            yield SourceError(value, "no such file, folder or http(s) URL")


def read_inputs(inputs: Iterable[str], default_timezone: str = "UTC", options: ReadOptions | None = None) -> Iterator[Item]:
    """Every article of every input, in order; errors as `SourceError` items. Times
    without an offset are read in `default_timezone` (and flagged as assumed)."""
    options = options or ReadOptions(default_timezone)
    if options.default_timezone != default_timezone:
        options = ReadOptions(default_timezone, options.full_text, options.fetcher)
    for value in expand_inputs(inputs):
        if isinstance(value, SourceError):
            yield value
        elif is_url(value):
            yield from read_url(value, options)
        elif is_page_input(value):
            yield from _page_articles(read_page_files(Path(value)), default_timezone)
        else:
            yield from read_file(Path(value), default_timezone, options)


def read_pages(inputs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Page | SourceError]:
    """The pages of page inputs (HTML files, WARC files, article URLs), unextracted:
    what `newswire produce --pages` publishes to pages.raw. Other inputs are errors."""
    options = options or ReadOptions()
    for value in expand_inputs(inputs):
        if isinstance(value, SourceError):
            yield value
        elif is_url(value):
            fetched = _fetch_url(value, options)
            if isinstance(fetched, SourceError) or isinstance(fetched, Page):
                yield fetched
            else:
                yield SourceError(value, "not an HTML page (a feed?); publish it without --pages")
        elif is_page_input(value):
            for item in read_page_files(Path(value)):
                yield SourceError(item.location, item.reason) if isinstance(item, PageError) else item
        else:
            yield SourceError(value, "not a page (.html, .htm, .html.gz, .warc, .warc.gz); publish it without --pages")


def _page_articles(pages: Iterable[Page | PageError], default_timezone: str) -> Iterator[Item]:
    for page in pages:
        if isinstance(page, PageError):
            yield SourceError(page.location, page.reason)
            continue
        where = page.source.location or page.source.name
        try:
            yield page_article(page, default_timezone)
        except ValidationError as exc:
            yield SourceError(where, describe_validation_error(exc))
        except ValueError as exc:
            yield SourceError(where, str(exc))


def _fetch_url(url: str, options: ReadOptions) -> Page | tuple[bytes, str | None] | SourceError:
    """A user-given URL, fetched once (within the feed bounds): a Page when it serves
    HTML, else (bytes, content type) for the feed parser. robots.txt is not asked: the
    user named this URL; it governs the pages newswire decides to fetch (--full-text)."""
    try:
        fetched = options.fetcher.fetch(url, check_robots=False, feed_bounds=True)
    except FeedError as exc:
        return SourceError(url, str(exc))
    if _serves_html(fetched.content_type, fetched.data):
        return Page(fetched.data, Source(name=url[:500], kind="web", location=url[:2048]), url=fetched.url or url,
                    fetched_at=utc_now(), http_headers=dict(fetched.headers))
    return fetched.data, fetched.content_type


def _serves_html(content_type: str | None, data: bytes) -> bool:
    if not (content_type or "").lower().startswith(_HTML_TYPES):
        return False
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # A feed served as text/html (a misconfigured server) is still a feed.
    return not (head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head))


def read_url(url: str, options: ReadOptions) -> Iterator[Item]:
    fetched = _fetch_url(url, options)
    if isinstance(fetched, SourceError):
        yield fetched
    elif isinstance(fetched, Page):
        yield from _page_articles([fetched], options.default_timezone)
    else:
        data, content_type = fetched
        try:
            parsed = parse_feed(data, content_type=content_type)
        except FeedError as exc:
            yield SourceError(url, _reason(exc))
            return
        yield from feed_articles(url, *parsed, options)


def read_file(path: Path, default_timezone: str = "UTC", options: ReadOptions | None = None) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if is_page_input(path.name):
        yield from _page_articles(read_page_files(path), default_timezone)
    elif suffix in TEXT_EXTENSIONS:
        yield from read_text(path, default_timezone)
    elif suffix in FEED_EXTENSIONS:
        yield from read_feed(str(path), default_timezone, options)
    elif suffix in JSONL_EXTENSIONS:
        yield from read_jsonl(path, default_timezone)
    else:
        yield SourceError(str(path), f"unknown file type {suffix or '(none)'}; expected one of {', '.join(sorted(KNOWN_EXTENSIONS))}")


def read_text(path: Path, default_timezone: str = "UTC") -> Iterator[Item]:
    try:
        wire = read_text_file(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        yield SourceError(str(path), _reason(exc))
        return
    fields: dict[str, object] = {"title": wire.title, "body": wire.body}
    if wire.attribution:
        fields["attribution"] = wire.attribution
    if wire.image_description or wire.image_caption:
        fields["image"] = {"description": wire.image_description, "caption": wire.image_caption}
    source = Source(name=path.name[:500], kind="file", location=str(path))
    try:
        yield build_article(fields, source=source, default_timezone=default_timezone)
    except ValidationError as exc:
        yield SourceError(str(path), describe_validation_error(exc))


def read_feed(location: str, default_timezone: str = "UTC", options: ReadOptions | None = None) -> Iterator[Item]:
    """A feed file or URL (a URL is read as what it serves: see read_url)."""
    options = options or ReadOptions(default_timezone)
    if is_url(location):
        yield from read_url(location, options)
        return
    try:
        parsed = parse_feed(read_feed_file(Path(location)))  # size limit; see feeds.py
    except (OSError, FeedError) as exc:
        yield SourceError(location, _reason(exc))
        return
    yield from feed_articles(location, *parsed, options)


def feed_articles(location: str, title: str, entries: Iterable[FeedEntry], options: ReadOptions) -> Iterator[Item]:
    """A parsed feed's entries as articles (or errors), read as any feed is: what the
    poller gives the publisher after a 200."""
    source = Source(name=title, kind="feed", location=location)
    fetched_at = utc_now()
    for entry in entries:
        where = f"{location}#entry {entry.index}"
        fields = entry.fields
        if options.full_text and entry.link and entry.summary_only:
            completed = _full_text(entry, options)
            if isinstance(completed, str):
                yield SourceError(where, completed)
                continue
            fields = completed
        if fields is None:
            yield SourceError(where, entry.error or "unreadable entry")
            continue
        try:
            yield build_article(fields, source=source, fetched_at=fetched_at, default_timezone=options.default_timezone)
        except ValidationError as exc:
            yield SourceError(where, describe_validation_error(exc))


def _full_text(entry: FeedEntry, options: ReadOptions) -> dict[str, object] | str:
    """The entry's fields with the text of its linked page (the feed's own text becomes
    the summary); what the feed states wins over the page, except the text. A string
    says why the page could not complete it (the entry is then not published)."""
    assert entry.link is not None
    try:
        fetched = options.fetcher.fetch(entry.link)
    except FeedError as exc:
        return f"full text of {entry.link}: {exc}"
    try:
        page = page_fields(fetched.data, url=fetched.url or entry.link, source={"name": "page", "kind": "web"})
    except ValueError as exc:
        return f"full text of {entry.link}: {exc}"
    page.pop("source", None)
    feed = dict(entry.fields or {})
    # The page's canonical URL beats the feed's link: the id then matches the same page read any other way.
    kept = ("body", "summary", "url") if page.get("url") else ("body", "summary")
    merged: dict[str, object] = {**page, **{k: v for k, v in feed.items() if k not in kept}}
    summary = feed.get("body") or feed.get("summary")
    if isinstance(summary, str) and summary.strip() and summary.strip() != page["body"]:
        merged["summary"] = summary[:10_000]
    merged["body"] = page["body"]
    return merged


def read_jsonl(path: Path, default_timezone: str = "UTC") -> Iterator[Item]:
    source = Source(name=path.name[:500], kind="jsonl", location=str(path))
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield SourceError(str(path), _reason(exc))
        return
    with handle:
        for lineno, line in enumerate(handle, start=1):
            where = f"{path}:{lineno}"
            if not line.strip():
                continue
            # Nearly every line is a valid article: validated from its bytes in one pass.
            # Only a line that fails is parsed again, to say why in the reader's terms
            # (not JSON, not an object, or the contract's complaint).
            try:
                yield complete_json(line, source=source, fetched_at=utc_now(), default_timezone=default_timezone)
                continue
            except ValidationError:
                pass
            try:
                fields = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield SourceError(where, f"not JSON: {exc}")
                continue
            if not isinstance(fields, dict):
                yield SourceError(where, f"expected a JSON object, got {type(fields).__name__}")
                continue
            try:
                yield build_article(fields, source=source, default_timezone=default_timezone)
            except ValidationError as exc:
                yield SourceError(where, describe_validation_error(exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)

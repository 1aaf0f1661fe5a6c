"""Dispatch inputs (files, folders, feed URLs) to the right reader."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

import orjson
from pydantic import ValidationError

from newswire.models import RawArticle, Source, utc_now
from newswire.sources import SourceError, build_article, describe_validation_error
from newswire.sources.feeds import FeedError, load_feed
from newswire.sources.text import read_text_file

TEXT_EXTENSIONS = frozenset({".txt"})
FEED_EXTENSIONS = frozenset({".xml", ".rss", ".atom"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | FEED_EXTENSIONS | JSONL_EXTENSIONS

Item = RawArticle | SourceError


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
                    if Path(name).suffix.lower() in KNOWN_EXTENSIONS and not name.startswith("."):
                        yield str(Path(root) / name)
        elif path.exists():
            yield value
        else:
            yield SourceError(value, "no such file, folder or http(s) URL")


def read_inputs(inputs: Iterable[str], default_timezone: str = "UTC") -> Iterator[Item]:
    """Every article of every input, in order; errors as `SourceError` items. Times
    without an offset are read in `default_timezone` (and flagged as assumed)."""
    for value in expand_inputs(inputs):
        if isinstance(value, SourceError):
            yield value
        elif is_url(value):
            yield from read_feed(value, default_timezone)
        else:
            yield from read_file(Path(value), default_timezone)


def read_file(path: Path, default_timezone: str = "UTC") -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix in TEXT_EXTENSIONS:
        yield from read_text(path, default_timezone)
    elif suffix in FEED_EXTENSIONS:
        yield from read_feed(str(path), default_timezone)
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


def read_feed(location: str, default_timezone: str = "UTC") -> Iterator[Item]:
    try:
        title, entries = load_feed(location)  # size, time and redirect limits; see feeds.py
    except (OSError, FeedError) as exc:
        yield SourceError(location, _reason(exc))
        return
    source = Source(name=title, kind="feed", location=location)
    fetched_at = utc_now()
    for entry in entries:
        where = f"{location}#entry {entry.index}"
        if entry.fields is None:
            yield SourceError(where, entry.error or "unreadable entry")
            continue
        try:
            yield build_article(entry.fields, source=source, fetched_at=fetched_at, default_timezone=default_timezone)
        except ValidationError as exc:
            yield SourceError(where, describe_validation_error(exc))


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

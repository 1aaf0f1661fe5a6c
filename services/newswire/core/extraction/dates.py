"""Timestamps as pages write them, to timezone-aware datetimes where they say the zone.

Pages state dates in ISO 8601 (JSON-LD, `article:published_time`, `<time datetime>`),
sometimes with a space for the T, a `+0000` offset or a trailing `Z`; older ones use
RFC 2822. A date without a zone stays naive: guessing UTC would move the day.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

_OFFSET_RE = re.compile(r"([+-]\d{2})(\d{2})$")
_FRACTION_RE = re.compile(r"(\.\d{1,6})\d*")
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")


def parse_timestamp(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 to datetime; None when it is neither."""
    if not value:
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    iso = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} \d", text) else text
    iso = iso.replace(" ", "")
    if iso.endswith(("Z", "z")):
        iso = iso[:-1] + "+00:00"
    iso = _OFFSET_RE.sub(r"\1:\2", iso)
    iso = _FRACTION_RE.sub(r"\1", iso)
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def date_from_url(url: str | None) -> datetime | None:
    """The day in a URL like /2019/11/18/slug, at midnight, without a zone."""
    if not url:
        return None
    match = _URL_DATE_RE.search(url)
    if not match:
        return None
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def is_aware(value: datetime | None) -> bool:
    return value is not None and value.tzinfo is not None and value.utcoffset() is not None


def to_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc) if is_aware(value) else value

"""Times as news sources write them, and the time zone newswire assumes when they
give none (NEWSWIRE_DEFAULT_TIMEZONE). Pure functions: the caller passes the zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_time(text: str) -> datetime | str:
    """ISO 8601 (`2025-05-04T10:00:00+03:00`, `...Z`, `2025-05-04 10:00`, a date alone)
    or RFC 2822 (`Sun, 04 May 2025 10:00:00 GMT`), possibly naive. Text in neither form is
    returned unchanged, for the validator to refuse with its own message."""
    value = text.strip()
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    if value[:1].isalpha() or "," in value:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return text
        # email.utils reads "-0000" as "no zone given", like a missing offset.
        return parsed
    return text


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The IANA zone `name` (e.g. `UTC`, `Europe/Istanbul`). Raises ValueError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}; expected an IANA name such as UTC or Europe/Istanbul") from exc


def assume_zone(value: datetime, zone_name: str) -> tuple[datetime, bool]:
    """`value` made timezone-aware: as given when it has an offset, else read as a wall
    time in `zone_name`. The flag says whether the zone was assumed."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value, False
    return value.replace(tzinfo=zone(zone_name)), True

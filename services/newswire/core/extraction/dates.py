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
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", text):
        year, month, day = (int(x) for x in text.split("/"))
        try:
            return datetime(year, month, day)
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


# Month names as pages write them (lowercase; abbreviations where sites use them).
_MONTH_NAMES = (
    "jan january janvier enero janeiro gennaio januar januari ocak января январь يناير كانون_الثاني",
    "feb february février fevrier febrero fevereiro febbraio februar februari şubat subat февраля февраль فبراير شباط",
    "mar march mars marzo março marco märz maart mart марта март مارس آذار",
    "apr april avril abril aprile nisan апреля апрель أبريل ابريل نيسان",
    "may mai mayo maio maggio mei mayıs mayis мая май مايو أيار",
    "jun june juin junio junho giugno juni haziran июня июнь يونيو حزيران",
    "jul july juillet julio julho luglio juli temmuz июля июль يوليو تموز",
    "aug august août aout agosto augustus ağustos agustos августа август أغسطس آب",
    "sep sept september septembre septiembre setembro settembre eylül eylul сентября сентябрь سبتمبر أيلول",
    "oct october octobre octubre outubro ottobre oktober ekim октября октябрь أكتوبر",
    "nov november novembre noviembre novembro kasım kasim ноября ноябрь نوفمبر",
    "dec december décembre decembre diciembre dezembro dicembre dezember aralık aralik декабря декабрь ديسمبر",
)
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_NUMERIC_DATE_RE = re.compile(r"\b((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\b|\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b")
_MONTH_FIRST_RE = re.compile(r"\b([^\W\d_]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b")
# "19 November 2019", "19 de noviembre de 2019", "19. November 2019", "19 ноября 2019 г.", "24 يونيو 2024"
_DAY_FIRST_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|\.|º)?\s+(?:de\s+)?([^\W\d_]{3,12})\.?,?\s+(?:de\s+)?((?:19|20)\d{2})\b")


def date_in_text(text: str) -> datetime | None:
    """A day written out on the page ("Nov. 19, 2019", "19 novembre 2019", "2019/11/19",
    "19.11.2019"), without a zone. Month names: English, French, Spanish, Portuguese,
    Italian, German, Dutch, Turkish, Russian and Arabic (one-word names)."""
    text = text[:200]
    match = _NUMERIC_DATE_RE.search(text)
    try:
        if match:
            if match.group(1):
                return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            return datetime(int(match.group(6)), int(match.group(5)), int(match.group(4)))
        match = _MONTH_FIRST_RE.search(text)
        if match and match.group(1).lower() in _MONTHS:
            return datetime(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
        match = _DAY_FIRST_RE.search(text)
        if match and match.group(2).lower() in _MONTHS:
            return datetime(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        return None
    return None


def date_from_url(url: str | None) -> datetime | None:
    """The day in a URL like /2019/11/18/slug, at midnight, without a zone."""
    if not url:
        return None
    match = _URL_DATE_RE.search(url)
    if not match:
        # /2019/nov/18/slug
        named = re.search(r"/((?:19|20)\d{2})/([a-z]{3})/(\d{1,2})/", url.lower())
        if not named or named.group(2) not in _MONTHS:
            return None
        return datetime(int(named.group(1)), _MONTHS[named.group(2)], int(named.group(3)))
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def is_aware(value: datetime | None) -> bool:
    return value is not None and value.tzinfo is not None and value.utcoffset() is not None


def to_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc) if is_aware(value) else value

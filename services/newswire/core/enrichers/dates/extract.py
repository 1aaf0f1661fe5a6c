"""The entry point: the working copy, the absolute scan, then (with a reference) the
relative resolvers of the text's language family, back in original offsets."""

from __future__ import annotations

import re
from datetime import date, datetime

from newswire.core.enrichers.dates.absolute import find_absolute
from newswire.core.enrichers.dates.lexicon.european import EU_LANGS
from newswire.core.enrichers.dates.relative_arabic import find_arabic_relative
from newswire.core.enrichers.dates.relative_european import find_european_relative
from newswire.core.enrichers.dates.relative_persian import PERSIAN_LETTERS_RE, find_persian_relative
from newswire.core.enrichers.dates.spans import DateMention, Span
from newswire.core.enrichers.dates.worktext import STRIP_RE, OffsetMap

# Between a weekday and the date it introduces: "الاثنين 24 يونيو", "Monday, February 16",
# "Montag, den 16. Februar", "am Dienstag, dem 4. Februar".
_GAP_RE = re.compile(r"[^\S\n]*[,،(]?[^\S\n]*(?:(?:le|el|den|dem|the|on|am)[^\S\n]+)?", re.IGNORECASE)
_ARABIC_SCRIPT_RE = re.compile("[\u0621-\u064a]")


def _reference_date(reference: datetime | date | None) -> date | None:
    if reference is None:
        return None
    if isinstance(reference, datetime):
        return reference.date()  # the local date in the reference's own timezone
    return reference


def extract_dates(text: str, reference: datetime | None = None, language: str | None = None) -> list[DateMention]:
    """Date mentions in `text`, in text order (not deduplicated).

    `reference` is the article's published_at (or fetched_at); dates are resolved in its
    own timezone. Without it, absolute dates without a year come back as "--MM-DD"
    (resolved=False) and relative mentions are not reported. `language` (ISO 639, e.g.
    "ar", "en-GB") restricts the relative-day words to that language and enables the
    ones that are ambiguous across languages (French "hier")."""
    if not text:
        return []
    ref = _reference_date(reference)
    lang = language.lower().replace("_", "-").split("-")[0] if language else None

    if text.isascii() or STRIP_RE.search(text) is None:  # isascii() is O(1)
        omap, work = None, text
    else:
        omap = OffsetMap(text)
        work = omap.work

    found: list[Span] = []
    find_absolute(work, ref, lang, found)

    if ref is not None:
        starts = {f.start for f in found}
        ends = {f.end for f in found}

        def attached(s: int, e: int) -> bool:
            """A weekday that belongs to a date: "الاثنين 24 يونيو", "Monday, February 16",
            "am Dienstag, dem 4. Februar", "23 Şubat Pazar günü", and also a weekday before
            any day number ("روز شنبه ۲۵ اسفند": a calendar this module does not read)."""
            gap = _GAP_RE.match(work, e)
            assert gap is not None  # every part of it is optional
            pos = gap.end()
            if pos < len(work) and (work[pos].isdigit() or pos in starts):
                return True
            while s > 0 and work[s - 1] in " \t\u00a0,،(":
                s -= 1
            return s in ends

        relative: list[Span] = []
        arabic_script = lang not in EU_LANGS and _ARABIC_SCRIPT_RE.search(work) is not None
        if arabic_script and lang != "fa":
            find_arabic_relative(text, work, omap, ref, attached, relative)
        if lang == "fa" or (lang is None and PERSIAN_LETTERS_RE.search(work) is not None):
            find_persian_relative(work, ref, attached, relative)
        if lang not in ("ar", "fa"):
            find_european_relative(work, ref, lang, arabic_script, attached, relative)
        if relative:
            spans = [(f.start, f.end) for f in found]
            found.extend(r for r in relative if not any(a < r.end and r.start < b for a, b in spans))
            found.sort(key=lambda f: f.start)

    mentions = []
    for s, e, value, resolved, kind in found:
        if omap is not None:
            s = omap.orig(s)
            e = omap.orig_end(text, e)
        mentions.append(DateMention(text[s:e], value, resolved, kind, s, e))
    return mentions

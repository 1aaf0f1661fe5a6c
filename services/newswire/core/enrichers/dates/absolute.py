"""The absolute-date scanner: each number of the working copy that can be a day, tried
against the day-first, ISO, same-month and English month-first patterns in turn."""

from __future__ import annotations

from datetime import date

from newswire.core.enrichers.dates.lexicon.qualifiers import MONTH_FIRST_QUAL, PREFIX_QUAL, PREFIX_YEAR_QUAL
from newswire.core.enrichers.dates.months import ABBREVIATIONS, AR_LOOKUP, ar_key, month_number
from newswire.core.enrichers.dates.patterns import (
    DAY_FIRST_RE,
    EN_MONTH_BEFORE,
    ISO_RE,
    MONTH_FIRST_TAIL_RE,
    SAME_MONTH_RE,
    SUFFIX_QUAL_RE,
)
from newswire.core.enrichers.dates.resolve import month_day, plausible_year, resolve, valid
from newswire.core.enrichers.dates.spans import Qualifier, Span
from newswire.core.enrichers.dates.worktext import NUM_RE, prev_words
from newswire.core.textrules import ARABIC_LETTER_PREFIXES


def _day_left_ok(work: str, s: int) -> bool:
    """A day number stands on its own: no letter glued before it (except an Arabic
    prefix: و16، ب16), and not the second part of 3.16 / 10:16 / 1,16 / 03/04."""
    if s == 0:
        return True
    c = work[s - 1]
    if c.isalpha():
        return c in ARABIC_LETTER_PREFIXES and (s < 2 or not work[s - 2].isalpha() or work[s - 2] in ARABIC_LETTER_PREFIXES)
    if c in ".:,/٫٬" and s >= 2 and work[s - 2].isdigit():
        return False
    return True


def _prefix_qualifier(work: str, s: int) -> tuple[Qualifier, int] | None:
    """(qualifier, start) of a qualifier word just before a day-first date."""
    words = [(k, w.lower()) for k, w in prev_words(work, s, 4)]
    if words and words[0][1] in ("día", "dia"):  # "el pasado día 16"
        words = words[1:]
    if not words:
        return None
    if words[0][1] in PREFIX_QUAL:
        return PREFIX_QUAL[words[0][1]], words[0][0]
    if len(words) > 1 and words[0][1].startswith(("yıl", "yil", "sene")) and words[1][1] in PREFIX_YEAR_QUAL:
        return PREFIX_YEAR_QUAL[words[1][1]], words[1][0]  # "geçen yıl 16 Şubat'ta"
    return None


def _suffix_qualifier(work: str, end: int) -> tuple[Qualifier, int] | None:
    """(qualifier, end) of the qualifier words right after a date that ends at `end`."""
    q = SUFFIX_QUAL_RE.match(work, end)
    if q is None:
        return None
    assert q.lastgroup is not None  # every alternative is a named group
    return Qualifier(q.lastgroup), q.end()


def _month_before(work: str, s: int, consumed: int) -> tuple[int, int, Qualifier | None] | None:
    """(month, start, qualifier) of an English month name just before the day number at s,
    not inside the previous mention (which ends at `consumed`)."""
    j = s
    while j > 0 and work[j - 1] in " \t\u00a0":
        j -= 1
    if j == s:
        return None
    dot = j > 0 and work[j - 1] == "."
    if dot:
        j -= 1
    k = j
    while k > 0 and work[k - 1].isalpha():
        k -= 1
    month = EN_MONTH_BEFORE.get(work[k:j])
    if (month is None or k < consumed or (dot and work[k:j].lower() not in ABBREVIATIONS)
            or (k > 0 and work[k - 1].isalnum())):
        return None
    before = prev_words(work, k, 1)
    if before and before[0][1].lower() in MONTH_FIRST_QUAL and before[0][0] >= consumed:
        return month, before[0][0], MONTH_FIRST_QUAL[before[0][1].lower()]
    return month, k, None


def _iso_left_ok(work: str, s: int) -> bool:
    return s == 0 or not (work[s - 1].isalnum() or work[s - 1] in "-/.")


def find_absolute(work: str, ref: date | None, language: str | None, found: list[Span]) -> None:
    prev: tuple[int | None, int] | None = None  # (year, month) of the previous absolute mention
    consumed = 0
    for num in NUM_RE.finditer(work):
        s, e = num.span()
        if s < consumed:
            continue
        if e - s == 4:
            m = ISO_RE.match(work, s)
            if m is not None and _iso_left_ok(work, s):
                consumed = m.end()
                y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
                if valid(y, mo, d):
                    found.append(Span(s, consumed, f"{y:04d}-{mo:02d}-{d:02d}", True, "absolute"))
                    prev = (y, mo)
            continue
        if e - s > 2 or not _day_left_ok(work, s):
            continue
        limit = consumed  # the end of the previous mention: nothing before it may be reused

        m = DAY_FIRST_RE.match(work, s)
        if m is not None:
            month = month_number(m["mon"])
            if month is not None and language == "fa" and ar_key(m["mon"]) == "اب":
                month = None  # Persian آب is "water"; Persian text uses آگوست / اوت
            if month is not None:
                consumed = m.end()
                second = m["mon2"] or m["mon3"]
                if second is not None and AR_LOOKUP.get(ar_key(second)) != month:
                    continue  # "16 فبراير/آذار": the halves disagree, skip the mention
                start, end = s, m.end()
                year: int | None = None
                qual: Qualifier | None = None
                if m["year"] is not None:
                    y = int(m["year"])
                    if plausible_year(y, m["ykw"] is not None):
                        year = y
                    else:  # "7 أكتوبر 1200 قتيل": not a year
                        end = m.end("me")
                if year is None:
                    q = _suffix_qualifier(work, end)
                    if q is not None:
                        qual, end = q
                    else:
                        p = _prefix_qualifier(work, s)
                        if p is not None and p[1] >= limit:
                            qual, start = p
                r = resolve(ref, month, int(m["day"]), year, qual)
                if r is not None:
                    found.append(Span(start, end, r[0], r[1], "absolute"))
                    prev = (r[2], month)
                consumed = end
                continue

        m = SAME_MONTH_RE.match(work, s)
        if m is not None:
            consumed = m.end()
            shift = -1 if m["rp"] else 0 if m["rc"] else 1 if m["rn"] else None
            target: tuple[int | None, int]
            if shift is not None:  # "29 من الشهر الماضي": needs the reference month
                if ref is None:
                    continue
                index = ref.year * 12 + ref.month - 1 + shift
                y, mo = divmod(index, 12)
                target = (y, mo + 1)
            elif prev is None:
                continue
            else:
                target = prev
            day = int(m["day"])
            if valid(target[0], target[1], day):
                if target[0] is None:
                    found.append(Span(s, consumed, month_day(target[1], day), False, "absolute"))
                else:
                    found.append(Span(s, consumed, f"{target[0]:04d}-{target[1]:02d}-{day:02d}", True, "absolute"))
                prev = target
            continue

        b = _month_before(work, s, limit)
        if b is not None:
            t = MONTH_FIRST_TAIL_RE.match(work, s)
            if t is None:
                continue
            month, start, qual = b
            year = int(t["year"]) if t["year"] is not None else None
            end = t.end()
            if year is not None and not plausible_year(year, False):
                year, end = None, t.end("de")
            if year is None and qual is None:
                q = _suffix_qualifier(work, end)
                if q is not None:
                    qual, end = q
            r = resolve(ref, month, int(t["day"]), year, qual)
            consumed = end
            if r is not None:
                found.append(Span(start, end, r[0], r[1], "absolute"))
                prev = (r[2], month)

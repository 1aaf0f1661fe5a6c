"""Relative days in Persian: دیروز, پریروز, امروز, فردا, پس‌فردا, and weekdays with
گذشته / آینده or after "روز"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from newswire.core.enrichers.dates.lexicon.persian import FA_RUZ, FA_SHANBE
from newswire.core.enrichers.dates.resolve import weekday_date
from newswire.core.enrichers.dates.spans import Attached, Span
from newswire.core.enrichers.dates.worktext import BOUNDARY, S, next_char, prev_words

# Persian: دیروز / پریروز / امروز end in "روز"; the weekdays in "شنبه" (or are جمعه).
_FA_RE = re.compile(r"(?:روز|فردا|شنبه|جمعه)(?!\w)")
_FA_WD_QUAL_RE = re.compile(rf"{S}+(?:(?P<past>گذشته|پ[یي]ش)|(?P<next>آ[یي]نده))(?!\w)")
_FA_WD_AFTER_RE = re.compile(rf"{S}+(?:(?:[یي][کك]|دو|سه|چهار|پنج){S}?)?شنبه(?!\w)|{S}+جمعه(?!\w)")
PERSIAN_LETTERS_RE = re.compile("[یکپچژگ]")


def _persian_weekday(work: str, s: int) -> tuple[int, int] | None:
    """(weekday, start) of the weekday whose "شنبه" / "جمعه" is at s."""
    w0 = s
    while w0 > 0 and work[w0 - 1].isalpha():
        w0 -= 1
    if work.startswith("جمعه", s):
        return (4, s) if w0 == s else None
    number = work[w0:s]
    if number == "":  # "سه شنبه" written with a space
        before = prev_words(work, s, 1)
        if before and before[0][1] in FA_SHANBE and s - before[0][0] - len(before[0][1]) == 1:
            return FA_SHANBE[before[0][1]], before[0][0]
    return (FA_SHANBE[number], w0) if number in FA_SHANBE else None


def find_persian_relative(work: str, ref: date, attached: Attached, found: list[Span]) -> None:
    last = 0
    for m in _FA_RE.finditer(work):
        s, e = m.span()
        if s < last:
            continue
        word = m.group()
        if word == "روز":
            w0 = s
            while w0 > 0 and work[w0 - 1].isalpha():
                w0 -= 1
            offset = FA_RUZ.get(work[w0:s])
            if offset is None:
                continue
            s = w0
            if offset == 0:  # امروز, conservative like "today"
                w = _FA_WD_AFTER_RE.match(work, e)
                if w is not None:
                    e = w.end()
                elif next_char(work, e) not in BOUNDARY:
                    continue
        elif word == "فردا":
            if s > 0 and work[s - 1].isalpha():
                if not work.startswith("پس", s - 2) or (s > 2 and work[s - 3].isalpha()):
                    continue
                s, offset = s - 2, 2  # پس‌فردا (the ZWNJ is removed in the working copy)
            else:
                before = prev_words(work, s, 1)
                if before and before[0][1] == "پس":
                    s, offset = before[0][0], 2
                else:
                    offset = 1
        else:
            weekday_start = _persian_weekday(work, s)
            if weekday_start is None:
                continue
            weekday, s = weekday_start
            q = _FA_WD_QUAL_RE.match(work, e)
            before = prev_words(work, s, 1)
            if attached(s, q.end() if q is not None else e):
                continue  # "روز شنبه ۲۵ اسفند": part of a date
            if q is not None:  # "دوشنبه گذشته"
                e = q.end()
                value = weekday_date(ref, weekday, "past" if q["past"] else "next")
            elif before and before[0][1] == "روز":  # "روز دوشنبه"
                value = weekday_date(ref, weekday, "onb")
            else:
                continue
            found.append(Span(s, e, value.isoformat(), True, "relative"))
            last = e
            continue
        found.append(Span(s, e, (ref + timedelta(days=offset)).isoformat(), True, "relative"))
        last = e

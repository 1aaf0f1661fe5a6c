"""Relative days in Arabic: weekdays (with الماضي / المقبل, or as a day reference),
اليوم, أمس / الأمس / البارحة, أول أمس, غداً / غد / الغد, بعد غد.

Keyword-first, like every relative resolver: literal patterns the regex engine scans
quickly find the keyword; the context words around it are checked afterwards.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from newswire.core.enrichers.dates.lexicon.arabic import (
    AR_DEMONSTRATIVES,
    AR_PRAYER_WORDS,
    AR_TIME_WORDS,
    AR_WEEKDAYS,
    AWAL,
    BAAD,
)
from newswire.core.enrichers.dates.months import ar_key
from newswire.core.enrichers.dates.resolve import weekday_date
from newswire.core.enrichers.dates.spans import Attached, Span
from newswire.core.enrichers.dates.worktext import BOUNDARY, OffsetMap, S, next_char, prev_char, prev_words
from newswire.core.textrules import ARABIC_LETTER_PREFIXES

# Arabic: the "ال" words (weekdays, الأمس، البارحة، اليوم، الغد) in one scan, أمس and غدا / غد
# in two more ("مس" and "غد" are rare enough to find fast).
_AR_AL_RE = re.compile(r"ال(?:[اإ]ثنين|ثلاثاء?|[اأ]ربعاء?|خميس|جمع[ةه]|سبت|[اأ]حد|[اأ]مس|بارح[ةه]|يوم|غد)(?!\w)")
_AR_MS_RE = re.compile(r"مس(?!\w)")
_AR_GHAD_RE = re.compile(r"غدا?(?!\w)")
_AR_WEEKDAY = r"ال(?:[اإ]ثنين|ثلاثاء?|[اأ]ربعاء?|خميس|جمع[ةه]|سبت|[اأ]حد)"
_AR_WD_QUAL_RE = re.compile(
    rf"{S}+(?:(?P<past>ال(?:ماضي|منصرم|فائت|سابق)[ةه]?)|(?P<next>ال(?:مقبل|قادم)[ةه]?))(?!\w)"
)
_AR_WD_AFTER_RE = re.compile(rf"{S}+(?P<wd>{_AR_WEEKDAY})(?!\w)")  # "اليوم الاثنين"
_AR_INNA_RE = re.compile(rf"{S}+[إأا]ن(?:ه|ها|هم)?(?!\w)")  # "وقال الوزير الاثنين إن"
_AR_DEFINITE_AFTER_RE = re.compile(rf"{S}+ال\w")


def _ar_word_start(work: str, s: int) -> int | None:
    """s when a word starts there, s - 1 after one attached prefix (والاثنين، بالأمس),
    None when s is inside a word."""
    if s == 0 or not work[s - 1].isalpha():
        return s
    if work[s - 1] in ARABIC_LETTER_PREFIXES and (s == 1 or not work[s - 2].isalpha()):
        return s - 1
    return None


def _ar_prev_word(work: str, s: int, words: frozenset[str]) -> int | None:
    """Start of the word before s when it is one of `words` (possibly with an attached
    prefix: "ويوم", "وصباح"); None otherwise."""
    before = prev_words(work, s, 1)
    if not before:
        return None
    k, word = before[0]
    if word in words:
        return k
    if word[0] in ARABIC_LETTER_PREFIXES and word[1:] in words:
        return k + 1
    return None


def find_arabic_relative(text: str, work: str, omap: OffsetMap | None, ref: date,
                         attached: Attached, found: list[Span]) -> None:
    candidates = [(m.start(), m.end(), m.group()) for m in _AR_AL_RE.finditer(work)]
    candidates += [(m.start() - 1, m.end(), work[m.start() - 1:m.end()]) for m in _AR_MS_RE.finditer(work)
                   if m.start() > 0 and work[m.start() - 1] in "اأ"]
    candidates += [(m.start(), m.end(), m.group()) for m in _AR_GHAD_RE.finditer(work)]
    candidates.sort()
    last = 0
    for s, e, word in candidates:
        if s < last:
            continue
        w0 = _ar_word_start(work, s)
        if w0 is None:
            continue  # inside a word (الأمس and الغد come as "ال" words)
        prefixed = w0 < s
        key = ar_key(word)
        if key in AR_WEEKDAYS:
            weekday = AR_WEEKDAYS[key]
            q = _AR_WD_QUAL_RE.match(work, e)
            if attached(w0, q.end() if q is not None else e):
                continue  # "الاثنين 24 يونيو": part of a date
            if q is not None:  # "الخميس الماضي", "الأحد المقبل"
                e = q.end()
                value = weekday_date(ref, weekday, "past" if q["past"] else "next")
            elif weekday == 4 and _ar_prev_word(work, w0, AR_PRAYER_WORDS) is not None:
                continue  # صلاة الجمعة
            elif ((not prefixed and _ar_prev_word(work, w0, AR_TIME_WORDS) is not None)  # يوم الاثنين
                  or _AR_INNA_RE.match(work, e) is not None  # وقال الاثنين إن
                  or (prev_char(work, w0) in BOUNDARY and next_char(work, e) in BOUNDARY)):
                value = weekday_date(ref, weekday, "onb")  # ، الاثنين،
            else:
                continue  # "الاثنين" is also "the two", "الأحد" "the one"
        elif key == "اليوم":
            w = _AR_WD_AFTER_RE.match(work, e)
            if w is not None:  # "اليوم الاثنين": one mention, the reference day
                e = w.end()
            elif _ar_prev_word(work, w0, AR_DEMONSTRATIVES) is not None:
                continue  # "في ذلك اليوم"
            elif not (next_char(work, e) in BOUNDARY or _AR_INNA_RE.match(work, e) is not None
                      or (_ar_prev_word(work, w0, AR_TIME_WORDS) is not None
                          and _AR_DEFINITE_AFTER_RE.match(work, e) is None)):
                continue  # "اليوم العالمي", "اليوم التالي", "اليوم نفسه"
            value = ref
        elif key in ("امس", "الامس", "البارحه"):
            before = prev_words(work, w0, 2) if key == "امس" else []
            awal = None
            if before and before[0][1] == "من" and len(before) == 2:
                awal = _ar_prev_word(work, before[0][0], AWAL)  # أول من أمس
            elif before:
                awal = _ar_prev_word(work, w0, AWAL)  # أول أمس
            if awal is not None:
                s, value = awal, ref - timedelta(days=2)
            elif key == "امس" and work.startswith(("الأول", "الاول"), e + 1) and work[e] in " \u00a0" and (
                    e + 6 >= len(work) or not work[e + 6].isalpha()):
                e, value = e + 6, ref - timedelta(days=2)  # أمس الأول
            elif key == "الامس" and not ((prefixed and work[w0] == "ب")
                                        or _ar_prev_word(work, w0, AR_TIME_WORDS) is not None):
                continue  # "بين الأمس واليوم": figurative
            else:
                value = ref - timedelta(days=1)
        else:  # غدا، غد، الغد
            baad = _ar_prev_word(work, w0, BAAD)
            if baad is not None:  # بعد غد، بعد الغد
                s, value = baad, ref + timedelta(days=2)
            elif key != "غدا":  # غد / الغد only after a time word: "صباح الغد"، "يوم غد"
                if _ar_prev_word(work, w0, AR_TIME_WORDS) is None:
                    continue
                value = ref + timedelta(days=1)
            else:  # غداً; a bare "غدا" is also the verb "became"
                tanween = False
                if omap is not None:
                    o_end = omap.orig_end(text, e)
                    tanween = "\u064b" in text[omap.orig(s):o_end]
                w = _AR_WD_AFTER_RE.match(work, e)
                if w is not None:
                    e = w.end()
                elif not (tanween or next_char(work, e) in BOUNDARY
                          or _ar_prev_word(work, w0, AR_TIME_WORDS) is not None):
                    continue
                value = ref + timedelta(days=1)
        found.append(Span(s, e, value.isoformat(), True, "relative"))
        last = e

"""Relative days in English, French, Spanish, German, Russian, Turkish, Italian and
Portuguese: weekdays with their context words ("last Monday", "lundi dernier", "am
Montag"), yesterday / today / tomorrow, and the two-day words ("avant-hier")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import cast

from newswire.core.enrichers.dates.lexicon.european import (
    EU_LEXICON,
    EU_TWO_DAYS_HYPHEN,
    EU_TWO_DAYS_WORDS,
    EU_WD_BEFORE,
    Context,
)
from newswire.core.enrichers.dates.resolve import weekday_date
from newswire.core.enrichers.dates.spans import Attached, Span, WeekdayMode
from newswire.core.enrichers.dates.worktext import BOUNDARY, S, next_char, prev_words, trie_pattern

# Spelling as written (lower, Capitalised, UPPER) -> (language, lower-case keyword).
_EU_SPELLINGS: dict[str, tuple[str, str]] = {
    variant: (lang, word)
    for lang, words in EU_LEXICON.items() for word in words
    for variant in (word, word[0].upper() + word[1:], word.upper())
}


def _eu_regex(spellings: Iterable[str]) -> re.Pattern[str]:
    return re.compile(f"(?:{trie_pattern(spellings)})(?!\\w)")


_EU_ALL_RE = _eu_regex(_EU_SPELLINGS)
_EU_LANG_RES = {lang: _eu_regex(v for v, (l2, _w) in _EU_SPELLINGS.items() if l2 == lang) for lang in EU_LEXICON}
# Without a declared language, on Latin/Cyrillic text, the all-language keyword set starts
# with most letters, so the scan tries nearly every position; anchoring on the character
# before a word (space, punctuation) makes it about twice as fast. (On Arabic-script text,
# where spaces are common and Latin letters rare, the plain pattern is the fast one.)
_EU_ALL_AFTER_BREAK_RE = re.compile(f"[\\s\"'(«¿¡,;:.\\-](?:{trie_pattern(_EU_SPELLINGS)})(?!\\w)")

_EU_WD_AFTER = {
    "en": re.compile(rf"{S}+(?:(?P<onb>morning|afternoon|evening|night))(?!\w)", re.I),
    "fr": re.compile(rf"{S}+(?:(?P<past>derni(?:er|ère))|(?P<next>prochain)|(?P<skip>gras))(?!\w)", re.I),
    "es": re.compile(rf"{S}+(?:(?P<past>pasado)|(?P<next>pr[óo]ximo|que{S}+viene))(?!\w)", re.I),
    "tr": re.compile(rf"{S}+(?P<onb>günü)(?!\w)", re.I),
}


def _context_mode(table: dict[tuple[str, ...], tuple[Context, int]],
                  words: list[tuple[int, str]]) -> tuple[Context, int | None] | None:
    """(mode, start of the included words or None) for the longest entry of `table`
    matching the words before a keyword."""
    lowered = tuple(w.lower() for _k, w in words)
    for n in (2, 1):
        entry = table.get(lowered[:n]) if len(lowered) >= n else None
        if entry is not None:
            mode, include = entry
            return mode, words[include - 1][0] if include else None
    return None


def _eu_keywords(work: str, language: str | None, arabic_script: bool) -> Iterator[tuple[int, int, str]]:
    """(start, end, spelling) of each European relative-day keyword."""
    regex = _EU_LANG_RES.get(language) if language is not None else None
    if regex is None and not arabic_script:
        first = _EU_ALL_RE.match(work)
        if first is not None:
            yield 0, first.end(), first.group()
        for m in _EU_ALL_AFTER_BREAK_RE.finditer(work):
            yield m.start() + 1, m.end(), m.group()[1:]
        return
    for m in (regex or _EU_ALL_RE).finditer(work):
        s = m.start()
        if s == 0 or not (work[s - 1].isalnum() or work[s - 1] == "_"):
            yield s, m.end(), m.group()


def find_european_relative(work: str, ref: date, language: str | None, arabic_script: bool,
                           attached: Attached, found: list[Span]) -> None:
    for s, e, spelling in _eu_keywords(work, language, arabic_script):
        lang, word = _EU_SPELLINGS[spelling]
        kind, arg = EU_LEXICON[lang][word]
        if word in EU_TWO_DAYS_HYPHEN:  # avant-hier, après-demain
            prefixes, offset = EU_TWO_DAYS_HYPHEN[word]
            head = next((p for p in prefixes if work[max(0, s - len(p)):s].lower() == p), None)
            if head is not None and (s == len(head) or not work[s - len(head) - 1].isalpha()):
                found.append(Span(s - len(head), e, (ref + timedelta(days=offset)).isoformat(), True, "relative"))
                continue
        if word in EU_TWO_DAYS_WORDS:  # the day before yesterday, pasado mañana
            words, offset = EU_TWO_DAYS_WORDS[word]
            before = prev_words(work, s, len(words))
            if tuple(w.lower() for _k, w in before) == words:
                found.append(Span(before[-1][0], e, (ref + timedelta(days=offset)).isoformat(), True, "relative"))
                continue
        if kind == "ctx" or (word == "hier" and language != "fr"):
            continue
        if kind == "off":
            value = ref + timedelta(days=arg)
        elif kind == "today":
            if next_char(work, e) not in BOUNDARY or work[e:e + 1] in "'’":
                continue  # "today's", "the world today is": not clearly a day reference
            value = ref
        else:
            mode: WeekdayMode | None = None
            table = EU_WD_BEFORE.get(lang)
            b = _context_mode(table, prev_words(work, s, 2)) if table is not None else None
            after = _EU_WD_AFTER.get(lang)
            a = after.match(work, e) if after is not None else None
            a_mode = a.lastgroup if a is not None else None
            if b is not None and b[0] in ("past", "next"):  # "last Monday", "geçen pazartesi"
                mode, s = cast(WeekdayMode, b[0]), b[1] if b[1] is not None else s
                if a is not None and a_mode == "onb" and lang == "tr":
                    e = a.end()  # "geçen pazartesi günü"
            elif a is not None and a_mode in ("past", "next") and (lang == "fr" or b is not None):  # "lundi dernier", "el lunes pasado"
                mode, e = cast(WeekdayMode, a_mode), a.end()
            if attached(s, e):
                continue  # "on Monday, February 16", "23 Şubat Pazar günü": part of a date
            if mode is None:
                if lang == "fr":  # bare "lundi"; not "le lundi" (habitual), not "Mardi gras"
                    if b is not None or a_mode == "skip":
                        continue
                elif a is not None and a_mode == "onb" and lang == "tr":  # "pazartesi günü"
                    e = a.end()
                elif not ((b is not None and b[0] == "onb")  # "on Monday", "el lunes", "am Montag"
                          or a_mode == "onb"):  # "Monday night"
                    continue
                mode = "onb"
            value = weekday_date(ref, arg, mode)
        found.append(Span(s, e, value.isoformat(), True, "relative"))

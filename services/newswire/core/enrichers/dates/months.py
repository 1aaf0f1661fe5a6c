"""Month names as the scanner matches them: lookups from any spelling to the month
number, and the regex alternations built from the lexicon."""

from __future__ import annotations

import re
from collections.abc import Callable

from newswire.core.enrichers.dates.lexicon.months import AR_MONTHS, ENGLISH_ABBR, LATIN_MONTHS, NEEDS_CAPITAL, TURKISH
from newswire.core.enrichers.dates.worktext import S
from newswire.core.textnorm import fold_arabic
from newswire.core.textrules import ARABIC_LETTER_PREFIX_CLASS, ARABIC_LETTER_PREFIXES

_TR_ASCII = str.maketrans("şğüıçö", "sguico")
LATIN_LOOKUP: dict[str, int] = {}
for _month, _names in LATIN_MONTHS.items():
    for _name in _names:
        LATIN_LOOKUP[_name] = _month
        if _name in TURKISH:  # "Subat", and "KASIM".lower() == "kasim"
            LATIN_LOOKUP[_name.translate(_TR_ASCII)] = _month


# The letter variants a month name is written with, as regex classes (what fold_arabic
# unifies for lookup; the rarer forms it also folds are not accepted in a date).
_AR_CLASSES = {
    "ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]",
    "ي": "[يیى]", "ی": "[يیى]", "ى": "[يیى]",
    "ة": "[ةه]", "ه": "[هة]", "ك": "[كک]", "ک": "[كک]",
}


def ar_key(s: str) -> str:
    """Lookup form of an Arabic-script word or phrase: folded letters, no spaces, and
    "تشرين الأول" / "تشرين أول" (with or without the article) alike."""
    key = "".join(fold_arabic(s).split())
    return key.replace("تشرينال", "تشرين").replace("كانونال", "كانون")


def _ar_pattern(name: str) -> str:
    if name == "آب":  # August, never the word أب (father)
        return "(?:آب|اب)"
    words = name.split(" ")
    pattern = "".join(_AR_CLASSES.get(ch, re.escape(ch)) for ch in words[0])
    for word in words[1:]:  # "تشرين الأول", "تشرين أول": the article is optional
        word = word[2:] if word.startswith("ال") else word
        pattern += f"{S}+(?:ال)?" + "".join(_AR_CLASSES.get(ch, re.escape(ch)) for ch in word)
    return pattern


AR_LOOKUP: dict[str, int] = {}
_AR_SHORT: list[str] = []  # آب, ماي, مه, می: no attached prefix (و/ب/ل/ف/ك) allowed
_AR_LONG: list[str] = []
for _month, _names in AR_MONTHS.items():
    for _name in _names:
        AR_LOOKUP[ar_key(_name)] = _month
        (_AR_SHORT if len(_name.replace(" ", "")) <= 3 else _AR_LONG).append(_name)
AR_LOOKUP["اب"] = 8


def _alternation(names: list[str], to_pattern: Callable[[str], str]) -> str:
    return "|".join(to_pattern(n) for n in sorted(set(names), key=len, reverse=True))


def _grouped_alternation(names: list[str]) -> str:
    """_alternation() of literal lower-case names, factored by first letter: the regex
    engine then tries one branch per letter instead of every name (twice as fast on a
    number not followed by a month). Names with different first letters never match at
    the same place, and each group keeps the longest-first order, so the matches are
    the same."""
    groups: dict[str, list[str]] = {}
    for name in sorted(set(names), key=len, reverse=True):
        groups.setdefault(name[0], []).append(name[1:])
    return "|".join(f"{re.escape(first)}(?:{'|'.join(map(re.escape, rests))})" for first, rests in groups.items())


_LATIN_ALT = _grouped_alternation(list(LATIN_LOOKUP))
AR_ALT = _alternation(_AR_SHORT + _AR_LONG, _ar_pattern)
MONTH_ALT = (
    f"{_LATIN_ALT}|{_alternation(_AR_SHORT, _ar_pattern)}"
    f"|{ARABIC_LETTER_PREFIX_CLASS}?(?:{_alternation(_AR_LONG, _ar_pattern)})"
)
ABBREVIATIONS = frozenset(ENGLISH_ABBR)


def month_number(name: str) -> int | None:
    found = LATIN_LOOKUP.get(name.lower())
    if found is not None:
        if name.lower() in NEEDS_CAPITAL and not name[0].isupper():
            return None
        return found
    key = ar_key(name)
    found = AR_LOOKUP.get(key)
    if found is None and key[:1] in ARABIC_LETTER_PREFIXES:
        found = AR_LOOKUP.get(key[1:])
    return found

"""Tokenisation shared by every enricher: one pass, two aligned views.

`surface` keeps each word as written (diacritics removed, case kept) for display and
for case-sensitive acronyms; `folded` is each word's matching form (see textnorm).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from newswire.core.textnorm import fold_arabic, normalize, strip_arabic_marks

# A word: letters or digits, joined through inner apostrophes, hyphens or dots
# (l'État, well-known, 3.5). Arabic marks are removed before tokenising, so a
# vocalised word stays one word.
# Possessive (++, *+): a run of letters is never given back, as a joiner is no letter,
# so the matches are the same and the engine keeps no backtracking points (12% faster).
# CPython before 3.11.5 (Debian 12's python3 is 3.11.2) can match a possessive group
# wrongly (CPython gh-106052): "غزه." came out as a word with its full stop. There the
# group is greedy, which gives the right words (tests/unit/test_tokens.py).
POSSESSIVE_GROUPS_WORK = re.fullmatch(r"(?:ab?c)*+", "a") is None
_GROUP_REPEAT = "*+" if POSSESSIVE_GROUPS_WORK else "*"
WORD_RE = re.compile(r"[^\W_]++(?:['’\-.][^\W_]++)" + _GROUP_REPEAT)
# The same words in text without "_" (nearly all), where [^\W_] is \w: 12% faster.
_WORD_NO_UNDERSCORE_RE = re.compile(r"\w++(?:['’\-.]\w++)" + _GROUP_REPEAT)

# Per-word results are cached (news vocabulary repeats a lot); lru_cache keeps the
# cache bounded and is implemented in C, so a hit costs about as much as a dict lookup.
# Each full cache of this size holds about 12 MB; a few enrichers keep one.
WORD_CACHE_SIZE = 100_000


@lru_cache(maxsize=WORD_CACHE_SIZE)
def fold_token(token: str) -> str:
    """Matching form of one word."""
    return normalize(token)


@dataclass(slots=True)
class Tokens:
    surface: list[str]
    folded: list[str]
    _vocabulary: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The distinct folded words: several enrichers ask which of their words occur.
        Built once, on first use. (Not functools.cached_property: compiled by mypyc, that
        is a plain property, which built the set again on every use.)"""
        if self._vocabulary is None:
            self._vocabulary = frozenset(self.folded)
        return self._vocabulary


def tokenize(text: str) -> Tokens:
    return tokenize_plain(strip_arabic_marks(text))


def tokenize_plain(plain: str) -> Tokens:
    """For text whose Arabic marks are already removed (saves a pass)."""
    surface = words_of(plain)
    return Tokens(surface, _fold_plain_words(surface))


def words_of(plain: str) -> list[str]:
    """WORD_RE.findall(plain), in less time. No word crosses whitespace (a word is word
    characters and joiners), so the words are those of each whitespace-separated chunk;
    a chunk of word characters only (str.isalnum() is \\w without "_": both are
    Py_UNICODE_ISALNUM) is one word as it is, and only the other chunks, one in seven
    in news prose, go through the pattern. 0.6x the time of one findall over the text."""
    findall = (WORD_RE if "_" in plain else _WORD_NO_UNDERSCORE_RE).findall
    words: list[str] = []
    for chunk in plain.split():
        if chunk.isalnum():
            words.append(chunk)
        else:
            words.extend(findall(chunk))
    return words


_V = TypeVar("_V")


def fill_table(table: dict[str, _V], words: set[str] | frozenset[str],
               compute_many: Callable[[list[str]], list[_V]], limit: int) -> dict[str, _V]:
    """The per-word table kept across articles, with compute_many's values added for the
    words it does not hold yet (set algebra in C). Bounded: when they would take it over
    `limit` words it starts over rather than grow forever."""
    missing = words.difference(table)
    if missing:
        if len(table) + len(missing) > limit:
            table.clear()
            missing = words
        fresh = list(missing)
        table.update(zip(fresh, compute_many(fresh)))
    return table


# Plain word -> its matching form, kept across articles.
_FOLDED: dict[str, str] = {}


def _fold_plain_words(words: list[str]) -> list[str]:
    """[fold_token(w) for w in words] for the words of plain text: looked up in _FOLDED
    with map, the words not held yet folded together first."""
    fill_table(_FOLDED, set(words), _fold_joined, WORD_CACHE_SIZE)
    return list(map(_FOLDED.__getitem__, words))


def _fold_joined(words: list[str]) -> list[str]:
    """[fold_token(w) for w in words] for words of plain text, computed on the joined
    words in a few C passes: one streaming pass beats scattered cache lookups. NUL
    separates words (it is never inside one and never composes); when NFKC would change
    the text, it could also split or merge words, so that rare text is folded word by
    word. Of the characters normalize() deletes, WORD_RE takes only
    tatweel and the small waw and yeh (U+0640, U+06E5, U+06E6) into a word, and plain
    text has none of them: no deletion pass here."""
    joined = "\x00".join(words)
    if not unicodedata.is_normalized("NFKC", joined):
        return [fold_token(w) for w in words]
    return fold_arabic(joined).casefold().split("\x00") if words else []

"""Keywords: the article's top terms and short phrases, by a statistical score over
normalised tokens (no model), with stopword lists per language (stopwords-iso).

Score of a term = frequency x position weight (title and lead count more); two-word
phrases that recur are candidates too. Arabic attached prefixes are merged with the
bare word only when the document itself contains the bare word (وموسكو -> موسكو, but
وزير stays وزير), and the article prefix ال is folded, so one word is one keyword.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress
from operator import itemgetter
from typing import TypeVar

import stopwordsiso

from newswire.core.enrichers.tokens import WORD_CACHE_SIZE, Tokens, fill_table, fold_token
from newswire.core.textrules import ARABIC_LETTER_PREFIXES, ELISION_BEFORE_WORD_RE

STOPWORD_LANGUAGES = ("ar", "en", "fr", "es", "de", "ru", "tr", "fa", "ur", "it", "pt", "he", "nl", "id")
_ARTICLE_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
# News-specific fillers that stopword lists do not carry.
_EXTRA_STOPWORDS = {
    "ar": ["قال", "وقال", "قالت", "اضاف", "واضاف", "اكد", "واكد", "اشار", "واشار", "ذكر", "اوضح", "بيان",
           "وفق", "خلال", "يوم", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد",
           "اليوم", "امس", "حسب", "ذاته", "نفسه", "جانبه", "المصدر"],
    "en": ["said", "says", "told", "according", "monday", "tuesday", "wednesday", "thursday", "friday",
           "saturday", "sunday", "percent", "year", "years", "week", "month"],
}
TOP_N = 10
_TITLE_WEIGHT = 3.0
_LEAD_WEIGHT = 1.5


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 4x slower, and an article makes dozens
class Keyword:
    term: str
    score: float
    count: int


@cache
def stopwords(language: str) -> frozenset[str]:
    """Folded stopwords of the language, plus English (quoted names and terms are common)."""
    words: set[str] = set()
    for code in {language, "en"}:
        if stopwordsiso.has_lang(code):
            words.update(stopwordsiso.stopwords(code))
        words.update(_EXTRA_STOPWORDS.get(code, []))
    return frozenset(fold_token(w) for w in words)


_ARTICLE_RE = re.compile("^(?:" + "|".join(_ARTICLE_PREFIXES) + ")(?=..)")
@lru_cache(maxsize=WORD_CACHE_SIZE)
def _strip_article(token: str) -> str:
    return _ARTICLE_RE.sub("", token, count=1)


# Everything per token is done with C-level bulk operations (set algebra, map over a
# bound dict method, itertools, Counter over iterators): one Python expression per token
# would cost more than all the rest. Per-word results are kept across articles (news
# vocabulary repeats a lot) in bounded tables: one per stopword language, so a service
# that sees ten languages holds at most ten of them (about 6 MB each when full).
_TABLE_SIZE = 50_000
_V = TypeVar("_V")

def _fill(table: dict[str, _V], distinct: frozenset[str], compute: Callable[[str], _V]) -> dict[str, _V]:
    """The table, with compute(word) added for the distinct words it does not hold yet."""
    return fill_table(table, distinct, lambda words: list(map(compute, words)), _TABLE_SIZE)


def _arabic_key(token: str) -> str:
    return _strip_article(token) if "\u0600" <= token[:1] <= "\u06ff" else token


def _bare_form(key: str) -> str | None:
    """The key without its one-letter prefix (و ف ب ل ك), when it may have one."""
    return _strip_article(key[1:]) if key[:1] in ARABIC_LETTER_PREFIXES and len(key) >= 4 else None


_ARABIC_KEYS: dict[str, str] = {}  # folded token -> key, article prefix folded
_BARE: dict[str, str | None] = {}  # folded token -> its key without a one-letter prefix, if it may have one


def _arabic_merges(distinct: frozenset[str]) -> dict[str, str]:
    """Folded token -> bare form, for the tokens whose one-letter prefix is folded because
    the document also has the bare word (its evidence decides)."""
    _fill(_ARABIC_KEYS, distinct, _arabic_key)
    _fill(_BARE, distinct, lambda token: _bare_form(_arabic_key(token)))
    words = list(distinct)
    bare_forms = list(map(_BARE.__getitem__, words))
    prefixed, bare = list(compress(words, bare_forms)), list(filter(None, bare_forms))
    if not prefixed:
        return {}
    vocabulary = set(map(_ARABIC_KEYS.__getitem__, distinct))
    return dict(compress(zip(prefixed, bare), map(vocabulary.__contains__, bare)))


def arabic_keys(folded: list[str]) -> list[str]:
    """One key per token: article prefixes folded; a one-letter prefix (و ف ب ل ك)
    folded only when the bare word also occurs in the document."""
    distinct = frozenset(folded)
    merges = _arabic_merges(distinct)
    keys = list(map(_ARABIC_KEYS.__getitem__, folded))
    return list(map(merges.get, folded, keys)) if merges else keys


def _elided(token: str) -> str:
    return ELISION_BEFORE_WORD_RE.sub("", token) if "'" in token or "’" in token else token


def latin_keys(folded: list[str]) -> list[str]:
    """French/Italian elisions folded: l'eau -> eau, d'habitants -> habitants."""
    return [_elided(t) for t in folded]


def _content_check(stop_language: str) -> Callable[[str], str | None]:
    """key -> the key when it is a content word (not a stopword, a letter or a number), else None."""
    stop = stopwords(stop_language)

    def content_key(key: str) -> str | None:
        return key if key not in stop and len(key) > 1 and not key[0].isdigit() else None

    return content_key


# Per stopword language: folded token -> content key or None (without Arabic merges).
_CONTENT: dict[str, dict[str, str | None]] = {}
_MERGED_CONTENT: dict[str, dict[str, str | None]] = {}  # the same for merged Arabic keys


def _content_keys(tokens: Tokens, language: str) -> list[str | None]:
    """Per token: its key when it is a content word, else None (the only use of a
    non-content token is its position)."""
    stop_language = language if language != "und" else "en"
    content_key = _content_check(stop_language)
    folded, distinct = tokens.folded, tokens.vocabulary
    arabic = language in ("ar", "fa", "ur")
    to_key = _arabic_key if arabic else _elided
    table = _fill(_CONTENT.setdefault(f"{stop_language}:{arabic}", {}), distinct,
                  lambda token: content_key(to_key(token)))
    ck = list(map(table.__getitem__, folded))
    if arabic and (merges := _arabic_merges(distinct)):
        merged = _fill(_MERGED_CONTENT.setdefault(stop_language, {}), frozenset(merges.values()), content_key)
        ck = list(map({t: merged[b] for t, b in merges.items()}.get, folded, ck))
    return ck


def _weighted_scores(counts: Counter[str], ck: list[str | None], title_tokens: int) -> dict[str, float]:
    """Frequency, plus extra weight for occurrences in the title and the lead. (All
    weights are multiples of 0.5: adding them one by one gives exactly the same floats.)"""
    scores: dict[str, float] = dict(counts)
    for key in filter(None, ck[:title_tokens]):
        scores[key] += _TITLE_WEIGHT - 1
    for key in filter(None, ck[title_tokens:title_tokens + max(40, len(ck) // 5)]):
        scores[key] += _LEAD_WEIGHT - 1
    return scores


def _recurring_pairs(ck: list[str | None], title_tokens: int, counts: Counter[str]) -> list[tuple[tuple[str, str], int]]:
    """Adjacent content-word pairs seen at least twice, not counting the one across the
    title / body boundary, in the order first seen. Only words seen twice can make a pair
    seen twice: the others are skipped before a pair is built (a compiled loop)."""
    pairs: dict[tuple[str, str], int] = {}
    previous: str | None = None
    for key in ck:
        if key is not None and previous is not None and counts[key] > 1 and counts[previous] > 1:
            pair = (previous, key)
            pairs[pair] = pairs.get(pair, 0) + 1
        previous = key
    if 0 < title_tokens < len(ck) and (boundary := (ck[title_tokens - 1], ck[title_tokens])) in pairs:
        pairs[boundary] -= 1
    return [(pair, n) for pair, n in pairs.items() if n > 1]


def extract_keywords(tokens: Tokens, title_tokens: int, language: str, top_n: int = TOP_N) -> list[Keyword]:
    """Top terms and two-word phrases. `title_tokens` is how many leading tokens are the title."""
    if not tokens.folded:
        return []
    ck = _content_keys(tokens, language)
    words = list(filter(None, ck))
    if not words:
        return []
    counts = Counter(words)
    scores = _weighted_scores(counts, ck, title_tokens)
    phrases = _recurring_pairs(ck, title_tokens, counts)
    # sorted() is stable, so equal scores keep first-seen order, exactly as most_common().
    top = sorted(scores.items(), key=itemgetter(1), reverse=True)[:top_n * 3]
    # First surface form of each key, for display.
    surface = dict(zip(reversed(words), reversed(list(compress(tokens.surface, ck)))))

    candidates: list[tuple[float, str, int, tuple[str, ...]]] = [
        (n * 2.5 + (scores[a] + scores[b]) / 4, f"{surface[a]} {surface[b]}", n, (a, b))
        for (a, b), n in phrases
    ]
    candidates += [(score, surface[key], counts[key], (key,)) for key, score in top]
    # By score, then term (terms are distinct); two stable sorts need no Python key function.
    candidates.sort(key=itemgetter(1))
    candidates.sort(key=itemgetter(0), reverse=True)

    chosen: list[tuple[float, str, int]] = []
    covered: set[str] = set()
    for score, term, count, parts in candidates:
        if len(parts) == 1 and parts[0] in covered and counts[parts[0]] <= count * 2:
            continue  # a word that mostly occurs inside a chosen phrase
        chosen.append((score, term, count))
        if len(parts) == 2:
            covered.update(parts)
        if len(chosen) == top_n:
            break
    best = chosen[0][0] if chosen else 1.0
    return [Keyword(term, round(score / best, 3), count) for score, term, count in chosen]

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
from dataclasses import dataclass
from functools import lru_cache

import stopwordsiso

from newswire.enrichers.tokens import WORD_CACHE_SIZE, Tokens, fold_token

STOPWORD_LANGUAGES = ("ar", "en", "fr", "es", "de", "ru", "tr", "fa", "ur", "it", "pt", "he", "nl", "id")
_ARTICLE_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
_LETTER_PREFIXES = frozenset("وفبلك")
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


@dataclass(frozen=True)
class Keyword:
    term: str
    score: float
    count: int


@lru_cache(maxsize=None)
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


def arabic_keys(folded: list[str]) -> list[str]:
    """One key per token: article prefixes folded; a one-letter prefix (و ف ب ل ك)
    folded only when the bare word also occurs in the document."""
    keys = [_strip_article(t) if t[:1] >= "\u0600" and t[:1] <= "\u06ff" else t for t in folded]
    vocabulary = set(keys)
    out = []
    for key in keys:
        if key[:1] in _LETTER_PREFIXES and len(key) >= 4:
            bare = _strip_article(key[1:])
            if bare in vocabulary:
                key = bare
        out.append(key)
    return out


_ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|all|dell|nell|sull|dall)['’](?=\w{2})", re.I)


def latin_keys(folded: list[str]) -> list[str]:
    """French/Italian elisions folded: l'eau -> eau, d'habitants -> habitants."""
    return [_ELISION_RE.sub("", t) if "'" in t or "’" in t else t for t in folded]


def extract_keywords(tokens: Tokens, title_tokens: int, language: str, top_n: int = TOP_N) -> list[Keyword]:
    """Top terms and two-word phrases. `title_tokens` is how many leading tokens are the title."""
    if not tokens.folded:
        return []
    stop = stopwords(language if language != "und" else "en")
    keys = arabic_keys(tokens.folded) if language in ("ar", "fa", "ur") else latin_keys(tokens.folded)
    # Bulk operations (list comprehensions, Counter) keep this in C as much as possible.
    content = [k not in stop and len(k) > 1 and not k[0].isdigit() for k in keys]
    words = [k for k, ok in zip(keys, content) if ok]
    if not words:
        return []
    counts = Counter(words)
    lead_end = title_tokens + max(40, len(keys) // 5)
    scores = Counter(words)
    scores.update({k: n * (_TITLE_WEIGHT - 1) for k, n in Counter(k for k, ok in zip(keys[:title_tokens], content) if ok).items()})
    scores.update({k: n * (_LEAD_WEIGHT - 1) for k, n in Counter(
        k for k, ok in zip(keys[title_tokens:lead_end], content[title_tokens:lead_end]) if ok).items()})
    # First surface form of each key, for display.
    surface = dict(zip(reversed(keys), reversed(tokens.surface)))

    ok_pairs = [i for i in range(1, len(keys)) if content[i] and content[i - 1] and i != title_tokens]
    pairs = Counter((keys[i - 1], keys[i]) for i in ok_pairs)

    candidates: list[tuple[float, str, int, tuple[str, ...]]] = [
        (n * 2.5 + (scores[a] + scores[b]) / 4, f"{surface[a]} {surface[b]}", n, (a, b))
        for (a, b), n in pairs.items() if n >= 2
    ]
    candidates.extend((score, surface[key], counts[key], (key,)) for key, score in scores.most_common(top_n * 3))
    candidates.sort(key=lambda c: (-c[0], c[1]))

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

"""Tokenisation: the folded view, computed on the joined words, is each word's matching form."""

import pytest

from newswire.core.enrichers.tokens import fold_token, tokenize
from newswire.core.textnorm import normalize

TEXTS = [
    "Die Straße in İstanbul, l'État et ÉCOLE",
    "قـــال الرَّئِيسُ إنَّ أسعار النفط ارتفعت ٣٪",  # tatweel, marks, Arabic-Indic digits
    "وزارة\u200cالخارجية\u200f أعلنت ۱۴۰۲ مؤتمرًا",  # ZWNJ, RLM, Persian digits, tanween
    "ﻻ ﺍﻟﺴﻼﻡ عليكم",  # presentation forms: NFKC changes the text, folded word by word
    "Ѐкспорт ДНК и ΑΘΗΝΑ, 北京市 ｆｕｌｌwidth",
    "soft\u00adhyphen and a small waw\u06e5 and yeh\u06e6",
]


@pytest.mark.parametrize("text", TEXTS)
def test_folded_words_are_each_words_matching_form(text: str) -> None:
    tokens = tokenize(text)
    assert len(tokens.folded) == len(tokens.surface)
    assert tokens.folded == [fold_token(w) for w in tokens.surface]
    assert tokens.folded == [normalize(w) for w in tokens.surface]


def test_vocabulary_is_the_distinct_folded_words() -> None:
    tokens = tokenize("The Hague and the HAGUE, the end")
    assert tokens.vocabulary == {"the", "hague", "and", "end"}


@pytest.mark.parametrize("text", ["snake_case and foo_bar_baz", "l'État_x well-known_y", "_lead trail_ 3.5_4"])
def test_an_underscore_separates_words(text: str) -> None:
    assert all("_" not in w for w in tokenize(text).surface)
    assert tokenize(text).surface == tokenize(text.replace("_", " ")).surface


def test_possessive_word_patterns_match_what_backtracking_ones_match() -> None:
    """WORD_RE and its no-underscore twin are written possessive (++, *+) for speed; on
    random strings of letters, digits, joiners, underscores and spaces they find exactly
    the words the plain patterns find, on every interpreter (Debian 12's Python 3.11.2
    matched possessive groups wrongly: CPython gh-106052)."""
    import random
    import re

    from newswire.core.enrichers.tokens import _WORD_NO_UNDERSCORE_RE, WORD_RE

    assert tokenize("غزه. ومدتها. x.y. end.").surface == ["غزه", "ومدتها", "x.y", "end"]
    plain = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")
    plain_no_underscore = re.compile(r"\w+(?:['’\-.]\w+)*")
    alphabet = "ab9é'’-._ \nقم"
    rng = random.Random(15)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert WORD_RE.findall(text) == plain.findall(text), text
        assert _WORD_NO_UNDERSCORE_RE.findall(text.replace("_", "")) == plain_no_underscore.findall(text.replace("_", ""))


def test_vocabulary_is_built_once():
    """Several enrichers ask for an article's distinct words: the set is built on the
    first use and kept (compiled, a cached_property had silently become a plain one)."""
    tokens = tokenize("The cat saw the other cat")
    assert tokens.vocabulary == frozenset({"the", "cat", "saw", "other"})
    assert tokens.vocabulary is tokens.vocabulary


def test_words_of_finds_what_the_word_pattern_finds() -> None:
    """words_of() splits on whitespace first and sends only chunks with a non-word
    character through the pattern: on random text of letters, digits, joiners,
    underscores, punctuation, CJK, combining marks and several kinds of whitespace it
    gives WORD_RE's words exactly."""
    import random

    from newswire.core.enrichers.tokens import _WORD_NO_UNDERSCORE_RE, WORD_RE, words_of

    alphabet = "ab9é'’-._,;:()«»\"  \n\t\u00a0\u3000北京²½قمـ\u0301"
    rng = random.Random(16)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        pattern = WORD_RE if "_" in text else _WORD_NO_UNDERSCORE_RE
        assert words_of(text) == pattern.findall(text), repr(text)
        assert words_of(text) == WORD_RE.findall(text), repr(text)
    for text in TEXTS:
        assert words_of(text) == WORD_RE.findall(text)


def test_folded_words_are_the_same_when_held_across_articles() -> None:
    """Folded forms are kept across articles: a second article with the same words, and
    one mixing them with new ones, fold exactly as each word alone."""
    first = tokenize("İstanbul'da ÉCOLE l'État and the HAGUE")
    again = tokenize("the HAGUE, İstanbul'da and a NEW word: Straße")
    assert first.folded == [normalize(w) for w in first.surface]
    assert again.folded == [normalize(w) for w in again.surface]

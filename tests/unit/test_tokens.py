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

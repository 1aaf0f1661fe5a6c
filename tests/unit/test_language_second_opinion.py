"""Languages fastText's lite model does not know (Zulu, Xhosa, ...), found by lingua's
second opinion, on texts nobody here wrote: the UDHR paragraphs gflanguages ships.
Neither detector was trained on them, so they are held out. lingua and gflanguages are
in the test extra; without them these tests fail at import, they do not skip."""

from __future__ import annotations

import json

import gflanguages
import lingua  # noqa: F401 - the second opinion under test; a missing extra fails here
import pytest

from newswire.core.enrich import enrich
from newswire.core.enrichers import language
from newswire.core.enrichers.language import EXTRA_LANGUAGES, SECOND_MIN_CHARS, detect_language
from newswire.core.models import Source
from newswire.core.scripts import dominant_script
from newswire.core.sources import build_article
from tests.conftest import DATA

_LANGUAGES = gflanguages.LoadLanguages()


def udhr(code: str) -> list[str]:
    """The language's distinct UDHR paragraphs of at least SECOND_MIN_CHARS characters."""
    sample = _LANGUAGES[f"{code}_Latn"].sample_text
    out: list[str] = []
    for field in ("specimen_16", "specimen_21", "specimen_32"):
        for paragraph in getattr(sample, field).split("\n"):
            paragraph = paragraph.strip()
            if len(paragraph) >= SECOND_MIN_CHARS and paragraph not in out:
                out.append(paragraph)
    return out


def detected(text: str, second_opinion: bool = True) -> str:
    return detect_language(text, dominant_script(text), second_opinion=second_opinion)[0]


@pytest.mark.parametrize("code", ["zu", "xh"])
def test_zulu_and_xhosa_are_found(code):
    texts = udhr(code)
    assert len(texts) >= 3
    answers = [detected(t) for t in texts]
    assert answers.count(code) >= len(texts) - 1, answers
    assert "en" not in answers


@pytest.mark.parametrize("code", sorted(EXTRA_LANGUAGES))
def test_each_extra_language_is_found_on_most_of_its_texts(code):
    texts = udhr(code)
    answers = [detected(t) for t in texts]
    assert answers.count(code) / len(texts) >= 0.6, answers


def test_fasttext_alone_says_und_for_zulu():
    """The default install (no lingua): what the user saw before, und, not a wrong language."""
    assert {detected(t, second_opinion=False) for t in udhr("zu")} == {"und"}


def test_without_the_extra_installed_fasttext_answer_stands(monkeypatch):
    monkeypatch.setattr(language, "second_opinion_available", lambda: False)
    language._lingua.cache_clear()
    try:
        assert detected(udhr("xh")[0]) == "und"
    finally:
        language._lingua.cache_clear()


def test_english_is_still_english():
    english = json.loads((DATA / "languages.json").read_text(encoding="utf-8"))["en"]
    assert detected(english) == "en"
    assert {detected(t) for t in udhr("en")} == {"en"}


def test_too_short_text_is_still_und():
    assert detected("Sawubona baba wami") == "und"  # Zulu, but too short to be sure
    assert detected("ok") == "und"


def test_unsure_fasttext_on_a_known_language_is_not_overridden():
    """Only an "und" from fastText is reviewed: what it names stays named."""
    for code in ("af", "sw", "so", "yo"):
        for text in udhr(code):
            before = detected(text, second_opinion=False)
            if before != "und":
                assert detected(text) == before


def test_a_zulu_article_is_enriched_as_zulu():
    body = "\n\n".join(udhr("zu"))
    article = build_article({"title": "Amalungelo esintu", "body": body}, source=Source(name="test", kind="api"))
    e = enrich(article).enrichment
    assert e.language == "zu" and e.language_confidence >= language.SECOND_MIN_CONFIDENCE
    assert e.script == "Latn" and e.direction == "ltr"

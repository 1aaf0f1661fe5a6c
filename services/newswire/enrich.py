"""Enrichment: pure functions from a validated raw article to its metadata."""

from __future__ import annotations

import math
import re
from datetime import datetime

from newswire import PIPELINE_VERSION
from newswire.ids import content_hash
from newswire.language import detect_language
from newswire.models import EnrichedArticle, Enrichment, RawArticle, utc_now
from newswire.scripts import direction, dominant_script
from newswire.settings import DEFAULT_READING_WPM, DEFAULT_WPM
from newswire.textnorm import strip_arabic_marks

# A word: a run of letters or digits, joined through inner apostrophes, hyphens or
# dots (l'État, well-known, 3.5). Arabic marks are stripped first, so a vocalised word
# is one word, not several.
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")
# Scripts written without spaces between words: each character counts as a word, and
# the reading-speed table gives characters per minute for their languages.
_CHAR_COUNTED_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Jpan", "Thai"})
_CJK_CHAR_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")


def count_words(text: str) -> int:
    """Words in the text, correct for vocalised Arabic and for CJK (characters)."""
    text = strip_arabic_marks(text)
    cjk = len(_CJK_CHAR_RE.findall(text))
    if cjk:
        text = _CJK_CHAR_RE.sub(" ", text)
    return cjk + len(_WORD_RE.findall(text))


def count_paragraphs(body: str) -> int:
    return sum(1 for p in _PARAGRAPH_RE.split(body) if p.strip())


def count_chars(text: str) -> int:
    """Visible characters: no whitespace, no Arabic diacritics or tatweel."""
    return sum(1 for ch in strip_arabic_marks(text) if not ch.isspace())


def reading_time_seconds(word_count: int, language: str, wpm_table: dict[str, int] | None = None,
                         default_wpm: int = DEFAULT_WPM) -> int:
    """Whole seconds to read `word_count` words at the language's reading speed."""
    table = DEFAULT_READING_WPM if wpm_table is None else wpm_table
    wpm = table.get(language.split("-")[0].lower(), default_wpm)
    return math.ceil(word_count * 60 / wpm) if word_count else 0


def enrich(
    article: RawArticle,
    *,
    now: datetime | None = None,
    wpm_table: dict[str, int] | None = None,
    default_wpm: int = DEFAULT_WPM,
) -> EnrichedArticle:
    """The enriched article: raw fields unchanged plus `enrichment`."""
    full_text = f"{article.title}\n\n{article.body}"
    language, confidence = detect_language(full_text)
    script = dominant_script(full_text)
    words = count_words(full_text)
    enrichment = Enrichment(
        language=language,
        language_confidence=confidence,
        declared_language=article.language,
        script=script,
        direction=direction(script),
        word_count=words,
        char_count=count_chars(article.body),
        paragraph_count=count_paragraphs(article.body),
        reading_time_seconds=reading_time_seconds(words, language, wpm_table, default_wpm),
        content_hash=content_hash(title=article.title, body=article.body),
        processed_at=now or utc_now(),
        pipeline_version=PIPELINE_VERSION,
    )
    return EnrichedArticle.model_construct(**dict(article), enrichment=enrichment)

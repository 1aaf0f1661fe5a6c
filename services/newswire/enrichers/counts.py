"""Counts and reading time, script-aware."""

from __future__ import annotations

import math
import re

from newswire.enrichers.tokens import WORD_RE
from newswire.settings import DEFAULT_READING_WPM, DEFAULT_WPM

# Scripts written without spaces: each character is counted as a word, and the
# reading-speed table gives characters per minute for their languages.
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
# A sentence ends at . ! ? (and Arabic ؟, CJK 。！？, ellipsis) followed by space or end.
_SENTENCE_END_RE = re.compile(r"[.!?؟。！？…]+[\"'”’»)\]]*(?=\s|$)|[。！？]")


def count_words(tokens: list[str]) -> int:
    """Words among `tokens` (from enrichers.tokens); CJK runs count one per character."""
    joined = " ".join(tokens)
    cjk = len(_CJK_RE.findall(joined))
    if not cjk:
        return len(tokens)
    return cjk + len(WORD_RE.findall(_CJK_RE.sub(" ", joined)))


def count_paragraphs(body: str) -> int:
    return sum(1 for p in _PARAGRAPH_RE.split(body) if p.strip())


def count_sentences(body: str) -> int:
    """Sentences per paragraph: terminal punctuation, plus a paragraph (or title-like
    line) that ends without it counts as one."""
    total = 0
    for paragraph in _PARAGRAPH_RE.split(body):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        ends = len(_SENTENCE_END_RE.findall(paragraph))
        total += ends if _SENTENCE_END_RE.search(paragraph[-3:] + " ") else ends + 1
    return total


def count_chars(plain_body: str) -> int:
    """Visible characters (no whitespace) of text whose Arabic marks are already removed."""
    return sum(map(len, plain_body.split()))


def reading_time_seconds(word_count: int, language: str, wpm_table: dict[str, int] | None = None,
                         default_wpm: int = DEFAULT_WPM) -> int:
    """Whole seconds to read `word_count` words at the language's reading speed."""
    table = DEFAULT_READING_WPM if wpm_table is None else wpm_table
    wpm = table.get(language.split("-")[0].lower(), default_wpm)
    return math.ceil(word_count * 60 / wpm) if word_count else 0

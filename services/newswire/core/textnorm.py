"""Text normalisation for matching and hashing. The original text is never changed.

Two strings that a reader sees as the same article (one with Arabic diacritics or
tatweel, another with different alef forms, Arabic-Indic digits, or invisible
bidi/zero-width characters) normalise to the same string.
"""

from __future__ import annotations

import re
import unicodedata

# Bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates), zero-width
# characters and the BOM: invisible, and they split words or change hashes.
INVISIBLE = "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff\u00ad"

# Arabic tashkeel and Quranic marks, including U+0670 (superscript alef), and tatweel.
ARABIC_MARKS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640"
)
DELETE_RE = re.compile(f"[{INVISIBLE}{ARABIC_MARKS}]")

# Letter variants that Arabic writers use interchangeably.
_ARABIC_FOLD: dict[str, str] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ک": "ك",
    # Arabic-Indic and Extended (Persian/Urdu) digits to ASCII.
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
# str.translate looks every character up in a Python dict (about 40 ns each, so
# 120 us for a 3 KB article); a `in` test and `replace` per variant scan in C instead.
_ARABIC_FOLD_ITEMS = tuple(_ARABIC_FOLD.items())



def strip_invisible(text: str) -> str:
    """Remove bidi controls and zero-width characters only (safe for display text)."""
    return re.sub(f"[{INVISIBLE}]", "", text)


def strip_arabic_marks(text: str) -> str:
    """Remove diacritics, Quranic marks, tatweel and invisible characters; keep letters."""
    return DELETE_RE.sub("", text)


def normalize(text: str) -> str:
    """Matching form: NFKC, no invisibles or Arabic marks, folded letters, casefolded,
    whitespace collapsed to single spaces."""
    # NFKC first: it maps Arabic presentation forms (U+FB50..U+FEFF) to base letters,
    # which the steps below then fold.
    text = unicodedata.normalize("NFKC", text)
    text = DELETE_RE.sub("", text)
    text = fold_arabic(text).casefold()
    # split() and \s agree on what whitespace is; join(split()) avoids a regex
    # replacement per space (a third of the cost of normalising a whole article).
    return " ".join(text.split())


def fold_arabic(text: str) -> str:
    """Unify Arabic letter variants and digits (see _ARABIC_FOLD)."""
    for variant, base in _ARABIC_FOLD_ITEMS:
        if variant in text:
            text = text.replace(variant, base)
    return text

"""Writing-system detection: ISO 15924 script codes and text direction."""

from __future__ import annotations

import bisect
from collections import Counter

# (first code point, last code point, ISO 15924 code), sorted by first code point.
# Covers the scripts of the languages news commonly comes in.
_RANGES: list[tuple[int, int, str]] = sorted([
    (0x0041, 0x005A, "Latn"), (0x0061, 0x007A, "Latn"), (0x00C0, 0x024F, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x0370, 0x03FF, "Grek"), (0x1F00, 0x1FFF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFF, "Arab"),
    (0x0700, 0x074F, "Syrc"),
    (0x0780, 0x07BF, "Thaa"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"),
    (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1200, 0x139F, "Ethi"),
    (0x1100, 0x11FF, "Hang"), (0x3130, 0x318F, "Hang"), (0xAC00, 0xD7AF, "Hang"),
    (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"), (0xF900, 0xFAFF, "Hani"),
    (0x20000, 0x2FA1F, "Hani"),
])
_STARTS = [r[0] for r in _RANGES]

RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm"})


def char_script(ch: str) -> str | None:
    """ISO 15924 code of one letter, or None for digits, punctuation, marks, unknown."""
    cp = ord(ch)
    i = bisect.bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _RANGES[i][1]:
        return _RANGES[i][2]
    return None


class _ScriptTable(dict):  # type: ignore[type-arg]
    """str.translate table: code point -> one-letter script tag, or None to drop
    non-letters. Filled lazily, so it holds only characters actually seen."""

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        script = char_script(ch) if ch.isalpha() else None
        tag = _TAGS.setdefault(script, chr(0x41 + len(_TAGS))) if script else None
        self[cp] = tag
        return tag


_TAGS: dict[str, str] = {}
_TABLE = _ScriptTable()
# Enough letters to know the script; the rest of a long article changes nothing.
_SAMPLE_CHARS = 300


def dominant_script(text: str) -> str:
    """The script most letters are written in. Japanese mixes kana and kanji: `Jpan`;
    Korean mixes Hangul and Hanja: `Kore`. `Zyyy` (common) when there are no letters."""
    tags = Counter(text[:_SAMPLE_CHARS].translate(_TABLE))
    if not tags:
        return "Zyyy"
    by_tag = {tag: script for script, tag in _TAGS.items()}
    counts = Counter({by_tag[tag]: n for tag, n in tags.items()})
    total = sum(counts.values())
    if counts["Hira"] + counts["Kana"] > 0.05 * total:
        return "Jpan"
    if counts["Hang"] > 0.3 * total:
        return "Kore"
    return counts.most_common(1)[0][0]


def direction(script: str) -> str:
    """Base direction for display: `rtl` for right-to-left scripts, else `ltr`."""
    return "rtl" if script in RTL_SCRIPTS else "ltr"

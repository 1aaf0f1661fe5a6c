"""The working copy the scanners read, and the character classes and word walks they share.

Matching runs on a copy of the text without Arabic diacritics, tatweel and invisible
characters; OffsetMap maps its offsets back to the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from newswire.core.textnorm import ARABIC_MARKS, INVISIBLE


def run_of(char_class: str) -> str:
    """One or more of `char_class`, spelt X X* rather than X+: a pattern that starts with
    a plain character class lets the regex engine skip ahead with its fast class scan
    (twice as fast over a whole article)."""
    return f"{char_class}{char_class}*"


# Removed from the working copy: Arabic tashkeel, Quranic marks, U+0670, tatweel, and
# invisible characters (which would otherwise split "16" from "فبراير"): textnorm's sets.
_STRIPPED = f"[{ARABIC_MARKS}{INVISIBLE}]"
STRIP_RE = re.compile(run_of(_STRIPPED))
_TRAILING_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]*")

D = "[0-9\u0660-\u0669\u06f0-\u06f9]"  # ASCII, Arabic-Indic and Persian digits
S = r"[^\S\n]"  # whitespace inside a mention (a mention never spans a line break)
NUM_RE = re.compile(run_of(D))

# Characters that end a clause (for the conservative weekday / "today" rules).
BOUNDARY = frozenset("\n\r،,؛;:.!?؟()[]{}«»\"“”'‘’-–—…/|")


_STRIP_SPLIT_RE = re.compile(f"({run_of(_STRIPPED)})")  # kept / removed pieces, alternating


class OffsetMap:
    """Working-copy offsets -> original offsets, for a text that had characters removed."""

    __slots__ = ("work", "_at", "_shift")

    def __init__(self, text: str) -> None:
        # One C-level split instead of a Python loop per removed run (a vocalised Arabic
        # text has one run per letter): pieces alternate kept, removed, kept, ...
        pieces = _STRIP_SPLIT_RE.split(text)
        kept = pieces[0::2]
        self.work = "".join(kept)
        # Working index before which each removed run sat, and the total characters
        # removed up to and including that run.
        self._at = list(accumulate(map(len, kept[:-1])))
        self._shift = list(accumulate(map(len, pieces[1::2]), initial=0))

    def orig(self, w: int) -> int:
        """Original index of the working-copy character at index w."""
        return w + self._shift[bisect_right(self._at, w)]

    def orig_end(self, text: str, w: int) -> int:
        """Original end of a mention that ends at working index w (w > 0), with the marks
        that follow its last letter ("غداً" keeps its tanween)."""
        marks = _TRAILING_MARKS_RE.match(text, self.orig(w - 1) + 1)
        assert marks is not None  # a starred class always matches
        return marks.end()


def prev_words(work: str, s: int, n: int) -> list[tuple[int, str]]:
    """Up to n words before index s, nearest first, as (start, word): runs of letters
    separated by spaces, within the line and not across punctuation."""
    words: list[tuple[int, str]] = []
    i = s
    while len(words) < n:
        j = i
        while j > 0 and work[j - 1] in " \t\u00a0":
            j -= 1
        k = j
        while k > 0 and work[k - 1].isalpha():
            k -= 1
        if j == i or k == j:
            break
        words.append((k, work[k:j]))
        i = k
    return words


def prev_char(work: str, i: int) -> str:
    """The character before index i, skipping spaces (a line start counts as "\\n")."""
    i -= 1
    while i >= 0 and work[i] in " \t\u00a0":
        i -= 1
    return work[i] if i >= 0 else "\n"


def next_char(work: str, j: int) -> str:
    n = len(work)
    while j < n and work[j] in " \t\u00a0":
        j += 1
    return work[j] if j < n else "\n"


# A letter trie: each node maps the next letter to its subtree; "" marks a word end.
_Trie = dict[str, "_Trie"]


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation for many literal words, factored by common prefixes (much
    faster to scan than a flat alternation)."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)

"""The body metric of the ScrapingHub article-extraction benchmark: word 4-gram
("shingle") multisets, micro-averaged precision, recall and F1 over all pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WORD_RE = re.compile(r"\w+")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    words = _WORD_RE.findall(text or "")
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(truth: str, predicted: str | None) -> Counts:
    """Shingle counts of one page; an empty prediction misses every true shingle."""
    expected, got = shingles(truth), shingles(predicted)
    shared = sum((expected & got).values())
    return Counts(shared, sum(got.values()) - shared, sum(expected.values()) - shared)

"""Accuracy on the labelled corpus (tests/corpus), held above defended thresholds.

Thresholds sit a little under what `newswire evaluate` measured when they were set, so
a regression fails while noise does not. Place recall over all labels is bounded by the
gazetteer's coverage (small towns, rivers, camps are labelled but not listed); the
matcher itself is held to its recall on the entities the gazetteer knows.
"""

import json

import pytest

from newswire.core.evaluate import evaluate, report
from tests.conftest import REPO

CORPUS = REPO / "tests" / "corpus" / "articles.jsonl"


@pytest.fixture(scope="module")
def scores():
    result = evaluate(CORPUS)
    print(report(result))
    return result


def test_every_language_is_reported(scores):
    languages = {json.loads(line)["labels"]["language"] for line in CORPUS.read_text(encoding="utf-8").splitlines()}
    assert languages <= set(scores) and all(scores[lang]["language"].tp + scores[lang]["language"].fn for lang in languages)


def test_corpus_size():
    lines = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    languages = {item["labels"]["language"] for item in lines}
    assert len(lines) >= 60 and len(languages) >= 10
    assert sum(item["labels"]["language"] == "ar" for item in lines) >= 15
    assert sum(bool(item["labels"]["duplicate_of"]) for item in lines) >= 8


@pytest.mark.parametrize(
    "field, precision, recall, known_recall",
    [
        ("language", 0.98, 0.98, 0.98),
        ("places", 0.90, 0.60, 0.90),
        ("organizations", 0.90, 0.85, 0.90),
        ("people", 0.90, 0.0, 0.90),  # people come only from the gazetteer's short list
        ("dates", 0.95, 0.70, 0.70),
        ("agencies", 0.90, 0.90, 0.90),
        ("duplicates", 0.90, 0.90, 0.90),
    ],
)
def test_field_above_threshold(scores, field, precision, recall, known_recall):
    s = scores["all"][field]
    assert s.precision >= precision, (field, s.precision, s.extras[:10])
    assert s.recall >= recall, (field, s.recall, s.misses[:10])
    assert s.known_recall >= known_recall, (field, s.known_recall)

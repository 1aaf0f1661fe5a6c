"""The real-news evaluation set (tests/corpus/realnews): its shape, its matching rules, and
the accuracy the enrichment holds on it.

The public pages' text comes from the article-extraction benchmark beside the repository
(../shared/datasets/article-extraction-benchmark); without it these tests fail, they do
not skip.
"""

import json
import shutil

import pytest

from newswire.core import realnews
from newswire.core.evaluate import Score, report
from newswire.core.realnews import DatasetError, Prediction, name_key, score_entities
from tests.conftest import REPO

LABELS = REPO / "tests" / "corpus" / "realnews"
DATASET = REPO.parent / "shared" / "datasets" / "article-extraction-benchmark"


@pytest.fixture(scope="module")
def scores():
    if not (DATASET / "ground-truth.json").is_file():
        pytest.fail(f"the article-extraction benchmark is missing: expected at {DATASET}", pytrace=False)
    result = realnews.evaluate(LABELS, DATASET)
    print(report(result))
    return result


def test_set_size():
    items = realnews.load(LABELS, DATASET)
    public = [i for i in items if i.origin == realnews.PUBLIC]
    ours = [i for i in items if i.origin == realnews.OURS]
    assert len(items) >= 60 and len(public) >= 40
    assert all(i.labels["language"] == "en" for i in public)
    for language in ("ar", "tr", "fr", "es", "de", "ru"):
        assert sum(i.labels["language"] == language for i in ours) >= 3, language
    assert len({i.key for i in items}) == len(items)
    held_out = [i for i in items if i.origin == realnews.HELDOUT]
    assert len(held_out) >= 20 and not {i.article["body"] for i in held_out} & {i.article["body"] for i in public}


@pytest.mark.parametrize("name", ["public.jsonl", "heldout.jsonl"])
def test_public_text_is_not_copied(name):
    for line in (LABELS / name).read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"key", "page", "body_sha256", "labels"}


def test_a_changed_page_is_noticed(tmp_path):
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    first = json.loads((LABELS / "public.jsonl").read_text(encoding="utf-8").splitlines()[0])
    truth[first["page"]]["articleBody"] += " A sentence added later."
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    with pytest.raises(DatasetError, match="changed"):
        realnews.load(LABELS, tmp_path)


def test_a_missing_dataset_is_an_error(tmp_path):
    shutil.copy(LABELS / "written.jsonl", tmp_path / "written.jsonl")
    with pytest.raises(DatasetError, match="cannot read"):
        realnews.load(LABELS, tmp_path / "nowhere")


def test_matching_rules():
    names = {"donald trump": "person:donald-trump"}
    score = Score()
    score_entities(score, "k", ["Donald Trump", "Андрей Жирнов|Andrey Zhirnov", "Kate Henshaw"],
                   [Prediction("person:donald-trump", "Donald Trump"),  # by id
                    Prediction(None, "Андрея Жирнова"),  # a declined form, by stem
                    Prediction(None, "Henshaw"),  # the surname alone
                    Prediction(None, "Kate Henshaw"),  # the same person again: an extra
                    Prediction(None, "Debola Lagos")],  # not labelled
                   names, surnames=True)
    assert (score.tp, score.fp, score.fn) == (3, 2, 0)
    assert name_key("Жирнова") == name_key("Жирнов")


def test_surnames_count_only_for_people():
    score = Score()
    score_entities(score, "k", ["Santa Fe Animal Shelter"], [Prediction(None, "Shelter")], {}, surnames=False)
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


# The issue's targets (dates' recall: a little under the 0.93 measured; the issue sets none).
@pytest.mark.parametrize(
    "field, precision, recall",
    [
        ("language", 0.99, 0.99),
        ("people", 0.90, 0.70),
        ("organizations", 0.90, 0.70),
        ("places", 0.95, 0.85),
        ("dates", 0.95, 0.90),
    ],
)
def test_realnews_field(scores, field, precision, recall):
    s = scores["all"][field]
    assert s.precision >= precision, (field, s.precision, s.extras[:10])
    assert s.recall >= recall, (field, s.recall, s.misses[:10])


def test_every_language_and_origin_is_reported(scores):
    for group in ("public", "ours", "en", "ar", "tr", "fr", "es", "de", "ru"):
        assert scores[group]["language"].tp + scores[group]["language"].fn >= 3, group


# The held-out pages are scored apart and never in "all" (the targets). Guards a little
# under the figures measured when they were first run, blind (README: accuracy), so that a
# regression fails; they are not the targets.
@pytest.mark.parametrize(
    "field, precision, recall",
    [("language", 0.99, 0.99), ("people", 0.80, 0.75), ("organizations", 0.80, 0.45), ("places", 0.72, 0.70)],
)
def test_held_out_field(scores, field, precision, recall):
    s = scores[realnews.HELDOUT][field]
    items = realnews.load(LABELS, DATASET)
    tuned = sum(i.origin != realnews.HELDOUT for i in items)
    assert scores["all"]["language"].tp + scores["all"]["language"].fn == tuned < len(items)
    assert s.precision >= precision, (field, s.precision)
    assert s.recall >= recall, (field, s.recall)

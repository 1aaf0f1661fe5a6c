import pytest

from newswire.core.enrichers.dedup import MemoryIndex, signature, similarity
from newswire.core.enrichers.tokens import tokenize
from newswire.core.sources.reader import read_inputs
from tests.conftest import SEED
from tests.unit.test_enrich import vocalise

[ARTICLE] = list(read_inputs([str(SEED)]))
PARAS = ARTICLE.body.split("\n\n")


def sig(text: str):
    return signature(tokenize(text).folded)


def test_copies_are_similar_and_other_stories_are_not():
    original = sig(ARTICLE.body)
    new_intro = sig("مقدمة جديدة كتبها محرر آخر لتقديم الخبر إلى القراء.\n\n" + "\n\n".join(PARAS[1:]))
    cut_sentence = sig("\n\n".join(PARAS[:4] + PARAS[5:]))
    diacritics = sig(vocalise(ARTICLE.body))
    assert similarity(original, diacritics) == 1.0
    assert similarity(original, new_intro) > 0.7
    assert similarity(original, cut_sentence) > 0.7
    other = next(a for a in read_inputs([str(SEED.parent)]) if a.id != ARTICLE.id)
    assert similarity(original, sig(other.body)) < 0.1


def test_too_short_to_judge():
    assert sig("three words only") is None


def test_first_seen_wins_and_copies_of_copies_point_at_the_original():
    index = MemoryIndex(threshold=0.5)
    original = sig(ARTICLE.body)
    copy1 = sig("\n\n".join(PARAS[1:]))
    copy2 = sig("\n\n".join(PARAS[2:]))
    assert index.check_and_add("orig", original) is None
    first = index.check_and_add("copy1", copy1)
    assert first is not None and first.duplicate_of == "orig" and 0.5 <= first.similarity <= 1.0
    assert index.check_and_add("copy2", copy2).duplicate_of == "orig"


def test_reprocessing_an_article_does_not_make_the_original_a_copy():
    """At-least-once redelivery: the same id again keeps its first-seen order."""
    index = MemoryIndex()
    original, copy = sig(ARTICLE.body), sig("\n\n".join(PARAS[1:]))
    index.check_and_add("orig", original)
    index.check_and_add("copy", copy)
    assert index.check_and_add("orig", original) is None
    assert index.check_and_add("copy", copy).duplicate_of == "orig"
    assert len(index) == 2


def test_index_is_bounded_in_entries_and_time():
    now = [0.0]
    index = MemoryIndex(window_seconds=100, max_entries=3, clock=lambda: now[0])
    bodies = [a.body for a in read_inputs([str(SEED.parent)])][:5]
    for i, body in enumerate(bodies):
        index.check_and_add(f"a{i}", sig(body))
    assert len(index) == 3
    now[0] = 1000.0
    index.check_and_add("late", sig(ARTICLE.body + " آخر"))
    assert len(index) == 1
    # The original aged out of the window: a copy now is not flagged.
    assert index.check_and_add("copy", sig(ARTICLE.body)) is not None  # "late" is still within the window
    now[0] = 5000.0
    assert index.check_and_add("copy-later", sig(ARTICLE.body)) is None


@pytest.mark.parametrize("threshold", [0.3, 0.9])
def test_threshold_is_respected(threshold):
    index = MemoryIndex(threshold=threshold)
    index.check_and_add("orig", sig(ARTICLE.body))
    result = index.check_and_add("half", sig("\n\n".join(PARAS[:5]) + "\n\n" + "\n\n".join(p[::-1] for p in PARAS[5:])))
    s = similarity(sig(ARTICLE.body), sig("\n\n".join(PARAS[:5]) + "\n\n" + "\n\n".join(p[::-1] for p in PARAS[5:])))
    assert (result is not None) == (s >= threshold)


def test_copies_do_not_grow_the_candidate_sets():
    index = MemoryIndex()
    index.check_and_add("orig", sig(ARTICLE.body))
    for i in range(50):
        assert index.check_and_add(f"copy{i}", sig(ARTICLE.body + f" نسخة {i}")).duplicate_of == "orig"
    assert set(index._bands.values()) == {"orig"}  # every band holds the original alone


def test_an_entry_costs_under_5_kb():
    """An entry must stay near 3.5 KB: the default bound and the RSS budget rest on it (MemoryIndex)."""
    import random
    import tracemalloc

    rng = random.Random(3)
    words = ARTICLE.body.split()
    # Signatures of distinct texts: every entry is an original with its 32 band entries.
    sigs = [sig(" ".join(rng.sample(words, 120))) for _ in range(2000)]
    index = MemoryIndex()
    ids = [f"{i:016x}" for i in range(len(sigs))]  # made before measuring, as the pipeline does
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for article_id, s in zip(ids, sigs):
        index.check_and_add(article_id, s)
    per_entry = (tracemalloc.get_traced_memory()[0] - before) / len(sigs)
    tracemalloc.stop()
    assert len(index) == len(sigs)
    print(f"\n{per_entry:.0f} bytes per entry")
    assert per_entry < 5000

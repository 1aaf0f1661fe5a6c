"""Pathological shapes up to the message limit: each is enriched or refused with one
clear reason (the time each takes is measured by `make bench`, not asserted here)."""

from __future__ import annotations

import orjson
import pytest

from newswire.core.pipeline import PipelineConfig, process
from tests.hostile.pathological import CASES, LIMIT

SETTINGS = PipelineConfig()


def test_the_corpus_covers_the_shapes_at_the_limit():
    assert len(CASES) >= 30
    assert all(len(value) <= LIMIT for _, value in CASES)
    assert sum(len(value) > LIMIT * 0.9 for _, value in CASES) >= 30


@pytest.mark.parametrize("name, value", CASES, ids=[name for name, _ in CASES])
def test_each_is_enriched_or_refused_with_a_reason(name, value):
    result = process(value, SETTINGS)
    if result.article is not None:
        e = result.article.enrichment
        assert e.word_count >= 0 and e.content_hash.startswith("sha256:")
        if e.analysis_truncated:  # only ever for text beyond the analysis bound
            assert len(result.article.title) + len(result.article.body) > SETTINGS.enrichment.analysis_max_chars
    else:
        failure = result.failure
        assert failure is not None and not failure.internal, failure
        assert failure.message and "\n" not in failure.message


def test_counts_cover_the_whole_text_beyond_the_analysed_part():
    body = "Rotterdam dock workers met. " * 20_000  # 560,000 characters, 80,000 words
    value = orjson.dumps({"title": "Long", "body": body})
    e = process(value, SETTINGS).article.enrichment
    assert e.analysis_truncated
    # Sentences are counted over all of it; words beyond the analysed part are extrapolated.
    assert e.sentence_count == 20_000 and abs(e.word_count - 80_001) <= 80

    assert len(e.normalized_body or "") < SETTINGS.enrichment.analysis_max_chars  # the analysed part's matching form
    assert any("rotterdam" in k.term.lower() for k in e.keywords)

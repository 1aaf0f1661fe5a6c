import base64

import orjson
import pytest

from newswire.models import DeadLetter
from newswire.models import to_json
from newswire.pipeline import Failure, dead_letter, process, process_many
from newswire.settings import Settings
from newswire.sources.reader import read_inputs
from tests.conftest import SEED

SETTINGS = Settings(max_message_bytes=10_000)


def seed_bytes() -> bytes:
    [article] = list(read_inputs([str(SEED)]))
    return to_json(article)


def test_valid_message_is_enriched_with_timings():
    result = process(seed_bytes(), SETTINGS)
    assert result.failure is None
    assert result.article.enrichment.language == "ar"
    assert set(result.timings) == {"decode", "validate", "enrich"}


@pytest.mark.parametrize(
    "value, stage, error_type",
    [
        (b"not json {", "decode", "JSONDecodeError"),
        (b'{"title": "truncated', "decode", "JSONDecodeError"),
        (b"\xff\xfe\x00garbage", "decode", "UnicodeDecodeError"),
        (b"", "decode", "JSONDecodeError"),
        (None, "decode", "EmptyMessage"),
        (b"[1, 2, 3]", "validate", "ValidationError"),
        (b"42", "validate", "ValidationError"),
        (b'{"title": "no body"}', "validate", "ValidationError"),
        (b"x" * 10_001, "decode", "MessageTooLarge"),
    ],
)
def test_bad_messages_fail_at_the_right_stage(value, stage, error_type):
    result = process(value, SETTINGS)
    assert result.article is None
    assert (result.failure.stage, result.failure.type) == (stage, error_type)
    assert result.failure.message


def test_validation_failure_names_the_fields():
    result = process(b'{"title": 5}', SETTINGS)
    locs = {d["loc"] for d in result.failure.details}
    # Only title and body are asked of a client; the rest is derived (intake.complete).
    assert locs == {"title", "body"}


def test_dead_letter_keeps_exact_bytes():
    raw = b"\xff\xfe not utf-8"
    letter = dead_letter(Failure("decode", "UnicodeDecodeError", "bad"), value=raw, key=b"k1", topic="articles.raw",
                         partition=3, offset=17, timestamp_ms=1, group="g")
    parsed = DeadLetter.model_validate_json(to_json(letter))
    assert parsed.original_encoding == "base64" and base64.b64decode(parsed.original) == raw
    assert (parsed.original_key, parsed.original_key_encoding) == ("k1", "utf-8")
    assert (parsed.source_partition, parsed.source_offset, parsed.error.stage) == (3, 17, "decode")

    text = "نص ليس JSON".encode()
    letter = dead_letter(Failure("decode", "JSONDecodeError", "bad"), value=text, key=None, topic="t",
                         partition=0, offset=0, timestamp_ms=None, group="g")
    parsed = orjson.loads(to_json(letter))
    assert parsed["original"].encode() == text and parsed["original_encoding"] == "utf-8"
    assert "نص".encode() in to_json(letter)


def test_a_batch_keeps_order_and_isolates_failures():
    """process_many: each message gets its own outcome, in order; a bad message or an
    article that cannot be enriched does not hurt its neighbours."""
    from newswire.ids import article_id

    good = seed_bytes()
    markup_only = {"title": "<script>x()</script>", "body": "<b></b><script>y()</script>",
                   "source": {"name": "t", "kind": "api"}, "fetched_at": "2026-01-01T00:00:00Z"}
    markup_only["id"] = article_id(title=markup_only["title"], body=markup_only["body"])
    values = [good, b"not json {", orjson.dumps(markup_only), None, good]
    results = process_many(values, SETTINGS)
    assert [r.failure.type if r.failure else "ok" for r in results] == [
        "ok", "JSONDecodeError", "EnrichmentError", "EmptyMessage", "ok"]
    assert results[0].article.enrichment.language == "ar"
    assert results[0].article.model_dump(exclude={"enrichment": {"processed_at"}}) == \
        results[4].article.model_dump(exclude={"enrichment": {"processed_at"}})
    assert all(r.timings["enrich"] > 0 for r in results if r.article)


def test_a_batch_flags_near_duplicates_as_one_by_one_would():
    """enrich_many runs stage by stage, but near-duplicates are decided in input order:
    the labelled corpus (10 duplicate pairs) gives the same answers both ways."""
    from pathlib import Path

    from newswire.enrich import enrich, enrich_many
    from newswire.enrichers.dedup import MemoryIndex
    from newswire.evaluate import load_corpus
    from newswire.models import Source
    from newswire.sources import build_article

    articles = [build_article(item["article"], source=Source(name="corpus", kind="jsonl"))
                for item in load_corpus(Path(__file__).parents[1] / "corpus" / "articles.jsonl")]
    one_by_one_index, batch_index = MemoryIndex(), MemoryIndex()
    one_by_one = [enrich(a, dedup=one_by_one_index).enrichment for a in articles]
    batched = [e.enrichment for chunk in range(0, len(articles), 16)
               for e in enrich_many(articles[chunk:chunk + 16], dedup=batch_index)]
    assert sum(e.duplicate_of is not None for e in one_by_one) >= 10
    assert [(e.duplicate_of, e.similarity) for e in batched] == [(e.duplicate_of, e.similarity) for e in one_by_one]
    assert [e.keywords for e in batched] == [e.keywords for e in one_by_one]


def test_an_enricher_bug_is_a_dead_letter_with_its_traceback(monkeypatch, caplog):
    import newswire.enrich as enrich_module

    def broken(work):
        raise ZeroDivisionError("division by zero in an enricher")

    monkeypatch.setattr(enrich_module, "_STAGES", (*enrich_module._STAGES[:2], broken))
    [article] = list(read_inputs([str(SEED)]))
    result = process(to_json(article), SETTINGS)
    failure = result.failure
    assert failure.stage == "enrich" and failure.type == "ZeroDivisionError" and failure.internal
    assert "Traceback (most recent call last)" in failure.details["traceback"]
    assert "in broken" in failure.details["traceback"]
    assert [r.levelname for r in caplog.records if r.name == "newswire.pipeline"] == ["ERROR"]


def test_dead_letter_types_become_a_small_fixed_set_of_labels():
    from newswire.metrics import error_type_label

    assert error_type_label("ValidationError") == "ValidationError"
    assert error_type_label("ZeroDivisionError", internal=True) == "InternalError"
    assert error_type_label("SomeLibrarysOwnError") == "Other"

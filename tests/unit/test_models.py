import orjson
import pytest
from pydantic import ValidationError

from newswire.core.models import RawArticle

VALID = {
    "schema_version": 1,
    "id": "0123456789abcdef",
    "title": "Title",
    "body": "Body text.",
    "url": "https://news.example.org/a/1",
    "published_at": "2026-03-01T09:30:00+03:00",
    "image": {"url": "https://img.example.org/1.jpg", "description": "d", "caption": "c"},
    "source": {"name": "wire", "kind": "jsonl", "location": "x.jsonl:1"},
    "fetched_at": "2026-03-01T10:00:00Z",
}


def validate(**changes):
    data = {**VALID, **changes}
    return RawArticle.model_validate_json(orjson.dumps({k: v for k, v in data.items() if v is not ...}))


def test_valid_article_round_trips():
    article = validate()
    assert article.published_at.utcoffset().total_seconds() == 3 * 3600
    assert RawArticle.model_validate_json(article.model_dump_json()) == article


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "data:text/html,hi"}, "url"),
        ({"url": "ftp://example.org/a"}, "url"),
        ({"image": {"url": "javascript:x"}}, "image.url"),
        ({"published_at": "2026-03-01T09:30:00"}, "published_at"),  # no timezone
        ({"fetched_at": "yesterday"}, "fetched_at"),
        ({"title": 42}, "title"),  # strict: no number-to-string coercion
        ({"title": ""}, "title"),
        ({"body": ...}, "body"),
        ({"authors": "Jane Doe"}, "authors"),
        ({"schema_version": 2}, "schema_version"),
        ({"schema_version": "1"}, "schema_version"),
        ({"id": "not an id"}, "id"),  # a client id: safe characters only
            ({"id": "../../etc/passwd"}, "id"),
            ({"id": "x" * 129}, "id"),
        ({"source": {"name": "x", "kind": "carrier-pigeon"}}, "source.kind"),
        ({"language": "english!"}, "language"),
        ({"surprise": True}, "surprise"),  # unknown fields are refused, not silently dropped
        ({"title": "x" * 1001}, "title"),
    ],
)
def test_invalid_fields_are_rejected(changes, field):
    with pytest.raises(ValidationError) as info:
        validate(**changes)
    locs = {".".join(str(p) for p in e["loc"]) for e in info.value.errors()}
    assert any(loc.startswith(field) for loc in locs), locs


def test_url_is_kept_exactly_as_given():
    assert validate(url="https://Example.org").url == "https://Example.org"


def test_json_output_keeps_arabic_unescaped():
    article = validate(title="حماس تبحث مع موسكو")
    assert "حماس".encode() in article.model_dump_json().encode()
    assert b"\\u" not in article.model_dump_json().encode()


def test_construct_builds_what_model_construct_builds():
    """models.construct() is the enrichment's fast model_construct: the same objects, the
    same JSON, for every model it builds; a value left out gets its default as before."""
    from newswire.core.enrich import enrich
    from newswire.core.models import DateRef, EnrichedArticle, Enrichment, EntityRef, Keyword, construct, to_json
    from newswire.core.sources.reader import read_inputs
    from tests.conftest import SEED

    [article] = list(read_inputs([str(SEED)]))
    enriched = enrich(article)
    e = enriched.enrichment
    assert e.keywords and e.places and e.dates  # the seed exercises every kind
    objects = [(Keyword, k) for k in e.keywords] + [(EntityRef, p) for p in e.places + e.organizations + e.people]
    objects += [(DateRef, d) for d in e.dates] + [(Enrichment, e), (EnrichedArticle, enriched)]
    for cls, obj in objects:
        values = dict(obj)
        fast, slow = construct(cls, dict(values)), cls.model_construct(**values)
        assert type(fast) is cls
        assert fast == slow and fast.model_fields_set == slow.model_fields_set
        assert to_json(fast) == to_json(slow)
    partial = construct(EntityRef, {"id": "FR", "name": "France", "kind": "country", "count": 2})
    assert partial.adjective_count == 0 and partial.country is None
    assert partial.model_fields_set == {"id", "name", "kind", "count"}

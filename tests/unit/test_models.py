import orjson
import pytest
from pydantic import ValidationError

from newswire.models import RawArticle

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

import json

from newswire.core.schemas_io import render_schemas, stale_schemas
from tests.conftest import REPO


def test_committed_schemas_match_the_models():
    stale = stale_schemas(REPO / "schemas")
    assert not stale, f"schemas/ is stale: {stale}; run `newswire schemas export`"


def test_contract_field_names():
    schemas = {name: json.loads(text) for name, text in render_schemas().items()}
    raw = set(schemas["raw-article.schema.json"]["properties"])
    assert {"schema_version", "id", "title", "body", "url", "summary", "authors", "published_at", "language",
            "attribution", "image", "tags", "source", "fetched_at"} <= raw
    enriched = schemas["enriched-article.schema.json"]
    assert raw | {"enrichment"} == set(enriched["properties"])
    enrichment = enriched["$defs"]["Enrichment"]["properties"]
    assert {"language", "language_confidence", "script", "direction", "word_count", "reading_time_seconds",
            "content_hash", "processed_at", "pipeline_version"} <= set(enrichment)
    dlq = schemas["dead-letter.schema.json"]["properties"]
    assert {"error", "original", "original_encoding", "source_topic", "source_partition", "source_offset",
            "failed_at", "consumer_group"} <= set(dlq)
    page = schemas["page.schema.json"]["properties"]
    assert {"url", "fetched_at", "http_headers", "encoding", "content", "size", "sha256"} <= set(page)


def test_stale_detection(tmp_path):
    assert len(stale_schemas(tmp_path)) == 5
    for name, text in render_schemas().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert stale_schemas(tmp_path) == []
    (tmp_path / "raw-article.schema.json").write_text("{}", encoding="utf-8")
    assert stale_schemas(tmp_path) == ["raw-article.schema.json"]

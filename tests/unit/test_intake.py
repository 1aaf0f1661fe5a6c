"""The minimal input contract: what a client must send, and what newswire derives."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson
import pytest
from pydantic import ValidationError

from newswire.core.ids import article_id
from newswire.core.intake import TITLE_MAX_CHARS, complete_json, derive_title
from newswire.core.models import Source
from newswire.core.pipeline import Origin, process
from newswire.core.times import assume_zone, parse_time
from newswire.service.settings import Settings

SOURCE = Source(name="articles.raw", kind="api", location="articles.raw")
FETCHED = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def complete(fields: dict, zone: str = "UTC"):
    return complete_json(orjson.dumps(fields), source=SOURCE, fetched_at=FETCHED, default_timezone=zone)


def test_title_and_body_are_enough():
    raw = complete({"title": "Port strike ends", "body": "Dock workers returned to work."})
    assert raw.id == article_id(title="Port strike ends", body="Dock workers returned to work.")
    assert (raw.schema_version, raw.source, raw.fetched_at) == (1, SOURCE, FETCHED)
    assert not raw.title_derived and raw.published_at_assumed_timezone is None


def test_the_url_gives_the_id_when_there_is_one():
    raw = complete({"title": "T", "body": "B", "url": "https://news.example.org/a?utm_source=x"})
    assert raw.id == article_id(title="other", body="other", url="https://news.example.org/a")


def test_a_client_id_is_kept_as_its_stable_key():
    raw = complete({"id": "reuters:2026-11-30:abc_123", "title": "T", "body": "B"})
    assert raw.id == "reuters:2026-11-30:abc_123"


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "has space", "x" * 129, "-leading-dash", "ünïcode", "a\nb"])
def test_a_malformed_client_id_is_refused(bad):
    with pytest.raises(ValidationError) as info:
        complete({"id": bad, "title": "T", "body": "B"})
    assert [e["loc"] for e in info.value.errors()] == [("id",)]


def test_a_naive_time_is_read_in_the_default_zone_and_flagged():
    raw = complete({"title": "T", "body": "B", "published_at": "2025-05-04T00:00:00"}, zone="Europe/Istanbul")
    assert raw.published_at == datetime(2025, 5, 4, tzinfo=timezone(timedelta(hours=3)))
    assert raw.published_at_assumed_timezone == "Europe/Istanbul"


def test_a_time_with_an_offset_keeps_it_and_is_not_flagged():
    raw = complete({"title": "T", "body": "B", "published_at": "2025-05-04T10:00:00+03:00"}, zone="America/New_York")
    assert raw.published_at.utcoffset() == timedelta(hours=3) and raw.published_at_assumed_timezone is None


@pytest.mark.parametrize("written, expected", [
    ("2025-05-04", datetime(2025, 5, 4)),
    ("2025-05-04 10:30", datetime(2025, 5, 4, 10, 30)),
    ("2025-05-04T10:30:00Z", datetime(2025, 5, 4, 10, 30, tzinfo=timezone.utc)),
    ("Sun, 04 May 2025 10:30:00 GMT", datetime(2025, 5, 4, 10, 30, tzinfo=timezone.utc)),
    ("Sun, 04 May 2025 10:30:00 -0000", datetime(2025, 5, 4, 10, 30)),  # RFC 2822: zone unknown
])
def test_times_as_sources_write_them(written, expected):
    assert parse_time(written) == expected


@pytest.mark.parametrize("written", ["yesterday", "0000-01-01T00:00:00Z", "2025-13-40", "soon, maybe"])
def test_times_that_cannot_be_read_stay_a_validation_error(written):
    with pytest.raises(ValidationError) as info:
        complete({"title": "T", "body": "B", "published_at": written})
    assert [e["loc"] for e in info.value.errors()] == [("published_at",)]


def test_a_naive_fetch_time_is_made_aware_too():
    raw = complete({"title": "T", "body": "B", "fetched_at": "2026-11-30T08:00:00"}, zone="Asia/Tokyo")
    assert raw.fetched_at.utcoffset() == timedelta(hours=9)


def test_a_missing_title_is_derived_from_the_body_and_flagged():
    raw = complete({"body": "Dock workers in Rotterdam returned to work. The strike lasted a week."})
    assert raw.title == "Dock workers in Rotterdam returned to work." and raw.title_derived
    assert raw.id == article_id(title=raw.title, body=raw.body)
    assert complete({"title": "  ", "body": "A blank title counts as none."}).title_derived


def test_neither_title_nor_text_is_refused():
    for fields in ({"title": "Only a title"}, {"body": "   "}, {}):
        with pytest.raises(ValidationError):
            complete(fields)


def test_derived_titles_are_bounded_on_a_word_boundary():
    long_sentence = "word " * 100 + "end."
    title = derive_title(long_sentence)
    assert len(title) <= TITLE_MAX_CHARS and title.endswith("…") and title[:-1].endswith("word")
    assert derive_title("وقال البيان إن الجانبين بحثا التطورات. وأضاف أن اللقاء تناول الوضع") == "وقال البيان إن الجانبين بحثا التطورات."
    assert len(derive_title("北京" * 200)) == TITLE_MAX_CHARS  # no spaces: cut at the bound
    assert derive_title("First paragraph without a full stop\n\nSecond one.") == "First paragraph without a full stop"


def test_the_consumer_derives_source_and_fetch_time_from_the_record():
    value = orjson.dumps({"title": "Port strike ends", "body": "Dock workers returned to work."})
    origin = Origin("articles.raw", timestamp_ms=1_764_493_200_000, source_name="desk-7")
    result = process(value, Settings().pipeline(), origin=origin)
    assert result.failure is None, result.failure
    raw = result.article
    assert raw.source == Source(name="desk-7", kind="api", location="articles.raw")
    assert raw.fetched_at == datetime.fromtimestamp(1_764_493_200, tz=timezone.utc)
    assert result.article.enrichment.word_count == 8  # title and body
    nameless = process(value, Settings().pipeline(), origin=Origin("articles.raw", timestamp_ms=1)).article
    assert nameless.source.name == "articles.raw"


def test_the_enrichment_says_which_zone_it_assumed():
    value = orjson.dumps({"title": "T", "body": "Talks resumed in Geneva.", "published_at": "2026-11-30T08:15:00"})
    article = process(value, Settings(default_timezone="Europe/Paris").pipeline()).article
    assert article.enrichment.published_at_assumed_timezone == "Europe/Paris"
    assert article.published_at.isoformat() == "2026-11-30T08:15:00+01:00"


def test_an_unknown_default_zone_is_a_settings_error():
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(default_timezone="Mars/Olympus")
    assert assume_zone(datetime(2026, 1, 1), "UTC")[1] is True


def test_feed_entries_without_a_title_get_one(tmp_path):
    from newswire.core.sources.reader import read_inputs

    feed = tmp_path / "live.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Live</title>'
        "<item><description>Rescue teams reached the village at dawn. More soon.</description>"
        "<pubDate>Mon, 30 Nov 2026 08:15:00 GMT</pubDate></item>"
        "<item><title>Titled</title><description>Body.</description>"
        "<pubDate>2026-11-30T08:15:00</pubDate></item>"
        "<item><pubDate>Mon, 30 Nov 2026 08:15:00 GMT</pubDate></item>"
        "</channel></rss>", encoding="utf-8")
    items = list(read_inputs([str(feed)], default_timezone="Europe/Istanbul"))
    untitled, titled, empty = items
    assert untitled.title == "Rescue teams reached the village at dawn." and untitled.title_derived
    assert untitled.published_at_assumed_timezone is None
    assert titled.published_at.isoformat() == "2026-11-30T08:15:00+03:00"
    assert titled.published_at_assumed_timezone == "Europe/Istanbul"
    assert "neither title nor text" in str(empty)


def test_json_lines_with_naive_times_are_kept(tmp_path):
    from newswire.core.sources.reader import read_inputs

    path = tmp_path / "cms.jsonl"
    path.write_text('{"title": "A", "body": "B", "published_at": "2025-05-04T00:00:00"}\n'
                    '{"body": "No title here. Only text."}\n', encoding="utf-8")
    first, second = read_inputs([str(path)])
    assert first.published_at_assumed_timezone == "UTC" and first.published_at.tzinfo is not None
    assert second.title == "No title here." and second.title_derived


def test_every_field_a_client_sends_reaches_the_raw_article():
    """complete() copies the submitted fields from the model's __dict__ (faster than
    iterating it): with every field set, each arrives in the raw article as sent."""
    from newswire.core.models import ArticleInput

    assert ArticleInput.model_config["extra"] == "forbid"  # no fields outside __dict__
    sent = {"title": "Port strike ends", "body": "Dock workers returned to work.", "url": "https://example.org/a",
            "summary": "The strike is over.", "authors": ["A. Writer"], "language": "en-GB", "attribution": "Reuters",
            "tags": ["labour", "ports"], "published_at": "2026-11-30T08:00:00+00:00",
            "fetched_at": "2026-11-30T08:30:00+00:00", "id": "0123456789abcdef"}
    submitted = ArticleInput.model_validate_json(orjson.dumps(sent))
    assert dict(submitted.__dict__) == dict(submitted)
    raw = complete(sent)
    for name, value in dict(submitted).items():
        if value is not None and name not in ("published_at", "fetched_at"):
            assert getattr(raw, name) == value, name
    assert raw.published_at == parse_time("2026-11-30T08:00:00+00:00")

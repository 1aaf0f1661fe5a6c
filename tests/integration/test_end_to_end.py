"""The whole path on a real broker: `newswire produce` -> articles.raw -> `newswire consume`
-> articles.enriched / articles.dlq, with offsets, restarts and metrics checked."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time

import orjson

from newswire.core.ids import article_id
from newswire.core.models import DeadLetter, EnrichedArticle
from tests.conftest import DATA, REPO, SEED
from tests.integration.kafka_helpers import (
    ServiceProcess,
    TopicSet,
    committed_offsets,
    end_offsets,
    http_get,
    metric_value,
    produce_raw,
    read_topic,
)


def newswire_produce(topics: TopicSet, *inputs: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newswire.service.cli", "produce", *inputs],
        env={**os.environ, **topics.env()}, capture_output=True, timeout=120, cwd=REPO,
    )


def seed_raw_dict() -> dict:
    """The seed as a raw-article JSON object, the way `newswire enrich` reads it."""
    article = json.loads(subprocess.run([sys.executable, "-m", "newswire.service.cli", "enrich", str(SEED)],
                                        capture_output=True, check=True, cwd=REPO).stdout)
    article.pop("enrichment")
    return article


def headers_of(record) -> dict[str, bytes]:
    return {k: v for k, v in record.headers}


def test_seed_produced_comes_out_enriched(topics: TopicSet, consumer_factory):
    consumer = consumer_factory()
    consumer.wait_ready()
    proc = newswire_produce(topics, str(SEED))
    assert proc.returncode == 0, proc.stderr
    assert "published 1, skipped 0, failed 0" in proc.stderr.decode()

    [raw] = read_topic(topics.bootstrap, topics.raw, expected=1)
    [record] = read_topic(topics.bootstrap, topics.enriched, expected=1)
    assert record.key == raw.key and len(record.key) == 16
    assert headers_of(record)["content-type"] == b"application/json; charset=utf-8"
    assert headers_of(record)["newswire.schema"] == b"newswire.enriched-article.v1"
    assert headers_of(raw)["newswire.schema"] == b"newswire.raw-article.v1"
    assert "حماس".encode() in record.value and b"\\u0" not in record.value  # Arabic stays Arabic

    article = EnrichedArticle.model_validate_json(record.value)
    assert article.id == record.key.decode()
    assert article.title == "حماس تبحث مع موسكو سبل وقف حرب غزة"
    assert article.attribution == "وكالة الأناضول"
    e = article.enrichment
    assert (e.language, e.script, e.direction, e.word_count) == ("ar", "Arab", "rtl", 297)
    assert consumer.stop() == 0


def test_bad_messages_are_dead_lettered_with_their_bytes_and_the_consumer_goes_on(topics: TopicSet, consumer_factory):
    consumer = consumer_factory()
    consumer.wait_ready()
    good = seed_raw_dict()
    bad = {
        b"not-json": b"this is not JSON {",
        b"not-utf8": b'{"title": "\xff\xfe caf\xe9"}',
        b"invalid": orjson.dumps({**good, "url": "javascript:alert(1)"}),
    }
    produce_raw(topics.bootstrap, topics.raw, list(bad.values()), keys=list(bad.keys()))
    produce_raw(topics.bootstrap, topics.raw, [orjson.dumps(good)], keys=[good["id"].encode()])

    letters = {r.key: r for r in read_topic(topics.bootstrap, topics.dlq, expected=3)}
    assert set(letters) == set(bad)
    expected_stage = {b"not-json": ("decode", "JSONDecodeError"), b"not-utf8": ("decode", "UnicodeDecodeError"),
                      b"invalid": ("validate", "ValidationError")}
    for key, record in letters.items():
        letter = DeadLetter.model_validate_json(record.value)
        stage, error_type = expected_stage[key]
        assert (letter.error.stage, letter.error.type) == (stage, error_type)
        assert headers_of(record)["newswire.error.stage"] == stage.encode()
        assert headers_of(record)["newswire.error.type"] == error_type.encode()
        original = base64.b64decode(letter.original) if letter.original_encoding == "base64" else letter.original.encode()
        assert original == bad[key]
        assert letter.source_topic == topics.raw and letter.consumer_group == topics.group
    assert DeadLetter.model_validate_json(letters[b"not-utf8"].value).original_encoding == "base64"
    assert "url" in DeadLetter.model_validate_json(letters[b"invalid"].value).error.message

    [enriched] = read_topic(topics.bootstrap, topics.enriched, expected=1)
    assert enriched.key == good["id"].encode()

    text = consumer.metrics()
    assert metric_value(text, "newswire_messages_consumed_total", topic=topics.raw) == 4
    assert metric_value(text, "newswire_articles_enriched_total") == 1
    assert metric_value(text, "newswire_articles_enriched_total", language="ar") == 1
    assert metric_value(text, "newswire_dead_letters_total") == 3
    assert metric_value(text, "newswire_dead_letters_total", stage="decode") == 2
    assert metric_value(text, "newswire_dead_letters_total", stage="validate", error_type="ValidationError") == 1
    assert metric_value(text, "newswire_messages_produced_total", topic=topics.enriched) == 1
    assert metric_value(text, "newswire_messages_produced_total", topic=topics.dlq) == 3
    assert metric_value(text, "newswire_stage_duration_seconds_count", stage="enrich") == 1
    assert metric_value(text, "newswire_build_info", service="consumer") == 1
    assert consumer.stop() == 0


def test_restart_processes_nothing_twice_that_was_committed(topics: TopicSet, consumer_factory):
    first = consumer_factory()
    first.wait_ready()
    proc = newswire_produce(topics, str(DATA / "articles.jsonl"), str(REPO / "seeds"))
    assert proc.returncode == 0, proc.stderr
    first_count = 5 + len(list((REPO / "seeds").glob("*.txt")))
    read_topic(topics.bootstrap, topics.enriched, expected=first_count)
    assert first.stop() == 0, first.logs()  # SIGTERM: finish, commit, exit 0
    assert committed_offsets(topics.bootstrap, topics.group, topics.raw) == end_offsets(topics.bootstrap, topics.raw)

    proc = newswire_produce(topics, str(DATA / "feeds"))
    assert proc.returncode == 0, proc.stderr
    second = consumer_factory()
    second.wait_ready()
    records = read_topic(topics.bootstrap, topics.enriched, expected=first_count + 7)
    assert len(records) == first_count + 7
    keys = [r.key for r in records]
    assert len(set(keys)) == len(keys), "an article committed before the restart was processed again"
    deadline = time.monotonic() + 30
    while metric_value(second.metrics(), "newswire_articles_enriched_total") < 7 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert metric_value(second.metrics(), "newswire_messages_consumed_total") == 7
    assert second.stop() == 0


def test_kcat_reads_the_enriched_record(topics: TopicSet, consumer_factory):
    """A Kafka client that is not ours can read the wire format."""
    consumer = consumer_factory()
    consumer.wait_ready()
    assert newswire_produce(topics, str(SEED)).returncode == 0
    read_topic(topics.bootstrap, topics.enriched, expected=1)
    kcat = subprocess.run(
        ["kcat", "-b", topics.bootstrap, "-C", "-t", topics.enriched, "-o", "beginning", "-e", "-q",
         "-f", "%k\t%h\t%s\n"],
        capture_output=True, timeout=60,
    )
    assert kcat.returncode == 0, kcat.stderr
    key, hdrs, value = kcat.stdout.decode().rstrip("\n").split("\t", 2)
    assert "newswire.schema=newswire.enriched-article.v1" in hdrs
    article = json.loads(value)
    assert article["id"] == key
    assert article["enrichment"]["language"] == "ar"
    assert article["title"] == "حماس تبحث مع موسكو سبل وقف حرب غزة"
    consumer.stop()


def test_consumer_without_broker_is_alive_but_not_ready_and_stops_cleanly():
    from tests.integration.kafka_helpers import free_port

    dead = TopicSet(bootstrap=f"127.0.0.1:{free_port()}", raw="r", enriched="e", dlq="d", group="g")
    consumer = ServiceProcess.consume(dead, extra_env={"NEWSWIRE_CONNECT_TIMEOUT_SECONDS": "2"})
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if http_get(consumer.base_url + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert http_get(consumer.base_url + "/healthz")[0] == 200
        time.sleep(3)
        assert http_get(consumer.base_url + "/readyz")[0] == 503
        assert consumer.stop(timeout=20) == 0
        assert '"event":"connect_failed"' in consumer.logs()
    finally:
        consumer.kill()


def test_markup_in_every_text_field_comes_out_sanitised(topics: TopicSet, consumer_factory):
    consumer = consumer_factory()
    consumer.wait_ready()
    article = seed_raw_dict()
    article.update({
        "title": "<b>حماس</b> تبحث<script>alert(1)</script> مع موسكو",
        "body": article["body"] + "\n\n<img src=x onerror=alert(1)>&lt;script&gt;steal()&lt;/script&gt;",
        "summary": "<a href=\"javascript:alert(1)\">ملخص</a>",
        "tags": ["<svg onload=alert(1)>غزة"],
    })
    article["id"] = article_id(title=article["title"], body=article["body"])
    produce_raw(topics.bootstrap, topics.raw, [orjson.dumps(article)], keys=[article["id"].encode()])
    [record] = read_topic(topics.bootstrap, topics.enriched, expected=1)
    lowered = record.value.decode().lower()
    for bad in ("<script", "<img", "<svg", "onerror", "onload", "javascript:", "alert(1)", "steal()"):
        assert bad not in lowered, bad
    enriched = EnrichedArticle.model_validate_json(record.value)
    assert enriched.title == "حماس تبحث مع موسكو"
    assert enriched.summary == "ملخص" and enriched.tags == ["غزة"]
    assert enriched.enrichment.sanitized is True
    consumer.stop()

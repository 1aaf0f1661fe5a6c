"""Anyone can feed articles.raw: clients that are not ours (kcat, Kafka's own console
producer, confluent-kafka) send only what they know, and the consumer derives the rest.
These are the README's "Feeding the topic" examples, run against the real broker."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import confluent_kafka
import orjson

from newswire.core.ids import article_id
from newswire.service.kafka_config import Config
from tests.integration.kafka_helpers import TopicSet, read_topic

ARABIC = {"title": "الأناضول: استئناف الملاحة في ميناء إسطنبول",
          "body": "أعلنت السلطات التركية استئناف حركة الملاحة في ميناء إسطنبول صباح اليوم بعد توقف دام يومين."}
MESSAGES = [
    {"title": "Port strike ends", "body": "Dock workers in Rotterdam returned to work on Monday after a week-long strike."},
    {"title": "Talks resume", "body": "Negotiators met again in Geneva.", "published_at": "2026-11-30T08:15:00"},
    {"title": "Storm warning", "body": "Forecasters warned of gales along the coast.",
     "url": "https://news.example.org/storm-warning"},
    ARABIC,
]


def kafka_libs() -> Path:
    """The Kafka jars scripts/local-kafka fetched (the console producer lives in kafka-tools)."""
    return Config.from_env().libs


def lines() -> bytes:
    return b"".join(orjson.dumps(m) + b"\n" for m in MESSAGES)


def check_enriched(topics: TopicSet, source_name: str) -> None:
    records = read_topic(topics.bootstrap, topics.enriched, expected=len(MESSAGES), timeout=90)
    by_title = {orjson.loads(r.value)["title"]: (r, orjson.loads(r.value)) for r in records}
    assert set(by_title) == {m["title"] for m in MESSAGES}
    for sent in MESSAGES:
        record, article = by_title[sent["title"]]
        expected_id = article_id(title=sent["title"], body=sent["body"], url=sent.get("url"))
        assert article["id"] == expected_id and record.key == expected_id.encode()
        assert article["schema_version"] == 1
        assert article["source"] == {"name": source_name, "kind": "api", "location": topics.raw}
        assert article["fetched_at"].endswith("Z") or article["fetched_at"].endswith("+00:00")
        # Title and body words, as `newswire enrich` counts them offline.
        assert article["enrichment"]["word_count"] == len(f"{sent['title']} {sent['body']}".split())
        assumed = article["enrichment"]["published_at_assumed_timezone"]
        if "published_at" in sent:
            assert assumed == "UTC" and article["published_at"] == "2026-11-30T08:15:00Z"
        else:
            assert assumed is None
    assert by_title[ARABIC["title"]][1]["enrichment"]["language"] == "ar"
    assert by_title[ARABIC["title"]][1]["enrichment"]["direction"] == "rtl"


def test_kcat_sends_title_and_body_only(topics: TopicSet, consumer_factory):
    kcat = shutil.which("kcat")
    assert kcat, "kcat is missing: run scripts/install-system-deps (make test does)"
    consumer_factory().wait_ready()
    proc = subprocess.run([kcat, "-b", topics.bootstrap, "-P", "-t", topics.raw, "-H", "newswire.source=kcat-desk"],
                          input=lines(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    check_enriched(topics, "kcat-desk")


def test_kafka_console_producer(topics: TopicSet, consumer_factory):
    java, libs = shutil.which("java"), kafka_libs()
    assert java and libs.is_dir(), f"java and the Kafka jars ({libs}) are needed: make test fetches them"
    consumer_factory().wait_ready()
    # What bin/kafka-console-producer.sh runs.
    proc = subprocess.run([java, "-cp", f"{libs}/*", "org.apache.kafka.tools.ConsoleProducer",
                           "--bootstrap-server", topics.bootstrap, "--topic", topics.raw],
                          input=lines(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    check_enriched(topics, topics.raw)  # no header: the source is named after the topic


def test_confluent_kafka_client(topics: TopicSet, consumer_factory):
    consumer_factory().wait_ready()
    producer = confluent_kafka.Producer({"bootstrap.servers": topics.bootstrap})
    for message in MESSAGES:
        producer.produce(topics.raw, value=orjson.dumps(message), headers={"newswire.source": "librdkafka-app"})
    assert producer.flush(30) == 0
    check_enriched(topics, "librdkafka-app")


def test_client_ids_are_kept_or_refused_with_the_reason(topics: TopicSet, consumer_factory):
    consumer_factory().wait_ready()
    kcat = shutil.which("kcat")
    assert kcat
    good = {"id": "reuters:2026-11-30:abc_123", "title": "Kept id", "body": "A client's own stable key."}
    bad = {"id": "../../etc/passwd", "title": "Bad id", "body": "Slashes are not in the id's character set."}
    proc = subprocess.run([kcat, "-b", topics.bootstrap, "-P", "-t", topics.raw],
                          input=orjson.dumps(good) + b"\n" + orjson.dumps(bad) + b"\n", capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    [enriched] = read_topic(topics.bootstrap, topics.enriched, expected=1)
    assert enriched.key == good["id"].encode() and orjson.loads(enriched.value)["id"] == good["id"]
    [letter] = read_topic(topics.bootstrap, topics.dlq, expected=1)
    error = orjson.loads(letter.value)["error"]
    assert error["stage"] == "validate" and error["type"] == "ValidationError"
    assert error["message"].startswith("1 validation error(s): id: String should match pattern")
    assert orjson.loads(orjson.loads(letter.value)["original"]) == bad

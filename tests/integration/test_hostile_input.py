"""At least 40 hostile messages straight onto articles.raw: each ends in the enriched
topic (sanitised) or in the DLQ with its reason and exact bytes; the consumer never stops
and its memory stays bounded."""

from __future__ import annotations

import base64
import hashlib
import re

import orjson
from kafka import KafkaAdminClient

from tests.hostile.messages import CASES
from tests.integration.kafka_helpers import TopicSet, produce_raw, read_topic

DANGEROUS = re.compile(r"<\s*script|<\s*img|<\s*style|onerror|javascript:|alert\(1\)|[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e]",
                       re.I)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def test_hostile_messages(topics: TopicSet, consumer_factory):
    assert len(CASES) >= 40
    admin = KafkaAdminClient(bootstrap_servers=topics.bootstrap.split(","))
    admin.create_topics({topics.raw: {"num_partitions": 3, "replication_factor": 1,
                                      "configs": {"max.message.bytes": str(16 * 1024 * 1024)}}}, wait_for_metadata=True)
    admin.close()
    consumer = consumer_factory(NEWSWIRE_MAX_MESSAGE_BYTES=str(5 * 1024 * 1024))
    consumer.wait_ready()
    rss_before = rss_mb(consumer.proc.pid)
    keys = [f"case-{i:02d}".encode() for i in range(len(CASES))]
    produce_raw(topics.bootstrap, topics.raw, [value for _, value, _ in CASES], keys=keys)

    letters = {r.key: r for r in read_topic(topics.bootstrap, topics.dlq,
                                            expected=sum(o.startswith("dlq") for *_, o in CASES), timeout=120)}
    expected_enriched = sum(o == "enriched" for *_, o in CASES)
    enriched = read_topic(topics.bootstrap, topics.enriched, expected=expected_enriched, timeout=120)
    ends = len(letters) + len(enriched)
    assert ends == len(CASES), f"{ends} outputs for {len(CASES)} inputs: something was lost or duplicated"

    for i, (name, value, outcome) in enumerate(CASES):
        key = keys[i]
        if key in letters:
            assert outcome != "enriched", f"{name}: dead-lettered, expected enriched"
            letter = orjson.loads(letters[key].value)
            if outcome.startswith("dlq:"):
                assert letter["error"]["stage"] == outcome[4:], (name, letter["error"])
            assert letter["error"]["message"], name
            assert letter["original_sha256"] == hashlib.sha256(value).hexdigest(), name
            original = (base64.b64decode(letter["original"]) if letter["original_encoding"] == "base64"
                        else letter["original"].encode())
            if letter["original_truncated"]:
                assert value.startswith(original) and letter["original_size"] == len(value), name
            else:
                assert original == value, f"{name}: original bytes not kept exactly"
        else:
            assert outcome in ("enriched", "either"), f"{name}: expected a dead letter"
    for record in enriched:
        article = orjson.loads(record.value)
        texts = [article["title"], article["body"], article.get("summary") or "", article.get("attribution") or "",
                 *article["authors"], *article["tags"],
                 *((article.get("image") or {}).get(f) or "" for f in ("caption", "description"))]
        for text in texts:
            assert not DANGEROUS.search(text), (article["title"], text[:200])
    assert consumer.proc.poll() is None, "the consumer stopped"
    rss_after = rss_mb(consumer.proc.pid)
    print(f"\n[hostile] {len(CASES)} messages: {len(letters)} dead letters, {len(enriched)} enriched; "
          f"consumer RSS {rss_before:.0f} MB -> {rss_after:.0f} MB")
    assert rss_after < 600, f"consumer RSS grew to {rss_after:.0f} MB"
    assert consumer.stop() == 0

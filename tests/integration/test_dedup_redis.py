"""The shared near-duplicate index on a real Redis, and two consumers sharing it."""

from __future__ import annotations

import threading
import uuid

import orjson

from newswire.enrichers.dedup import RedisIndex, signature
from newswire.enrichers.tokens import tokenize
from newswire.models import EnrichedArticle
from newswire.models import to_json
from newswire.sources.reader import read_inputs
from tests.conftest import SEED
from tests.integration.kafka_helpers import TopicSet, produce_raw, read_topic

[ARTICLE] = list(read_inputs([str(SEED)]))
PARAS = ARTICLE.body.split("\n\n")


def sig(text: str):
    return signature(tokenize(text).folded)


def index(url: str) -> RedisIndex:
    return RedisIndex(url, threshold=0.5, window_seconds=3600, prefix=f"t{uuid.uuid4().hex[:8]}:")


def test_redis_index_first_seen_and_copy_of_copy(redis_url):
    idx = index(redis_url)
    assert idx.check_and_add("orig", sig(ARTICLE.body)) is None
    assert idx.check_and_add("copy1", sig("\n\n".join(PARAS[1:]))).duplicate_of == "orig"
    assert idx.check_and_add("copy2", sig("\n\n".join(PARAS[2:]))).duplicate_of == "orig"
    assert idx.check_and_add("orig", sig(ARTICLE.body)) is None  # redelivery keeps its place
    other = next(a for a in read_inputs([str(SEED.parent)]) if a.id != ARTICLE.id)
    assert idx.check_and_add("other", sig(other.body)) is None


def test_redis_index_keys_expire_with_the_window(redis_url):
    import redis

    idx = RedisIndex(redis_url, window_seconds=120, prefix="ttl-test:")
    idx.check_and_add("orig", sig(ARTICLE.body))
    client = redis.Redis.from_url(redis_url)
    keys = client.keys("ttl-test:*")
    assert keys
    ttls = [client.ttl(k) for k in keys if not k.endswith(b":seq")]
    assert ttls and all(0 < t <= 120 for t in ttls)


def test_concurrent_copies_exactly_one_is_first(redis_url):
    """Eight workers add eight copies of one story at once: exactly one is the original,
    and every other copy points at it."""
    shared_prefix = f"race{uuid.uuid4().hex[:8]}:"
    results: dict[str, object] = {}
    copies = {f"c{i}": sig("\n\n".join(PARAS[i % 3:]) + f" نسخة {i}") for i in range(8)}
    barrier = threading.Barrier(len(copies))

    def worker(name: str) -> None:
        idx = RedisIndex(redis_url, prefix=shared_prefix)
        barrier.wait()
        results[name] = idx.check_and_add(name, copies[name])

    threads = [threading.Thread(target=worker, args=(name,)) for name in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    originals = [n for n, r in results.items() if r is None]
    assert len(originals) == 1, results
    assert {r.duplicate_of for r in results.values() if r is not None} == set(originals)


def test_two_consumers_share_the_index(topics: TopicSet, consumer_factory, redis_url):
    env = {"NEWSWIRE_DEDUP_BACKEND": "redis", "NEWSWIRE_REDIS_URL": redis_url}
    first, second = consumer_factory(**env), consumer_factory(**env)
    first.wait_ready()
    second.wait_ready()
    original = ARTICLE
    from newswire.ids import article_id

    bodies = ["\n\n".join(PARAS[i % 3:]) + f"\n\nنسخة {i}" for i in range(1, 6)]
    copies = [original.model_copy(update={"id": article_id(title=original.title, body=b), "body": b}) for b in bodies]
    # Spread over partitions (different keys), so both consumers take part.
    produce_raw(topics.bootstrap, topics.raw, [to_json(original)], keys=[original.id.encode()])
    read_topic(topics.bootstrap, topics.enriched, expected=1)
    produce_raw(topics.bootstrap, topics.raw, [to_json(c) for c in copies], keys=[c.id.encode() for c in copies])
    records = read_topic(topics.bootstrap, topics.enriched, expected=6)
    by_id = {r.key.decode(): EnrichedArticle.model_validate_json(r.value) for r in records}
    assert by_id[original.id].enrichment.duplicate_of is None
    for c in copies:
        e = by_id[c.id].enrichment
        assert e.duplicate_of == original.id and e.similarity >= 0.5
    assert first.stop() == 0 and second.stop() == 0
    assert orjson  # wire format checked elsewhere

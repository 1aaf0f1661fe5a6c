"""`newswire dlq inspect` and `newswire dlq replay` on a real broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import orjson

from newswire.models import to_json
from newswire.sources.reader import read_inputs
from tests.conftest import REPO, SEED
from tests.integration.kafka_helpers import TopicSet, produce_raw, read_topic


def newswire(topics: TopicSet, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newswire.cli", *args],
                          env={**os.environ, **topics.env(), "NEWSWIRE_DLQ_REPLAYED_TOPIC": topics.dlq + ".replayed", **env},
                          capture_output=True, text=True, timeout=120, cwd=REPO)


def test_inspect_and_replay_after_a_fix(topics: TopicSet, consumer_factory):
    [seed] = list(read_inputs([str(SEED)]))
    # The first consumer runs with a limit too small for the seed: it dead-letters it.
    strict = consumer_factory(NEWSWIRE_MAX_MESSAGE_BYTES="2048")
    strict.wait_ready()
    produce_raw(topics.bootstrap, topics.raw, [to_json(seed), b"not json", b"\xff\xfe"],
                keys=[seed.id.encode(), b"k1", b"k2"])
    read_topic(topics.bootstrap, topics.dlq, expected=3)
    assert strict.stop() == 0

    inspected = newswire(topics, "dlq", "inspect")
    assert inspected.returncode == 0, inspected.stderr
    table = inspected.stdout
    assert "MessageTooLarge" in table and "JSONDecodeError" in table and "UnicodeDecodeError" in table
    assert table.strip().splitlines()[-1].split()[-1] == "3"

    shown = newswire(topics, "dlq", "inspect", "--show", "--type", "MessageTooLarge")
    [line] = shown.stdout.splitlines()
    record = json.loads(line)
    assert record["error"]["type"] == "MessageTooLarge" and record["original"].encode() == to_json(seed)

    dry = newswire(topics, "dlq", "replay", "--type", "MessageTooLarge", "--dry-run")
    assert "would replay 1, skipped 0" in dry.stderr

    # The fix: a consumer with the default limit. Replay only the too-large one.
    fixed = consumer_factory()
    fixed.wait_ready()
    first = newswire(topics, "dlq", "replay", "--type", "MessageTooLarge")
    assert first.returncode == 0 and "replayed 1, skipped 0" in first.stderr, first.stderr
    [enriched] = read_topic(topics.bootstrap, topics.enriched, expected=1)
    assert enriched.key == seed.id.encode()
    assert orjson.loads(enriched.value)["enrichment"]["language"] == "ar"
    raw = read_topic(topics.bootstrap, topics.raw, expected=4)
    replayed = [r for r in raw if dict(r.headers).get("newswire.replay.of")]
    assert len(replayed) == 1 and replayed[0].value == to_json(seed)

    again = newswire(topics, "dlq", "replay", "--type", "MessageTooLarge")
    assert "replayed 0, skipped 1 already replayed" in again.stderr
    assert len(read_topic(topics.bootstrap, topics.raw, expected=4)) == 4  # nothing duplicated
    picked = newswire(topics, "dlq", "replay", "--pick", "0:999999")
    assert "replayed 0, skipped 0" in picked.stderr
    assert fixed.stop() == 0

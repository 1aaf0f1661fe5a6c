"""Durability settings against the single test broker: asking for more replicas than
there are brokers is one clear line and exit status 2, not a traceback or a hang."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO, SEED
from tests.integration.kafka_helpers import TopicSet


def test_more_replicas_than_brokers_is_one_clear_line(topics: TopicSet):
    env = {**os.environ, **topics.env(), "NEWSWIRE_REPLICATION_FACTOR": "3"}
    for args in (["produce", str(SEED)], ["consume", "--metrics-port", "0"]):
        proc = subprocess.run([sys.executable, "-m", "newswire", *args], env=env, capture_output=True, timeout=120, cwd=REPO)
        assert proc.returncode == 2, (args, proc.stderr.decode()[-2000:])
        lines = [line for line in proc.stderr.decode().splitlines() if line.startswith("newswire:")]
        assert lines == [f"newswire: NEWSWIRE_REPLICATION_FACTOR=3 needs at least 3 brokers; "
                         f"the cluster at {topics.bootstrap} has 1"], proc.stderr.decode()[-2000:]
        assert "Traceback" not in proc.stderr.decode()

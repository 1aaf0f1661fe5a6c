"""One three-node cluster for the whole suite (three JVMs start once, about a minute on
2 cores). A test that stops nodes starts them again before it ends (`all_nodes_up`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from newswire.service.local_kafka import Config, LocalKafka
from tests.cluster.cluster_helpers import NODES


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalKafka, str]]:
    # A state dir of its own, and no developer settings that would change the cluster.
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSWIRE_KAFKA_PORT", "NEWSWIRE_KAFKA_SASL_USERS")}
    env["NEWSWIRE_KAFKA_DIR"] = str(tmp_path_factory.mktemp("kafka-cluster"))
    kafka = LocalKafka(Config.from_env(env))
    try:
        bootstrap = kafka.start(brokers=NODES)
        yield kafka, bootstrap
    finally:
        kafka.stop()

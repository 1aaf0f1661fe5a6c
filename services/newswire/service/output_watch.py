"""Whether the consumer's output topics can take writes, from cluster metadata: a
partition without a leader, or with fewer in-sync replicas than min.insync.replicas,
refuses acks=all writes. A daemon thread describes the output topics every few seconds
(the consumer loop never waits for it), sets `newswire_output_partitions{topic,state}`
and tells readiness.

Metadata can be stale: with two of three KRaft nodes gone the controller has no quorum,
so leaders and ISRs stay as they were while writes hang. Readiness therefore also goes
by the writes themselves (Committer.failing)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from kafka.errors import KafkaError

from newswire.service import metrics as m
from newswire.service.kafka_io import make_admin, topic_min_insync_replicas
from newswire.service.settings import Settings

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 5.0
# Worst first: a partition counts once, in the worst state that applies.
STATES = ("no_leader", "below_min_isr", "under_replicated", "ok")
UNWRITABLE = frozenset({"no_leader", "below_min_isr"})
_LEADER_NOT_AVAILABLE = 5  # Kafka's error code in a partition's metadata


def partition_state(partition: Mapping[str, Any], min_isr: int) -> str:
    """One partition of a describe_topics answer (leader_id, replica_nodes, isr_nodes)."""
    if partition.get("leader_id", -1) < 0 or partition.get("error_code") == _LEADER_NOT_AVAILABLE:
        return "no_leader"
    isr = len(partition.get("isr_nodes") or ())
    if isr < min_isr:
        return "below_min_isr"
    if isr < len(partition.get("replica_nodes") or ()):
        return "under_replicated"
    return "ok"


def count_states(partitions: Iterable[Mapping[str, Any]], min_isr: int) -> dict[str, int]:
    """Partitions per state, every state present (0 when none), for fixed gauge series."""
    counted = Counter(partition_state(p, min_isr) for p in partitions)
    return {state: counted.get(state, 0) for state in STATES}


class OutputWatch:
    def __init__(self, settings: Settings, topics: list[str]) -> None:
        self.settings = settings
        self.topics = topics
        self.unwritable = False  # some output partition refuses acks=all writes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="newswire-output-watch", daemon=True)

    def start(self) -> OutputWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        admin = None
        min_isr: dict[str, int] = {}
        while not self._stop.is_set():
            try:
                admin = admin or make_admin(self.settings)
                for topic in self.topics:
                    if topic not in min_isr:
                        min_isr[topic] = topic_min_insync_replicas(admin, topic)
                self.check(admin.describe_topics(self.topics), min_isr)
            except Exception as exc:  # noqa: BLE001 - no answer: readiness has its own checks
                log.debug("output topics not described", extra={"event": "output_watch_failed",
                                                                "error_type": type(exc).__name__})
                if not isinstance(exc, KafkaError) and admin is not None:
                    admin.close()
                    admin = None
            self._stop.wait(INTERVAL_SECONDS)
        if admin is not None:
            admin.close()

    def check(self, described: list[dict[str, Any]], min_isr: Mapping[str, int]) -> None:
        unwritable = False
        for entry in described:
            topic = entry.get("name")
            if topic not in self.topics:
                continue
            counts = count_states(entry.get("partitions") or (), min_isr.get(topic, 1))
            for state, n in counts.items():
                m.OUTPUT_PARTITIONS.labels(topic, state).set(n)
            unwritable = unwritable or any(counts[s] for s in UNWRITABLE)
        if unwritable != self.unwritable:
            log.warning("output partitions refuse writes" if unwritable else "output partitions writable again",
                        extra={"event": "output_unwritable" if unwritable else "output_writable"})
        self.unwritable = unwritable

"""The output-topic states from cluster metadata (service/output_watch.py): which
partitions refuse acks=all writes, the fixed gauge series, and readiness's flag."""

from __future__ import annotations

from newswire.service import metrics as m
from newswire.service.output_watch import STATES, OutputWatch, count_states, partition_state
from newswire.service.settings import Settings


def part(leader: int, replicas: list[int], isr: list[int], error_code: int = 0) -> dict:
    return {"leader_id": leader, "replica_nodes": replicas, "isr_nodes": isr, "error_code": error_code}


def test_each_state_from_leader_and_isr():
    assert partition_state(part(1, [1, 2, 3], [1, 2, 3]), min_isr=2) == "ok"
    assert partition_state(part(1, [1, 2, 3], [1, 2]), min_isr=2) == "under_replicated"  # still writable
    assert partition_state(part(1, [1, 2, 3], [1]), min_isr=2) == "below_min_isr"
    assert partition_state(part(-1, [1, 2, 3], [1]), min_isr=2) == "no_leader"
    assert partition_state(part(2, [1, 2, 3], [2], error_code=5), min_isr=2) == "no_leader"
    assert partition_state(part(1, [1], [1]), min_isr=1) == "ok"


def test_every_state_is_counted_even_when_zero():
    counts = count_states([part(1, [1, 2, 3], [1, 2, 3]), part(2, [1, 2, 3], [2]), part(3, [1, 2, 3], [3, 1])], 2)
    assert counts == {"no_leader": 0, "below_min_isr": 1, "under_replicated": 1, "ok": 1}
    assert tuple(counts) == STATES


def test_check_sets_the_gauge_and_the_unwritable_flag():
    watch = OutputWatch(Settings(), ["t.enriched", "t.dlq"])
    healthy = [{"name": "t.enriched", "partitions": [part(1, [1, 2, 3], [1, 2])]},
               {"name": "t.dlq", "partitions": [part(1, [1, 2, 3], [1, 2, 3])]},
               {"name": "someone.else", "partitions": [part(-1, [1], [])]}]
    watch.check(healthy, {"t.enriched": 2, "t.dlq": 2})
    assert not watch.unwritable
    assert m.OUTPUT_PARTITIONS.labels("t.enriched", "under_replicated")._value.get() == 1
    assert m.OUTPUT_PARTITIONS.labels("t.enriched", "no_leader")._value.get() == 0
    watch.check([{"name": "t.dlq", "partitions": [part(1, [1, 2, 3], [1])]}], {"t.dlq": 2})
    assert watch.unwritable
    assert m.OUTPUT_PARTITIONS.labels("t.dlq", "below_min_isr")._value.get() == 1

"""`newswire consume --processes N` on a real broker: N processes share the group's
partitions, each serves its own metrics port, and they stop together."""

from __future__ import annotations

import json
import os
import signal
import time

from tests.integration.kafka_helpers import (
    ServiceProcess,
    TopicSet,
    consecutive_free_ports,
    http_get,
    metric_value,
    numbered_articles,
    publish,
    read_topic,
)

ENV = {"NEWSWIRE_PARTITIONS": "4", "NEWSWIRE_DEDUP_BACKEND": "off",
       "NEWSWIRE_SESSION_TIMEOUT_MS": "6000", "NEWSWIRE_HEARTBEAT_INTERVAL_MS": "1000"}


def start(topics: TopicSet, processes: int) -> ServiceProcess:
    port = consecutive_free_ports(processes)
    return ServiceProcess(["consume", "--processes", str(processes)],
                          {**topics.env(), **ENV, "NEWSWIRE_METRICS_PORT": str(port)}, port)


def child_pids(service: ServiceProcess) -> list[int]:
    pids = []
    for line in service.logs().splitlines():
        if '"child_started"' in line:
            pids.append(json.loads(line)["pid"])
    return pids


def wait_children_ready(service: ServiceProcess, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    ready: set[int] = set()
    while time.monotonic() < deadline and len(ready) < count:
        assert service.proc.poll() is None, f"supervisor exited with {service.proc.returncode}:\n{service.logs()}"
        for i in range(count):
            try:
                if http_get(f"http://127.0.0.1:{service.metrics_port + i}/readyz", timeout=2)[0] == 200:
                    ready.add(i)
            except OSError:
                pass
        time.sleep(0.3)
    assert len(ready) == count, f"ready: {sorted(ready)} of {count}:\n{service.logs()}"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_two_processes_share_the_work_and_stop_together(topics: TopicSet):
    service = start(topics, 2)
    try:
        wait_children_ready(service, 2)
        pids = child_pids(service)
        assert len(pids) == 2 and service.proc.pid not in pids
        articles = numbered_articles(400)
        publish(topics.bootstrap, topics.raw, articles)
        records = read_topic(topics.bootstrap, topics.enriched, expected=len(articles), timeout=120)
        assert {r.key.decode() for r in records} == {a[0] for a in articles}
        per_child = [metric_value(http_get(f"http://127.0.0.1:{service.metrics_port + i}/metrics")[1],
                                  "newswire_articles_enriched_total") for i in range(2)]
        print(f"\narticles enriched per process: {per_child}")
        assert all(n > 0 for n in per_child), per_child  # both processes took partitions
        assert sum(per_child) >= len(articles)
        assert service.stop(timeout=60) == 0, service.logs()
        assert not any(alive(pid) for pid in pids)
    finally:
        service.kill()


def test_a_child_that_dies_stops_the_set(topics: TopicSet):
    """Fail fast: the supervisor stops the other child and exits non-zero, so the
    process manager restarts the set."""
    service = start(topics, 2)
    try:
        wait_children_ready(service, 2)
        pids = child_pids(service)
        os.kill(pids[0], signal.SIGKILL)
        status = service.proc.wait(timeout=60)
        assert status != 0
        assert not alive(pids[1])
        assert "child_exited" in service.logs()
    finally:
        service.kill()

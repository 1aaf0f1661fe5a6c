"""4. Latency: a paced producer offers a fixed rate to one running consumer; latency =
enriched create time - raw create time, matched per message by a unique `fetched_at`."""

from __future__ import annotations

import re
import statistics
import sys
import time
from datetime import datetime
from typing import Any

import workload
from report import Results
from support import BenchError, Run, log, read_topic, spawn, stop, wait_count, wait_ready

from newswire.core.models import RAW_SCHEMA
from newswire.service.kafka_io import headers, make_producer
from newswire.service.ports import free_port


def latency(run: Run, rate: int, seconds: float, grace: float, label: str = "latency") -> dict[str, Any]:
    """End-to-end latency at a fixed offered rate into one running consumer."""
    raw, enriched, dlq = run.name(f"{label}.raw"), run.name(f"{label}.enriched"), run.name(f"{label}.dlq")
    group = run.name(f"{label}.group")
    run.create(raw, enriched=enriched, dlq=dlq)
    port = free_port()
    log_path = run.workdir / "latency.log"
    proc = spawn([sys.executable, "-m", "newswire.service.cli", "consume"],
                 {**run.env(raw, enriched, dlq, group), "NEWSWIRE_METRICS_PORT": str(port)}, log_path)
    producer = make_producer(run.settings())
    values, keys = run.articles.values, run.articles.keys
    hdrs = headers(RAW_SCHEMA)
    warm = len(values)
    total = int(rate * seconds)
    try:
        wait_ready(port, proc, log_path)
        # Warm-up: the whole set once (language model loaded, dedup index filled); not measured.
        for i in range(warm):
            producer.send(raw, key=keys[i], value=workload.with_fetched_at(values[i], workload.marker_time(10**9 + i)),
                          headers=hdrs)
        producer.flush(timeout=30)
        wait_count(run, group, raw, warm, proc, log_path, timeout=120)

        paced = [workload.with_fetched_at(values[i % len(values)], workload.marker_time(i)) for i in range(total)]
        log(f"  offering {rate}/s for {seconds:.0f}s ({total:,} articles)")
        started = time.perf_counter()
        sent = 0
        while sent < total:  # on an absolute schedule: a late tick sends what is due
            due = min(total, int((time.perf_counter() - started) * rate) + 1)
            while sent < due:
                producer.send(raw, key=keys[sent % len(keys)], value=paced[sent], headers=hdrs)
                sent += 1
            pause = sent / rate - (time.perf_counter() - started)
            if pause > 0:
                time.sleep(pause)
        offered_seconds = time.perf_counter() - started
        producer.flush(timeout=60)
        # Wait for the backlog, but not for ever: what is still unprocessed at the
        # deadline is counted as censored (its latency is at least the time waited).
        drained = wait_count(run, group, raw, warm + total, proc, log_path, timeout=grace, fail=False)
        stopped_ms = time.time() * 1000
    finally:
        producer.close(timeout=10)
        stop(proc)
    del paced
    raw_read = read_topic(run.bootstrap, raw, keep_values=True)
    out_read = read_topic(run.bootstrap, enriched, keep_values=True)
    produced_at: dict[datetime, int] = {}
    for ts, value in zip(raw_read.timestamps, raw_read.values or []):
        produced_at[_marker(value)] = ts
    warm_markers = {workload.marker_time(10**9 + i) for i in range(warm)}
    for marker in warm_markers:
        produced_at.pop(marker, None)
    if len(produced_at) != total:
        raise BenchError(f"latency: {len(produced_at)} paced articles in the raw topic, expected {total}")
    observed: dict[datetime, int] = {}
    out_stamps = []
    for ts, value in zip(out_read.timestamps, out_read.values or []):
        marker = _marker(value)
        if marker in produced_at:
            out_stamps.append(ts)
            observed[marker] = min(observed.get(marker, 1 << 62), ts - produced_at[marker])
    censored = [stopped_ms - ts for marker, ts in produced_at.items() if marker not in observed]
    # Percentiles over every offered article; an unprocessed one counts with its lower
    # bound, so a percentile is exact when no lower bound falls at or below it.
    everything = sorted([(v, False) for v in observed.values()] + [(v, True) for v in censored])

    def pct(p: float) -> tuple[float, bool]:
        index = min(len(everything) - 1, int(round(p / 100 * (len(everything) - 1))))
        exact = not any(is_censored for _, is_censored in everything[:index + 1])
        return float(everything[index][0]), not exact

    out_span = (max(out_stamps) - min(out_stamps)) / 1000 if len(out_stamps) > 1 else 0.0
    result: dict[str, Any] = {
        "offered": total, "processed": len(observed), "censored": len(censored), "drained": drained,
        "offered_rate": total / offered_seconds, "output_rate": len(observed) / max(out_span, 1e-3),
        "target_rate": rate, "seconds": seconds, "grace_seconds": grace, "max": float(max(v for v, _ in everything)),
        "mean_processed": statistics.mean(observed.values()) if observed else None,
    }
    for p in (50, 95, 99):
        result[f"p{p}"], result[f"p{p}_lower_bound"] = pct(p)
    return result


_FETCHED = re.compile(rb'"fetched_at":"([^"]*)"')


def _marker(value: bytes) -> datetime:
    match = _FETCHED.search(value)
    if not match:
        raise BenchError("a record without fetched_at")
    return datetime.fromisoformat(match.group(1).decode().replace("Z", "+00:00"))


def add_latency(results: Results, key: str, lat: dict[str, Any], utilisation: float, suffix: str = "") -> bool:
    """Three rows (p50, p95, p99); True when the consumer could not keep up. `utilisation`:
    the offered rate over the rate the 1-process drain reached."""
    overloaded = lat["censored"] > 0 or lat["output_rate"] < 0.95 * lat["offered_rate"]
    state = ("OVERLOADED: latency is mostly queueing" if overloaded
             else "kept up, but near capacity: queueing" if utilisation > 0.8 else "kept up")
    head = (f"offered {lat['offered_rate']:,.0f}/s ({utilisation:.2f} of the 1-process drain rate) for "
            f"{lat['seconds']:.0f}s; enriched {lat['output_rate']:,.0f}/s; {state}")
    tails = {50: head,
             95: "enriched create time - raw create time, matched by fetched_at",
             99: (f"max {lat['max']:,.0f} ms; {lat['processed']:,}/{lat['offered']:,} processed"
                  + (f", {lat['censored']:,} still queued {lat['grace_seconds']:.0f}s after the last send (counted as lower bounds)"
                     if lat["censored"] else ""))}
    for p in (50, 95, 99):
        extra = {k: v for k, v in lat.items() if not re.match(r"p\d+", k)} if p == 50 else {}
        results.add(f"{key}_p{p}", f"end-to-end latency p{p}{suffix}", lat[f"p{p}"], "ms",
                    notes=tails[p], lower_bound=lat[f"p{p}_lower_bound"], **extra)
    results.rows[f"{key}_p50"].update(overloaded=overloaded, utilisation=utilisation)
    return overloaded



def measure(run: Run, results: Results, drain_rate: float) -> None:
    """At the plan's rate; if that is near or above what one consumer drained
    (`drain_rate`), queueing dominates, so also at half that rate: the service's own
    latency rather than a queue's."""
    plan = run.plan
    log(f"4. latency: {plan.latency_rate}/s for {plan.latency_seconds:.0f}s into one consumer")
    lat = latency(run, plan.latency_rate, plan.latency_seconds, plan.latency_grace_seconds)
    utilisation = plan.latency_rate / drain_rate
    overloaded = add_latency(results, "latency", lat, utilisation=utilisation)
    if (overloaded or utilisation > 0.7) and plan.below_capacity_seconds:
        rate = max(20, int(round(drain_rate * 0.5, -1)))
        log(f"4b. latency below capacity: {rate}/s (half the 1-process drain rate) for {plan.below_capacity_seconds:.0f}s")
        low = latency(run, rate, plan.below_capacity_seconds, 15.0, label="latency-low")
        add_latency(results, "latency_low", low, rate / drain_rate, f" at {rate}/s")

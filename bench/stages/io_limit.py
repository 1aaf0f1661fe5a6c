"""2. I/O limit (messages/s): a pass-through with newswire's own clients and settings
(poll, send every record, flush, check every write, commit the batch), no enrichment."""

from __future__ import annotations

import time
from typing import Any

from kafka.structs import OffsetAndMetadata
from report import Results
from support import BenchError, Run, log, read_topic

from newswire.core.models import ENRICHED_SCHEMA
from newswire.service.kafka_io import headers, make_consumer, make_producer


def io_limit(run: Run, raw: str, count: int) -> dict[str, Any]:
    out = run.name("passthrough.out")
    run.create(out)
    group = run.name("passthrough.group")
    settings = run.settings(group_id=group, raw_topic=raw)
    producer = make_producer(settings)
    consumer = make_consumer(settings)
    copied = 0
    first_poll = None
    cpu0 = time.process_time()
    try:
        consumer.subscribe([raw])
        deadline = time.monotonic() + max(120, count / 50)
        while copied < count:
            if time.monotonic() > deadline:
                raise BenchError(f"pass-through copied only {copied}/{count}")
            records = consumer.poll(timeout_ms=500)
            if not records:
                continue
            if first_poll is None:
                first_poll = time.perf_counter()
            futures = []
            for batch in records.values():
                for record in batch:
                    futures.append(producer.send(out, key=record.key, value=record.value,
                                                 headers=headers(ENRICHED_SCHEMA)))
            producer.flush(timeout=settings.shutdown_timeout_seconds)
            for future in futures:
                future.get(timeout=settings.shutdown_timeout_seconds)
            consumer.commit({tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1) for tp, batch in records.items()})
            copied += len(futures)
        wall = time.perf_counter() - (first_poll or time.perf_counter())
        cpu = time.process_time() - cpu0
    finally:
        producer.close(timeout=10)
        consumer.close(autocommit=False)
    read = read_topic(run.bootstrap, out)
    span = max((read.last - read.first) / 1000, 1e-3)
    return {"rate": read.count / span, "wall_rate": copied / wall, "copied": read.count,
            "cpu_us_per_message": cpu / copied * 1e6}



def measure(run: Run, results: Results, raw: str, compute: float) -> float:
    """The I/O limit's row (ratio to the compute limit); returns the rate."""
    plan = run.plan
    log(f"2. I/O limit: pass-through of {plan.io_articles:,} messages with newswire's client settings")
    io = io_limit(run, raw, plan.io_articles)
    results.add("io_limit", "I/O limit (pass-through copy, 1 process)", io["rate"], "messages/s",
                ratio=io["rate"] / compute,
                notes=f"x compute limit; first {io['copied']:,} of the raw topic; poll, send, flush, commit per batch; "
                      f"wall {io['wall_rate']:,.0f}/s; {io['cpu_us_per_message']:,.0f} us CPU/message (both threads)",
                wall_rate=io["wall_rate"], cpu_us_per_message=io["cpu_us_per_message"], messages=io["copied"])
    return float(io["rate"])

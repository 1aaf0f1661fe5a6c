#!/usr/bin/env python3
"""newswire benchmark: compute limit, I/O limit, the real consumer, latency, producer,
memory and exactly-once cost, side by side in one run, as one table and one JSON file.

    .venv/bin/python bench/run.py                 # default: 50,000 articles, < 10 min on 2 cores
    .venv/bin/python bench/run.py --smoke         # small counts, < 60 s (plus broker start)
    .venv/bin/python bench/run.py --bootstrap 127.0.0.1:9092   # use a running broker
    .venv/bin/python bench/run.py --soak 600      # also: one consumer fed fresh data for 600 s

Without --bootstrap a private broker is started (newswire.service.local_kafka) in a temporary
NEWSWIRE_KAFKA_DIR and stopped (and wiped) at the end, whatever happens. With
--bootstrap, every topic the run created is deleted at the end.

Methods (what each number means) are in bench/README.md. In short:

1. compute limit: `process_many()` (in the consumer's chunks) + `to_json()` in this process (one core), no Kafka;
   best of three timed passes over the fixed article set (bench/workload.py).
2. I/O limit: a pass-through with newswire's own client settings (`make_consumer`,
   `make_producer`): poll, send every record to another topic, flush, check every
   write, commit the batch. One process, the first 10,000 messages of the raw topic.
3. newswire: `python -m newswire.service.cli consume` processes (1, then 2 in one group)
   draining the same pre-filled raw topic with a fresh group each time. Rate =
   N / (last - first enriched record create time); the create time is stamped by the
   consumer's producer at send(), so the span runs from the first to the last
   enriched write and excludes process start-up and group join. The drain is over
   when the group's committed offsets reach the raw topic's end offsets.
4. latency: a paced producer offers a fixed rate to one running consumer; latency =
   enriched record create time - raw record create time, matched per message by a
   unique `fetched_at` stamp (article ids repeat in the fixed set, so the key alone
   is ambiguous; the enriched article carries `fetched_at` through unchanged). When
   the offered rate is near or above what one consumer drained, a second run at half
   that rate gives the service's own latency.
5. producer: `newswire produce big.jsonl` (subprocess, 10,000 lines) versus a plain
   kafka-python loop with the same settings sending the same pre-encoded articles;
   both rated from the first record's create time to everything acknowledged.
6. memory: VmRSS of the 1-process consumer, sampled every 0.5 s over the drain.
7. exactly-once: a fresh 1-process consumer with `consume --exactly-once` on the
   first 10,000 articles of the same topic, when the CLI offers the flag.
8. extraction: benchmark pages per CPU second, newswire and trafilatura side by side;
   the extract stage offline and `newswire extract` draining pre-filled pages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402
from report import Results  # noqa: E402
from stages import compute, drain, exactly_once, extraction, io_limit, latency, producer, soak  # noqa: E402
from support import (  # noqa: E402
    PARTITIONS,
    BenchError,
    Broker,
    Plan,
    Run,
    fill_topic,
    kill_children,
    loadavg,
    log,
    machine_info,
)

from newswire.service.kafka_io import ensure_topics  # noqa: E402


def run_all(run: Run, results: Results, soak_seconds: float | None) -> None:
    """Every stage in order; the rows come out in this order too."""
    n = run.plan.articles
    rate = compute.measure(run, results)
    # The shared raw topic: the I/O limit, the drains and exactly-once all read it.
    raw = run.name("raw")
    run.create(raw)
    log(f"pre-filling {raw} with {n:,} articles ({PARTITIONS} partitions, round robin)")
    log(f"  filled in {fill_topic(run, raw, n):.1f}s")
    io_rate = io_limit.measure(run, results, raw, rate)
    drains = drain.measure(run, results, raw, rate, io_rate)
    latency.measure(run, results, drains[1].rate)
    producer.measure(run, results)
    drain.add_memory(results, drains)
    exactly_once.measure(run, results, raw, drains[1])
    extraction.measure(run, results)
    if soak_seconds:
        soak.measure(run, results, soak_seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newswire benchmark: one table, one JSON file (see bench/README.md)")
    parser.add_argument("--articles", type=int, metavar="N",
                        help="articles in the pre-filled raw topic, drained by 1 and 2 consumers (default 50000; smoke 2000)")
    parser.add_argument("--smoke", action="store_true", help="small counts and a short latency run (< 60 s): checks the harness")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "bench.json", help="results file (default bench/results/bench.json)")
    parser.add_argument("--bootstrap", metavar="HOST:PORT", help="use this broker instead of starting a private one")
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="also feed one consumer fresh articles for SECONDS")
    parser.add_argument("--keep-topics", action="store_true", help="with --bootstrap: leave the bench topics in place")
    args = parser.parse_args(argv)
    plan = Plan.from_args(args)
    if plan.articles < 200:
        parser.error("--articles must be at least 200")

    def on_signal(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)

    wall_start = time.time()
    machine = machine_info()
    broker = Broker(args.bootstrap)
    workdir = Path(tempfile.mkdtemp(prefix="newswire-bench-"))
    results = Results()
    run: Run | None = None
    status, error = 0, None
    try:
        bootstrap = broker.start()
        machine["broker"] = ("Kafka 4.1.1 via newswire.service.local_kafka, private, same machine" if broker.private
                             else f"external at {bootstrap}")
        articles = workload.build_set()
        run = Run(plan, bootstrap, workdir, articles, broker.pid, keep_topics=args.keep_topics or broker.private)
        ensure_topics(run.settings(), [])  # fail now, not after the compute limit, when no broker answers
        log(f"broker {bootstrap}; N = {plan.articles:,}; article set {articles.describe()}")
        run_all(run, results, args.soak)
    except KeyboardInterrupt:
        status, error = 130, "interrupted"
    except BenchError as exc:
        status, error = 1, str(exc)
    except Exception as exc:  # noqa: BLE001 - report, clean up, exit non-zero
        import traceback

        traceback.print_exc()
        status, error = 1, f"{type(exc).__name__}: {exc}"
    finally:
        kill_children()
        if run is not None:
            try:
                run.cleanup()
            except Exception as exc:  # noqa: BLE001
                log(f"cleanup: {exc}")
        try:
            broker.stop()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    if error:
        log(f"FAILED: {error}")

    elapsed = time.time() - wall_start
    machine["loadavg_end"] = loadavg()
    print(f"newswire benchmark{' (smoke)' if plan.smoke else ''}: N = {plan.articles:,}, "
          f"{'complete' if status == 0 else 'INCOMPLETE: ' + str(error)} in {elapsed:.0f}s")
    print(f"machine: nproc {machine['nproc']}, CPU {machine['cpu_model']}, Python {machine['python']}, "
          f"kafka-python {machine['kafka_python']} (crc32c C extension: {'yes' if machine['crc32c_extension'] else 'no'})")
    print(f"broker: {machine.get('broker', '?')}; load average {machine['loadavg_start']} at start, "
          f"{machine['loadavg_end']} at end")
    print()
    print(results.table())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "complete": status == 0, "error": error, "elapsed_seconds": round(elapsed, 1), "machine": machine,
        "plan": {**plan.__dict__, "partitions": PARTITIONS, "soak_seconds": args.soak},
        "measures": results.rows,
    }, indent=2, default=str) + "\n")
    print(f"\nresults: {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())

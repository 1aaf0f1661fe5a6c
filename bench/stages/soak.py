"""Soak (--soak SECONDS): one consumer fed fresh, distinct articles round after round,
so the near-duplicate index grows as in production; RSS over time."""

from __future__ import annotations

import sys
import time
from typing import Any

import workload
from report import Results, fmt
from sampling import Sampler
from support import Run, fill_topic, log, spawn, stop, wait_count

from newswire.core.models import to_json
from newswire.service.ports import free_port


def soak(run: Run, seconds: float, per_round: int) -> dict[str, Any]:
    """One consumer fed fresh articles (unique ids and texts) round after round."""
    raw, enriched, dlq = run.name("soak.raw"), run.name("soak.enriched"), run.name("soak.dlq")
    group = run.name("soak.group")
    run.create(raw, enriched=enriched, dlq=dlq)
    log_path = run.workdir / "soak.log"
    proc = spawn([sys.executable, "-m", "newswire.service.cli", "consume"],
                 {**run.env(raw, enriched, dlq, group), "NEWSWIRE_METRICS_PORT": str(free_port())}, log_path)
    sampler = Sampler({"consumer0": proc.pid})
    sampler.start()
    base = run.articles.articles
    total, rounds = 0, 0
    started = time.time()
    try:
        while time.time() - started < seconds:
            variants = [workload.unique_variant(base[i % len(base)], total + i) for i in range(per_round)]
            fill_topic(run, raw, per_round, [to_json(a) for a in variants], [a.id.encode() for a in variants])
            del variants
            total += per_round
            rounds += 1
            wait_count(run, group, raw, total, proc, log_path, timeout=max(300, per_round / 20))
            log(f"  soak round {rounds}: {total:,} articles, {time.time() - started:.0f}s")
    finally:
        sampler.stop()
        stop(proc)
    ended = time.time()
    samples = sampler.samples["consumer0"]
    quarter = sampler.at("consumer0", started + 0.25 * (ended - started))
    tenths = [sampler.at("consumer0", started + k / 10 * (ended - started)) for k in range(1, 11)]
    return {"seconds": ended - started, "rounds": rounds, "articles": total,
            "peak_rss_mb": max(x.rss_kb for x in samples) / 1024,
            "rss_by_tenth_mb": [round(x.rss_kb / 1024) if x else None for x in tenths],
            "rss_25_mb": quarter.rss_kb / 1024 if quarter else None, "rss_100_mb": samples[-1].rss_kb / 1024,
            "rate": total / (ended - started)}



def measure(run: Run, results: Results, seconds: float) -> None:
    n = run.plan.articles
    log(f"soak: one consumer, fresh unique articles in rounds of {n:,}, for {seconds:.0f}s")
    s = soak(run, seconds, n)
    growth = s["rss_100_mb"] / s["rss_25_mb"] if s["rss_25_mb"] else None
    results.add("soak_peak_rss", "soak: consumer peak RSS", s["peak_rss_mb"], "MB",
                notes=f"{s['rounds']} rounds, {s['articles']:,} unique articles in {s['seconds']:.0f}s "
                      f"({s['rate']:,.0f}/s incl. loading)", **s)
    results.add("soak_rss_100", "soak: RSS at 100% of the soak", s["rss_100_mb"], "MB", ratio=growth,
                notes=f"x RSS at 25% ({fmt(s['rss_25_mb'])} MB); by tenth of the soak: "
                      + " ".join(fmt(x) for x in s["rss_by_tenth_mb"]) + " MB")


"""7. Exactly-once cost: a fresh one-process `consume --exactly-once` drain of the first
articles of the same raw topic, against the at-least-once drain over as many writes."""

from __future__ import annotations

import subprocess
import sys

from report import Results, percents
from support import REPO, Run, log

from stages.drain import Drain, drain


def exactly_once_available() -> bool:
    result = subprocess.run([sys.executable, "-m", "newswire.service.cli", "consume", "--help"], capture_output=True,
                            text=True, cwd=REPO, timeout=60)
    return "--exactly-once" in result.stdout


def measure(run: Run, results: Results, raw: str, d1: Drain) -> None:
    plan = run.plan
    if exactly_once_available():
        m = plan.eos_articles
        log(f"7. exactly-once: newswire consume --exactly-once x1, the first {m:,} articles")
        e = drain(run, raw, m, "drain-eos", 1, ("--exactly-once",))
        baseline = d1.rate_of_first(e.written)
        results.add("exactly_once", "newswire consume --exactly-once, 1 proc", e.rate, "articles/s",
                    ratio=e.rate / baseline,
                    notes=(f"x at-least-once over its first {e.written:,} writes ({baseline:,.0f}/s); consumer CPU "
                           f"{percents(e.cpu_percent)}% (main {percents(e.main_thread_percent)}%); "
                           f"{e.cpu_us_per_article:,.0f} us CPU/article; peak RSS {percents(e.peak_rss_mb)} MB"),
                    available=True, articles=e.written, baseline_rate=baseline, span_seconds=e.span_seconds,
                    cpu_percent=e.cpu_percent, cpu_us_per_article=e.cpu_us_per_article)
    else:
        log("7. exactly-once: not available")
        results.add("exactly_once", "newswire consume --exactly-once", None, "articles/s",
                    notes="not available: `newswire consume --help` lists no --exactly-once", available=False)

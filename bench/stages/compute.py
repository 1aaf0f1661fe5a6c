"""1. Compute limit (articles/s/core): `process_many()` in the consumer's chunks plus
`to_json()`, in the bench process on one core, no Kafka: what enrichment alone allows."""

from __future__ import annotations

import statistics
import time
from typing import Any

from report import Results
from support import BenchError, Run, log

from newswire.core.enrich import warm_up
from newswire.core.enrichers.dedup import MemoryIndex
from newswire.core.models import to_json
from newswire.core.pipeline import process, process_many
from newswire.service.consumer import ENRICH_CHUNK
from newswire.service.settings import Settings


def compute_limit(run: Run) -> dict[str, Any]:
    settings = Settings().pipeline()
    dedup = MemoryIndex()
    values = run.articles.values

    def one_pass() -> None:
        # In the consumer's chunks: enrichment runs stage by stage over each chunk.
        for start in range(0, len(values), ENRICH_CHUNK):
            for result in process_many(values[start:start + ENRICH_CHUNK], settings, dedup=dedup):
                if result.article is None:
                    raise BenchError(f"a benchmark article failed: {result.failure}")
                to_json(result.article)

    warm_up()  # as the consumer does at start (gc.freeze of the loaded data)
    one_pass()  # warm: language model, caches, the dedup index holds the set
    rates, cpu_rates = [], []
    for _ in range(3):
        n, start, cpu0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < run.plan.compute_pass_seconds:
            one_pass()
            n += len(values)
        rates.append(n / (time.perf_counter() - start))
        cpu_rates.append(n / max(time.process_time() - cpu0, 1e-9))
    enriched_sizes = [len(to_json(process(v, settings, dedup=dedup).article)) for v in values]  # type: ignore[arg-type]
    return {"rate": max(rates), "rates": rates, "cpu_rate": max(cpu_rates),
            "mean_enriched_bytes": round(statistics.mean(enriched_sizes))}


def measure(run: Run, results: Results) -> float:
    """The compute limit's row; returns the rate, the yardstick of the later stages."""
    info = run.articles.describe()
    log("1. compute limit (in process, one core)")
    comp = compute_limit(run)
    compute = comp["rate"]
    results.add("compute_limit", "compute limit (process + to_json)", compute, "articles/s/core",
                notes=f"best of 3 passes ({', '.join(f'{r:,.0f}' for r in comp['rates'])}); by CPU time "
                      f"{comp['cpu_rate']:,.0f}/s; {info['articles']} articles, mean {info['mean_message_bytes']:,} B raw "
                      f"({info['mean_body_bytes']:,} B body) -> {comp['mean_enriched_bytes']:,} B enriched; "
                      f"{len(info['languages'])} languages, {info['languages'].get('ar', 0)} Arabic",
                rates=comp["rates"], cpu_rate=comp["cpu_rate"], article_set=info,
                mean_enriched_bytes=comp["mean_enriched_bytes"])
    return compute

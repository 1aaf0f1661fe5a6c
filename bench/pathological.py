"""Cost of the pathological inputs (tests/hostile/pathological.py) beside the median
article: the bound on what one message can cost a consumer.

Each case goes through `pipeline.process()` (decode, validate, enrich) as the consumer
runs it; the figure is the best of `--repeat` runs in CPU milliseconds (process time, so
other load on the machine inflates it less). Target: every case under 100 ms.

    .venv/bin/python bench/pathological.py [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newswire.enrich import warm_up  # noqa: E402
from newswire.pipeline import process  # noqa: E402
from newswire.settings import Settings  # noqa: E402
from tests.hostile.pathological import CASES  # noqa: E402

TARGET_MS = 100.0


def best_ms(value: bytes, settings: Settings, repeat: int) -> tuple[float, str]:
    best, outcome = float("inf"), ""
    for _ in range(repeat):
        started = time.process_time()
        result = process(value, settings)
        best = min(best, (time.process_time() - started) * 1000)
        outcome = "enriched" if result.article else f"dlq:{result.failure.stage}"  # type: ignore[union-attr]
    return best, outcome


def median_article_ms(settings: Settings, repeat: int) -> float:
    """The median of the bench workload's articles (about 3 KB each), same measure."""
    from bench.workload import build_set

    return statistics.median(best_ms(v, settings, repeat)[0] for v in build_set().values)


def run(repeat: int) -> dict:
    settings = Settings()
    warm_up()
    rows = []
    for name, value in CASES:
        ms, outcome = best_ms(value, settings, repeat)
        rows.append({"case": name, "bytes": len(value), "ms": round(ms, 1), "outcome": outcome})
    slowest = max(rows, key=lambda r: r["ms"])
    return {"cases": rows, "slowest": slowest, "median_article_ms": round(median_article_ms(settings, repeat), 2),
            "target_ms": TARGET_MS, "over_target": [r["case"] for r in rows if r["ms"] > TARGET_MS]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = run(args.repeat)
    for row in sorted(report["cases"], key=lambda r: -r["ms"]):
        print(f"{row['case']:<34} {row['bytes']:>9,} B {row['ms']:>8.1f} ms  {row['outcome']}")
    slowest = report["slowest"]
    print(f"\nslowest pathological input: {slowest['case']} {slowest['ms']:.1f} ms "
          f"(target < {TARGET_MS:.0f} ms); median article {report['median_article_ms']:.2f} ms; "
          f"over target: {len(report['over_target'])}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

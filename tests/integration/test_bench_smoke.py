"""The benchmark harness still runs end to end (bench/run.py --smoke) against the test broker.

This is not a speed test: it asserts that every measure is produced and is a positive
number, never how large it is.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from tests.integration.kafka_helpers import REPO

# Every row bench/run.py must report (the soak rows only appear with --soak).
MEASURES = [
    "compute_limit",
    "io_limit",
    "newswire_1",
    "newswire_2",
    "latency_p50",
    "latency_p95",
    "latency_p99",
    "producer_newswire",
    "producer_plain",
    "memory_peak_rss",
    "memory_rss_25",
    "memory_rss_100",
    "exactly_once",
    "extract_newswire",
    "extract_trafilatura",
    "extract_stage_offline",
    "extract_drain",
]
RATIOS = ["io_limit", "newswire_1", "newswire_2", "producer_newswire", "memory_rss_100"]


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def test_bench_smoke_produces_every_measure(bootstrap_servers: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--bootstrap", bootstrap_servers, "--json", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, f"bench/run.py --smoke failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert "compute limit" in result.stdout  # the table was printed

    report = json.loads(out.read_text())
    assert report["complete"] is True
    machine = report["machine"]
    assert machine["nproc"] >= 1 and machine["cpu_model"] and machine["python"] and machine["kafka_python"]

    measures = report["measures"]
    missing = [m for m in MEASURES if m not in measures]
    assert not missing, f"measures missing from the report: {missing}"
    for name in MEASURES:
        row = measures[name]
        if name == "exactly_once" and row.get("available") is False:
            assert row["value"] is None and "not available" in row["notes"]
            continue
        assert _positive(row["value"]), f"{name}: {row['value']!r} is not a positive number"
        assert row["unit"], name
    for name in RATIOS:
        assert _positive(measures[name]["ratio"]), f"{name}: ratio {measures[name]['ratio']!r}"
    if measures["exactly_once"].get("available"):
        assert _positive(measures["exactly_once"]["ratio"])

    # The numbers the ratios are built from are there too.
    assert _positive(measures["newswire_1"]["limit"]) and _positive(measures["newswire_2"]["scaling"])
    assert measures["latency_p50"]["offered"] > 0 and measures["latency_p50"]["processed"] > 0
    assert measures["compute_limit"]["article_set"]["languages"].get("ar", 0) > 0

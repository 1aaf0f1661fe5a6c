"""`newswire enrich articles.jsonl > out.jsonl` as a user runs it, on one core, start-up excluded.

Each round runs the real command in a child process pinned to CPU 0
(`taskset -c 0 python -m newswire enrich FILE > out.jsonl`), once on a one-article file
(the start-up: interpreter, imports, the language model, settings) and once on the
N-article file; the rate is (N - 1) / (full run - start-up run), so what is left is
reading every line, validating, enriching, encoding and writing, to the last line.
Wall time is what a user waits; CPU time (user + system of the child) is what the
process itself spent, less disturbed when other processes share the core.

Several code trees can be compared side by side: each `--code LABEL=PATH` runs with
PYTHONPATH=PATH/services (the same venv, so the same dependencies), and the rounds
alternate between them (ABAB..., BABA... on odd rounds) so that a noisy minute of a
shared machine hits both. Best and median of the rounds are reported, and the ratios.
`--python LABEL=INTERPRETER` runs that tree with another interpreter (its own venv, with
the tree's extensions compiled for it): two interpreter builds side by side.

    .venv/bin/python bench/cli_enrich_bench.py [--articles 4000] [--rounds 5]
        [--code new=. --code old=/tmp/old-lang] [--python old=/tmp/old-lang/.venv/bin/python]
        [--json bench/results/cli-enrich.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "services"))
sys.path.insert(0, str(REPO / "bench"))


def write_inputs(folder: Path, count: int) -> tuple[Path, Path, float]:
    """The N-article file and the one-article file; the mean line size in bytes.
    The articles are bench/workload.py's set; past the first pass through it each is
    `unique_variant()` (its words shuffled, a new URL): distinct articles of the same
    size and language, as a user's file holds, not near-duplicates of the first pass."""
    from workload import build_set, unique_variant

    base = build_set().articles
    articles = [base[i] if i < len(base) else unique_variant(base[i % len(base)], i) for i in range(count)]
    lines = []
    for i, article in enumerate(articles):
        fields = article.model_dump(mode="json", exclude_none=True, exclude={"id", "source", "fetched_at", "schema_version"})
        fields["url"] = fields.get("url") or f"https://bench.newswire.invalid/cli/{i}"
        lines.append(json.dumps(fields, ensure_ascii=False).encode() + b"\n")
    big, one = folder / "articles.jsonl", folder / "one.jsonl"
    big.write_bytes(b"".join(lines))
    one.write_bytes(lines[0])
    return big, one, statistics.mean(len(line) for line in lines)


def run_once(code: Path, python: str, path: Path, out: Path, cpu: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, lines written) of one `newswire enrich path > out`."""
    env = {**os.environ, "PYTHONPATH": str(code / "services")}
    command = [python, "-m", "newswire", "enrich", str(path)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", cpu, *command]
    with out.open("wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env)
        _, stderr = child.communicate()
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}: {stderr.decode(errors='replace')[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, sum(1 for _ in out.open("rb"))


def which_code(code: Path, python: str) -> tuple[str, str]:
    """Where `newswire` is imported from with this PYTHONPATH (guards against the
    editable install shadowing the tree under test), and the interpreter's version."""
    env = {**os.environ, "PYTHONPATH": str(code / "services")}
    script = "import newswire, platform; print(newswire.__file__); print(platform.python_version())"
    where, version = subprocess.run([python, "-c", script], env=env, capture_output=True, text=True,
                                    check=True).stdout.splitlines()
    return where, version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4000, help="lines in the input file")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per code tree")
    parser.add_argument("--code", action="append", metavar="LABEL=PATH",
                        help="a code tree to run (repeatable); default: this repository")
    parser.add_argument("--python", action="append", default=[], metavar="LABEL=INTERPRETER",
                        help="the interpreter for that --code tree (default: this one)")
    parser.add_argument("--cpu", default="0", help="the CPU taskset pins the command to")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    trees = dict(item.split("=", 1) for item in args.code) if args.code else {"this": str(REPO)}
    codes = {label: Path(path).resolve() for label, path in trees.items()}
    pythons = {label: sys.executable for label in codes} | dict(item.split("=", 1) for item in args.python)
    if unknown := set(pythons) - set(codes):
        raise SystemExit(f"--python for no --code tree: {', '.join(sorted(unknown))}")
    for label, code in codes.items():
        where, version = which_code(code, pythons[label])
        if not where.startswith(str(code / "services")):
            raise SystemExit(f"{label}: newswire comes from {where}, not {code}")
        print(f"{label}: {code}, Python {version} ({pythons[label]})")
    # Each child's CPU time is read as the growth of RUSAGE_CHILDREN, one child at a time.
    results: dict[str, dict[str, list[float]]] = {label: {"wall": [], "cpu": []} for label in codes}
    with tempfile.TemporaryDirectory(prefix="newswire-cli-bench-") as tmp:
        folder = Path(tmp)
        big, one, line_bytes = write_inputs(folder, args.articles)
        out = folder / "out.jsonl"
        print(f"newswire enrich on {args.articles} articles (mean line {line_bytes:,.0f} bytes), "
              f"taskset -c {args.cpu}, {args.rounds} rounds, load average {os.getloadavg()[0]:.2f}")
        order = list(codes)
        for round_no in range(args.rounds):
            for label in order if round_no % 2 == 0 else order[::-1]:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start_wall, start_cpu, start_lines = run_once(codes[label], pythons[label], one, out, args.cpu)
                start_cpu -= before.ru_utime + before.ru_stime
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                full_wall, full_cpu, lines = run_once(codes[label], pythons[label], big, out, args.cpu)
                full_cpu -= before.ru_utime + before.ru_stime
                if (start_lines, lines) != (1, args.articles):
                    raise SystemExit(f"{label}: wrote {start_lines} and {lines} lines, expected 1 and {args.articles}")
                wall_rate = (args.articles - 1) / (full_wall - start_wall)
                cpu_rate = (args.articles - 1) / (full_cpu - start_cpu)
                results[label]["wall"].append(wall_rate)
                results[label]["cpu"].append(cpu_rate)
                print(f"  round {round_no + 1} {label:<8} start-up {start_wall:5.2f} s, run {full_wall:6.2f} s: "
                      f"{wall_rate:7,.0f} articles/s wall, {cpu_rate:7,.0f} per CPU second")
    print(f"\n{'code':<10} {'best wall/s':>12} {'median wall/s':>14} {'best CPU/s':>11} {'median CPU/s':>13}")
    summary = {}
    for label, rates in results.items():
        summary[label] = {f"{kind}_{stat}": fn(rates[kind]) for kind in ("wall", "cpu")
                          for stat, fn in (("best", max), ("median", statistics.median))}
        s = summary[label]
        print(f"{label:<10} {s['wall_best']:>12,.0f} {s['wall_median']:>14,.0f} {s['cpu_best']:>11,.0f} {s['cpu_median']:>13,.0f}")
    if len(codes) > 1:
        first, *others = codes
        for label in others:
            ratios = {key: summary[first][key] / summary[label][key] for key in summary[first]}
            print(f"{first} / {label}: " + ", ".join(f"{key} {value:.2f}" for key, value in ratios.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "articles": args.articles, "mean_line_bytes": line_bytes, "rounds": args.rounds,
            "codes": {label: str(code) for label, code in codes.items()}, "pythons": pythons,
            "rates": results, "summary": summary, "python": platform.python_version(),
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

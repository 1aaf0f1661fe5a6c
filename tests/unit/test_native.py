"""The compiled enrichers (setup.py, `make native`): in use when built, and giving
exactly what the interpreted modules give on the corpus articles of eleven languages."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

# The modules where the per-token time goes (bench/enrich_bench.py).
HOT = ["newswire.core.enrichers.tokens", "newswire.core.enrichers.gazetteer", "newswire.core.enrichers.names",
       "newswire.core.enrichers.keywords", "newswire.core.enrichers.dedup", "newswire.core.enrichers.dates.extract",
       "newswire.core.textnorm"]
CORPORA = [REPO / "tests" / "corpus" / "articles.jsonl", REPO / "tests" / "corpus" / "realnews" / "written.jsonl"]


def _compiled(module: str) -> bool:
    return importlib.import_module(module).__file__.endswith(".so")  # type: ignore[union-attr]


def test_the_hot_enrichers_are_compiled_unless_turned_off() -> None:
    compiled = {m: _compiled(m) for m in HOT}
    if os.environ.get("NEWSWIRE_COMPILE") == "0":
        assert not any(compiled.values()), compiled
    else:
        assert all(compiled.values()), f"not compiled (run `make native`): {[m for m, c in compiled.items() if not c]}"


def _enrich(source_root: Path, articles: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    done = subprocess.run([sys.executable, "-m", "newswire", "enrich", str(articles)], env=env, cwd=source_root,
                          capture_output=True, text=True, timeout=240, check=True)
    out = []
    for line in done.stdout.splitlines():
        enriched = json.loads(line)
        enriched["enrichment"].pop("processed_at")
        enriched.pop("fetched_at", None)  # the time of reading, when the article has none
        out.append(enriched)
    return out


def test_compiled_and_interpreted_enrichers_agree(tmp_path: Path) -> None:
    lines = [json.dumps(json.loads(line)["article"], ensure_ascii=False)
             for corpus in CORPORA for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = tmp_path / "articles.jsonl"
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The same sources without any .so: what NEWSWIRE_COMPILE=0 installs.
    interpreted = tmp_path / "interpreted"
    shutil.copytree(REPO / "services", interpreted, ignore=shutil.ignore_patterns("*.so", "__pycache__"))

    compiled_out = _enrich(REPO / "services", articles)
    interpreted_out = _enrich(interpreted, articles)

    assert len(compiled_out) == len(lines) == 89
    for got, want in zip(compiled_out, interpreted_out, strict=True):
        assert got == want, got["title"]

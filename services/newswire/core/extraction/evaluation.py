"""Side-by-side measurement of newswire's extractor and trafilatura's, in one run:
body precision/recall/F1 on the ScrapingHub benchmark and on our labelled pages,
title and date accuracy, every field per language, and pages per CPU second.

trafilatura is optional (`pip install newswire[evaluate]`); without it only newswire runs.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newswire.core.extraction.dates import parse_timestamp
from newswire.core.extraction.metric import Counts, score
from newswire.core.extraction.page import extract_page

FIELDS = ("title", "published_day", "timezone", "modified", "authors", "attribution", "image_url",
          "image_description", "image_caption", "language", "canonical_url", "section", "tags")


@dataclass(frozen=True)
class Case:
    name: str
    page: bytes
    url: str | None
    truth: dict[str, Any]  # "body" always; the labelled set also has the other fields
    language: str | None = None


@dataclass
class Prediction:
    body: str
    fields: dict[str, Any]  # only the fields this extractor gives


@dataclass
class Run:
    """One extractor over one set of cases."""

    counts: Counts = field(default_factory=Counts)
    per_case: dict[str, Counts] = field(default_factory=dict)
    predictions: dict[str, Prediction] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    pages: int = 0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.cpu_seconds if self.cpu_seconds else 0.0


def load_benchmark(folder: Path, limit: int | None = None) -> list[Case]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    cases = []
    for key in sorted(truth)[:limit]:
        page = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        cases.append(Case(key, page, truth[key].get("url"), {"body": truth[key]["articleBody"]}))
    return cases


def load_pages(folder: Path) -> list[Case]:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return [Case(label["file"], (folder / label["file"]).read_bytes(), label.get("url"), label, label["language"])
            for label in labels]


def _newswire(page: bytes, url: str | None) -> tuple[Prediction, float]:
    start = time.process_time()
    got = extract_page(page, url)
    cpu = time.process_time() - start
    return Prediction(got.body, {
        "title": got.title, "published": got.published_at, "modified": got.modified_at,
        "authors": list(got.authors), "attribution": got.attribution, "image_url": got.image_url,
        "image_description": got.image_description, "image_caption": got.image_caption,
        "language": got.language, "canonical_url": got.canonical_url, "section": got.section,
        "tags": list(got.tags),
    }), cpu


def _trafilatura(page: bytes, url: str | None) -> tuple[Prediction, float]:
    import trafilatura

    # Timed: the body with the library's defaults, as the benchmark ran it.
    start = time.process_time()
    body = trafilatura.extract(page, url=url) or ""
    cpu = time.process_time() - start
    # Not timed: its metadata, for the field comparison.
    meta = trafilatura.extract_metadata(page, default_url=url)
    fields: dict[str, Any] = {}
    if meta is not None:
        fields = {
            "title": meta.title, "published": parse_timestamp(meta.date) if meta.date else None,
            "authors": [a.strip() for a in (meta.author or "").split(";") if a.strip()],
            "image_url": meta.image, "canonical_url": meta.url,
            "section": meta.categories[0] if meta.categories else None, "tags": list(meta.tags or []),
        }
        # Its date is a day (YYYY-MM-DD): a zone is not something it gives.
        fields["day_only"] = True
    return Prediction(body, fields), cpu


EXTRACTORS: dict[str, Callable[[bytes, str | None], tuple[Prediction, float]]] = {
    "newswire": _newswire, "trafilatura": _trafilatura,
}


def available_extractors() -> list[str]:
    names = ["newswire"]
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return names
    return names + ["trafilatura"]


def run_side_by_side(cases: list[Case], extractors: list[str]) -> dict[str, Run]:
    """Each page through every extractor in turn, so that a noisy neighbour on a shared
    machine slows them alike and the speed ratio stays fair."""
    results = {name: Run() for name in extractors}
    for case in cases:
        for name in extractors:
            prediction, cpu = EXTRACTORS[name](case.page, case.url)
            result = results[name]
            result.cpu_seconds += cpu
            result.pages += 1
            counts = score(case.truth["body"], prediction.body)
            result.counts.add(counts)
            result.per_case[case.name] = counts
            result.predictions[case.name] = prediction
    return results


def run(cases: list[Case], extractor: str) -> Run:
    return run_side_by_side(cases, [extractor])[extractor]


def _same_text(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def field_hits(case: Case, prediction: Prediction) -> dict[str, bool | None]:
    """Per field: True right, False wrong or missing, None when this extractor does not give it."""
    truth, got = case.truth, prediction.fields
    true_published = parse_timestamp(truth.get("published"))
    hits: dict[str, bool | None] = {}
    for name in FIELDS:
        key = "published" if name in ("published_day", "timezone") else name
        if key not in got or (name == "timezone" and got.get("day_only")):
            hits[name] = None
            continue
        value = got[key]
        if name == "published_day":
            hits[name] = isinstance(value, datetime) and true_published is not None and value.date() == true_published.date()
        elif name == "timezone":
            hits[name] = (isinstance(value, datetime) and true_published is not None and value.utcoffset() is not None
                          and value.utcoffset() == true_published.utcoffset())
        elif name == "modified":
            expected = parse_timestamp(truth.get("modified"))
            hits[name] = value == expected if expected else value is None
        elif name in ("authors", "tags"):
            hits[name] = [" ".join(v.split()).casefold() for v in value] == [" ".join(v.split()).casefold() for v in truth.get(name, [])]
        elif name == "language":
            hits[name] = isinstance(value, str) and value.split("-")[0].lower() == truth["language"]
        elif name == "canonical_url":
            hits[name] = value == truth.get("url")
        else:
            hits[name] = _same_text(value, truth.get(name))
    return hits


def title_and_date(cases: list[Case], result: Run) -> tuple[float, float, int]:
    """Share of pages with the exact title, share of dated pages with the right day, and how many are dated."""
    titles = days = dated = 0
    for case in cases:
        hits = field_hits(case, result.predictions[case.name])
        titles += bool(hits["title"])
        if case.truth.get("published"):
            dated += 1
            days += bool(hits["published_day"])
    return titles / len(cases) if cases else 0.0, days / dated if dated else 0.0, dated


@dataclass
class Evaluation:
    extractors: list[str]
    benchmark: dict[str, Run] = field(default_factory=dict)
    pages: dict[str, Run] = field(default_factory=dict)
    benchmark_cases: list[Case] = field(default_factory=list)
    page_cases: list[Case] = field(default_factory=list)


def evaluate(benchmark_dir: Path | None, pages_dir: Path | None, extractors: list[str],
             limit: int | None = None) -> Evaluation:
    """Every extractor on the same cases in this process, page by page in turn."""
    result = Evaluation(extractors)
    if benchmark_dir is not None:
        result.benchmark_cases = load_benchmark(benchmark_dir, limit)
    if pages_dir is not None:
        result.page_cases = load_pages(pages_dir)
    if result.benchmark_cases:
        result.benchmark = run_side_by_side(result.benchmark_cases, extractors)
    if result.page_cases:
        result.pages = run_side_by_side(result.page_cases, extractors)
    return result


def _mark(hit: bool | None) -> str:
    return "—" if hit is None else ("✓" if hit else "✗")


def _body_table(title: str, runs: dict[str, Run], cases: list[Case]) -> list[str]:
    lines = [title, f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'F1>0.9':>7} {'pages/CPU s':>11}"]
    for name, r in runs.items():
        accurate = sum(c.f1 > 0.9 for c in r.per_case.values()) / max(1, len(r.per_case))
        lines.append(f"{name:<12} {r.counts.precision:>9.3f} {r.counts.recall:>7.3f} {r.counts.f1:>6.3f} "
                     f"{accurate:>7.2f} {r.pages_per_second:>11.1f}")
    return lines


def report(ev: Evaluation) -> str:
    lines: list[str] = []
    if ev.benchmark:
        lines += _body_table(f"Body on the article-extraction benchmark ({len(ev.benchmark_cases)} pages)",
                             ev.benchmark, ev.benchmark_cases)
        if len(ev.benchmark) > 1:
            rates = [r.pages_per_second for r in ev.benchmark.values()]
            lines.append(f"speed ratio newswire/trafilatura: {rates[0] / rates[1]:.2f}x" if rates[1] else "")
        lines.append("")
    if ev.pages:
        lines += _body_table(f"Body on our labelled pages ({len(ev.page_cases)} pages, {len({c.language for c in ev.page_cases})} languages)",
                             ev.pages, ev.page_cases)
        lines.append("")
        lines.append("Title exact / publication day right (labelled pages)")
        for name, r in ev.pages.items():
            title, day, dated = title_and_date(ev.page_cases, r)
            lines.append(f"{name:<12} title {title:.0%}  day {day:.0%} of {dated} dated pages")
        lines.append("")
        lines.append("Per language: body F1, then each field (✓ right, ✗ wrong or missing, — not given by that extractor)")
        header = f"{'lang':<5} {'extractor':<12} {'F1':>5}  " + " ".join(f"{f[:8]:>8}" for f in FIELDS)
        lines.append(header)
        for case in ev.page_cases:
            for name, r in ev.pages.items():
                hits = field_hits(case, r.predictions[case.name])
                lines.append(f"{case.language:<5} {name:<12} {r.per_case[case.name].f1:>5.3f}  "
                             + " ".join(f"{_mark(hits[f]):>8}" for f in FIELDS))
        lines.append("")
        lines.append("Fields right over all labelled pages")
        for name, r in ev.pages.items():
            totals = []
            for f in FIELDS:
                page_hits = [field_hits(c, r.predictions[c.name])[f] for c in ev.page_cases]
                given = [h for h in page_hits if h is not None]
                totals.append(f"{f} {sum(given)}/{len(page_hits)}" if given else f"{f} —")
            lines.append(f"{name:<12} " + ", ".join(totals))
    return "\n".join(lines).rstrip() + "\n"

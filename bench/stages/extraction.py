"""8. Page extraction: pages per CPU second on one core, newswire and trafilatura side by
side (each page through both in turn, as `newswire evaluate-extraction` does), the extract
stage's own work offline (`pages.extract_messages`: decode, inflate, extract, validate),
and `newswire extract` draining a pre-filled pages topic on the real broker."""

from __future__ import annotations

import gzip
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from report import Results
from support import PARTITIONS, BenchError, Run, end_offsets, log, read_topic, spawn, stop, wait_drained

from newswire.core.extraction.evaluation import EXTRACTORS, available_extractors
from newswire.core.models import PAGE_SCHEMA, Source, to_json
from newswire.core.pages import Page, extract_messages, to_message
from newswire.core.pipeline import Origin
from newswire.service.kafka_io import headers, make_producer
from newswire.service.ports import free_port

BENCHMARK = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "article-extraction-benchmark" / "html"


def load_pages(limit: int | None) -> list[tuple[str, bytes]]:
    if not BENCHMARK.is_dir():
        raise BenchError(f"no benchmark pages at {BENCHMARK}")
    files = sorted(BENCHMARK.glob("*.html.gz"))[:limit]
    return [(f.name, gzip.decompress(f.read_bytes())) for f in files]


def side_by_side(pages: list[tuple[str, bytes]]) -> dict[str, float]:
    """Pages per CPU second of each extractor, pages interleaved."""
    names = available_extractors()
    cpu = dict.fromkeys(names, 0.0)
    for _, html in pages:
        for name in names:
            cpu[name] += EXTRACTORS[name](html, None)[1]
    return {name: len(pages) / cpu[name] for name in names if cpu[name]}


def page_messages(pages: list[tuple[str, bytes]], count: int) -> list[bytes]:
    fetched = datetime(2026, 1, 1, tzinfo=timezone.utc)
    out = []
    for i in range(count):
        name, html = pages[i % len(pages)]
        url = f"https://bench.example/{i}/{name}"
        out.append(to_json(to_message(Page(html, Source(name="bench", kind="web", location=url), url=url, fetched_at=fetched))))
    return out


def offline_stage_rate(values: list[bytes]) -> float:
    origins = [Origin("pages.raw")] * len(values)
    start = time.process_time()
    results = extract_messages(values, origins, max_message_bytes=10_000_000)
    return len(values) / max(time.process_time() - start, 1e-9) if results else 0.0


def drain(run: Run, values: list[bytes]) -> tuple[float, int, int]:
    """(pages/s, articles written, dead letters) of one `newswire extract` process."""
    pages, out, dlq, group = run.name("pages"), run.name("pages.articles"), run.name("pages.dlq"), run.name("extract.group")
    run.create(pages, out, dlq=dlq)
    producer = make_producer(run.settings(), batch_size=1 << 20, linger_ms=20)
    try:
        for i, value in enumerate(values):
            producer.send(pages, key=f"page:{i}".encode(), value=value, headers=headers(PAGE_SCHEMA), partition=i % PARTITIONS)
        producer.flush(timeout=300)
    finally:
        producer.close(timeout=30)
    env = {**run.env(out, "unused.enriched", "unused.dlq", "unused.group"), "NEWSWIRE_PAGES_TOPIC": pages,
           "NEWSWIRE_PAGES_DLQ_TOPIC": dlq, "NEWSWIRE_EXTRACT_GROUP_ID": group, "NEWSWIRE_METRICS_PORT": str(free_port())}
    log_path = run.workdir / "extract.log"
    proc = spawn([sys.executable, "-m", "newswire.service.cli", "extract"], env, log_path)
    try:
        wait_drained(run, group, pages, end_offsets(run.bootstrap, pages), [proc], timeout=max(180, len(values) / 10),
                     logs=[log_path])
    finally:
        stop(proc)
    read = read_topic(run.bootstrap, out)
    dead = sum(end_offsets(run.bootstrap, dlq).values())
    stamps = sorted(read.timestamps)
    if len(stamps) < 2:
        raise BenchError(f"extract wrote {len(stamps)} articles")
    return read.count / max((stamps[-1] - stamps[0]) / 1000, 1e-3), read.count, dead


def measure(run: Run, results: Results) -> None:
    smoke = run.plan.articles < 10_000
    pages = load_pages(30 if smoke else None)
    log(f"8. extraction: {len(pages)} benchmark pages, newswire and trafilatura side by side (one core, CPU time)")
    rates = side_by_side(pages)
    nw, tr = rates.get("newswire"), rates.get("trafilatura")
    results.add("extract_newswire", "extraction: newswire extract_page", nw, "pages/s/core",
                ratio=(nw / tr) if nw and tr else None, notes=f"x trafilatura; {len(pages)} pages interleaved, CPU time")
    results.add("extract_trafilatura", "extraction: trafilatura 2.3.1 extract()", tr, "pages/s/core",
                notes="same pages, same run" if tr else "trafilatura not installed")
    values = page_messages(pages, 300 if smoke else 3_000)
    offline = offline_stage_rate(values)
    results.add("extract_stage_offline", "extract stage offline (decode + extract + validate)", offline, "pages/s/core",
                notes=f"{len(values)} page messages, mean {sum(map(len, values)) // len(values):,} B on the wire")
    log(f"   newswire extract: draining {len(values):,} pages")
    rate, written, dead = drain(run, values)
    results.add("extract_drain", "newswire extract, 1 process, real broker", rate, "pages/s", ratio=rate / offline,
                notes=f"x its offline rate; {written:,} articles written, {dead} dead letters (pages without an article)")

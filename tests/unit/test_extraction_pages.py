"""The seed as a web page, the labelled multilingual set, the readers, and the quality
floor on the benchmark: figures measured in one run cannot silently regress."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
from pathlib import Path

import pytest

from newswire.core.extraction import extract_page
from newswire.core.extraction.evaluation import (
    available_extractors,
    field_hits,
    load_benchmark,
    load_pages,
    run,
    title_and_date,
)
from newswire.core.extraction.htmlfile import read_html_file
from newswire.core.models import Source
from newswire.core.sources import build_article
from newswire.core.sources.text import read_text_file
from tests.conftest import REPO, SEED

PAGES = REPO / "tests" / "pages"
BENCHMARK = REPO.parent / "shared" / "datasets" / "article-extraction-benchmark"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_seed_page_gives_what_the_wire_copy_gives():
    wire = read_text_file(SEED)
    got = extract_page((PAGES / "ar.html").read_bytes(), "https://news.example.org/ar")
    assert got.title == wire.title
    assert [_flat(p) for p in got.paragraphs] == [_flat(p) for p in wire.body.split("\n\n")]
    assert got.attribution == wire.attribution == "وكالة الأناضول"
    assert got.image_description == wire.image_description
    assert got.image_caption == wire.image_caption
    assert got.language == "ar" and got.section == "سياسة"
    assert got.published_at.isoformat() == "2024-06-24T16:05:00+03:00"
    assert got.is_accessible_for_free is True


def test_pages_are_built_from_their_sources():
    """tests/pages/*.html and labels.json are what build.py makes of articles.py and the seed."""
    spec = importlib.util.spec_from_file_location("pages_build", PAGES / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    labels = json.loads((PAGES / "labels.json").read_text(encoding="utf-8"))
    assert labels == [build.label(a) for a in build.ARTICLES]
    for article in build.ARTICLES:
        assert (PAGES / f"{article['lang']}.html").read_text(encoding="utf-8") == build.LAYOUTS[article["layout"]](article)
    assert {label["language"] for label in labels} >= {"ar", "fa", "he", "tr", "ru", "zh", "fr", "es"}


def test_labelled_pages_every_field_and_at_least_trafilatura():
    cases = load_pages(PAGES)
    ours = run(cases, "newswire")
    assert ours.counts.f1 >= 0.99
    title, day, dated = title_and_date(cases, ours)
    assert title >= 0.95 and day >= 0.90 and dated == len(cases)
    for case in cases:
        hits = field_hits(case, ours.predictions[case.name])
        wrong = [name for name, hit in hits.items() if hit is False and name not in ("section", "modified")]
        assert not wrong, (case.language, wrong)
    if "trafilatura" in available_extractors():
        assert ours.counts.f1 >= run(cases, "trafilatura").counts.f1


def require_benchmark() -> None:
    """The benchmark is public data beside the repository (CI has it); without it these
    tests fail, saying where it is expected, rather than skip."""
    if not BENCHMARK.is_dir():
        pytest.fail(f"the article-extraction benchmark is missing: expected at {BENCHMARK}", pytrace=False)


def test_benchmark_body_f1_floor():
    """Measured P 0.971, R 0.978, F1 0.974 (trafilatura 2.3.1: 0.953 in the same run); the
    target is 0.97, above every published open-source figure. Fail on any real regression."""
    require_benchmark()
    cases = load_benchmark(BENCHMARK)
    ours = run(cases, "newswire")
    assert len(cases) == 181
    assert ours.counts.f1 >= 0.970, (ours.counts.precision, ours.counts.recall)
    assert ours.counts.precision >= 0.965 and ours.counts.recall >= 0.972
    assert sum(c.f1 > 0.9 for c in ours.per_case.values()) >= 160  # 163 measured


def test_html_file_reader_plain_and_gzip(tmp_path: Path):
    html = (PAGES / "fr.html").read_bytes()
    (tmp_path / "a.html").write_bytes(html)
    (tmp_path / "b.htm.gz").write_bytes(gzip.compress(html))
    for name in ("a.html", "b.htm.gz"):
        fields = read_html_file(tmp_path / name)
        assert fields["source"] == {"name": name, "kind": "file", "location": str(tmp_path / name)}
        assert fields["attribution"] == "AFP" and fields["language"] == "fr-FR"
        article = build_article(fields, source=Source(**fields["source"]))
        assert article.title.startswith("À Lyon") and article.published_at.utcoffset().total_seconds() == 3600
        assert article.url == "https://news.example.org/fr/2025/11/05/story-fr"


def test_html_file_reader_refuses_pages_without_an_article(tmp_path: Path):
    (tmp_path / "empty.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(ValueError):
        read_html_file(tmp_path / "empty.html")
    (tmp_path / "big.html").write_bytes((PAGES / "en.html").read_bytes())
    with pytest.raises(ValueError, match="limit"):
        read_html_file(tmp_path / "big.html", max_bytes=100)


def test_warc_reader_yields_html_responses_with_uri_and_date():
    import warcio  # noqa: F401 - a test dependency: missing means failing, not skipping
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from newswire.core.extraction.warc import WarcPage, WarcSkip, iter_warc, warc_page_fields

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    records = [
        ("https://news.example.org/es", "text/html; charset=utf-8", "200 OK", (PAGES / "es.html").read_bytes()),
        ("https://news.example.org/logo.png", "image/png", "200 OK", b"\x89PNG"),
        ("https://news.example.org/gone", "text/html", "404 Not Found", b"<html></html>"),
        ("https://news.example.org/ru", "text/html", "200 OK", gzip.compress((PAGES / "ru.html").read_bytes())),
    ]
    for uri, content_type, status, payload in records:
        extra = [("Content-Encoding", "gzip")] if uri.endswith("/ru") else []
        headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers))
    buffer.seek(0)
    items = list(iter_warc(buffer))
    assert [type(i) for i in items] == [WarcPage, WarcSkip, WarcPage]
    page, skipped, encoded = items
    uri, fetched_at, html = encoded  # (target URI, fetch date, HTML bytes)
    assert uri == "https://news.example.org/ru" and html == (PAGES / "ru.html").read_bytes()  # Content-Encoding undone
    assert page.uri == "https://news.example.org/es" and page.fetched_at.tzinfo is not None
    assert skipped == WarcSkip("https://news.example.org/gone", "HTTP status 404")
    fields = warc_page_fields(page, "crawl.warc.gz")
    article = build_article(fields, source=Source(**fields["source"]))
    assert article.attribution == "EFE" and article.fetched_at == page.fetched_at
    assert article.source.location == "crawl.warc.gz#https://news.example.org/es"


def test_cli_evaluate_extraction_prints_both_extractors_side_by_side():
    import subprocess
    import sys

    require_benchmark()
    proc = subprocess.run([sys.executable, "-m", "newswire.service.cli", "evaluate-extraction", "--limit", "3"],
                          capture_output=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "Body on the article-extraction benchmark (3 pages)" in out
    assert "Body on our labelled pages (11 pages, 11 languages)" in out
    for name in available_extractors():
        assert out.count(f"\n{name} ") >= 2
    missing = subprocess.run([sys.executable, "-m", "newswire.service.cli", "evaluate-extraction", "--pages", "/nonexistent"],
                             capture_output=True, timeout=60, cwd=REPO)
    assert missing.returncode == 2 and missing.stderr.decode().count("\n") == 1


@pytest.mark.parametrize("page", [
    b"", b"   ", b"\x00\x01\x02\xff", b"<html>", "<<<>>>", b"\xff\xfe<\x00p\x00>\x00",
    "<html><body>" + "<div>" * 5000 + "<p>" + "word " * 50 + "</p>" + "</div>" * 5000 + "</body></html>",
    '<script type="application/ld+json">' + "[" * 10000 + "</script>",
    '<script type="application/ld+json">' + "[" * 1000 + "]" * 1000 + "</script><p>x</p>",
    '<script type="application/ld+json">' + '{"@graph":' * 900 + "1" + "}" * 900 + "</script><p>x</p>",
    '<meta charset="no-such-charset"><p>x</p>',
])
def test_hostile_pages_give_a_result_or_value_error(page):
    try:
        got = extract_page(page)
    except ValueError:
        return
    assert isinstance(got.body, str)

"""Page inputs through reader.py, offline: folders, article URLs, --full-text feeds."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

from newswire.core.models import RawArticle
from newswire.core.sources import SourceError
from newswire.core.sources.fetch import FetchConfig, PoliteFetcher
from newswire.core.sources.reader import ReadOptions, read_inputs, read_pages
from tests.conftest import REPO
from tests.local_http import http_server, reply

PAGES = REPO / "tests" / "pages"
EN = (PAGES / "en.html").read_bytes()


def options(full_text: bool = False) -> ReadOptions:
    return ReadOptions(full_text=full_text, fetcher=PoliteFetcher(FetchConfig(min_interval_seconds=0.0)))


def test_a_folder_yields_its_pages_plain_and_gzip(tmp_path: Path) -> None:
    shutil.copy(PAGES / "fr.html", tmp_path / "a.htm")
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(EN))
    (tmp_path / "notes.md").write_text("not an input")
    items = list(read_inputs([str(tmp_path)]))
    assert all(isinstance(i, RawArticle) for i in items) and len(items) == 2
    assert {i.attribution for i in items if isinstance(i, RawArticle)} == {"AFP", "AP"}


def test_a_url_serving_html_is_an_article_and_a_feed_url_is_a_feed() -> None:
    feed = (REPO / "tests" / "data" / "feeds" / "world.rss").read_bytes()
    routes = {"/story": lambda h: reply(h, 200, EN, Content_Type="text/html; charset=utf-8", Content_Language="en"),
              "/feed": lambda h: reply(h, 200, feed, Content_Type="application/rss+xml")}
    with http_server(routes) as (base, _):
        [page] = list(read_inputs([f"{base}/story"], options=options()))
        feed_items = list(read_inputs([f"{base}/feed"], options=options()))
        [as_page] = list(read_pages([f"{base}/story"], options()))
        [refused] = list(read_pages([f"{base}/feed"], options()))
    assert isinstance(page, RawArticle) and page.source.kind == "web" and page.attribution == "AP"
    assert len(feed_items) == 4 and all(isinstance(i, RawArticle) and i.source.kind == "feed" for i in feed_items)
    assert not isinstance(as_page, SourceError) and as_page.http_headers["content-language"] == "en"
    assert isinstance(refused, SourceError) and "publish it without --pages" in refused.reason


def _feed(base: str) -> bytes:
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Desk</title>"
            f"<item><title>Cable car opens</title><link>{base}/story</link><description>Short.</description>"
            f"<pubDate>Mon, 14 Jul 2025 09:00:00 +0000</pubDate></item>"
            f"<item><title>Gone</title><link>{base}/gone</link><description>Gone too.</description></item>"
            "</channel></rss>").encode()


def test_full_text_takes_the_page_text_and_keeps_what_the_feed_states() -> None:
    routes = {"/story": lambda h: reply(h, 200, EN, Content_Type="text/html"),
              "/feed": lambda h: reply(h, 200, _feed(f"http://127.0.0.1:{h.server.server_address[1]}"),
                                       Content_Type="application/rss+xml")}
    with http_server(routes) as (base, _):
        summary_only = list(read_inputs([f"{base}/feed"], options=options()))
        full = list(read_inputs([f"{base}/feed"], options=options(full_text=True)))
    assert [type(i) for i in summary_only] == [RawArticle, RawArticle]
    article, error = full
    assert isinstance(article, RawArticle) and isinstance(error, SourceError)
    assert article.title == "Cable car opens" and article.summary == "Short."  # the feed's
    assert article.published_at is not None and article.published_at.isoformat() == "2025-07-14T09:00:00+00:00"
    assert len(article.body) > 300 and article.attribution == "AP" and article.image and article.image.url  # the page's
    assert error.reason == f"full text of {base}/gone: HTTP 404 Not Found"


def test_enrich_reads_a_page_offline_and_a_bad_page_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>")
    proc = subprocess.run([sys.executable, "-m", "newswire.service.cli", "enrich", str(PAGES / "ar.html"), str(empty)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 1 and "وكالة الأناضول" in proc.stdout
    assert proc.stderr.splitlines() == [f"newswire enrich: {empty}: no title found in the page"]


def test_a_gzip_bomb_is_refused_without_being_inflated(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * 60_000_000))  # about 60 KB on disk
    [error] = list(read_inputs([str(bomb)]))
    assert isinstance(error, SourceError) and error.reason == "page is over the 5242880-byte limit once decompressed"

"""Pages through the real stages on a real broker: `newswire produce --pages` (or
`--full-text` feeds) -> pages.raw -> `newswire extract` -> articles.raw -> `newswire
consume` -> articles.enriched, and the extract stage under kill -9 and a broker bounce.

Bounded in count and time; HTTP servers bind 127.0.0.1 on a free port; every process
started here is stopped at teardown.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaProducer

from newswire.core.models import PAGE_SCHEMA, Source, to_json
from newswire.core.pages import Page, page_article, to_message
from tests.integration.kafka_helpers import (
    REPO,
    ServiceProcess,
    TopicSet,
    committed_offsets,
    consecutive_free_ports,
    http_get,
    read_topic,
)
from tests.integration.test_faults import FAST_GROUP, private_broker, wait_until_drained  # noqa: F401 - a fixture
from tests.local_http import Route, http_server, reply

PAGES = REPO / "tests" / "pages"
BENCHMARK_PAGES = REPO / "tests" / "data" / "pages"


class Stages:
    """Fresh topics and groups for both stages."""

    def __init__(self, bootstrap: str, name: str | None = None) -> None:
        suffix = name or uuid.uuid4().hex[:10]
        self.articles = TopicSet(bootstrap, f"pages.{suffix}.raw-articles", f"pages.{suffix}.enriched",
                                 f"pages.{suffix}.dlq", f"enrich-{suffix}")
        self.pages_topic, self.pages_dlq, self.extract_group = f"pages.{suffix}.pages", f"pages.{suffix}.pages-dlq", f"extract-{suffix}"
        # The extract stage as a TopicSet, for wait_until_drained (its input, its group).
        self.extract = TopicSet(bootstrap, self.pages_topic, self.articles.raw, self.pages_dlq, self.extract_group)

    def env(self) -> dict[str, str]:
        return {**self.articles.env(), **FAST_GROUP, "NEWSWIRE_PAGES_TOPIC": self.pages_topic,
                "NEWSWIRE_PAGES_DLQ_TOPIC": self.pages_dlq, "NEWSWIRE_EXTRACT_GROUP_ID": self.extract_group}

    def extractor(self, processes: int = 1, **env: str) -> ServiceProcess:
        port = consecutive_free_ports(processes)  # process i serves metrics on port + i
        return ServiceProcess(["extract"], {**self.env(), "NEWSWIRE_METRICS_PORT": str(port),
                                            "NEWSWIRE_PROCESSES": str(processes), **env}, port)

    def enricher(self) -> ServiceProcess:
        return ServiceProcess.consume(self.articles, extra_env=self.env())

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newswire.service.cli", *args],
                              env={**os.environ, **self.env(), "NEWSWIRE_LOG_LEVEL": "ERROR", **env},
                              capture_output=True, text=True, timeout=180, cwd=REPO)


@pytest.fixture
def running(bootstrap_servers: str) -> Iterator[tuple[Stages, list[ServiceProcess]]]:
    stages = Stages(bootstrap_servers)
    started: list[ServiceProcess] = []
    yield stages, started
    for proc in started:
        proc.kill()


def both_stages(stages: Stages, started: list[ServiceProcess]) -> None:
    for proc in (stages.extractor(), stages.enricher()):
        started.append(proc)
    for proc in started:
        proc.wait_ready(timeout=90)


def enriched_articles(stages: Stages, count: int) -> dict[str, dict]:
    records = read_topic(stages.articles.bootstrap, stages.articles.enriched, expected=count, timeout=120)
    return {json.loads(r.value)["url"] or r.key.decode(): json.loads(r.value) for r in records}


def assert_complete(article: dict) -> None:
    """What a reader of articles.enriched checks: text, title, date, image, credit."""
    assert article["title"] and len(article["body"]) > 100, article["title"]
    assert article["published_at"] and article["image"]["url"] and article["attribution"], article["url"]
    assert article["enrichment"]["word_count"] > 10


def test_a_folder_of_real_pages_comes_out_enriched(running):
    stages, started = running
    both_stages(stages, started)
    produced = stages.cli("produce", "--pages", str(BENCHMARK_PAGES), str(PAGES))
    labels = json.loads((PAGES / "labels.json").read_text())
    count = len(labels) + 3
    assert produced.returncode == 0, produced.stderr
    assert f"published {count}," in produced.stderr
    articles = enriched_articles(stages, count)
    assert len(articles) == count
    for article in articles.values():
        assert_complete(article)
    by_title = {a["title"]: a for a in articles.values()}
    for label in labels:  # the labelled pages: exactly their title, day and credit
        article = by_title[label["title"]]
        assert article["attribution"] == label["attribution"]
        assert article["published_at"][:10] == label["published"][:10]
    reuters = next(a for a in articles.values() if a["attribution"] == "Reuters")
    assert reuters["title"].startswith("New York State Attorney General investigating WeWork")
    assert reuters["published_at"] == "2019-11-19T07:03:25Z"


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, html, status in [(u, h, "200 OK") for u, h in pages] + [("https://example.org/gone", b"<html></html>", "404 Not Found")]:
            headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(html), http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2024-06-25T08:00:00Z"}))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/a.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=image))


def test_a_warc_file_comes_out_enriched(running, tmp_path: Path):
    stages, started = running
    both_stages(stages, started)
    names = ["ar", "en", "fr", "ru"]
    archive = tmp_path / "news.warc.gz"
    _warc(archive, [(f"https://news.example/{n}", (PAGES / f"{n}.html").read_bytes()) for n in names])
    produced = stages.cli("produce", "--pages", str(archive))
    # The 404 response is reported (one line), not dropped silently; the image is not a page.
    assert produced.returncode == 1
    assert produced.stderr.splitlines()[0] == f"newswire produce: {archive}#https://example.org/gone: HTTP status 404"
    assert "published 4," in produced.stderr
    articles = enriched_articles(stages, 4)
    for article in articles.values():
        assert_complete(article)
        assert article["fetched_at"] == "2024-06-25T08:00:00Z"  # WARC-Date
        assert article["source"]["location"].startswith(f"{archive}#https://news.example/")
    offline = stages.cli("enrich", str(archive))
    assert sorted(json.loads(line)["id"] for line in offline.stdout.splitlines()) == sorted(a["id"] for a in articles.values())


# -- a summary-only feed, completed with --full-text --------------------------------------


@contextmanager
def news_site(names: list[str]) -> Iterator[tuple[str, list[tuple[float, str, str]], list[str]]]:
    """A feed whose entries carry one-line summaries (one carries nothing but its link),
    the article pages, and a robots.txt that disallows /private/."""
    seen: list[tuple[float, str, str]] = []
    titles = {label["file"][:-5]: label["title"] for label in json.loads((PAGES / "labels.json").read_text())}
    pages = {f"/news/{n}": (PAGES / f"{n}.html").read_bytes() for n in names}

    def route(kind: str, body: Callable[[str], bytes]) -> Route:
        def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
            seen.append((time.monotonic(), handler.path, handler.headers.get("User-Agent", "")))
            reply(handler, 200, body(f"http://127.0.0.1:{handler.server.server_address[1]}"), Content_Type=kind)
        return answer

    def feed(base: str) -> bytes:
        items = "".join(f"<item><title>{titles[n]}</title><link>{base}/news/{n}</link>"
                        + ("" if i == 0 else f"<description>Summary of {n}.</description>") + "</item>"
                        for i, n in enumerate(names))
        items += f"<item><title>private</title><link>{base}/private/x</link><description>Members only.</description></item>"
        return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>{items}</channel></rss>".encode()

    routes = {"/robots.txt": route("text/plain", lambda _: b"User-agent: *\nDisallow: /private/\n"),
              "/feed.rss": route("application/rss+xml", feed)}
    routes.update({path: route("text/html; charset=utf-8", lambda _, html=html: html) for path, html in pages.items()})
    with http_server(routes) as (base, paths):
        yield base, seen, paths


def test_a_summary_only_feed_with_full_text_comes_out_enriched(running):
    stages, started = running
    started.append(stages.enricher())
    started[0].wait_ready(timeout=90)
    names = ["es", "he", "tr"]
    with news_site(names) as (base, seen, paths):
        produced = stages.cli("produce", "--full-text", f"{base}/feed.rss", NEWSWIRE_FETCH_CONTACT="ops@example.org",
                              NEWSWIRE_FETCH_MIN_INTERVAL_SECONDS="0.3")
    # robots.txt disallows the last entry's page: one line, and a non-zero exit.
    assert produced.returncode == 1
    lines = produced.stderr.splitlines()
    assert lines[0] == (f"newswire produce: {base}/feed.rss#entry 4: full text of {base}/private/x: "
                        "robots.txt of " + base.removeprefix("http://") + " disallows this page for newswire")
    assert "published 3," in lines[-1]
    articles = enriched_articles(stages, 3)
    labels = {label["file"]: label for label in json.loads((PAGES / "labels.json").read_text())}
    by_title = {a["title"]: a for a in articles.values()}
    for name in names:
        label = labels[f"{name}.html"]
        article = by_title[label["title"]]
        assert_complete(article)
        assert article["title"] == label["title"]
        assert label["body"].split("\n\n")[0] in article["body"]  # the page's text, not the summary
        assert len(article["body"]) > 0.9 * len(label["body"])
        assert article["source"]["kind"] == "feed"
    assert {a.get("summary") for a in articles.values()} >= {"Summary of he.", "Summary of tr."}
    agents = {agent for _, _, agent in seen}
    assert len(agents) == 1 and "ops@example.org" in agents.pop()
    assert [path for _, path, _ in seen][:2] == ["/feed.rss", "/robots.txt"]
    assert "/private/x" not in paths
    times = [t for t, _, _ in seen]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.28  # one host, one request per interval


# -- the extract stage under faults -------------------------------------------------------


def synthetic_pages(count: int, start: int = 0) -> list[Page]:
    fetched = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    out = []
    for i in range(start, start + count):
        html = (f"<html lang='en'><head><title>Harbour report {i} | Wire</title>"
                f"<meta property='og:image' content='https://img.example/{i}.jpg'>"
                f"<meta property='article:published_time' content='2025-03-01T10:{i % 60:02d}:00+01:00'></head>"
                f"<body><nav><a href='/'>Home</a></nav><article><h1>Harbour report {i}</h1>"
                f"<p>PORTSMOUTH (AP) — Shipment {i} left the harbour on Monday after the cranes were repaired and the "
                "tide allowed the larger vessels to pass the sandbar.</p>"
                + "<p>Traders said prices would stay firm while the harbour works continue through the spring.</p>" * 3
                + "</article></body></html>").encode()
        out.append(Page(html, Source(name="faults", kind="web", location=f"https://wire.example/{i}"),
                        url=f"https://wire.example/{i}", fetched_at=fetched))
    return out


def publish_pages(bootstrap: str, topic: str, pages: list[Page]) -> dict[str, str]:
    """Publish; return the article id each page must become."""
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all", linger_ms=5)
    try:
        for page in pages:
            producer.send(topic, key=f"page:{page.url}".encode(), value=to_json(to_message(page)),
                          headers=[("newswire.schema", PAGE_SCHEMA.encode())])
        producer.flush(timeout=120)
    finally:
        producer.close()
    return {page_article(page).id: page.url or "" for page in pages}


def create_stage_topics(stages: Stages, partitions: int = 6, max_message_bytes: int = 1_048_588) -> None:
    admin = KafkaAdminClient(bootstrap_servers=stages.articles.bootstrap.split(","))
    configs = {"max.message.bytes": str(max_message_bytes)}
    try:
        admin.create_topics({t: {"num_partitions": partitions, "replication_factor": 1, "configs": configs}
                             for t in (stages.pages_topic, stages.articles.raw, stages.pages_dlq)}, wait_for_metadata=True)
    finally:
        admin.close()


def check_extracted(stages: Stages, expected: dict[str, str]) -> int:
    """Every page is in articles.raw as its article; returns the duplicates."""
    records = read_topic(stages.articles.bootstrap, stages.articles.raw, expected=len(expected), timeout=180)
    ids = [r.key.decode() for r in records]
    missing = set(expected) - set(ids)
    assert not missing, f"{len(missing)} pages lost, e.g. {sorted(missing)[:5]}"
    for record in records[:50]:
        article = orjson.loads(record.value)
        assert article["attribution"] == "AP" and article["image"]["url"].startswith("https://img.example/")
    return len(ids) - len(set(ids))


def wait_committed(stages: Stages, count: float, timeout: float) -> int:
    """Pages the extract group has committed, once at least `count` (mid-stream)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sum(committed_offsets(stages.articles.bootstrap, stages.extract_group, stages.pages_topic).values())
        if done >= count:
            return done
        time.sleep(0.05)
    raise AssertionError(f"the extract group did not commit {count:.0f} pages within {timeout}s")


def test_the_extract_stage_survives_kill_9_and_loses_nothing(running):
    stages, started = running
    create_stage_topics(stages)
    expected = publish_pages(stages.articles.bootstrap, stages.pages_topic, synthetic_pages(3_000))
    kills = 0
    began = time.monotonic()
    for share in (0.25, 0.5):
        proc = stages.extractor()
        started.append(proc)
        proc.wait_ready(timeout=90)
        done = wait_committed(stages, share * len(expected), timeout=120)
        time.sleep(0.4)  # into the next batch: some of its articles written, its offsets not committed
        proc.proc.send_signal(signal.SIGKILL)
        proc.proc.wait(timeout=10)
        assert done < len(expected), "the stage finished before it could be killed mid-stream"
        kills += 1
    final = stages.extractor(processes=2)
    started.append(final)
    final.wait_ready(timeout=90)
    drained = wait_until_drained(stages.articles.bootstrap, stages.extract, timeout=240)
    duplicates = check_extracted(stages, expected)
    print(f"\n[extract kill -9] {len(expected)} pages, {kills} kills, {duplicates} duplicates, drained {drained:.1f}s "
          f"after the last (2-process) start, {time.monotonic() - began:.1f}s in all")
    assert final.stop() == 0


def test_the_extract_stage_rides_out_a_broker_bounce(private_broker):  # noqa: F811 - the imported fixture
    bootstrap, broker = private_broker
    stages = Stages(bootstrap, "bounce")
    create_stage_topics(stages)
    expected = publish_pages(bootstrap, stages.pages_topic, synthetic_pages(400))
    proc = stages.extractor(NEWSWIRE_CONNECT_TIMEOUT_SECONDS="5")
    try:
        proc.wait_ready(timeout=90)
        wait_until_drained(bootstrap, stages.extract, timeout=120)
        broker("pause")
        down = time.monotonic()
        not_ready = False
        while time.monotonic() - down < 25:
            not_ready = not_ready or http_get(proc.base_url + "/readyz")[0] == 503
            assert proc.proc.poll() is None, "the extract stage died during the outage"
            time.sleep(1)
        assert not_ready, "/readyz never said 503 while the broker was down"
        broker("resume")
        expected.update(publish_pages(bootstrap, stages.pages_topic, synthetic_pages(400, start=10_000)))
        proc.wait_ready(timeout=120)
        drained = wait_until_drained(bootstrap, stages.extract, timeout=180)
        duplicates = check_extracted(stages, expected)
        print(f"\n[extract bounce] {len(expected)} pages, {duplicates} duplicates, drained {drained:.1f}s after resume")
        assert proc.stop() == 0
    finally:
        proc.kill()


def test_bad_pages_are_dead_lettered_with_their_reason(running):
    stages, started = running
    create_stage_topics(stages, partitions=1, max_message_bytes=3_000_000)
    good = synthetic_pages(1)[0]
    empty = Page(b"<html><body><nav>Home</nav></body></html>", Source(name="t", kind="web"), url="https://wire.example/empty")
    values = [b"not json", to_json(to_message(empty)), b'{"content": "AAAA", "size": 1, "sha256": "' + b"0" * 64 + b'"}',
              b"x" * 1_100_000, to_json(to_message(good))]
    producer = KafkaProducer(bootstrap_servers=stages.articles.bootstrap.split(","), acks="all", max_request_size=2_000_000)
    for value in values:
        producer.send(stages.pages_topic, value=value)
    producer.flush(timeout=60)
    producer.close()
    proc = stages.extractor()
    started.append(proc)
    proc.wait_ready(timeout=90)
    letters = [orjson.loads(r.value) for r in read_topic(stages.articles.bootstrap, stages.pages_dlq, expected=4, timeout=60)]
    reasons = [(letter["error"]["stage"], letter["error"]["type"]) for letter in sorted(letters, key=lambda x: x["source_offset"])]
    assert reasons == [("decode", "JSONDecodeError"), ("extract", "NoArticle"), ("decode", "PageDecodeError"),
                       ("decode", "MessageTooLarge")]
    assert letters[0]["original"] == "not json"
    too_large = next(x for x in letters if x["error"]["type"] == "MessageTooLarge")
    assert too_large["original_size"] == 1_100_000 and "1100000 bytes" in too_large["error"]["message"]
    out = read_topic(stages.articles.bootstrap, stages.articles.raw, expected=1, timeout=60)
    assert orjson.loads(out[0].value)["title"] == "Harbour report 0"
    wait_until_drained(stages.articles.bootstrap, stages.extract, timeout=30)
    assert 'newswire_dead_letters_total{error_type="NoArticle",stage="extract"} 1.0' in proc.metrics()

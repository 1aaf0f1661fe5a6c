"""Hostile feeds: each one gives a clear one-line error or correct articles, in bounded
time and memory, and no local file content ever ends up in an article.

Servers are real (127.0.0.1, free port, threads in this process) and stop by themselves
when the test ends; limits are shortened with monkeypatch so every test takes seconds.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newswire.core.models import RawArticle
from newswire.core.sources import SourceError, feeds
from newswire.core.sources.reader import read_inputs
from tests.conftest import DATA
from tests.local_http import Route, http_server, reply

pytestmark = pytest.mark.timeout(60)

GOOD = str(DATA / "feeds" / "world.rss")  # 4 articles
GOOD_COUNT = 4
MB = 1024 * 1024


# --- helpers ---------------------------------------------------------------------------


def rss(title: str = "Hello", body: str = "World", *, prolog: str = "", declaration: str | None = "utf-8") -> str:
    head = f'<?xml version="1.0" encoding="{declaration}"?>\n' if declaration else ""
    return (
        f"{head}{prolog}<rss version=\"2.0\"><channel><title>Hostile</title><link>https://example.com/</link>"
        f"<description>test</description><item><title>{title}</title><link>https://example.com/a</link>"
        f"<description>{body}</description></item></channel></rss>"
    )


def hostile_then_good(location: str) -> tuple[SourceError, list[RawArticle]]:
    """Read a hostile input, then a good feed. The hostile one must be exactly one clean
    SourceError (one line, starting with its location, no traceback) and the good one's
    articles must still come out."""
    items = list(read_inputs([location, GOOD]))
    first, rest = items[0], items[1:]
    assert isinstance(first, SourceError), first
    assert first.location == location
    line = str(first)
    assert line.startswith(f"{location}: ")
    assert "\n" not in line and "Traceback" not in line and len(line) < len(location) + 400
    assert len(rest) == GOOD_COUNT and all(isinstance(i, RawArticle) for i in rest), [str(i) for i in rest]
    return first, [i for i in rest if isinstance(i, RawArticle)]


def assert_nothing_leaks(items: list[object], *markers: str) -> None:
    for item in items:
        text = item.model_dump_json() if isinstance(item, RawArticle) else str(item)
        for marker in markers:
            assert marker not in text


def _status_kb(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))  # type: ignore[union-attr]


@contextlib.contextmanager
def peak_rss_growth() -> Iterator[list[int]]:
    """Bytes the process's peak RSS grew by during the block (yielded list, filled after).
    Resets the kernel's high-water mark first (clear_refs 5) so earlier tests do not hide
    growth; falls back to getrusage's lifetime peak where that is not allowed."""
    out: list[int] = []
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_kb("VmRSS")
        yield out
        out.append((_status_kb("VmHWM") - before) * 1024)
    except OSError:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        yield out
        out.append((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)


@contextlib.contextmanager
def raw_server(talk: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A TCP server running `talk(connection, stop)` per connection; `stop` is set when
    the test is over, and every `talk` must return soon after."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)

    def talk_then_close(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            talk(conn, stop)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=talk_then_close, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.rss"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def set_limits(**values: float) -> None:
        for name, value in values.items():
            monkeypatch.setattr(feeds, name, value)
    return set_limits


# --- 1. billion laughs ------------------------------------------------------------------


def billion_laughs(*, after_comment: bool) -> bytes:
    """10^9 "lol"s (3 GB) from a few hundred bytes. `after_comment`: DTD on one line after
    a comment holding "<x>", which feedparser's own DTD-stripping regexes miss (expat then
    expands until its amplification limit: ~70 MB here, far more for a bigger document)."""
    decls = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    ]
    if after_comment:
        prolog = "<!-- <x> -->\n<!DOCTYPE rss [" + "".join(decls) + "]>\n"
    else:
        prolog = "<!DOCTYPE rss [\n" + "\n".join(decls) + "\n]>\n"
    return rss("Laughs &lol9;", "Body &lol9;", prolog=prolog).encode()


@pytest.mark.parametrize("after_comment", [False, True], ids=["classic", "after-comment"])
def test_billion_laughs_is_refused_in_bounded_memory(tmp_path: Path, after_comment: bool) -> None:
    """Documented behaviour: a clear error (entity declarations are refused), no articles."""
    document = billion_laughs(after_comment=after_comment)
    path = tmp_path / "laughs.rss"
    path.write_bytes(document)
    routes: dict[str, Route] = {"/laughs.rss": lambda h: reply(h, 200, document, Content_Type="application/rss+xml")}
    with http_server(routes) as (base, _), peak_rss_growth() as growth:
        started = time.monotonic()
        for location in (str(path), f"{base}/laughs.rss"):
            error, articles = hostile_then_good(location)
            assert "declares XML entities" in error.reason
            assert_nothing_leaks(articles, "lollol")
        elapsed = time.monotonic() - started
    assert growth[0] < 50 * MB, f"peak RSS grew by {growth[0] / MB:.0f} MB"
    assert elapsed < 5


# --- 2. external entities (XXE) ----------------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    marker = f"TOP-SECRET-{time.monotonic_ns()}"
    path = tmp_path / "secret.txt"
    path.write_text(marker)
    return path, marker


def xxe_documents(secret_path: Path, base: str) -> dict[str, bytes]:
    def with_entity(declaration: str, encoding: str = "utf-8") -> bytes:
        prolog = f"<!DOCTYPE rss [\n{declaration}\n]>\n"
        return rss("News &xxe; here", "Body &xxe; here", prolog=prolog, declaration=encoding).encode(encoding)

    return {
        "passwd": with_entity('<!ENTITY xxe SYSTEM "file:///etc/passwd">'),
        "marker-file": with_entity(f'<!ENTITY xxe SYSTEM "{secret_path.as_uri()}">'),
        "marker-one-line": rss("News &xxe;", "Body &xxe;",
                               prolog=f'<!-- <x> --><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_path.as_uri()}">]>').encode(),
        "parameter-entity": with_entity(f'<!ENTITY % p SYSTEM "{secret_path.as_uri()}">\n%p;'),
        "http-entity": with_entity(f'<!ENTITY xxe SYSTEM "{base}/steal">'),
        # The same declaration where a byte search for "<!ENTITY" would not see it.
        "utf-16": with_entity(f'<!ENTITY xxe SYSTEM "{secret_path.as_uri()}">', "utf-16"),
        "utf-7": with_entity(f'<!ENTITY xxe SYSTEM "{secret_path.as_uri()}">', "utf-7"),
    }


@pytest.mark.parametrize("case", ["passwd", "marker-file", "marker-one-line", "parameter-entity", "http-entity", "utf-16", "utf-7"])
def test_external_entities_are_refused_and_nothing_is_read(tmp_path: Path, secret: tuple[Path, str], case: str) -> None:
    secret_path, marker = secret
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0] if Path("/etc/passwd").exists() else "root:x:0:0"
    with http_server({}) as (base, seen):
        document = xxe_documents(secret_path, base)[case]
        path = tmp_path / "xxe.rss"
        path.write_bytes(document)
        error, articles = hostile_then_good(str(path))
        assert "declares XML entities" in error.reason
        assert_nothing_leaks([error, *articles], marker, passwd_line)
        assert seen == []  # the entity's URL was never requested


@pytest.mark.parametrize("dtd", ["file", "http"])
def test_an_external_dtd_is_never_loaded_and_the_feed_still_reads(tmp_path: Path, secret: tuple[Path, str], dtd: str) -> None:
    """<!DOCTYPE rss SYSTEM "..."> without entity declarations (old RSS 0.91 feeds have
    one): expat is run by feedparser with external entities off, so the DTD is neither
    read nor fetched, and the feed's articles come out."""
    secret_path, marker = secret
    with http_server({}) as (base, seen):
        system_id = secret_path.as_uri() if dtd == "file" else f"{base}/evil.dtd"
        path = tmp_path / "dtd.rss"
        path.write_text(rss("Plain title", "Plain body", prolog=f'<!DOCTYPE rss SYSTEM "{system_id}">\n'))
        items = list(read_inputs([str(path)]))
        assert len(items) == 1 and isinstance(items[0], RawArticle), items
        assert (items[0].title, items[0].body) == ("Plain title", "Plain body")
        assert_nothing_leaks(items, marker)
        assert seen == []


def test_a_feed_whose_content_is_a_local_path_is_not_opened(tmp_path: Path, secret: tuple[Path, str]) -> None:
    """feedparser.parse(bytes) opens the bytes as a file name when such a file exists:
    a server answering "/some/local/feed.xml" would have had that file published."""
    _, marker = secret
    local_feed = tmp_path / "private.rss"
    local_feed.write_text(rss(marker, marker))
    routes: dict[str, Route] = {"/path": lambda h: reply(h, 200, str(local_feed).encode(), Content_Type="application/rss+xml")}
    pointer = tmp_path / "pointer.rss"
    pointer.write_bytes(str(local_feed).encode())
    with http_server(routes) as (base, _):
        for location in (str(pointer), f"{base}/path"):
            error, articles = hostile_then_good(location)
            assert "not an RSS or Atom feed" in error.reason
            assert_nothing_leaks([error, *articles], marker)


# --- 3. very large feeds -----------------------------------------------------------------


@pytest.fixture(scope="module")
def big_feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid ~30 MB RSS feed, written in pieces."""
    path = tmp_path_factory.mktemp("big") / "big.rss"
    item = "<item><title>Item {0}</title><link>https://example.com/{0}</link><description>" + "Lorem ipsum dolor sit amet. " * 36 + "</description></item>\n"
    with path.open("w") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>')
        for start in range(0, 27_000, 1000):
            out.write("".join(item.format(i) for i in range(start, start + 1000)))
        out.write("</channel></rss>")
    assert path.stat().st_size > 28 * MB
    return path


def test_a_large_feed_file_is_refused_after_reading_only_the_limit(big_feed: Path, limits: Callable[..., None]) -> None:
    limits(MAX_FEED_BYTES=2 * MB)
    with peak_rss_growth() as growth:
        started = time.monotonic()
        error, _ = hostile_then_good(str(big_feed))
        elapsed = time.monotonic() - started
    assert error.reason == f"feed larger than {2 * MB} bytes"
    assert elapsed < 5
    assert growth[0] < 20 * MB, f"peak RSS grew by {growth[0] / MB:.0f} MB"  # the 30 MB were not read


def _stream_file(path: Path, *, content_length: bool) -> Route:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        if content_length:
            h.send_header("Content-Length", str(path.stat().st_size))
        h.end_headers()
        with path.open("rb") as source, contextlib.suppress(OSError):
            while chunk := source.read(64 * 1024):
                h.wfile.write(chunk)
    return route


def test_a_large_served_feed_is_refused(big_feed: Path, limits: Callable[..., None]) -> None:
    limits(MAX_FEED_BYTES=2 * MB)
    routes = {"/sized.rss": _stream_file(big_feed, content_length=True), "/unsized.rss": _stream_file(big_feed, content_length=False)}
    with http_server(routes) as (base, _), peak_rss_growth() as growth:
        started = time.monotonic()
        sized, _ = hostile_then_good(f"{base}/sized.rss")
        unsized, _ = hostile_then_good(f"{base}/unsized.rss")
        elapsed = time.monotonic() - started
    assert sized.reason == f"feed larger than {2 * MB} bytes (Content-Length {big_feed.stat().st_size})"
    assert unsized.reason == f"feed larger than {2 * MB} bytes"
    assert elapsed < 5
    assert growth[0] < 20 * MB, f"peak RSS grew by {growth[0] / MB:.0f} MB"


def test_a_feed_within_the_limit_is_read(tmp_path: Path, limits: Callable[..., None]) -> None:
    limits(MAX_FEED_BYTES=2 * MB)
    item = "<item><title>Item {0}</title><link>https://example.com/{0}</link><description>Body {0}</description></item>"
    document = '<rss version="2.0"><channel><title>Mid</title>' + "".join(item.format(i) for i in range(2000)) + "</channel></rss>"
    assert 0.1 * MB < len(document) < 2 * MB
    path = tmp_path / "mid.rss"
    path.write_text(document)
    started = time.monotonic()
    articles = list(read_inputs([str(path)]))
    assert len(articles) == 2000 and all(isinstance(a, RawArticle) for a in articles)
    assert time.monotonic() - started < 20


# --- 4, 5. servers that never answer, or trickle ----------------------------------------


def _silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(30)


@pytest.mark.parametrize(("timeout", "deadline", "expected"), [
    (2.0, 60.0, "timed out: the server sent nothing for 2 s"),
    (10.0, 2.0, "no complete response within 2 s"),
])
def test_a_server_that_never_answers(limits: Callable[..., None], timeout: float, deadline: float, expected: str) -> None:
    limits(FETCH_TIMEOUT=timeout, FETCH_DEADLINE=deadline)
    with raw_server(_silent) as url:
        started = time.monotonic()
        error, _ = hostile_then_good(url)
        elapsed = time.monotonic() - started
    assert error.reason == expected
    assert 1.5 < elapsed < 4


def _trickle(head: bytes, every: float) -> Callable[[socket.socket, threading.Event], None]:
    """Send `head`, then one byte every `every` seconds until the test is over."""
    def talk(conn: socket.socket, stop: threading.Event) -> None:
        conn.recv(65536)
        conn.sendall(head)
        while not stop.wait(every):
            conn.sendall(b"a")
    return talk


@pytest.mark.parametrize(("head", "every"), [
    (b"", 0.3),  # even the status line, one byte at a time
    (b"HTTP/1.1 200 OK\r\nX-Slow: ", 0.3),  # an endless header
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n", 0.05),  # a 100 KB body
], ids=["status-line", "headers", "body"])
def test_a_server_trickling_bytes_is_cut_by_the_total_deadline(limits: Callable[..., None], head: bytes, every: float) -> None:
    """Every byte arrives well within the per-read timeout, so only the deadline stops it."""
    limits(FETCH_TIMEOUT=1.0, FETCH_DEADLINE=2.0)
    with raw_server(_trickle(head, every)) as url:
        started = time.monotonic()
        error, _ = hostile_then_good(url)
        elapsed = time.monotonic() - started
    assert error.reason == "no complete response within 2 s"
    assert 1.5 < elapsed < 4


def test_a_closed_port_is_a_clear_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    error, _ = hostile_then_good(f"http://127.0.0.1:{port}/feed.rss")
    assert error.reason.startswith("cannot fetch feed:") and "refused" in error.reason.lower()


@pytest.mark.parametrize("url", ["http://[::1/feed.rss", "http:///feed.rss", "http://127.0.0.1:99999/feed.rss", "http://exa mple.com/\x00"])
def test_malformed_urls_are_clear_errors(url: str) -> None:
    error, _ = hostile_then_good(url)
    assert error.reason.startswith("cannot fetch feed: ")


def test_a_chunked_response_is_read() -> None:
    body = Path(GOOD).read_bytes()

    def talk(conn: socket.socket, stop: threading.Event) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n")
        for start in range(0, len(body), 1000):
            piece = body[start:start + 1000]
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        conn.sendall(b"0\r\n\r\n")

    with raw_server(talk) as url:
        items = list(read_inputs([url]))
    assert len(items) == GOOD_COUNT and all(isinstance(i, RawArticle) for i in items)


# --- 6. redirects -------------------------------------------------------------------------


def _redirect(location: str, status: int = 302) -> Route:
    return lambda h: reply(h, status, b"", Location=location)


def _good_feed(h: http.server.BaseHTTPRequestHandler) -> None:
    reply(h, 200, Path(GOOD).read_bytes(), Content_Type="application/rss+xml")


def test_redirect_loops_and_long_chains_stop_at_the_limit() -> None:
    assert feeds.MAX_REDIRECTS == 5
    routes: dict[str, Route] = {"/loop": _redirect("/loop"), "/feed": _good_feed}
    for n in range(1, 7):  # /chain1 -> /chain2 -> ... -> /chain6 -> /feed: 6 redirects
        routes[f"/chain{n}"] = _redirect(f"/chain{n + 1}" if n < 6 else "/feed", 301 if n % 2 else 307)
    with http_server(routes) as (base, seen):
        started = time.monotonic()
        loop, _ = hostile_then_good(f"{base}/loop")
        assert loop.reason == "too many redirects (more than 5)"
        assert seen.count("/loop") == 6  # the request and 5 redirects, then it stops
        long_chain, _ = hostile_then_good(f"{base}/chain1")
        assert long_chain.reason == "too many redirects (more than 5)"
        assert time.monotonic() - started < 3
        five = list(read_inputs([f"{base}/chain2"]))  # exactly 5 redirects: fine
        assert len(five) == GOOD_COUNT and all(isinstance(i, RawArticle) for i in five)
        assert all(i.source.location == f"{base}/chain2" for i in five if isinstance(i, RawArticle))


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/feed.rss", "data:text/plain,hello"])
def test_redirects_to_other_schemes_are_refused(target: str) -> None:
    with http_server({"/feed": _redirect(target)}) as (base, _):
        error, _ = hostile_then_good(f"{base}/feed")
    assert error.reason == f"redirect to {target}: only http and https URLs are allowed"


# --- 7. not a feed -------------------------------------------------------------------------


HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>Our news</h1>"
    b"<p>Read&nbsp;all about it.</p><ul><li><a href='/a'>A story</a></li></ul></body></html>"
)


def test_an_html_page_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "page.rss"
    path.write_bytes(HTML_PAGE)
    routes: dict[str, Route] = {"/news": lambda h: reply(h, 200, HTML_PAGE, Content_Type="text/html; charset=utf-8")}
    with http_server(routes) as (base, _):
        served, _ = hostile_then_good(f"{base}/news")
    # A URL serving HTML is read as an article page (issue 13); this one holds no article.
    assert served.reason == "no article text found in the page"
    as_file, _ = hostile_then_good(str(path))
    assert as_file.reason == "not an RSS or Atom feed"


# --- 8. legacy encodings --------------------------------------------------------------------


ENCODED = {
    "windows-1256": ("الحكومة تعلن موازنة جديدة للعام المقبل", "قال وزير المالية إن الموازنة تركز على الصحة والتعليم."),
    "iso-8859-1": ("Élections à Besançon : le maire sortant réélu", "Après un débat très animé, les électeurs ont voté « oui » à 62 %."),
    "koi8-r": ("Новости дня: в Москве открылся фестиваль", "Фестиваль продлится до конца недели, ещё ожидаются гости."),
}


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_legacy_encoding_declared_in_the_prolog(tmp_path: Path, encoding: str) -> None:
    title, body = ENCODED[encoding]
    path = tmp_path / "legacy.rss"
    path.write_bytes(rss(title, body, declaration=encoding).encode(encoding))
    assert title.encode("utf-8") not in path.read_bytes()  # really not UTF-8
    [article] = list(read_inputs([str(path)]))
    assert isinstance(article, RawArticle), article
    assert (article.title, article.body) == (title, body)


@pytest.mark.parametrize("content_type", ["application/rss+xml; charset={}", "text/xml; charset={}"])
@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_legacy_encoding_declared_only_in_the_http_header(encoding: str, content_type: str) -> None:
    title, body = ENCODED[encoding]
    document = rss(title, body, declaration=None).encode(encoding)
    routes: dict[str, Route] = {"/feed": lambda h: reply(h, 200, document, Content_Type=content_type.format(encoding))}
    with http_server(routes) as (base, _):
        [article] = list(read_inputs([f"{base}/feed"]))
    assert isinstance(article, RawArticle), article
    assert (article.title, article.body) == (title, body)


# --- 9. HTTP errors, gzip, gzip bombs -------------------------------------------------------


@pytest.mark.parametrize(("status", "reason"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (403, "HTTP 403 Forbidden")])
def test_http_error_statuses_are_named(status: int, reason: str) -> None:
    with http_server({"/feed": lambda h: reply(h, status, b"<html>oops</html>", Content_Type="text/html")}) as (base, _):
        error, _ = hostile_then_good(f"{base}/feed")
    assert error.reason == reason


def test_a_gzip_encoded_feed_is_read() -> None:
    packed = gzip.compress(Path(GOOD).read_bytes())
    routes: dict[str, Route] = {"/feed": lambda h: reply(h, 200, packed, Content_Type="application/rss+xml", Content_Encoding="gzip")}
    with http_server(routes) as (base, _):
        items = list(read_inputs([f"{base}/feed"]))
    assert len(items) == GOOD_COUNT and all(isinstance(i, RawArticle) for i in items)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """~4.7 MB of gzip that inflates to 1 GiB of zeros (about a second to make)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    bomb = b"".join(packer.compress(block) for _ in range(1024)) + packer.flush()
    assert len(bomb) < 10 * MB
    return bomb


def test_a_gzip_bomb_is_refused_without_inflating_it(gzip_bomb: bytes, limits: Callable[..., None]) -> None:
    limits(MAX_FEED_BYTES=8 * MB)  # more than the compressed size: the inflated size is what trips
    routes: dict[str, Route] = {"/feed": lambda h: reply(h, 200, gzip_bomb, Content_Type="application/rss+xml", Content_Encoding="gzip")}
    with http_server(routes) as (base, _), peak_rss_growth() as growth:
        started = time.monotonic()
        error, _ = hostile_then_good(f"{base}/feed")
        elapsed = time.monotonic() - started
    assert error.reason == f"feed larger than {8 * MB} bytes once decompressed"
    assert elapsed < 3
    assert growth[0] < 50 * MB, f"peak RSS grew by {growth[0] / MB:.0f} MB"


@pytest.mark.parametrize(("encoding", "body", "reason"), [
    ("br", b"\x00" * 10, "unsupported Content-Encoding 'br'"),
    ("gzip", gzip.compress(b"<rss>" * 1000)[:-6], "gzip body is truncated"),
    ("gzip", b"this is not gzip", "cannot fetch feed: Error -3 while decompressing data: incorrect header check"),
], ids=["brotli", "truncated-gzip", "not-gzip"])
def test_bad_content_encodings_are_clear_errors(encoding: str, body: bytes, reason: str) -> None:
    routes: dict[str, Route] = {"/feed": lambda h: reply(h, 200, body, Content_Type="application/rss+xml", Content_Encoding=encoding)}
    with http_server(routes) as (base, _):
        error, _ = hostile_then_good(f"{base}/feed")
    assert error.reason == reason


# --- fetch_url keeps its role --------------------------------------------------------------


def test_fetch_url_returns_the_body_and_honours_explicit_limits() -> None:
    body = Path(GOOD).read_bytes()
    with http_server({"/feed": _good_feed}) as (base, _):
        assert feeds.fetch_url(f"{base}/feed") == body
        assert feeds.fetch_url(f"{base}/feed", timeout=5, max_bytes=len(body), deadline=5) == body
        with pytest.raises(feeds.FeedError, match=f"larger than {len(body) - 1} bytes"):
            feeds.fetch_url(f"{base}/feed", max_bytes=len(body) - 1)
    with pytest.raises(feeds.FeedError, match="only http and https"):
        feeds.fetch_url("file:///etc/passwd")


def test_parse_feed_never_treats_its_input_as_a_location(tmp_path: Path) -> None:
    local = tmp_path / "local.rss"
    local.write_text(rss("Local", "file"))
    for data in (str(local), str(local).encode(), local.as_uri()):
        with pytest.raises(feeds.FeedError, match="not an RSS or Atom feed"):
            feeds.parse_feed(data)


# --- 10. the CLI: one line per hostile input, and it goes on --------------------------------


def test_the_cli_prints_one_line_per_hostile_input_and_goes_on(tmp_path: Path, secret: tuple[Path, str]) -> None:
    secret_path, marker = secret
    laughs, xxe, page = tmp_path / "laughs.rss", tmp_path / "xxe.rss", tmp_path / "page.atom"
    laughs.write_bytes(billion_laughs(after_comment=True))
    xxe.write_bytes(xxe_documents(secret_path, "http://127.0.0.1:9")["marker-file"])
    page.write_bytes(HTML_PAGE)
    with http_server({"/gone": lambda h: reply(h, 404)}) as (base, _):
        inputs = [str(laughs), str(xxe), str(page), f"{base}/gone", GOOD]
        proc = subprocess.run([sys.executable, "-m", "newswire.service.cli", "enrich", *inputs], capture_output=True,
                              timeout=60, env={**os.environ, "NEWSWIRE_LOG_LEVEL": "ERROR"})
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == GOOD_COUNT
    entities = "refused: the feed declares XML entities (<!ENTITY>), which can expand without bound or read local files"
    assert proc.stderr.decode().splitlines() == [
        f"newswire enrich: {laughs}: {entities}",
        f"newswire enrich: {xxe}: {entities}",
        f"newswire enrich: {page}: not an RSS or Atom feed",
        f"newswire enrich: {base}/gone: HTTP 404 Not Found",
    ]
    assert marker.encode() not in proc.stdout + proc.stderr

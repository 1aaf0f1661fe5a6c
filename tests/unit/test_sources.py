from datetime import timedelta

from newswire.models import RawArticle
from newswire.sources import SourceError
from newswire.sources.reader import read_inputs
from tests.conftest import DATA


def test_rss_feed_entries_become_plain_text_articles():
    items = list(read_inputs([str(DATA / "feeds" / "world.rss")]))
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert len(articles) == 4, [str(i) for i in items if isinstance(i, SourceError)]
    for article in articles:
        assert article.source.kind == "feed"
        assert article.url and article.url.startswith("https://")
        # The feed's own offset is kept (+0100, -0500...), not only the instant.
        assert article.published_at is not None and article.published_at.utcoffset() is not None
        assert article.published_at_assumed_timezone is None
        for text in (article.title, article.body, article.summary or ""):
            assert "<" not in text and "&amp;" not in text
            assert "alert(1)" not in text
    assert any(a.authors for a in articles)
    assert any(len(a.tags) >= 2 for a in articles)
    assert any(a.image and a.image.url for a in articles)
    offsets = {a.published_at.utcoffset() for a in articles if a.published_at}
    assert offsets == {timedelta(0), timedelta(hours=1), timedelta(hours=-5)}


def test_atom_feed_in_arabic():
    articles = list(read_inputs([str(DATA / "feeds" / "arabic.atom")]))
    assert len(articles) == 3 and all(isinstance(a, RawArticle) for a in articles)
    for article in articles:
        assert article.language == "ar"
        assert article.published_at is not None and article.published_at.tzinfo is not None
        assert "\n\n" in article.body  # paragraphs kept
        assert "<p>" not in article.body


def test_jsonl_fills_in_what_the_producer_derives():
    articles = list(read_inputs([str(DATA / "articles.jsonl")]))
    assert len(articles) == 5 and all(isinstance(a, RawArticle) for a in articles)
    assert all(a.source.kind == "jsonl" and a.schema_version == 1 and a.fetched_at for a in articles)
    assert len({a.id for a in articles}) == 5


def test_bad_jsonl_lines_are_reported_with_line_numbers_and_the_rest_goes_on():
    items = list(read_inputs([str(DATA / "bad.jsonl")]))
    errors = [i for i in items if isinstance(i, SourceError)]
    assert [e.location for e in errors] == [f"{DATA / 'bad.jsonl'}:2", f"{DATA / 'bad.jsonl'}:3"]
    assert "not JSON" in errors[0].reason
    assert errors[1].reason == "body: Field required"
    assert sum(isinstance(i, RawArticle) for i in items) == 2


def test_unknown_paths_and_types_are_errors(tmp_path):
    (tmp_path / "notes.md").write_text("hello")
    [missing] = list(read_inputs([str(tmp_path / "nope.txt")]))
    assert isinstance(missing, SourceError)
    [unknown] = list(read_inputs([str(tmp_path / "notes.md")]))
    assert isinstance(unknown, SourceError) and "unknown file type" in unknown.reason
    assert list(read_inputs([str(tmp_path)])) == []  # folders only pick known extensions


def test_not_utf8_text_file_is_an_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Titre\n\nCafé crème".encode("latin-1"))
    [item] = list(read_inputs([str(path)]))
    assert isinstance(item, SourceError) and "not UTF-8" in item.reason


def test_a_non_feed_is_an_error(tmp_path):
    path = tmp_path / "page.xml"
    path.write_text("<html><body>not a feed</body></html>")
    items = list(read_inputs([str(path)]))
    assert len(items) == 1 and isinstance(items[0], SourceError)


def test_feed_from_an_http_url(tmp_path):
    """Feeds are fetched over http(s) by URL; served here from a local server."""
    import functools
    import http.server
    import threading

    (tmp_path / "world.rss").write_bytes((DATA / "feeds" / "world.rss").read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        items = list(read_inputs([f"{base}/world.rss"]))
        assert len(items) == 4 and all(isinstance(i, RawArticle) for i in items)
        assert all(i.source.location == f"{base}/world.rss" for i in items)
        [missing] = list(read_inputs([f"{base}/missing.rss"]))
        assert isinstance(missing, SourceError) and "404" in missing.reason
    finally:
        server.shutdown()
        server.server_close()

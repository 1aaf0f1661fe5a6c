import pytest

from newswire.core.enrich import EnrichmentError, sanitize_article
from newswire.core.enrichers.sanitize import sanitize_text
from tests.unit.test_models import validate


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>News",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>News",
        "&lt;script&gt;alert(1)&lt;/script&gt;News",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;News",
        "<img src=x onerror=alert(1)>News",
        "<a href=\"javascript:alert(1)\">News</a>",
        "<style>body{display:none}</style>News",
        "<svg onload=alert(1)>News",
        "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>News",
        "News javascript:alert(1)",
        "<!-- comment -->News",
    ],
)
def test_no_markup_or_script_survives(dirty):
    clean = sanitize_text(dirty)
    lowered = clean.lower()
    for bad in ("<script", "<img", "<svg", "<style", "<iframe", "onerror", "onload", "javascript:", "alert(1)", "<!--"):
        assert bad not in lowered, (dirty, clean)
    assert "News" in clean


@pytest.mark.parametrize("text", ["a < b and c > d", "AT&T", "نص عربي عادي", "5 > 3", "Q&A: what next?", "x<y"])
def test_plain_text_is_unchanged(text):
    assert sanitize_text(text) == text


def test_every_text_field_of_an_article_is_sanitised():
    dirty = validate(
        title="<b>Title</b><script>x()</script>", body="<p>Body</p><img src=x onerror=alert(1)>",
        summary="<i>sum</i>", attribution="<a href='javascript:x'>AFP</a>", authors=["<b>Jane</b>"],
        tags=["<script>t</script>", "tag"], image={"description": "<b>d</b>", "caption": "c<script>x</script>"},
    )
    clean, changed = sanitize_article(dirty)
    assert changed
    assert (clean.title, clean.body, clean.summary, clean.attribution) == ("Title", "Body", "sum", "AFP")
    assert clean.authors == ["Jane"] and clean.tags == ["tag"]
    assert (clean.image.description, clean.image.caption) == ("d", "c")


def test_clean_article_is_returned_as_is():
    article = validate()
    assert sanitize_article(article) == (article, False)


def test_nothing_left_is_an_error():
    with pytest.raises(EnrichmentError):
        sanitize_article(validate(title="<script>alert(1)</script>"))

"""Pages on the wire (PageMessage) and the extract stage's outcomes, without Kafka."""

from __future__ import annotations

import orjson

from newswire.core.models import PageMessage, Source, to_json
from newswire.core.pages import Page, extract_messages, from_message, page_article, to_message
from newswire.core.pipeline import Origin
from tests.conftest import REPO

EN = (REPO / "tests" / "pages" / "en.html").read_bytes()


def page() -> Page:
    return Page(EN, Source(name="t", kind="web", location="https://x.example/a"), url="https://x.example/a",
                http_headers={"Content-Type": "text/html", "Set-Cookie": "secret"})


def test_a_page_survives_the_wire_compressed_and_keeps_only_harmless_headers() -> None:
    message = to_message(page())
    wire = to_json(message)
    assert len(wire) < len(EN)  # gzip, even after base64
    back = from_message(PageMessage.model_validate_json(wire))
    assert back.html == EN and back.http_headers == {"content-type": "text/html"}


def test_the_stage_and_the_offline_reader_give_the_same_article() -> None:
    [result] = extract_messages([to_json(to_message(page()))], [Origin("pages.raw", 1_700_000_000_000)],
                                max_message_bytes=1_000_000)
    assert result.failure is None and result.article is not None
    assert result.article == page_article(page(), fetched_at=result.article.fetched_at)


def test_bad_page_messages_fail_with_a_reason() -> None:
    tampered = orjson.loads(to_json(to_message(page())))
    tampered["sha256"] = "0" * 64
    values = [None, b"{", orjson.dumps({"content": "x"}), orjson.dumps(tampered), b"y" * 200_000]
    results = extract_messages(values, [Origin("pages.raw")] * len(values), max_message_bytes=100_000)
    assert [(r.failure.stage, r.failure.type) for r in results if r.failure] == [
        ("decode", "EmptyMessage"), ("decode", "JSONDecodeError"), ("validate", "ValidationError"),
        ("decode", "PageDecodeError"), ("decode", "MessageTooLarge")]
    assert "does not match its sha256" in results[3].failure.message

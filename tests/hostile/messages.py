"""Hostile messages sent straight to articles.raw, with what must become of each.

`dlq:<stage>` — a dead letter at that stage, with the exact original bytes (or, over the
size limit, the first 64 KiB, the size and the SHA-256); `enriched` — an enriched article
with every text field sanitised; `either` — one of the two, when both are defensible
(noted why). Built by code so the bytes are exact and reviewable.
"""

from __future__ import annotations

from datetime import datetime, timezone

import orjson

from newswire.ids import article_id

FETCHED = datetime(2026, 3, 1, tzinfo=timezone.utc).isoformat()
BODY = ("وقال البيان إن الجانبين بحثا التطورات السياسية والميدانية في قطاع غزة، "
        "وجهود وقف إطلاق النار، وفق ما أعلنته الحركة في موسكو.\n\nوأضاف أن اللقاء تناول الوضع الإنساني.")


def article(**changes) -> dict:
    base = {"title": "حماس تبحث مع موسكو سبل وقف الحرب", "body": BODY,
            "source": {"name": "hostile", "kind": "api"}, "fetched_at": FETCHED}
    base.update(changes)
    if "id" not in changes:
        base["id"] = article_id(title=str(base.get("title", "")), body=str(base.get("body", "")),
                                url=base.get("url") if isinstance(base.get("url"), str) else None)
    return base


def encode(value: dict) -> bytes:
    return orjson.dumps(value)


SCRIPT = "<script>alert(1)</script>"
MB = 1024 * 1024
# Under the consumer's limit (set to 5 MB by the test), so it parses; 3 million characters
# is over the contract's 2 million, so it fails validation.
SEVERAL_MB_BODY = "news " * 600_000
# 1.5 million characters (3 MB): valid, and within what the enriched topic accepts.
LARGE_VALID_BODY = "و" * (3 * MB // 2)

CASES: list[tuple[str, bytes, str]] = [
    ("not json", b"breaking news: nothing to see", "dlq:decode"),
    ("truncated json", encode(article())[:60], "dlq:decode"),
    ("invalid utf-8", b'{"title": "caf\xe9 \xff\xfe"}', "dlq:decode"),
    ("overlong utf-8", b'{"title": "\xc0\xaf"}', "dlq:decode"),
    ("utf-8 bom", b"\xef\xbb\xbf" + encode(article()), "dlq:decode"),
    ("empty", b"", "dlq:decode"),
    ("only whitespace", b" \n\t\r ", "dlq:decode"),
    ("trailing garbage", encode(article()) + b" trailing", "dlq:decode"),
    ("json array", b"[1, 2, 3]", "dlq:validate"),
    ("json number", b"42", "dlq:validate"),
    ("json string", b'"an article"', "dlq:validate"),
    ("json null", b"null", "dlq:validate"),
    ("deeply nested", b'{"a":' * 5000 + b"1" + b"}" * 5000, "dlq:decode"),
    # Last value wins, as in most parsers; the id then has to match the content.
    ("duplicate keys", encode(article())[:-1] + b', "title": "x"}', "either"),
    ("wrong type title", encode(article(title=123)), "dlq:validate"),
    ("wrong type authors", encode(article(authors="one author")), "dlq:validate"),
    ("missing body", encode({k: v for k, v in article().items() if k != "body"}), "dlq:validate"),
    ("missing everything", b"{}", "dlq:validate"),
    ("unknown field", encode(article(priority="urgent")), "dlq:validate"),
    ("huge unknown field", encode(article(junk=list(range(100_000)))), "dlq:validate"),
    ("number overflow", encode(article())[:-1] + b', "x": 1e999}', "dlq:validate"),
    ("title too long", encode(article(title="ع" * 5000)), "dlq:validate"),
    ("too many tags", encode(article(tags=["t"] * 10_000)), "dlq:validate"),
    ("body of several megabytes", encode(article(body=SEVERAL_MB_BODY)), "dlq:validate"),
    # The enriched topic newswire creates takes twice the raw limit, so this is enriched.
    ("valid body too large to enrich", encode(article(body=LARGE_VALID_BODY)), "enriched"),
    ("over the size limit", encode(article(body="و" * (3 * MB))), "dlq:decode"),
    ("schema version 2", encode(article(schema_version=2)), "dlq:validate"),
    ("javascript url", encode(article(url="javascript:alert(1)")), "dlq:validate"),
    ("data url", encode(article(url="data:text/html,<script>alert(1)</script>")), "dlq:validate"),
    ("file url", encode(article(url="file:///etc/passwd")), "dlq:validate"),
    ("javascript image url", encode(article(image={"url": "javascript:alert(1)"})), "dlq:validate"),
    ("year 0", encode(article(published_at="0000-01-01T00:00:00Z")), "dlq:validate"),
    # Read in NEWSWIRE_DEFAULT_TIMEZONE, and flagged as assumed.
    ("no timezone", encode(article(published_at="2024-06-24T10:00:00")), "enriched"),
    ("not a date", encode(article(published_at="yesterday")), "dlq:validate"),
    # A far-future date is a valid timestamp; whether it is plausible is the reader's call.
    ("year 9999", encode(article(published_at="9999-12-31T23:59:59Z")), "either"),
    # A client's own id is its stable key: kept, whatever the content.
    ("id not matching content", encode(article(id="0123456789abcdef")), "enriched"),
    ("malformed id", encode(article(id="../../etc/passwd")), "dlq:validate"),
    ("nul bytes", encode(article(title="حماس\x00 تبحث مع موسكو")), "enriched"),
    ("control characters", encode(article(body=BODY + "\x07\x1b[31m\x08")), "enriched"),
    ("bidi override in title", encode(article(title="\u202eموسكو تبحث سبل وقف الحرب\u202c")), "enriched"),
    ("zero-width characters", encode(article(body=BODY.replace(" ", " \u200b"))), "enriched"),
    ("script in title", encode(article(title=f"حماس تبحث{SCRIPT} مع موسكو")), "enriched"),
    ("script in body", encode(article(body=BODY + SCRIPT)), "enriched"),
    ("escaped script in body", encode(article(body=BODY + "&lt;script&gt;alert(1)&lt;/script&gt;")), "enriched"),
    ("event handler in summary", encode(article(summary='<img src=x onerror="alert(1)">ملخص')), "enriched"),
    ("script in authors", encode(article(authors=[f"<b>كاتب</b>{SCRIPT}"])), "enriched"),
    ("script in tags", encode(article(tags=[f"{SCRIPT}غزة", "موسكو"])), "enriched"),
    ("script in attribution", encode(article(attribution=f'<a href="javascript:alert(1)">الأناضول</a>')), "enriched"),
    ("script in image caption", encode(article(image={"caption": f"صورة{SCRIPT}", "description": "<style>x</style>وصف"})), "enriched"),
    ("only markup in title", encode(article(title=SCRIPT)), "dlq:enrich"),
    ("a good article", encode(article()), "enriched"),
]

"""The benchmark's articles: one fixed set of ~3 KB raw articles in several languages.

Built from `seeds/` and `tests/corpus/articles.jsonl` (raw articles through
`newswire.sources.build_article`, as `newswire produce` would make them). An article
whose body is under `MIN_BODY_BYTES` gets the body of the next article of the same
detected language appended (two bodies at most), so the set averages about 3 KB.

Every benchmark stage cycles through this same set, so the compute limit, the I/O
limit and the consumer all see the same bytes. Article ids therefore repeat every
`len(set)` messages, which keeps the in-memory near-duplicate index at `len(set)`
entries, exactly as in the compute-limit measurement. (Copies of one body under
*different* ids are not used: each would be a near-duplicate of its first copy, a
duplicate-only stream that the compute-limit loop does not see.)
"""

from __future__ import annotations

import json
import random
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newswire.enrichers.language import detect_language
from newswire.models import RawArticle, Source
from newswire.models import to_json
from newswire.scripts import dominant_script
from newswire.sources import build_article
from newswire.sources.reader import read_inputs
from newswire.textnorm import strip_arabic_marks

REPO = Path(__file__).resolve().parents[1]
MIN_BODY_BYTES = 2400
# A fixed fetched_at keeps the set byte-identical between stages of one run.
FETCHED_AT = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ArticleSet:
    articles: list[RawArticle]
    values: list[bytes]  # to_json(article): the raw message value
    languages: list[str]  # detected language of each article

    @property
    def keys(self) -> list[bytes]:
        return [a.id.encode() for a in self.articles]

    def describe(self) -> dict:
        return {
            "articles": len(self.articles),
            "mean_message_bytes": round(statistics.mean(len(v) for v in self.values)),
            "mean_body_bytes": round(statistics.mean(len(a.body.encode()) for a in self.articles)),
            "min_body_bytes": min(len(a.body.encode()) for a in self.articles),
            "max_body_bytes": max(len(a.body.encode()) for a in self.articles),
            "languages": dict(Counter(self.languages).most_common()),
        }


def _language(article: RawArticle) -> str:
    text = strip_arabic_marks(f"{article.title}\n\n{article.body}")
    return detect_language(text, dominant_script(text))[0]


def _base_articles() -> list[RawArticle]:
    articles = [a for a in read_inputs([str(REPO / "seeds")]) if isinstance(a, RawArticle)]
    corpus = REPO / "tests" / "corpus" / "articles.jsonl"
    source = Source(name="corpus", kind="jsonl")
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            articles.append(build_article(json.loads(line)["article"], source=source))
    return articles


def _fields(article: RawArticle) -> dict:
    data = article.model_dump(mode="json", exclude_none=True)
    data.pop("id", None)
    data["fetched_at"] = FETCHED_AT.isoformat()
    return data


def build_set() -> ArticleSet:
    base = _base_articles()
    by_language: dict[str, list[RawArticle]] = defaultdict(list)
    for article in base:
        by_language[_language(article)].append(article)
    out: list[RawArticle] = []
    for group in by_language.values():
        for i, article in enumerate(group):
            fields = _fields(article)
            if len(article.body.encode()) < MIN_BODY_BYTES and len(group) > 1:
                partner = group[(i + 1) % len(group)]
                fields["body"] = f"{article.body}\n\n{partner.body}"
            out.append(build_article(fields, source=article.source))
    seen: set[str] = set()
    unique = []
    for article in out:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    random.Random(7).shuffle(unique)  # languages interleaved in the stream
    return ArticleSet(unique, [to_json(a) for a in unique], [_language(a) for a in unique])


# -- variants -------------------------------------------------------------------

_FETCHED_RE = re.compile(rb'"fetched_at":"[^"]*"')


def with_fetched_at(value: bytes, when: datetime) -> bytes:
    """The same raw message with another fetched_at (a unique per-message marker that
    the enriched article carries through unchanged)."""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
    out, n = _FETCHED_RE.subn(b'"fetched_at":"' + stamp + b'"', value, count=1)
    assert n == 1
    return out


def marker_time(seq: int, base: datetime = datetime(2030, 1, 1, tzinfo=timezone.utc)) -> datetime:
    """Distinct fetched_at per sequence number (microsecond steps)."""
    return base + timedelta(microseconds=seq + 1)


def unique_variant(article: RawArticle, seq: int) -> RawArticle:
    """A distinct article of the same size, language and vocabulary: the words of every
    paragraph shuffled (so its near-duplicate signature is new) and a unique URL (so
    its id is new). Used by the soak run, where the duplicate index must grow as it
    would in production."""
    rng = random.Random(seq)
    paragraphs = []
    for paragraph in article.body.split("\n\n"):
        words = paragraph.split()
        rng.shuffle(words)
        paragraphs.append(" ".join(words))
    fields = _fields(article)
    fields["body"] = "\n\n".join(paragraphs)
    fields["url"] = f"https://bench.newswire.invalid/soak/{seq}"
    return build_article(fields, source=article.source)


def write_jsonl(path: Path, articles: list[RawArticle], count: int) -> None:
    """A JSON Lines input for `newswire produce`: `count` articles cycling through the
    set, each with a unique URL (ids derive from it, so none is skipped as seen)."""
    with path.open("wb") as out:
        for i in range(count):
            article = articles[i % len(articles)]
            fields = article.model_dump(mode="json", exclude_none=True,
                                        exclude={"id", "source", "fetched_at", "schema_version"})
            fields["url"] = f"https://bench.newswire.invalid/{i}"
            out.write(json.dumps(fields, ensure_ascii=False).encode() + b"\n")

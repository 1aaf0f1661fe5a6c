"""Enrichment: from a validated raw article to the enriched article.

Every step is a pure function of the article (see `enrichers/`), except the
near-duplicate index, which is state by nature and is passed in explicitly.
`enrich_many` runs the steps stage by stage over a batch (the consumer's way, for the
CPU caches); `enrich` is the same for one article.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newswire import PIPELINE_VERSION
from newswire.core.enrichers.config import EnrichmentConfig
from newswire.core.enrichers.counts import (
    count_chars,
    count_paragraphs,
    count_sentences,
    count_words,
    reading_time_seconds,
)
from newswire.core.enrichers.dates import DateMention, extract_dates
from newswire.core.enrichers.dedup import DuplicateIndex, signature
from newswire.core.enrichers.gazetteer import (
    PLACE_KINDS,
    Entity,
    EntityCount,
    Mention,
    default_gazetteer,
    group,
    group_by_kinds,
    known_mentions,
)
from newswire.core.enrichers.keywords import STOPWORD_LANGUAGES, extract_keywords, stopwords
from newswire.core.enrichers.language import detect_language, primary_subtag
from newswire.core.enrichers.names import Name, NamedEntity, find_names, merge
from newswire.core.enrichers.names import lexicon as names_lexicon
from newswire.core.enrichers.sanitize import sanitize_text
from newswire.core.enrichers.tokens import Tokens, tokenize, tokenize_plain, words_of
from newswire.core.ids import content_hash
from newswire.core.models import DateRef, EnrichedArticle, Enrichment, EntityRef, Keyword, RawArticle, construct, utc_now
from newswire.core.scripts import direction, dominant_script
from newswire.core.textnorm import strip_arabic_marks

_DEFAULT_CONFIG = EnrichmentConfig()
# The youngest GC generation is collected when the containers allocated since its last
# collection, less those freed, exceed this (700 by default); warm_up() sets it.
GC_YOUNG_THRESHOLD = 100_000
_ORGS = frozenset({"organization"})
_PEOPLE = frozenset({"person"})
_AGENCIES = frozenset({"agency"})


class EnrichmentError(ValueError):
    """The article cannot be enriched (e.g. nothing is left of it after sanitising)."""


def sanitize_article(article: RawArticle) -> tuple[RawArticle, bool]:
    """The article with markup removed from every free-text field; whether anything changed."""
    update: dict[str, object] = {}
    for name in ("title", "body", "summary", "attribution"):
        value = getattr(article, name)
        if value is not None and (clean := sanitize_text(value)) != value:
            update[name] = clean
    for name in ("authors", "tags"):
        values = getattr(article, name)
        cleaned = [sanitize_text(v) for v in values]
        if cleaned != values:
            update[name] = [v for v in cleaned if v.strip()]
    if article.image is not None:
        image_update = {f: sanitize_text(v) for f in ("description", "caption")
                        if (v := getattr(article.image, f)) is not None and sanitize_text(v) != v}
        if image_update:
            update["image"] = article.image.model_copy(update=image_update)
    if not update:
        return article, False
    cleaned_article = article.model_copy(update=update)
    if not cleaned_article.title.strip() or not cleaned_article.body.strip():
        raise EnrichmentError("nothing is left of the title or body after removing markup")
    return cleaned_article, True


def date_reference(article: RawArticle) -> datetime | None:
    """published_at; else fetched_at only for feeds and APIs, whose entries are fresh.
    A file read today may be years old: resolving its dates against today would lie."""
    if article.published_at is not None:
        return article.published_at
    if article.source.kind in ("feed", "api"):
        return article.fetched_at
    return None


@dataclass(slots=True)
class _Work:
    """One article between the stages of enrich_many()."""

    article: RawArticle
    sanitized: bool
    full: str  # title + blank line + body, as written (sanitised)
    plain: str  # the same without Arabic marks
    plain_title: str
    script: str
    # What keywords, entities, dates and signatures look at: `full` and `plain`, or
    # their first analysis_max_chars characters for a longer article.
    scan_full: str
    scan_plain: str
    language: str = "und"
    confidence: float = 0.0
    tokens: Tokens | None = None  # of scan_plain
    title_tokens: int = 0
    tail_words: int = 0  # words of plain beyond scan_plain
    mentions: list[Mention] = field(default_factory=list)
    found: list[Name] = field(default_factory=list)  # people and organisations found by form
    names: list[NamedEntity] = field(default_factory=list)  # the same, merged with the gazetteer's
    attribution_agencies: list[EntityCount] = field(default_factory=list)  # the agencies of the attribution line
    keywords: list[Keyword] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)
    signature: tuple[int, ...] | None = None

    @property
    def truncated(self) -> bool:
        return len(self.scan_plain) < len(self.plain)


def _prefix(text: str, limit: int) -> str:
    """The first `limit` characters of `text`, not ending inside a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space > limit // 2 else cut


def _start(article: RawArticle, config: EnrichmentConfig) -> _Work:
    article, sanitized = sanitize_article(article)
    full = f"{article.title}\n\n{article.body}"
    # Marks are deleted character by character, so the plain text is the plain title and
    # the plain body joined the same way (_finish relies on it for the body's characters).
    plain_title = strip_arabic_marks(article.title)
    plain = f"{plain_title}\n\n{strip_arabic_marks(article.body)}"
    limit = config.analysis_max_chars
    return _Work(article, sanitized, full, plain, plain_title, dominant_script(plain),
                 _prefix(full, limit), _prefix(plain, limit))


def _language(w: _Work) -> None:
    w.language, w.confidence = detect_language(w.plain, w.script)


def _tokens(w: _Work) -> None:
    w.tokens = tokenize_plain(w.scan_plain)
    if w.truncated:
        # Beyond the analysed part the words are extrapolated from its words per character:
        # counting a megabyte word by word alone cost 30 to 60 ms, over the per-message
        # budget (bench/pathological.py); analysis_truncated says the count is estimated.
        # Per visible character, so a flood of spaces or newlines adds no words.
        density = count_words(w.tokens.surface, w.scan_plain) / max(count_chars(w.scan_plain), 1)
        w.tail_words = round(density * count_chars(w.plain[len(w.scan_plain):]))
    w.title_tokens = len(words_of(w.plain_title))  # the title's share of the tokens


def _places(w: _Work) -> None:
    assert w.tokens is not None
    w.mentions = known_mentions(w.tokens)


def _names(w: _Work) -> None:
    assert w.tokens is not None
    w.found = find_names(w.scan_plain, w.tokens, w.language)


def _merge(w: _Work) -> None:
    gazetteer = default_gazetteer()
    w.mentions, w.names = merge(w.mentions, w.found, gazetteer, w.scan_plain)
    if w.article.attribution:
        w.attribution_agencies = group(gazetteer.find(tokenize(w.article.attribution)), _AGENCIES)


def _keywords(w: _Work) -> None:
    assert w.tokens is not None
    w.keywords = [construct(Keyword, {"term": k.term, "score": k.score, "count": k.count})
                  for k in extract_keywords(w.tokens, w.title_tokens, w.language)]


def _dates_of(w: _Work) -> None:
    w.dates = _dates(extract_dates(w.scan_full, reference=date_reference(w.article), language=w.language))


def _signature(w: _Work) -> None:
    assert w.tokens is not None
    w.signature = signature(w.tokens.folded)


# Stage by stage over a batch, not article by article: each stage's tables (the fastText
# model, the gazetteer, stopwords, caches) then stay in the CPU caches for the whole
# batch. `make bench-enrich` shows a step running up to 2x slower between the others.
# After _language, which tells each article's language.
_STAGES: tuple[Callable[[_Work], None], ...] = (_tokens, _places, _names, _merge, _keywords, _dates_of)


def _run(stage: Callable[[_Work], None], work: list[tuple[int, _Work]], out: list[EnrichedArticle | Exception | None]) -> None:
    """The stage on each article not failed yet; an article that fails gets its exception."""
    for i, w in work:
        if out[i] is None:
            try:
                stage(w)
            except Exception as exc:  # noqa: BLE001 - one article's failure is its own
                out[i] = exc


def enrich_many(
    articles: Sequence[RawArticle],
    config: EnrichmentConfig | None = None,
    *,
    now: datetime | None = None,
    dedup: DuplicateIndex | None = None,
) -> list[EnrichedArticle | Exception]:
    """enrich() of each article, in order; an article that fails gets its exception in
    its place (EnrichmentError, or an enricher's bug) and the others go on. Near-duplicates
    are checked in input order, so the outcome is the same as one enrich() after another."""
    s = config or _DEFAULT_CONFIG
    out: list[EnrichedArticle | Exception | None] = [None] * len(articles)
    work: list[tuple[int, _Work]] = []
    for i, article in enumerate(articles):
        try:
            work.append((i, _start(article, s)))
        except Exception as exc:  # noqa: BLE001 - one article's failure is its own
            out[i] = exc
    _run(_language, work, out)
    # The later stages take the articles language by language (a stable sort: in input
    # order within one): each language's tables (stopwords, given names, the verdicts on
    # its words) then stay in the CPU caches across its articles. Near-duplicates are
    # still checked in input order, in _finish.
    by_language = sorted(work, key=lambda item: item[1].language)
    for stage in _STAGES if dedup is None else (*_STAGES, _signature):
        _run(stage, by_language, out)
    for i, w in work:
        if out[i] is None:
            try:
                out[i] = _finish(w, s, now, dedup)
            except Exception as exc:  # noqa: BLE001
                out[i] = exc
    return out  # type: ignore[return-value]  # every slot is filled by now


def enrich(
    article: RawArticle,
    config: EnrichmentConfig | None = None,
    *,
    now: datetime | None = None,
    dedup: DuplicateIndex | None = None,
) -> EnrichedArticle:
    """The enriched article: raw fields (sanitised) plus `enrichment`."""
    [result] = enrich_many([article], config, now=now, dedup=dedup)
    if isinstance(result, Exception):
        raise result
    return result


def _finish(w: _Work, s: EnrichmentConfig, now: datetime | None, dedup: DuplicateIndex | None) -> EnrichedArticle:
    article, tokens, language = w.article, w.tokens, w.language
    assert tokens is not None
    duplicate = None
    if dedup is not None and w.signature is not None:
        duplicate = dedup.check_and_add(article.id, w.signature)
    words = count_words(tokens.surface, w.scan_plain) + w.tail_words
    paragraphs = count_paragraphs(article.body)
    declared = primary_subtag(article.language)
    # The matching form is the folded words joined by single spaces: what search and
    # matching want (no case, marks, letter variants or punctuation), at no extra cost.
    places, organizations, people, agencies = group_by_kinds(w.mentions, (PLACE_KINDS, _ORGS, _PEOPLE, _AGENCIES))
    normalized_title = " ".join(tokens.folded[:w.title_tokens])
    normalized_body = " ".join(tokens.folded[w.title_tokens:])
    enrichment = construct(Enrichment, dict(
        language=language,
        language_confidence=w.confidence,
        declared_language=article.language,
        language_mismatch=bool(declared and language != "und" and declared != language),
        script=w.script,
        direction=direction(w.script),
        word_count=words,
        sentence_count=count_sentences(article.body, paragraphs),
        paragraph_count=paragraphs,
        char_count=count_chars(w.plain[len(w.plain_title) + 2:]),
        reading_time_seconds=reading_time_seconds(words, language, s.reading_wpm, s.default_wpm),
        normalized_title=normalized_title,
        normalized_body=normalized_body if s.include_normalized_body else None,
        # Beyond the analysed part the hash takes the text as written (marks removed):
        # folding a megabyte word by word is what the bound on analysis avoids.
        content_hash=content_hash(normalized_title, normalized_body + "\n" + w.plain[len(w.scan_plain):]
                                  if w.truncated else normalized_body),
        keywords=w.keywords,
        places=_refs(places),
        organizations=_refs(organizations, [n for n in w.names if n.kind == "organization"]),
        people=_refs(people, [n for n in w.names if n.kind == "person"]),
        dates=w.dates,
        agencies=list(dict.fromkeys(a.entity.name for a in agencies + w.attribution_agencies)),
        duplicate_of=duplicate.duplicate_of if duplicate else None,
        similarity=duplicate.similarity if duplicate else None,
        sanitized=w.sanitized,
        published_at_assumed_timezone=article.published_at_assumed_timezone,
        analysis_truncated=w.truncated,
        processed_at=now or utc_now(),
        pipeline_version=PIPELINE_VERSION,
    ))
    return construct(EnrichedArticle, {**article.__dict__, "enrichment": enrichment})


def warm_up(young_threshold: int = GC_YOUNG_THRESHOLD) -> None:
    """Load the enrichers' data now rather than on the first article, then hide every
    object alive so far from the cyclic garbage collector (gc.freeze): the gazetteer and
    the world's places, the given names, the stopword lists and the models' schemas are tens of thousands of long-lived
    objects that each collection would otherwise traverse again. Measured: about 9%
    more articles per CPU second (bench/README.md). Then the youngest generation is
    collected when `young_threshold` more containers are alive than at its last collection,
    instead of 700: an article allocates thousands of short-lived containers (tokens,
    counters, models) that reference counting frees anyway, and each young collection
    walked them again; 3.5% more articles per CPU second (984 -> 1,019/s, the two
    thresholds interleaved in one process). A collection walks every young container
    still alive, so the threshold should be well above what one enrich_many() call
    keeps alive (about 90 per article until it returns).
    For long-running services and `newswire enrich`."""
    default_gazetteer()
    names_lexicon()
    detect_language("Warming up the language model with a sentence of ordinary prose.", "Latn")
    for language in STOPWORD_LANGUAGES:
        stopwords(language)
    gc.collect()
    gc.freeze()
    gc.set_threshold(young_threshold, *gc.get_threshold()[1:])


def _source(entity: Entity) -> str:
    """EntityRef.found_by of a gazetteer entity: the curated list, GeoNames, or a built list."""
    return entity.found_by or ("gazetteer" if entity.curated else "listed" if entity.sector else "geonames")


def _refs(counts: list[EntityCount], found: Sequence[NamedEntity] = ()) -> list[EntityRef]:
    """The gazetteer's entities, then those found by form or context (named as written),
    most mentioned first."""
    refs = [construct(EntityRef, {"id": c.entity.id, "name": c.entity.name, "kind": c.entity.kind,
                                  "country": c.entity.country, "count": c.count, "adjective_count": c.adjective_count,
                                  "found_by": _source(c.entity)})
            for c in counts]
    refs += [construct(EntityRef, {"id": n.id, "name": n.name, "kind": n.kind, "country": None, "count": n.count,
                                   "adjective_count": 0, "found_by": n.method})
             for n in sorted(found, key=lambda n: -n.count)]
    return refs


def _dates(mentions: list[DateMention]) -> list[DateRef]:
    seen: set[str] = set()
    out: list[DateRef] = []
    for m in mentions:
        if m.value not in seen:
            seen.add(m.value)
            out.append(construct(DateRef, {"text": m.text, "value": m.value, "resolved": m.resolved, "kind": m.kind}))
    return out

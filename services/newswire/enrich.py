"""Enrichment: from a validated raw article to the enriched article.

Every step is a pure function of the article (see `enrichers/`), except the
near-duplicate index, which is state by nature and is passed in explicitly.
"""

from __future__ import annotations

from datetime import datetime

from newswire import PIPELINE_VERSION
from newswire.enrichers.counts import count_chars, count_paragraphs, count_sentences, count_words, reading_time_seconds
from newswire.enrichers.dates import extract_dates
from newswire.enrichers.dedup import DuplicateIndex, signature
from newswire.enrichers.gazetteer import PLACE_KINDS, default_gazetteer, group
from newswire.enrichers.keywords import extract_keywords
from newswire.enrichers.language import detect_language, primary_subtag
from newswire.enrichers.sanitize import sanitize_text
from newswire.enrichers.tokens import tokenize, tokenize_plain
from newswire.ids import content_hash_of
from newswire.models import DateRef, EnrichedArticle, Enrichment, EntityRef, Keyword, RawArticle, utc_now
from newswire.scripts import direction, dominant_script
from newswire.settings import Settings
from newswire.textnorm import strip_arabic_marks

_DEFAULT_SETTINGS = Settings()
_ORGS = frozenset({"organization"})
_PEOPLE = frozenset({"person"})
_AGENCIES = frozenset({"agency"})


class EnrichmentError(ValueError):
    """The article cannot be enriched (e.g. nothing is left of it after sanitising)."""


def sanitize_article(article: RawArticle) -> tuple[RawArticle, bool]:
    """The article with markup removed from every free-text field; whether anything changed."""
    update: dict[str, object] = {}
    for field in ("title", "body", "summary", "attribution"):
        value = getattr(article, field)
        if value is not None and (clean := sanitize_text(value)) != value:
            update[field] = clean
    for field in ("authors", "tags"):
        values = getattr(article, field)
        cleaned = [sanitize_text(v) for v in values]
        if cleaned != values:
            update[field] = [v for v in cleaned if v.strip()]
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


def enrich(
    article: RawArticle,
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    dedup: DuplicateIndex | None = None,
) -> EnrichedArticle:
    """The enriched article: raw fields (sanitised) plus `enrichment`."""
    s = settings or _DEFAULT_SETTINGS
    article, sanitized = sanitize_article(article)
    full = f"{article.title}\n\n{article.body}"
    plain = strip_arabic_marks(full)

    script = dominant_script(plain)
    language, confidence = detect_language(plain, script)
    declared = primary_subtag(article.language)

    tokens = tokenize_plain(plain)
    plain_title = strip_arabic_marks(article.title)
    title_tokens = len(tokenize_plain(plain_title).folded)
    words = count_words(tokens.surface)

    gazetteer = default_gazetteer()
    mentions = gazetteer.find(tokens)
    agencies = group(mentions, _AGENCIES)
    if article.attribution:
        agencies += group(gazetteer.find(tokenize(article.attribution)), _AGENCIES)

    duplicate = None
    if dedup is not None and (sig := signature(tokens.folded)) is not None:
        duplicate = dedup.check_and_add(article.id, sig)

    # The matching form is the folded words joined by single spaces: what search and
    # matching want (no case, marks, letter variants or punctuation), at no extra cost.
    normalized_title = " ".join(tokens.folded[:title_tokens])
    normalized_body = " ".join(tokens.folded[title_tokens:])
    dates = extract_dates(full, reference=date_reference(article), language=language)
    enrichment = Enrichment.model_construct(
        language=language,
        language_confidence=confidence,
        declared_language=article.language,
        language_mismatch=bool(declared and language != "und" and declared != language),
        script=script,
        direction=direction(script),
        word_count=words,
        sentence_count=count_sentences(article.body),
        paragraph_count=count_paragraphs(article.body),
        # Marks are deleted character by character, so plain = plain title + "\n\n" + plain body.
        char_count=count_chars(plain[len(plain_title) + 2:]),
        reading_time_seconds=reading_time_seconds(words, language, s.reading_wpm, s.default_wpm),
        normalized_title=normalized_title,
        normalized_body=normalized_body if s.include_normalized_body else None,
        content_hash=content_hash_of(normalized_title, normalized_body),
        keywords=[Keyword.model_construct(term=k.term, score=k.score, count=k.count)
                  for k in extract_keywords(tokens, title_tokens, language)],
        places=_refs(group(mentions, PLACE_KINDS)),
        organizations=_refs(group(mentions, _ORGS)),
        people=_refs(group(mentions, _PEOPLE)),
        dates=_dates(dates),
        agencies=list(dict.fromkeys(a.entity.name for a in agencies)),
        duplicate_of=duplicate.duplicate_of if duplicate else None,
        similarity=duplicate.similarity if duplicate else None,
        sanitized=sanitized,
        processed_at=now or utc_now(),
        pipeline_version=PIPELINE_VERSION,
    )
    return EnrichedArticle.model_construct(**dict(article), enrichment=enrichment)


def _refs(counts) -> list[EntityRef]:
    return [EntityRef.model_construct(id=c.entity.id, name=c.entity.name, kind=c.entity.kind,
                                      country=c.entity.country, count=c.count, adjective_count=c.adjective_count)
            for c in counts]


def _dates(mentions) -> list[DateRef]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        if m.value not in seen:
            seen.add(m.value)
            out.append(DateRef.model_construct(text=m.text, value=m.value, resolved=m.resolved, kind=m.kind))
    return out

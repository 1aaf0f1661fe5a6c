"""One web page in, one article out: `extract_page`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswire.core.extraction.body import extract_body
from newswire.core.extraction.credits import dateline_agency, split_credit
from newswire.core.extraction.metadata import read_metadata
from newswire.core.extraction.parse import parse_html


@dataclass(frozen=True)
class ExtractedPage:
    """What a news page says: its main text and what it states about itself."""

    title: str | None
    body: str  # paragraphs separated by one blank line; "" when none was found
    url: str | None = None
    canonical_url: str | None = None
    summary: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None  # aware when the page gives a zone
    modified_at: datetime | None = None
    image_url: str | None = None
    image_description: str | None = None
    image_caption: str | None = None
    language: str | None = None  # as declared: <html lang>, og:locale, inLanguage
    site_name: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    is_accessible_for_free: bool | None = None
    attribution: str | None = None  # credit line or wire agency
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n") if self.body else []

    def raw_fields(self) -> dict[str, Any]:
        """Fields of a raw article (the v1 contract) that the page supports. The
        producer adds `source` and `fetched_at`. A date the page gives without a zone
        goes out without one: `intake.complete()` reads it in NEWSWIRE_DEFAULT_TIMEZONE
        and says so in `published_at_assumed_timezone`, rather than this code guessing."""
        fields: dict[str, Any] = {"title": self.title or "", "body": self.body}
        url = self.canonical_url or self.url
        if url:
            fields["url"] = url
        if self.summary:
            fields["summary"] = self.summary[:10_000]
        if self.authors:
            fields["authors"] = [a[:500] for a in self.authors]
        if self.published_at:
            fields["published_at"] = self.published_at.isoformat()
        if self.language:
            fields["language"] = self.language
        if self.attribution:
            fields["attribution"] = self.attribution[:500]
        if self.image_url or self.image_description or self.image_caption:
            image: dict[str, Any] = {}
            if self.image_url and self.image_url.lower().startswith(("http://", "https://")):
                image["url"] = self.image_url
            if self.image_description:
                image["description"] = self.image_description[:2000]
            if self.image_caption:
                image["caption"] = self.image_caption[:2000]
            if image:
                fields["image"] = image
        tags = list(self.tags)
        if self.section and self.section not in tags:
            tags.insert(0, self.section)
        if tags:
            fields["tags"] = [t[:500] for t in tags[:200]]
        return fields


def extract_page(page: bytes | str, url: str | None = None) -> ExtractedPage:
    """Extract one page. Raises ValueError when it holds no HTML."""
    root = parse_html(page)
    meta = read_metadata(root, url)  # first: the body step strips the tree
    paragraphs = extract_body(root)
    if not paragraphs and meta.article_body:
        # Script-rendered pages may hold their text only in JSON-LD articleBody.
        paragraphs = [p.strip() for p in meta.article_body.split("\n") if p.strip()]
    paragraphs, credit = split_credit(paragraphs)
    # What the text says beats the site's metadata: a closing credit names the agency.
    attribution = credit or meta.credit or (dateline_agency(paragraphs[0]) if paragraphs else None)
    # Image captions that the page writes inside the text are not body text.
    # Nor is the headline, when the article container repeats it.
    paragraphs = [p for p in paragraphs if p not in (meta.image_caption, meta.title)]
    return ExtractedPage(
        title=meta.title,
        body="\n\n".join(paragraphs),
        url=url,
        canonical_url=meta.canonical_url,
        summary=meta.summary,
        authors=tuple(meta.authors),
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        image_url=meta.image_url,
        image_description=meta.image_description,
        image_caption=meta.image_caption,
        language=meta.language,
        site_name=meta.site_name,
        section=meta.section,
        tags=tuple(meta.tags),
        is_accessible_for_free=meta.is_accessible_for_free,
        attribution=attribution,
    )

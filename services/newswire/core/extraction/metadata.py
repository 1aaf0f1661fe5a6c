"""What a page states about itself: JSON-LD first, then OpenGraph and other <meta>
tags, then markup (<time>, <h1>, <figure>), then the URL.

Read from the intact tree, before the main-text step strips it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from newswire.core.extraction.dates import date_from_url, date_in_text, parse_timestamp
from newswire.core.extraction.jsonld import article_object, jsonld_objects, names_of, text_of, types_of

_SPACE_RE = re.compile(r"\s+")
# "Headline | Site", "Headline - Site", "Site: Headline".
_TITLE_SPLIT_RE = re.compile(r"\s+[|\-–—·:»]\s+|\s*\|\s*")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "published_time",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "article.published",
    "article_date_original", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "date", "cxenseparse:recs:publishtime", "originalpublicationdate",
)
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "modified_time",
    "datemodified", "lastmod", "last-modified", "dcterms.modified", "article.updated",
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")


@dataclass
class PageMeta:
    title: str | None = None
    summary: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    image_url: str | None = None
    image_description: str | None = None
    image_caption: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    is_accessible_for_free: bool | None = None
    credit: str | None = None  # as the page's metadata names it (creditText, sourceOrganization)
    article_body: str | None = None  # JSON-LD articleBody, when the page gives one


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    if "&" in text:  # JSON-LD and meta content escaped twice: "&#8216;", "&amp;"
        text = html.unescape(text)
    text = _SPACE_RE.sub(" ", text).strip()
    return text or None


def _meta_tags(root: etree._Element) -> dict[str, list[str]]:
    """<meta> content by lowercased property/name/itemprop, in page order."""
    tags: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), []).append(content.strip())
    return tags


def _first(tags: dict[str, list[str]], keys: tuple[str, ...] | list[str]) -> str | None:
    for key in keys:
        for value in tags.get(key, ()):
            if value:
                return value
    return None


def _text(el: etree._Element) -> str | None:
    return _clean(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def _strip_site(title: str, site: str | None) -> str:
    """Drop the site's name from a <title> or og:title."""
    parts = [p for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    if site:
        kept = [p for p in parts if p.strip().casefold() not in site.casefold() and site.casefold() not in p.casefold()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0].strip()
    return max(parts, key=len).strip()


def _choose_title(ld: dict[str, Any], tags: dict[str, list[str]], root: etree._Element, site: str | None) -> str | None:
    stated = [t for t in (
        _clean(text_of(ld.get("headline"))), _clean(_first(tags, ("og:title",))),
        _clean(_first(tags, ("twitter:title", "title", "headline", "dc.title"))),
    ) if t]
    page_title = root.find(".//title")
    doc_title = _text(page_title) if page_title is not None else None
    h1s = [t for t in (_text(h) for h in root.iter("h1")) if t][:3]
    # An <h1> that the stated titles contain is the headline without the site's name;
    # an <h1> that is the site's name (a logo) is not.
    known = stated + ([doc_title] if doc_title else [])
    for h1 in h1s:
        if site and h1.casefold() in site.casefold():
            continue
        if any(h1.casefold() in s.casefold() and len(h1) >= 0.5 * len(_strip_site(s, site)) for s in known):
            return h1
    if stated:
        return _strip_site(stated[0], site)
    if h1s:
        return h1s[0]
    return _strip_site(doc_title, site) if doc_title else None


def _dates(ld: dict[str, Any], tags: dict[str, list[str]], root: etree._Element, url: str | None) -> tuple[datetime | None, datetime | None]:
    published = parse_timestamp(text_of(ld.get("datePublished")) or text_of(ld.get("dateCreated")))
    modified = parse_timestamp(text_of(ld.get("dateModified")))
    for key in _PUBLISHED_META:
        if published:
            break
        for value in tags.get(key, ()):
            published = parse_timestamp(value)
            if published:
                break
    for key in _MODIFIED_META:
        if modified:
            break
        for value in tags.get(key, ()):
            modified = parse_timestamp(value)
            if modified:
                break
    if published is None or modified is None:
        for time_el in root.iter("time"):
            stamp = parse_timestamp(time_el.get("datetime") or time_el.get("content"))
            if stamp is None:
                continue
            prop = (time_el.get("itemprop") or "").lower()
            if prop == "datemodified" or "updated" in (time_el.get("class") or "").lower():
                modified = modified or stamp
            elif published is None:
                published = stamp
            if published and modified:
                break
    if published is None:
        # Site-specific names: <meta name="sn-post-date">, <meta name="article-publish-date">.
        for key, values in tags.items():
            if ("date" in key or "publish" in key) and not any(w in key for w in ("update", "modif", "expir")):
                published = next((d for d in map(parse_timestamp, values) if d), None)
                if published:
                    break
    if published is None:
        published = date_from_url(url) or _date_on_page(root)
    return published, modified


_DATE_CLASS_RE = re.compile(r"date|time|publish|posted|byline|dateline", re.I)


def _date_on_page(root: etree._Element) -> datetime | None:
    """Last resort: a day written in an element named for dates (class or id)."""
    body = root.find("body")
    if body is None:
        return None
    checked = 0
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _DATE_CLASS_RE.search(names):
            continue
        text = el.get("value") if el.tag == "input" else _text(el)
        found = date_in_text(text or "")
        if found:
            return found
        checked += 1
        if checked >= 20:
            return None
    return None


def _image(ld: dict[str, Any], tags: dict[str, list[str]], root: etree._Element, base: str | None) -> tuple[str | None, str | None, str | None]:
    image = ld.get("image") or ld.get("thumbnailUrl")
    if isinstance(image, list) and image:
        image = image[0]
    url = description = caption = None
    if isinstance(image, dict):
        url = text_of(image.get("url") or image.get("contentUrl"))
        description = _clean(text_of(image.get("description")))
        caption = _clean(text_of(image.get("caption")))
    elif isinstance(image, str):
        url = image
    url = url or _first(tags, ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src", "thumbnailurl"))
    description = description or _clean(_first(tags, ("og:image:alt", "twitter:image:alt")))
    # The lead figure: the one showing that image, else the first in the article.
    figures = list(root.iter("figure"))
    chosen = None
    for fig in figures:
        img = next(fig.iter("img"), None)
        src = img.get("src") if img is not None else None
        if url and src and (src == url or src.rsplit("/", 1)[-1].split("?")[0] == url.rsplit("/", 1)[-1].split("?")[0]):
            chosen = fig
            break
    if chosen is None and figures:
        chosen = figures[0]
    if chosen is not None:
        img = next(chosen.iter("img"), None)
        if img is not None:
            description = description or _clean(img.get("alt"))
            url = url or img.get("src")
        cap = next(chosen.iter("figcaption"), None)
        if cap is not None and not caption:
            caption = _text(cap)
    if url and base:
        url = urljoin(base, url)
    return url, description, caption


def _language(root: etree._Element, tags: dict[str, list[str]], ld: dict[str, Any]) -> str | None:
    candidates: list[str | None] = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"),
                  text_of(ld.get("inLanguage")), _first(tags, ("og:locale",)), _first(tags, ("content-language", "language", "dc.language"))]
    for value in candidates:
        if value:
            tag = value.strip().replace("_", "-").split(",")[0].strip()
            if _LANG_RE.match(tag):
                return tag
    return None


def _canonical(root: etree._Element, tags: dict[str, list[str]], ld: dict[str, Any], url: str | None) -> str | None:
    href = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            href = link.get("href").strip()
            break
    main = ld.get("mainEntityOfPage")
    href = href or _first(tags, ("og:url",)) or text_of(ld.get("url")) or (main.get("@id") if isinstance(main, dict) else None)
    if not href:
        return None
    href = urljoin(url, href) if url else href
    return href if href.lower().startswith(("http://", "https://")) else None


def _authors(ld: dict[str, Any], tags: dict[str, list[str]], root: etree._Element) -> list[str]:
    names = names_of(ld.get("author")) or names_of(ld.get("creator"))
    if not names:
        names = [v for key in _AUTHOR_META for v in tags.get(key, ())]
    if not names:
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            if el.get("rel") == "author" or (el.get("itemprop") or "").lower() == "author":
                name = el.find(".//*[@itemprop='name']")
                text = _text(name if name is not None else el)
                if text:
                    names.append(text)
    if not names:
        # A byline the page marks only by its class: <span class="author">, <div class="byline">.
        for el in root.iter("span", "div", "p", "a"):
            cls = (el.get("class") or "").lower().split()
            if any(c in ("author", "byline", "author-name", "byline__name") for c in cls):
                text = _text(el)
                if text and len(text) <= 60:
                    names.append(text)
                    break
    out: list[str] = []
    for name in names:
        name = _clean(re.sub(r"^(?:by|por|par|von)\s+", "", name or "", flags=re.I))
        # article:author is often a profile URL, not a name.
        if name and not name.lower().startswith(("http://", "https://", "www.")) and name not in out and len(name) <= 120:
            out.append(name)
    return out[:20]


def _tags(ld: dict[str, Any], tags: dict[str, list[str]]) -> list[str]:
    keywords = ld.get("keywords")
    values: list[str] = []
    if isinstance(keywords, str):
        values = keywords.split(",")
    elif isinstance(keywords, list):
        values = [k for k in names_of(keywords)]
    if not values:
        values = list(tags.get("article:tag", ()))
    if not values:
        raw = _first(tags, ("news_keywords", "keywords"))
        values = raw.split(",") if raw else []
    out: list[str] = []
    for value in values:
        cleaned = _clean(value)
        if cleaned and cleaned not in out and len(cleaned) <= 100:
            out.append(cleaned)
    return out[:50]


def _free(ld: dict[str, Any]) -> bool | None:
    value = ld.get("isAccessibleForFree")
    if value is None:
        # Paywall markup puts it on the parts: {"hasPart": {"isAccessibleForFree": "False", "cssSelector": ".paywall"}}.
        parts = ld.get("hasPart")
        parts = parts if isinstance(parts, list) else [parts]
        value = next((p.get("isAccessibleForFree") for p in parts if isinstance(p, dict) and "isAccessibleForFree" in p), None)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


_CREDIT_META = ("article:source", "original-source", "syndication-source", "source", "dc.source", "dcterms.source", "credit")


def _credit(ld: dict[str, Any], tags: dict[str, list[str]]) -> str | None:
    for key in ("creditText", "sourceOrganization", "provider"):
        name = _clean(text_of(ld.get(key)))
        if name:
            return name
    for key in _CREDIT_META:
        for value in tags.get(key, ()):
            cleaned = _clean(value)
            # Often the original story's URL rather than a name: not a credit line.
            if cleaned and "://" not in cleaned and not cleaned.startswith("www.") and len(cleaned) <= 100:
                return cleaned
    return None


def _same_name(name: str, *others: str | None) -> bool:
    key = re.sub(r"\W+", "", name).casefold()
    return any(other and re.sub(r"\W+", "", other).casefold() in (key, key.removesuffix("com")) for other in others)


def read_metadata(root: etree._Element, url: str | None = None) -> PageMeta:
    objects = jsonld_objects(root)
    ld = article_object(objects)
    tags = _meta_tags(root)
    site = _clean(_first(tags, ("og:site_name", "application-name")))
    if not site:
        site = next((text_of(o.get("name")) for o in objects if types_of(o) & {"website", "newsmediaorganization", "organization"}), None)
    publisher = ld.get("publisher")
    site = site or _clean(text_of(publisher))
    canonical = _canonical(root, tags, ld, url)
    published, modified = _dates(ld, tags, root, canonical or url)
    image_url, image_description, image_caption = _image(ld, tags, root, canonical or url)
    credit = _credit(ld, tags)
    if credit and _same_name(credit, site, _clean(text_of(publisher))):
        credit = None  # the site crediting itself names no agency
    section = ld.get("articleSection")
    body = ld.get("articleBody")
    return PageMeta(
        title=_choose_title(ld, tags, root, site),
        summary=_clean(text_of(ld.get("description")) or _first(tags, ("og:description", "description", "twitter:description"))),
        authors=_authors(ld, tags, root),
        published_at=published,
        modified_at=modified,
        image_url=image_url,
        image_description=image_description,
        image_caption=image_caption,
        language=_language(root, tags, ld),
        canonical_url=canonical,
        site_name=site,
        section=_clean(text_of(section) if section else _first(tags, ("article:section", "section", "category"))),
        tags=_tags(ld, tags),
        is_accessible_for_free=_free(ld),
        credit=credit,
        article_body=body if isinstance(body, str) and body.strip() else None,
    )

"""Main text of a page: the subtree whose paragraphs outweigh its boilerplate.

The page is cut into text blocks (the text a block element holds outside its child
blocks). A block that reads like prose (long enough, few of its characters in links)
counts for its length; menus, link lists and short lines count against. Every element
scores the sum of its blocks, and the best-scoring element is the article: it holds the
paragraphs and leaves out the navigation, related links and comments around them. Its
blocks are then written out, minus what is still boilerplate inside it (share bars,
captions, "read more" lists, comment threads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from newswire.core.textrules import PAGE_DROPPED_TAGS

# Dropped with their content before anything is scored.
_DROP_TAGS = PAGE_DROPPED_TAGS
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol",
    "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tbody", "thead",
    "tr", "td", "th", "dl", "dt", "dd", "figure", "figcaption", "address", "details",
    "summary", "hr", "body", "center", "caption", "picture", "form",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Page furniture by tag, unless it holds most of the prose (ASP.NET wraps whole pages in <form>).
_SKIP_TAGS = frozenset({"nav", "aside", "footer", "figcaption", "figure", "caption", "picture", "address", "dialog", "form"})

# class/id words of page furniture, matched as whole words of the attribute (split at
# any non-alphanumeric). Paywalled text is the article: "paywall" and "subscriber" are not here.
_BAD_WORDS = frozenset("""
comment comments commentlist disqus reply replies respond related relatedposts relatedarticles
share sharing social socials sharebar newsletter subscribe subscription signup promo promotion
advert advertisement advertising ads ad adslot adunit sponsor sponsored sidebar breadcrumb
breadcrumbs footer masthead menu navbar nav navigation cookie cookies popup modal recommended
recommendations recommend trending popular outbrain taboola caption captions credit credits
byline bio tags tag taglist widget toolbar print pagination pager skip banner
morestories readmore teaser teasers rail hidden consent gdpr
""".split())
_BAD_PREFIXES = ("comment", "related", "share", "social", "newsletter", "advert", "sponsor",
                 "sidebar", "breadcrumb", "recommend", "outbrain", "taboola", "promo")
_TAXONOMY_PREFIXES = ("tag-", "category-", "post-", "format-", "status-", "type-", "postid-")
_WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_SPACE_RE = re.compile(r"\s+")

# Weights and limits, each chosen by measurement on the ScrapingHub benchmark
# (docs/extraction.md); the labelled pages in tests/pages guard the other scripts.
_MIN_PROSE_CHARS = 60
_FURNITURE_MAX_SHARE = 0.5
_LINK_PENALTY = 0.5
_SHORT_PENALTY = 0.1
_TEASER_DEPTH = 3
_TEASER_MAX_BLOCKS = 4
_DEDUPE_MIN_CHARS = 80  # shorter lines repeat legitimately (recipe amounts, scores)
_BYLINE_MAX_CHARS = 60
_COPY_MIN_CHARS = 400
_MAX_LINK_DENSITY = 0.33
_DECLARED_MIN_SHARE = 0.25


@dataclass(slots=True)
class Block:
    owner: etree._Element
    tag: str
    text: str
    link_chars: int
    furniture: tuple[etree._Element, ...]  # enclosing elements that look like page furniture
    size: int = 0  # length in Latin-equivalent characters (see _size)
    bad: bool = False  # decided once the furniture's own share of the prose is known


# Microdata repeated in invisible elements (headline, dates, image URLs) is not prose.
_META_ITEMPROPS = frozenset({
    "headline", "name", "datepublished", "datemodified", "datecreated", "keywords", "url",
    "mainentityofpage", "image", "width", "height", "author", "publisher", "logo", "thumbnailurl",
})


# An id or a whole class name this plain means furniture however much text it holds
# (a long comment thread outweighs a short article).
_STRONG_NAMES = frozenset("""
comments comment-list commentlist comments-area comments-section disqus_thread respond
related related-posts related-articles related-stories sidebar newsletter outbrain taboola
""".split())


def _is_strong_furniture(el: etree._Element) -> bool:
    ident = (el.get("id") or "").lower()
    if ident in _STRONG_NAMES:
        return True
    return any(name in _STRONG_NAMES for name in (el.get("class") or "").lower().split())


def _is_furniture(el: etree._Element) -> bool:
    attrib = el.attrib
    if not attrib:
        return False
    prop = attrib.get("itemprop")
    if prop and prop.lower() in _META_ITEMPROPS and el.tag != "a":
        return True
    # Hidden, unless it is the microdata copy of the article some sites hide and fill in.
    if (attrib.get("aria-hidden") == "true" or "display:none" in (attrib.get("style") or "").replace(" ", "")) \
            and "itemscope" not in attrib:
        return True
    # React sites name their components in data attributes, not classes.
    role = " ".join(v for v in (attrib.get("role"), attrib.get("data-component"), attrib.get("data-testid")) if v)
    return _names_are_furniture(attrib.get("class") or "", attrib.get("id") or "", role)


@lru_cache(maxsize=8192)
def _names_are_furniture(classes: str, ident: str, role: str) -> bool:
    """Cached: a page repeats the same class strings on hundreds of elements."""
    # WordPress names the post's own taxonomy in its classes (tag-review, category-ads).
    kept = " ".join(c for c in classes.lower().split() if not c.startswith(_TAXONOMY_PREFIXES))
    for word in _WORD_SPLIT_RE.split(f"{kept} {ident} {role}".lower()):
        if word in _BAD_WORDS or (len(word) > 4 and word.startswith(_BAD_PREFIXES)):
            return True
    return False


def _collect(root: etree._Element) -> list[Block]:
    """Text blocks in document order."""
    blocks: list[Block] = []

    def flush(owner: etree._Element, parts: list[str], links: int, bad: tuple[etree._Element, ...]) -> None:
        text = _SPACE_RE.sub(" ", "".join(parts)).strip()
        if text:
            tag = owner.tag if isinstance(owner.tag, str) else ""
            blocks.append(Block(owner, tag, text, min(links, len(text)), bad, _size(text)))
        parts.clear()

    def walk(el: etree._Element, owner: etree._Element, parts: list[str], links: list[int],
             in_link: bool, bad: tuple[etree._Element, ...]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                if child.tail:
                    parts.append(child.tail)
                    if in_link:
                        links[0] += len(child.tail)
                continue
            if tag in _BLOCK_TAGS:
                flush(owner, parts, links[0], bad)
                links[0] = 0
                child_bad = bad + (child,) if (tag in _SKIP_TAGS or _is_furniture(child)) else bad
                inner: list[str] = [child.text] if child.text else []
                inner_links = [len(child.text) if (child.text and in_link) else 0]
                walk(child, child, inner, inner_links, in_link, child_bad)
                flush(child, inner, inner_links[0], child_bad)
            else:
                if tag == "br":
                    parts.append("\n")
                child_link = in_link or tag == "a"
                if child.text:
                    parts.append(child.text)
                    if child_link:
                        links[0] += len(child.text)
                walk(child, owner, parts, links, child_link, bad + (child,) if _is_furniture(child) else bad)
            if child.tail:
                parts.append(child.tail)
                if in_link:
                    links[0] += len(child.tail)

    body = root.find("body")
    start = body if body is not None else root
    parts = [start.text] if start.text else []
    links = [0]
    walk(start, start, parts, links, False, ())
    flush(start, parts, links[0], ())
    _judge_furniture(blocks)
    return blocks


def _judge_furniture(blocks: list[Block]) -> None:
    """Furniture that holds much of the page's prose was misjudged by its class
    (WordPress puts `tag-...` and `category-...` on the article itself): keep it."""
    prose: dict[etree._Element, int] = {}
    total = 0
    for block in blocks:
        if _is_prose(block):
            n = block.size
            total += n
            for el in block.furniture:
                prose[el] = prose.get(el, 0) + n
    limit = _FURNITURE_MAX_SHARE * total
    for block in blocks:
        block.bad = any(prose.get(el, 0) <= limit or _is_strong_furniture(el) for el in block.furniture)
    _judge_teasers(blocks)


def _is_headline_link(block: Block) -> bool:
    n = len(block.text)
    return 15 <= block.size <= 250 and block.link_chars >= 0.8 * n


def _judge_teasers(blocks: list[Block]) -> None:
    """A related-story item is a linked headline followed by a line or two of summary in
    a small container; the summary reads like prose, but it is not this article's."""
    count: dict[etree._Element, int] = {}
    prose: dict[etree._Element, int] = {}
    first_headline: dict[etree._Element, int] = {}
    for index, block in enumerate(blocks):
        el = block.owner
        headline = _is_headline_link(block)
        is_prose = _is_prose(block)
        # Whole-subtree counts: a large ancestor must not look like a small item.
        while el is not None:
            count[el] = count.get(el, 0) + 1
            if is_prose:
                prose[el] = prose.get(el, 0) + 1
            if headline and el not in first_headline:
                first_headline[el] = index
            el = el.getparent()
    for index, block in enumerate(blocks):
        if block.bad or not _is_prose(block):
            continue
        el, depth = block.owner, 0
        while el is not None and depth < _TEASER_DEPTH:
            if (count[el] <= _TEASER_MAX_BLOCKS and prose[el] <= 2
                    and first_headline.get(el, index) < index):
                block.bad = True
                break
            el, depth = el.getparent(), depth + 1


# Chinese, Japanese and Korean say in one character what Latin scripts say in about three.
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _size(text: str) -> int:
    n = len(text)
    return n if n < 8 or not _CJK_RE.search(text) else n + 2 * len(_CJK_RE.findall(text))


def _is_prose(block: Block) -> bool:
    n = len(block.text)
    return block.size >= _MIN_PROSE_CHARS and block.link_chars <= _MAX_LINK_DENSITY * n


def _weight(block: Block) -> float:
    n = block.size
    if block.bad:
        return -n
    if _is_prose(block):
        return n
    if block.tag in _HEADINGS:
        return 0.0
    return -_LINK_PENALTY * n if block.link_chars > 0.5 * len(block.text) else -_SHORT_PENALTY * n


def _best_node(blocks: list[Block]) -> etree._Element | None:
    score: dict[etree._Element, float] = {}
    for block in blocks:
        w = _weight(block)
        el = block.owner
        # Add to the owner and every ancestor: subtree sums.
        while el is not None:
            score[el] = score.get(el, 0.0) + w
            el = el.getparent()
    if not score:
        return None
    best = max(score, key=score.__getitem__)
    declared = _declared_article(best, blocks)
    return best if declared is None else declared


def _declared_article(best: etree._Element, blocks: list[Block]) -> etree._Element | None:
    """The one element inside `best` that the page itself calls the article body
    (itemprop=articleBody, or its only <article>), when it holds a fair share of the
    prose: what surrounds it there is comments or teasers without telling class names."""
    marked = [el for el in best.iter() if isinstance(el.tag, str) and (el.get("itemprop") or "").lower() == "articlebody"]
    if len(marked) != 1:
        articles = [el for el in best.iter("article")]
        marked = articles if len(articles) == 1 else []
    if len(marked) != 1 or marked[0] is best:
        return None
    inside = total = 0
    for block in blocks:
        if _is_prose(block) and not block.bad:
            if _within(block.owner, best):
                total += block.size
                if _within(block.owner, marked[0]):
                    inside += block.size
    return marked[0] if total and inside >= _DECLARED_MIN_SHARE * total else None


def _within(el: etree._Element, node: etree._Element) -> bool:
    while el is not None:
        if el is node:
            return True
        el = el.getparent()
    return False


# "Read more: <a>…</a>", "Lee también: <a>…</a>": a label, a colon, a link to another story.
_LINK_LABEL_RE = re.compile(r"^[^:：]{1,40}[:：]\s*\S")


def _link_dense(block: Block) -> bool:
    return block.link_chars > 0.5 * len(block.text)


def _keep(block: Block) -> bool:
    if block.bad:
        return False
    if not _link_dense(block):
        return True
    # A paragraph that is one link is still a paragraph; link lists and "Read more:" lines are not.
    return block.tag == "p" and not _LINK_LABEL_RE.match(block.text)


def _select(blocks: list[Block], best: etree._Element) -> list[Block]:
    inside = [b for b in blocks if _within(b.owner, best)]
    kept = []
    for i, block in enumerate(inside):
        if not _keep(block):
            continue
        # A heading over a list of links ("Read also") heads no part of the article.
        if block.tag in _HEADINGS and i + 1 < len(inside) and _link_dense(inside[i + 1]) and not _keep(inside[i + 1]):
            continue
        kept.append(block)
    return kept


def extract_body(root: etree._Element) -> list[str]:
    """The article's paragraphs, in order; empty when the page has none. Strips scripts,
    styles and form controls from `root` in place: read metadata first."""
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    blocks = _collect(root)
    best = _best_node(blocks)
    if best is None:
        return []
    kept = _select(blocks, best)
    # The headline, bylines and dates above the first paragraph are metadata, read elsewhere.
    while kept and (kept[0].tag == "h1" or (
            not _is_prose(kept[0]) and kept[0].tag not in _HEADINGS and kept[0].size < _BYLINE_MAX_CHARS)):
        kept.pop(0)
    seen: set[str] = set()
    out: list[str] = []
    for b in kept:
        if len(b.text) < _DEDUPE_MIN_CHARS or b.text not in seen:
            # Pages that repeat the article (microdata copies, print versions) repeat it verbatim.
            seen.add(b.text)
            out.append(b.text)
    return _drop_copies(out)


_WORD_RE = re.compile(r"\w+")


def _drop_copies(paragraphs: list[str]) -> list[str]:
    """Drop a long paragraph that repeats what came before it (a flattened copy of the
    article, as some pages keep for microdata)."""
    if sum(len(p) for p in paragraphs) < 2 * _COPY_MIN_CHARS:
        return paragraphs
    seen: set[tuple[str, ...]] = set()
    out = []
    for para in paragraphs:
        words = _WORD_RE.findall(para)
        grams = {tuple(words[i:i + 4]) for i in range(len(words) - 3)}
        if len(para) >= _COPY_MIN_CHARS and grams and len(grams & seen) > 0.6 * len(grams):
            continue
        seen |= grams
        out.append(para)
    return out

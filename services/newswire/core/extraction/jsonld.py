"""JSON-LD blocks of a page, and the article object among them.

Publishers wrap their `NewsArticle` in `@graph`, in lists, or leave a trailing comma
or raw newline that strict JSON refuses; we read what can be read and skip the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson
from lxml import etree

ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "techarticle", "scholarlyarticle", "report", "webpage", "medicalwebpage",
})
_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
_CONTROL_RE = re.compile(r"[\x00-\x1f]")


def _loads(text: str) -> Any:
    # orjson: fast, and it refuses nesting past 1024 levels instead of recursing.
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    # Raw newlines inside strings and trailing commas are the usual breakages.
    try:
        return orjson.loads(_TRAILING_COMMA_RE.sub(r"\1", _CONTROL_RE.sub(" ", text)))
    except orjson.JSONDecodeError:
        return None


_MAX_DEPTH = 8  # real pages nest @graph and mainEntity two or three deep


def _objects(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _objects(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _objects(graph, depth + 1)
        main = node.get("mainEntity")
        if isinstance(main, (dict, list)):
            yield from _objects(main, depth + 1)


def types_of(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def jsonld_objects(root: etree._Element) -> list[dict[str, Any]]:
    """Every object in every `application/ld+json` script, @graph flattened."""
    out: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        data = _loads(script.text.strip())
        if data is not None:
            out.extend(_objects(data))
    return out


def article_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The page's article: the first object of a news or article type (a news type
    beats a generic WebPage); {} when there is none."""
    best: dict[str, Any] = {}
    best_rank = len(_RANKS)
    for obj in objects:
        kinds = types_of(obj)
        for rank, group in enumerate(_RANKS):
            if kinds & group and rank < best_rank:
                best, best_rank = obj, rank
    return best


_RANKS = (
    frozenset(k for k in ARTICLE_TYPES if k.endswith("newsarticle")),
    frozenset({"article", "blogposting", "liveblogposting", "techarticle", "report", "socialmediaposting", "scholarlyarticle"}),
    frozenset({"webpage", "medicalwebpage"}),
)


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, an object with a name, or a list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value") or value.get("text"))
    if isinstance(value, list) and value:
        return text_of(value[0])
    return None


def names_of(value: Any) -> list[str]:
    """Every name in a JSON-LD value (authors, keywords)."""
    if isinstance(value, list):
        return [n for item in value for n in names_of(item)]
    name = text_of(value)
    return [name] if name else []

"""Deterministic article ids: the same article always gets the same id."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newswire.core.textnorm import normalize

# Query parameters that track the click, not the article.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING_KEYS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "ref", "cmpid", "ocid"})


# A URL that is canonical already: lower-case scheme and host, no user, port, query or
# fragment, and a path without a trailing slash (or the root). Most article URLs are;
# for them the parse and rebuild below (10 µs inside a batch) would give the same string.
_CANONICAL_ALREADY_RE = re.compile(r"https?://[a-z0-9.\-]+(?:/[^?#\s]*[^/?#\s]|/)")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment or tracking parameters,
    sorted query, no trailing slash on the path (except the root)."""
    stripped = url.strip()
    if _CANONICAL_ALREADY_RE.fullmatch(stripped):
        return stripped
    parts = urlsplit(stripped)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_KEYS and not k.lower().startswith(_TRACKING_PREFIXES)
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))


# Text ids normalise at most this much of the body (see article_id).
NORMALIZED_ID_CHARS = 100_000


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def article_id(*, title: str, body: str, url: str | None = None) -> str:
    """16 hex digits: from the canonical URL when there is one, else from the
    normalised title and body (so re-typed diacritics do not make a new article)."""
    if url:
        return _digest("url\n" + canonical_url(url))
    if len(body) <= NORMALIZED_ID_CHARS:
        return _digest("text\n" + normalize(title) + "\n" + normalize(body))
    # A body longer than any article: its first part normalised, the rest as written, so
    # deriving the id of a megabyte costs what 100,000 characters do. Fixed here, not
    # configurable: every producer and consumer must derive the same id.
    head, rest = body[:NORMALIZED_ID_CHARS], body[NORMALIZED_ID_CHARS:]
    return _digest("text\n" + normalize(title) + "\n" + normalize(head) + "\n" + rest)


def content_hash(normalized_title: str, normalized_body: str) -> str:
    """`enrichment.content_hash`: SHA-256 over the matching forms of title and body
    (enrichment's `normalized_title` and `normalized_body`), prefixed with the algorithm."""
    return "sha256:" + hashlib.sha256(f"{normalized_title}\n{normalized_body}".encode()).hexdigest()

"""HTML safety for every text field, whatever the source claims to be.

Text fields are plain text by contract, but a producer (or a feed that escaped its
markup twice) can still put `<script>` or `onerror=` into them. Such markup is removed
with nh3 (the Ammonia sanitiser): no tags survive, script/style lose their content,
and `javascript:`-style URLs are cut. Text without markup is returned unchanged.
"""

from __future__ import annotations

import html
import re

import nh3

# Complete tags, comments, entities and script URLs; "x<y" or "a < b" is prose, not markup.
_SUSPECT_RE = re.compile(
    r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--|<!\[CDATA|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|(?:java|vb)script\s*:|data\s*:\s*text/html",
    re.I,
)
_SCRIPT_URL_RE = re.compile(r"(?:java|vb|live)script\s*:[^\s]*|data\s*:\s*text/html[^\s]*", re.I)
_CONTENT_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "xmp", "noembed", "noframes"}
_MAX_ROUNDS = 4  # markup escaped N times needs N rounds; beyond that the text is hostile noise


# C0 controls other than tab and newline, DEL, and the bidi embeddings/overrides/isolates
# that can make text display as something else (RLM/LRM marks stay: Arabic needs them).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def sanitize_text(text: str) -> str:
    """Plain text with no markup, scripts, event handlers, script URLs, control
    characters or bidi overrides."""
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("", text)
    # Every suspect pattern needs one of these characters; `in` scans in C at memchr
    # speed, the case-insensitive alternation above does not.
    if not ("<" in text or "&" in text or ":" in text) or not _SUSPECT_RE.search(text):
        return text
    for _ in range(_MAX_ROUNDS):
        cleaned = html.unescape(nh3.clean(text, tags=set(), clean_content_tags=_CONTENT_TAGS, strip_comments=True))
        cleaned = _SCRIPT_URL_RE.sub("", cleaned)
        if cleaned == text:
            break
        text = cleaned
    else:
        # Still changing: drop anything tag-like outright rather than loop forever.
        text = re.sub(r"[<>]", "", text)
    return text

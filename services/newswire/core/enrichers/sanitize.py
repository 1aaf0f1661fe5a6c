"""HTML safety for every text field, whatever the source claims to be.

Text fields are plain text by contract, but a producer (or a feed that escaped its
markup twice) can still put `<script>` or `onerror=` into them. Such markup is removed
with nh3 (the Ammonia sanitiser): no tags survive, script/style lose their content,
and `javascript:`-style URLs are cut. Text without markup is returned unchanged.
"""

from __future__ import annotations

import re

import nh3

from newswire.core.textrules import SANITIZE_DROPPED_TAGS

# Complete tags, comments, entities and script URLs; "x<y" or "a < b" is prose, not
# markup. One pattern per leading character: a single alternation would be tried at
# every position of a text that holds none of them (100 ms for 1 MB).
_SUSPECT_RES = (
    ("<", re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--|<!\[CDATA", re.I)),
    ("&", re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")),
    # Case-insensitive patterns scan slowly: "script" or "data" must come before ":".
    ("script:", re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.I)),
)
_SCRIPT_URL_RE = re.compile(r"(?:java|vb|live)script\s*:[^\s]*|data\s*:\s*text/html[^\s]*", re.I)
_CONTENT_TAGS = set(SANITIZE_DROPPED_TAGS)  # nh3 takes a set
_MAX_ROUNDS = 4  # markup escaped N times needs N rounds; beyond that the text is hostile noise
# Every tag but those whose content goes too: removed in one linear regex pass before nh3
# sees the text. nh3 would drop them all anyway (tags=set()), but html5ever's cost grows
# faster than linearly with attributes per tag and nesting depth: 1 MB of `<div>` took
# 35 s, 110,000 attributes 15 s (bench/README.md, pathological inputs).
_PLAIN_TAG_RE = re.compile(
    r"</?(?!(?:" + "|".join(sorted(_CONTENT_TAGS)) + r")(?![a-zA-Z0-9:-]))[a-zA-Z][^>]*>", re.I)

_TAG_START_RE = re.compile(r"</?[a-zA-Z]")

# C0 controls other than tab and newline, DEL, and the bidi embeddings/overrides/isolates
# that can make text display as something else (RLM/LRM marks stay: Arabic needs them).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def sanitize_text(text: str) -> str:
    """Plain text with no markup, scripts, event handlers, script URLs, control
    characters or bidi overrides."""
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("", text)
    # `in` scans in C at memchr speed; the patterns run only where their character is.
    if not any(_may_hold(char, text) and pattern.search(text) for char, pattern in _SUSPECT_RES):
        return text
    for _ in range(_MAX_ROUNDS):
        cleaned = _clean_round(text)
        cleaned = _SCRIPT_URL_RE.sub("", cleaned)
        if cleaned == text:
            break
        text = cleaned
    else:
        # Still changing: drop anything tag-like outright rather than loop forever.
        text = re.sub(r"[<>]", "", text)
    return text


def _may_hold(char: str, text: str) -> bool:
    if char != "script:":
        return char in text
    return ":" in text and any(word in text.lower() for word in ("script", "data"))


def _clean_round(text: str) -> str:
    """html.unescape(nh3.clean(text, tags=set(), ...)), in linear time: plain tags go by
    regex first, and nh3 runs only where content tags, comments or entities other than
    the basic ones remain (it decodes entities in Rust, far faster than html.unescape's
    Python callback per entity)."""
    # A tag still open at the end swallows the rest of the text in HTML (EOF in a tag):
    # cut there first. Then every tag start has a ">" after it, so the tag pattern (a
    # tag runs to the first ">", "<" included, as in HTML) never scans in vain: linear.
    last_close = text.rfind(">")
    if (unclosed := _TAG_START_RE.search(text, last_close + 1)) is not None:
        text = text[:unclosed.start()]
    text = _PLAIN_TAG_RE.sub("", text)
    if "<" in text or ("&" in text and _OTHER_ENTITY_RE.search(_without_basic_entities(text))):
        return _unescape_basic(nh3.clean(text, tags=set(), clean_content_tags=_CONTENT_TAGS, strip_comments=True))
    # What html5ever does to text without markup, besides entities: line ends become LF.
    return _unescape_basic(text.replace("\r\n", "\n").replace("\r", "\n"))


# The entities nh3 writes when it escapes text (and the commonest in sources), in an
# order that decodes each once: "&amp;lt;" becomes "&lt;", not "<".
_BASIC_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&nbsp;", "\xa0"), ("&amp;", "&"))
# Any other entity, or a legacy one without its semicolon ("&amp co").
_OTHER_ENTITY_RE = re.compile(r"&[#a-zA-Z]")


def _without_basic_entities(text: str) -> str:
    for entity, _ in _BASIC_ENTITIES:
        if entity in text:
            text = text.replace(entity, "")
    return text


def _unescape_basic(text: str) -> str:
    if "&" not in text:
        return text
    for entity, char in _BASIC_ENTITIES:
        if entity in text:
            text = text.replace(entity, char)
    return text

"""HTML fragments (feed entries) to plain text, paragraphs kept.

Script, style and other non-content elements are dropped with their content; tags
are removed; entities decoded. What comes out is text, so no markup can survive.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from newswire.core.textrules import FRAGMENT_DROPPED_TAGS

_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "blockquote", "pre", "ul", "ol",
    "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "figure", "figcaption", "hr",
    "dl", "dt", "dd", "aside", "main", "nav",
})
_SKIP_TAGS = FRAGMENT_DROPPED_TAGS
_VOID_TAGS = frozenset({"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr", "param"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS:
                self._skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


_INLINE_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS_RE = re.compile(r"\n\s*\n+")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by one blank line."""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    lines = [_INLINE_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANKS_RE.sub("\n\n", text).strip()

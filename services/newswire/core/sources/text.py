"""Plain-text wire copy, like `seeds/000_00e98ae14ee33cae.txt`:

    Title line

    A picture's description            <- optional short block: image description
    Its caption (credit)               <- and caption

    Body paragraph ...

    المصدر : وكالة الأناضول             <- closing credit line: attribution
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from newswire.core.textnorm import strip_invisible

# "Source:" in the languages we support, as the last line of wire copy.
_CREDIT_RE = re.compile(
    r"^\s*(?:المصدر|مصدر|Source|Sources|Fuente|Quelle|Источник|Kaynak|منبع|ماخذ|Fonte|Bron|Fonti|מקור|来源|來源|出典)"
    r"\s*[:：]\s*(?P<credit>\S.{0,199})$",
    re.IGNORECASE,
)
# A line ending like this is prose, not a caption.
_SENTENCE_END = tuple(".!?؟。！？…:؛;\"”»")
_CAPTION_MAX_CHARS = 300


@dataclass(frozen=True)
class WireText:
    title: str
    body: str
    attribution: str | None
    image_description: str | None
    image_caption: str | None


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of stripped, non-empty lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_image_block(block: list[str]) -> bool:
    """A picture block is one or two short lines that do not read as sentences."""
    return 1 <= len(block) <= 2 and all(
        len(line) <= _CAPTION_MAX_CHARS and not line.endswith(_SENTENCE_END) for line in block
    )


def parse_wire_text(text: str) -> WireText:
    """Split wire copy into title, picture block, body and attribution.
    Raises ValueError when there is no title or no body."""
    text = text.lstrip("\ufeff")
    blocks = _blocks(text)
    if not blocks:
        raise ValueError("empty text")
    first = blocks.pop(0)
    title = first[0]
    if len(first) > 1:  # title directly followed by text: that text starts the body
        blocks.insert(0, first[1:])

    attribution = None
    if blocks:
        match = _CREDIT_RE.match(strip_invisible(blocks[-1][-1]))
        if match:
            attribution = match.group("credit").strip()
            blocks[-1] = blocks[-1][:-1]
            if not blocks[-1]:
                blocks.pop()

    description = caption = None
    # Only take a picture block when body paragraphs follow it.
    if len(blocks) >= 2 and _is_image_block(blocks[0]):
        image = blocks.pop(0)
        if len(image) == 2:
            description, caption = image
        else:
            caption = image[0]

    body = "\n\n".join("\n".join(block) for block in blocks)
    if not body:
        raise ValueError("no body after the title")
    return WireText(title, body, attribution, description, caption)


def read_text_file(path: Path) -> WireText:
    """Read one wire-copy file (UTF-8, optional BOM). Raises OSError, UnicodeDecodeError, ValueError."""
    return parse_wire_text(path.read_bytes().decode("utf-8-sig"))

"""Who the story is from, as its text says: a dateline ("MEXICO CITY (AP) —") or a
closing credit ("المصدر : وكالة الأناضول", "Source: Reuters")."""

from __future__ import annotations

import re

from newswire.core.sources.text import _CREDIT_RE  # one definition of "Source:" in every language
from newswire.core.textnorm import strip_invisible

# A place of up to a few words (optional), the agency in brackets, a dash:
# "MEXICO CITY (AP) —", "COLUMBIA, S.C. (AP) —", "PARIS (AFP) -", "(Reuters) —", "موسكو (الأناضول) -".
_DATELINE_RE = re.compile(
    r"^\s*(?:[^\s().,;:!?][^();!?\n]{0,50}?\s*)?\((?P<agency>[^()\d\n]{1,30}?)\)\s*[-—–―:.]",
)
# CNN's style: the agency in brackets opens the story, no place, no dash: "(CNN) President ...".
_BARE_CREDIT_RE = re.compile(r"^\s*\((?P<agency>[A-Z][A-Za-z .&-]{1,20})\)\s*(?=[A-Z])")
# Chinese wire datelines: "新华社深圳11月20日电", "中新网北京5月3日电".
_CJK_DATELINE_RE = re.compile(r"^\s*(?P<agency>[\u4e00-\u9fff]{2,5}[社网])[\u4e00-\u9fff]{0,8}\d{1,2}月\d{1,2}日电")


def dateline_agency(first_paragraph: str) -> str | None:
    """The agency named in an opening dateline, if there is one."""
    head = strip_invisible(first_paragraph[:120])
    match = _DATELINE_RE.match(head) or _BARE_CREDIT_RE.match(head) or _CJK_DATELINE_RE.match(head)
    if not match:
        return None
    agency = match.group("agency").strip()
    return agency or None


def closing_credit(last_paragraph: str) -> str | None:
    """The credit of a closing "Source: ..." line, if the paragraph is one."""
    match = _CREDIT_RE.match(strip_invisible(last_paragraph.strip()))
    return match.group("credit").strip() if match else None


def split_credit(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """The body without its closing credit line, and the credit. The line is not article
    text: wire copy puts it after the story, and the text reader drops it too."""
    if len(paragraphs) >= 2:
        credit = closing_credit(paragraphs[-1])
        if credit:
            return paragraphs[:-1], credit
    return paragraphs, None

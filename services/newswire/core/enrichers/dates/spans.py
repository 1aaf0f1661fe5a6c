"""What the scanners find: spans in the working copy, and the mentions they become."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, NamedTuple

Kind = Literal["absolute", "relative"]


class Qualifier(StrEnum):
    """What a word near a date says about its year. The values are the group names of
    the qualifier regex (patterns.SUFFIX_QUAL_RE), so a match's lastgroup converts."""

    PAST_MONTH = "mp"  # "فبراير الماضي", "février dernier": the latest such month before the reference month
    CURRENT_MONTH = "mc"  # "فبراير الجاري", "this February": the reference year
    NEXT_MONTH = "mn"  # "فبراير المقبل", "next February": the next such month after the reference month
    PAST_YEAR = "yp"  # "من العام الماضي", "last year", "прошлого года"
    CURRENT_YEAR = "yc"  # "هذا العام", "this year", "bu yıl"
    NEXT_YEAR = "yn"  # "العام المقبل", "next year"


# How a weekday is resolved against the reference day: strictly before ("last Monday"),
# strictly after ("next Monday"), or on or before (a bare "on Monday" in news is recent).
WeekdayMode = Literal["past", "next", "onb"]


class Span(NamedTuple):
    """A mention as a scanner finds it, with working-copy offsets."""

    start: int
    end: int
    value: str  # "YYYY-MM-DD" when resolved, "--MM-DD" when the year is unknown
    resolved: bool
    kind: Kind


# attached(start, end): whether the weekday at start..end belongs to an absolute date
# ("الاثنين 24 يونيو", "Monday, February 16"), which then stands for it.
Attached = Callable[[int, int], bool]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date mention, with offsets in the original text."""

    text: str  # the mention as written in the original text
    value: str  # "YYYY-MM-DD" when resolved, "--MM-DD" when the year is unknown
    resolved: bool  # True when value is a full YYYY-MM-DD
    kind: Kind
    start: int  # offsets in the original text: text[start:end] == mention.text
    end: int

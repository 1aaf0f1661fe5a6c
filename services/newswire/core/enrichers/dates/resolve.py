"""Calendar arithmetic: which dates exist, and the year or day a mention resolves to."""

from __future__ import annotations

from datetime import date, timedelta

from newswire.core.enrichers.dates.spans import Qualifier, WeekdayMode

# (value, resolved, year or None): "2024-02-16", True, 2024, or "--02-16", False, None.
Resolution = tuple[str, bool, int | None]

_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid(year: int | None, month: int, day: int) -> bool:
    """Day exists in the month; with year None, in some year (so 29 February is fine)."""
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return False
    if month == 2 and day == 29 and year is not None:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return year is None or 1 <= year <= 9999


def plausible_year(year: int, after_year_word: bool) -> bool:
    """A bare 4-digit number after a date is a year only within 1800-2199 ("7 أكتوبر 1200
    قتيل" is a count); after "عام" / "سنة" / "de" any year from 1000 is taken."""
    return 1000 <= year <= 2999 if after_year_word else 1800 <= year <= 2199


def month_day(month: int, day: int) -> str:
    return f"--{month:02d}-{day:02d}"


def resolve(ref: date | None, month: int, day: int, year: int | None, qual: Qualifier | None) -> Resolution | None:
    """(value, resolved, year or None), or None when the date cannot exist."""
    if year is None and ref is not None:
        if qual == Qualifier.PAST_MONTH:  # "فبراير الماضي": the latest such month before the reference month
            year = ref.year if month < ref.month else ref.year - 1
        elif qual == Qualifier.NEXT_MONTH:  # "فبراير المقبل": the next such month after the reference month
            year = ref.year if month > ref.month else ref.year + 1
        elif qual in (Qualifier.CURRENT_MONTH, Qualifier.CURRENT_YEAR):
            year = ref.year
        elif qual == Qualifier.PAST_YEAR:
            year = ref.year - 1
        elif qual == Qualifier.NEXT_YEAR:
            year = ref.year + 1
        else:  # unqualified: the occurrence nearest the reference, within about six months
            best: tuple[int, int] | None = None
            for y in (ref.year - 1, ref.year, ref.year + 1):
                if valid(y, month, day):
                    distance = abs((date(y, month, day) - ref).days)
                    if best is None or distance < best[0]:  # a tie keeps the earlier (past) one
                        best = (distance, y)
            if best is None or best[0] > 186:
                return (month_day(month, day), False, None) if valid(None, month, day) else None
            year = best[1]
    if not valid(year, month, day):
        return None
    if year is None:
        return month_day(month, day), False, None
    return f"{year:04d}-{month:02d}-{day:02d}", True, year


def weekday_date(ref: date, weekday: int, mode: WeekdayMode) -> date:
    if mode == "past":  # strictly before the reference day
        return ref - timedelta(days=(ref.weekday() - weekday - 1) % 7 + 1)
    if mode == "next":  # strictly after
        return ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1)
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)  # on or before

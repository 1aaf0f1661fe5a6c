"""Arabic relative-day words: weekdays, and the words around them that make (or unmake)
a day reference."""

from __future__ import annotations


def with_ta_marbuta(*words: str) -> frozenset[str]:
    """The words, and each spelt with ه for a final ة (both are common)."""
    return frozenset(v for w in words for v in (w, w.replace("ة", "ه")))


# Folded (see months.ar_key) -> weekday, Monday = 0.
AR_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الثلاثا": 1, "الاربعاء": 2, "الاربعا": 2,
               "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
# Before a weekday, اليوم or غد, they make it a day reference: "يوم الاثنين", "صباح الغد".
AR_TIME_WORDS = with_ta_marbuta("يوم", "صباح", "مساء", "ليلة", "ليل", "فجر", "ظهر", "ظهيرة", "عصر",
                                "صبيحة", "نهار", "منذ", "حتى")
# "صلاة الجمعة" is the prayer, not a Friday.
AR_PRAYER_WORDS = with_ta_marbuta("صلاة", "خطبة", "صلوات")
# "في ذلك اليوم": that day, not today.
AR_DEMONSTRATIVES = frozenset(("هذا", "ذلك", "ذات", "نفس", "هذه", "تلك", "ذاك"))
# أول أمس (the day before yesterday), بعد غد (the day after tomorrow).
AWAL = frozenset(("أول", "اول"))
BAAD = frozenset(("بعد",))

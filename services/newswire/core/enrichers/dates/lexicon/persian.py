"""Persian relative-day words: the first part of دیروز / پریروز / امروز (day offset), and
the number before "شنبه" in a weekday name (Monday = 0)."""

from __future__ import annotations

FA_RUZ = {"دی": -1, "دي": -1, "پری": -2, "پري": -2, "ام": 0}
FA_SHANBE = {"": 5, "یک": 6, "يك": 6, "یك": 6, "يک": 6, "دو": 0, "سه": 1, "چهار": 2, "پنج": 3}

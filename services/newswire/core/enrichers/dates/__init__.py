"""Date mentions in article text, resolved against the article's reference time.

Two kinds of mention:

* ``absolute``: a day with a month name (and maybe a year) in Arabic (Egyptian/Gulf,
  Levantine/Iraqi and Maghrebi month names, including the dual "16 فبراير/شباط" form),
  English, French, Spanish, German, Russian, Turkish, Persian, Italian and Portuguese;
  ISO dates ("2024-02-16"); and "day N of the same month" ("يوم 29 من الشهر نفسه").
  Month names without a day are not mentions; ambiguous numeric dates (03/04/2024) are
  skipped.
* ``relative``: a weekday used as a day reference, yesterday / today / tomorrow. Only
  with a reference time, and conservatively (see the rules at each lexicon).

Years, with a reference (its own local date):

* an explicit year wins ("16 فبراير 2024", "عام 2024", "16 февраля 2024 года");
* past month ("الماضي"/"المنصرم"/"الفائت", "dernier", "pasado", "scorso", "last"): this
  year if the month is before the reference month, else last year (so "يونيو الماضي" said
  in June is last June); next month ("المقبل"/"القادم", "prochain", "next"): this year if
  the month is after the reference month, else next year; current ("الجاري"/"الحالي"):
  the reference year; relative years ("من العام الماضي", "last year", "прошлого года",
  "geçen yıl") shift the reference year;
* otherwise the occurrence nearest the reference date (news is about the recent past or
  near future); a tie goes to the past; none within 186 days (29 February) -> unresolved.

A date that cannot exist (29 February 2023, 31 April) is skipped. Without a reference,
a date without an explicit year is "--MM-DD", resolved=False.

Matching runs on a working copy of the text without Arabic diacritics, tatweel and
invisible characters (bidi marks, ZWJ/ZWNJ, soft hyphen); offsets are mapped back to the
original text. Arabic-Indic and Persian digits work everywhere (``int`` reads them).
Pure: no I/O, no state; every regex is compiled at import.

Layout: ``lexicon/`` holds the words (month names, qualifiers, relative-day words per
language family); ``months`` and ``patterns`` turn them into lookups and regexes;
``absolute`` scans for absolute dates, ``relative_arabic`` / ``relative_persian`` /
``relative_european`` resolve relative days; ``resolve`` is the calendar arithmetic,
``worktext`` the working copy and its word walks, ``spans`` the types; ``extract`` ties
them together.
"""

from newswire.core.enrichers.dates.extract import extract_dates
from newswire.core.enrichers.dates.spans import DateMention

__all__ = ["DateMention", "extract_dates"]

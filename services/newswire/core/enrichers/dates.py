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
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from newswire.core.textnorm import ARABIC_MARKS, INVISIBLE

__all__ = ["DateMention", "extract_dates"]


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str  # the mention as written in the original text
    value: str  # "YYYY-MM-DD" when resolved, "--MM-DD" when the year is unknown
    resolved: bool  # True when value is a full YYYY-MM-DD
    kind: str  # "absolute" | "relative"
    start: int  # offsets in the original text: text[start:end] == mention.text
    end: int


# --------------------------------------------------------------------------- text

def _run_of(char_class: str) -> str:
    """One or more of `char_class`, spelt X X* rather than X+: a pattern that starts with
    a plain character class lets the regex engine skip ahead with its fast class scan
    (twice as fast over a whole article)."""
    return f"{char_class}{char_class}*"


# Removed from the working copy: Arabic tashkeel, Quranic marks, U+0670, tatweel, and
# invisible characters (which would otherwise split "16" from "فبراير"): textnorm's sets.
_STRIPPED = f"[{ARABIC_MARKS}{INVISIBLE}]"
_STRIP_RE = re.compile(_run_of(_STRIPPED))
_TRAILING_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]*")

_D = "[0-9\u0660-\u0669\u06f0-\u06f9]"  # ASCII, Arabic-Indic and Persian digits
_S = r"[^\S\n]"  # whitespace inside a mention (a mention never spans a line break)
_NUM_RE = re.compile(_run_of(_D))

_AR_PREFIXES = "وبلفك"
# Characters that end a clause (for the conservative weekday / "today" rules).
_BOUNDARY = frozenset("\n\r،,؛;:.!?؟()[]{}«»\"“”'‘’-–—…/|")


_STRIP_SPLIT_RE = re.compile(f"({_run_of(_STRIPPED)})")  # kept / removed pieces, alternating


class _OffsetMap:
    """Working-copy offsets -> original offsets, for a text that had characters removed."""

    __slots__ = ("work", "_at", "_shift")

    def __init__(self, text: str) -> None:
        # One C-level split instead of a Python loop per removed run (a vocalised Arabic
        # text has one run per letter): pieces alternate kept, removed, kept, ...
        pieces = _STRIP_SPLIT_RE.split(text)
        kept = pieces[0::2]
        self.work = "".join(kept)
        # Working index before which each removed run sat, and the total characters
        # removed up to and including that run.
        self._at = list(accumulate(map(len, kept[:-1])))
        self._shift = list(accumulate(map(len, pieces[1::2]), initial=0))

    def orig(self, w: int) -> int:
        """Original index of the working-copy character at index w."""
        return w + self._shift[bisect_right(self._at, w)]


# --------------------------------------------------------------------------- months

# Latin and Cyrillic month names, lower case (Russian in the genitive, as after a day).
_LATIN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "enero", "januar", "jänner", "janeiro", "gennaio", "ocak", "января"),
    2: ("february", "feb", "février", "fevrier", "febrero", "februar", "feber", "fevereiro", "febbraio",
        "şubat", "февраля"),
    3: ("march", "mar", "mars", "marzo", "märz", "maerz", "março", "mart", "марта"),
    4: ("april", "apr", "avril", "abril", "aprile", "nisan", "апреля"),
    5: ("may", "mai", "mayo", "maio", "maggio", "mayıs", "мая"),
    6: ("june", "jun", "juin", "junio", "juni", "junho", "giugno", "haziran", "июня"),
    7: ("july", "jul", "juillet", "julio", "juli", "julho", "luglio", "temmuz", "июля"),
    8: ("august", "aug", "août", "aout", "agosto", "ağustos", "августа"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "setembro", "settembre",
        "eylül", "сентября"),
    10: ("october", "oct", "octobre", "octubre", "oktober", "outubro", "ottobre", "ekim", "октября"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "kasım", "ноября"),
    12: ("december", "dec", "décembre", "decembre", "diciembre", "dezember", "dezembro", "dicembre",
         "aralık", "декабря"),
}
_ENGLISH_FULL = ("january", "february", "march", "april", "may", "june", "july", "august",
                 "september", "october", "november", "december")
_ENGLISH_ABBR = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
# English names that are also ordinary words ("5 may be", "march"), and the abbreviations:
# accepted only when capitalised.
_NEEDS_CAPITAL = frozenset(("may", "march", "august", *_ENGLISH_ABBR))

_TURKISH = frozenset(("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül",
                      "ekim", "kasım", "aralık"))
_TR_ASCII = str.maketrans("şğüıçö", "sguico")
_LATIN_LOOKUP: dict[str, int] = {}
for _month, _names in _LATIN_MONTHS.items():
    for _name in _names:
        _LATIN_LOOKUP[_name] = _month
        if _name in _TURKISH:  # "Subat", and "KASIM".lower() == "kasim"
            _LATIN_LOOKUP[_name.translate(_TR_ASCII)] = _month

# Arabic-script month names: Egyptian/Gulf (transliterated Gregorian), Levantine/Iraqi
# (Syriac), Maghrebi (Moroccan, Algerian/Tunisian), and Persian Gregorian names.
_AR_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "ژانویه"),
    2: ("فبراير", "شباط", "فيفري", "فوریه"),
    3: ("مارس", "آذار"),
    4: ("أبريل", "نيسان", "أفريل", "آوریل"),
    5: ("مايو", "أيار", "ماي", "مه", "می"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "ژوئن", "ژوین"),
    7: ("يوليو", "يوليه", "تموز", "يوليوز", "جويلية", "ژوئیه", "ژوییه", "جولای"),
    8: ("أغسطس", "آب", "غشت", "أوت", "آگوست"),
    9: ("سبتمبر", "أيلول", "شتنبر", "سپتامبر"),
    10: ("أكتوبر", "تشرين الأول", "اکتبر"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر", "نوامبر"),
    12: ("ديسمبر", "كانون الأول", "دجنبر", "دسامبر"),
}
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك"})
_AR_CLASSES = {
    "ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]",
    "ي": "[يیى]", "ی": "[يیى]", "ى": "[يیى]",
    "ة": "[ةه]", "ه": "[هة]", "ك": "[كک]", "ک": "[كک]",
}


def _ar_key(s: str) -> str:
    """Lookup form of an Arabic-script word or phrase: folded letters, no spaces, and
    "تشرين الأول" / "تشرين أول" (with or without the article) alike."""
    key = "".join(s.translate(_AR_FOLD).split())
    return key.replace("تشرينال", "تشرين").replace("كانونال", "كانون")


def _ar_pattern(name: str) -> str:
    if name == "آب":  # August, never the word أب (father)
        return "(?:آب|اب)"
    words = name.split(" ")
    pattern = "".join(_AR_CLASSES.get(ch, re.escape(ch)) for ch in words[0])
    for word in words[1:]:  # "تشرين الأول", "تشرين أول": the article is optional
        word = word[2:] if word.startswith("ال") else word
        pattern += f"{_S}+(?:ال)?" + "".join(_AR_CLASSES.get(ch, re.escape(ch)) for ch in word)
    return pattern


_AR_LOOKUP: dict[str, int] = {}
_AR_SHORT: list[str] = []  # آب, ماي, مه, می: no attached prefix (و/ب/ل/ف/ك) allowed
_AR_LONG: list[str] = []
for _month, _names in _AR_MONTHS.items():
    for _name in _names:
        _AR_LOOKUP[_ar_key(_name)] = _month
        (_AR_SHORT if len(_name.replace(" ", "")) <= 3 else _AR_LONG).append(_name)
_AR_LOOKUP["اب"] = 8


def _alternation(names: list[str], to_pattern) -> str:
    return "|".join(to_pattern(n) for n in sorted(set(names), key=len, reverse=True))


def _grouped_alternation(names: list[str]) -> str:
    """_alternation() of literal lower-case names, factored by first letter: the regex
    engine then tries one branch per letter instead of every name (twice as fast on a
    number not followed by a month). Names with different first letters never match at
    the same place, and each group keeps the longest-first order, so the matches are
    the same."""
    groups: dict[str, list[str]] = {}
    for name in sorted(set(names), key=len, reverse=True):
        groups.setdefault(name[0], []).append(name[1:])
    return "|".join(f"{re.escape(first)}(?:{'|'.join(map(re.escape, rests))})" for first, rests in groups.items())


_LATIN_ALT = _grouped_alternation(list(_LATIN_LOOKUP))
_AR_ALT = _alternation(_AR_SHORT + _AR_LONG, _ar_pattern)
_MONTH_ALT = (
    f"{_LATIN_ALT}|{_alternation(_AR_SHORT, _ar_pattern)}"
    f"|[{_AR_PREFIXES}]?(?:{_alternation(_AR_LONG, _ar_pattern)})"
)
_ABBREVIATIONS = frozenset(_ENGLISH_ABBR)


def _month_number(name: str) -> int | None:
    found = _LATIN_LOOKUP.get(name.lower())
    if found is not None:
        if name.lower() in _NEEDS_CAPITAL and not name[0].isupper():
            return None
        return found
    key = _ar_key(name)
    found = _AR_LOOKUP.get(key)
    if found is None and key[:1] in _AR_PREFIXES:
        found = _AR_LOOKUP.get(key[1:])
    return found


# --------------------------------------------------------------------------- patterns

_YEAR_WORD = "(?:عام|سنة|سنه)"

# "16 فبراير/شباط الماضي", "16th of February 2024", "16 de febrero de 2024",
# "16. Februar 2024", "16 февраля 2024 года", "١٦ فبراير ٢٠٢٤م", "le 1er mars".
_DAY_FIRST_RE = re.compile(
    rf"(?P<day>{_D}{{1,2}})(?!{_D})"
    rf"(?:st|nd|rd|th|er|ème|eme|e|º|°|ª|\.|-го)?"
    rf"(?:{_S}+(?:of|de|del|من){_S}+(?:شهر{_S}+)?|{_S}*(?:شهر{_S}+)?)"
    rf"(?P<mon>{_MONTH_ALT})(?!\w)(?:\.(?={_S}*{_D}{{4}}))?"
    rf"(?:{_S}*[/\-]{_S}*(?P<mon2>{_AR_ALT})(?!\w)|{_S}*\({_S}*(?P<mon3>{_AR_ALT}){_S}*\))?"
    rf"(?P<me>)"
    rf"(?:{_S}*[,،]?{_S}*"
    rf"(?P<ykw>(?:من{_S}+)?ل?(?:ال)?{_YEAR_WORD}{_S}+|de{_S}+|del{_S}+|of{_S}+)?"
    rf"(?P<year>{_D}{{4}})(?!{_D})(?:{_S}*(?:года|г\.|م(?!\w)))?)?",
    re.IGNORECASE,
)

# English month-first ("February 16", "Feb. 16, 2024"): the month word, capitalised or
# upper case, is found by looking at the word before a day number.
_EN_MONTH_BEFORE = {
    spelling: _LATIN_LOOKUP[name]
    for name in _ENGLISH_FULL + _ENGLISH_ABBR for spelling in (name.capitalize(), name.upper())
}
_MONTH_FIRST_TAIL_RE = re.compile(
    rf"(?P<day>{_D}{{1,2}})(?!{_D})(?:st|nd|rd|th)?(?!\w)(?P<de>)(?:,?{_S}*(?P<year>{_D}{{4}})(?!{_D}))?"
)
_MONTH_FIRST_QUAL = {"last": "mp", "next": "mn", "this": "mc"}

# Qualifier words before a day-first date: "el pasado 16 de febrero", "lo scorso 16
# febbraio", "no passado dia 16", "geçen yıl 16 Şubat", "last 16 February".
_PREFIX_QUAL = {
    **dict.fromkeys(("pasado", "passado", "scorso", "geçen", "gecen", "last"), "mp"),
    **dict.fromkeys(("próximo", "proximo", "prossimo", "gelecek", "önümüzdeki", "onumuzdeki", "next"), "mn"),
    "this": "mc",
}
_PREFIX_YEAR_QUAL = {"geçen": "yp", "gecen": "yp", "bu": "yc", "gelecek": "yn", "önümüzdeki": "yn",
                     "onumuzdeki": "yn"}

# Qualifiers after the month: y* = relative year ("من العام الماضي", "прошлого года"),
# m* = relative month ("الماضي", "dernier", "pasado"), *c = current.
_AR_PAST = "(?:ماضي|منصرم|فائت|سابق|منقضي)[ةه]?"
_AR_CURRENT = "(?:جاري|حالي)[ةه]?"
_AR_NEXT = "(?:مقبل|قادم)[ةه]?"
_SUFFIX_QUAL_RE = re.compile(
    rf"{_S}+(?:"
    rf"(?P<yp>(?:من{_S}+)?(?:ال)?{_YEAR_WORD}{_S}+ال{_AR_PAST}"
    rf"|(?:of{_S}+)?last{_S}+year"
    rf"|de{_S}+l['’]{_S}?(?:année|annee){_S}+(?:dernière|derniere|passée|passee)"
    rf"|de{_S}+l['’]{_S}?an{_S}+(?:dernier|passé)"
    rf"|del{_S}+año{_S}+pasado|dell['’]{_S}?anno{_S}+scorso|dello{_S}+scorso{_S}+anno|do{_S}+ano{_S}+passado"
    rf"|(?:des{_S}+)?(?:vergangenen|letzten|vorigen){_S}+Jahres|des{_S}+Vorjahres"
    rf"|прошлого{_S}+года|سال{_S}+(?:گذشته|قبل))"
    rf"|(?P<yc>(?:من{_S}+)?(?:هذا{_S}+(?:ال)?{_YEAR_WORD}|(?:ال)?{_YEAR_WORD}{_S}+ال{_AR_CURRENT})"
    rf"|(?:of{_S}+)?this{_S}+year|de{_S}+cette{_S}+(?:année|annee)"
    rf"|de{_S}+este{_S}+año|del{_S}+presente{_S}+año|di{_S}+quest['’]{_S}?anno|deste{_S}+ano"
    rf"|(?:dieses|diesen){_S}+Jahres|des{_S}+laufenden{_S}+Jahres"
    rf"|(?:этого|текущего|сего){_S}+года|سال{_S}+جار[يی]|امسال)"
    rf"|(?P<yn>(?:من{_S}+)?(?:ال)?{_YEAR_WORD}{_S}+ال{_AR_NEXT}"
    rf"|(?:of{_S}+)?next{_S}+year"
    rf"|de{_S}+l['’]{_S}?(?:année|annee){_S}+prochaine|de{_S}+l['’]{_S}?an{_S}+prochain"
    rf"|del{_S}+próximo{_S}+año|del{_S}+año{_S}+próximo|del{_S}+año{_S}+que{_S}+viene"
    rf"|del{_S}+prossimo{_S}+anno|dell['’]{_S}?anno{_S}+prossimo|do{_S}+próximo{_S}+ano"
    rf"|(?:des{_S}+)?(?:nächsten|kommenden){_S}+Jahres"
    rf"|(?:следующего|будущего){_S}+года|سال{_S}+(?:آینده|آتی))"
    rf"|(?P<mp>ال{_AR_PAST}|dernier|dernière|derniere|passé|pasado|scorso|passado|گذشته)"
    rf"|(?P<mc>ال{_AR_CURRENT})"
    rf"|(?P<mn>ال{_AR_NEXT}|prochain|prochaine|próximo|proximo|prossimo|آینده|آتی)"
    rf")(?!\w)",
    re.IGNORECASE,
)

# "يوم 29 من الشهر نفسه", "29 من نفس الشهر", "the 29th of the same month", "le 29 du même
# mois"... -> day N of the month of the previous absolute mention. Also, with a reference,
# "29 من الشهر الماضي/الجاري/المقبل" (of last / this / next month).
_SAME_MONTH_RE = re.compile(
    rf"(?P<day>{_D}{{1,2}})(?!{_D})(?:"
    rf"{_S}+من{_S}+(?:(?:ال)?شهر{_S}+(?:نفسه|ذاته|عينه)|(?:نفس|ذات){_S}+الشهر"
    rf"|الشهر{_S}+(?:(?P<rp>ال{_AR_PAST})|(?P<rc>ال{_AR_CURRENT})|(?P<rn>ال{_AR_NEXT})))"
    rf"|(?:st|nd|rd|th)?{_S}+of{_S}+(?:the{_S}+same|that){_S}+month"
    rf"|(?:er)?{_S}+du{_S}+même{_S}+mois"
    rf"|{_S}+del{_S}+mismo{_S}+mes"
    rf"|\.{_S}+(?:desselben|des{_S}+gleichen|des{_S}+selben){_S}+Monats"
    rf"|{_S}+(?:числа{_S}+)?того{_S}+же{_S}+месяца"
    rf"|º?{_S}+dello{_S}+stesso{_S}+mese"
    rf"|º?{_S}+do{_S}+mesmo{_S}+mês"
    rf")(?!\w)",
    re.IGNORECASE,
)

_ISO_RE = re.compile(rf"(?P<y>{_D}{{4}})-(?P<m>{_D}{{2}})-(?P<d>{_D}{{2}})(?!{_D}|-{_D})")

# Between a weekday and the date it introduces: "الاثنين 24 يونيو", "Monday, February 16",
# "Montag, den 16. Februar", "am Dienstag, dem 4. Februar".
_GAP_RE = re.compile(r"[^\S\n]*[,،(]?[^\S\n]*(?:(?:le|el|den|dem|the|on|am)[^\S\n]+)?", re.IGNORECASE)

# --------------------------------------------------------------------------- relative
#
# Relative mentions are found keyword-first (a weekday, yesterday / today / tomorrow) with
# literal patterns the regex engine scans quickly; the context words around a keyword
# ("يوم", "on", "last", "am", "в", "geçen", "الماضي") are checked afterwards.


def _trie_pattern(words) -> str:
    """One regex alternation for many literal words, factored by common prefixes (much
    faster to scan than a flat alternation)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _with_ta_marbuta(*words: str) -> frozenset[str]:
    return frozenset(v for w in words for v in (w, w.replace("ة", "ه")))


# Arabic: the "ال" words (weekdays, الأمس، البارحة، اليوم، الغد) in one scan, أمس and غدا / غد
# in two more ("مس" and "غد" are rare enough to find fast).
_AR_AL_RE = re.compile(r"ال(?:[اإ]ثنين|ثلاثاء?|[اأ]ربعاء?|خميس|جمع[ةه]|سبت|[اأ]حد|[اأ]مس|بارح[ةه]|يوم|غد)(?!\w)")
_AR_MS_RE = re.compile(r"مس(?!\w)")
_AR_GHAD_RE = re.compile(r"غدا?(?!\w)")
_AR_WEEKDAY = r"ال(?:[اإ]ثنين|ثلاثاء?|[اأ]ربعاء?|خميس|جمع[ةه]|سبت|[اأ]حد)"
_AR_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الثلاثا": 1, "الاربعاء": 2, "الاربعا": 2,
                "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_AR_WD_QUAL_RE = re.compile(
    rf"{_S}+(?:(?P<past>ال(?:ماضي|منصرم|فائت|سابق)[ةه]?)|(?P<next>ال(?:مقبل|قادم)[ةه]?))(?!\w)"
)
_AR_WD_AFTER_RE = re.compile(rf"{_S}+(?P<wd>{_AR_WEEKDAY})(?!\w)")  # "اليوم الاثنين"
_AR_INNA_RE = re.compile(rf"{_S}+[إأا]ن(?:ه|ها|هم)?(?!\w)")  # "وقال الوزير الاثنين إن"
_AR_DEFINITE_AFTER_RE = re.compile(rf"{_S}+ال\w")
_AR_TIME_WORDS = _with_ta_marbuta("يوم", "صباح", "مساء", "ليلة", "ليل", "فجر", "ظهر", "ظهيرة", "عصر",
                                  "صبيحة", "نهار", "منذ", "حتى")
_AR_PRAYER_WORDS = _with_ta_marbuta("صلاة", "خطبة", "صلوات")
_AR_DEMONSTRATIVES = frozenset(("هذا", "ذلك", "ذات", "نفس", "هذه", "تلك", "ذاك"))
_AWAL = frozenset(("أول", "اول"))
_BAAD = frozenset(("بعد",))

# Persian: دیروز / پریروز / امروز end in "روز"; the weekdays in "شنبه" (or are جمعه).
_FA_RE = re.compile(r"(?:روز|فردا|شنبه|جمعه)(?!\w)")
_FA_RUZ = {"دی": -1, "دي": -1, "پری": -2, "پري": -2, "ام": 0}
_FA_SHANBE = {"": 5, "یک": 6, "يك": 6, "یك": 6, "يک": 6, "دو": 0, "سه": 1, "چهار": 2, "پنج": 3}
_FA_WD_QUAL_RE = re.compile(rf"{_S}+(?:(?P<past>گذشته|پ[یي]ش)|(?P<next>آ[یي]نده))(?!\w)")
_FA_WD_AFTER_RE = re.compile(rf"{_S}+(?:(?:[یي][کك]|دو|سه|چهار|پنج){_S}?)?شنبه(?!\w)|{_S}+جمعه(?!\w)")
_PERSIAN_LETTERS_RE = re.compile("[یکپچژگ]")
_ARABIC_SCRIPT_RE = re.compile("[\u0621-\u064a]")

# European languages: keyword -> (kind, argument). Kinds: "wd" (weekday, Monday = 0),
# "off" (day offset), "today" (conservative: only before a clause boundary), and "ctx"
# (only after a context word: "pasado mañana"). Spanish "mañana" and German "morgen"
# alone are skipped on purpose (also "morning"); French "hier" alone needs the declared
# language (German/Dutch "hier" = "here").
_EU_LEXICON: dict[str, dict[str, tuple[str, int]]] = {
    "en": {"monday": ("wd", 0), "tuesday": ("wd", 1), "wednesday": ("wd", 2), "thursday": ("wd", 3),
           "friday": ("wd", 4), "saturday": ("wd", 5), "sunday": ("wd", 6),
           "yesterday": ("off", -1), "tomorrow": ("off", 1), "today": ("today", 0)},
    "fr": {"lundi": ("wd", 0), "mardi": ("wd", 1), "mercredi": ("wd", 2), "jeudi": ("wd", 3),
           "vendredi": ("wd", 4), "samedi": ("wd", 5), "dimanche": ("wd", 6),
           "hier": ("off", -1), "demain": ("off", 1), "aujourd'hui": ("today", 0), "aujourd’hui": ("today", 0)},
    "es": {"lunes": ("wd", 0), "martes": ("wd", 1), "miércoles": ("wd", 2), "miercoles": ("wd", 2),
           "jueves": ("wd", 3), "viernes": ("wd", 4), "sábado": ("wd", 5), "sabado": ("wd", 5),
           "domingo": ("wd", 6), "ayer": ("off", -1), "anteayer": ("off", -2), "antier": ("off", -2),
           "hoy": ("today", 0), "mañana": ("ctx", 2)},
    "de": {"montag": ("wd", 0), "dienstag": ("wd", 1), "mittwoch": ("wd", 2), "donnerstag": ("wd", 3),
           "freitag": ("wd", 4), "samstag": ("wd", 5), "sonnabend": ("wd", 5), "sonntag": ("wd", 6),
           "gestern": ("off", -1), "vorgestern": ("off", -2), "übermorgen": ("off", 2), "heute": ("today", 0)},
    "ru": {"понедельник": ("wd", 0), "вторник": ("wd", 1), "среду": ("wd", 2), "четверг": ("wd", 3),
           "пятницу": ("wd", 4), "субботу": ("wd", 5), "воскресенье": ("wd", 6),
           "вчера": ("off", -1), "позавчера": ("off", -2), "завтра": ("off", 1), "послезавтра": ("off", 2),
           "сегодня": ("today", 0)},
    "tr": {"pazartesi": ("wd", 0), "salı": ("wd", 1), "sali": ("wd", 1), "çarşamba": ("wd", 2),
           "carsamba": ("wd", 2), "perşembe": ("wd", 3), "persembe": ("wd", 3), "cuma": ("wd", 4),
           "cumartesi": ("wd", 5), "pazar": ("wd", 6),
           "dün": ("off", -1), "yarın": ("off", 1), "bugün": ("today", 0)},
    "it": {"ieri": ("off", -1)},
    "pt": {"ontem": ("off", -1)},
}
_EU_LANGS = frozenset(_EU_LEXICON)
# Spelling as written (lower, Capitalised, UPPER) -> (language, lower-case keyword).
_EU_SPELLINGS: dict[str, tuple[str, str]] = {
    variant: (lang, word)
    for lang, words in _EU_LEXICON.items() for word in words
    for variant in (word, word[0].upper() + word[1:], word.upper())
}


def _eu_regex(spellings) -> re.Pattern:
    return re.compile(f"(?:{_trie_pattern(spellings)})(?!\\w)")


_EU_ALL_RE = _eu_regex(_EU_SPELLINGS)
_EU_LANG_RES = {lang: _eu_regex(v for v, (l2, _w) in _EU_SPELLINGS.items() if l2 == lang) for lang in _EU_LEXICON}
# Without a declared language, on Latin/Cyrillic text, the all-language keyword set starts
# with most letters, so the scan tries nearly every position; anchoring on the character
# before a word (space, punctuation) makes it about twice as fast. (On Arabic-script text,
# where spaces are common and Latin letters rare, the plain pattern is the fast one.)
_EU_ALL_AFTER_BREAK_RE = re.compile(f"[\\s\"'(«¿¡,;:.\\-](?:{_trie_pattern(_EU_SPELLINGS)})(?!\\w)")

# Words before a keyword that make it a two-day offset: "the day before yesterday",
# "pasado mañana" (prefix words), "avant-hier", "après-demain" (hyphenated).
_EU_TWO_DAYS_WORDS = {"yesterday": (("before", "day", "the"), -2), "tomorrow": (("after", "day", "the"), 2),
                      "mañana": (("pasado",), 2)}
_EU_TWO_DAYS_HYPHEN = {"hier": (("avant-",), -2), "demain": (("après-", "apres-"), 2)}
# Weekday context words before the weekday, per language: the words nearest first ->
# (mode, how many of them belong to the mention). "skip": a habitual "le lundi".
_EU_WD_BEFORE: dict[str, dict[tuple[str, ...], tuple[str, int]]] = {
    "en": {("last",): ("past", 1), ("past", "this"): ("past", 2), ("next",): ("next", 1),
           ("coming", "this"): ("next", 2),
           **{(w,): ("onb", 0) for w in ("on", "since", "until", "till", "by", "early", "late")}},
    "es": {("pasado", "el"): ("past", 1), ("próximo", "el"): ("next", 1), ("proximo", "el"): ("next", 1),
           ("el",): ("onb", 0)},
    "de": {**{(w,): ("past", 1) for w in ("vergangenen", "letzten", "vorigen")},
           **{(w,): ("next", 1) for w in ("kommenden", "nächsten")}, ("am",): ("onb", 0)},
    "ru": {**{(w, p): ("past", 1) for w in ("прошлый", "прошлую", "прошлое") for p in ("в", "во")},
           **{(w, p): ("next", 1) for w in ("следующий", "следующую", "следующее") for p in ("в", "во")},
           ("в",): ("onb", 0), ("во",): ("onb", 0)},
    "tr": {("geçen",): ("past", 1), ("gelecek",): ("next", 1), ("önümüzdeki",): ("next", 1)},
    "fr": {**{(w,): ("skip", 0) for w in ("le", "les", "chaque", "du", "des", "au", "aux")},
           ("les", "tous"): ("skip", 0)},
}
_EU_WD_AFTER = {
    "en": re.compile(rf"{_S}+(?:(?P<onb>morning|afternoon|evening|night))(?!\w)", re.I),
    "fr": re.compile(rf"{_S}+(?:(?P<past>derni(?:er|ère))|(?P<next>prochain)|(?P<skip>gras))(?!\w)", re.I),
    "es": re.compile(rf"{_S}+(?:(?P<past>pasado)|(?P<next>pr[óo]ximo|que{_S}+viene))(?!\w)", re.I),
    "tr": re.compile(rf"{_S}+(?P<onb>günü)(?!\w)", re.I),
}

# --------------------------------------------------------------------------- resolution

_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(year: int | None, month: int, day: int) -> bool:
    """Day exists in the month; with year None, in some year (so 29 February is fine)."""
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return False
    if month == 2 and day == 29 and year is not None:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return year is None or 1 <= year <= 9999


def _plausible_year(year: int, after_year_word: bool) -> bool:
    """A bare 4-digit number after a date is a year only within 1800-2199 ("7 أكتوبر 1200
    قتيل" is a count); after "عام" / "سنة" / "de" any year from 1000 is taken."""
    return 1000 <= year <= 2999 if after_year_word else 1800 <= year <= 2199


def _month_day(month: int, day: int) -> str:
    return f"--{month:02d}-{day:02d}"


def _resolve(ref: date | None, month: int, day: int, year: int | None, qual: str | None):
    """(value, resolved, year or None), or None when the date cannot exist."""
    if year is None and ref is not None:
        if qual == "mp":  # "فبراير الماضي": the latest such month before the reference month
            year = ref.year if month < ref.month else ref.year - 1
        elif qual == "mn":  # "فبراير المقبل": the next such month after the reference month
            year = ref.year if month > ref.month else ref.year + 1
        elif qual in ("mc", "yc"):
            year = ref.year
        elif qual == "yp":
            year = ref.year - 1
        elif qual == "yn":
            year = ref.year + 1
        else:  # unqualified: the occurrence nearest the reference, within about six months
            best = None
            for y in (ref.year - 1, ref.year, ref.year + 1):
                if _valid(y, month, day):
                    distance = abs((date(y, month, day) - ref).days)
                    if best is None or distance < best[0]:  # a tie keeps the earlier (past) one
                        best = (distance, y)
            if best is None or best[0] > 186:
                return (_month_day(month, day), False, None) if _valid(None, month, day) else None
            year = best[1]
    if not _valid(year, month, day):
        return None
    if year is None:
        return _month_day(month, day), False, None
    return f"{year:04d}-{month:02d}-{day:02d}", True, year


def _day_left_ok(work: str, s: int) -> bool:
    """A day number stands on its own: no letter glued before it (except an Arabic
    prefix: و16، ب16), and not the second part of 3.16 / 10:16 / 1,16 / 03/04."""
    if s == 0:
        return True
    c = work[s - 1]
    if c.isalpha():
        return c in _AR_PREFIXES and (s < 2 or not work[s - 2].isalpha() or work[s - 2] in _AR_PREFIXES)
    if c in ".:,/٫٬" and s >= 2 and work[s - 2].isdigit():
        return False
    return True


def _prev_words(work: str, s: int, n: int) -> list[tuple[int, str]]:
    """Up to n words before index s, nearest first, as (start, word): runs of letters
    separated by spaces, within the line and not across punctuation."""
    words: list[tuple[int, str]] = []
    i = s
    while len(words) < n:
        j = i
        while j > 0 and work[j - 1] in " \t\u00a0":
            j -= 1
        k = j
        while k > 0 and work[k - 1].isalpha():
            k -= 1
        if j == i or k == j:
            break
        words.append((k, work[k:j]))
        i = k
    return words


def _prefix_qualifier(work: str, s: int) -> tuple[str, int] | None:
    """(qualifier, start) of a qualifier word just before a day-first date."""
    words = [(k, w.lower()) for k, w in _prev_words(work, s, 4)]
    if words and words[0][1] in ("día", "dia"):  # "el pasado día 16"
        words = words[1:]
    if not words:
        return None
    if words[0][1] in _PREFIX_QUAL:
        return _PREFIX_QUAL[words[0][1]], words[0][0]
    if len(words) > 1 and words[0][1].startswith(("yıl", "yil", "sene")) and words[1][1] in _PREFIX_YEAR_QUAL:
        return _PREFIX_YEAR_QUAL[words[1][1]], words[1][0]  # "geçen yıl 16 Şubat'ta"
    return None


def _month_before(work: str, s: int, consumed: int) -> tuple[int, int, str | None] | None:
    """(month, start, qualifier) of an English month name just before the day number at s,
    not inside the previous mention (which ends at `consumed`)."""
    j = s
    while j > 0 and work[j - 1] in " \t\u00a0":
        j -= 1
    if j == s:
        return None
    dot = j > 0 and work[j - 1] == "."
    if dot:
        j -= 1
    k = j
    while k > 0 and work[k - 1].isalpha():
        k -= 1
    month = _EN_MONTH_BEFORE.get(work[k:j])
    if (month is None or k < consumed or (dot and work[k:j].lower() not in _ABBREVIATIONS)
            or (k > 0 and work[k - 1].isalnum())):
        return None
    before = _prev_words(work, k, 1)
    if before and before[0][1].lower() in _MONTH_FIRST_QUAL and before[0][0] >= consumed:
        return month, before[0][0], _MONTH_FIRST_QUAL[before[0][1].lower()]
    return month, k, None


def _iso_left_ok(work: str, s: int) -> bool:
    return s == 0 or not (work[s - 1].isalnum() or work[s - 1] in "-/.")


def _absolute(work: str, ref: date | None, language: str | None, found: list) -> None:
    prev: tuple[int | None, int] | None = None  # (year, month) of the previous absolute mention
    consumed = 0
    for num in _NUM_RE.finditer(work):
        s, e = num.span()
        if s < consumed:
            continue
        if e - s == 4:
            m = _ISO_RE.match(work, s)
            if m is not None and _iso_left_ok(work, s):
                consumed = m.end()
                y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
                if _valid(y, mo, d):
                    found.append((s, consumed, f"{y:04d}-{mo:02d}-{d:02d}", True, "absolute"))
                    prev = (y, mo)
            continue
        if e - s > 2 or not _day_left_ok(work, s):
            continue
        limit = consumed  # the end of the previous mention: nothing before it may be reused

        m = _DAY_FIRST_RE.match(work, s)
        if m is not None:
            month = _month_number(m["mon"])
            if month is not None and language == "fa" and _ar_key(m["mon"]) == "اب":
                month = None  # Persian آب is "water"; Persian text uses آگوست / اوت
            if month is not None:
                consumed = m.end()
                second = m["mon2"] or m["mon3"]
                if second is not None and _AR_LOOKUP.get(_ar_key(second)) != month:
                    continue  # "16 فبراير/آذار": the halves disagree, skip the mention
                start, end, year, qual = s, m.end(), None, None
                if m["year"] is not None:
                    y = int(m["year"])
                    if _plausible_year(y, m["ykw"] is not None):
                        year = y
                    else:  # "7 أكتوبر 1200 قتيل": not a year
                        end = m.end("me")
                if year is None:
                    q = _SUFFIX_QUAL_RE.match(work, end)
                    if q is not None:
                        qual, end = q.lastgroup, q.end()
                    else:
                        p = _prefix_qualifier(work, s)
                        if p is not None and p[1] >= limit:
                            qual, start = p
                r = _resolve(ref, month, int(m["day"]), year, qual)
                if r is not None:
                    found.append((start, end, r[0], r[1], "absolute"))
                    prev = (r[2], month)
                consumed = end
                continue

        m = _SAME_MONTH_RE.match(work, s)
        if m is not None:
            consumed = m.end()
            rel = "rp" if m["rp"] else "rc" if m["rc"] else "rn" if m["rn"] else None
            if rel is not None:  # "29 من الشهر الماضي": needs the reference month
                if ref is None:
                    continue
                shift = {"rp": -1, "rc": 0, "rn": 1}[rel]
                index = ref.year * 12 + ref.month - 1 + shift
                y, mo = divmod(index, 12)
                target = (y, mo + 1)
            elif prev is None:
                continue
            else:
                target = prev
            day = int(m["day"])
            if _valid(target[0], target[1], day):
                if target[0] is None:
                    found.append((s, consumed, _month_day(target[1], day), False, "absolute"))
                else:
                    found.append((s, consumed, f"{target[0]:04d}-{target[1]:02d}-{day:02d}", True, "absolute"))
                prev = target
            continue

        b = _month_before(work, s, limit)
        if b is not None:
            t = _MONTH_FIRST_TAIL_RE.match(work, s)
            if t is None:
                continue
            month, start, qual = b
            year = int(t["year"]) if t["year"] is not None else None
            end = t.end()
            if year is not None and not _plausible_year(year, False):
                year, end = None, t.end("de")
            if year is None and qual is None:
                q = _SUFFIX_QUAL_RE.match(work, end)
                if q is not None:
                    qual, end = q.lastgroup, q.end()
            r = _resolve(ref, month, int(t["day"]), year, qual)
            consumed = end
            if r is not None:
                found.append((start, end, r[0], r[1], "absolute"))
                prev = (r[2], month)


# --------------------------------------------------------------------------- relative

def _prev_char(work: str, i: int) -> str:
    """The character before index i, skipping spaces (a line start counts as "\\n")."""
    i -= 1
    while i >= 0 and work[i] in " \t\u00a0":
        i -= 1
    return work[i] if i >= 0 else "\n"


def _next_char(work: str, j: int) -> str:
    n = len(work)
    while j < n and work[j] in " \t\u00a0":
        j += 1
    return work[j] if j < n else "\n"


def _weekday_date(ref: date, weekday: int, mode: str) -> date:
    if mode == "past":  # strictly before the reference day
        return ref - timedelta(days=(ref.weekday() - weekday - 1) % 7 + 1)
    if mode == "next":  # strictly after
        return ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1)
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)  # on or before


def _ar_word_start(work: str, s: int) -> int | None:
    """s when a word starts there, s - 1 after one attached prefix (والاثنين، بالأمس),
    None when s is inside a word."""
    if s == 0 or not work[s - 1].isalpha():
        return s
    if work[s - 1] in _AR_PREFIXES and (s == 1 or not work[s - 2].isalpha()):
        return s - 1
    return None


def _ar_prev_word(work: str, s: int, words: frozenset[str]) -> int | None:
    """Start of the word before s when it is one of `words` (possibly with an attached
    prefix: "ويوم", "وصباح"); None otherwise."""
    before = _prev_words(work, s, 1)
    if not before:
        return None
    k, word = before[0]
    if word in words:
        return k
    if word[0] in _AR_PREFIXES and word[1:] in words:
        return k + 1
    return None


def _arabic_relative(text: str, work: str, omap: _OffsetMap | None, ref: date,
                     attached, found: list) -> None:
    candidates = [(m.start(), m.end(), m.group()) for m in _AR_AL_RE.finditer(work)]
    candidates += [(m.start() - 1, m.end(), work[m.start() - 1:m.end()]) for m in _AR_MS_RE.finditer(work)
                   if m.start() > 0 and work[m.start() - 1] in "اأ"]
    candidates += [(m.start(), m.end(), m.group()) for m in _AR_GHAD_RE.finditer(work)]
    candidates.sort()
    last = 0
    for s, e, word in candidates:
        if s < last:
            continue
        w0 = _ar_word_start(work, s)
        if w0 is None:
            continue  # inside a word (الأمس and الغد come as "ال" words)
        prefixed = w0 < s
        key = _ar_key(word)
        if key in _AR_WEEKDAYS:
            weekday = _AR_WEEKDAYS[key]
            q = _AR_WD_QUAL_RE.match(work, e)
            if attached(w0, q.end() if q is not None else e):
                continue  # "الاثنين 24 يونيو": part of a date
            if q is not None:  # "الخميس الماضي", "الأحد المقبل"
                e = q.end()
                value = _weekday_date(ref, weekday, "past" if q["past"] else "next")
            elif weekday == 4 and _ar_prev_word(work, w0, _AR_PRAYER_WORDS) is not None:
                continue  # صلاة الجمعة
            elif ((not prefixed and _ar_prev_word(work, w0, _AR_TIME_WORDS) is not None)  # يوم الاثنين
                  or _AR_INNA_RE.match(work, e) is not None  # وقال الاثنين إن
                  or (_prev_char(work, w0) in _BOUNDARY and _next_char(work, e) in _BOUNDARY)):
                value = _weekday_date(ref, weekday, "onb")  # ، الاثنين،
            else:
                continue  # "الاثنين" is also "the two", "الأحد" "the one"
        elif key == "اليوم":
            w = _AR_WD_AFTER_RE.match(work, e)
            if w is not None:  # "اليوم الاثنين": one mention, the reference day
                e = w.end()
            elif _ar_prev_word(work, w0, _AR_DEMONSTRATIVES) is not None:
                continue  # "في ذلك اليوم"
            elif not (_next_char(work, e) in _BOUNDARY or _AR_INNA_RE.match(work, e) is not None
                      or (_ar_prev_word(work, w0, _AR_TIME_WORDS) is not None
                          and _AR_DEFINITE_AFTER_RE.match(work, e) is None)):
                continue  # "اليوم العالمي", "اليوم التالي", "اليوم نفسه"
            value = ref
        elif key in ("امس", "الامس", "البارحه"):
            before = _prev_words(work, w0, 2) if key == "امس" else []
            awal = None
            if before and before[0][1] == "من" and len(before) == 2:
                awal = _ar_prev_word(work, before[0][0], _AWAL)  # أول من أمس
            elif before:
                awal = _ar_prev_word(work, w0, _AWAL)  # أول أمس
            if awal is not None:
                s, value = awal, ref - timedelta(days=2)
            elif key == "امس" and work.startswith(("الأول", "الاول"), e + 1) and work[e] in " \u00a0" and (
                    e + 6 >= len(work) or not work[e + 6].isalpha()):
                e, value = e + 6, ref - timedelta(days=2)  # أمس الأول
            elif key == "الامس" and not ((prefixed and work[w0] == "ب")
                                        or _ar_prev_word(work, w0, _AR_TIME_WORDS) is not None):
                continue  # "بين الأمس واليوم": figurative
            else:
                value = ref - timedelta(days=1)
        else:  # غدا، غد، الغد
            baad = _ar_prev_word(work, w0, _BAAD)
            if baad is not None:  # بعد غد، بعد الغد
                s, value = baad, ref + timedelta(days=2)
            elif key != "غدا":  # غد / الغد only after a time word: "صباح الغد"، "يوم غد"
                if _ar_prev_word(work, w0, _AR_TIME_WORDS) is None:
                    continue
                value = ref + timedelta(days=1)
            else:  # غداً; a bare "غدا" is also the verb "became"
                tanween = False
                if omap is not None:
                    o_end = _TRAILING_MARKS_RE.match(text, omap.orig(e - 1) + 1).end()
                    tanween = "\u064b" in text[omap.orig(s):o_end]
                w = _AR_WD_AFTER_RE.match(work, e)
                if w is not None:
                    e = w.end()
                elif not (tanween or _next_char(work, e) in _BOUNDARY
                          or _ar_prev_word(work, w0, _AR_TIME_WORDS) is not None):
                    continue
                value = ref + timedelta(days=1)
        found.append((s, e, value.isoformat(), True, "relative"))
        last = e


def _persian_weekday(work: str, s: int) -> tuple[int, int] | None:
    """(weekday, start) of the weekday whose "شنبه" / "جمعه" is at s."""
    w0 = s
    while w0 > 0 and work[w0 - 1].isalpha():
        w0 -= 1
    if work.startswith("جمعه", s):
        return (4, s) if w0 == s else None
    number = work[w0:s]
    if number == "":  # "سه شنبه" written with a space
        before = _prev_words(work, s, 1)
        if before and before[0][1] in _FA_SHANBE and s - before[0][0] - len(before[0][1]) == 1:
            return _FA_SHANBE[before[0][1]], before[0][0]
    return (_FA_SHANBE[number], w0) if number in _FA_SHANBE else None


def _persian_relative(work: str, ref: date, attached, found: list) -> None:
    last = 0
    for m in _FA_RE.finditer(work):
        s, e = m.span()
        if s < last:
            continue
        word = m.group()
        if word == "روز":
            w0 = s
            while w0 > 0 and work[w0 - 1].isalpha():
                w0 -= 1
            offset = _FA_RUZ.get(work[w0:s])
            if offset is None:
                continue
            s = w0
            if offset == 0:  # امروز, conservative like "today"
                w = _FA_WD_AFTER_RE.match(work, e)
                if w is not None:
                    e = w.end()
                elif _next_char(work, e) not in _BOUNDARY:
                    continue
        elif word == "فردا":
            if s > 0 and work[s - 1].isalpha():
                if not work.startswith("پس", s - 2) or (s > 2 and work[s - 3].isalpha()):
                    continue
                s, offset = s - 2, 2  # پس‌فردا (the ZWNJ is removed in the working copy)
            else:
                before = _prev_words(work, s, 1)
                if before and before[0][1] == "پس":
                    s, offset = before[0][0], 2
                else:
                    offset = 1
        else:
            weekday_start = _persian_weekday(work, s)
            if weekday_start is None:
                continue
            weekday, s = weekday_start
            q = _FA_WD_QUAL_RE.match(work, e)
            before = _prev_words(work, s, 1)
            if attached(s, q.end() if q is not None else e):
                continue  # "روز شنبه ۲۵ اسفند": part of a date
            if q is not None:  # "دوشنبه گذشته"
                e = q.end()
                value = _weekday_date(ref, weekday, "past" if q["past"] else "next")
            elif before and before[0][1] == "روز":  # "روز دوشنبه"
                value = _weekday_date(ref, weekday, "onb")
            else:
                continue
            found.append((s, e, value.isoformat(), True, "relative"))
            last = e
            continue
        found.append((s, e, (ref + timedelta(days=offset)).isoformat(), True, "relative"))
        last = e


def _context_mode(table: dict, words: list[tuple[int, str]]) -> tuple[str, int | None] | None:
    """(mode, start of the included words or None) for the longest entry of `table`
    matching the words before a keyword."""
    lowered = tuple(w.lower() for _k, w in words)
    for n in (2, 1):
        entry = table.get(lowered[:n]) if len(lowered) >= n else None
        if entry is not None:
            mode, include = entry
            return mode, words[include - 1][0] if include else None
    return None


def _eu_keywords(work: str, language: str | None, arabic_script: bool):
    """(start, end, spelling) of each European relative-day keyword."""
    regex = _EU_LANG_RES.get(language) if language is not None else None
    if regex is None and not arabic_script:
        first = _EU_ALL_RE.match(work)
        if first is not None:
            yield 0, first.end(), first.group()
        for m in _EU_ALL_AFTER_BREAK_RE.finditer(work):
            yield m.start() + 1, m.end(), m.group()[1:]
        return
    for m in (regex or _EU_ALL_RE).finditer(work):
        s = m.start()
        if s == 0 or not (work[s - 1].isalnum() or work[s - 1] == "_"):
            yield s, m.end(), m.group()


def _european_relative(work: str, ref: date, language: str | None, arabic_script: bool,
                       attached, found: list) -> None:
    for s, e, spelling in _eu_keywords(work, language, arabic_script):
        lang, word = _EU_SPELLINGS[spelling]
        kind, arg = _EU_LEXICON[lang][word]
        if word in _EU_TWO_DAYS_HYPHEN:  # avant-hier, après-demain
            prefixes, offset = _EU_TWO_DAYS_HYPHEN[word]
            head = next((p for p in prefixes if work[max(0, s - len(p)):s].lower() == p), None)
            if head is not None and (s == len(head) or not work[s - len(head) - 1].isalpha()):
                found.append((s - len(head), e, (ref + timedelta(days=offset)).isoformat(), True, "relative"))
                continue
        if word in _EU_TWO_DAYS_WORDS:  # the day before yesterday, pasado mañana
            words, offset = _EU_TWO_DAYS_WORDS[word]
            before = _prev_words(work, s, len(words))
            if tuple(w.lower() for _k, w in before) == words:
                found.append((before[-1][0], e, (ref + timedelta(days=offset)).isoformat(), True, "relative"))
                continue
        if kind == "ctx" or (word == "hier" and language != "fr"):
            continue
        if kind == "off":
            value = ref + timedelta(days=arg)
        elif kind == "today":
            if _next_char(work, e) not in _BOUNDARY or work[e:e + 1] in "'’":
                continue  # "today's", "the world today is": not clearly a day reference
            value = ref
        else:
            mode = None
            table = _EU_WD_BEFORE.get(lang)
            b = _context_mode(table, _prev_words(work, s, 2)) if table is not None else None
            after = _EU_WD_AFTER.get(lang)
            a = after.match(work, e) if after is not None else None
            a_mode = a.lastgroup if a is not None else None
            if b is not None and b[0] in ("past", "next"):  # "last Monday", "geçen pazartesi"
                mode, s = b[0], b[1] if b[1] is not None else s
                if a_mode == "onb" and lang == "tr":
                    e = a.end()  # "geçen pazartesi günü"
            elif a_mode in ("past", "next") and (lang == "fr" or b is not None):  # "lundi dernier", "el lunes pasado"
                mode, e = a_mode, a.end()
            if attached(s, e):
                continue  # "on Monday, February 16", "23 Şubat Pazar günü": part of a date
            if mode is None:
                if lang == "fr":  # bare "lundi"; not "le lundi" (habitual), not "Mardi gras"
                    if b is not None or a_mode == "skip":
                        continue
                elif a_mode == "onb" and lang == "tr":  # "pazartesi günü"
                    e = a.end()
                elif not ((b is not None and b[0] == "onb")  # "on Monday", "el lunes", "am Montag"
                          or a_mode == "onb"):  # "Monday night"
                    continue
                mode = "onb"
            value = _weekday_date(ref, arg, mode)
        found.append((s, e, value.isoformat(), True, "relative"))


# --------------------------------------------------------------------------- entry point

def _reference_date(reference: datetime | date | None) -> date | None:
    if reference is None:
        return None
    if isinstance(reference, datetime):
        return reference.date()  # the local date in the reference's own timezone
    return reference


def extract_dates(text: str, reference: datetime | None = None, language: str | None = None) -> list[DateMention]:
    """Date mentions in `text`, in text order (not deduplicated).

    `reference` is the article's published_at (or fetched_at); dates are resolved in its
    own timezone. Without it, absolute dates without a year come back as "--MM-DD"
    (resolved=False) and relative mentions are not reported. `language` (ISO 639, e.g.
    "ar", "en-GB") restricts the relative-day words to that language and enables the
    ones that are ambiguous across languages (French "hier")."""
    if not text:
        return []
    ref = _reference_date(reference)
    lang = language.lower().replace("_", "-").split("-")[0] if language else None

    if text.isascii() or _STRIP_RE.search(text) is None:  # isascii() is O(1)
        omap, work = None, text
    else:
        omap = _OffsetMap(text)
        work = omap.work

    found: list[tuple[int, int, str, bool, str]] = []
    _absolute(work, ref, lang, found)

    if ref is not None:
        starts = {f[0] for f in found}
        ends = {f[1] for f in found}

        def attached(s: int, e: int) -> bool:
            """A weekday that belongs to a date: "الاثنين 24 يونيو", "Monday, February 16",
            "am Dienstag, dem 4. Februar", "23 Şubat Pazar günü", and also a weekday before
            any day number ("روز شنبه ۲۵ اسفند": a calendar this module does not read)."""
            pos = _GAP_RE.match(work, e).end()
            if pos < len(work) and (work[pos].isdigit() or pos in starts):
                return True
            while s > 0 and work[s - 1] in " \t\u00a0,،(":
                s -= 1
            return s in ends

        relative: list[tuple[int, int, str, bool, str]] = []
        arabic_script = lang not in _EU_LANGS and _ARABIC_SCRIPT_RE.search(work) is not None
        if arabic_script and lang != "fa":
            _arabic_relative(text, work, omap, ref, attached, relative)
        if lang == "fa" or (lang is None and _PERSIAN_LETTERS_RE.search(work) is not None):
            _persian_relative(work, ref, attached, relative)
        if lang not in ("ar", "fa"):
            _european_relative(work, ref, lang, arabic_script, attached, relative)
        if relative:
            spans = [(f[0], f[1]) for f in found]
            found.extend(r for r in relative if not any(a < r[1] and r[0] < b for a, b in spans))
            found.sort(key=lambda f: f[0])

    mentions = []
    for s, e, value, resolved, kind in found:
        if omap is not None:
            s = omap.orig(s)
            e = _TRAILING_MARKS_RE.match(text, omap.orig(e - 1) + 1).end()
        mentions.append(DateMention(text[s:e], value, resolved, kind, s, e))
    return mentions

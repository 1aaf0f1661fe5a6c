"""Month names, lower case as written, per language and calendar naming system."""

from __future__ import annotations

# Latin and Cyrillic month names, lower case (Russian in the genitive, as after a day).
LATIN_MONTHS: dict[int, tuple[str, ...]] = {
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
ENGLISH_FULL = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
ENGLISH_ABBR = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
# English names that are also ordinary words ("5 may be", "march"), and the abbreviations:
# accepted only when capitalised.
NEEDS_CAPITAL = frozenset(("may", "march", "august", *ENGLISH_ABBR))

TURKISH = frozenset(("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül",
                     "ekim", "kasım", "aralık"))

# Arabic-script month names: Egyptian/Gulf (transliterated Gregorian), Levantine/Iraqi
# (Syriac), Maghrebi (Moroccan, Algerian/Tunisian), and Persian Gregorian names.
AR_MONTHS: dict[int, tuple[str, ...]] = {
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

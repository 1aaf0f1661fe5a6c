"""European relative-day words: weekdays, yesterday / today / tomorrow, and the context
words around a weekday, per language."""

from __future__ import annotations

from typing import Literal

# What the words before a weekday make of it: a WeekdayMode, or "skip" (not a date).
Context = Literal["past", "next", "onb", "skip"]
# European languages: keyword -> (kind, argument). Kinds: "wd" (weekday, Monday = 0),
# "off" (day offset), "today" (conservative: only before a clause boundary), and "ctx"
# (only after a context word: "pasado mañana"). Spanish "mañana" and German "morgen"
# alone are skipped on purpose (also "morning"); French "hier" alone needs the declared
# language (German/Dutch "hier" = "here").
EU_LEXICON: dict[str, dict[str, tuple[str, int]]] = {
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
EU_LANGS = frozenset(EU_LEXICON)
# Words before a keyword that make it a two-day offset: "the day before yesterday",
# "pasado mañana" (prefix words), "avant-hier", "après-demain" (hyphenated).
EU_TWO_DAYS_WORDS = {"yesterday": (("before", "day", "the"), -2), "tomorrow": (("after", "day", "the"), 2),
                     "mañana": (("pasado",), 2)}
EU_TWO_DAYS_HYPHEN = {"hier": (("avant-",), -2), "demain": (("après-", "apres-"), 2)}
# Weekday context words before the weekday, per language: the words nearest first ->
# (mode, how many of them belong to the mention). "skip": a habitual "le lundi".
EU_WD_BEFORE: dict[str, dict[tuple[str, ...], tuple[Context, int]]] = {
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

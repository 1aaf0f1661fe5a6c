"""The regexes of absolute dates: day-first, month-first (English), ISO, "day N of the
same month", and the qualifier words after a month."""

from __future__ import annotations

import re

from newswire.core.enrichers.dates.lexicon.months import ENGLISH_ABBR, ENGLISH_FULL
from newswire.core.enrichers.dates.months import AR_ALT, LATIN_LOOKUP, MONTH_ALT
from newswire.core.enrichers.dates.worktext import D, S

YEAR_WORD = "(?:عام|سنة|سنه)"

# "16 فبراير/شباط الماضي", "16th of February 2024", "16 de febrero de 2024",
# "16. Februar 2024", "16 февраля 2024 года", "١٦ فبراير ٢٠٢٤م", "le 1er mars".
DAY_FIRST_RE = re.compile(
    rf"(?P<day>{D}{{1,2}})(?!{D})"
    rf"(?:st|nd|rd|th|er|ème|eme|e|º|°|ª|\.|-го)?"
    rf"(?:{S}+(?:of|de|del|من){S}+(?:شهر{S}+)?|{S}*(?:شهر{S}+)?)"
    rf"(?P<mon>{MONTH_ALT})(?!\w)(?:\.(?={S}*{D}{{4}}))?"
    rf"(?:{S}*[/\-]{S}*(?P<mon2>{AR_ALT})(?!\w)|{S}*\({S}*(?P<mon3>{AR_ALT}){S}*\))?"
    rf"(?P<me>)"
    rf"(?:{S}*[,،]?{S}*"
    rf"(?P<ykw>(?:من{S}+)?ل?(?:ال)?{YEAR_WORD}{S}+|de{S}+|del{S}+|of{S}+)?"
    rf"(?P<year>{D}{{4}})(?!{D})(?:{S}*(?:года|г\.|م(?!\w)))?)?",
    re.IGNORECASE,
)

# English month-first ("February 16", "Feb. 16, 2024"): the month word, capitalised or
# upper case, is found by looking at the word before a day number.
EN_MONTH_BEFORE = {
    spelling: LATIN_LOOKUP[name]
    for name in ENGLISH_FULL + ENGLISH_ABBR for spelling in (name.capitalize(), name.upper())
}
MONTH_FIRST_TAIL_RE = re.compile(
    rf"(?P<day>{D}{{1,2}})(?!{D})(?:st|nd|rd|th)?(?!\w)(?P<de>)(?:,?{S}*(?P<year>{D}{{4}})(?!{D}))?"
)

# Qualifiers after the month (the group names are Qualifier values): y* = relative year ("من العام الماضي", "прошлого года"),
# m* = relative month ("الماضي", "dernier", "pasado"), *c = current.
AR_PAST = "(?:ماضي|منصرم|فائت|سابق|منقضي)[ةه]?"
AR_CURRENT = "(?:جاري|حالي)[ةه]?"
AR_NEXT = "(?:مقبل|قادم)[ةه]?"
SUFFIX_QUAL_RE = re.compile(
    rf"{S}+(?:"
    rf"(?P<yp>(?:من{S}+)?(?:ال)?{YEAR_WORD}{S}+ال{AR_PAST}"
    rf"|(?:of{S}+)?last{S}+year"
    rf"|de{S}+l['’]{S}?(?:année|annee){S}+(?:dernière|derniere|passée|passee)"
    rf"|de{S}+l['’]{S}?an{S}+(?:dernier|passé)"
    rf"|del{S}+año{S}+pasado|dell['’]{S}?anno{S}+scorso|dello{S}+scorso{S}+anno|do{S}+ano{S}+passado"
    rf"|(?:des{S}+)?(?:vergangenen|letzten|vorigen){S}+Jahres|des{S}+Vorjahres"
    rf"|прошлого{S}+года|سال{S}+(?:گذشته|قبل))"
    rf"|(?P<yc>(?:من{S}+)?(?:هذا{S}+(?:ال)?{YEAR_WORD}|(?:ال)?{YEAR_WORD}{S}+ال{AR_CURRENT})"
    rf"|(?:of{S}+)?this{S}+year|de{S}+cette{S}+(?:année|annee)"
    rf"|de{S}+este{S}+año|del{S}+presente{S}+año|di{S}+quest['’]{S}?anno|deste{S}+ano"
    rf"|(?:dieses|diesen){S}+Jahres|des{S}+laufenden{S}+Jahres"
    rf"|(?:этого|текущего|сего){S}+года|سال{S}+جار[يی]|امسال)"
    rf"|(?P<yn>(?:من{S}+)?(?:ال)?{YEAR_WORD}{S}+ال{AR_NEXT}"
    rf"|(?:of{S}+)?next{S}+year"
    rf"|de{S}+l['’]{S}?(?:année|annee){S}+prochaine|de{S}+l['’]{S}?an{S}+prochain"
    rf"|del{S}+próximo{S}+año|del{S}+año{S}+próximo|del{S}+año{S}+que{S}+viene"
    rf"|del{S}+prossimo{S}+anno|dell['’]{S}?anno{S}+prossimo|do{S}+próximo{S}+ano"
    rf"|(?:des{S}+)?(?:nächsten|kommenden){S}+Jahres"
    rf"|(?:следующего|будущего){S}+года|سال{S}+(?:آینده|آتی))"
    rf"|(?P<mp>ال{AR_PAST}|dernier|dernière|derniere|passé|pasado|scorso|passado|گذشته)"
    rf"|(?P<mc>ال{AR_CURRENT})"
    rf"|(?P<mn>ال{AR_NEXT}|prochain|prochaine|próximo|proximo|prossimo|آینده|آتی)"
    rf")(?!\w)",
    re.IGNORECASE,
)

# "يوم 29 من الشهر نفسه", "29 من نفس الشهر", "the 29th of the same month", "le 29 du même
# mois"... -> day N of the month of the previous absolute mention. Also, with a reference,
# "29 من الشهر الماضي/الجاري/المقبل" (of last / this / next month).
SAME_MONTH_RE = re.compile(
    rf"(?P<day>{D}{{1,2}})(?!{D})(?:"
    rf"{S}+من{S}+(?:(?:ال)?شهر{S}+(?:نفسه|ذاته|عينه)|(?:نفس|ذات){S}+الشهر"
    rf"|الشهر{S}+(?:(?P<rp>ال{AR_PAST})|(?P<rc>ال{AR_CURRENT})|(?P<rn>ال{AR_NEXT})))"
    rf"|(?:st|nd|rd|th)?{S}+of{S}+(?:the{S}+same|that){S}+month"
    rf"|(?:er)?{S}+du{S}+même{S}+mois"
    rf"|{S}+del{S}+mismo{S}+mes"
    rf"|\.{S}+(?:desselben|des{S}+gleichen|des{S}+selben){S}+Monats"
    rf"|{S}+(?:числа{S}+)?того{S}+же{S}+месяца"
    rf"|º?{S}+dello{S}+stesso{S}+mese"
    rf"|º?{S}+do{S}+mesmo{S}+mês"
    rf")(?!\w)",
    re.IGNORECASE,
)

ISO_RE = re.compile(rf"(?P<y>{D}{{4}})-(?P<m>{D}{{2}})-(?P<d>{D}{{2}})(?!{D}|-{D})")

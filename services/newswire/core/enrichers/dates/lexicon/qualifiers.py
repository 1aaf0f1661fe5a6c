"""Qualifier words before a date, for the resolution of its year."""

from __future__ import annotations

from newswire.core.enrichers.dates.spans import Qualifier

_PAST, _NEXT, _THIS = Qualifier.PAST_MONTH, Qualifier.NEXT_MONTH, Qualifier.CURRENT_MONTH

# The word before an English month-first date: "last February 16".
MONTH_FIRST_QUAL = {"last": _PAST, "next": _NEXT, "this": _THIS}

# Qualifier words before a day-first date: "el pasado 16 de febrero", "lo scorso 16
# febbraio", "no passado dia 16", "geçen yıl 16 Şubat", "last 16 February".
PREFIX_QUAL = {
    **dict.fromkeys(("pasado", "passado", "scorso", "geçen", "gecen", "last"), _PAST),
    **dict.fromkeys(("próximo", "proximo", "prossimo", "gelecek", "önümüzdeki", "onumuzdeki", "next"), _NEXT),
    "this": _THIS,
}
# Before a year word: "geçen yıl 16 Şubat", "bu sene".
PREFIX_YEAR_QUAL = {"geçen": Qualifier.PAST_YEAR, "gecen": Qualifier.PAST_YEAR, "bu": Qualifier.CURRENT_YEAR,
                    **dict.fromkeys(("gelecek", "önümüzdeki", "onumuzdeki"), Qualifier.NEXT_YEAR)}

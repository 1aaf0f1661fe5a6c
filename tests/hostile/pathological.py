"""Pathological shapes up to the 1 MB message limit: what a producer can send by mistake
or on purpose to make enrichment slow. Each must be enriched or dead-lettered with one
clear reason, in bounded time (`make bench` reports the slowest, target under 100 ms).

Built by code, so each case is exact and its size is known: every value is a whole
raw message (JSON) of at most `LIMIT` bytes.
"""

from __future__ import annotations

import orjson

# The consumer's default NEWSWIRE_MAX_MESSAGE_BYTES.
LIMIT = 1_000_000
# Room for the JSON around the body and the title.
_BODY_BYTES = LIMIT - 2_000


def _fill(unit: str, budget: int = _BODY_BYTES) -> str:
    """`unit` repeated to just under `budget` bytes of JSON-encoded UTF-8."""
    size = len(orjson.dumps(unit)) - 2
    return unit * max(budget // max(size, 1), 1)


def _words(words: list[str], budget: int = _BODY_BYTES) -> str:
    return _fill(" ".join(words) + " ", budget)


_PROSE_EN = ("Ministers from Turkey, Egypt and Qatar met in Doha on Monday, 16 February 2024, "
             "to discuss a ceasefire in Gaza, Reuters reported. ")
_PROSE_AR = ("وقال وزير الخارجية التركي إن المحادثات في الدوحة يوم الاثنين 16 فبراير/شباط 2024 "
             "تناولت وقف إطلاق النار في غزة، وفق وكالة الأناضول. ")

# (name, body); each message carries a short title so only the body is hostile.
_BODIES: list[tuple[str, str]] = [
    ("one huge latin word", "a" * _BODY_BYTES),
    ("one huge arabic word", "ب" * (_BODY_BYTES // 2)),
    ("markup flood", _fill("<b>x</b>")),
    ("attribute flood", "<a " + _fill('x="1" ', _BODY_BYTES - 10) + ">"),
    ("numbered attribute flood", "<a " + " ".join(f'x{i}="1"' for i in range(75_000)) + ">text"),
    ("unclosed attribute flood", "<a " + _fill('x="1" ', _BODY_BYTES - 10)),
    ("unclosed tag flood", _fill("<a ")),
    ("deep nesting", _fill("<div>", _BODY_BYTES // 2) + _fill("</div>", _BODY_BYTES // 2)),
    ("deep nesting of content tags", _fill("<object><noscript><template>", _BODY_BYTES - 20) + "text"),
    ("script tag flood", _fill("<script>x</script>")),
    ("comment flood", _fill("<!-- x -->")),
    ("unclosed comment", "<!--" + _fill("x <b> ", _BODY_BYTES - 10)),
    ("tag open flood then close", _fill("<a ", _BODY_BYTES - 10) + ">text"),
    ("unclosed quote in a tag", '<a x="' + _fill("<a ", _BODY_BYTES - 10) + ">text"),
    ("entity flood", _fill("&amp;")),
    ("numeric entity flood", _fill("&#1576;")),
    ("bare ampersand flood", _fill("& ")),
    ("digit run", "1234567890" * (_BODY_BYTES // 10)),
    ("spaced numbers", _fill("2024 ")),
    ("date-like numbers", _fill("16/02/2024 ")),
    ("arabic month names", _fill("فبراير/شباط ")),
    ("arabic dates", _fill("16 فبراير/شباط 2024 ")),
    ("arabic relative dates", _fill("الأسبوع الماضي يوم الاثنين المقبل ")),
    ("english relative dates", _fill("last Monday next week yesterday ")),
    ("month names in many languages", _words(["January", "janvier", "Januar", "enero", "января", "Ocak", "يناير", "كانون"])),
    ("mixed scripts", _words(["news", "خبر", "новость", "新闻", "समाचार", "ข่าว", "חדשות", "ειδήσεις"])),
    ("capitalised names", _words(["New", "York", "Paris", "Moscow", "Hamas", "United", "Nations", "Reuters"])),
    ("place names in arabic", _words(["موسكو", "بالقاهرة", "والدوحة", "غزة", "لتركيا", "الروسي"])),
    ("newline flood", "word" + "\n" * (_BODY_BYTES // 2 - 8) + "word"),
    ("paragraph flood", _fill("x\n\n")),
    ("whitespace flood", "word" + " " * (_BODY_BYTES - 8) + "word"),
    ("punctuation flood", _fill("!?.")),
    ("combining marks flood", "a" + "\u0301" * (_BODY_BYTES // 2 - 2)),
    ("arabic diacritics flood", _fill("بَُِّْ")),
    ("zero-width flood", "word" + _fill("\u200b", _BODY_BYTES - 8) + "word"),
    ("url flood", _fill("https://example.com/a?b=c ")),
    ("emoji flood", _fill("📰")),
    ("cjk without spaces", _fill("北京新华社电国务院总理今天在人民大会堂会见了外国客人")),
    ("english prose", _fill(_PROSE_EN)),
    ("arabic prose", _fill(_PROSE_AR)),
]


def message(body: str, title: str = "Pathological input") -> bytes:
    return orjson.dumps({"title": title, "body": body})


CASES: list[tuple[str, bytes]] = [(name, message(body, f"Pathological input: {name}")) for name, body in _BODIES]

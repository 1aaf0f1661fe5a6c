"""Text rules that several readers and enrichers share, each written once.

Arabic attached prefixes, French/Italian elisions, and the HTML elements whose content
is dropped. (Letter folding and the invisible characters live in textnorm.)
"""

from __future__ import annotations

import re

# Arabic one-letter prefixes written attached to the next word: the conjunctions و ف and
# the prepositions ب ل ك ("وموسكو", "بغزة", "لإسرائيل", "و16").
ARABIC_CONJUNCTIONS = frozenset("وف")
ARABIC_PREPOSITIONS = frozenset("بلك")
ARABIC_LETTER_PREFIXES = ARABIC_CONJUNCTIONS | ARABIC_PREPOSITIONS
# The same letters as a regex character class.
ARABIC_LETTER_PREFIX_CLASS = "[" + "".join(sorted(ARABIC_LETTER_PREFIXES)) + "]"

# French/Italian elided articles and pronouns before an apostrophe: l'eau, d'Israël, qu'il,
# dell'UE. Two anchors, on purpose (changing either changes output):
_ELIDED = r"(?:[ldjmnstc]|qu|all|dell|nell|sull|dall)['’]"
# - names (gazetteer): any word may follow ("l'UE" and "d'A" are names), and written
#   case counts: the case-sensitive aliases are matched on the token as written;
ELISION_RE = re.compile(rf"^{_ELIDED}(?=\w)")
# - keywords: at least two letters must follow, so "l'a", "qu'a" stay one word rather
#   than leave a one-letter key; tokens are folded already, any case.
ELISION_BEFORE_WORD_RE = re.compile(rf"^{_ELIDED}(?=\w{{2}})", re.I)

# HTML elements dropped with their content. Code and embedded objects are never article
# text, wherever they come from:
_CODE_AND_EMBEDS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed"})
# - feed fragments to text (htmltext): also drawings and formulas, and a document head
#   pasted into an entry (its title is not the body);
FRAGMENT_DROPPED_TAGS = _CODE_AND_EMBEDS | {"svg", "math", "head", "title"}
# - text fields sanitised with nh3 (sanitize): also the legacy raw-text elements, whose
#   content an HTML parser reads as markup; svg/math text stays, since a text field is
#   plain text by contract and whatever text it holds is the producer's;
SANITIZE_DROPPED_TAGS = _CODE_AND_EMBEDS | {"xmp", "noembed", "noframes"}
# - whole pages (extraction.body): also drawings, form controls and media, which hold
#   labels and fallback text, never the article.
PAGE_DROPPED_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "math", "button",
    "select", "textarea", "object", "embed", "canvas", "video", "audio", "map",
    "input", "label", "dialog", "menu",
)

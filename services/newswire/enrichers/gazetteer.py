"""Places, organisations, people and wire agencies by gazetteer matching.

The gazetteer (`newswire/data/gazetteer.json`, built by `scripts/build-gazetteer` from
pycountry and a curated list; see data/GAZETTEER.md) maps every alias, in every
language it has, to one canonical entity with a stable id: ISO 3166-1 alpha-2 for
countries, `city:...`, `region:...`, `org:...`, `agency:...`, `person:...` otherwise.

Matching runs on folded tokens (see enrichers.tokens), longest alias first, and lets
Arabic words carry attached prefixes (و ف ب ل ك, and لل for ل+ال): "وموسكو", "بغزة",
"لإسرائيل" and "للقدس" all find their entity. Short Latin acronyms listed as
case-sensitive ("UN", "EU", "AP") match only as written, so French "un" is no UN.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from newswire.enrichers.tokens import WORD_CACHE_SIZE, Tokens, tokenize

PLACE_KINDS = frozenset({"country", "city", "region"})
# When one alias names several entities, prefer the kind news means most often.
_KIND_PRIORITY = {"country": 0, "region": 1, "city": 2, "organization": 3, "agency": 4, "person": 5}
_MAX_ALIAS_TOKENS = 8
_ONE_LETTER_PREFIXES = frozenset("وفبلك")
_CONJUNCTIONS = frozenset("وف")
_PREPOSITIONS = frozenset("بلك")
# Attached prefixes a name can carry: و ف ب ل ك, and a conjunction before a preposition.
_ARABIC_PREFIXES = ("و", "ف", "ب", "ل", "ك", *(c + p for c in "وف" for p in "بلك"))


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    name: str
    country: str | None


# Russian (and other Cyrillic) names decline: Россия, России, Россию; Москва, Москве.
# Both aliases and text are reduced to a stem by dropping one common case ending.
_CYRILLIC_ENDINGS = tuple(sorted(
    "ами ями ого его ому ему ыми ими ой ей ом ем ах ях ию ии ия ье ья ью ая яя ую юю ое ее ый ий а я ы и у ю е о ь й".split(),
    key=len, reverse=True))
_CJK_MAX = 8


_CYRILLIC_ENDING_RE = re.compile("(?:" + "|".join(_CYRILLIC_ENDINGS) + ")$")
def cyrillic_stem(token: str) -> str | None:
    """Stem of a Cyrillic word, or None for other scripts and very short words."""
    if not ("\u0400" <= token[:1] <= "\u04ff") or len(token) < 4:
        return None
    return _cyrillic_stem(token)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _cyrillic_stem(token: str) -> str:
    match = _CYRILLIC_ENDING_RE.search(token)
    return token[: match.start()] if match and match.start() >= 3 else token


def _is_cjk(token: str) -> bool:
    return "\u3400" <= token[:1] <= "\u9fff"


@dataclass(frozen=True)
class Mention:
    entity: Entity
    start: int  # token index
    end: int
    adjective: bool = False  # "الروسي", "Russian": the country named by its demonym


_ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|all|dell|nell|sull|dall)['’](?=\w)")


_Entry = tuple[int, "Entity", "tuple[str, ...] | None", bool]


def _surface_forms(token: str) -> tuple[str, ...]:
    """The written word and its forms without an elision or an apostrophe suffix, for
    case-sensitive aliases (l'UE, Mısır'dan)."""
    if "'" not in token and "’" not in token:
        return (token,)
    return (token, _ELISION_RE.sub("", token), re.split(r"['’]", token, maxsplit=1)[0])


def prefix_variants(token: str) -> tuple[str, ...]:
    """The token and its forms without attached prefixes (folded text): Arabic و ف ب ل ك
    and لل, French/Italian elisions (l'ONU, d'Israël, dell'UE)."""
    if "'" in token or "’" in token:
        bare = _ELISION_RE.sub("", token)
        if bare != token:
            return (token, bare)
        # Turkish case suffixes and English possessives follow an apostrophe on names:
        # Mısır'dan, Hollanda'nın, Israel's.
        stem = re.split(r"['’]", token, maxsplit=1)[0]
        return (token, stem) if len(stem) >= 2 else (token,)
    first = token[:1]
    if first not in _ONE_LETTER_PREFIXES or len(token) < 3:
        return (token,)
    variants = [token, token[1:]]
    if first in _CONJUNCTIONS and token[1:2] in _PREPOSITIONS and len(token) > 3:
        variants.append(token[2:])  # وب، فل ...
    for v in list(variants):
        if v.startswith("لل") and len(v) > 3:
            variants.append("ال" + v[2:])  # للقدس = ل + القدس
    return tuple(variants)


class Gazetteer:
    def __init__(self, entities: Iterable[dict[str, Any]]) -> None:
        # alias tokens -> [(priority, entity, surface tokens required or None, is demonym)]
        self._index: dict[tuple[str, ...], list[_Entry]] = {}
        self._longest: dict[str, int] = {}  # first folded token -> longest alias length
        self._stems: dict[tuple[str, ...], list[_Entry]] = {}
        self._cjk: dict[str, list[_Entry]] = {}
        self.entities: dict[str, Entity] = {}
        self._english: dict[str, str] = {}
        for raw in entities:
            entity = Entity(raw["id"], raw["kind"], raw["name"], raw.get("country"))
            self.entities[entity.id] = entity
            for alias in raw.get("aliases", {}).get("en", []):
                self._english.setdefault(alias, entity.id)
            case_sensitive = set(raw.get("case_sensitive", []))
            aliases = {a for names in raw.get("aliases", {}).values() for a in names} | {raw["name"]}
            demonyms = {d for forms in raw.get("demonyms", {}).values() for d in forms} - aliases
            for alias in sorted(aliases) + sorted(demonyms):
                tokens = tokenize(alias)
                if not tokens.folded or len(tokens.folded) > _MAX_ALIAS_TOKENS:
                    continue
                key = tuple(tokens.folded)
                surface = tuple(tokens.surface) if alias in case_sensitive else None
                adjective = alias in demonyms
                entry = (_KIND_PRIORITY.get(entity.kind, 9) + (10 if adjective else 0), entity, surface, adjective)
                _add(self._index, key, entry)
                self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
                stems = tuple(cyrillic_stem(t) for t in key)
                if all(stems):
                    _add(self._stems, stems, entry)  # type: ignore[arg-type]
                if len(key) == 1 and _is_cjk(key[0]) and len(key[0]) <= _CJK_MAX:
                    _add(self._cjk, key[0], entry)
        self._build_starts()

    def english_aliases(self) -> dict[str, str]:
        """English alias -> entity id (for reading labels written in English)."""
        return dict(self._english)

    @classmethod
    def from_json(cls, text: str) -> "Gazetteer":
        return cls(json.loads(text)["entities"])

    def _build_starts(self) -> None:
        """Every written form that can begin a match -> the alias first words it stands
        for: the word itself and its Arabic forms with attached prefixes, computed once so
        the scan is one dict lookup per word."""
        starts: dict[str, tuple[str, ...]] = {}

        def add(form: str, first: str) -> None:
            known = starts.get(form, ())
            if first not in known:
                starts[form] = (*known, first)

        for first in self._longest:
            add(first, first)
            if "\u0600" <= first[:1] <= "\u06ff":
                for prefix in _ARABIC_PREFIXES:
                    add(prefix + first, first)
                if first.startswith("ال") and len(first) > 3:
                    for prefix in ("", *_CONJUNCTIONS):
                        add(prefix + "لل" + first[2:], first)  # للقدس = ل + القدس
        self._starts = starts

    def find(self, tokens: Tokens) -> list[Mention]:
        """Non-overlapping mentions, longest alias first, left to right."""
        folded, surface = tokens.folded, tokens.surface
        mentions: list[Mention] = []
        i, n = 0, len(folded)
        starts, longest, index = self._starts, self._longest, self._index
        while i < n:
            token = folded[i]
            firsts = starts.get(token)
            if firsts is None:
                if "'" in token or "’" in token:  # l'ONU, Mısır'dan
                    firsts = tuple(v for v in prefix_variants(token)[1:] if v in longest) or None
                if firsts is None:
                    lead = token[:1]
                    if "\u0400" <= lead <= "\u04ff" and (stemmed := self._find_stemmed(folded, i)):
                        mentions.append(stemmed)
                        i = stemmed.end
                        continue
                    if "\u3400" <= lead <= "\u9fff":
                        mentions.extend(self._find_cjk(token, i))
                    i += 1
                    continue
            matched = None
            for first in firsts:
                for size in range(min(longest[first], n - i), 0, -1):
                    entries = index.get((first, *folded[i + 1:i + size]))
                    if not entries:
                        continue
                    for _, entity, required, adjective in entries:
                        if required is None or (required[0] in _surface_forms(surface[i])
                                                and tuple(surface[i + 1:i + size]) == required[1:]):
                            matched = Mention(entity, i, i + size, adjective)
                            break
                    if matched:
                        break
                if matched:
                    break
            if matched is None and cyrillic_stem(token):
                matched = self._find_stemmed(folded, i)
            if matched:
                mentions.append(matched)
                i = matched.end
            else:
                i += 1
        return mentions

    def _find_stemmed(self, folded: list[str], i: int) -> Mention | None:
        stems: list[str] = []
        best = None
        for token in folded[i:i + _MAX_ALIAS_TOKENS]:
            stem = cyrillic_stem(token)
            if stem is None:
                break
            stems.append(stem)
            entries = self._stems.get(tuple(stems))
            if entries:
                best = Mention(entries[0][1], i, i + len(stems), entries[0][3])
        return best

    def _find_cjk(self, run: str, i: int) -> list[Mention]:
        """Chinese and Japanese have no spaces: look for aliases inside the run."""
        found = []
        pos = 0
        while pos < len(run):
            for size in range(min(_CJK_MAX, len(run) - pos), 1, -1):
                entries = self._cjk.get(run[pos:pos + size])
                if entries:
                    found.append(Mention(entries[0][1], i, i + 1, entries[0][3]))
                    pos += size
                    break
            else:
                pos += 1
        return found


def _add(index: dict, key: object, entry: _Entry) -> None:
    entries = index.setdefault(key, [])
    if all(e[1].id != entry[1].id or e[2] != entry[2] for e in entries):
        entries.append(entry)
        entries.sort(key=lambda e: (e[0], e[1].id))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    text = resources.files("newswire").joinpath("data/gazetteer.json").read_text(encoding="utf-8")
    return Gazetteer.from_json(text)


@dataclass(frozen=True)
class EntityCount:
    entity: Entity
    count: int  # mentions by name
    adjective_count: int  # mentions by demonym


def group(mentions: list[Mention], kinds: frozenset[str]) -> list[EntityCount]:
    """Entities of the given kinds, most named first (then most mentioned, first mentioned)."""
    names: dict[str, int] = {}
    adjectives: dict[str, int] = {}
    first: dict[str, Entity] = {}
    for mention in mentions:
        if mention.entity.kind in kinds:
            counter = adjectives if mention.adjective else names
            counter[mention.entity.id] = counter.get(mention.entity.id, 0) + 1
            first.setdefault(mention.entity.id, mention.entity)
    order = {eid: i for i, eid in enumerate(first)}
    return [
        EntityCount(first[eid], names.get(eid, 0), adjectives.get(eid, 0))
        for eid in sorted(first, key=lambda e: (-names.get(e, 0), -adjectives.get(e, 0), order[e]))
    ]

"""Places, organisations, people and wire agencies by gazetteer matching.

The gazetteer (`newswire/core/data/gazetteer.json`, built by `scripts/build-gazetteer` from
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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import compress
from typing import Any

from newswire.core.enrichers.tokens import WORD_CACHE_SIZE, Tokens, fold_token, tokenize
from newswire.core.textrules import ARABIC_CONJUNCTIONS, ARABIC_LETTER_PREFIXES, ARABIC_PREPOSITIONS, ELISION_RE

PLACE_KINDS = frozenset({"country", "city", "region"})
# When one alias names several entities, prefer the kind news means most often.
_KIND_PRIORITY = {"country": 0, "region": 1, "city": 2, "organization": 3, "agency": 4, "person": 5}
_MAX_ALIAS_TOKENS = 8
# Arabic attached prefixes (بغزة) for the curated entities and GeoNames places this large:
# the prefixed forms of every town's name would be a quarter of a million more words to
# look up, most of them never written.
_PREFIXED_POPULATION = 100_000
# Attached prefixes a name can carry: و ف ب ل ك, and a conjunction before a preposition.
_ARABIC_PREFIXES = (*sorted(ARABIC_LETTER_PREFIXES),
                    *(c + p for c in sorted(ARABIC_CONJUNCTIONS) for p in sorted(ARABIC_PREPOSITIONS)))


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    name: str
    country: str | None
    population: int = 0
    admin: str | None = None  # the region a city lies in, where known (US states)
    curated: bool = True  # from gazetteer.json; False: a GeoNames place or a listed organisation
    # A listed organisation's field ("sport": clubs): settles a name it shares with a town.
    sector: str | None = None
    found_by: str | None = None  # how a place not in the data was found (compass_places)


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


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 4x slower, and an article makes dozens
class Mention:
    entity: Entity
    start: int  # token index
    end: int
    adjective: bool = False  # "الروسي", "Russian": the country named by its demonym
    # Other places the same words name ("Georgia": the country, the US state), least
    # likely last; resolve_places() chooses among them by the article's other places.
    alternatives: tuple[Entity, ...] = ()


_Entry = tuple[int, "Entity", "tuple[str, ...] | None", bool]
# The surface an alias needs: None any, CAPITALISED a capital first letter (GeoNames' Latin
# names: an ordinary word in lower case is no town), else the words as written.
CAPITALISED: tuple[str, ...] = ()
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]")
# What find does at a start form, decided once (Gazetteer._plan): (first alias word,
# number of the entity it names alone or None, demonym?), settled by the next word unless
# it continues a longer alias; or _LOOK, look closely (Gazetteer._match_at). Plain values,
# not Entity objects, so that the garbage collector soon stops tracking the 50k tuples.
_Plan = tuple[str, "int | None", bool, bool]  # ..., and whether it must be capitalised
_LOOK = True


def _surface_forms(token: str) -> tuple[str, ...]:
    """The written word and its forms without an elision or an apostrophe suffix, for
    case-sensitive aliases (l'UE, Mısır'dan)."""
    if "'" not in token and "’" not in token:
        return (token,)
    return (token, ELISION_RE.sub("", token), re.split(r"['’]", token, maxsplit=1)[0])


def prefix_variants(token: str) -> tuple[str, ...]:
    """The token and its forms without attached prefixes (folded text): Arabic و ف ب ل ك
    and لل, French/Italian elisions (l'ONU, d'Israël, dell'UE)."""
    if "'" in token or "’" in token:
        bare = ELISION_RE.sub("", token)
        if bare != token:
            return (token, bare)
        # Turkish case suffixes and English possessives follow an apostrophe on names:
        # Mısır'dan, Hollanda'nın, Israel's.
        stem = re.split(r"['’]", token, maxsplit=1)[0]
        return (token, stem) if len(stem) >= 2 else (token,)
    first = token[:1]
    if first not in ARABIC_LETTER_PREFIXES or len(token) < 3:
        return (token,)
    variants = [token, token[1:]]
    if first in ARABIC_CONJUNCTIONS and token[1:2] in ARABIC_PREPOSITIONS and len(token) > 3:
        variants.append(token[2:])  # وب، فل ...
    for v in list(variants):
        if v.startswith("لل") and len(v) > 3:
            variants.append("ال" + v[2:])  # للقدس = ل + القدس
    return tuple(variants)


class Gazetteer:
    def __init__(self, entities: Iterable[dict[str, Any]], places: Iterable[list[Any]] = (),
                 orgs: Iterable[list[Any]] = ()) -> None:
        # alias tokens -> [(priority, entity, surface tokens required or None, is demonym)]
        self._index: dict[tuple[str, ...], list[_Entry]] = {}
        self._longest: dict[str, int] = {}  # first folded token -> longest alias length
        self._stems: dict[tuple[str, ...], list[_Entry]] = {}
        self._cjk: dict[str, list[_Entry]] = {}
        self.entities: dict[str, Entity] = {}
        self._english: dict[str, str] = {}
        self._prefixed: set[str] = set()  # Arabic first words that may carry a letter prefix
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
                self._prefixed.add(key[0])
                stems = tuple(cyrillic_stem(t) for t in key)
                if all(stems):
                    _add(self._stems, stems, entry)
                if len(key) == 1 and _is_cjk(key[0]) and len(key[0]) <= _CJK_MAX:
                    _add(self._cjk, key[0], entry)
        for place_id, kind, name, country, admin, population, keys in places:
            self._add_place(Entity(place_id, kind, name, country, population, admin, curated=False), keys)
        for org_id, kind, name, country, sector, population, keys in orgs:
            self._add_place(Entity(org_id, kind, name, country, population, curated=False, sector=sector), keys)
        self._build_starts()

    def _add_place(self, entity: Entity, keys: list[str]) -> None:
        """A GeoNames place (places.json) or a listed organisation (orgs.json): its aliases
        come folded already, or as written after "=" when they match only as written."""
        self.entities.setdefault(entity.id, entity)
        priority = _KIND_PRIORITY.get(entity.kind, 9)
        for alias in keys:
            surface: tuple[str, ...] | None = None
            if alias.startswith("="):
                tokens = tokenize(alias[1:])
                key, surface = tuple(tokens.folded), tuple(tokens.surface)
            else:
                key = tuple(alias.split(" "))
                if _LATIN_RE.match(key[0]):
                    surface = CAPITALISED  # "Fleet" the town, not "the fleet"
            entry = (priority, entity, surface, False)
            if key in self._index:
                _add(self._index, key, entry)
            else:
                self._index[key] = [entry]  # most keys are new: no sorting
            first = key[0]
            if len(key) > self._longest.get(first, 0):
                self._longest[first] = len(key)
            if entity.population >= _PREFIXED_POPULATION:
                self._prefixed.add(first)
            lead = first[:1]
            if "\u0400" <= lead <= "\u04ff":
                stems = tuple(cyrillic_stem(t) for t in key)
                if all(stems):
                    _add(self._stems, stems, entry)
            elif len(key) == 1 and "\u3400" <= lead <= "\u9fff" and len(first) <= _CJK_MAX:
                _add(self._cjk, first, entry)

    def english_aliases(self) -> dict[str, str]:
        """English alias -> entity id (for reading labels written in English)."""
        return dict(self._english)

    @classmethod
    def from_json(cls, text: str, places: str | None = None, orgs: str | None = None) -> Gazetteer:
        return cls(json.loads(text)["entities"], json.loads(places)["places"] if places else (),
                   json.loads(orgs)["places"] if orgs else ())

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
            if "\u0600" <= first[:1] <= "\u06ff" and first in self._prefixed:
                for prefix in _ARABIC_PREFIXES:
                    add(prefix + first, first)
                if first.startswith("ال") and len(first) > 3:
                    for prefix in ("", *ARABIC_CONJUNCTIONS):
                        add(prefix + "لل" + first[2:], first)  # للقدس = ل + القدس
        self._starts = starts
        # Prefixes of the aliases (the proper ones, and for stems the whole ones too), so
        # a match grows only while an alias can still come out of it.
        self._alias_prefixes = {key[:size] for key in self._index for size in range(1, len(key))}
        self._pairs = {key[:2] for key in self._index if len(key) > 1}
        self._stem_prefixes = {key[:size] for key in self._stems for size in range(1, len(key) + 1)}
        self._cjk_heads = {name[:2] for name in self._cjk}  # a run's aliases have 2+ characters
        self._alone: list[Entity] = []  # entities of the plans, by number
        self._plans = {form: self._plan(form, firsts) for form, firsts in starts.items()}
        self._known: dict[str, _Plan | bool] = {}  # the plans of the words seen, see _plans_of
        self._names: dict[str, tuple[int, list[Mention]]] = {}  # see find_in_name

    def _plan(self, form: str, firsts: tuple[str, ...]) -> _Plan | bool:
        """How find treats a start form. Unless the next word continues a longer alias,
        "gaza" is a mention on its own and "the" (of "the hague") none."""
        if len(firsts) > 1:
            return _LOOK
        first = firsts[0]
        entries = self._index.get((first,))
        if entries and len(entries) == 1 and (entries[0][2] is None or entries[0][2] is CAPITALISED):
            self._alone.append(entries[0][1])  # the word alone is an alias (capitalised, for GeoNames)
            return (first, len(self._alone) - 1, entries[0][3], entries[0][2] is CAPITALISED)
        if not entries and not self._may_stem(form):  # it only begins longer aliases
            return (first, None, False, False)
        return _LOOK

    def find(self, tokens: Tokens) -> list[Mention]:
        """Non-overlapping mentions, longest alias first, left to right."""
        folded, surface = tokens.folded, tokens.surface
        plans = self._plans_of(folded)
        pairs, entities = self._pairs, self._alone
        mentions: list[Mention] = []
        last = len(folded) - 1
        end = 0  # tokens before `end` are inside a mention already
        for i in compress(range(len(folded)), plans):  # the few that can begin one
            if i < end:
                continue
            plan = plans[i]
            if plan is not _LOOK:
                first, alone, adjective, capital = plan  # type: ignore[misc]
                # No longer alias here (a possessive may end one: "New Mexico’s").
                if i == last or ((first, folded[i + 1]) not in pairs and "’" not in folded[i + 1]
                                 and "'" not in folded[i + 1]):
                    if alone is not None and (not capital or surface[i][:1].isupper()):
                        mentions.append(Mention(entities[alone], i, i + 1, adjective))
                    continue
            found = self._match_at(folded, surface, i)
            if found:
                mentions += found
                end = found[-1].end
        return mentions

    def county_lists(self, mentions: list[Mention], tokens: Tokens) -> list[Mention]:
        """"Barry, Calhoun and Van Buren counties": each name with "County" after it is a
        county of the data ("Calhoun County"), not the town or person of its name alone."""
        folded, surface = tokens.folded, tokens.surface
        if "counties" not in folded and "parishes" not in folded:
            return mentions
        found: list[Mention] = []
        for j, word in enumerate(folded):
            if word not in ("counties", "parishes"):
                continue
            suffix = "county" if word == "counties" else "parish"
            k = j - 1
            while k >= 0 and (surface[k][:1].isupper() or folded[k] == "and"):
                for size in (3, 2, 1):
                    first = k - size + 1
                    if first < 0 or not surface[first][:1].isupper():
                        continue
                    entries = self._index.get((*folded[first:k + 1], suffix))
                    if entries:
                        places = [e[1] for e in entries if e[1].kind in PLACE_KINDS]
                        if places:
                            found.append(Mention(places[0], first, k + 1, alternatives=tuple(places[1:])))
                        k = first
                        break
                k -= 1
        if not found:
            return mentions
        spans = {i for m in found for i in range(m.start, m.end)}
        kept = [m for m in mentions if not any(i in spans for i in range(m.start, m.end))]
        return sorted(kept + found, key=lambda m: m.start)

    def find_in_name(self, name: str) -> tuple[int, list[Mention]]:
        """(number of words, the mentions) of a short text such as a person's or an
        organisation's name, remembered: names recur from article to article, and most
        contain no alias at all, which the plans tell without tokenising."""
        known = self._names.get(name)
        if known is None:
            words = name.split()
            if not any(self._plans_of([fold_token(w) for w in words])) and "'" not in name and "’" not in name:
                known = (len(tokenize(name).folded), [])
            else:
                tokens = tokenize(name)
                known = (len(tokens.folded), self.find(tokens))
            if len(self._names) > WORD_CACHE_SIZE:
                self._names.clear()
            self._names[name] = known
        return known

    def _plans_of(self, folded: list[str]) -> list[_Plan | bool | None]:
        """The plan of each token, false for the many that can't begin a mention: one dict
        lookup per token, in C. The lookup goes to a table of the words seen so far, not to
        the start forms: news vocabulary repeats, and that table's entries, in the order
        first seen, keep the frequent words close together in memory (the start forms'
        table is 30 MB: a token looked up there costs a few cache misses). Bounded like the
        word caches."""
        known = self._known
        plans = list(map(known.get, folded))
        if None in plans:  # words not seen yet
            if len(known) > WORD_CACHE_SIZE:
                known.clear()
            for i, plan in enumerate(plans):
                if plan is None:
                    word = folded[i]
                    start = self._plans.get(word)
                    if start is None:
                        start = _LOOK if self._may_start(word) else False
                    plans[i] = known[word] = start
        return plans

    def _may_start(self, token: str) -> bool:
        """Whether a word that is not a start form can still begin a mention (the fallbacks
        of _match_at): an elided or suffixed name, a declined Cyrillic name or a CJK run."""
        if ("'" in token or "’" in token) and any(v in self._longest for v in prefix_variants(token)[1:]):
            return True
        return self._may_stem(token) or "\u3400" <= token[:1] <= "\u9fff"

    def _may_stem(self, token: str) -> bool:
        """Whether some alias compared by Cyrillic stems can begin with this word."""
        stem = cyrillic_stem(token)
        return stem is not None and (stem,) in self._stem_prefixes

    def _match_at(self, folded: list[str], surface: list[str], i: int) -> list[Mention]:
        """The mentions found at token i (the loop body of the plain scan): one by alias,
        else by Cyrillic stem, or the names inside a CJK run, or none."""
        token = folded[i]
        firsts = self._starts.get(token)
        if firsts is None and ("'" in token or "’" in token):  # l'ONU, Mısır'dan
            firsts = tuple(v for v in prefix_variants(token)[1:] if v in self._longest) or None
        if firsts is None:
            lead = token[:1]
            if "\u0400" <= lead <= "\u04ff":
                stemmed = self._find_stemmed(folded, i)
                return [stemmed] if stemmed else []
            if "\u3400" <= lead <= "\u9fff":
                return self._find_cjk(token, i)
            return []
        for first in firsts:
            matched = self._find_alias(first, folded, surface, i)
            if matched:
                return [matched]
        if cyrillic_stem(token):
            stemmed = self._find_stemmed(folded, i)
            if stemmed:
                return [stemmed]
        return []

    def _find_alias(self, first: str, folded: list[str], surface: list[str], i: int) -> Mention | None:
        """The longest alias beginning with `first` at token i whose case-sensitive form,
        if any, matches the surface words."""
        index, prefixes = self._index, self._alias_prefixes
        key: tuple[str, ...] = (first,)
        keys = [key] if key in index else []
        for token in folded[i + 1:i + self._longest[first]]:
            if key not in prefixes:
                break  # no longer alias begins with these words
            if "'" in token or "’" in token:  # "New Mexico’s", "South Dakota's": the name ends here
                key = (*key, prefix_variants(token)[-1])
                if key in index:
                    keys.append(key)
                break
            key = (*key, token)
            if key in index:
                keys.append(key)
        for key in reversed(keys):
            size = len(key)
            fits = [(entity, adjective) for _, entity, required, adjective in index[key]
                    if required is None or (surface[i][:1].isupper() if required is CAPITALISED else (
                        required[0] in _surface_forms(surface[i]) and tuple(surface[i + 1:i + size]) == required[1:]))]
            if fits:
                entity, adjective = fits[0]
                # A place's other readings: other places, and clubs named like it ("Chelsea").
                others = tuple(e for e, _ in fits[1:] if (e.kind in PLACE_KINDS or e.sector) and e.id != entity.id)
                return Mention(entity, i, i + size, adjective, others if entity.kind in PLACE_KINDS else ())
        return None

    def _find_stemmed(self, folded: list[str], i: int) -> Mention | None:
        """The longest alias at token i compared by Cyrillic stems (declined names)."""
        stems: tuple[str, ...] = ()
        best = None
        for token in folded[i:i + _MAX_ALIAS_TOKENS]:
            stem = cyrillic_stem(token)
            if stem is None:
                break
            stems = (*stems, stem)
            if stems not in self._stem_prefixes:
                break  # no stemmed alias begins with these words
            entries = self._stems.get(stems)
            if entries:
                best = Mention(entries[0][1], i, i + len(stems), entries[0][3])
        return best

    def _find_cjk(self, run: str, i: int) -> list[Mention]:
        """Chinese and Japanese have no spaces: look for aliases inside the run."""
        found = []
        pos = 0
        while pos < len(run):
            if run[pos:pos + 2] not in self._cjk_heads:
                pos += 1  # no alias begins here
                continue
            for size in range(min(_CJK_MAX, len(run) - pos), 1, -1):
                entries = self._cjk.get(run[pos:pos + size])
                if entries:
                    found.append(Mention(entries[0][1], i, i + 1, entries[0][3]))
                    pos += size
                    break
            else:
                pos += 1
        return found


def _add(index: dict[Any, list[_Entry]], key: object, entry: _Entry) -> None:
    entries = index.setdefault(key, [])
    if all(e[1].id != entry[1].id or e[2] != entry[2] for e in entries):
        entries.append(entry)
        # The most likely reading first: a name before a demonym, the curated gazetteer
        # before GeoNames, a country before a region before a city, the larger city.
        entries.sort(key=lambda e: (e[0] >= 10, not e[1].curated, e[0], -e[1].population, e[1].id))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    data = resources.files("newswire.core").joinpath("data")
    return Gazetteer.from_json(data.joinpath("gazetteer.json").read_text(encoding="utf-8"),
                               data.joinpath("places.json").read_text(encoding="utf-8"),
                               data.joinpath("orgs.json").read_text(encoding="utf-8"))


def _country_of(entity: Entity) -> str | None:
    return entity.id if entity.kind == "country" else entity.country


def resolve_places(mentions: list[Mention]) -> list[Mention]:
    """Choose, for words that name several places, the one the article means: the one
    that lies in (or is) a place named unambiguously in the same article ("Georgia" beside
    "Atlanta" is the US state, beside "Tbilisi" the country), else the likeliest (the
    order of Mention.alternatives: curated first, then the larger). A town named like a
    club ("Chelsea", "Liverpool") is the club when the article names another club by a
    name that only a club has ("Real Madrid")."""
    if not any(m.alternatives for m in mentions):
        return mentions
    settled = [m.entity for m in mentions if not m.alternatives and m.entity.kind in PLACE_KINDS]
    places = {e.id for e in settled} | {e.admin for e in settled if e.admin}
    countries = {_country_of(e) for e in settled}
    sectors = {m.entity.sector for m in mentions if not m.alternatives and m.entity.sector}
    out = []
    for m in mentions:
        if m.alternatives:
            candidates = (m.entity, *m.alternatives)
            listed = [e for e in candidates if e.sector in sectors]
            if listed:
                out.append(Mention(listed[0], m.start, m.end))
                continue
            best = max(range(len(candidates)), key=lambda i: (
                candidates[i].kind in PLACE_KINDS,
                candidates[i].id in places or candidates[i].admin in places,
                _country_of(candidates[i]) in countries, -i))
            if best:
                m = Mention(candidates[best], m.start, m.end, m.adjective)
        out.append(m)
    return out


# Words that make a part of a place a place of its own when written with it, capitalised:
# "North Africa", "Inner Mongolia", "Greater Manchester"; after it: "Kowloon West", "Yobe North".
_COMPASS_BEFORE = frozenset("""North South East West Northern Southern Eastern Western Central Inner Outer Upper
Lower Greater Northeast Northwest Southeast Southwest North-East North-West South-East South-West""".split())
_COMPASS_AFTER = frozenset("North South East West Central".split())


def compass_places(mentions: list[Mention], surface: list[str]) -> list[Mention]:
    """A place written with a compass word that the data does not know as a whole ("North
    Africa", "West Michigan", "Kowloon West") is that region, not the larger place."""
    out = []
    last = len(surface)
    for k, m in enumerate(mentions):
        if m.entity.kind in PLACE_KINDS and not m.adjective:
            # The word before or after, unless another mention has it.
            before = surface[m.start - 1] if m.start and (not k or mentions[k - 1].end < m.start) else ""
            after = surface[m.end] if m.end < last and (k + 1 == len(mentions) or mentions[k + 1].start > m.end) else ""
            if before in _COMPASS_BEFORE or after in _COMPASS_AFTER:
                start, end = (m.start - 1, m.end) if before in _COMPASS_BEFORE else (m.start, m.end + 1)
                name = re.sub(r"['’]s?$", "", " ".join(surface[start:end]))  # "Inner Mongolia’s"
                slug = re.sub(r"[^a-z0-9]+", "-", fold_token(name)).strip("-")
                region = Entity(f"region:{slug}" if slug else m.entity.id, "region", name, m.entity.country,
                                admin=m.entity.id, curated=False, found_by="compass")
                m = Mention(region, start, end)
        out.append(m)
    return out


# Towns and a continent's name in other languages ("Europa") named like the bodies of the
# solar system; an article that speaks of space means the bodies.
_CELESTIAL = frozenset("""mercury venus mars jupiter saturn uranus neptune pluto europa io ganymede callisto
titan enceladus triton ceres""".split())
_SPACE_WORDS = frozenset("""planet planets moon moons orbit orbiting spacecraft probe telescope astronomers
astronomy astronomical nasa esa asteroid comet solar""".split())


def without_celestial(mentions: list[Mention], folded: list[str]) -> list[Mention]:
    """The mentions, less the places named like a planet or moon when the article speaks of space."""
    if _SPACE_WORDS.isdisjoint(folded):
        return mentions
    return [m for m in mentions if not (m.entity.kind in PLACE_KINDS and m.end - m.start == 1
                                        and prefix_variants(folded[m.start])[-1] in _CELESTIAL)]


def known_mentions(tokens: Tokens) -> list[Mention]:
    """The article's mentions of what the gazetteer knows: county lists read, ambiguous
    places resolved, planets that are not places and compass-qualified places sorted out."""
    gazetteer = default_gazetteer()
    mentions = gazetteer.county_lists(gazetteer.find(tokens), tokens)
    return compass_places(resolve_places(without_celestial(mentions, tokens.folded)), tokens.surface)


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 4x slower, and an article makes dozens
class EntityCount:
    entity: Entity
    count: int  # mentions by name
    adjective_count: int  # mentions by demonym


def group(mentions: list[Mention], kinds: frozenset[str]) -> list[EntityCount]:
    """Entities of the given kinds, most named first (then most mentioned, first mentioned)."""
    return group_by_kinds(mentions, (kinds,))[0]


def group_by_kinds(mentions: list[Mention], kind_sets: tuple[frozenset[str], ...]) -> list[list[EntityCount]]:
    """group() for each set of kinds, in one pass over the mentions (an entity in the
    first set that has its kind)."""
    names: dict[str, int] = {}
    adjectives: dict[str, int] = {}
    first: dict[str, Entity] = {}
    for mention in mentions:
        entity = mention.entity
        counter = adjectives if mention.adjective else names
        counter[entity.id] = counter.get(entity.id, 0) + 1
        first.setdefault(entity.id, entity)
    order = {eid: i for i, eid in enumerate(first)}
    groups: list[list[EntityCount]] = [[] for _ in kind_sets]
    for eid in sorted(first, key=lambda e: (-names.get(e, 0), -adjectives.get(e, 0), order[e])):
        entity = first[eid]
        for kinds, found in zip(kind_sets, groups):
            if entity.kind in kinds:
                found.append(EntityCount(entity, names.get(eid, 0), adjectives.get(eid, 0)))
                break
    return groups

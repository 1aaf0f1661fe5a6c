"""The listed organisations of services/newswire/core/data/orgs.json (run by
scripts/build-gazetteer; needs the extra `gazetteer`).

Sources, all packages that carry their data:
- companies: the stock-index constituents of pytickersymbols (names tidied by cleanco:
  "Netflix, Inc." -> "Netflix");
- sports clubs: the European football clubs of football-team-names-zh (their Latin-script
  names) and the NBA teams of nba_api ("Los Angeles Lakers", "Lakers").

A one-word name that is also an ordinary English word or a proper name of the English
dictionaries (english-words' web2 and gcide: "Target", "Shell", "Amazon", "Heat", "Douglas")
or a common surname or given name of an English-speaking country (names-dataset: "Gates",
"Rogers", "Elisa"), and a two-letter acronym ("BD") is left out: written alone it more
often means the word or a person. Names the curated gazetteer has for something else are
left to it; a club may share a place's name ("Chelsea", "Porto"), and the matcher reads it
as the club beside another club. Aliases of four letters or fewer written in capitals
("BMW", "AMD") match only as written ("=" before them). Every other alias needs a capital
first letter when matched, as GeoNames names do.
"""

from __future__ import annotations

import gzip
import pickle
import re
from importlib import resources
from importlib.metadata import version
from typing import Any

# The sectors the matcher knows: a club's name that is also a town's ("Chelsea",
# "Liverpool") is read as the club in an article that names another club.
SPORT = "sport"
COMPANY = "company"
_SHORT = 4


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


SURNAME_RANK = 1_000  # a surname among the top N of an English-speaking country
SURNAME_COUNTRIES = ("US", "GB", "CA", "AU", "IE", "NZ")


def _common_names(kind: str) -> set[str]:
    """names-dataset's `kind` ("first", "last") names ranked in the top SURNAME_RANK of an
    English-speaking country, lower-cased."""
    path = resources.files("names_dataset").joinpath(f"v3/{kind}_names.pkl.gz")
    with path.open("rb") as raw, gzip.open(raw) as f:
        table = pickle.load(f)  # noqa: S301 - the package's own data file
    return {name.lower() for name, info in table.items()
            if any(info.get("rank", {}).get(c, SURNAME_RANK + 1) <= SURNAME_RANK for c in SURNAME_COUNTRIES)}


def build(curated_keys: set[str], place_keys: set[str], fold: Any) -> dict:
    """The orgs.json document. `curated_keys` are the folded aliases of the curated
    gazetteer (left to it), `place_keys` those of every place (curated and world); `fold`
    is the matcher's folding of a name."""
    from cleanco import basename
    from english_words import get_english_words_set
    from football_team_names_zh.data import TEAMS_DATA
    from nba_api.stats.static import teams as nba_teams
    from pytickersymbols import PyTickerSymbols

    dictionary = get_english_words_set(["web2", "gcide"], lower=False, alpha=True)
    lower = {w for w in dictionary if w.islower()} | _common_names("last") | _common_names("first")

    def ordinary(name: str) -> bool:
        """A one-word name that the dictionary has as a word or a proper name."""
        if " " in name.strip():
            return False
        word = name.strip()
        base = word.lower()
        forms = {base, base[:-1] if base.endswith("s") else base, base[:-2] if base.endswith("es") else base}
        return bool(forms & lower) or word in dictionary or word.capitalize() in dictionary

    orgs: dict[str, list[Any]] = {}
    left_out: list[str] = []

    def add(org_id: str, name: str, country: str | None, sector: str, aliases: set[str]) -> None:
        keys: set[str] = set()
        for alias in aliases:
            alias = alias.strip()
            key = fold(alias)
            # A club named like a place is only ever the place's other reading (see
            # resolve_places), so its name may be an ordinary word or a given name too.
            town = sector == SPORT and key in place_keys
            shared = key in curated_keys and not town
            if not re.search(r"[^\W\d_]", key) or shared or (ordinary(alias) and not town):  # "1&1" reads as "1 1"
                left_out.append(alias)
                continue
            letters = re.sub(r"[^A-Za-z]", "", alias)
            if len(alias) <= 2 and alias.isalpha():
                left_out.append(alias)  # "BD", "GE": too many other readings
                continue
            if len(letters) <= _SHORT and letters.isupper():
                keys.add("=" + alias)
            else:
                keys.add(key)
        if keys:
            entry = orgs.setdefault(org_id, [org_id, "organization", name, country, sector, 0, []])
            entry[6] = sorted(set(entry[6]) | keys)

    countries = _country_codes()
    for stock in sorted(PyTickerSymbols().get_all_stocks(), key=lambda s: s["name"]):
        full = stock["name"].strip()
        short = basename(full).strip(" ,.")
        add(f"org:company-{_slug(short)}", short, countries.get(stock.get("country") or ""), COMPANY, {full, short})
    for team in sorted(TEAMS_DATA, key=lambda t: t["name"]):
        names = {a for a in (team["name"], *team.get("aliases", ())) if re.fullmatch(r"[A-Za-zÀ-ÿ0-9 .&'-]+", a)}
        add(f"org:club-{_slug(team['name'])}", team["name"], countries.get(team.get("country") or ""), SPORT, names)
    for team in sorted(nba_teams.get_teams(), key=lambda t: t["full_name"]):
        add(f"org:club-{_slug(team['full_name'])}", team["full_name"], "US", SPORT, {team["full_name"], team["nickname"]})

    listed = sorted(orgs.values(), key=lambda o: o[0])
    return {
        "format": 1,
        "source": (f"Generated by scripts/build-gazetteer from pytickersymbols {version('pytickersymbols')} (companies "
                   f"of the stock indices it lists, names tidied by cleanco {version('cleanco')}), "
                   f"football-team-names-zh {version('football-team-names-zh')} (European football clubs) and "
                   f"nba_api {version('nba_api')} (NBA teams); one-word names found in english-words "
                   f"{version('english-words')} (web2, gcide) or among "
                   f"names-dataset's top {SURNAME_RANK:,} surnames and given names of "
                   f"{', '.join(SURNAME_COUNTRIES)} left out. Do not edit by hand; see GAZETTEER.md."),
        "license": "pytickersymbols: MIT; cleanco: MIT; football-team-names-zh: MIT; nba_api: MIT; english-words: MIT.",
        "fields": ["id", "kind", "name", "country", "sector", "population", "aliases (folded; '=' + as written)"],
        "counts": {"organizations": len(listed), "aliases": sum(len(o[6]) for o in listed),
                   "aliases left out": len(left_out)},
        "places": listed,
    }


def _country_codes() -> dict[str, str]:
    """English country name -> ISO 3166-1 alpha-2 (pycountry), with the names the sources use."""
    import pycountry

    codes = {c.name: c.alpha_2 for c in pycountry.countries}
    codes.update({c.common_name: c.alpha_2 for c in pycountry.countries if hasattr(c, "common_name")})
    codes.update({"England": "GB", "Scotland": "GB", "Wales": "GB", "United States": "US", "USA": "US",
                  "South Korea": "KR", "Russia": "RU", "Taiwan": "TW"})
    return codes

"""Listed organisations (data/orgs.json: stock-index companies, football clubs, NBA teams)
and the place forms around the gazetteer: compass compounds, county lists, planets in
space stories, places inside longer names. Through `enrich`, as a user sees them."""

from datetime import datetime, timezone

from newswire.core.enrich import enrich
from newswire.core.models import RawArticle, Source

SOURCE = Source(name="test", kind="api")


def enriched(body: str, title: str = "Report"):
    return enrich(RawArticle(id="t1", title=title, body=body, source=SOURCE,
                             fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc))).enrichment


def names(refs) -> dict[str, str]:
    return {r.name: r.found_by for r in refs if r.count}


def test_companies_of_the_stock_indices_are_listed_organisations():
    e = enriched("Shares of Boeing fell while Home Depot and Commerzbank rose after the report.")
    found = names(e.organizations)
    assert found.get("Boeing") == "listed"
    assert found.get("Home Depot") == "listed"
    assert found.get("Commerzbank") == "listed"


def test_a_company_named_like_an_ordinary_word_is_not_listed():
    e = enriched("Target practice was cancelled. Shell casings were found near the gates.")
    assert not {"Target", "Shell", "Gates"} & set(names(e.organizations))


def test_a_club_named_like_a_town_is_the_club_beside_another_club():
    e = enriched("Real Madrid beat Chelsea on Tuesday, and Tottenham lost to Manchester United.")
    orgs, places = names(e.organizations), names(e.places)
    assert {"Real Madrid", "Chelsea", "Tottenham", "Manchester United"} <= set(orgs)
    assert not {"Chelsea", "Tottenham", "Manchester", "Madrid"} & set(places)


def test_the_same_town_alone_stays_a_place():
    e = enriched("The fire in Chelsea, Massachusetts, destroyed two homes.")
    assert "Chelsea" in names(e.places)
    assert "Chelsea" not in names(e.organizations)


def test_compass_words_make_a_region_of_their_own():
    e = enriched("Rights groups in North Africa and the commander of Kowloon West district spoke.")
    places = names(e.places)
    assert places.get("North Africa") == "compass"
    assert places.get("Kowloon West") == "compass"
    assert "Africa" not in places


def test_a_list_of_counties_gives_each_county():
    e = enriched("The virus was reported in Barry, Calhoun and Van Buren counties in Michigan.")
    places = names(e.places)
    assert {"Barry County", "Calhoun County", "Van Buren County", "Michigan"} <= set(places)
    assert "Calhoun" not in places


def test_planets_are_no_places_in_a_space_story():
    e = enriched("NASA confirmed water vapour on Europa, one of Jupiter's moons, the telescope team said.")
    assert not {"Europe", "Jupiter"} & set(names(e.places))
    assert "Jupiter" in names(enriched("A storm hit Jupiter, Florida, and Miami on Sunday.").places)


def test_a_place_inside_a_longer_name_is_no_place():
    e = enriched("The costs were reported by the Sioux Falls Argus Leader and confirmed by the Nigeria Police.")
    assert not {"Sioux Falls", "Nigeria"} & set(names(e.places))


def test_a_place_before_a_possessive_or_a_title_stays():
    e = enriched("Officials said Kazakhstan's Air Astana will fly, and US President Joe Biden agreed.")
    places = names(e.places)
    assert {"Kazakhstan", "United States"} <= set(places)
    assert "Astana" not in places


def test_a_possessive_ends_a_longer_place_name():
    assert "New Mexico" in names(enriched("It was found on the streets of New Mexico’s capital.").places)

"""The world's places (data/places.json: GeoNames cities, US states, continents, ISO 3166-2
regions): found, disambiguated by the article's other places, and no ordinary word read
as a town."""

import pytest

from newswire.core.enrichers.gazetteer import default_gazetteer, resolve_places
from newswire.core.enrichers.tokens import tokenize


def places(text: str) -> list[tuple[str, str | None]]:
    return [(m.entity.name, m.entity.country) for m in resolve_places(default_gazetteer().find(tokenize(text)))]


@pytest.mark.parametrize(
    "text, place",
    [
        ("The stabbing on the train in Hayward, police said.", ("Hayward", "US")),
        ("Greenbelt, Maryland", ("Greenbelt", "US")),
        ("lluvias en Paiporta", ("Paiporta", "ES")),
        ("В Казани и Екатеринбурге", ("Kazan", "RU")),
        ("Sioux Falls, S.D.", ("Sioux Falls", "US")),
    ],
)
def test_cities_beyond_the_curated_list(text, place):
    assert place in places(text)


def test_georgia_beside_atlanta_is_the_state_beside_tbilisi_the_country():
    assert ("Georgia", "US") in places("He flew from Atlanta to Georgia's capital.")
    assert ("Georgia", None) in places("Protests in Tbilisi, Georgia, went on.")
    assert ("Georgia", None) in places("Georgia signed the agreement.")  # the likelier one alone


def test_tripoli_by_its_neighbours():
    assert places("طرابلس لبنان")[0] == ("Tripoli (Lebanon)", "LB")
    assert places("Tripoli")[0] == ("Tripoli", "LY")


@pytest.mark.parametrize(
    "text",
    [
        "The airline grew its fleet to 270 aircraft.",  # Fleet, England
        "la sortie de la réunion de dernière minute",  # La Réunion
        "the summit ended; she had a net worth of $17 million",  # Summit NJ, Wörth am Rhein
        "ظل خارج البلاد وباهر النتائج",  # ب + اهر (Ahar)
        "Саммит прошёл в среду",  # Summit in Cyrillic
    ],
)
def test_ordinary_words_are_no_towns(text):
    assert places(text) == [], places(text)

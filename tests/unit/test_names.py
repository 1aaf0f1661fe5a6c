"""People and organisations found by form and context (enrichers/names.py), and the
longest mention winning over the gazetteer's shorter ones."""

import pytest

from newswire.core.enrich import enrich
from newswire.core.models import Source
from newswire.core.sources import build_article

SOURCE = Source(name="test", kind="jsonl", location="test")


def enriched(title: str, body: str, language: str):
    article = build_article({"title": title, "body": body, "language": language}, source=SOURCE)
    return enrich(article).enrichment


def names(refs):
    return {r.name: r.found_by for r in refs}


@pytest.mark.parametrize(
    "field, language, body, name, found_by",
    [
        ("people", "en", "Photos of Kate Henshaw were released online this week.", "Kate Henshaw", "given-name"),
        ("people", "en", "Dr. Joneigh Khaldun of the state health department warned residents.", "Joneigh Khaldun", "title"),
        ("people", "fr", "Face à elle, M. Girardin a promis de remettre la sécurité au cœur du mandat.", "Girardin", "title"),
        ("people", "tr", "Tarım ve Orman Bakanı İbrahim Yumaklı, dün toplantıda yeni programı açıkladı.", "İbrahim Yumaklı", "title"),
        ("people", "ru", "Председатель профсоюза Галина Меркулова заявила, что учителям нужна помощь.", "Галина Меркулова", "given-name"),
        ("people", "ar", "وقال وزير النقل رشيد عامري إن الوزارة منفتحة على الحوار مع النقابات.", "رشيد عامري", "arabic-name"),
        ("organizations", "es", "Según el cómputo del Tribunal Supremo Electoral (TSE), el senador ganó la segunda vuelta.",
         "Tribunal Supremo Electoral", "acronym"),
        ("organizations", "en", "The Michigan Department of Health and Human Services says the risk continues.",
         "Michigan Department of Health and Human Services", "org-word"),
        ("organizations", "tr", "Sağlık Bakanlığı'ndan yapılan açıklamada acil servislerin açık kaldığı belirtildi.",
         "Sağlık Bakanlığı", "org-word"),
        ("organizations", "ar", "وقال إن المفاوضات مع وزارة النقل وصلت إلى طريق مسدود بعد ثلاث جولات.", "وزارة النقل", "org-word"),
        ("organizations", "fr", "Le syndicat SUD-Rail a annoncé qu'il se joindrait au mouvement de grève.", "SUD-Rail", "apposition"),
        ("organizations", "de", "Das Budget soll im Nationalrat beraten werden, sagte der Minister am Dienstag.", "Nationalrat", "org-word"),
    ],
)
def test_names_the_gazetteer_does_not_list(field, language, body, name, found_by):
    e = enriched("News", body, language)
    assert names(getattr(e, field)).get(name) == found_by, getattr(e, field)


def test_the_surname_alone_is_the_same_person():
    e = enriched("Coach", "Chargers coach Anthony Lynn lost on Monday. Lynn said the team needed help. "
                          "Lynn added that the season was not over.", "en")
    [lynn] = [r for r in e.people if "Lynn" in r.name]
    assert (lynn.name, lynn.count) == ("Anthony Lynn", 3)
    assert not any(r.name == "Lynn" for r in e.places)  # Lynn, Massachusetts is not meant


def test_a_place_inside_a_longer_name_is_no_place():
    e = enriched("Sports", "Chargers coach Anthony Lynn spoke to the Los Angeles Times after the game.", "en")
    assert not any(r.name == "Los Angeles" for r in e.places), e.places
    assert "Los Angeles Times" in names(e.organizations)


def test_the_gazetteer_wins_for_what_it_lists():
    e = enriched("Talks", "President Donald Trump met UN Secretary-General António Guterres in New York.", "en")
    assert names(e.people) == {"Donald Trump": "gazetteer", "António Guterres": "gazetteer"}


def test_ordinary_capitalised_words_are_no_names():
    e = enriched("Markets", "The Davis Cup Final began on Monday. Blossom Music Center will host the tour. "
                            "Real Madrid won.", "en")
    assert e.people == [], e.people

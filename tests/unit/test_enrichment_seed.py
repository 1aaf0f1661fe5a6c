"""The reference seed, fully enriched with the shipped gazetteer (issue #3's expectations)."""

import json
from datetime import datetime

from newswire.core.enrich import enrich
from newswire.core.sources.reader import read_inputs
from tests.conftest import REPO, SEED

EXPECTED = json.loads((REPO / "tests" / "corpus" / "seed_expectations.json").read_text(encoding="utf-8"))


def enriched_seed(published_at: str | None = EXPECTED["published_at"]):
    [article] = list(read_inputs([str(SEED)]))
    if published_at:
        article = article.model_copy(update={"published_at": datetime.fromisoformat(published_at)})
    return enrich(article).enrichment


def test_places_include_the_seed_places_and_russia():
    e = enriched_seed()
    named = {p.name for p in e.places if p.count}
    assert {"Moscow", "Gaza Strip", "Rafah", "West Bank", "Jerusalem", "Israel"} <= named
    russia = next(p for p in e.places if p.id == "RU")
    assert russia.adjective_count >= 1  # "الروسي", "الروسية": Russia named by its adjective
    moscow = next(p for p in e.places if p.id == "city:moscow")
    assert (moscow.kind, moscow.country, moscow.count) == ("city", "RU", 5)


def test_organizations_and_agency():
    e = enriched_seed()
    assert {o.name for o in e.organizations} >= {"Hamas", "UN Security Council", "International Court of Justice"}
    assert {o.id for o in e.organizations} >= {"org:hamas", "org:unsc", "org:icj"}
    assert e.agencies == ["Anadolu Agency"]


def test_dates_resolved_against_the_publication_date():
    e = enriched_seed()
    resolved = {d.value for d in e.dates if d.resolved}
    assert {"2024-02-16", "2024-02-29", "2023-10-07"} <= resolved
    assert set(EXPECTED["dates"]) == resolved


def test_dates_without_a_year_stay_unresolved():
    """A file has no publication date, and the day it is read says nothing about the year."""
    e = enriched_seed(published_at=None)
    assert {d.value for d in e.dates} >= {"--02-16", "--02-29", "--10-07"}
    assert not any(d.resolved for d in e.dates)


def test_keywords_and_normalised_text():
    e = enriched_seed()
    assert {k.term for k in e.keywords} >= {"قطاع غزة", "موسكو"}
    assert e.normalized_title == "حماس تبحث مع موسكو سبل وقف حرب غزه"
    assert "ة" not in e.normalized_body and "أ" not in e.normalized_body

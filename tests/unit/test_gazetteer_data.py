"""The shipped gazetteer: up to date with its sources, and resolving what news writes."""

import subprocess
import sys

import pytest

from newswire.core.enrichers.gazetteer import default_gazetteer
from newswire.core.enrichers.tokens import tokenize
from tests.conftest import REPO


def test_gazetteer_json_is_rebuilt_from_its_sources():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "build-gazetteer"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "text, entity_id",
    [
        ("موسكو", "city:moscow"), ("Moscou", "city:moscow"), ("Москве", "city:moscow"), ("Moskova'da", "city:moscow"),
        ("بغزة", "region:gaza-strip"), ("قطاع غزة", "region:gaza-strip"), ("رفح", "city:rafah"),
        ("الضفة الغربية", "region:west-bank"), ("للقدس", "city:jerusalem"), ("لإسرائيل", "IL"),
        ("России", "RU"), ("Mısır'dan", "EG"), ("中国海关总署", "CN"),
        ("مجلس الأمن الدولي", "org:unsc"), ("محكمة العدل الدولية", "org:icj"), ("l'ONU", "org:un"),
        ("وكالة الأناضول", "agency:anadolu"), ("أ ف ب", "agency:afp"), ("رويترز", "agency:reuters"),
    ],
)
def test_aliases_resolve(text, entity_id):
    assert entity_id in [m.entity.id for m in default_gazetteer().find(tokenize(text))]


@pytest.mark.parametrize("text", ["المدينة القديمة", "دوشنبه گذشته", "un accord", "the city of Nice is nice"])
def test_common_words_are_not_places(text):
    ids = [m.entity.id for m in default_gazetteer().find(tokenize(text))]
    assert not any(i in ("city:medina", "city:dushanbe", "org:un") for i in ids), ids


def test_demonyms_name_countries_as_adjectives():
    mentions = default_gazetteer().find(tokenize("نائب وزير الخارجية الروسي والجهود الروسية"))
    assert [(m.entity.id, m.adjective) for m in mentions] == [("RU", True), ("RU", True)]

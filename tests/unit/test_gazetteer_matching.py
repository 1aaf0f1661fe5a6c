"""The matcher on a small inline gazetteer (the shipped data is tested in test_gazetteer_data)."""

from newswire.core.enrichers.gazetteer import Gazetteer, group, prefix_variants
from newswire.core.enrichers.tokens import tokenize

ENTITIES = [
    {"id": "city:moscow", "kind": "city", "name": "Moscow", "country": "RU",
     "aliases": {"ar": ["موسكو"], "fr": ["Moscou"], "de": ["Moskau"], "ru": ["Москва"], "tr": ["Moskova"]}},
    {"id": "region:gaza-strip", "kind": "region", "name": "Gaza Strip", "country": "PS",
     "aliases": {"ar": ["غزة", "قطاع غزة"], "en": ["Gaza", "Gaza Strip"]}},
    {"id": "city:jerusalem", "kind": "city", "name": "Jerusalem", "aliases": {"ar": ["القدس"]}},
    {"id": "IL", "kind": "country", "name": "Israel", "aliases": {"ar": ["إسرائيل"]}},
    {"id": "org:unsc", "kind": "organization", "name": "UN Security Council",
     "aliases": {"ar": ["مجلس الأمن", "مجلس الأمن الدولي"], "en": ["Security Council"]}},
    {"id": "org:un", "kind": "organization", "name": "United Nations", "case_sensitive": ["UN"],
     "aliases": {"en": ["UN", "United Nations"], "fr": ["ONU"]}},
]
G = Gazetteer(ENTITIES)


def ids(text: str) -> list[str]:
    return [m.entity.id for m in G.find(tokenize(text))]


def test_one_place_in_every_language():
    for text in ["موسكو", "Moscow", "Moscou", "Moskau", "Москва", "Moskova"]:
        assert ids(text) == ["city:moscow"], text


def test_arabic_attached_prefixes():
    assert ids("وموسكو بغزة لإسرائيل والقدس للقدس فبموسكو") == [
        "city:moscow", "region:gaza-strip", "IL", "city:jerusalem", "city:jerusalem", "city:moscow"]


def test_diacritics_and_hamza_forms():
    assert ids("مُوسْكُو وإسرائيل واسرائيل") == ["city:moscow", "IL", "IL"]


def test_longest_alias_wins():
    assert ids("قرار مجلس الأمن الدولي بشأن قطاع غزة") == ["org:unsc", "region:gaza-strip"]
    mentions = G.find(tokenize("مجلس الأمن الدولي"))
    assert len(mentions) == 1 and mentions[0].end - mentions[0].start == 3


def test_case_sensitive_acronyms():
    assert ids("The UN said") == ["org:un"]
    assert ids("Il y a un accord") == []
    assert ids("un accord de l'ONU") == ["org:un"]


def test_no_partial_word_matches():
    assert ids("Moscowitz and Gazette") == []
    assert ids("وزير") == []  # و + زير is not a prefix split of anything known


def test_grouping_counts_and_order():
    mentions = G.find(tokenize("Gaza, Moscow, Gaza and the UN. غزة"))
    grouped = group(mentions, frozenset({"city", "region", "country"}))
    assert [(g.entity.id, g.count) for g in grouped] == [("region:gaza-strip", 3), ("city:moscow", 1)]


def test_prefix_variants():
    assert prefix_variants("وموسكو") == ("وموسكو", "موسكو")
    assert prefix_variants("وبغزه") == ("وبغزه", "بغزه", "غزه")
    assert "القدس" in prefix_variants("للقدس")
    assert prefix_variants("moscow") == ("moscow",)


def test_a_start_word_is_settled_by_the_next_word():
    # "Gaza" alone and inside "Gaza Strip"; "Security" only begins "Security Council".
    found = G.find(tokenize("Gaza Strip, Gaza today. Security forces; the Security Council"))
    assert [(m.entity.id, m.start, m.end) for m in found] == [
        ("region:gaza-strip", 0, 2), ("region:gaza-strip", 2, 3), ("org:unsc", 7, 9)]
    assert ids("Gaza") == ["region:gaza-strip"] and ids("Security") == []


def test_words_seen_before_match_the_same(monkeypatch):
    text = "l'ONU à Moscou; в Москве и Москву; un UN Gaza"
    want = ids(text)
    assert want == ["org:un", "city:moscow", "city:moscow", "city:moscow", "org:un", "region:gaza-strip"]
    assert ids(text) == want  # now from the table of words seen
    monkeypatch.setattr("newswire.core.enrichers.gazetteer.WORD_CACHE_SIZE", 0)
    fresh = Gazetteer(ENTITIES)
    fresh.find(tokenize("other words first"))
    assert fresh.find(tokenize(text)) == G.find(tokenize(text))  # the table is reset on the way
    assert len(fresh._known) < len(G._known)

from newswire.core.enrichers.keywords import arabic_keys, extract_keywords, latin_keys
from newswire.core.enrichers.tokens import tokenize
from newswire.core.sources.reader import read_inputs
from tests.conftest import SEED


def keywords(title: str, body: str, language: str) -> list[str]:
    tokens = tokenize(f"{title}\n\n{body}")
    return [k.term for k in extract_keywords(tokens, len(tokenize(title).folded), language)]


def test_seed_keywords_are_the_story():
    [article] = list(read_inputs([str(SEED)]))
    terms = keywords(article.title, article.body, "ar")
    assert len(terms) == 10
    assert {"قطاع غزة", "أبو مرزوق", "موسكو"} <= set(terms)
    assert not {"في", "من", "على", "قال", "وفق"} & set(terms)


def test_arabic_prefixes_merge_only_with_evidence():
    folded = tokenize("موسكو وموسكو بموسكو وزير الحرب والحرب").folded
    keys = arabic_keys(folded)
    assert keys[:3] == [keys[0]] * 3
    assert keys[3] == folded[3]  # وزير has no bare "زير" in the text: untouched
    assert keys[4] == keys[5]  # الحرب / والحرب


def test_hamza_and_diacritic_forms_are_one_keyword():
    body = "أزمة الأزمة ازمة الأَزْمَة " * 3 + "كلام آخر عن موضوع مختلف"
    terms = keywords("عنوان", body, "ar")
    assert sum(t.replace("ال", "").replace("أ", "ا").replace("َ", "").replace("ْ", "") == "ازمة" for t in terms) <= 1


def test_french_elisions():
    assert latin_keys(["l'eau", "d'habitants", "eau", "aujourd'hui"]) == ["eau", "habitants", "eau", "aujourd'hui"]


def test_english_phrases_and_stopwords():
    body = ("The central bank raised interest rates on Tuesday. Analysts said the central bank "
            "would keep interest rates high. Inflation remains above target, the central bank said.")
    terms = keywords("Central bank raises interest rates", body, "en")
    assert terms[0].lower() in ("central bank", "interest rates")
    assert "the" not in [t.lower() for t in terms] and "said" not in [t.lower() for t in terms]


def test_empty():
    assert extract_keywords(tokenize(""), 0, "en") == []


def test_bounded_word_tables_give_the_same_keywords(monkeypatch):
    """The per-word tables start over when full; answers must not depend on what they hold."""
    import json

    from newswire.core.enrichers import keywords as kw
    from tests.conftest import REPO

    items = [json.loads(line) for line in (REPO / "tests/corpus/articles.jsonl").read_text().splitlines()[:30]]
    cases = [(i["article"]["title"], i["article"]["body"], i["labels"]["language"]) for i in items]
    expected = [keywords(*case) for case in cases]
    for table in (kw._ARABIC_KEYS, kw._BARE, *kw._CONTENT.values(), *kw._MERGED_CONTENT.values()):
        table.clear()
    monkeypatch.setattr(kw, "_TABLE_SIZE", 300)  # a few articles' vocabulary
    assert [keywords(*case) for case in cases] == expected
    # Past the bound a table starts over with one article's words (fewer than 600 here).
    assert 0 < len(kw._ARABIC_KEYS) < 600 and all(len(t) < 600 for t in kw._CONTENT.values())

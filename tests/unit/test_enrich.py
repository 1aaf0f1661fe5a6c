import json
import re
from datetime import datetime, timezone

import pytest

from newswire.core.enrich import enrich
from newswire.core.enrichers.counts import count_sentences, count_words, reading_time_seconds
from newswire.core.enrichers.language import detect_language
from newswire.core.enrichers.tokens import tokenize
from newswire.core.ids import content_hash
from newswire.core.models import EnrichedArticle, RawArticle, Source
from newswire.core.sources.reader import read_inputs
from tests.conftest import DATA, SEED

FATHA, KASRA, DAMMA, SHADDA, SUKUN, TATWEEL = "\u064e", "\u0650", "\u064f", "\u0651", "\u0652", "\u0640"


def seed_article():
    [article] = list(read_inputs([str(SEED)]))
    return article


def vocalise(text: str) -> str:
    """Add diacritics after Arabic letters and tatweel inside some words."""
    marks = [FATHA, KASRA, DAMMA, SHADDA + FATHA, SUKUN]
    out, i = [], 0
    for ch in text:
        out.append(ch)
        if "\u0621" <= ch <= "\u064a":
            i += 1
            out.append(marks[i % len(marks)])
            if i % 7 == 0:
                out.append(TATWEEL)
    return "".join(out)


def test_seed_enrichment():
    enriched = enrich(seed_article())
    e = enriched.enrichment
    assert (e.language, e.script, e.direction) == ("ar", "Arab", "rtl")
    assert e.language_confidence > 0.9
    assert e.content_hash.startswith("sha256:")
    assert e.processed_at.tzinfo is not None
    assert e.pipeline_version.startswith("newswire/")
    assert e.paragraph_count == 10
    EnrichedArticle.model_validate_json(enriched.model_dump_json())  # output satisfies its own contract


def test_seed_word_count_matches_an_independent_count():
    article = seed_article()
    text = f"{article.title}\n\n{article.body}"
    # Independent count: whitespace-separated tokens that hold a letter or digit, where a
    # dual month name written "فبراير/شباط" is two words (three of them in the seed).
    tokens = [t for t in text.split() if any(c.isalnum() for c in t)]
    slashed = sum(len(re.findall(r"\w/\w", t)) for t in tokens)
    assert slashed == 3
    assert enrich(article).enrichment.word_count == len(tokens) + slashed == 297


def test_diacritics_and_tatweel_change_neither_hash_nor_counts():
    article = seed_article()
    voweled = article.model_copy(update={"title": vocalise(article.title), "body": vocalise(article.body)})
    assert voweled.body != article.body and TATWEEL in voweled.body
    plain, marked = enrich(article).enrichment, enrich(voweled).enrichment
    assert marked.content_hash == plain.content_hash
    assert marked.word_count == plain.word_count
    assert marked.char_count == plain.char_count
    assert marked.language == "ar"


def _hash_of(title: str, body: str) -> str:
    article = RawArticle(id="t", title=title, body=body, source=Source(name="t", kind="api"),
                         fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    return enrich(article).enrichment.content_hash


def test_content_hash_differs_for_different_text():
    assert _hash_of("a", "b") != _hash_of("a", "c")


def test_invisible_characters_do_not_change_the_hash():
    assert _hash_of("غزة", "نص\u200f الخبر") == _hash_of("غزة", "نص الخبر")


def test_seed_id_and_content_hash_are_pinned():
    """Golden values: a change here changes every id or hash downstream (keyed topics,
    upserting sinks, dedup by hash), so it must be deliberate."""
    article = seed_article()
    e = enrich(article).enrichment
    assert article.id == "25412c14105184c1"
    assert e.content_hash == "sha256:5a6abbfd5bbd2d95809374999b7d4f466a822aeea1aa9c05c22ee493496c7bbc"
    # The service's hash is ids.content_hash of the enrichment's own matching forms.
    assert e.content_hash == content_hash(e.normalized_title, e.normalized_body or "")


from newswire.core.scripts import dominant_script  # noqa: E402

LANGUAGES = json.loads((DATA / "languages.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_language_detection_on_own_samples(code):
    language, confidence = detect_language(LANGUAGES[code], dominant_script(LANGUAGES[code]))
    assert language == code
    assert confidence > 0.5


def test_every_seed_is_detected_as_its_language():
    expected = {"000": "ar", "001": "en", "002": "fr", "003": "es", "004": "de", "005": "ru", "006": "tr",
                "007": "ar", "008": "fa", "009": "zh", "010": "he"}
    seen = {}
    for article in read_inputs([str(SEED.parent)]):
        seen[article.source.name[:3]] = enrich(article).enrichment.language
    assert {k: seen.get(k) for k in expected} == expected


def test_scripts_and_directions():
    samples = {"he": ("Hebr", "rtl"), "fa": ("Arab", "rtl"), "ru": ("Cyrl", "ltr"), "zh": ("Hani", "ltr"),
               "ja": ("Jpan", "ltr"), "hi": ("Deva", "ltr"), "en": ("Latn", "ltr")}
    from newswire.core.scripts import direction, dominant_script

    for code, (script, dir_) in samples.items():
        assert (dominant_script(LANGUAGES[code]), direction(dominant_script(LANGUAGES[code]))) == (script, dir_), code


def test_nothing_to_detect():
    assert detect_language("12345 — !!!", "Zyyy") == ("und", 0.0)


def words(text: str) -> int:
    surface = tokenize(text).surface
    # With the text the tokens came from (its CJK shortcut), the count is the same.
    assert count_words(surface, text) == count_words(surface)
    return count_words(surface)


def test_word_count_shortcut_agrees_on_random_text():
    """count_words(tokens, text) skips the CJK pass when the text has no CJK character:
    on random mixes of Latin, Arabic, CJK, Thai and kana, it counts as the full pass does."""
    import random

    rng = random.Random(7)
    alphabet = "ab Zé'-.\n3" + "بت" + "中欧" + "\u0e01\u0e02" + "\u3042\u30a2" + "\u3000\u00a0"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        surface = tokenize(text).surface
        assert count_words(surface, text) == count_words(surface), text


def test_word_counts():
    assert words("") == 0
    assert words("l'État well-known 3.5 percent") == 3 + 1
    assert words("中欧贸易") == 4  # CJK: one word per character
    assert words("中欧贸易额增长6.8%") == 7 + 1


def test_sentence_counts():
    assert count_sentences("One. Two! Three?\n\nFour") == 4
    assert count_sentences("قال البيان إن الجانبين بحثا التطورات. وأضاف أن الحركة مستعدة؟") == 2
    assert count_sentences("第一句。第二句！") == 2
    assert count_sentences("第一句。第二句！第三句？") == 3
    assert count_sentences("「好。」他说。") == 2  # a CJK stop ends a sentence before a closing bracket too
    assert count_sentences('He said "Stop!" Then he left.') == 2  # closers after the stop
    assert count_sentences("Wait... what?!") == 2  # a run of stops is one end


def test_mixed_text_keeps_the_main_language():
    text = ("قال المتحدث إن شركة Microsoft و Google و Amazon ستشارك في مؤتمر Web Summit في Lisbon، "
            "وأضاف أن الاجتماع سيبحث قضايا الذكاء الاصطناعي والأمن السيبراني في المنطقة العربية.")
    from newswire.core.scripts import dominant_script

    assert detect_language(text, dominant_script(text))[0] == "ar"


def test_short_text_is_undetermined_rather_than_a_guess():
    assert detect_language("ok", "Latn")[0] == "und"


def test_declared_language_disagreement_is_visible():
    article = seed_article().model_copy(update={"language": "en"})
    e = enrich(article).enrichment
    assert (e.declared_language, e.language, e.language_mismatch) == ("en", "ar", True)
    assert enrich(seed_article().model_copy(update={"language": "ar-EG"})).enrichment.language_mismatch is False


def test_reading_time_uses_language_speed_and_is_configurable():
    assert reading_time_seconds(138, "ar") == 60
    assert reading_time_seconds(228, "en") == 60
    assert reading_time_seconds(100, "xx", {}, default_wpm=100) == 60
    assert reading_time_seconds(300, "ar", {"ar": 300}) == 60
    assert reading_time_seconds(0, "en") == 0


def test_warm_up_loads_the_data_and_freezes_it():
    """In a fresh interpreter (gc.freeze is process-wide): after warm_up the loaded data is
    out of the collector's sight, and enrichment gives the same answer."""
    import subprocess
    import sys

    code = ("import gc, json; from newswire.core.enrich import enrich, warm_up; "
            "from tests.unit.test_enrich import seed_article; "
            "before = enrich(seed_article()).enrichment.keywords; warm_up(); "
            "assert gc.get_freeze_count() > 20000, gc.get_freeze_count(); "
            "assert enrich(seed_article()).enrichment.keywords == before; print('ok')")
    from tests.conftest import REPO

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_whitespace_list_matches_python():
    from newswire.core.enrichers.counts import WHITESPACE, count_chars

    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    text = "غزة\u3000 news\u2009\tof\xa0the day\n\n" + "x" * 10
    assert count_chars(text) == sum(map(len, text.split()))


def test_dominant_script_counts_letters_of_the_first_300_characters_and_ties_go_to_the_first():
    from newswire.core.scripts import dominant_script

    assert dominant_script("abc") == "Latn" and dominant_script("١٢٣ ... !!") == "Zyyy"
    assert dominant_script("abc абв") == "Latn"  # a tie: the script seen first
    assert dominant_script("абв abc") == "Cyrl"
    assert dominant_script("ab абв") == "Cyrl"
    assert dominant_script("a" * 300 + "б" * 400) == "Latn"  # only the sample counts
    assert dominant_script("東京で" + "x" * 10) == "Jpan"  # kana: 1 of 13 letters, over 5%
    assert dominant_script("東京で" + "x" * 20) == "Latn"  # 1 of 23: under
    assert dominant_script("서울 " + "x" * 4) == "Kore"

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newswire.core.enrichers.dates import DateMention, extract_dates

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_00e98ae14ee33cae.txt"
# The seed article's publication time: Monday 24 June 2024, 10:00 in UTC+3.
REF = datetime(2024, 6, 24, 10, 0, tzinfo=timezone(timedelta(hours=3)))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def values(text: str, reference: datetime | None = REF, language: str | None = None) -> list[str]:
    return [m.value for m in extract_dates(text, reference, language)]


def only(text: str, reference: datetime | None = REF, language: str | None = None) -> DateMention:
    mentions = extract_dates(text, reference, language)
    assert len(mentions) == 1, mentions
    return mentions[0]


def assert_offsets(text: str, mentions: list[DateMention]) -> None:
    for m in mentions:
        assert text[m.start:m.end] == m.text


# --------------------------------------------------------------------------- the seed

def test_seed_with_reference(seed_text):
    mentions = extract_dates(seed_text, reference=REF)
    resolved = {m.value for m in mentions if m.resolved}
    assert {"2024-02-16", "2024-02-29", "2023-10-07", "2024-06-24"} <= resolved
    by_value = {m.value: m for m in mentions}
    assert by_value["2024-02-16"].text == "16 فبراير/شباط الماضي"
    assert by_value["2024-02-29"].text == "29 من الشهر نفسه"
    assert by_value["2023-10-07"].text == "7 أكتوبر/تشرين الأول الماضي"
    monday = by_value["2024-06-24"]
    assert (monday.text, monday.kind) == ("الاثنين", "relative")
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert_offsets(seed_text, mentions)


def test_seed_mid_june_is_not_a_day(seed_text):
    start = seed_text.index("منتصف يونيو/حزيران الجاري")
    end = start + len("منتصف يونيو/حزيران الجاري")
    mentions = extract_dates(seed_text, reference=REF)
    assert not [m for m in mentions if m.start < end and start < m.end]
    assert not [m for m in mentions if m.kind == "absolute" and m.value.startswith("2024-06")]


def test_seed_without_reference(seed_text):
    mentions = extract_dates(seed_text)
    assert [(m.value, m.resolved, m.kind) for m in mentions] == [
        ("--02-16", False, "absolute"),
        ("--02-29", False, "absolute"),
        ("--10-07", False, "absolute"),
    ]


# --------------------------------------------------------------------------- Arabic

def test_diacritics_and_tatweel_map_back_to_the_original():
    plain = only("في 16 فبراير/شباط الماضي")
    text = "في ١٦ فِبْرَايِر/شُبَاط الماضي"
    marked = only(text)
    assert marked.value == plain.value == "2024-02-16"
    assert marked.text == text[marked.start:marked.end] == "١٦ فِبْرَايِر/شُبَاط الماضي"
    text = "وفي 16 فبـــرايـر/شُبَاطُ الْمَاضِي، قال"  # tatweel, and marks after the last letter
    m = only(text)
    assert m.value == "2024-02-16"
    assert m.text == "16 فبـــرايـر/شُبَاطُ الْمَاضِي"


@pytest.mark.parametrize("text, expected", [
    # Egyptian / Gulf
    ("في 3 أغسطس 2023", "2023-08-03"),
    ("في 3 اغسطس 2023", "2023-08-03"),
    ("في 9 إبريل 2024", "2024-04-09"),
    ("في 9 ابريل 2024", "2024-04-09"),
    ("في 5 يونيه 2024", "2024-06-05"),
    ("في 5 يوليه 2024", "2024-07-05"),
    ("في 1 ديسمبر 2023", "2023-12-01"),
    # Levantine / Iraqi
    ("في 15 آذار 2024", "2024-03-15"),
    ("في 15 اذار 2024", "2024-03-15"),
    ("في 1 كانون الثاني 2024", "2024-01-01"),
    ("في 3 تشرين الثاني 2023", "2023-11-03"),
    ("في 1 كانون الاول 2023", "2023-12-01"),
    ("في 5 أيلول 2023", "2023-09-05"),
    ("في 2 آب 2024", "2024-08-02"),
    ("في 2 اب 2024", "2024-08-02"),
    # Moroccan
    ("في 20 غشت 2023", "2023-08-20"),
    ("في 10 شتنبر 2023", "2023-09-10"),
    ("في 5 نونبر 2023", "2023-11-05"),
    ("في 25 دجنبر 2023", "2023-12-25"),
    ("في 3 يوليوز 2024", "2024-07-03"),
    ("في 1 ماي 2024", "2024-05-01"),
    # Tunisian / Algerian
    ("في 14 جانفي 2024", "2024-01-14"),
    ("في 8 فيفري 2024", "2024-02-08"),
    ("في 9 أفريل 2024", "2024-04-09"),
    ("في 5 جوان 2024", "2024-06-05"),
    ("في 25 جويلية 2024", "2024-07-25"),
    ("في 15 أوت 2024", "2024-08-15"),
])
def test_arabic_naming_systems(text, expected):
    assert values(text) == [expected]


@pytest.mark.parametrize("text, mention", [
    ("منذ 7 أكتوبر/تشرين الأول الماضي", "7 أكتوبر/تشرين الأول الماضي"),
    ("منذ 7 أكتوبر / تشرين الأول الماضي", "7 أكتوبر / تشرين الأول الماضي"),
    ("منذ 7 أكتوبر-تشرين الأول الماضي", "7 أكتوبر-تشرين الأول الماضي"),
    ("منذ 7 أكتوبر (تشرين الأول) الماضي", "7 أكتوبر (تشرين الأول) الماضي"),
    ("منذ 7 تشرين الأول/أكتوبر الماضي", "7 تشرين الأول/أكتوبر الماضي"),
])
def test_dual_month_names_are_one_mention(text, mention):
    m = only(text)
    assert (m.text, m.value) == (mention, "2023-10-07")


def test_dual_month_names_that_disagree_are_skipped():
    assert values("في 16 فبراير/آذار 2024") == []
    assert values("في 16 فبراير/آذار الماضي") == []


def test_arabic_prefixes_and_explicit_years():
    assert only("وفي 16 فبراير 2024 قال").text == "16 فبراير 2024"
    assert only("و16 فبراير 2024").text == "16 فبراير 2024"
    assert only("بـ16 مارس 2024").value == "2024-03-16"
    assert values("16 فبراير عام 2020، و16 فبراير من عام 2021، و16 فبراير 2022م") == [
        "2020-02-16", "2021-02-16", "2022-02-16"]


def test_month_names_alone_and_father_are_not_dates():
    assert values("في فبراير الماضي، ومنتصف يونيو/حزيران الجاري") == []
    assert values("وقتل 3 أب وابنه في الغارة") == []  # أب = father
    assert values("قال الأب إن ابنه") == []


# --------------------------------------------------------------------------- other languages

@pytest.mark.parametrize("text, mention", [
    ("on 16 February 2024.", "16 February 2024"),
    ("on February 16, 2024.", "February 16, 2024"),
    ("on Feb. 16, 2024.", "Feb. 16, 2024"),
    ("on the 16th of February 2024.", "16th of February 2024"),
    ("le 16 février 2024", "16 février 2024"),
    ("el 16 de febrero de 2024", "16 de febrero de 2024"),
    ("am 16. Februar 2024", "16. Februar 2024"),
    ("16 февраля 2024 года", "16 февраля 2024 года"),
    ("16 Şubat 2024'te", "16 Şubat 2024"),
    ("il 16 febbraio 2024", "16 febbraio 2024"),
    ("em 16 de fevereiro de 2024", "16 de fevereiro de 2024"),
    ("در ۱۶ فوریه ۲۰۲۴", "۱۶ فوریه ۲۰۲۴"),
    ("في ١٦ فبراير ٢٠٢٤", "١٦ فبراير ٢٠٢٤"),
])
def test_european_and_persian_dates(text, mention):
    m = only(text)
    assert (m.text, m.value, m.resolved, m.kind) == (mention, "2024-02-16", True, "absolute")
    assert_offsets(text, [m])


def test_french_first_of_month_and_persian_digits_without_year():
    assert only("le 1er mars 2024").value == "2024-03-01"
    assert only("در ۳ ژانویه").value == "2024-01-03"  # nearest 3 January to June 2024


def test_english_month_words_need_a_capital():
    assert values("the 5 may be late, and 3 march forward") == []
    assert values("on 5 May") == ["2024-05-05"]


def test_iso_dates_and_no_ambiguous_numeric_dates():
    assert values("at 2024-02-16T10:00:00Z and 2024-02-16") == ["2024-02-16", "2024-02-16"]
    assert values("on 03/04/2024, on 16.02.2024, on 2024/02/16 and at 10:16 March") == []
    assert values("2023-02-29 and 2024-13-01") == []


# --------------------------------------------------------------------------- years

@pytest.mark.parametrize("text, expected", [
    ("16 فبراير الماضي", "2024-02-16"),  # February is before June: this year
    ("7 أكتوبر المنصرم", "2023-10-07"),  # October is after June: last year
    ("20 يونيو الفائت", "2023-06-20"),  # the reference month itself: last year
    ("16 فبراير المقبل", "2025-02-16"),
    ("10 يوليو القادم", "2024-07-10"),
    ("28 يونيو المقبل", "2025-06-28"),
    ("20 يونيو الجاري", "2024-06-20"),
    ("10 فبراير الحالي", "2024-02-10"),
    ("16 فبراير من العام الماضي", "2023-02-16"),
    ("16 февраля прошлого года", "2023-02-16"),
    ("on February 16 last year", "2023-02-16"),
    ("last February 16", "2024-02-16"),
    ("next February 16", "2025-02-16"),
    ("le 16 février dernier", "2024-02-16"),
    ("le 16 février prochain", "2025-02-16"),
    ("el pasado 16 de febrero", "2024-02-16"),
    ("lo scorso 16 febbraio", "2024-02-16"),
    ("geçen yıl 16 Şubat'ta", "2023-02-16"),
])
def test_year_qualifiers(text, expected):
    assert values(text) == [expected]


@pytest.mark.parametrize("reference, text, expected", [
    (REF, "16 فبراير", "2024-02-16"),
    (datetime(2024, 1, 10, tzinfo=timezone.utc), "28 ديسمبر", "2023-12-28"),
    (datetime(2024, 12, 20, tzinfo=timezone.utc), "5 يناير", "2025-01-05"),
    (datetime(2024, 12, 20, tzinfo=timezone.utc), "5 January", "2025-01-05"),
])
def test_unqualified_dates_take_the_nearest_year(reference, text, expected):
    assert values(text, reference) == [expected]


def test_leap_years_and_invalid_days():
    assert values("29 فبراير 2023، 29 February 2023, 31 أبريل 2024, 31 April") == []
    assert values("29 فبراير 2024") == ["2024-02-29"]
    assert values("29 فبراير", reference=None) == ["--02-29"]
    # "February last" seen from 2025 is February 2025, which had no 29th.
    assert values("29 فبراير الماضي", reference=datetime(2025, 6, 1, tzinfo=timezone.utc)) == []


def test_explicit_year_without_reference_is_resolved():
    m = only("16 فبراير 2024", reference=None)
    assert (m.value, m.resolved) == ("2024-02-16", True)
    m = only("16 فبراير الماضي", reference=None)
    assert (m.value, m.resolved) == ("--02-16", False)


def test_same_month_follows_the_previous_absolute_mention():
    text = "Moscow invited them on February 16 to talks on the 29th of the same month."
    assert values(text) == ["2024-02-16", "2024-02-29"]
    assert values("في 3 مارس 2023، ثم في 29 من نفس الشهر") == ["2023-03-03", "2023-03-29"]
    assert values("في 16 فبراير 2023، ثم في 29 من الشهر ذاته") == ["2023-02-16"]  # not a leap year
    assert values("في 29 من الشهر نفسه") == []  # nothing to refer to


# --------------------------------------------------------------------------- relative

def test_arabic_relative_days():
    text = ("قال الوزير أمس، وأول أمس، إن اللقاء سيعقد غداً، وإنه التقى يوم الجمعة "
            "نظيره، وسيلتقيه الأحد المقبل بعد أن اجتمعا الخميس الماضي")
    got = [(m.text, m.value) for m in extract_dates(text, REF)]
    assert got == [
        ("أمس", "2024-06-23"),
        ("أول أمس", "2024-06-22"),
        ("غداً", "2024-06-25"),
        ("الجمعة", "2024-06-21"),
        ("الأحد المقبل", "2024-06-30"),
        ("الخميس الماضي", "2024-06-20"),
    ]
    assert all(m.kind == "relative" and m.resolved for m in extract_dates(text, REF))
    assert values("صلاة الجمعة المقبلة") == ["2024-06-28"]  # feminine qualifier


def test_arabic_today_only_as_a_time_adverb():
    assert [m.text for m in extract_dates("أعلنت الوزارة اليوم الاثنين أن", REF)] == ["اليوم الاثنين"]
    assert values("وقال اليوم، إن") == ["2024-06-24"]
    assert values("بمناسبة اليوم العالمي للاجئين") == []
    assert values("وفي اليوم التالي عاد") == []


def test_arabic_weekday_words_used_as_nouns_are_skipped():
    assert values("بعد صلاة الجمعة، خرج المصلون") == []
    assert values("اتفق الاثنين على الحل") == []  # "the two"
    assert values("وقال الوزير الاثنين إن") == ["2024-06-24"]


@pytest.mark.parametrize("language, text, expected", [
    ("ar", "يوم الخميس 20 يونيو", ["2024-06-20"]),
    ("en", "on Monday, February 16", ["2024-02-16"]),
    ("de", "am Dienstag, dem 4. Februar", ["2024-02-04"]),
    ("tr", "23 Şubat Pazar günü", ["2024-02-23"]),
    ("ar", "يوم الجمعة 15 رمضان", []),  # a Hijri date: not read, but not "last Friday" either
    ("fa", "از روز شنبه ۲۵ اسفند", []),  # Solar Hijri, likewise
])
def test_weekdays_that_belong_to_a_date_are_not_relative(language, text, expected):
    assert values(text, language=language) == expected


def test_reference_timezone_decides_the_day():
    late_evening = datetime(2024, 6, 23, 23, 30, tzinfo=timezone(timedelta(hours=-4)))  # 03:30 UTC on the 24th
    assert values("قال أمس", late_evening) == ["2024-06-22"]
    assert values("قال أمس", late_evening.astimezone(timezone.utc)) == ["2024-06-23"]


def test_english_relative_days():
    text = "He said on Monday, and yesterday, that talks resume tomorrow and end today. Last Friday"
    assert values(text, language="en") == ["2024-06-24", "2024-06-23", "2024-06-25", "2024-06-24", "2024-06-21"]
    assert values("the talks next Tuesday") == ["2024-06-25"]
    assert values("today's talks") == []  # "today" only as a clear day reference


@pytest.mark.parametrize("language, text, expected", [
    ("fr", "Il a dit lundi, hier, qu'il partirait demain.", ["2024-06-24", "2024-06-23", "2024-06-25"]),
    ("es", "Dijo el lunes y ayer que mañana habrá reunión.", ["2024-06-24", "2024-06-23"]),
    ("de", "Er sagte am Montag und gestern, morgen sei es so weit.", ["2024-06-24", "2024-06-23"]),
    ("ru", "Он сказал в понедельник и вчера, что завтра уедет.", ["2024-06-24", "2024-06-23", "2024-06-25"]),
    ("tr", "Pazartesi günü ve dün söyledi, yarın gidecek.", ["2024-06-24", "2024-06-23", "2024-06-25"]),
])
def test_european_relative_days(language, text, expected):
    assert values(text, language=language) == expected


def test_ambiguous_relative_words_need_their_language():
    assert values("Wir sind hier am Montag.", language="de") == ["2024-06-24"]  # "hier" = here
    assert values("Il est parti hier.") == []  # language unknown: "hier" may be German
    assert values("Il est parti hier.", language="fr") == ["2024-06-23"]


def test_no_relative_mentions_without_reference():
    assert values("قال أمس يوم الاثنين", reference=None) == []
    assert values("He left yesterday, on Monday.", reference=None) == []


# --------------------------------------------------------------------------- contract

def test_mentions_are_in_text_order_and_values_are_iso(seed_text):
    corpus = "\n".join([
        seed_text,
        "on February 16, 2024 and 7 October last year, yesterday, on Monday",
        "٣ يوليوز ٢٠٢٤، ۱۶ فوریه، 29 فبراير 2024، 2024-02-16، أمس، غداً.",
        "16 January 7 people",
    ])
    for reference in (REF, None):
        mentions = extract_dates(corpus, reference)
        assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))  # in order, no overlaps
        assert_offsets(corpus, mentions)
        for m in mentions:
            if m.resolved:
                date.fromisoformat(m.value)
            else:
                assert m.value.startswith("--") and len(m.value) == 7
    assert len(extract_dates(corpus, REF)) >= 12


def test_empty_and_dateless_text():
    assert extract_dates("", REF) == []
    assert extract_dates("لا تاريخ هنا، 123 ألف شهيد وجريح", REF) == []

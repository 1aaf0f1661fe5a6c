"""Each field of `extract_page` from small pages that state it one way or another."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newswire.core.extraction import extract_page
from newswire.core.extraction.credits import dateline_agency, split_credit
from newswire.core.extraction.dates import parse_timestamp
from newswire.core.extraction.parse import parse_html, sniff_encoding

PROSE = ("The council voted on Tuesday to extend the tram line to the airport, a project that "
         "has been discussed for more than a decade and is expected to cost about 400 million euros.")


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
            f'<nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav>'
            f'{body}<footer><a href="/about">About us</a> <a href="/c">Contact</a></footer></body></html>')


def article(*paragraphs: str) -> str:
    return "<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"


def test_jsonld_news_article_beats_meta_tags():
    head = ('<meta property="og:title" content="OG title | Site">'
            '<meta property="article:published_time" content="2020-01-01T00:00:00Z">'
            '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},'
            '{"@type":"NewsArticle","headline":"The headline","datePublished":"2024-06-24T16:05:00+03:00",'
            '"dateModified":"2024-06-24T18:40:00+03:00","author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Person","name":"Bo Chen"}],'
            '"articleSection":"Politics","keywords":"gaza, russia","isAccessibleForFree":"False",'
            '"image":{"@type":"ImageObject","url":"https://e.org/i.jpg","caption":"A caption"},'
            '"inLanguage":"ar","creditText":"Anadolu"}]}</script>')
    got = extract_page(page(head, article(PROSE, PROSE + " Again.")), "https://e.org/a")
    assert got.title == "The headline"
    assert got.published_at == datetime(2024, 6, 24, 16, 5, tzinfo=timezone(timedelta(hours=3)))
    assert got.modified_at == datetime(2024, 6, 24, 18, 40, tzinfo=timezone(timedelta(hours=3)))
    assert got.authors == ("Ann Lee", "Bo Chen")
    assert got.section == "Politics" and got.tags == ("gaza", "russia")
    assert got.is_accessible_for_free is False
    assert got.image_url == "https://e.org/i.jpg" and got.image_caption == "A caption"
    assert got.attribution == "Anadolu"
    assert got.language == "en"  # <html lang> is what the page declares first


def test_paywalled_part_makes_the_article_not_free():
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","hasPart":'
            '{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".paywall"}}</script>')
    body = f'<article><p>{PROSE}</p><div class="paywall"><p>{PROSE} Behind the wall.</p></div></article>'
    got = extract_page(page(head, body))
    assert got.is_accessible_for_free is False
    assert got.paragraphs == [PROSE, PROSE + " Behind the wall."]  # paywalled text is still the article


def test_broken_jsonld_is_read_or_skipped():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Line\nbreak",}</script>'
    assert extract_page(page(head, article(PROSE))).title == "Line break"
    assert extract_page(page('<script type="application/ld+json">{nope</script><title>T</title>', article(PROSE))).title == "T"


def test_opengraph_and_time_without_jsonld():
    head = ('<meta property="og:title" content="Tram reaches the airport - City News"><meta property="og:site_name" content="City News">'
            '<meta property="og:locale" content="fr_FR"><meta property="og:image" content="/img/tram.jpg">'
            '<meta property="article:tag" content="tram"><meta property="article:tag" content="airport">'
            '<link rel="canonical" href="/2024/05/tram">')
    body = f'<article><time datetime="2024-05-02T08:00:00+0200">2 May</time><p>{PROSE}</p></article>'
    got = extract_page(page(head, body, lang=""), "https://city.example/x?utm=1")
    assert got.title == "Tram reaches the airport"
    assert got.published_at == datetime(2024, 5, 2, 8, tzinfo=timezone(timedelta(hours=2)))
    assert got.language == "fr-FR"
    assert got.canonical_url == "https://city.example/2024/05/tram"
    assert got.image_url == "https://city.example/img/tram.jpg"
    assert got.tags == ("tram", "airport")


def test_h1_without_site_name_wins_over_title_tag():
    got = extract_page(page("<title>Tram reaches the airport | City News</title>", "<h1>Tram reaches the airport</h1>" + article(PROSE)))
    assert got.title == "Tram reaches the airport"
    assert "Tram reaches the airport" not in got.body


def test_date_from_url_when_the_page_states_none():
    got = extract_page(page("<title>T</title>", article(PROSE)), "https://e.org/2019/11/18/story")
    assert got.published_at == datetime(2019, 11, 18) and got.published_at.tzinfo is None
    # Not guessed here: intake reads a naive time in the configured zone and says so.
    from newswire.core.intake import complete_fields
    from newswire.core.models import Source

    fields = got.raw_fields()
    assert fields["published_at"] == "2019-11-18T00:00:00"
    raw = complete_fields(fields, source=Source(name="page", kind="file"), default_timezone="Asia/Karachi")
    assert raw.published_at.isoformat() == "2019-11-18T00:00:00+05:00"
    assert raw.published_at_assumed_timezone == "Asia/Karachi"


@pytest.mark.parametrize("text, expected", [
    ("2024-06-24T16:05:00+03:00", datetime(2024, 6, 24, 16, 5, tzinfo=timezone(timedelta(hours=3)))),
    ("2024-06-24 16:05:00 +0000", datetime(2024, 6, 24, 16, 5, tzinfo=timezone.utc)),
    ("2024-06-24T16:05:00.123456789Z", datetime(2024, 6, 24, 16, 5, 0, 123456, tzinfo=timezone.utc)),
    ("Mon, 24 Jun 2024 16:05:00 GMT", datetime(2024, 6, 24, 16, 5, tzinfo=timezone.utc)),
    ("2024-06-24", datetime(2024, 6, 24)),
    ("yesterday", None),
])
def test_timestamps(text, expected):
    assert parse_timestamp(text) == expected


def test_body_leaves_out_navigation_related_comments_and_captions():
    body = (f'<main><article><figure><img src="/a.jpg" alt="Alt text"><figcaption>The tram at dawn (Photo: City)</figcaption></figure>'
            f'<div class="entry-content"><p>{PROSE}</p><p>Second paragraph of the story, with enough words to read as prose here.</p>'
            f'<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div></div></article>'
            f'<section class="related-stories"><ul><li><a href="/r1">Buses get new routes across the whole city</a>'
            f'<p>The transport authority has redrawn twelve lines to serve the new districts in the east.</p></li></ul></section>'
            f'<div id="comments"><ol class="commentlist"><li class="comment"><p>I have waited for this tram for years and I am '
            f'really happy that it is finally coming to our part of the city.</p></li></ol></div></main>')
    got = extract_page(page("<title>T</title>", body))
    assert got.paragraphs == [PROSE, "Second paragraph of the story, with enough words to read as prose here."]
    assert got.image_description == "Alt text" and got.image_caption == "The tram at dawn (Photo: City)"


def test_wordpress_tag_classes_on_the_article_do_not_hide_it():
    body = f'<article class="post type-post tag-news tag-ads category-world"><div class="entry-content"><p>{PROSE}</p><p>{PROSE} 2</p></div></article>'
    assert extract_page(page("<title>T</title>", body)).paragraphs == [PROSE, PROSE + " 2"]


def test_asp_net_form_around_the_whole_page_is_not_furniture():
    body = f'<form id="aspnetForm" action="/x"><div class="article"><p>{PROSE}</p><p>{PROSE} 2</p></div></form>'
    assert len(extract_page(page("<title>T</title>", body)).paragraphs) == 2


def test_chinese_paragraphs_count_as_prose():
    zh = "深圳市交通运输局二十日向三家企业发放了首批自动驾驶出租车商业运营牌照，获批车辆可在指定区域内载客收费。"
    got = extract_page(page("<title>T</title>", article(zh, zh + "二"), lang="zh"))
    assert got.paragraphs == [zh, zh + "二"]


@pytest.mark.parametrize("first, agency", [
    ("MEXICO CITY (AP) — Mexico City opened a new line", "AP"),
    ("COLUMBIA, S.C. (AP) — About a dozen black female", "AP"),
    ("(CNN) President Donald Trump, according to the White House", "CNN"),
    ("(CNN)President Donald Trump, as CNN's markup runs it", "CNN"),
    ("(Reuters) — The New York State Attorney General", "Reuters"),
    ("НОВОСИБИРСК, 14 ноября (ТАСС). В Новосибирске", "ТАСС"),
    ("新华社深圳11月20日电 深圳市交通运输局", "新华社"),
    ("The council (which met on Tuesday) voted", None),
])
def test_dateline_agency(first, agency):
    assert dateline_agency(first) == agency


def test_closing_credit_leaves_the_body():
    assert split_credit(["Body.", "المصدر : وكالة الأناضول"]) == (["Body."], "وكالة الأناضول")
    assert split_credit(["Body.", "Source : AFP"]) == (["Body."], "AFP")
    assert split_credit(["Only: a line"]) == (["Only: a line"], None)


def test_encodings():
    assert sniff_encoding(b'<meta charset="windows-1256"><p>\xe3\xd5\xd1</p>') == "cp1256"
    assert sniff_encoding('<p>café</p>'.encode()) == "utf-8"
    assert sniff_encoding(b'<meta charset="utf-8"><p>caf\xe9</p>') == "cp1252"  # declared wrongly
    root = parse_html('<meta charset="windows-1256"><title>مصر</title>'.encode("cp1256"))
    assert root.findtext(".//title") == "مصر"


def test_no_markup_is_an_error():
    with pytest.raises(ValueError):
        extract_page(b"   ")


@pytest.mark.parametrize("text, day", [
    ("Posted Nov. 19, 2019 at 8:00 am", datetime(2019, 11, 19)),
    ("19 November 2019", datetime(2019, 11, 19)),
    ("Updated 19.11.2019", datetime(2019, 11, 19)),
    ("2019/11/19", datetime(2019, 11, 19)),
    ("19 de noviembre de 2019", datetime(2019, 11, 19)),
    ("le 19 novembre 2019 à 10h", datetime(2019, 11, 19)),
    ("19. November 2019", datetime(2019, 11, 19)),
    ("19 ноября 2019 г.", datetime(2019, 11, 19)),
    ("19 Kasım 2019", datetime(2019, 11, 19)),
    ("24 يونيو 2024", datetime(2024, 6, 24)),
    ("no date here", None),
    ("Room 12 Tower 2019", None),
])
def test_written_days(text, day):
    from newswire.core.extraction.dates import date_in_text

    assert date_in_text(text) == day


def test_date_fallbacks_site_meta_named_month_url_and_dated_element():
    assert extract_page(page('<meta name="sn-post-date" content="2019/11/19"><title>T</title>', article(PROSE))).published_at == datetime(2019, 11, 19)
    assert extract_page(page("<title>T</title>", article(PROSE)), "https://e.org/x/2019/nov/18/story/").published_at == datetime(2019, 11, 18)
    body = f'<div class="post-date">Published November 20, 2019</div>{article(PROSE)}'
    assert extract_page(page("<title>T</title>", body)).published_at == datetime(2019, 11, 20)


def test_title_entities_and_logo_h1():
    head = '<meta property="og:title" content="&#8216;Quoted&#8217; headline here - India Post"><meta property="og:site_name" content="India Post">'
    got = extract_page(page(head, "<h1>India Post</h1>" + article(PROSE)))
    assert got.title == "‘Quoted’ headline here"


def test_credit_from_meta_but_not_a_url():
    assert extract_page(page('<meta name="source" content="Reuters"><title>T</title>', article(PROSE))).attribution == "Reuters"
    assert extract_page(page('<meta name="original-source" content="https://x.org/a"><title>T</title>', article(PROSE))).attribution is None


def test_comments_without_telling_class_names_stay_out_of_the_declared_article():
    comments = "".join(f"<div><b>user{i}</b><p>I think this is a very long comment about the tram that goes on "
                       f"and on for quite a while {i}.</p></div>" for i in range(8))
    body = f"<article><p>{PROSE}</p><p>{PROSE} A.</p></article><section><h2>Comments</h2>{comments}</section>"
    assert extract_page(page("<title>T</title>", body)).paragraphs == [PROSE, PROSE + " A."]

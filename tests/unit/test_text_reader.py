from pathlib import Path

import pytest

from newswire.core.sources.reader import read_inputs
from newswire.core.sources.text import parse_wire_text, read_text_file
from tests.conftest import SEED

SEED_PARAGRAPHS = [p for p in SEED.read_text(encoding="utf-8").split("\n\n")]


def test_seed_title_attribution_and_image():
    wire = read_text_file(SEED)
    assert wire.title == "حماس تبحث مع موسكو سبل وقف حرب غزة"
    assert wire.attribution == "وكالة الأناضول"
    assert wire.image_description == "صورة للقاء موسى أبو مرزوق مع نائب وزير الخارجية الروسي ميخائيل بوغدانوف"
    assert wire.image_caption == "أبو مرزوق (يمين) خلال لقائه مع بوغدانوف في موسكو (الصحافة الروسية)"


def test_seed_body_keeps_every_paragraph_and_drops_the_rest():
    wire = read_text_file(SEED)
    paragraphs = wire.body.split("\n\n")
    # The file: title, picture block, 10 body paragraphs, credit line.
    assert paragraphs == [p.strip() for p in SEED_PARAGRAPHS[2:-1]]
    assert len(paragraphs) == 10
    assert "المصدر" not in wire.body.split("\n\n")[-1]
    assert "الصحافة الروسية" not in wire.body
    assert not wire.body.startswith("صورة")
    assert wire.body.startswith("بحث رئيس مكتب العلاقات الدولية")
    assert wire.body.endswith("وتحسين الوضع الإنساني المزري في غزة.")


def test_seed_as_raw_article():
    [article] = list(read_inputs([str(SEED)]))
    assert article.title == "حماس تبحث مع موسكو سبل وقف حرب غزة"
    assert article.attribution == "وكالة الأناضول"
    assert article.image is not None and article.image.caption.endswith("(الصحافة الروسية)")
    assert article.source.kind == "file"
    assert article.fetched_at.tzinfo is not None
    assert len(article.id) == 16


@pytest.mark.parametrize(
    "credit_line, expected",
    [("Source: Reuters", "Reuters"), ("Source : AFP", "AFP"), ("Fuente: EFE", "EFE"), ("Quelle: dpa", "dpa"),
     ("Источник: ТАСС", "ТАСС"), ("Kaynak: Anadolu Ajansı", "Anadolu Ajansı"), ("المصدر: رويترز", "رويترز"),
     ("来源：新华社", "新华社")],
)
def test_credit_lines_in_other_languages(credit_line, expected):
    wire = parse_wire_text(f"Title\n\nFirst paragraph of the story.\n\nSecond one.\n\n{credit_line}\n")
    assert wire.attribution == expected
    assert credit_line not in wire.body
    assert wire.body == "First paragraph of the story.\n\nSecond one."


def test_no_picture_block_when_first_block_is_prose():
    wire = parse_wire_text("Title\n\nThe story starts here.\n\nAnd goes on.")
    assert wire.image_caption is None and wire.image_description is None
    assert wire.body.startswith("The story starts here.")


def test_a_lone_short_paragraph_is_body_not_caption():
    wire = parse_wire_text("Title\n\nOnly line without a full stop")
    assert wire.body == "Only line without a full stop"
    assert wire.image_caption is None


@pytest.mark.parametrize("text", ["", "   \n\n  ", "Only a title\n"])
def test_text_without_body_is_an_error(text):
    with pytest.raises(ValueError):
        parse_wire_text(text)


def test_every_seed_reads(repo: Path):
    items = list(read_inputs([str(repo / "seeds")]))
    assert len(items) == len(list((repo / "seeds").glob("*.txt")))
    assert all(hasattr(item, "id") for item in items), [str(i) for i in items if not hasattr(i, "id")]
    assert len({item.id for item in items}) == len(items)

from newswire.core.textnorm import normalize, strip_arabic_marks


def test_arabic_folding():
    assert normalize("أحمد إلى آخر مدرسة") == normalize("احمد الي اخر مدرسه")
    assert normalize("٢٠٢٤ و۱۴۰۳") == "2024 و1403"
    assert normalize("كتـــاب") == "كتاب"
    assert normalize("ﻏﺰﺓ") == normalize("غزة")  # presentation forms
    assert normalize("هٰذا") == normalize("هذا")  # U+0670 superscript alef


def test_invisibles_and_whitespace():
    assert normalize("a\u200bb \u202eC\u202c\n\n d") == "ab c d"


def test_strip_marks_keeps_letters():
    assert strip_arabic_marks("مُحَمَّدٌ") == "محمد"

"""Vietnamese alphabetical order (provinces/collation.py), as the SIPAS pages list sectors."""

import unicodedata

import pytest

from provinces.collation import vietnamese


def test_d_with_stroke_comes_after_d_and_before_e_not_after_z():
    words = ["xây dựng", "đất đai", "dân số", "y tế", "đầu tư", "em", "tư pháp"]

    assert sorted(words, key=vietnamese) == [
        "dân số", "đất đai", "đầu tư", "em", "tư pháp", "xây dựng", "y tế",
    ]  # fmt: skip


def test_letters_with_breve_circumflex_or_horn_are_letters_of_their_own():
    words = ["ơn", "ăn", "ôm", "an", "ân", "om", "ưu", "uy", "bé"]

    assert sorted(words, key=vietnamese) == ["an", "ăn", "ân", "bé", "om", "ôm", "ơn", "uy", "ưu"]


def test_tones_come_after_the_letters_in_dictionary_order():
    # Letters first: "ác" is before "an" whatever its tone; then none, huyền, hỏi, ngã, sắc, nặng.
    words = ["mạ", "má", "mã", "mả", "mà", "ma", "an", "ác"]

    assert sorted(words, key=vietnamese) == ["ác", "an", "ma", "mà", "mả", "mã", "má", "mạ"]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_composed_or_decomposed_and_upper_or_lower_case_sort_alike(form):
    word = unicodedata.normalize(form, "Đặng")

    assert vietnamese(word)[:2] == vietnamese("đặng")[:2]
    assert sorted([word, "dung", "đa"], key=vietnamese)[1:] == ["đa", word]

"""SIPAS sectors in the reader's language (surveys/sectors.py): as written on Vietnamese pages,
their English name on English ones."""

from django.utils import translation

from surveys.sectors import sector_name


def test_a_vietnamese_page_shows_the_sector_as_written():
    with translation.override("vi"):
        assert sector_name("đất đai") == "đất đai"


def test_an_english_page_shows_the_english_name_of_a_known_sector():
    with translation.override("en"):
        assert sector_name("đất đai") == "Land"
        assert sector_name("Lao động,  Thương binh và Xã hội") == (
            "Labour, invalids and social affairs"
        )
        assert sector_name("giao thông vận tải") == "Transport"


def test_an_unknown_sector_is_shown_as_written_in_either_language():
    with translation.override("en"):
        assert sector_name("hải quan") == "hải quan"

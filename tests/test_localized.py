"""provinces.localized picks the `_vi` or `_en` value for the active language, in Python and in
templates."""

import pytest
from django.template import Context, Template
from django.utils import translation

from provinces.localized import localized
from provinces.models import Region, Unit
from scoring.models import Criterion

HUE = Unit(name_vi="Thành phố Huế", name_en="Hue City")
# A criterion's English name is optional.
UNNAMED_IN_ENGLISH = Criterion(code="1.1", name_vi="Ban hành kế hoạch CCHC", name_en="")


def render(template: str, **context) -> str:
    return Template("{% load localized %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("vi", "Thành phố Huế"), ("en", "Hue City"), ("en-gb", "Hue City"), (None, "Thành phố Huế")],
    ids=["vietnamese", "english", "english-regional-variant", "no-active-language"],
)
def test_the_name_follows_the_active_language(language, expected):
    with translation.override(language):
        assert localized(HUE, "name") == expected


def test_english_falls_back_to_vietnamese_when_the_english_value_is_empty():
    with translation.override("en"):
        assert localized(UNNAMED_IN_ENGLISH, "name") == "Ban hành kế hoạch CCHC"
        assert localized({"name_vi": "Đông Nam Bộ", "name_en": None}, "name") == "Đông Nam Bộ"


def test_any_pair_of_fields_and_precomputed_rows_work_alike():
    row = {"unit_name_vi": "Bộ Tư pháp", "unit_name_en": "Ministry of Justice"}

    with translation.override("en"):
        assert localized(row, "unit_name") == "Ministry of Justice"
        assert localized(Region(name_vi="Đông Nam Bộ", name_en="Southeast"), "name") == "Southeast"
    with translation.override("vi"):
        assert localized(row, "unit_name") == "Bộ Tư pháp"


def test_a_field_without_the_pair_is_an_error_not_a_blank():
    with translation.override("vi"), pytest.raises(AttributeError):
        localized(HUE, "nmae")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("vi", "Thành phố Huế|Ban hành kế hoạch CCHC"), ("en", "Hue City|Ban hành kế hoạch CCHC")],
    ids=["vietnamese", "english"],
)
def test_the_template_filter_follows_the_active_language(language, expected):
    with translation.override(language):
        rendered = render(
            '{{ unit|localized:"name" }}|{{ leaf|localized:"name" }}',
            unit=HUE,
            leaf=UNNAMED_IN_ENGLISH,
        )

    assert rendered == expected


def test_the_template_filter_escapes_and_renders_a_missing_value_as_nothing():
    unit = Unit(name_vi="<b>Bộ</b>", name_en="")

    with translation.override("en"):
        rendered = render(
            '[{{ unit|localized:"name" }}][{{ unit.region|localized:"name" }}]'
            '[{{ no_such_variable|localized:"name" }}]',
            unit=unit,
        )

    assert rendered == "[&lt;b&gt;Bộ&lt;/b&gt;][][]"

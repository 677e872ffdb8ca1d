"""Numbers and dates as the reader's language writes them (issue 15): 28.085 and 94,50 in
Vietnamese, 28,085 and 94.50 in English; 30 tháng 6 năm 2025 and 30 June 2025, so that a sentence
saying "ngày {date}" never reads "ngày Ngày"."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from public.templatetags.numbers import grouped, number_text

JUNE_30 = datetime.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("language", "count", "figure"), [("vi", "28.085", "94,50"), ("en", "28,085", "94.50")]
)
def test_counts_are_grouped_and_stored_decimals_written_in_the_readers_language(
    language, count, figure
):
    with translation.override(language):
        assert grouped(28085) == count
        assert number_text("94.50") == figure
        assert number_text("-1.5") == ("-1,5" if language == "vi" else "-1.5")


def test_what_is_not_a_number_is_left_as_it_is():
    with translation.override("vi"):
        assert grouped(None) is None
        assert grouped("–") == "–"
        assert number_text("B") == "B"
        assert number_text("") == ""
        assert grouped(Decimal("1234.5")) == "1.234,5"


@pytest.mark.parametrize(
    ("language", "written"), [("vi", "30 tháng 6 năm 2025"), ("en", "30 June 2025")]
)
def test_a_date_reads_as_the_ministry_writes_it(language, written):
    with translation.override(language):
        assert Template('{{ day|date:"DATE_FORMAT" }}').render(Context({"day": JUNE_30})) == written


def test_a_vietnamese_sentence_about_a_date_says_ngay_once():
    with translation.override("vi"):
        text = Template(
            '{% load i18n %}{% blocktranslate with date=day|date:"DATE_FORMAT" %}'
            "Reopened on {{ date }}.{% endblocktranslate %}"
        ).render(Context({"day": JUNE_30}))

    assert text == "Mở lại ngày 30 tháng 6 năm 2025."

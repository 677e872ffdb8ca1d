"""The unit report: the profile of one edition as one A4 page of PDF, drawn on the server by
WeasyPrint from the page itself and its print stylesheet, in the reader's language.

Fixture (tests/conftest.py, published here): 2019 provinces. Hà Nội 90.00, 1st of 3, group A,
national average 80.00, DBSH average 82.50.
"""

import io
import re

from django.utils import timezone

from scoring.models import DataVersion, Edition

HANOI_VI = "/vi/units/ha-noi/report.pdf"
HANOI_EN = "/en/units/ha-noi/report.pdf"
A4 = (595, 842)  # points, rounded


def pdf(response):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(response.content))


def words(reader) -> str:
    """The text of every page on one line, whatever the line breaks of the layout."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_report_is_one_a4_page_of_pdf(client, published):
    response = client.get(HANOI_VI, {"year": "2019"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="par-index-ha-noi-2019.pdf"'
    reader = pdf(response)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4


def test_the_vietnamese_report_has_the_name_index_rank_and_group_as_the_page_shows_them(
    client, published
):
    text = words(pdf(client.get(HANOI_VI)))

    assert "Hà Nội" in text
    assert "Chỉ số CCHC năm 2019: Tỉnh" in text
    # Index, rank of the ranked, group, national and regional averages, written the Vietnamese way.
    assert re.search(r"Chỉ số 90,00 Hạng 1/3 Hạng trong vùng 1 Nhóm A", text), text
    assert "80,00" in text and "82,50" in text


def test_the_english_report_writes_numbers_the_english_way(client, published):
    text = words(pdf(client.get(HANOI_EN)))

    assert re.search(r"Index 90.00 Rank 1 of 3 Rank in region 1 Group A", text), text
    assert "National average 80.00" in text
    assert "Regional average 82.50" in text


def test_the_report_holds_the_fields_and_their_chart_but_not_the_tree_or_the_history(
    client, published
):
    text = words(pdf(client.get(HANOI_EN)))

    # The fields table: field 1 is 10.50 of 12 points, 87.50; field 2 7.50 of 8, 93.75.
    assert "Fields against the averages and the best unit" in text
    assert "10.50 / 12.00 87.50" in text
    assert "7.50 / 8.00 93.75" in text
    # The chart is drawn from its SVG, fetched in-process: its axis and legend are text.
    assert "Component index" in text
    assert "Average of Red River Delta" in text
    # Screen-only parts are left out of the page.
    assert "Criteria and points" not in text
    assert "Results by year" not in text
    assert "What moved the index" not in text
    assert "Skip to content" not in text


def test_the_report_prints_the_address_of_the_page_and_the_date(client, published):
    text = words(pdf(client.get(HANOI_EN, {"year": "2019"})))

    assert "http://testserver/en/units/ha-noi/?year=2019" in text
    today = timezone.localdate()
    assert f"{today:%b}" in text and str(today.year) in text


def test_the_profile_links_its_report(client, published):
    html = client.get("/en/units/ha-noi/").text

    assert '<a href="/en/units/ha-noi/report.pdf?year=2019" type="application/pdf">' in html
    assert "Report 2019 as PDF (one A4 page)" in html


def test_a_demo_edition_s_report_carries_the_banner(client, published):
    Edition.objects.filter(pk=published.pk).update(is_demo=True)

    assert "illustrative demo data, not official results" in words(pdf(client.get(HANOI_EN)))


def test_a_real_edition_s_report_has_no_banner(client, published):
    assert "illustrative" not in words(pdf(client.get(HANOI_EN)))


def test_no_report_of_an_unpublished_edition_or_an_unknown_unit(client, admin_client, published):
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.DRAFT)

    assert client.get(HANOI_EN).status_code == 404
    assert client.get(HANOI_EN, {"year": "2019"}).status_code == 404
    assert admin_client.get(HANOI_EN, {"year": "2019"}).status_code == 404
    assert client.get("/en/units/atlantis/report.pdf").status_code == 404


def test_no_report_of_a_year_without_a_result(client, published):
    assert client.get(HANOI_EN, {"year": "2017"}).status_code == 404


def test_the_report_is_drawn_once_per_data_version_and_language(
    client, published, monkeypatch, django_assert_max_num_queries
):
    from public.views import reports

    drawn = []
    real = reports.render_pdf
    monkeypatch.setattr(reports, "render_pdf", lambda *a: drawn.append(1) or real(*a))

    with django_assert_max_num_queries(12):  # the budget of every public page (issue 17)
        first = client.get(HANOI_EN).content
    with django_assert_max_num_queries(10):  # the profile only: the PDF comes from the cache
        assert client.get(HANOI_EN).content == first
    assert len(drawn) == 1

    client.get(HANOI_VI)
    assert len(drawn) == 2

    DataVersion.bump()  # as every publish, correction or withdrawal does
    client.get(HANOI_EN)
    assert len(drawn) == 3


def test_the_report_and_its_chart_take_at_most_twelve_queries(
    client, published, django_assert_max_num_queries
):
    # Issue 17's budget of a public page, on a cold cache: the profile's queries and nothing
    # for the fields chart, which is drawn from the figures the profile has read instead of by
    # the chart's address reading them again (public/views/reports.py).
    with django_assert_max_num_queries(12):
        response = client.get(HANOI_EN, {"year": "2019"})

    assert response.status_code == 200
    assert "Average of Red River Delta" in words(pdf(response))  # the chart's legend


def test_the_report_s_chart_is_the_one_its_address_draws(client, published):
    from django.core.cache import cache

    chart = "/en/charts/unit/ha-noi/fields/2019/province.svg"
    client.get(HANOI_EN)
    # The report kept its drawing under the chart's address, as the address would have.
    printed = client.get(chart).content
    cache.clear()

    assert client.get(chart).content == printed

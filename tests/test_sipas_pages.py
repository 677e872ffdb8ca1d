"""The public SIPAS pages: the country's figures of a year with the five aspects and the
breakdowns, the provinces ranked with their intervals and which ranks the intervals tell apart,
a province profile's SIPAS section, the downloads and the charts.

Data through the real import path (scoring.imports.import_file) from tests/sipas_files.SURVEY,
whose figures tests/test_sipas_aggregation.py works out by hand:
  Hải Phòng (31) 100.00 [100.00–100.00] 2 respondents, rank 1
  Hà Nội    (01)  60.00 [ 11.99–100.00] 4 respondents, rank 2 (tied)
  Lào Cai   (10)  60.00 [ 60.00– 60.00] 2 respondents, rank 2 (tied)
  Quảng Ninh(22)   0.00 no interval     1 respondent,  rank 4
  the country     62.22 [ 34.93– 89.51] 9 respondents
"""

import io
import json
import re

import pytest
from django.contrib.sites.requests import RequestSite
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from openpyxl import load_workbook

from provinces.models import Unit
from scoring.models import DataVersion
from surveys import pages
from surveys.sitemaps import SipasPages
from tests.conftest import imported
from tests.sipas_files import SURVEY, sipas_csv

NATIONAL = "/en/sipas/2019/"
RANKING = "/en/sipas/2019/provinces/"


@pytest.fixture
def surveyed(db):
    imported("sipas", SURVEY)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table(html: str, css_class: str, number: int = 0) -> list[list[str]]:
    """The body rows of the `number`-th table with this class, as cell texts."""
    found = re.findall(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert len(found) > number, f"no table {css_class}"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found[number], re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([text(cell) for cell in cells])
    return rows


def summary(html: str) -> dict[str, str]:
    block = re.search(r'<dl class="sipas-summary">(.*?)</dl>', html, re.S).group(1)
    return {
        text(term): text(value)
        for term, value in re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)
    }


# -- the country ---------------------------------------------------------------------------------


def test_the_national_page_shows_the_sipas_with_its_interval_and_respondents(client, surveyed):
    html = client.get(NATIONAL).text

    assert summary(html) == {
        "SIPAS": "62.22",
        "95 % interval": "34.93–89.51",
        "Respondents": "9",
        "Provinces": "4",
    }


def test_the_five_aspects_have_their_shares_intervals_and_answers(client, surveyed):
    rows = table(client.get(NATIONAL).text, "sipas-aspects")

    # Access: 5, 4, 1, 5, 4, 5, 4, 1 → 6 of 8 = 75.00; feedback 1, 4, 5, 4, 1, 2, 1 → 3 of 7.
    assert [row[0] for row in rows] == [
        "Access to services", "Administrative procedures", "Civil servants",
        "Results of services", "Feedback handling",
    ]  # fmt: skip
    assert [row[1] for row in rows] == ["75.00", "77.78", "71.43", "42.86", "42.86"]
    assert [row[3] for row in rows] == ["8", "9", "7", "7", "7"]
    assert all(re.fullmatch(r"\d+\.\d\d–\d+\.\d\d", row[2]) for row in rows)


def test_the_breakdowns_by_level_and_sector_list_each_category(client, surveyed):
    html = client.get(NATIONAL).text
    levels = table(html, "sipas-breakdown", 0)
    sectors = table(html, "sipas-breakdown", 1)

    # Province: HN R1 0.4, HP 1, 1, LC 0.6, 0.6, QN 0 → 3.6 / 6 = 60.00, sd √(0.72 / 5) =
    # 0.379473, ± 1.96 × 0.379473 / √6 = 30.36; district: HN R2 1, R3 0 → 50.00 ± 98.00, clipped;
    # commune: HN R4 1 (R5 answered nothing) → 100.00 without an interval.
    assert [row[:4] for row in levels] == [
        ["Province", "6", "60.00", "29.64–90.36"],
        ["District", "2", "50.00", "0.00–100.00"],
        ["Commune", "1", "100.00", "– no interval"],
    ]
    # The sectors' English names on an English page (surveys/sectors.py), in alphabetical order.
    assert [row[:3] for row in sectors] == [["Justice", "2", "50.00"], ["Land", "2", "70.00"]]
    # As written on a Vietnamese page, in Vietnamese alphabetical order: đ comes after d and
    # before t (not after z, its code point).
    vietnamese = table(client.get(NATIONAL.replace("/en/", "/vi/", 1)).text, "sipas-breakdown", 1)
    assert [row[:3] for row in vietnamese] == [["đất đai", "2", "70,00"], ["tư pháp", "2", "50,00"]]


def test_the_latest_year_is_the_sipas_home_and_other_years_are_linked(client, surveyed):
    imported("sipas", sipas_csv("2020,01,R1,province,,5,5,5,5,5", "2020,01,R2,province,,4,4,4,4,1"))

    latest = client.get("/en/sipas/").text
    older = client.get(NATIONAL).text

    assert summary(latest)["SIPAS"] == "90.00"
    assert '<a href="/en/sipas/2019/">2019</a>' in latest
    assert '<span aria-current="page">2020</span>' in latest
    assert '<a href="/en/sipas/2020/">2020</a>' in older


def test_the_year_picker_without_javascript_goes_to_the_years_address(client, surveyed):
    response = client.get("/en/sipas/", {"year": "2019"})

    assert response.status_code == 302
    assert response["Location"] == NATIONAL


@pytest.mark.parametrize(
    "url",
    [
        "/en/sipas/2020/",
        "/en/sipas/2020/provinces/",
        "/vi/sipas/2020/",
        "/en/sipas/2020/results.csv",
        "/en/sipas/2019/results.pdf",
        "/en/sipas/charts/2020/provinces.svg",
        "/en/sipas/charts/2020/aspects.svg",
        "/en/sipas/?year=twenty",
    ],
)
def test_a_year_without_results_or_an_unknown_format_is_not_found(client, surveyed, url):
    assert client.get(url).status_code == 404


def test_before_any_survey_the_sipas_home_says_so(client, db):
    response = client.get("/en/sipas/")

    assert response.status_code == 200
    assert "No SIPAS results have been published yet." in response.text


def test_pages_have_a_title_and_a_description_with_the_figures(client, surveyed):
    html = client.get(NATIONAL).text

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert title.startswith("SIPAS 2019: satisfaction with public administrative services")
    assert "62.22 % satisfied (95 % interval 34.93–89.51) among 9 respondents" in description
    ranking_title = re.search(r"<title>(.*?)</title>", client.get(RANKING).text).group(1)
    assert ranking_title.startswith("SIPAS 2019: provinces ranked")


# -- the provinces ranked ------------------------------------------------------------------------


def test_the_ranking_lists_provinces_by_rank_with_ties_then_code(client, surveyed):
    rows = table(client.get(RANKING).text, "sipas-ranking")

    assert [row[:5] for row in rows] == [
        ["1", "Hai Phong", "100.00", "100.00–100.00", "2"],
        ["2 = (tied) ≈ (not told apart from the province above)", "Ha Noi", "60.00",
         "11.99–100.00", "4"],
        ["2 = (tied) ≈ (not told apart from the province above)", "Lao Cai", "60.00",
         "60.00–60.00", "2"],
        ["4 ≈ (not told apart from the province above)", "Quang Ninh", "0.00",
         "– no interval", "1"],
    ]  # fmt: skip


def test_each_province_links_its_profile_with_its_name_of_that_year(client, surveyed):
    html = client.get(RANKING).text

    # The Hải Phòng of 2019 is the unit that ended on 30/6/2025.
    assert '<a href="/en/units/hai-phong-2004-2025/">Hai Phong</a>' in html
    assert '<a href="/en/units/ha-noi/">Ha Noi</a>' in html


def test_intervals_that_only_touch_do_not_tell_provinces_apart(client, surveyed):
    # Hải Phòng [100, 100] and Hà Nội [11.99, 100] touch at 100: not told apart. Hải Phòng is
    # above Lào Cai [60, 60] for certain; Quảng Ninh has no interval and is told apart from none.
    rows = table(client.get(RANKING).text, "sipas-ranking")

    assert [(row[1], row[5], row[6]) for row in rows] == [
        ("Hai Phong", "1–3", "1 of 3"),
        ("Ha Noi", "1–4", "0 of 3"),
        ("Lao Cai", "2–4", "1 of 3"),
        ("Quang Ninh", "1–4", "0 of 3"),
    ]


# Four provinces of ten respondents each, every aspect answered alike (all 5 or all 1):
#   Hà Nội     10 satisfied → 100.00, sd 0 → [100.00, 100.00]
#   Hải Phòng   9 of 10     →  90.00 ± 1.96 × √(0.1 × 0.9 × 10/9) / √10 = ± 19.60 → [70.40, 100]
#   Lào Cai     5 of 10     →  50.00 ± 1.96 × √(0.25 × 10/9) / √10 = ± 32.67 → [17.33, 82.67]
#   Quảng Ninh  0 of 10     →   0.00 → [0.00, 0.00]
CRAFTED = {"01": 10, "31": 9, "10": 5, "22": 0}


@pytest.fixture
def crafted(db):
    lines = [
        f"2019,{code},R{n},province,,{answer},{answer},{answer},{answer},{answer}"
        for code, satisfied in CRAFTED.items()
        for n in range(10)
        for answer in [5 if n < satisfied else 1]
    ]
    imported("sipas", sipas_csv(*lines))


def test_on_a_crafted_year_each_rank_shows_what_the_intervals_tell_apart(client, crafted):
    rows = table(client.get(RANKING).text, "sipas-ranking")

    assert [row[2:4] for row in rows] == [
        ["100.00", "100.00–100.00"],
        ["90.00", "70.40–100.00"],
        ["50.00", "17.33–82.67"],
        ["0.00", "0.00–0.00"],
    ]
    # Hà Nội is above Lào Cai and Quảng Ninh for certain, not above Hải Phòng (touching at
    # 100); Hải Phòng only above Quảng Ninh (70.40 < 82.67); Quảng Ninh below all three.
    assert [(row[1], row[5], row[6]) for row in rows] == [
        ("Ha Noi", "1–2", "2 of 3"),
        ("Hai Phong", "1–3", "1 of 3"),
        ("Lao Cai", "2–3", "2 of 3"),
        ("Quang Ninh", "4", "3 of 3"),
    ]
    marked = ["≈" in row[0] for row in rows]
    assert marked == [False, True, True, False]


def test_the_page_explains_the_rule_in_a_sentence(client, crafted):
    html = text(client.get(RANKING).text)

    assert (
        "Two provinces are told apart only when their 95 % intervals do not overlap, that is "
        "when one's lower end is above the other's upper end; intervals that touch overlap"
    ) in html
    assert "≈ marks a province whose interval overlaps that of the province listed just above" in (
        html
    )


def test_a_province_whose_respondents_answered_nothing_is_listed_apart(client, db):
    imported(
        "sipas",
        sipas_csv("2019,01,R1,province,,5,5,5,5,5", "2019,01,R2,province,,4,4,4,4,4",
                  "2019,31,R1,province,,,,,,"),
    )  # fmt: skip

    html = client.get(RANKING).text

    assert [row[1] for row in table(html, "sipas-ranking")] == ["Ha Noi"]
    assert "Surveyed but not ranked" in html
    assert '<li><a href="/en/units/hai-phong-2004-2025/">Hai Phong</a></li>' in html


def test_numbers_and_names_follow_the_readers_language(client, surveyed):
    html = client.get("/vi/sipas/2019/provinces/").text
    rows = table(html, "sipas-ranking")

    assert rows[1][1:4] == ["Hà Nội", "60,00", "11,99–100,00"]
    assert summary(client.get("/vi/sipas/2019/").text)["SIPAS"] == "62,22"


# -- a province's profile ------------------------------------------------------------------------


def _section(unit: Unit, language: str = "en") -> str:
    with translation.override(language):
        return Template("{% load sipas %}{% unit_sipas unit %}").render(Context({"unit": unit}))


def test_a_province_profile_shows_its_sipas_each_year_with_rank_and_the_aspects(surveyed):
    imported("sipas", sipas_csv("2020,01,R1,province,,5,5,5,5,5", "2020,31,R1,province,,1,1,1,1,1"))
    hanoi = Unit.objects.get(slug="ha-noi")

    html = _section(hanoi)

    assert table(html, "unit-sipas-years") == [
        ["2020", "100.00", "– no interval", "1 of 2", "1"],
        ["2019", "60.00", "11.99–100.00", "2 of 4", "4"],
    ]
    assert [row[:3] for row in table(html, "sipas-aspects")] == [
        ["Access to services", "100.00", "20.65–100.00"],
        ["Administrative procedures", "100.00", "20.65–100.00"],
        ["Civil servants", "100.00", "20.65–100.00"],
        ["Results of services", "100.00", "20.65–100.00"],
        ["Feedback handling", "100.00", "20.65–100.00"],
    ]
    assert "The five aspects in 2020" in html
    assert 'href="/en/sipas/2020/provinces/"' in html
    assert 'href="/en/sipas/2019/provinces/#sipas-ha-noi"' in html


def test_the_section_is_absent_for_a_ministry_and_for_a_province_without_data(surveyed):
    ministry = Unit.objects.get(slug="moj")
    unsurveyed = Unit.objects.of_year(2019).get(level="province", code="79")

    assert _section(ministry).strip() == ""
    assert _section(unsurveyed).strip() == ""


def test_the_section_costs_three_queries(surveyed, django_assert_num_queries):
    hanoi = Unit.objects.get(slug="ha-noi")

    # Its years, its names, and its published headline figures (none here).
    with django_assert_num_queries(3):
        _section(hanoi)
    ministry = Unit.objects.get(slug="moj")
    with django_assert_num_queries(0):
        _section(ministry)


def test_the_section_speaks_vietnamese_on_vietnamese_pages(surveyed):
    html = _section(Unit.objects.get(slug="ha-noi"), "vi")

    assert table(html, "unit-sipas-years")[0][1:3] == ["60,00", "11,99–100,00"]
    assert 'href="/vi/sipas/2019/"' in html


# -- downloads and charts ------------------------------------------------------------------------


def _export(*args: str) -> bytes:
    out = io.StringIO()
    call_command("export_sipas", *args, stdout=out)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_download_is_byte_for_byte_what_export_sipas_writes(client, surveyed, fmt):
    response = client.get(f"/en/sipas/2019/results.{fmt}")

    assert response.content == _export("2019", "--format", fmt)
    assert response["Content-Disposition"] == f'attachment; filename="sipas-2019.{fmt}"'


def test_the_xlsx_download_has_the_rows_of_export_sipas(client, surveyed, tmp_path):
    path = tmp_path / "export.xlsx"
    call_command(
        "export_sipas", "2019", "--format", "xlsx", "--output", str(path), stderr=io.StringIO()
    )
    response = client.get("/vi/sipas/2019/results.xlsx")

    def cells(source) -> list[list]:
        return [[c.value for c in row] for row in load_workbook(source).active.iter_rows()]

    assert cells(io.BytesIO(response.content)) == cells(path)
    assert cells(path)[1][:4] == [2019, "31", "Hải Phòng", 2]


def test_the_pages_link_the_downloads(client, surveyed):
    for url in (NATIONAL, RANKING):
        html = client.get(url).text
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/en/sipas/2019/results.{fmt}" download' in html


def test_the_ranking_chart_draws_a_whisker_per_province_and_describes_itself(client, surveyed):
    response = client.get("/en/sipas/charts/2019/provinces.svg")
    svg = response.text

    assert response["Content-Type"] == "image/svg+xml"
    assert '<title id="chart-title">SIPAS 2019: provinces by SIPAS</title>' in svg
    assert (
        '<desc id="chart-desc">Hai Phong has the highest SIPAS, 100.00 (95 % interval '
        "100.00–100.00); Quang Ninh the lowest, 0.00; the national SIPAS is 62.22.</desc>"
    ) in svg
    for name in ("Hai Phong", "Ha Noi", "Lao Cai", "Quang Ninh"):
        assert f">{name}<" in svg
    page = client.get(RANKING).text
    assert 'src="/en/sipas/charts/2019/provinces.svg"' in page
    assert (
        'alt="Hai Phong has the highest SIPAS, 100.00 (95 % interval 100.00–100.00); '
        'Quang Ninh the lowest, 0.00; the national SIPAS is 62.22."'
    ) in page


def test_the_aspects_chart_lists_each_aspect_with_its_interval(client, surveyed):
    svg = client.get("/vi/sipas/charts/2019/aspects.svg").text

    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', svg, re.S).group(1)
    assert desc.startswith("SIPAS: 62,22 (")
    assert desc.count("–") == 6


def test_a_chart_is_drawn_once_per_data_version_and_language(client, surveyed):
    first = client.get("/en/sipas/charts/2019/provinces.svg").content
    imported("sipas", sipas_csv("2019,22,R9,province,,5,5,5,5,5"))  # aggregation bumps the version

    again = client.get("/en/sipas/charts/2019/provinces.svg").content
    vietnamese = client.get("/vi/sipas/charts/2019/provinces.svg").content

    assert DataVersion.current() == 2
    assert again != first
    assert b"Quang Ninh the lowest, 50.00" in again
    assert vietnamese != again


def test_the_json_download_is_numbers(client, surveyed):
    rows = json.loads(client.get("/en/sipas/2019/results.json").content)

    assert [row["unit_code"] for row in rows] == ["31", "01", "10", "22", "VN"]
    assert rows[-1]["sipas"] == 62.22


def test_page_data_reads_stored_rows_in_a_fixed_number_of_queries(
    surveyed, django_assert_num_queries
):
    with django_assert_num_queries(2):
        pages.sipas_ranking(2019)
    with django_assert_num_queries(2):
        pages.national_figures(2019)


def test_the_sitemap_class_lists_the_home_and_each_years_pages_in_both_languages(surveyed):
    site = RequestSite(RequestFactory().get("/"))
    locations = [url["location"] for url in SipasPages().get_urls(site=site, protocol="https")]
    paths = [re.sub(r"^https://[^/]+", "", location) for location in locations]

    assert sorted(paths) == sorted(
        f"/{language}/sipas/{page}"
        for language in ("vi", "en")
        for page in ("", "2019/", "2019/provinces/")
    )


@pytest.mark.parametrize("url", [NATIONAL, RANKING, "/vi/sipas/", "/en/sipas/2019/results.csv"])
def test_the_pages_are_fit_for_the_page_cache_once_it_serves_them(
    client, surveyed, settings, url, django_assert_num_queries
):
    settings.PAGE_CACHE = True
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again.wsgi_request.page_cache == "hit"
    assert again.content == first.content
    assert again["ETag"].startswith(f'"{DataVersion.current()}-{url[1:3]}-')

"""The illustrative SIPAS respondents of the demo (surveys/demo.py), and the pages saying which
SIPAS years are demo data: a year is when the province edition of that year is a demo edition.

The pages are tested on the hand-worked file of tests/sipas_files.SURVEY (2019), with the 2019
province edition of tests/conftest.py flagged as a demo or not; what seed_demo itself imports is
tested on the demo of tests/test_demo.py, seeded once for all its tests.
"""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from provinces.models import Unit
from scoring.models import Edition
from surveys import pages
from surveys.demo import respondents_csv
from tests.conftest import imported
from tests.sipas_files import SURVEY, sipas_csv

BANNER = "illustrative demo data, not official results"


def test_the_invented_file_is_the_same_for_the_same_year_and_differs_between_years():
    codes = ["01", "31"]

    assert respondents_csv(2019, codes) == respondents_csv(2019, codes)
    assert respondents_csv(2019, codes) != respondents_csv(2018, codes)
    lines = respondents_csv(2019, codes).decode().splitlines()
    assert lines[0] == (
        "year,unit,respondent_id,gov_level,sector,access,procedures,civil_servants,results,feedback"
    )
    assert lines[1].startswith("2019,01,D2019-01-0001,")


def test_a_province_formed_by_the_merger_starts_from_its_predecessors_standing():
    alone = respondents_csv(2025, ["08"])
    merged = respondents_csv(2025, ["08"], {"08": ["02", "08"]})

    assert merged != alone
    assert merged == respondents_csv(2025, ["08"], {"08": ["02", "08"]})


# -- the pages say which years are demo data ---------------------------------------------------


@pytest.fixture
def surveyed(province_edition):
    imported("sipas", SURVEY)
    # 2020 has respondents but no province edition: it is not a demo year.
    imported("sipas", sipas_csv("2020,01,R1,province,,5,5,5,5,5", "2020,31,R1,province,,4,4,4,4,1"))
    return province_edition


@pytest.fixture
def demo_2019(surveyed):
    Edition.objects.filter(pk=surveyed.pk).update(is_demo=True)


PAGES = ["/en/sipas/{year}/", "/en/sipas/{year}/provinces/", "/vi/sipas/{year}/"]


@pytest.mark.parametrize("page", PAGES)
def test_a_year_whose_province_edition_is_a_demo_shows_the_banner(client, demo_2019, page):
    html = client.get(page.format(year=2019)).text
    other = client.get(page.format(year=2020)).text

    assert html.count('<p class="banner demo" role="note">') == 1
    assert 'class="demo-note"' in html
    assert '<p class="banner demo"' not in other
    assert 'class="demo-note"' not in other


@pytest.mark.parametrize("page", PAGES)
def test_a_year_of_a_real_edition_shows_no_banner(client, surveyed, page):
    html = client.get(page.format(year=2019)).text

    assert '<p class="banner demo"' not in html
    assert 'class="demo-note"' not in html


def test_the_banner_and_the_note_say_it_in_words(client, demo_2019):
    html = client.get("/en/sipas/2019/provinces/").text

    banner = re.search(r'<p class="banner demo" role="note">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", banner) == BANNER
    assert f"({BANNER})</strong></p>" in html


def test_the_charts_of_a_demo_year_say_so_in_the_picture_and_its_description(client, demo_2019):
    for chart in ("provinces", "aspects"):
        svg = client.get(f"/en/sipas/charts/2019/{chart}.svg").text
        real = client.get(f"/en/sipas/charts/2020/{chart}.svg").text

        desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
        assert desc.startswith("Illustrative demo data, not official results. ")
        assert ">Illustrative demo data, not official results</text>" in svg
        assert "Illustrative demo data" not in real


def test_the_ranking_pages_alt_text_says_it_too(client, demo_2019):
    html = client.get("/en/sipas/2019/provinces/").text

    alt = re.search(r'<img src="/en/sipas/charts/2019/provinces.svg" alt="([^"]*)"', html).group(1)
    assert alt.startswith("Illustrative demo data, not official results. ")


def _section(unit: Unit) -> str:
    with translation.override("en"):
        return Template("{% load sipas %}{% unit_sipas unit %}").render(Context({"unit": unit}))


def test_the_profile_section_shows_the_banner_when_its_latest_year_is_a_demo(demo_2019):
    Edition.objects.create(year=2020, level="province", is_demo=True)
    html = _section(Unit.objects.get(slug="ha-noi"))

    assert html.count('<p class="banner demo" role="note">') == 1
    # Each demo year's line is tagged too.
    assert re.search(r">2020</a> <span class=\"tag demo\">illustrative</span></th>", html)
    assert html.count('class="tag demo"') == 2


def test_the_profile_section_tags_an_older_demo_year_without_the_banner(demo_2019):
    html = _section(Unit.objects.get(slug="ha-noi"))

    assert '<p class="banner demo"' not in html
    assert re.search(r">2019</a> <span class=\"tag demo\">illustrative</span></th>", html)
    assert html.count('class="tag demo"') == 1


def test_the_demo_rule_costs_no_query_more(demo_2019, django_assert_num_queries):
    hanoi = Unit.objects.get(slug="ha-noi")

    with django_assert_num_queries(2):
        assert pages.national_figures(2019).is_demo
    with django_assert_num_queries(2):
        assert pages.sipas_ranking(2019).is_demo
    with django_assert_num_queries(2):
        assert [line.is_demo for line in pages.unit_years(hanoi)] == [False, True]

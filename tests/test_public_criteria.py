"""The criterion page: one field (its published component index) or one criterion (the final
points of the leaves under it: appraised on self leaves, survey on survey leaves) across every
unit of an edition, with its distribution, best and worst, average, children and breadcrumb.

Fixture (tests/conftest.py, published here): field 1 (max 12) is 87.50 for Hà Nội and 75.00 for
Hải Phòng and Lào Cai; leaf 1.1 (self, max 8) is appraised 7.5, 6 and 6.
"""

import re
from decimal import Decimal

import pytest

from public.criteria import bands, percent_of
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported

FIELD_URL = "/en/criteria/2019/province/1/"

# A deeper tree for 2020: criterion 1.1 sums a self leaf and a survey leaf.
TREE_2020 = """\
year,level,code,name_vi,name_en,max_points,method
2020,province,1,Lĩnh vực một,Field one,10,
2020,province,1.1,Tiêu chí 1.1,Criterion 1.1,6,
2020,province,1.1.1,Tiêu chí 1.1.1,Sub-criterion 1.1.1,4,self
2020,province,1.1.2,Tiêu chí 1.1.2,Sub-criterion 1.1.2,2,survey
2020,province,1.2,Tiêu chí 1.2,Criterion 1.2,4,self
"""


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(html: str, css_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{css_class}">(.*?)</table>', html, re.S).group(1)
    return [
        [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def glance(html: str) -> dict[str, str]:
    found = re.search(r'<dl class="criterion-glance">(.*?)</dl>', html, re.S).group(1)
    terms = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", found, re.S)
    return {term: text(value) for term, value in terms}


def nonzero_bands(html: str) -> list[list[str]]:
    return [row for row in table_rows(html, "distribution")[1:] if row[1] != "0"]


@pytest.fixture
def published_2020(db):
    """1.1 = appraised 1.1.1 + survey 1.1.2: Hà Nội 4 + 2 = 6.00 (100.00 %), Hải Phòng
    2.5 + 1.5 = 4.00 (66.67 %), Lào Cai 1 + 0.33 = 1.33 (22.17 %). Self points differ from the
    appraised ones, so taking the wrong column shows."""
    imported("methodology", TREE_2020)
    imported("participants", "year,level,unit\n2020,province,01\n2020,province,31\n"
                             "2020,province,10\n")  # fmt: skip
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2020,province,01,1.1.1,4,4
        2020,province,31,1.1.1,4,2.5
        2020,province,10,1.1.1,3,1
        2020,province,01,1.2,4,4
        2020,province,31,1.2,4,4
        2020,province,10,1.2,4,4
        """,
    )
    imported(
        "survey",
        "year,level,unit,criterion,points\n2020,province,01,1.1.2,2\n"
        "2020,province,31,1.1.2,1.5\n2020,province,10,1.1.2,0.33\n",
    )
    return publish_edition(Edition.objects.get(year=2020, level="province"))


# --- the rules, without a database -------------------------------------------------------------


def test_bands_are_ten_points_wide_and_100_falls_in_the_last():
    values = ["0", "9.99", "10", "89.99", "90", "100"]

    counts = [band.count for band in bands(Decimal(v) for v in values)]

    assert counts == [2, 1, 0, 0, 0, 0, 0, 0, 1, 2]


def test_a_percentage_of_the_maximum_is_rounded_half_up():
    # 1.33 / 6 = 22.1666…, 0.01 / 8 = 0.125 (half-even would keep 0.12).
    assert percent_of(Decimal("1.33"), Decimal("6")) == Decimal("22.17")
    assert percent_of(Decimal("0.01"), Decimal("8")) == Decimal("0.13")


# --- a field -----------------------------------------------------------------------------------


def test_a_field_shows_each_units_component_index(client, published):
    rows = table_rows(client.get(FIELD_URL).text, "criterion-units")

    assert rows == [
        ["Unit", "Component index", "Index", "Rank"],
        ["Ha Noi", "87.50", "90.00", "1"],
        ["Lao Cai", "75.00", "75.00", "2"],
        ["Hai Phong", "75.00", "75.00", "2"],
    ]


def test_a_field_has_its_average_best_worst_with_ties_and_distribution(client, published):
    html = client.get(FIELD_URL).text

    # (87.50 + 75.00 + 75.00) / 3 = 79.1666…
    assert glance(html) == {
        "Average": "79.17",
        "Best": "Ha Noi — 87.50",
        "Worst": "Lao Cai , Hai Phong — 75.00",
    }
    assert nonzero_bands(html) == [["70 to under 80", "2"], ["80 to under 90", "1"]]


def test_a_field_links_its_children_and_its_methodology(client, published):
    html = client.get(FIELD_URL).text

    assert re.findall(r'<a href="(/en/criteria/2019/province/[^"]+)">', html) == [
        "/en/criteria/2019/province/1.1/",
        "/en/criteria/2019/province/1.2/",
    ]
    assert (
        '<li><a href="/en/methodology/2019/province/">Methodology 2019: Province</a></li>' in html
    )


def test_numbers_follow_the_readers_language(client, published):
    html = client.get("/vi/criteria/2019/province/1/").text

    # The first term is the average, whatever its Vietnamese name.
    assert list(glance(html).values())[0] == "79,17"
    assert table_rows(html, "criterion-units")[1][:2] == ["Hà Nội", "87,50"]


# --- a criterion -------------------------------------------------------------------------------


def test_a_leaf_shows_the_appraised_points_and_their_share_of_the_maximum(client, published):
    html = client.get("/en/criteria/2019/province/1.1/").text

    assert table_rows(html, "criterion-units") == [
        ["Unit", "Points", "% of maximum", "Index", "Rank"],
        ["Ha Noi", "7.50", "93.75", "90.00", "1"],
        ["Lao Cai", "6.00", "75.00", "75.00", "2"],
        ["Hai Phong", "6.00", "75.00", "75.00", "2"],
    ]
    # Points (7.50 + 6 + 6) / 3 = 6.50; shares (93.75 + 75 + 75) / 3 = 81.25.
    assert glance(html)["Average"] == "6.50 points (81.25 %)"


def test_a_criterion_sums_appraised_and_survey_points_of_its_leaves(client, published_2020):
    html = client.get("/en/criteria/2020/province/1.1/").text

    assert table_rows(html, "criterion-units")[1:] == [
        ["Ha Noi", "6.00", "100.00", "100.00", "1"],
        ["Hai Phong", "4.00", "66.67", "80.00", "2"],
        ["Lao Cai", "1.33", "22.17", "53.30", "3"],
    ]
    # (6 + 4 + 1.33) / 3 = 3.7766… and (100 + 66.67 + 22.17) / 3 = 62.9466…
    assert glance(html) == {
        "Average": "3.78 points (62.95 %)",
        "Best": "Ha Noi — 6.00 points (100.00 %)",
        "Worst": "Lao Cai — 1.33 points (22.17 %)",
    }
    assert nonzero_bands(html) == [
        ["20 to under 30", "1"],
        ["60 to under 70", "1"],
        ["90 to 100", "1"],
    ]


def test_a_criterion_links_its_children_and_a_leaf_its_way_up(client, published_2020):
    criterion = client.get("/en/criteria/2020/province/1.1/").text
    leaf = client.get("/en/criteria/2020/province/1.1.2/").text

    children = re.search(r'<ul class="criteria-children">(.*?)</ul>', criterion, re.S).group(1)
    assert text(children) == (
        "1.1.1 Sub-criterion 1.1.1 (maximum 4.00 points) "
        "1.1.2 Sub-criterion 1.1.2 (maximum 2.00 points)"
    )
    trail = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', leaf, re.S).group(1)
    assert text(trail) == "Home Methodology 2020: Province 1 Field one 1.1 Criterion 1.1 1.1.2"
    assert "Sociological survey" in leaf
    assert table_rows(leaf, "criterion-units")[1][:3] == ["Ha Noi", "2.00", "100.00"]


def test_unranked_units_are_listed_but_left_out_of_the_figures(client, ministry_edition):
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points\n"
        "2019,ministry,BTP,1.1,6,5\n2019,ministry,BYT,1.1,6,6\n",
    )
    imported(
        "survey",
        "year,level,unit,criterion,points\n2019,ministry,BTP,1.2,4\n2019,ministry,BYT,1.2,3\n",
    )
    publish_edition(ministry_edition)

    html = client.get("/en/criteria/2019/ministry/1.1/").text

    assert [row[:3] for row in table_rows(html, "criterion-units")[1:]] == [
        ["Ministry of Health not ranked", "6.00", "100.00"],
        ["Ministry of Justice", "5.00", "83.33"],
    ]
    assert glance(html)["Best"] == "Ministry of Justice — 5.00 points (83.33 %)"
    assert glance(html)["Average"] == "5.00 points (83.33 %)"


# --- what is never shown -----------------------------------------------------------------------


def test_an_unpublished_edition_is_not_shown_to_anyone(client, admin_client, scored_provinces):
    assert client.get(FIELD_URL).status_code == 404
    assert admin_client.get(FIELD_URL).status_code == 404


def test_a_code_not_in_the_edition_is_not_found(client, published):
    assert client.get("/en/criteria/2019/province/9.9/").status_code == 404


def test_the_criterion_page_runs_a_bounded_number_of_queries(
    client, published_2020, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get("/en/criteria/2020/province/1.1/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/en/criteria/2020/province/1/").status_code == 200

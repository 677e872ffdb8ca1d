"""The regions page of a province edition: each region's stored average, its per-field averages
computed on the page, the spread of its provinces and their ranks in it; the region basis of the
provinces of 2025; nothing regional for a partial edition.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (fields 87.50, 93.75) and Hải Phòng
75.00 (75.00, 75.00) in DBSH; Lào Cai 75.00 (75.00, 75.00) in TDMNPB.
"""

import re
from decimal import Decimal

import pytest

from provinces.models import Unit
from public.regions import field_averages
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported

URL = "/en/regions/2019/"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(html: str, css_class: str) -> list[list[str]]:
    """Rows (head, body and foot) of the first table with the class, as cell texts."""
    table = re.search(rf'<table class="{css_class}">(.*?)</table>', html, re.S).group(1)
    return [
        [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def region_section(html: str, code: str) -> str:
    return re.search(rf'<section class="region" aria-labelledby="region-{code}">(.*?)</section>',
                     html, re.S).group(1)  # fmt: skip


# --- the rule, without a database --------------------------------------------------------------


def test_a_field_average_is_the_mean_of_rounded_indices_rounded_half_up():
    members = [{"1": Decimal("1.00"), "2": Decimal("87.50")}, {"1": Decimal("1.01")}]

    # (1.00 + 1.01) / 2 = 1.005 goes up to 1.01 (half-even would give 1.00); a field only one
    # unit has is that unit's index; a field nobody has has no average.
    assert field_averages(members, ["1", "2", "3"]) == {
        "1": Decimal("1.01"),
        "2": Decimal("87.50"),
        "3": None,
    }


def test_field_averages_of_three_indices_round_the_third_decimal():
    members = [{"1": Decimal("87.50")}, {"1": Decimal("75.00")}, {"1": Decimal("75.00")}]

    assert field_averages(members, ["1"]) == {"1": Decimal("79.17")}  # 79.1666…


# --- the page ----------------------------------------------------------------------------------


def test_each_region_shows_its_average_field_averages_and_spread(client, published):
    rows = table_rows(client.get(URL).text, "regions")

    assert rows == [
        ["Region", "Provinces ranked", "Average index", "Field 1", "Field 2", "Lowest index",
         "Highest index"],
        ["Northern Midlands and Mountains", "1", "75.00", "75.00", "75.00", "75.00", "75.00"],
        # (87.50 + 75.00) / 2 = 81.25 and (93.75 + 75.00) / 2 = 84.375, rounded up to 84.38.
        ["Red River Delta", "2", "82.50", "81.25", "84.38", "75.00", "90.00"],
        ["National average", "", "80.00", "79.17", "81.25", "", ""],
    ]  # fmt: skip


def test_every_province_is_listed_with_its_rank_in_its_region(client, published):
    html = client.get(URL).text

    assert table_rows(region_section(html, "DBSH"), "region-units") == [
        ["Rank in region", "Province", "Index", "National rank"],
        ["1", "Ha Noi", "90.00", "1"],
        ["2", "Hai Phong", "75.00", "2"],
    ]
    assert table_rows(region_section(html, "TDMNPB"), "region-units")[1:] == [
        ["1", "Lao Cai", "75.00", "2"],
    ]
    assert "Indices from 75.00 to 90.00." in text(region_section(html, "DBSH"))


def test_numbers_follow_the_readers_language(client, published):
    rows = table_rows(client.get("/vi/regions/2019/").text, "regions")

    assert rows[2][:5] == ["Đồng bằng sông Hồng", "2", "82,50", "81,25", "84,38"]


def test_editions_before_2025_state_no_region_basis(client, published):
    html = client.get(URL).text

    assert "Region basis" not in html
    assert "Provisional" not in html


def test_an_unpublished_edition_is_not_shown_to_anyone(client, admin_client, scored_provinces):
    assert client.get(URL).status_code == 404
    assert admin_client.get(URL).status_code == 404


def test_a_ministry_edition_has_no_regions_page(client, ministry_edition):
    Edition.objects.filter(pk=ministry_edition.pk).update(status=Edition.Status.PUBLISHED)

    assert client.get("/en/regions/2019/").status_code == 404


def test_the_regions_page_runs_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_a_demo_edition_carries_the_banner(client, published):
    Edition.objects.filter(pk=published.pk).update(is_demo=True)

    assert "illustrative demo data, not official results" in client.get(URL).text


# --- partial editions --------------------------------------------------------------------------


def test_a_partial_edition_says_regional_figures_are_not_computed(client, db):
    imported(
        "published",
        "year,level,unit,index,rank,field_1,ranked_total,average\n"
        "2019,province,01,91.20,1,95.00,63,75.31\n"
        "2019,province,10,60.55,63,50.00,63,75.31\n",
    )
    edition = Edition.objects.get(year=2019, level="province")
    publish_edition(edition)

    html = client.get(URL).text

    assert edition.is_partial
    assert (
        "Only part of this edition's results is public (63 provinces were ranked), so regional "
        "averages and ranks within a region are not computed." in text(html)
    )
    assert '<table class="regions">' not in html
    assert 'class="region"' not in html


# --- 2025: the region basis of each province ---------------------------------------------------


@pytest.fixture
def published_2025(db):
    """The 34 provinces of 2025 on a one-leaf tree: Hà Nội 9 (90.00), Bắc Ninh 8 (80.00),
    Hải Phòng 7 (70.00), every other province 7.5 (75.00)."""
    imported(
        "methodology",
        "year,level,code,name_vi,name_en,max_points,method\n"
        "2025,province,1,Lĩnh vực một,Field one,10,self\n",
    )
    special = {"01": "9", "24": "8", "31": "7"}
    codes = Unit.objects.filter(level="province").of_year(2025).values_list("code", flat=True)
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points\n"
        + "".join(f"2025,province,{c},1,{special.get(c, '7.5')},{special.get(c, '7.5')}\n"
                  for c in codes),
    )  # fmt: skip
    return publish_edition(Edition.objects.get(year=2025, level="province"))


def test_a_2025_edition_states_each_provinces_region_basis(client, published_2025):
    html = client.get("/en/regions/2025/").text

    assert table_rows(region_section(html, "DBSH"), "region-units") == [
        ["Rank in region", "Province", "Index", "National rank", "Region basis"],
        ["1", "Ha Noi", "90.00", "1", "unchanged"],
        ["2", "Bac Ninh", "80.00", "2", "provisional"],
        # Ties in the order of the codes: 22, 33, 37.
        ["3", "Quang Ninh", "75.00", "3", "unchanged"],
        ["3", "Hung Yen", "75.00", "3", "from its predecessors"],
        ["3", "Ninh Binh", "75.00", "3", "from its predecessors"],
        ["6", "Hai Phong", "70.00", "34", "from its predecessors"],
    ]
    assert "Some provinces of this region are placed in it provisionally" in text(
        region_section(html, "DBSH")
    )


def test_a_2025_edition_explains_what_provisional_means(client, published_2025):
    html = text(client.get("/en/regions/2025/").text)

    assert '"Provisional": it was formed from provinces of two regions' in html
    # (90 + 80 + 75 + 75 + 75 + 70) / 6 = 77.50
    assert "Red River Delta 6 77.50 77.50 70.00 90.00" in html

"""The compare page: 2 to 5 units of one level side by side in one published edition, chosen
through a GET form (the URL is the comparison), with peers suggested for the first unit.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (rank 1; fields 87.50, 93.75) and
Hải Phòng 75.00 (rank 2=) in DBSH; Lào Cai 75.00 (rank 2=) in TDMNPB.
"""

import re

import pytest

from provinces.models import Unit
from public.compare import chosen_codes, query
from scoring.models import Edition
from scoring.publish import publish_edition
from tests import test_public_criteria
from tests.conftest import imported

URL = "/en/compare/province/"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def compared(html: str) -> list[list[str]]:
    table = re.search(r'<table class="compare">(.*?)</table>', html, re.S).group(1)
    return [
        [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def notes(html: str) -> list[str]:
    return [text(n) for n in re.findall(r'<p class="note" role="status">(.*?)</p>', html, re.S)]


def test_chosen_units_keep_their_order_without_blanks_or_repeats():
    assert chosen_codes(["31", " 01", "", "31", "10"]) == ["31", "01", "10"]
    assert query(2019, ["01", "31"]) == "?year=2019&units=01&units=31"


def test_two_units_side_by_side(client, published):
    rows = compared(client.get(URL, {"year": 2019, "units": ["01", "31"]}).text)

    assert rows == [
        ["", "Ha Noi", "Hai Phong"],
        ["Region", "Red River Delta", "Red River Delta"],
        ["Index", "90.00", "75.00"],
        ["Rank", "1", "2 = (tied)"],
        ["Rank in region", "1", "2"],
        ["Group", "A", "C"],
        ["Field 1 Field one", "87.50", "75.00"],
        ["Field 2 Field two", "93.75", "75.00"],
        ["Change in index", "– no comparison", "– no comparison"],
        ["Change in rank", "– no comparison", "– no comparison"],
    ]


def test_the_columns_follow_the_order_of_the_address(client, published):
    rows = compared(client.get(URL, {"year": 2019, "units": ["10", "01", "10"]}).text)

    assert rows[0] == ["", "Lao Cai", "Ha Noi"]
    assert rows[2] == ["Index", "75.00", "90.00"]


def test_numbers_follow_the_readers_language(client, published):
    rows = compared(client.get("/vi/compare/province/?year=2019&units=01&units=31").text)

    assert rows[2][1:] == ["90,00", "75,00"]


def test_the_picker_lists_units_in_vietnamese_alphabetical_order(client, published):
    # Renamed for the test: by code point Đ (U+0110) would come after every plain letter.
    Unit.objects.filter(level="province", code="10").update(name_vi="Đắk Lắk")
    html = client.get("/vi/compare/province/", {"year": 2019}).text

    picker = re.search(r'<ul class="compare-units">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"> ([^<]+)</label>", picker) == ["Đắk Lắk", "Hà Nội", "Hải Phòng"]


def test_the_latest_published_edition_is_the_default(client, published):
    html = client.get(URL, {"units": ["01", "10"]}).text

    assert compared(html)[2] == ["Index", "90.00", "75.00"]
    assert '<option value="2019" selected>2019</option>' in html


def test_fewer_than_two_units_asks_kindly_for_more(client, published):
    html = client.get(URL, {"year": 2019, "units": ["01"]}).text

    assert notes(html) == ["Choose from 2 to 5 units below to see them side by side."]
    assert '<table class="compare">' not in html


def test_more_than_five_units_shows_the_first_five_and_says_so(client, db):
    codes = ["01", "31", "10", "22", "24", "30"]
    imported(
        "methodology",
        "year,level,code,name_vi,name_en,max_points,method\n"
        "2019,province,1,Lĩnh vực một,Field one,10,self\n",
    )
    imported("scores", "year,level,unit,criterion,self_points,appraised_points\n"
             + "".join(f"2019,province,{c},1,7,7\n" for c in codes))  # fmt: skip
    edition = Edition.objects.get(year=2019, level="province")
    edition.participants.exclude(unit__code__in=codes).delete()
    publish_edition(edition)

    html = client.get(URL, {"year": 2019, "units": codes}).text

    assert notes(html) == [
        "You chose 6 units; up to 5 can be compared side by side, so the first 5 are shown."
    ]
    assert len(compared(html)[0]) == 1 + 5


def test_units_not_in_the_edition_are_named_and_left_out(client, published):
    html = client.get(URL, {"year": 2019, "units": ["01", "99", "31"]}).text

    assert notes(html) == ["Not in the 2019 edition, so left out: 99."]
    assert compared(html)[0] == ["", "Ha Noi", "Hai Phong"]


def test_peers_are_of_the_first_units_region_nearest_in_index_and_add_to_the_address(
    client, published
):
    html = client.get(URL, {"year": 2019, "units": ["31", "10"]}).text

    peers = re.search(r'<ul class="peers">(.*?)</ul>', html, re.S).group(1)
    # Hải Phòng's region is DBSH: Hà Nội is its only other province, Lào Cai is already chosen.
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a> \(([^)]+)\)', peers) == [
        ("?year=2019&amp;units=31&amp;units=10&amp;units=01", "Add Ha Noi", "90.00")
    ]


def test_the_form_works_without_javascript(client, published):
    html = client.get(URL, {"year": 2019, "units": ["01", "31"]}).text

    form = re.search(r'<form method="get" class="compare-form">(.*?)</form>', html, re.S).group(1)
    assert re.findall(r'<input type="checkbox" name="units" value="(\w+)"( checked)?>', form) == [
        ("01", " checked"),
        ("31", " checked"),
        ("10", ""),
    ]
    assert '<select id="compare-year" name="year">' in form


def test_an_unpublished_edition_is_not_shown_to_anyone(client, admin_client, scored_provinces):
    for reader in (client, admin_client):
        assert reader.get(URL, {"year": 2019, "units": ["01", "31"]}).status_code == 404
        assert reader.get(URL).status_code == 404
    assert client.get("/en/compare/district/").status_code == 404
    assert client.get(URL, {"year": "last"}).status_code == 404


def test_the_compare_page_runs_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(URL, {"year": 2019, "units": ["01", "31", "10"]}).status_code == 200


def test_the_comparison_is_drawn_as_bars_with_their_values(client, published):
    html = client.get(URL, {"year": 2019, "units": ["01", "31"]}).text

    chart = re.search(r'<figure class="compare-chart".*?</figure>', html, re.S).group(0)
    bars = re.findall(
        r'<dd class="series-(\d)"><span class="compare-bar-unit">([^<]+)</span> '
        r'<meter min="0" max="100" value="([\d.]+)" aria-hidden="true"></meter> '
        r'<span class="num">([^<]+)</span></dd>',
        chart,
    )
    # The index, then fields 1 and 2, each with a bar for Ha Noi and one for Hai Phong.
    assert bars == [
        ("1", "Ha Noi", "90.00", "90.00"), ("2", "Hai Phong", "75.00", "75.00"),
        ("1", "Ha Noi", "87.50", "87.50"), ("2", "Hai Phong", "75.00", "75.00"),
        ("1", "Ha Noi", "93.75", "93.75"), ("2", "Hai Phong", "75.00", "75.00"),
    ]  # fmt: skip


def test_a_vietnamese_chart_writes_decimal_commas_beside_machine_readable_bars(client, published):
    html = client.get("/vi/compare/province/", {"year": 2019, "units": ["01", "31"]}).text

    assert '<meter min="0" max="100" value="90.00" aria-hidden="true"></meter> ' in html
    assert '<span class="num">90,00</span>' in html


@pytest.mark.usefixtures("published_2020")
def test_the_units_history_is_shown_side_by_side_by_year(client, published):
    html = client.get(URL, {"year": 2020, "units": ["01", "31"]}).text

    body = re.search(r'<table class="compare-history">.*?<tbody>(.*?)</tbody>', html, re.S)
    lines = [text(line) for line in body.group(1).split("</tr>") if line.strip()]
    assert len(lines) == 2 and lines[1].startswith("2019 90.00 (rank 1) 75.00 (rank 2)")


def test_one_year_has_no_history_table(client, published):
    assert "compare-history" not in client.get(URL, {"year": 2019, "units": ["01", "31"]}).text


def test_the_comparison_downloads_with_its_context(client, published):
    Edition.objects.filter(pk=published.pk).update(is_demo=True)
    response = client.get(URL, {"year": 2019, "units": ["31", "01"], "format": "csv"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Disposition"] == (
        'attachment; filename="par-index-2019-province-comparison.csv"'
    )
    assert lines[0] == (
        "year,level,unit_code,unit_name,region_code,index,rank,rank_in_region,group,"
        "delta_index,delta_rank,ranked,field_1,field_2,illustrative"
    )
    assert [line.split(",")[:7] + line.split(",")[-1:] for line in lines[1:]] == [
        ["2019", "province", "31", "Hai Phong", "DBSH", "75.00", "2", "yes"],
        ["2019", "province", "01", "Ha Noi", "DBSH", "90.00", "1", "yes"],
    ]


def test_the_page_links_the_downloads_of_this_comparison(client, published):
    html = client.get(URL, {"year": 2019, "units": ["01", "31"]}).text

    assert 'href="?year=2019&amp;units=01&amp;units=31&amp;format=xlsx" download' in html


def test_no_comparison_no_download(client, published):
    assert client.get(URL, {"year": 2019, "units": ["01"], "format": "csv"}).status_code == 404
    assert (
        client.get(URL, {"year": 2019, "units": ["01", "31"], "format": "pdf"}).status_code == 404
    )


published_2020 = test_public_criteria.published_2020  # a second year of the same provinces

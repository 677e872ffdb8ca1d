"""The compare page: 2 to 5 units of one level side by side in one published edition, chosen
through a GET form (the URL is the comparison), with peers suggested for the first unit.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (rank 1; fields 87.50, 93.75) and
Hải Phòng 75.00 (rank 2=) in DBSH; Lào Cai 75.00 (rank 2=) in TDMNPB.
"""

import re

from provinces.models import Unit
from public.compare import chosen_codes, query
from scoring.models import Edition
from scoring.publish import publish_edition
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

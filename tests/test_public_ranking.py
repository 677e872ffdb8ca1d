"""The public ranking page: published results only, sorted and filtered by permalink, ties shown
as ties, unranked units apart, and "download this view" with exactly the rows shown.

Fixture (tests/conftest.py, published here): Hà Nội 90.00 (rank 1), Hải Phòng 75.00 and Lào Cai
75.00 (tied at 2); Hà Nội and Hải Phòng in DBSH, Lào Cai in TDMNPB.
"""

import csv
import io
import json
import re

from django.core.management import call_command

from scoring.publish import publish_edition
from tests.conftest import imported

URL = "/en/rankings/2019/province/"


def _rows(html: str) -> list[list[str]]:
    """The ranking table's body rows as the reader sees them: cell texts, tags stripped."""
    body = re.search(r'<table class="ranking">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return rows


def test_the_ranking_lists_every_unit_with_its_published_numbers_and_ties(client, published):
    rows = _rows(client.get(URL).text)

    assert rows == [
        ["1", "Ha Noi", "Red River Delta", "90.00", "A", "87.50", "93.75", "15.00", "3.00",
         "– no comparison", "– no comparison"],
        ["2 = (tied)", "Lao Cai", "Northern Mountains", "75.00", "C", "75.00", "75.00", "12.00",
         "3.00", "– no comparison", "– no comparison"],
        ["2 = (tied)", "Hai Phong", "Red River Delta", "75.00", "C", "75.00", "75.00", "12.00",
         "3.00", "– no comparison", "– no comparison"],
    ]  # fmt: skip


def test_a_region_is_shortened_to_fit_one_line_with_its_full_name_at_hand(client, published):
    html = client.get(URL).text

    assert '<abbr title="Northern Midlands and Mountains">Northern Mountains</abbr>' in html
    # The Red River Delta is short already: shown as it is, without an abbreviation.
    assert '<td class="col-region">Red River Delta</td>' in html


def test_fields_are_short_headings_named_in_a_legend_above_the_table(client, published):
    html = client.get(URL).text
    legend = re.search(r'<dl class="fields field-legend">(.*?)</dl>', html, re.S).group(1)
    table = html.index('<table class="ranking">')

    assert html.index('<dl class="fields field-legend">') < table
    assert re.findall(r"<dt><abbr[^>]*>(F\d+)</abbr></dt>", legend) == ["F1", "F2"]
    assert '<abbr title="Field one">F1</abbr>' in html[table:]


def test_numbers_follow_the_readers_language(client, published):
    vietnamese = _rows(client.get("/vi/rankings/2019/province/").text)

    assert vietnamese[0][:5] == ["1", "Hà Nội", "ĐB sông Hồng", "90,00", "A"]


def test_sorting_and_filtering_are_permalinks(client, published):
    by_index = _rows(client.get(URL, {"sort": "index", "order": "asc"}).text)
    in_region = _rows(client.get(URL, {"region": "DBSH"}).text)
    group_c = _rows(client.get(URL, {"group": "C", "sort": "unit"}).text)

    assert [row[1] for row in by_index] == ["Lao Cai", "Hai Phong", "Ha Noi"]
    assert [row[1] for row in in_region] == ["Ha Noi", "Hai Phong"]
    assert [row[1] for row in group_c] == ["Hai Phong", "Lao Cai"]


def test_a_sorted_column_says_so_to_screen_readers(client, published):
    html = client.get(URL, {"sort": "index"}).text

    heading = r'<th scope="col" class="col-index" aria-sort="descending"><a [^>]*>Index</a>'
    assert re.search(heading, html)


def test_the_download_holds_exactly_the_rows_and_columns_of_the_view(client, published):
    response = client.get(URL, {"region": "DBSH", "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [
        ["rank", "unit_code", "unit_name", "region_code", "index", "group", "field_1", "field_2",
         "appraised_points", "survey_points", "delta_index", "delta_rank", "ranked", "source"],
        ["1", "01", "Ha Noi", "DBSH", "90.00", "A", "87.50", "93.75", "15.00", "3.00", "", "",
         "yes", ""],
        ["2", "31", "Hai Phong", "DBSH", "75.00", "C", "75.00", "75.00", "12.00", "3.00", "", "",
         "yes", ""],
    ]  # fmt: skip


def test_the_json_download_keeps_numbers_as_numbers(client, published):
    rows = json.loads(client.get(URL, {"format": "json", "group": "A"}).content)

    assert [(row["unit_code"], row["index"], row["rank"]) for row in rows] == [("01", 90.0, 1)]


def test_an_unpublished_edition_is_not_shown_to_anyone(client, scored_provinces, admin_client):
    assert client.get(URL).status_code == 404
    assert admin_client.get(URL).status_code == 404


def test_unranked_participants_are_listed_apart_with_their_note(client, ministry_edition):
    imported(
        "participants",
        "year,level,unit,ranked,note\n2019,ministry,BTP,yes,\n"
        "2019,ministry,BYT,no,Không xếp hạng theo quyết định\n",
    )
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

    html = client.get("/en/rankings/2019/ministry/").text

    assert [row[1] for row in _rows(html)] == ["Ministry of Justice"]
    unranked = re.search(r"Assessed but not ranked</h2>\s*<ul>(.*?)</ul>", html, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", unranked).split()) == (
        "Ministry of Health — 90.00 (Không xếp hạng theo quyết định)"
    )


def test_the_ranking_page_runs_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    # Issue 17's budget of the ranking page, the site's navigation (the latest year, read once
    # per data version) included: the regions of the filter come with the rows' units.
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_every_number_on_the_page_matches_export_results(client, published):
    out = io.StringIO()
    call_command("export_results", "2019", "--level", "province", stdout=out)
    exported = {row["unit_name_en"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}

    for row in _rows(client.get(URL).text):
        expected = exported[row[1]]
        rank = row[0].split()[0]
        assert [rank, row[3], row[4], row[5], row[6], row[7], row[8]] == [
            expected["rank"],
            expected["index"],
            expected["group"],
            expected["field_1"],
            expected["field_2"],
            expected["appraised_points"],
            expected["survey_points"],
        ]

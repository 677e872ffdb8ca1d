"""The unit profile page: one published edition in full (index, ranks, fields against the averages
and the best unit, the criteria tree with deductions and their reasons, the fields that moved the
index), the history over every published edition with methodology changes marked, and the lineage
across the 2025 mergers.

Fixture (tests/conftest.py, published here): 2019 provinces, maximum 20. Hà Nội 90.00 (1st;
field 1: 10.50 of 12 = 87.50, field 2: 7.50 of 8 = 93.75), Hải Phòng 75.00 and Lào Cai 75.00
(tied 2nd); Hà Nội and Hải Phòng in DBSH, Lào Cai in TDMNPB.
"""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from public.profiles import unit_profile
from public.standing import Share, share_of
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported

HANOI = "/en/units/ha-noi/"
# The Hải Phòng of 2019 is the unit that ended on 30/6/2025; "hai-phong" is the merged one.
HAIPHONG = "/en/units/hai-phong-2004-2025/"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table(html: str, css_class: str) -> list[list[str]]:
    """The body rows of the table with this class, as cell texts, tags stripped."""
    found = re.search(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert found, f"no table {css_class}"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([text(cell) for cell in cells])
    return rows


def summary(html: str) -> dict[str, str]:
    block = re.search(r'<dl class="unit-summary">(.*?)</dl>', html, re.S).group(1)
    return {
        text(term): text(value)
        for term, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    }


# Two more editions on another tree, maximum 3 (three fields of 1 point): Hà Nội 0.50 on every
# field in 2020 (50.00) and 0.51 in 2021 (51.00), so each field moved the index by exactly ⅓ of
# the published +1.00.
THREE_FIELDS = """\
year,level,code,name_vi,name_en,max_points,method
{year},province,1,Lĩnh vực một,Field one,1,
{year},province,1.1,Tiêu chí 1.1,Criterion 1.1,1,self
{year},province,2,Lĩnh vực hai,Field two,1,
{year},province,2.1,Tiêu chí 2.1,Criterion 2.1,1,self
{year},province,3,Lĩnh vực ba,Field three,1,
{year},province,3.1,Tiêu chí 3.1,Criterion 3.1,1,self
"""
POINTS = {
    2020: {"01": ("0.50", "0.50", "0.50"), "31": ("0.40", "0.40", "0.40")},
    2021: {"01": ("0.51", "0.51", "0.51"), "31": ("0.51", "0.30", "0.30")},
}


def _three_field_edition(year: int) -> Edition:
    imported("methodology", THREE_FIELDS.format(year=year))
    imported(
        "participants", f"year,level,unit,ranked\n{year},province,01,yes\n{year},province,31,yes\n"
    )
    rows = [
        f"{year},province,{unit},{field}.1,{value},{value}"
        for unit, values in POINTS[year].items()
        for field, value in enumerate(values, start=1)
    ]
    imported("scores", "year,level,unit,criterion,self_points,appraised_points\n" + "\n".join(rows))
    return publish_edition(Edition.objects.get(year=year, level="province"))


@pytest.fixture
def three_years(published):
    """2019 on the fixture's tree, then 2020 and 2021 on the three-field tree."""
    _three_field_edition(2020)
    _three_field_edition(2021)


def test_the_profile_shows_index_ranks_group_and_averages_of_the_latest_edition(client, published):
    html = client.get(HANOI).text

    assert '<h2 id="edition-heading">PAR Index 2019: Province</h2>' in html
    assert summary(html) == {
        "Index": "90.00",
        "Rank": "1 of 3",
        "Rank in region": "1",
        "Group": "A",
        "National average": "80.00",
        "Regional average": "82.50",
        "Change in index": "– no comparison",
        "Change in rank": "– no comparison",
        "Appraised points": "15.00",
        "Survey points": "3.00",
    }


def test_each_field_stands_against_national_and_regional_averages_and_the_best_unit(
    client, published
):
    rows = table(client.get(HAIPHONG).text, "unit-fields")

    # Field 1: (87.50 + 75 + 75) / 3 = 79.17 nationally, (87.50 + 75) / 2 = 81.25 in DBSH;
    # field 2: 81.25 nationally and (93.75 + 75) / 2 = 84.375 → 84.38 in DBSH.
    assert rows == [
        ["1. Field one", "9.00 / 12.00", "75.00", "2", "79.17", "81.25", "Ha Noi 87.50"],
        ["2. Field two", "6.00 / 8.00", "75.00", "2", "81.25", "84.38", "Ha Noi 93.75"],
    ]


def test_numbers_and_names_follow_the_readers_language(client, published):
    html = client.get("/vi/units/ha-noi/").text

    assert summary(html)["Chỉ số"] == "90,00"
    assert table(html, "unit-fields")[0][0] == "1. Lĩnh vực một"


def test_a_tied_rank_says_so(client, published):
    tied = summary(client.get(HAIPHONG).text)
    alone = summary(client.get(HANOI).text)

    assert tied["Rank"] == "2 of 3 (tied)"
    assert alone["Rank"] == "1 of 3"
    # Among three units a share would say less than the rank: none is given.
    assert "Position" not in tied


@pytest.mark.parametrize(
    ("rank", "count", "share"),
    [
        (1, 63, Share("top", 10)),
        (12, 63, Share("top", 20)),  # 19.05 %
        (13, 63, Share("top", 30)),  # 20.63 %
        (31, 63, Share("top", 50)),  # 49.21 %
        (32, 63, Share("middle", None)),
        (33, 63, Share("bottom", 50)),  # itself and the 30 below: 49.21 %
        (63, 63, Share("bottom", 10)),
        (5, 10, Share("top", 50)),
        (1, 9, None),  # fewer units than steps of ten per cent
        (None, 63, None),
        (3, None, None),
        (64, 63, None),
    ],
)
def test_a_position_is_told_as_a_share_in_steps_of_ten(rank, count, share):
    assert share_of(rank, count) == share


@pytest.mark.parametrize(
    ("share", "language", "told"),
    [
        (Share("top", 20), "en", "among the top 20&nbsp;%"),
        (Share("bottom", 10), "en", "among the bottom 10&nbsp;%"),
        (Share("middle", None), "en", "around the middle"),
    ],
)
def test_the_position_card_tells_the_share(published, share, language, told):
    profile = unit_profile("ha-noi", None)
    profile.shown.standing.share = share

    with translation.override(language):
        html = render_to_string(
            "public/_unit_summary.html", {"shown": profile.shown, "unit": profile.unit}
        )

    assert summary(html)["Position"] == told


def test_the_profile_links_units_like_this_one_and_their_comparison(client, published):
    html = client.get(HANOI).text
    block = re.search(r'<section class="alike".*?</section>', html, re.S).group(0)

    # Hải Phòng is Hà Nội's only neighbour in DBSH; Lào Cai the nearest elsewhere.
    assert re.findall(r"<h4>(.*?)</h4>", block) == [
        "In its region, nearest index in 2019",
        "Nationwide, nearest index in 2019",
    ]
    assert [text(item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)] == [
        "Hai Phong index 75.00 · rank 2",
        "Lao Cai index 75.00 · rank 2",
    ]
    assert re.findall(r'<li><a href="([^"]+)"', block) == [
        "/en/units/hai-phong-2004-2025/?year=2019",
        "/en/units/lao-cai-2004-2025/?year=2019",
    ]
    # Compared with its regional neighbours, in the shown year.
    compare = re.search(r'<a class="button secondary" href="([^"]+)">', block).group(1)
    assert compare == "/en/compare/province/?year=2019&amp;units=01&amp;units=31"


def test_vietnamese_writes_the_share_and_the_neighbours_indices_with_a_decimal_comma(
    client, published
):
    html = client.get("/vi/units/ha-noi/").text
    block = re.search(r'<section class="alike".*?</section>', html, re.S).group(0)

    assert "75,00" in block and "75.00" not in block


def test_the_history_chart_stands_with_its_table(client, three_years):
    html = client.get(HANOI).text
    history = re.search(r'<section aria-labelledby="history-heading">.*?</section>', html, re.S)

    assert 'src="/en/charts/unit/ha-noi/history.svg' in history.group(0)
    assert html.count("/charts/unit/ha-noi/history.svg") == 1


def test_the_criteria_tree_shows_deductions_with_their_reasons_and_survey_points(client, published):
    html = client.get(HANOI).text
    trees = re.findall(r'<table class="criteria-tree">.*?</table>', html, re.S)
    captions = [text(re.search(r"<caption[^>]*>(.*?)</caption>", t, re.S).group(1)) for t in trees]
    # Each field folds under its name and points, the first one open.
    folds = re.findall(r'<details class="tree-field"( open)?>\s*<summary>(.*?)</summary>', html)

    assert captions == [
        "1. Field one — 10.50 of 12.00 points",
        "2. Field two — 7.50 of 8.00 points",
    ]
    assert [(bool(is_open), text(name)) for is_open, name in folds] == [
        (True, "1 Field one 10.50 of 12.00 points"),
        (False, "2 Field two 7.50 of 8.00 points"),
    ]
    # Criterion, method, maximum, self-assessed, appraised, deduction and reason, survey, points.
    assert table(trees[0], "criteria-tree") == [
        ["1.1 Criterion 1.1", "Self-assessed, then appraised", "8.00", "8.00", "7.50",
         "0.50 Thiếu tài liệu kiểm chứng", "", "7.50"],
        ["1.2 Criterion 1.2", "Sociological survey", "4.00", "", "", "", "3.00", "3.00"],
    ]  # fmt: skip
    assert table(trees[1], "criteria-tree") == [
        ["2.1 Criterion 2.1", "Self-assessed, then appraised", "5.00", "5.00", "5.00", "", "",
         "5.00"],
        ["2.2 Criterion 2.2", "Self-assessed, then appraised", "3.00", "3.00", "2.50",
         "0.50 Chậm tiến độ", "", "2.50"],
    ]  # fmt: skip


def test_a_deeper_tree_nests_criteria_under_their_field_with_parent_sums(client, db):
    imported(
        "methodology",
        """\
        year,level,code,name_vi,name_en,max_points,method
        2019,ministry,1,Lĩnh vực một,Field one,10,
        2019,ministry,1.1,Tiêu chí 1.1,Criterion 1.1,6,
        2019,ministry,1.1.1,Tiêu chí 1.1.1,Criterion 1.1.1,4,self
        2019,ministry,1.1.2,Tiêu chí 1.1.2,Criterion 1.1.2,2,self
        2019,ministry,1.2,Tiêu chí 1.2,Criterion 1.2,4,survey
        """,
    )
    imported("participants", "year,level,unit,ranked\n2019,ministry,BTP,yes\n")
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points\n"
        "2019,ministry,BTP,1.1.1,4,3\n2019,ministry,BTP,1.1.2,2,2\n",
    )
    imported("survey", "year,level,unit,criterion,points\n2019,ministry,BTP,1.2,3.5\n")
    publish_edition(Edition.objects.get(year=2019, level="ministry"))

    html = client.get("/en/units/moj/").text

    assert [row[0] for row in table(html, "criteria-tree")] == [
        "1.1 Criterion 1.1",
        "1.1.1 Criterion 1.1.1",
        "1.1.2 Criterion 1.1.2",
        "1.2 Criterion 1.2",
    ]
    assert [row[-1] for row in table(html, "criteria-tree")] == ["5.00", "3.00", "2.00", "3.50"]
    assert '<tr class="depth-2">' in html and '<tr class="depth-1 parent">' in html


def test_the_fields_that_moved_the_index_add_up_exactly_to_the_published_change(
    client, three_years
):
    html = client.get(HANOI).text

    # +1.00 = 3 × 0.01 points ÷ 3 × 100: ⅓ each, 0.34 + 0.33 + 0.33 by the largest remainder.
    assert summary(html)["Change in index"] == "▲ +1.00 higher"
    assert table(html, "unit-change") == [
        ["1. Field one", "0.50", "0.51", "+0.01", "▲ +0.34 higher"],
        ["2. Field two", "0.50", "0.51", "+0.01", "▲ +0.33 higher"],
        ["3. Field three", "0.50", "0.51", "+0.01", "▲ +0.33 higher"],
    ]
    total = re.search(r'<table class="unit-change">.*?<tfoot>(.*?)</tfoot>', html, re.S).group(1)
    assert text(total) == "Change in index ▲ +1.00 higher"


def test_history_lists_every_published_edition_and_marks_methodology_changes(client, three_years):
    rows = table(client.get(HANOI).text, "unit-history")

    assert rows == [
        ["2021", "51.00", "1", "1", "D", "▲ +1.00 higher", "= same rank", ""],
        ["2020", "50.00", "1", "1", "D", "▼ -40.00 lower", "= same rank",
         "methodology changed since 2019"],
        ["2019", "90.00", "1", "1", "A", "– no comparison", "– no comparison", ""],
    ]  # fmt: skip


def test_across_a_methodology_change_the_change_in_index_is_not_split_by_field(client, three_years):
    html = client.get(HANOI, {"year": "2020"}).text

    assert '<h2 id="edition-heading">PAR Index 2020: Province</h2>' in html
    assert '<table class="unit-change">' not in html
    assert (
        "The criteria of this edition and of 2019 differ or are not both available (methodology "
        "changed), so the change in index cannot be split by field. Change in index: ▼ -40.00 lower"
    ) in text(html)


def test_the_edition_switcher_is_a_permalink_per_year(client, three_years):
    html = client.get(HANOI, {"year": "2019"}).text

    switcher = re.search(r'<nav class="years"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', switcher) == ["?year=2021", "?year=2020"]
    assert '<span aria-current="page">2019</span>' in switcher
    assert summary(html)["Index"] == "90.00"


def test_the_best_unit_of_a_field_lists_every_unit_tied_at_the_top(client, three_years):
    rows = table(client.get(HANOI).text, "unit-fields")

    assert [row[-1] for row in rows] == [
        "Ha Noi 51.00; Hai Phong 51.00",
        "Ha Noi 51.00",
        "Ha Noi 51.00",
    ]


def test_a_summary_only_edition_shows_what_was_published_and_says_the_tree_is_missing(
    client, published
):
    imported(
        "published",
        """\
        year,level,unit,index,rank,field_1,field_2,appraised_points,survey_points
        2018,province,01,84.00,2,80.00,90.00,14.00,2.80
        2018,province,31,86.00,1,85.00,88.00,14.50,2.70
        """,
    )
    publish_edition(Edition.objects.get(year=2018, level="province"))

    html = client.get(HANOI, {"year": "2018"}).text

    assert summary(html)["Index"] == "84.00"
    assert summary(html)["Rank"] == "2 of 2"
    assert [row[:3] for row in table(html, "unit-fields")] == [
        ["1", "–", "80.00"],
        ["2", "–", "90.00"],
    ]
    assert "the criteria tree and the points per criterion are not available" in html
    assert '<table class="criteria-tree">' not in html


def test_a_demo_edition_carries_the_visible_banner(client, published):
    Edition.objects.filter(pk=published.pk).update(is_demo=True)

    html = client.get(HANOI).text

    assert '<p class="banner demo" role="note">' in html
    assert "illustrative demo data, not official results" in html


def test_a_merged_unit_links_its_predecessors_and_their_latest_results(client, db):
    imported("published", "year,level,unit,index,rank\n2024,province,Long An,80.00,2\n")
    publish_edition(Edition.objects.get(year=2024, level="province"))

    html = client.get("/en/units/tay-ninh/").text
    formed = re.search(r'<section class="lineage".*?<ul>(.*?)</ul>', html, re.S).group(1)

    # In code order: the old Tây Ninh (72), then Long An (80).
    assert text(formed) == ("Tay Ninh — no published results Long An : index 80.00 in 2024, rank 2")
    assert re.findall(r'href="([^"]+)"', formed) == [
        "/en/units/tay-ninh-2004-2025/",
        "/en/units/long-an/",
    ]
    assert "No published results for this unit yet." in html


def test_an_old_unit_links_its_successor(client, published):
    html = client.get(HAIPHONG).text

    assert re.search(
        r'Became part of <a href="/en/units/hai-phong/">Hai Phong</a> \(last day [^)]+\)\.', html
    )


def test_ministries_merged_on_1_march_2025_are_linked_both_ways(client, db):
    moha = client.get("/en/units/moha/").text
    molisa = client.get("/en/units/molisa/").text

    formed = re.search(r'<section class="lineage".*?<ul>(.*?)</ul>', moha, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', formed) == [
        "/en/units/molisa/",
        "/en/units/moha-until-2025/",
    ]
    assert 'Became part of <a href="/en/units/moha/">Ministry of Home Affairs</a>' in molisa


def test_a_unit_without_published_results_still_has_its_page(client, scored_provinces):
    response = client.get(HANOI)

    assert response.status_code == 200
    assert "No published results for this unit yet." in response.text
    assert "unit-summary" not in response.text


def test_an_unpublished_edition_is_not_shown_to_anyone(client, admin_client, scored_provinces):
    assert client.get(HANOI, {"year": "2019"}).status_code == 404
    assert admin_client.get(HANOI, {"year": "2019"}).status_code == 404


def test_an_edition_in_review_never_published_hides_its_stored_results(
    client, admin_client, published
):
    # Results rows stored, but never published (a reopened edition keeps its last published
    # results instead: tests/test_public_under_correction.py).
    Edition.objects.filter(pk=published.pk).update(status=Edition.Status.REVIEW, published_at=None)

    assert admin_client.get(HANOI, {"year": "2019"}).status_code == 404
    assert "No published results for this unit yet." in client.get(HANOI).text


def test_an_unknown_unit_or_year_is_not_found(client, published):
    assert client.get("/en/units/atlantis/").status_code == 404
    assert client.get(HANOI, {"year": "2017"}).status_code == 404
    assert client.get(HANOI, {"year": "twenty"}).status_code == 404


def test_the_profile_runs_a_bounded_number_of_queries(
    client, three_years, django_assert_max_num_queries
):
    # The budget of every public page (issue 17), on a cold cache: the data version and the
    # site's navigation (each read once per data version), the unit with its predecessors, their
    # names, the editions, the results of the unit and of the shown edition (its ranking: ties,
    # units like it, best units), their fields, the criteria, the averages, the points tree and
    # the province's SIPAS (two).
    with django_assert_max_num_queries(12):
        assert client.get(HANOI).status_code == 200
    # A merged unit: its predecessors come with it, their results with its own.
    with django_assert_max_num_queries(10):
        assert client.get("/en/units/hai-phong/").status_code == 200

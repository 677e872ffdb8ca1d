"""The methodology page of an edition: the criteria tree with maxima and methods, the rules in
plain words with the edition's own group thresholds, and what changed in the tree since the
previous published edition of the level (by code and maximum points).

The 2019 tree is the shared fixture's (tests/conftest.py); the 2018 tree below differs from it:
1.1 was worth 12 and 1.2 did not exist; 2.1 was worth 4, 2.2 was worth 2 and 2.3 existed.
"""

import re
from decimal import Decimal

import pytest

from public.methodology import tree_changes
from scoring.models import Edition
from scoring.publish import publish_edition
from tests.conftest import imported

URL = "/en/methodology/2019/province/"
TREE_2018 = """\
year,level,code,name_vi,name_en,max_points,method
2018,province,1,Lĩnh vực một,Field one,12,
2018,province,1.1,Tiêu chí 1.1,Criterion 1.1,12,self
2018,province,2,Lĩnh vực hai,Field two,8,
2018,province,2.1,Tiêu chí 2.1,Criterion 2.1,4,self
2018,province,2.2,Tiêu chí 2.2,Criterion 2.2,2,self
2018,province,2.3,Tiêu chí 2.3,Criterion 2.3,2,survey
"""


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def tree(html: str) -> list[list[str]]:
    tables = re.findall(r'<table class="methodology-tree">(.*?)</table>', html, re.S)
    rows = [
        [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for table in tables
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    # Each field is a table of its own under the same header: the header once.
    return rows[:1] + [row for row in rows[1:] if row != rows[0]]


def test_each_field_folds_and_the_first_is_open(client, published):
    html = client.get(URL).text

    summaries = re.findall(r'<details class="tree-field"( open)?>\s*<summary>(.*?)</summary>', html)
    assert [(is_open, text(summary)) for is_open, summary in summaries] == [
        (" open", "1 Field one (maximum 12.00 points)"),
        ("", "2 Field two (maximum 8.00 points)"),
    ]


def changes(html: str) -> list[str]:
    """The items of the list of changes, nested items apart: texts of the lines of the list."""
    found = re.search(r'<ul class="changes">(.*?)</ul>\s*</section>', html, re.S).group(1)
    return [text(part) for part in re.split(r"<li>", found) if text(part)]


@pytest.fixture
def published(scored_provinces):
    Edition.objects.filter(pk=scored_provinces.pk).update(
        group_a=Decimal("92"), group_b=Decimal("85"), group_c=Decimal("76")
    )
    scored_provinces.refresh_from_db()
    return publish_edition(scored_provinces)


@pytest.fixture
def published_2018(db):
    """Only the tree matters here: the edition is marked published without results."""
    imported("methodology", TREE_2018)
    Edition.objects.filter(year=2018).update(status=Edition.Status.PUBLISHED)


def test_tree_changes_compare_codes_and_maxima():
    found = tree_changes(
        {"1": Decimal("12"), "1.1": Decimal("8"), "1.2": Decimal("4"), "1.10": Decimal("0")},
        {"1": Decimal("12.00"), "1.1": Decimal("12"), "1.3": Decimal("1")},
    )

    assert (found.added, found.removed) == (["1.2", "1.10"], ["1.3"])
    # 12 and 12.00 are the same maximum; 1.1 went from 12 to 8.
    assert found.reweighted == {"1.1": (Decimal("12"), Decimal("8"))}
    assert not tree_changes({"1": Decimal("1")}, {"1": Decimal("1.00")})


def test_the_tree_lists_every_node_with_its_maximum_and_method(client, published):
    rows = tree(client.get(URL).text)

    assert rows == [
        ["Code", "Criterion", "Maximum points", "Method"],
        ["1", "Field one", "12.00", ""],
        ["1.1", "Criterion 1.1", "8.00", "Self-assessed, then appraised"],
        ["1.2", "Criterion 1.2", "4.00", "Sociological survey"],
        ["2", "Field two", "8.00", ""],
        ["2.1", "Criterion 2.1", "5.00", "Self-assessed, then appraised"],
        ["2.2", "Criterion 2.2", "3.00", "Self-assessed, then appraised"],
    ]
    assert "Maximum points in all: 20.00." in text(client.get(URL).text)


def test_each_code_links_to_its_criterion_page(client, published):
    html = client.get(URL).text

    assert re.findall(r'<td><a href="(/en/criteria/2019/province/[^"]+/)">', html) == [
        f"/en/criteria/2019/province/{code}/" for code in ("1", "1.1", "1.2", "2", "2.1", "2.2")
    ]


def test_groups_are_explained_with_the_editions_own_thresholds(client, published):
    page = text(client.get(URL).text)

    assert (
        "Groups by rounded index in this edition: A from 92.00, B from 85.00 to below 92.00, "
        "C from 76.00 to below 85.00, D below 76.00." in page
    )
    assert "Equal indices share a rank and the next rank skips a place (1, 2, 2, 4)." in page
    assert "rounded half-up to 2 decimals (84.425 becomes 84.43)" in page


def test_changes_since_the_previous_published_edition_are_noted(client, published_2018, published):
    html = client.get(URL).text

    assert changes(html) == [
        '1 criterion added (marked "new" below): 1.2',
        "3 criteria re-weighted (their former maximum shown below): 1.1, 2.1, 2.2",
        "1 criterion removed:",
        "2.3 Criterion 2.3 (maximum 2.00 points)",
    ]
    assert [(row[0], row[-1]) for row in tree(html)[1:]] == [
        ("1", ""),
        ("1.1", "was 12.00"),
        ("1.2", "new"),
        ("2", ""),
        ("2.1", "was 4.00"),
        ("2.2", "was 2.00"),
    ]


def test_an_unchanged_tree_says_so(client, published):
    imported("methodology", TREE_2018.replace(",12,self", ",8,self").replace(
        "2018,province,2.3,Tiêu chí 2.3,Criterion 2.3,2,survey\n",
        "2018,province,1.2,Tiêu chí 1.2,Criterion 1.2,4,survey\n",
    ).replace(",4,self", ",5,self").replace(",2,self", ",3,self"))  # fmt: skip
    Edition.objects.filter(year=2018).update(status=Edition.Status.PUBLISHED)

    page = text(client.get(URL).text)

    assert "The criteria tree is the same as in 2018: the same codes with the same maximum" in page


def test_a_draft_previous_edition_is_not_compared_with(client, published):
    imported("methodology", TREE_2018)  # a draft

    html = client.get(URL).text

    assert "Changes since" not in html
    assert tree(html)[0] == ["Code", "Criterion", "Maximum points", "Method"]


def test_numbers_follow_the_readers_language(client, published_2018, published):
    html = client.get("/vi/methodology/2019/province/").text

    assert tree(html)[1][:3] == ["1", "Lĩnh vực một", "12,00"]
    assert tree(html)[2][-1].endswith("12,00")


def test_an_unpublished_edition_is_not_shown_to_anyone(client, admin_client, scored_provinces):
    assert client.get(URL).status_code == 404
    assert admin_client.get(URL).status_code == 404


def test_the_methodology_page_runs_a_bounded_number_of_queries(
    client, published_2018, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200

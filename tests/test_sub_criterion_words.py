"""Issue 16, item 11: a reader is told "sub-criterion" (tiêu chí thành phần), never "leaf". The
code keeps its identifiers and the downloads keep their documented names (the `leaves` table),
so the check reads only what a page shows: its text without tags, scripts or attributes.
"""

import csv
import html
import io
import re

import pytest

from tests.staff_fixtures import staff_client

LEAF = re.compile(r"\b(leaf|leaves|leaf's)\b", re.I)


def visible_text(page: str) -> str:
    """The words a reader sees: no script or style, no tag nor attribute, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def leaf_words(page: str) -> list[str]:
    text = " ".join(visible_text(page).split())
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in LEAF.finditer(text)]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_codebook_page_says_sub_criterion_never_leaf(client, db, language):
    response = client.get(f"/{language}/data/codebook/")

    assert response.status_code == 200
    page = response.content.decode()
    assert leaf_words(page) == []
    expected = {"en": "sub-criterion", "vi": "tiêu chí thành phần"}[language]
    assert visible_text(page).count(expected) >= 8


def test_the_codebook_csv_describes_the_leaves_table_with_sub_criterion(client, db):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/en/data/codebook.csv").content.decode("utf-8-sig")))
    )

    texts = [
        row[f"{part}_{language}"]
        for row in rows
        for part in ("meaning", "rule", "unit")
        for language in ("en", "vi")
    ]
    assert [text for text in texts if LEAF.search(text)] == []
    # The table keeps its documented name; only its descriptions changed words.
    assert sum(row["table"] == "leaves" for row in rows) == 12
    final = next(
        row for row in rows if row["table"] == "leaves" and row["column"] == "final_points"
    )
    assert final["rule_en"] == "Scoring rules: a sub-criterion's final points"
    assert final["rule_vi"] == "Quy tắc tính điểm: điểm cuối cùng của tiêu chí thành phần"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_methodology_page_says_sub_criterion_never_leaf(client, published, language):
    response = client.get(f"/{language}/methodology/2019/province/")

    assert response.status_code == 200
    assert leaf_words(response.content.decode()) == []


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_staff_edition_page_counts_sub_criteria_appraised(client, scored_provinces, language):
    admin = staff_client(client, "admin")

    page = admin.get(f"/{language}/staff/editions/{scored_provinces.pk}/").content.decode()

    # "it leaves the public pages" is the verb, said of a published edition only; this one is not.
    assert leaf_words(page) == []
    label = {"en": "Sub-criteria appraised", "vi": "Tiêu chí thành phần đã thẩm định"}[language]
    assert visible_text(page).count(label) == 2

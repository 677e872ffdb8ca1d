"""The ranking sorted by clicking its headers and filtered with its form, with JavaScript and
without, and "Download this view" giving back exactly the rows and numbers on the page."""

import csv
import io
import re
from decimal import Decimal

import pytest

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser

# Every test here opens its address first and adds nothing to its page (conftest's Tabs).
SHARED_PAGES = True

PROVINCES_2019 = "/en/rankings/2019/province/"


# A heading as the table shows it: a field's short label (F1) is its <abbr>, the full name beside
# it is for screen readers only.
_SHOWN_HEADING = "th => (th.querySelector('abbr') || th).innerText.trim()"


def _headings(page) -> list[str]:
    return page.locator("table.ranking thead th").evaluate_all(f"ths => ths.map({_SHOWN_HEADING})")


def _column(page, header: str) -> list[str]:
    """The cells of one column of the ranking table, as the page shows them."""
    headers = _headings(page)
    return page.locator("table.ranking tbody tr").evaluate_all(
        "(rows, i) => rows.map(row => row.querySelectorAll('th, td')[i].innerText.trim())",
        headers.index(header),
    )


def _full_names(page, header: str) -> list[str]:
    """The cells of one column with a short name spelled out: the title of its <abbr>."""
    headers = _headings(page)
    return page.locator("table.ranking tbody tr").evaluate_all(
        "(rows, i) => rows.map(row => { const cell = row.querySelectorAll('th, td')[i];"
        " const abbr = cell.querySelector('abbr[title]');"
        " return abbr ? abbr.title : cell.innerText.trim(); })",
        headers.index(header),
    )


def _numbers(cells: list[str]) -> list[Decimal]:
    return [Decimal(re.match(r"-?\d+(\.\d+)?", cell).group()) for cell in cells]


def _sorted_by(page) -> tuple[str, str]:
    header = page.locator("table.ranking thead th[aria-sort]")
    return header.evaluate(_SHOWN_HEADING), header.get_attribute("aria-sort")


def _click_header(page, name: str):
    with page.expect_navigation():
        # A field's link is named by its short label and then its full name ("F1 Openness ...").
        link_name = re.compile(rf"^{re.escape(name)}(\s|$)")
        page.locator("table.ranking thead").get_by_role("link", name=link_name).click()


def test_clicking_a_header_sorts_by_it_and_clicking_again_reverses(any_page):
    page = any_page
    open_page(page, PROVINCES_2019)
    assert _sorted_by(page) == ("Rank", "ascending")

    _click_header(page, "Index")

    assert "sort=index" in page.url
    assert _sorted_by(page) == ("Index", "descending")
    indices = _numbers(_column(page, "Index"))
    assert len(indices) == 63
    assert indices == sorted(indices, reverse=True)

    _click_header(page, "Index")

    assert _sorted_by(page) == ("Index", "ascending")
    assert _numbers(_column(page, "Index")) == sorted(indices)

    _click_header(page, "F1")

    assert _sorted_by(page) == ("F1", "descending")
    field = _numbers(_column(page, "F1"))
    assert field == sorted(field, reverse=True)


def test_the_filter_form_keeps_only_the_chosen_region_and_group(any_page):
    page = any_page
    open_page(page, PROVINCES_2019 + "?sort=index&order=asc")
    region = page.locator("#region option").nth(1)
    region_code, region_name = region.get_attribute("value"), region.inner_text()

    page.select_option("#region", region_code)
    page.select_option("#group", "B")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()

    assert f"region={region_code}" in page.url and "group=B" in page.url
    regions, groups = _full_names(page, "Region"), _column(page, "Group")
    assert 0 < len(regions) < 63
    assert set(regions) == {region_name}
    assert set(groups) == {"B"}
    # The sort chosen before filtering holds.
    assert _sorted_by(page) == ("Index", "ascending")
    indices = _numbers(_column(page, "Index"))
    assert indices == sorted(indices)


def test_download_this_view_gives_the_rows_and_numbers_of_the_page(page):
    open_page(page, PROVINCES_2019 + "?sort=field_2&group=A")
    shown = {
        "rank": [re.match(r"\d+", cell).group() for cell in _column(page, "Rank")],
        "unit_name": _column(page, "Unit"),
        "index": _numbers(_column(page, "Index")),
        "group": _column(page, "Group"),
        "field_1": _numbers(_column(page, "F1")),
        "field_2": _numbers(_column(page, "F2")),
        "appraised_points": _numbers(_column(page, "Appraised points")),
    }
    assert 0 < len(shown["rank"]) < 63

    with page.expect_download() as download:
        page.locator(".downloads").get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert download.value.suggested_filename == "par-index-2019-province-ranking.csv"
    assert {
        "rank": [row["rank"] for row in rows],
        "unit_name": [row["unit_name"] for row in rows],
        "index": [Decimal(row["index"]) for row in rows],
        "group": [row["group"] for row in rows],
        "field_1": [Decimal(row["field_1"]) for row in rows],
        "field_2": [Decimal(row["field_2"]) for row in rows],
        "appraised_points": [Decimal(row["appraised_points"]) for row in rows],
    } == shown

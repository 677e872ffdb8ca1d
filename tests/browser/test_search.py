"""The search box in the header: a reader types a province's name without diacritics on the home
page, submits, and reaches its profile by clicking the result, with JavaScript and without."""

import pytest

from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

# Every test here opens its address first and adds nothing to its page (conftest's Tabs).
SHARED_PAGES = True


def test_typing_an_unaccented_name_in_the_header_box_leads_to_the_profile(any_page):
    page = any_page
    open_page(page, "/vi/")

    # The Vietnamese label is translated by the lead at the end; the role is enough to find it.
    box = page.locator("header.site").get_by_role("searchbox")
    box.fill("quang ninh")
    with page.expect_navigation():
        box.press("Enter")

    assert page.url.endswith("/vi/search/?q=quang+ninh")
    screenshot(page, "search-quang-ninh")
    results = page.locator("ul.search-results > li")
    assert results.count() == 1
    with page.expect_navigation():
        results.get_by_role("link", name="Quảng Ninh", exact=True).click()

    assert page.url.endswith("/vi/units/quang-ninh/")
    assert page.locator("h1").inner_text() == "Quảng Ninh"


def test_tp_hcm_in_english_lists_the_city_of_today_then_the_one_it_replaced(any_page):
    page = any_page
    open_page(page, "/en/")

    header = page.locator("header.site")
    header.get_by_role("searchbox", name="Search units and criteria").fill("tp hcm")
    with page.expect_navigation():
        header.get_by_role("button", name="Search").click()

    results = page.locator("ul.search-results > li")
    assert results.locator("a:first-child").all_inner_texts() == [
        "Ho Chi Minh City",
        "Ho Chi Minh City",
    ]
    # The city of 2004-2025 links its own profile and the city it became part of.
    with page.expect_navigation():
        results.nth(1).get_by_role("link").last.click()
    assert page.url.endswith("/en/units/ho-chi-minh-city/")

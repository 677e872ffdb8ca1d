"""A visitor reaches every page type from the home page by clicking, and the language and year
switches keep the page they were on."""

import re

import pytest

from public import urls as public_urls
from tests.browser.conftest import open_page, page_type, path_of

pytestmark = pytest.mark.browser

# Every test here opens its address first and adds nothing to its page (conftest's Tabs).
SHARED_PAGES = True

# Every public address: pages are clicked into; files, data and charts served beside the pages
# need only be linked (or shown) from a page that is reached from home.
PUBLIC_TYPES = {f"public:{pattern.name}" for pattern in public_urls.urlpatterns}


def test_every_public_address_is_linked_from_pages_reached_from_home(crawl):
    linked = set(crawl.pages) | set(crawl.files)

    missing = sorted(PUBLIC_TYPES - linked)
    assert missing == [], f"not linked from the pages reached from home: {missing}"


# The language switch is tried on each page type where the clicks from home led: opening the
# page again for it was a third of this test's page loads.
def test_every_page_type_is_reached_from_home_by_clicking_and_keeps_it_across_languages(
    page, crawl
):
    assert {"public:home", "public:ranking", "public:unit"} <= set(crawl.pages)
    reached = {}
    for name, path in sorted(crawl.pages.items()):
        open_page(page, "/vi/")
        for parent, href in crawl.route(path):
            assert page.url.endswith(parent), (name, page.url, parent)
            with page.expect_navigation():
                page.locator(f'a[href="{href}"]:visible').first.click()
        reached[name] = page_type(path_of(page.url))
        assert page.locator("h1").count() == 1, (name, page.url)

        _switch_languages(page, name, path)

    assert reached == {name: name for name in crawl.pages}
    assert {"public:home", "public:ranking", "public:unit"} <= set(reached)


def _switch_languages(page, name: str, path: str) -> None:
    """From the Vietnamese page at `path`, to English and back: the same page each time."""
    assert page.url.endswith(path), (name, page.url)
    # The site frame has its switcher in the header, an embedded chart (no frame) in its footer.
    with page.expect_navigation():
        page.locator('nav.languages a[hreflang="en"]').click()

    assert page.url.endswith("/en/" + path.removeprefix("/vi/")), (name, page.url)
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.locator('nav.languages a[hreflang="vi"]').click()
    assert page.url.endswith(path), (name, page.url)
    assert page.locator("html").get_attribute("lang") == "vi"


def test_the_language_switch_keeps_a_sorted_filtered_ranking(page):
    open_page(page, "/vi/rankings/2019/province/?sort=index&order=asc&group=B")
    ranks_vi = _ranks(page)

    with page.expect_navigation():
        page.locator("header.site").get_by_role("link", name="English").click()

    assert page.url.endswith("/en/rankings/2019/province/?sort=index&order=asc&group=B")
    assert _ranks(page) == ranks_vi
    assert "2019" in page.locator("h1").inner_text()


def test_the_year_switch_opens_the_same_ranking_of_another_year(page):
    open_page(page, "/en/rankings/2019/province/")
    assert page.locator("nav.years [aria-current=page]").inner_text() == "2019"

    with page.expect_navigation():
        page.locator("nav.years").get_by_role("link", name="2018").click()

    assert page.url.endswith("/en/rankings/2018/province/")
    assert page.locator("nav.years [aria-current=page]").inner_text() == "2018"
    assert re.search(r"\b2018\b", page.locator("h1").inner_text())
    assert page.locator("table.ranking tbody tr").count() == 63


def test_the_year_switch_of_a_unit_profile_shows_that_year(page):
    open_page(page, "/en/units/ha-noi/")
    # It opens on the newest edition the unit has a result in (the demo's 2025), the history
    # table's first row.
    years = page.locator("table.unit-history tbody th").all_inner_texts()
    assert years[0] == str(max(int(year) for year in years)) == "2025"
    assert page.locator("nav.years [aria-current=page]").inner_text() == "2025"

    with page.expect_navigation():
        page.locator("nav.years").get_by_role("link", name="2018").click()

    assert page.url.endswith("/en/units/ha-noi/?year=2018")
    assert page.locator("nav.years [aria-current=page]").inner_text() == "2018"
    assert "2018" in page.locator("#edition-heading").inner_text()


def _ranks(page) -> list[str]:
    """The rank column as digits, a tie marked with '='."""
    cells = page.locator("table.ranking tbody tr td:first-child").all_inner_texts()
    return [re.match(r"\d+=?", cell).group() for cell in cells]

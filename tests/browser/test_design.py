"""The design rules of issue 15, checked as a person would meet them in Chromium on the demo data:
every page family has the site's navigation, passes axe-core's WCAG 2.2 AA rules (target size
included) at 360 px, writes Vietnamese decimals on /vi/, draws chart text of at least 10 px on a
phone; the map fits 1,100 px and the 63-row ranking 6,000 px at 1280 px."""

import re
from dataclasses import dataclass

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    open_page,
    serious_violations,
)

pytestmark = pytest.mark.browser

# A decimal point between digits, as "94.50": on /vi/ the comma separates decimals and the point
# only groups thousands (three digits follow it, as "28.085").
DECIMAL_POINT = re.compile(r"\d\.(\d{1,2}|\d{4,})(?!\d)")


# Every test here opens its address first and adds nothing to its page (conftest's Tabs).
SHARED_PAGES = True


@pytest.fixture
def phone_plain(tabs):
    """A 360 px page without JavaScript: the menu must open all the same."""
    return tabs(PHONE, javascript=False)


@dataclass
class Family:
    """What the tests below read on the page of a family the crawl found, at 1280 px."""

    path: str
    sections: int
    corrections_links: int
    numbers: list[str]


@pytest.fixture(scope="module")
def families(tabs, crawl):
    """Each page family read once for the tests that look at all of them, inside the first test
    that asks (under its settings)."""
    found: dict[str, Family] = {}

    def read() -> dict[str, Family]:
        page = tabs(DESKTOP)
        for name, path in sorted(crawl.pages.items()):
            if name not in found:
                open_page(page, path)
                found[name] = Family(
                    path,
                    sections=page.locator("header.site nav.sections a").count(),
                    corrections_links=page.locator(
                        'footer.site a[href="/vi/corrections/"]'
                    ).count(),
                    numbers=page.locator("main table td.num").all_inner_texts(),
                )
        return found

    return read


@pytest.fixture(scope="module")
def phone_violations(tabs):
    """axe-core's serious violations of a page at 360 px, found once for the tests that ask."""
    found: dict[str, list[str]] = {}

    def violations(path: str) -> list[str]:
        if path not in found:
            open_page(tabs(PHONE), path)
            found[path] = serious_violations(tabs(PHONE))
        return found[path]

    return violations


# An embedded chart is shown inside another site's page: it has no frame of the portal's own.
FRAMELESS = {"public:embed"}


def test_every_page_family_has_the_sites_navigation_with_its_sections(families):
    for name, family in sorted(families().items()):
        if name in FRAMELESS:
            continue

        assert family.sections >= 5, (name, family.path)
        assert family.corrections_links == 1, name


def test_the_current_section_is_marked(page):
    open_page(page, "/vi/map/2019/")

    current = page.locator('nav.sections a[aria-current="page"]')
    assert current.count() == 1
    # The section opens on the latest year, whichever year of it is shown.
    assert re.fullmatch(r"/vi/map/20\d\d/", current.get_attribute("href"))


def test_on_a_phone_the_menu_opens_without_javascript(phone_plain):
    open_page(phone_plain, "/en/units/ha-noi/")
    link = phone_plain.locator("nav.sections").get_by_role("link", name="Map")
    assert not link.is_visible()

    phone_plain.locator("details.menu > summary").click()

    assert link.is_visible()
    box = link.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24


def test_on_a_wide_screen_the_sections_show_without_the_menu_button(page):
    open_page(page, "/en/")

    assert not page.locator("details.menu > summary").is_visible()
    assert page.locator("nav.sections").get_by_role("link", name="Map").is_visible()


# Their screenshots at 360 px are test_accessibility's, of every page type in both languages.
def test_no_page_family_has_a_serious_accessibility_violation_on_a_phone(phone_violations, crawl):
    found = {}
    for name, path in sorted(crawl.pages.items()):
        if violations := phone_violations(path):
            found[name] = violations

    assert found == {}


# The pages a reader of the issue named, each as a person reaches it: a comparison with units
# chosen, a profile with a tied rank and a long history.
NAMED_PAGES = [
    "/vi/",
    "/vi/rankings/2019/province/",
    "/vi/units/ha-noi/",
    "/vi/map/2019/",
    "/vi/compare/province/?year=2019&units=01&units=79&units=31",
    "/vi/sipas/2019/",
    "/vi/data/",
    "/vi/methodology/2019/province/",
]


def test_the_named_pages_have_no_serious_accessibility_violation_on_a_phone(phone_violations):
    found = {}
    for path in NAMED_PAGES:
        if violations := phone_violations(path):
            found[path] = violations

    assert found == {}


# "94.50", "84.425": a decimal point as English writes it. Thousands ("28.085") have three digits
# after the point and are right on /vi/.
ENGLISH_DECIMAL = re.compile(r"\d\.\d\d\b")


@pytest.mark.parametrize(
    "path",
    [
        "/vi/rankings/2019/province/",
        "/vi/units/ha-noi/",
        "/vi/compare/province/?year=2019&units=01&units=79",
        "/vi/corrections/",
        "/vi/methodology/2019/province/",
    ],
)
def test_vietnamese_text_writes_no_decimal_point(page, path):
    open_page(page, path)

    wrong = ENGLISH_DECIMAL.findall(page.locator("main").inner_text())

    assert wrong == [], path


def test_vietnamese_tables_write_no_decimal_point(families):
    for name, family in sorted(families().items()):
        wrong = [number for number in family.numbers if DECIMAL_POINT.search(number)]

        assert wrong == [], (name, family.path, wrong[:5])


def test_the_map_of_the_63_provinces_fits_1100_px_with_labels_of_11_px(page):
    open_page(page, "/vi/map/2019/")

    box = page.locator(".tile-map").bounding_box()
    sizes = page.eval_on_selector_all(
        ".tile-name", "names => names.map(n => parseFloat(getComputedStyle(n).fontSize))"
    )
    assert box["height"] <= 1100
    assert len(sizes) == 63 and min(sizes) >= 11
    clipped = page.eval_on_selector_all(
        ".tile-name", "names => names.filter(n => n.scrollWidth > n.clientWidth).length"
    )
    assert clipped == 0


def test_the_ranking_of_63_provinces_fits_6000_px(page):
    open_page(page, "/vi/rankings/2019/province/")

    assert page.evaluate("document.documentElement.scrollHeight") <= 6000


# The text of every chart of a page as drawn: the SVG's font sizes in its own units, scaled by
# the width the image is shown at over the SVG's viewBox width.
CHART_TEXT = """async () => {
    const sizes = [];
    for (const img of document.querySelectorAll('main img[src*=".svg"]')) {
        img.scrollIntoView();
        const svg = new DOMParser().parseFromString(
            await (await fetch(img.src)).text(), 'image/svg+xml').documentElement;
        const scale = img.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        for (const text of svg.querySelectorAll('[font-size]')) {
            const size = parseFloat(text.getAttribute('font-size'));
            sizes.push([img.getAttribute('src'), size * scale]);
        }
    }
    return sizes;
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/vi/",
        "/vi/rankings/2019/province/",
        "/vi/units/ha-noi/",
        "/vi/regions/2019/",
        "/vi/criteria/2019/province/1/",
        "/vi/sipas/2019/",
        "/vi/sipas/2019/provinces/",
    ],
)
def test_chart_text_is_drawn_at_10_px_or_more_on_a_phone(phone, path):
    open_page(phone, path)
    for toggle in phone.locator("details.chart-toggle > summary").all():
        toggle.click()

    sizes = phone.evaluate(CHART_TEXT)

    assert sizes, path
    small = [(src, round(size, 1)) for src, size in sizes if size < 10]
    assert small == [], path
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_a_wide_page_keeps_charts_at_their_drawn_size(page):
    open_page(page, "/vi/units/ha-noi/")

    widths = page.eval_on_selector_all("figure.chart img", "imgs => imgs.map(i => i.width)")
    assert widths and all(width == 744 for width in widths)
    assert page.viewport_size["width"] == DESKTOP


def test_the_unit_profile_shows_its_standing_and_folds_its_tree(page):
    open_page(page, "/en/units/ha-noi/?year=2019")

    # Among the 63 provinces of 2019 the position is a share; the tree opens one field at a time.
    assert page.locator("dl.unit-summary dt", has_text="Position").count() == 1
    assert page.locator("section.alike li a").count() >= 2
    folds = page.locator("details.tree-field")
    assert folds.count() == 8
    assert page.locator("details.tree-field[open]").count() == 1
    # The history chart comes right after its table, in the same section.
    assert page.locator("section[aria-labelledby=history-heading] figure.chart img").count() == 1


def test_on_a_phone_no_table_wraps_a_word_per_line(phone):
    open_page(phone, "/vi/units/ha-noi/")

    # A row's name in a scroll box is at least 9rem wide, whatever the screen.
    widths = phone.eval_on_selector_all(
        ".table-wrap table.unit-fields tbody th[scope=row]",
        "cells => cells.map(c => c.getBoundingClientRect().width)",
    )
    assert widths and min(widths) >= 144
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE

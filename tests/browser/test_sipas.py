"""The SIPAS pages in Chromium: a year of all 63 provinces imported through the real import path,
the national page, the ranking with its chart, and a province's SIPAS section, in both languages,
axe-core clean, without JavaScript, and with nothing sticking out sideways at 360 px."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction

from provinces.models import Unit
from scoring.models import DataVersion
from surveys.models import SipasRespondent, SipasResult
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    open_page,
    screenshot,
    serious_violations,
    sideways_overflow,
)
from tests.conftest import imported
from tests.sipas_files import sipas_csv

pytestmark = pytest.mark.browser

# Every test here opens its address first and adds nothing to its page (conftest's Tabs).
SHARED_PAGES = True

YEAR = 2023
PAGES = [
    f"/{language}/sipas/{page}" for language in ("vi", "en") for page in ("", "2023/provinces/")
]
LEVELS = ("province", "district", "commune")
SECTORS = ("đất đai", "tư pháp", "xây dựng", "")


def in_thread(blocker, work, *args):
    """Database work from a test: in a thread of its own, since Django refuses it in the thread
    where Playwright's event loop runs."""

    def run():
        try:
            return work(*args)
        finally:
            connections.close_all()

    with blocker.unblock(), ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def loaded(image) -> bool:
    """The image drew: brought into view first, since a lazy image below the fold is not
    fetched, then waited for, since its load event may come after the page's."""
    image.scroll_into_view_if_needed()
    return image.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")


def _survey() -> None:
    """40 respondents in each of the 63 provinces of 2023, each province satisfied a little
    more often than the one before (by code), with some aspects left unanswered."""
    codes = sorted(
        Unit.objects.of_year(YEAR).filter(level="province").values_list("code", flat=True)
    )
    lines = []
    for place, code in enumerate(codes):
        for n in range(40):
            answers = [
                "" if (n + aspect) % 11 == 0 else str(5 if (n * 7 + aspect) % 63 < place else 2)
                for aspect in range(5)
            ]
            level, sector = LEVELS[n % 3], SECTORS[n % 4]
            lines.append(f"{YEAR},{code},B{n:03d},{level},{sector}," + ",".join(answers))
    imported("sipas", sipas_csv(*lines))


def _remove() -> None:
    with transaction.atomic():
        SipasRespondent.objects.filter(year=YEAR).delete()
        SipasResult.objects.filter(year=YEAR).delete()
        DataVersion.bump()


@pytest.fixture(scope="module")
def surveyed(site, django_db_blocker):
    in_thread(django_db_blocker, _survey)
    yield
    in_thread(django_db_blocker, _remove)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_each_sipas_page_is_accessible_and_fits_a_phone(tabs, surveyed, path, width):
    page = tabs(width)
    open_page(page, path)
    screenshot(page, f"sipas{path}")

    assert serious_violations(page) == []
    assert sideways_overflow(page) == []


def test_the_ranking_chart_loads_with_a_whisker_for_every_province(plain_page, surveyed):
    page = plain_page
    open_page(page, "/en/sipas/2023/provinces/")

    chart = page.locator("figure.chart img")
    assert loaded(chart)
    svg = page.request.get(chart.get_attribute("src"))
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.text().count("<title") == 1
    assert page.locator("table.sipas-ranking tbody tr").count() == 63
    # The rule in a sentence beside the table, and the table reachable from the chart.
    assert "Two provinces are told apart only when" in page.locator("#told-apart").inner_text()
    page.get_by_role("link", name="The numbers of this chart as a table").click()
    assert page.url.endswith("#sipas-ranking")


def test_the_year_picker_and_the_downloads_work_without_javascript(plain_page, surveyed):
    page = plain_page
    open_page(page, "/vi/sipas/?year=2023")

    assert page.url.endswith("/vi/sipas/2023/")
    assert page.locator("nav.years [aria-current=page]").inner_text() == "2023"
    with page.expect_download() as download:
        page.locator("a[href$='results.csv']").first.click()
    assert download.value.suggested_filename == "sipas-2023.csv"


def test_the_national_page_shows_the_aspects_chart_and_the_breakdowns(page, surveyed):
    open_page(page, "/en/sipas/2023/")

    assert loaded(page.locator("figure.chart img"))
    assert page.locator("table.sipas-aspects tbody tr").count() == 5
    assert page.locator("#levels-heading").inner_text() == "By level of government"
    assert page.locator("table.sipas-breakdown").nth(1).locator("tbody tr").count() == 3

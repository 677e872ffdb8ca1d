"""The unit profile printed by the browser (Chromium's print to PDF, A4, print media): one page per
edition in both languages, with the edition, index, rank and the page's address on it."""

import io
import re

import pytest

from tests.browser.conftest import LANGUAGES, open_page

pytestmark = pytest.mark.browser


def _printed(page) -> tuple[int, str]:
    """The page printed to A4 as Chromium does it: its page count and its text on one line."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    # Lazy images load when they near the viewport: bring each in before printing.
    page.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return len(reader.pages), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_edition_of_a_profile_prints_on_one_a4_page(page, site, language):
    open_page(page, f"/{language}/units/ha-noi/")
    years = page.locator("table.unit-history tbody th").all_inner_texts()
    assert len(years) >= 2

    for year in years:
        open_page(page, f"/{language}/units/ha-noi/?year={year}")
        heading = page.locator("#edition-heading").inner_text()
        index = page.locator("dl.unit-summary div").nth(0).locator("dd").inner_text()
        rank = page.locator("dl.unit-summary div").nth(1).locator("dd").inner_text()

        pages, text = _printed(page)

        assert pages == 1, (year, language)
        assert heading in text
        assert re.search(rf"\b{re.escape(index)}\b", text), (index, text)
        assert rank in text
        assert site(f"/{language}/units/ha-noi/?year={year}") in text
        # The chart is in the printout: its axis is text in the SVG.
        assert ("Component index" if language == "en" else "Chỉ số thành phần") in text


def test_the_printout_leaves_out_navigation_and_the_criteria_tree(page, site):
    open_page(page, "/en/units/ha-noi/")

    _pages, text = _printed(page)

    assert "Skip to content" not in text
    assert "Criteria and points" not in text
    assert "Results by year" not in text
    assert "Embed this chart" not in text

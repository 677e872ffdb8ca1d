"""Under the site's Content Security Policy (no inline style or script), Chromium refuses nothing
on one page of each public kind and on the staff login: what it refuses it reports on the console
("Applying inline style violates the following Content Security Policy directive …", "Refused to
execute inline script …"), and the page would show without it."""

import pytest

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser

# Every test here opens its address first; its listeners go with it (heard, conftest's Tabs).
SHARED_PAGES = True

PAGES = {
    "home": "/vi/",
    "ranking": "/vi/rankings/2019/province/",
    "unit profile": "/vi/units/ha-noi/?year=2019",
    "map": "/vi/map/2019/",
    "regions": "/vi/regions/2019/",
    "criterion": "/vi/criteria/2019/province/1/",
    "compare": "/vi/compare/province/?year=2019&units=01&units=48",
    "methodology": "/en/methodology/2019/province/",
    "data": "/en/data/",
    "embed": "/vi/embed/ranking/2019/province/",
    "SIPAS national": "/vi/sipas/2019/",
    "staff login": "/vi/staff/login/",
}


# Two frames: a lazy image in view is asked for in the first frame after `load`.
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_the_browser_refuses_nothing_on_the_page(page, heard, path):
    open_page(page, path)
    # Everything the page asked for, the lazy images in view included, has come (or failed),
    # so any refusal has been reported: no wait for networkidle's half second of silence.
    page.evaluate(TWO_FRAMES)
    for request in list(heard.requests):
        if response := request.response():
            response.finished()

    refused = [text for text in heard.console + heard.errors if "Content Security Policy" in text]
    assert refused == [], path


def test_an_inline_style_is_refused_and_reported_where_the_test_above_listens(page):
    """The test above can fail: a style attribute added to the map's markup is refused, and the
    refusal comes to the console."""
    open_page(page, "/vi/map/2019/")

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refusal:
        # Parsed as markup, as a style attribute in the page's HTML would be.
        page.evaluate(
            """() => document.querySelector('.tile-map')
                .insertAdjacentHTML('beforeend', '<li style="grid-row: 1">x</li>')"""
        )

    assert "style-src" in refusal.value.text

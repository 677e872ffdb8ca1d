"""A chart opened on its own ("open image in new tab", a link to its .svg) is a document under the
Content Security Policy that came with it. Chromium draws it as it is drawn inside an <img>: it
refuses nothing, and the figure's white background stays white, where matplotlib's own style
attributes, refused, left a black box."""

import pytest

from tests.browser.conftest import open_page
from tests.test_charts import CHARTS

pytestmark = pytest.mark.browser

# Every test here opens its address first; what it adds to its page goes with it (heard, the
# route below; conftest's Tabs).
SHARED_PAGES = True

WHITE = "rgb(255, 255, 255)"
BACKGROUND = "() => getComputedStyle(document.querySelector('#patch_1 path')).fill"


@pytest.mark.parametrize("path", CHARTS.values(), ids=CHARTS.keys())
def test_a_chart_opened_on_its_own_draws_with_nothing_refused(page, heard, path):
    response = open_page(page, path)

    assert response.headers["content-type"] == "image/svg+xml"
    assert "style-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("() => document.documentElement.localName") == "svg"
    assert [text for text in heard.console if "Content Security Policy" in text] == []
    assert page.evaluate(BACKGROUND) == WHITE


def test_a_style_attribute_in_a_chart_is_refused_and_heard(page, site):
    """The test above can fail: the ranking chart served with its headers, policy included, and
    one of matplotlib's style attributes put back is refused on the console, and its background
    goes black."""
    path = CHARTS["public:chart_ranking"]
    served = page.request.get(site(path))
    svg = served.text().replace('fill="#ffffff"', 'style="fill: #ffffff"', 1)
    page.route(site(path), lambda route: route.fulfill(body=svg, headers=served.headers))
    try:
        with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refusal:
            open_page(page, path)

        assert "style-src" in refusal.value.text
        assert page.evaluate(BACKGROUND) == "rgb(0, 0, 0)"
    finally:
        # The module's pages are shared: the next test gets the chart as served.
        page.unroute(site(path))

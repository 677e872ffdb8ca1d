"""An embed address opened inside an <iframe> of another page, as a newspaper's article would:
the chart's title and image load in the frame."""

import pytest

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser

# Every test here opens its address first and adds nothing to its page (conftest's Tabs).
SHARED_PAGES = True


def _article(src: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><title>An article</title></head><body>"
        f"<h1>An article</h1><iframe src='{src}' title='PAR Index chart' width='800' height='600'>"
        "</iframe></body></html>"
    )


@pytest.mark.parametrize(
    "chart",
    ["unit/ha-noi/fields/2019/province", "ranking/2019/province", "unit/ha-noi/history"],
)
def test_an_embed_loads_inside_another_page_s_iframe(page, site, chart):
    page.set_content(_article(site(f"/vi/embed/{chart}/")), wait_until="load")
    frame = page.frame_locator("iframe")

    title = frame.locator("h1").inner_text()
    assert title
    image = frame.locator("main img")
    image.wait_for()
    loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded, chart
    assert frame.locator("a[target=_top]").count() == 1


def test_the_snippet_copied_from_the_unit_page_works_in_another_page(page, site):
    open_page(page, "/en/units/ha-noi/?year=2019")
    snippet = page.locator("textarea.embed-code").first.input_value()
    title = page.locator("figure.chart figcaption strong").first.inner_text()

    page.set_content(f"<!DOCTYPE html><html lang='en'><body>{snippet}</body></html>")
    frame = page.frame_locator("iframe")

    assert frame.locator("h1").inner_text().startswith("Ha Noi")
    assert title  # the iframe's own title comes from the chart's caption
    assert page.locator("iframe").get_attribute("title") == title
    frame.locator("main img").wait_for()
    assert frame.locator("main img").evaluate("img => img.complete && img.naturalWidth > 0")

"""Every page type in both languages: no serious or critical WCAG 2.2 AA violation found by
axe-core, nothing wider than a 360 px phone outside the scrollable tables, and a screenshot at
1280 and 360 px under test-output/screenshots/ for a person to look at."""

import pytest

from tests.browser.conftest import (
    DESKTOP,
    LANGUAGES,
    PHONE,
    open_page,
    screenshot,
    serious_violations,
    sideways_overflow,
)

pytestmark = pytest.mark.browser

# One address of each page type of the demo data, after the language prefix. Page types added
# later are found by the crawl and checked by the last test until they are listed here.
PAGES = {
    "public:home": "",
    "public:ranking": "rankings/2019/province/",
    "public:unit": "units/ha-noi/",
    "public:regions": "regions/2019/",
    "public:criterion": "criteria/2019/province/1/",
    "public:compare": "compare/province/?units=01&units=31&units=79",
    "public:methodology": "methodology/2019/province/",
    "public:map": "map/2019/",
    "public:data": "data/",
    "public:codebook": "data/codebook/",
    "public:search": "search/?q=tai+chinh",
}


def _check(tabs, name: str, path: str) -> list[str]:
    """Open the page at both widths; what is wrong with it, as readable lines."""
    problems = []
    short = name.removeprefix("public:")
    for width in (DESKTOP, PHONE):
        page = tabs(width)
        open_page(page, path)
        screenshot(page, f"{short}-{path[1:3]}")
        if width == DESKTOP:
            problems += [f"{path}: axe {line}" for line in serious_violations(page)]
        else:
            problems += [f"{path}: wider than 360 px: {e}" for e in sideways_overflow(page)]
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_a_page_type_passes_axe_and_fits_a_phone(tabs, name, language):
    assert _check(tabs, name, f"/{language}/{PAGES[name]}") == []


def test_page_types_found_from_home_and_not_listed_above_pass_too(tabs, crawl):
    assert {"public:home", "public:ranking", "public:unit"} <= set(crawl.pages)
    problems = []
    for name, path in sorted(crawl.pages.items()):
        if name not in PAGES:
            for language in LANGUAGES:
                problems += _check(tabs, name, f"/{language}/" + path.removeprefix("/vi/"))

    assert problems == []

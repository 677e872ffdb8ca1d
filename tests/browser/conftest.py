"""Browser tests: Debian's Chromium, driven by Playwright, reads the portal as a person would.

The demo data (seed_demo, about 20 s) is loaded once for the whole package and served by
pytest-django's live server. pytest-django would make every live-server test transactional, and
the flush after each test would throw that data away, so the helper below is replaced for this
package: the data is committed once by `site`, the server thread reads it, and when the package is
done `site` flushes the database and puts back the reference data the migrations wrote, as a
transactional test with serialized_rollback does.

Pages are opened at 1280 px (desktop) and 360 px (the narrowest phone we support); screenshots go
to test-output/screenshots/, which git ignores. axe-core comes from node_modules (`make test`
installs it with `npm ci`) and is injected into the page under test.
"""

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test.utils import modify_settings
from django.urls import Resolver404, resolve
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Flags for a machine with no network but the package registries: no background connections,
# no component updates, no QUIC; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP, PHONE = 1280, 360
LANGUAGES = ("vi", "en")
# WCAG 2.2 AA, as the quality bar asks.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The crawl that finds one page of each type stops after this many pages. Two pages of a type
# find every type the demo links to (one does too, today): a second one is the margin for a link
# that only some pages of a type have.
CRAWL_LIMIT = 300
VISITS_PER_TYPE = 2


@pytest.fixture(autouse=True)
def _live_server_helper():
    """Replaces pytest-django's helper of the same name for this package (see the docstring)."""
    yield


@dataclass
class Site:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(autouse=True)
def enforced_policy(settings):
    """The live server answers plain http://, where the policy is only reported by default
    (parindex/middleware.py): enforced here, as on https://, so a page that needs inline code
    fails its browser test."""
    settings.CSP_ENFORCE_ON_HTTP = True


@pytest.fixture(scope="package")
def site(django_db_setup, live_server, django_db_blocker):
    """The live server with the demo editions published, for every test of the package."""
    # Unblocked for the package: the server thread opens its own connection on PostgreSQL.
    with (
        django_db_blocker.unblock(),
        modify_settings(ALLOWED_HOSTS={"append": urlsplit(live_server.url).hostname}),
    ):
        reference = connection.creation.serialize_db_to_string()
        call_command("seed_demo", stdout=io.StringIO())
        yield Site(live_server.url)
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(reference)
        # flush restarted every sequence at 1, and the reference data came back with its own
        # ids: the next row a test adds would take an id already in use.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(scope="package")
def browser(site):
    """One Chromium for the package. It closes before `site` cleans up: Django refuses database
    work in a thread where Playwright's event loop is running."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, site, width: int, javascript: bool = True):
    return browser.new_context(
        base_url=site.url,
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        accept_downloads=True,
    )


class Tabs:
    """One page per width, with JavaScript or without, kept for a module whose tests each open an
    address first and leave no listener, route or emulated media on their page: it goes from
    address to address, where a new page for each test took about as long as loading the address
    (a renderer process started for each). Such a module says SHARED_PAGES = True, and the
    fixtures below give its tests these pages, without cookies."""

    def __init__(self, browser, site):
        self.browser, self.site = browser, site
        self.contexts = {}

    def __call__(self, width: int = DESKTOP, javascript: bool = True):
        if (width, javascript) not in self.contexts:
            context = new_context(self.browser, self.site, width, javascript)
            context.new_page()
            self.contexts[width, javascript] = context
        return self.contexts[width, javascript].pages[0]

    def close(self):
        for context in self.contexts.values():
            context.close()


@pytest.fixture(scope="module")
def tabs(browser, site):
    tabs = Tabs(browser, site)
    yield tabs
    tabs.close()


def _page(request, browser, site, width: int, javascript: bool = True):
    # browser and site are named by each fixture below, not looked up here: tests/conftest.py
    # keeps a module on one worker by the package fixtures its tests name.
    if getattr(request.module, "SHARED_PAGES", False):
        tab = request.getfixturevalue("tabs")(width, javascript)
        # As in a new context: no cookie from the test before (the staff login sets one).
        tab.context.clear_cookies()
        yield tab
        return
    context = new_context(browser, site, width, javascript)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(request, browser, site):
    """A desktop page with JavaScript."""
    yield from _page(request, browser, site, DESKTOP)


@pytest.fixture
def phone(request, browser, site):
    """A 360 px wide page with JavaScript."""
    yield from _page(request, browser, site, PHONE)


@pytest.fixture
def plain_page(request, browser, site):
    """A desktop page with JavaScript off: links and forms must do everything."""
    yield from _page(request, browser, site, DESKTOP, javascript=False)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def any_page(request, browser, site):
    """A desktop page, once with JavaScript and once without."""
    yield from _page(request, browser, site, DESKTOP, javascript=request.param)


@dataclass
class Heard:
    console: list[str]
    errors: list[str]
    requests: list


@pytest.fixture
def heard(page):
    """What the page says on its console, its uncaught errors and the requests it makes during
    the test. The listeners go with the test, so a module's shared page (Tabs) can carry them."""
    heard = Heard([], [], [])
    listeners = {
        "console": lambda message: heard.console.append(message.text),
        "pageerror": lambda error: heard.errors.append(str(error)),
        "request": lambda request: heard.requests.append(request),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    yield heard
    for event, listener in listeners.items():
        page.remove_listener(event, listener)


def open_page(page, path: str):
    """Go to a path of the site and insist that it answered 200."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    return response


def screenshot(page, name: str) -> Path:
    """Save the whole page as test-output/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 AA violations, as 'rule: target, target'."""
    assert AXE.exists(), f"{AXE} is missing: `make test` installs axe-core with `npm ci`"
    # Evaluated through the DevTools protocol rather than added as a <script>: the site's Content
    # Security Policy refuses inline scripts, and the pages are tested under it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    # resultTypes: only the violations are described node by node (a unique selector for every
    # node of every rule passed or not applicable took a good part of each run, unread).
    violations = page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): '
                 + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))""",
        AXE_TAGS,
    )
    return violations


def sideways_overflow(page) -> list[str]:
    """What sticks out to the right of the viewport, outside the scrollable .table-wrap boxes."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll('body *')]
                // Inside a .table-wrap only what escapes its scrolling: absolute boxes do
                // when the wrap is not their containing block.
                .filter(e => (!e.parentElement.closest('.table-wrap')
                              || ['absolute', 'fixed'].includes(getComputedStyle(e).position))
                             && e.getBoundingClientRect().right > width)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                          + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                          + ' right=' + Math.round(e.getBoundingClientRect().right))
                .slice(0, 10)
                .concat(['scrollWidth=' + document.documentElement.scrollWidth]);
        }"""
    )


def path_of(url: str) -> str:
    """The path and query of a URL, as the site's links write them."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_type(path: str) -> str | None:
    """The URL name of a public page ('public:ranking'), or None for any other address."""
    parts = urlsplit(path).path.split("/")
    language = parts[1] if len(parts) > 1 else ""
    if language not in LANGUAGES:
        return None
    with translation.override(language):
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            return None
    return match.view_name if match.namespace == "public" else None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href")
        if tag in ("img", "object") and (source := attrs.get("src") or attrs.get("data")):
            self.sources.append(source)
        # A form's target (the search) and a page's share image are reached without a link.
        if tag == "form" and (action := attrs.get("action")):
            self.sources.append(action)
        if tag == "meta" and attrs.get("property") == "og:image" and attrs.get("content"):
            self.sources.append(attrs["content"])
        # Links to a place in a page (skip links, "the numbers as a table") lead nowhere new.
        if tag == "a" and href and "#" not in href and not href.startswith("mailto:"):
            self.hrefs.append(href)


@dataclass
class Crawl:
    """What following links from the home page finds: one path of each public page type, the
    public addresses that serve files or images instead of pages, and for each page visited the
    page and the href that lead to it."""

    pages: dict[str, str]
    files: dict[str, str]
    came_from: dict[str, tuple[str, str]]

    def route(self, path: str) -> list[tuple[str, str]]:
        """The (page, href) clicks from the home page to `path`."""
        hops = []
        while path in self.came_from:
            parent, href = self.came_from[path]
            hops.append((parent, href))
            path = parent
        return hops[::-1]


@pytest.fixture(scope="package")
def crawl(site) -> Crawl:
    """Follow the links of the Vietnamese pages from the home page, over HTTP (quick); a few
    pages of each type are read, which is enough to find the types they link to."""
    pages: dict[str, str] = {}
    files: dict[str, str] = {}
    came_from: dict[str, tuple[str, str]] = {}
    visits: dict[str, int] = {}
    answered_a_file: set[str] = set()
    queue, seen = ["/vi/"], set()
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)
        name = page_type(path)
        if path in seen or name is None or visits.get(name, 0) >= VISITS_PER_TYPE:
            continue
        # A file has no links to follow: once an address of its type answered with one, the
        # others would only be drawn again (three unit PDFs took most of the crawl's time).
        if name in answered_a_file:
            continue
        if not path.startswith("/vi/"):  # the English pages mirror these
            continue
        seen.add(path)
        # Files count as visits too: a PDF or workbook per unit would pass the per-address limit
        # of documents drawn a minute (RENDER_LIMIT_PER_MINUTE) and be refused with a 429.
        visits[name] = visits.get(name, 0) + 1
        with urlopen(site(path), timeout=30) as response:  # noqa: S310 - our own live server
            if "text/html" not in response.headers.get("Content-Type", ""):
                files.setdefault(name, path)
                answered_a_file.add(name)
                continue
            html = response.read().decode("utf-8")
        pages.setdefault(name, path)
        parser = _Links()
        parser.feed(html)
        for source in parser.sources:
            if name := page_type(path_of(urljoin(site(path), source))):
                files.setdefault(name, path_of(urljoin(site(path), source)))
        for href in parser.hrefs:
            url = urlsplit(urljoin(site(path), href))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc == urlsplit(site.url).netloc and target not in came_from:
                came_from.setdefault(target, (path, href))
                queue.append(target)
    came_from.pop("/vi/", None)
    return Crawl(pages, files, came_from)

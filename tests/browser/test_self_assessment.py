"""A unit officer's self-assessment in Chromium: points with an evidence address and a file, totals
that follow the typing (with JavaScript) or the "Recalculate totals" button (without), a draft
saved, the whole submitted; axe-core finds nothing serious and nothing sticks out at 360 px.

An edition of 2031 with the shared small tree is opened for self-assessment beside the demo data
(it is never published, so no public page shows it); each test signs in its own unit's officer by
putting a session cookie into the browser. The demo's own 2026 edition is open for self-assessment
too, on the same provinces, so each page is asked for the 2031 edition by its address.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from playwright.sync_api import expect

from scoring.imports import import_file
from scoring.lifecycle import open_self_assessment
from scoring.models import Edition, Score
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    screenshot,
    serious_violations,
    sideways_overflow,
)
from tests.conftest import PROVINCE_TREE
from tests.staff_fixtures import staff_user

pytestmark = pytest.mark.browser

YEAR = 2031
PAGE = "/vi/staff/self-assessment/"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def database(django_db_blocker, work):
    """Runs database work in a thread of its own: Django refuses it in the thread where
    Playwright's event loop runs."""

    def run():
        with django_db_blocker.unblock():
            try:
                return work()
            finally:
                connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture(scope="module")
def edition(site, django_db_blocker):
    def make():
        tree = PROVINCE_TREE.replace("2019,", f"{YEAR},").encode()
        assert import_file("methodology", tree, "tree.csv").ok
        return open_self_assessment(Edition.objects.get(year=YEAR, level="province"), user=None)

    return database(django_db_blocker, make)


@pytest.fixture(autouse=True)
def evidence_root(tmp_path):
    # The live server runs in this process: it reads the setting at each use.
    previous, settings.EVIDENCE_ROOT = settings.EVIDENCE_ROOT, tmp_path
    yield tmp_path
    settings.EVIDENCE_ROOT = previous


def sign_in(page, site, django_db_blocker, edition, index: int):
    """Signs the page in as the officer of the edition's index-th unit; returns the leaves."""

    def make():
        participant = edition.participants.select_related("unit").order_by("unit__code")[index]
        client = Client()
        client.force_login(staff_user("unit_officer", unit=participant.unit))
        leaves = {c.code: c.pk for c in edition.criteria.all()}
        return participant, leaves, client.session.session_key

    participant, leaves, key = database(django_db_blocker, make)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": site.url}]
    )
    return participant, leaves


def test_an_officer_enters_evidence_sees_totals_follow_saves_and_submits(
    page, site, django_db_blocker, edition
):
    participant, leaves = sign_in(page, site, django_db_blocker, edition, 0)
    page.goto(f"{PAGE}?edition={edition.pk}")

    page.fill(f"#points-{leaves['1.1']}", "7,5")
    page.fill(f"#url-{leaves['1.1']}", "https://example.gov.vn/bao-cao.pdf")
    page.set_input_files(
        f"#file-{leaves['1.1']}",
        {"name": "Báo cáo.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.fill(f"#points-{leaves['2.1']}", "4")
    expect(page.locator("#total-points")).to_have_text("11,50")
    expect(page.locator('td[data-subtotal="2"]')).to_have_text("4,00")
    screenshot(page, "staff-self-assessment")

    page.click("button[value=save]")
    page.wait_for_url(f"**{PAGE}?edition={edition.pk}")
    page.fill(f"#points-{leaves['2.2']}", "3")
    page.click("button[value=save]")
    page.wait_for_url(f"**{PAGE}?edition={edition.pk}")
    assert page.locator(f"#file-{leaves['1.1']}-list a").inner_text() == "Báo cáo.pdf"

    page.click("#submit-button")
    page.click("input[name=confirm] ~ button")
    page.wait_for_url(f"**{PAGE}?edition={edition.pk}")
    assert page.locator("#submitted").is_visible()
    assert page.locator("input[name^=points-]").count() == 0

    def stored():
        scores = Score.objects.filter(participant=participant).order_by("criterion__code")
        participant.refresh_from_db()
        return (
            [
                (s.criterion.code, str(s.self_points), ",".join(f.content_type for f in s.evidence))
                for s in scores
            ],
            participant.submitted_at is not None,
        )

    assert database(django_db_blocker, stored) == (
        [("1.1", "7.50", "application/pdf"), ("2.1", "4.00", ""), ("2.2", "3.00", "")],
        True,
    )


def test_without_javascript_the_button_recalculates_and_the_draft_saves(
    plain_page, site, django_db_blocker, edition
):
    participant, leaves = sign_in(plain_page, site, django_db_blocker, edition, 1)
    plain_page.goto(f"{PAGE}?edition={edition.pk}")

    evidence = {"name": "Báo cáo.pdf", "mimeType": "application/pdf", "buffer": PDF}
    plain_page.fill(f"#points-{leaves['1.1']}", "6,25")
    plain_page.fill(f"#points-{leaves['2.2']}", "2.5")
    plain_page.set_input_files(f"#file-{leaves['1.1']}", evidence)
    plain_page.click("button[value=recalculate]")
    assert plain_page.locator("#total-points").inner_text() == "8,75"
    assert plain_page.locator(f"#points-{leaves['1.1']}").input_value() == "6,25"
    # Recalculating saves nothing, the file neither: the page says to choose it again.
    assert plain_page.locator(f"#file-{leaves['1.1']}-again").inner_text() == (
        "Chưa giữ lại vì tiêu chí thành phần này chưa được lưu: Báo cáo.pdf. Hãy chọn lại tệp."
    )
    screenshot(plain_page, "staff-self-assessment-file-not-kept")

    plain_page.set_input_files(f"#file-{leaves['1.1']}", evidence)
    plain_page.click("button[value=save]")
    plain_page.wait_for_url(f"**{PAGE}?edition={edition.pk}")
    assert plain_page.locator("#total-points").inner_text() == "8,75"

    def stored():
        scores = Score.objects.filter(participant=participant)
        return sorted(
            (s.criterion.code, str(s.self_points), [f.name for f in s.evidence_files.all()])
            for s in scores
        )

    assert database(django_db_blocker, stored) == [
        ("1.1", "6.25", ["Báo cáo.pdf"]),
        ("2.2", "2.50", []),
    ]


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def audited_page(request, browser, site):
    """A page for axe-core, whose script the site's Content-Security-Policy would block: the
    policy is bypassed for this check only (the other tests run under it)."""
    context = browser.new_context(
        base_url=site.url, viewport={"width": request.param, "height": 900}, bypass_csp=True
    )
    yield context.new_page()
    context.close()


def test_the_screen_and_its_confirmation_pass_axe_and_fit_a_phone(
    audited_page, site, django_db_blocker, edition
):
    width = audited_page.viewport_size["width"]
    sign_in(audited_page, site, django_db_blocker, edition, 2 if width == PHONE else 3)
    audited_page.goto(f"{PAGE}?edition={edition.pk}")

    assert serious_violations(audited_page) == []
    assert sideways_overflow(audited_page) == []
    screenshot(audited_page, "staff-self-assessment-axe")
    audited_page.click("#submit-button")
    assert serious_violations(audited_page) == []
    assert sideways_overflow(audited_page) == []

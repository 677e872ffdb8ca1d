"""Bulk entry in Chromium: a unit officer goes from the self-assessment to its workbook page,
downloads the XLSX, fills it in (openpyxl stands in for the spreadsheet program), uploads it,
reads the preview and confirms; the values are then on the self-assessment screen. axe-core finds
nothing serious on the workbook page and its preview.

An edition of 2032 with the shared small tree is opened for self-assessment beside the demo data,
as tests/browser/test_self_assessment.py does with 2031; pages are asked for it by its address.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client
from openpyxl import load_workbook

from scoring.imports import import_file
from scoring.lifecycle import open_self_assessment
from scoring.models import Edition, Score, ScoreChange
from tests.browser.conftest import open_page, screenshot, serious_violations
from tests.browser.test_self_assessment import database
from tests.conftest import PROVINCE_TREE
from tests.staff_fixtures import staff_user

pytestmark = pytest.mark.browser

YEAR = 2032


@pytest.fixture(scope="module")
def edition(site, django_db_blocker):
    def make():
        tree = PROVINCE_TREE.replace("2019,", f"{YEAR},").encode()
        assert import_file("methodology", tree, "tree.csv").ok
        return open_self_assessment(Edition.objects.get(year=YEAR, level="province"), user=None)

    return database(django_db_blocker, make)


def _signed_in(browser, site, django_db_blocker, edition):
    def make():
        participant = edition.participants.select_related("unit").order_by("unit__code")[0]
        client = Client()
        client.force_login(staff_user("unit_officer", unit=participant.unit))
        return participant, client.session.session_key

    participant, session = database(django_db_blocker, make)
    context = browser.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.url}])
    return context, participant


def test_the_xlsx_round_trip_in_the_browser(browser, site, django_db_blocker, edition, tmp_path):
    context, participant = _signed_in(browser, site, django_db_blocker, edition)
    page = context.new_page()
    open_page(page, f"/en/staff/self-assessment/?edition={edition.pk}")
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Download or upload the self-assessment as a workbook (XLSX)"
        ).click()
    assert serious_violations(page) == []

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the self-assessment (XLSX)").click()
    download = waiting.value
    assert download.suggested_filename == (
        f"self-assessment-{YEAR}-province-{participant.unit.code}.xlsx"
    )
    # openpyxl goes by the name's suffix; the browser keeps a download under a name without one.
    downloaded = tmp_path / download.suggested_filename
    download.save_as(downloaded)
    book = load_workbook(downloaded)
    sheet = book["self_assessment"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[header.index("criterion")].value
        if code == "1.1":
            row[header.index("self_points")].value = 7.5
            row[header.index("note")].value = "Đủ hồ sơ"
        if code == "2.2":
            row[header.index("self_points")].value = 3
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    page.get_by_label("The filled-in workbook", exact=False).set_input_files(filled)
    with page.expect_navigation():
        page.get_by_role("button", name="Check the workbook").click()
    assert "2 sub-criteria would change. Nothing is saved until you confirm." in (
        page.locator("#preview").inner_text()
    )
    assert serious_violations(page) == []
    screenshot(page, "bulk-entry-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and save").click()

    assert "Workbook saved: 2 sub-criteria changed." in page.locator("body").inner_text()

    def stored():
        points = dict(
            Score.objects.filter(participant=participant).values_list(
                "criterion__code", "self_points"
            )
        )
        audit = ScoreChange.objects.filter(
            Q(score__participant=participant), source__startswith="upload filled.xlsx"
        ).count()
        return points, audit

    assert database(django_db_blocker, stored) == (
        {"1.1": Decimal("7.50"), "2.2": Decimal("3.00")},
        3,
    )
    context.close()

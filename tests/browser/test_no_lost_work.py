"""No lost work in Chromium (issue 16, item 2): what an officer types is saved a moment later
(the field's status says when), a reload shows it stored; when the session has expired meanwhile,
the autosave says so, leaving the page warns, and after signing in again the typed value is back
on the page, unsaved; without JavaScript a field's Save saves that field only, and a Save after
the expiry leads to the sign-in page and back to the typed values.

An edition of 2033 with the shared small tree is opened for self-assessment beside the demo data
(never published); each test signs in its own unit's officer, who has a password, by putting a
session cookie into the browser; "the session expires" is its row deleted.
"""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from playwright.sync_api import expect

from scoring.imports import import_file
from scoring.lifecycle import open_self_assessment
from scoring.models import Edition, Score
from tests.browser import test_self_assessment as screen
from tests.browser.test_self_assessment import database
from tests.conftest import PROVINCE_TREE
from tests.staff_fixtures import PASSWORD, staff_user

pytestmark = pytest.mark.browser

YEAR = 2033
PAGE = "/en/staff/self-assessment/"


@pytest.fixture(scope="module")
def edition(site, django_db_blocker):
    def make():
        tree = PROVINCE_TREE.replace("2019,", f"{YEAR},").encode()
        assert import_file("methodology", tree, "tree.csv").ok
        return open_self_assessment(Edition.objects.get(year=YEAR, level="province"), user=None)

    return database(django_db_blocker, make)


# The live server's evidence files go to each test's own folder, as on the self-assessment tests.
evidence_root = screen.evidence_root


def sign_in(page, site, django_db_blocker, edition, index: int):
    """Signs the page in as the index-th unit's officer; (participant, leaves, user name, key)."""

    def make():
        participant = edition.participants.select_related("unit").order_by("unit__code")[index]
        username = f"no-lost-work-{index}"
        client = Client()
        client.force_login(staff_user("unit_officer", unit=participant.unit, username=username))
        leaves = {c.code: c.pk for c in edition.criteria.all()}
        return participant, leaves, username, client.session.session_key

    participant, leaves, username, key = database(django_db_blocker, make)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": site.url}]
    )
    return participant, leaves, username, key


def expire(django_db_blocker, key: str) -> None:
    database(django_db_blocker, lambda: Session.objects.filter(session_key=key).delete())


def self_points(django_db_blocker, participant) -> dict[str, str]:
    def read():
        scores = Score.objects.filter(participant=participant).select_related("criterion")
        return {s.criterion.code: str(s.self_points) for s in scores}

    return database(django_db_blocker, read)


def sign_in_again(page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.staff-form button[type=submit]")


def test_typing_is_saved_a_moment_later_and_a_reload_shows_it(
    page, site, django_db_blocker, edition
):
    participant, leaves, _username, _key = sign_in(page, site, django_db_blocker, edition, 0)
    page.goto(f"{PAGE}?edition={edition.pk}")

    page.click(f"#points-{leaves['2.1']}")
    page.keyboard.type("4")
    status = page.locator('[data-part-status="2"]')
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    page.fill(f"#note-{leaves['2.1']}", "Báo cáo quý")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))

    page.reload()
    expect(page.locator(f"#points-{leaves['2.1']}")).to_have_value("4.00")
    expect(page.locator(f"#note-{leaves['2.1']}")).to_have_value("Báo cáo quý")
    expect(page.locator("#progress-2")).to_have_text("1 of 2 sub-criteria filled")
    assert self_points(django_db_blocker, participant) == {"2.1": "4.00"}


def test_after_the_session_expired_leaving_warns_and_the_typed_value_comes_back(
    page, site, django_db_blocker, edition
):
    participant, leaves, username, key = sign_in(page, site, django_db_blocker, edition, 1)
    page.goto(f"{PAGE}?edition={edition.pk}")
    expire(django_db_blocker, key)

    page.click(f"#points-{leaves['1.1']}")
    page.keyboard.type("6,5")
    expect(page.locator('[data-part-status="1"]')).to_contain_text("your session has expired")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    with page.expect_navigation():
        page.get_by_role("link", name="Staff home").click()
    assert dialogs == ["beforeunload"]
    assert "/en/staff/login/" in page.url

    sign_in_again(page, username)
    page.goto(f"{PAGE}?edition={edition.pk}")
    expect(page.locator("#notices")).to_contain_text("the values you typed are back")
    expect(page.locator(f"#points-{leaves['1.1']}")).to_have_value("6,5")
    assert self_points(django_db_blocker, participant) == {}


def test_without_javascript_a_field_saves_alone_and_a_save_after_expiry_comes_back(
    plain_page, site, django_db_blocker, edition
):
    page = plain_page
    participant, leaves, username, key = sign_in(page, site, django_db_blocker, edition, 2)
    page.goto(f"{PAGE}?edition={edition.pk}")

    page.fill(f"#points-{leaves['1.1']}", "7")
    page.fill(f"#points-{leaves['2.2']}", "2")
    page.get_by_role("button", name="Save field 2").click()
    expect(page.locator("#notices")).to_contain_text("Field 2 saved: 1 sub-criterion changed.")
    expect(page.locator(f"#points-{leaves['1.1']}")).to_have_value("7")
    assert self_points(django_db_blocker, participant) == {"2.2": "2.00"}

    expire(django_db_blocker, key)
    page.get_by_role("button", name="Save field 1").click()
    assert "/en/staff/login/" in page.url
    sign_in_again(page, username)
    expect(page.locator("#notices")).to_contain_text("the values you typed are back")
    expect(page.locator(f"#points-{leaves['1.1']}")).to_have_value("7")
    assert self_points(django_db_blocker, participant) == {"2.2": "2.00"}

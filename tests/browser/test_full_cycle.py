"""One full cycle in Chromium by the three roles (issue 7): an admin opens each stage from the
editions screen, the unit officer self-assesses and submits, the appraiser appraises with a
reason, the admin previews, publishes after the confirmation, reopens with a reason, the
appraiser corrects, the admin publishes again, and the public corrections page shows the change.

A 2023 province edition with one participant (Hà Nội) beside the demo data, removed after the
module. Maximum 20: claimed 1.1 8, 2.1 5, 2.2 3, survey 1.2 3 (imported, as survey files are);
appraised 1.1 7 → 18 of 20, index 90.00, group A; corrected 2.1 5 → 4 → 85.00, group B.
"""

import pytest
from django.contrib.auth import get_user_model

from scoring.models import Correction, Edition, EditionEvent
from tests.browser.conftest import open_page, serious_violations
from tests.browser.test_appraisal import adjust, in_thread, signed_in
from tests.conftest import PROVINCE_TREE, imported
from tests.staff_fixtures import staff_user

pytestmark = pytest.mark.browser

YEAR = 2023


def _setting() -> dict:
    imported("methodology", PROVINCE_TREE.replace("2019,", f"{YEAR},"))
    imported("participants", f"year,level,unit,ranked\n{YEAR},province,01,yes\n")
    imported(
        "survey", f"year,level,unit,criterion,points,respondents\n{YEAR},province,01,1.2,3,500\n"
    )
    edition = Edition.objects.get(year=YEAR, level="province")
    hanoi = edition.participants.get().unit
    return {
        "edition": edition,
        "leaves": {c.code: c.pk for c in edition.criteria.all()},
        "admin": staff_user("admin", username="cycle-admin"),
        "appraiser": staff_user("appraiser", username="cycle-appraiser"),
        "officer": staff_user("unit_officer", unit=hanoi, username="cycle-officer"),
    }


def _remove(made: dict) -> None:
    Edition.objects.filter(pk=made["edition"].pk).delete()
    get_user_model().objects.filter(username__startswith="cycle-").delete()


@pytest.fixture(scope="module")
def made(site, django_db_blocker):
    setting = in_thread(django_db_blocker, _setting)
    yield setting
    in_thread(django_db_blocker, _remove, setting)


def _stage(edition: Edition) -> str:
    return Edition.objects.get(pk=edition.pk).status


def _correction() -> tuple[str, list[tuple[str, str, str]]]:
    correction = Correction.objects.get(edition__year=YEAR)
    values = correction.values.order_by("figure").values_list("figure", "old_value", "new_value")
    return correction.reason, list(values)


def _events(edition: Edition) -> list[tuple[str, str]]:
    return list(
        EditionEvent.objects.filter(edition=edition)
        .order_by("pk")
        .values_list("action", "user__username")
    )


def next_step(page, edition: Edition, note: str) -> None:
    open_page(page, f"/en/staff/editions/{edition.pk}/")
    page.fill("#note", note)
    with page.expect_navigation():
        page.locator("form[action$='/move/'] button").click()


def test_the_whole_cycle_in_the_browser(browser, site, made, django_db_blocker):
    blocker, edition, leaves = django_db_blocker, made["edition"], made["leaves"]
    admin = signed_in(blocker, browser, site, made["admin"]).new_page()
    officer = signed_in(blocker, browser, site, made["officer"]).new_page()
    appraiser = signed_in(blocker, browser, site, made["appraiser"]).new_page()

    # The admin opens the self-assessment from the editions screen.
    open_page(admin, "/en/staff/editions/")
    assert serious_violations(admin) == []
    next_step(admin, edition, "Mở đợt tự đánh giá 2023")
    assert in_thread(blocker, _stage, edition) == "self_assessment"
    open_page(admin, f"/en/staff/editions/{edition.pk}/")  # the event log, the next step
    assert serious_violations(admin) == []

    # The unit officer claims every self leaf and submits.
    open_page(officer, f"/en/staff/self-assessment/?edition={edition.pk}")
    for code, points in (("1.1", "8"), ("2.1", "5"), ("2.2", "3")):
        officer.fill(f"#points-{leaves[code]}", points)
    with officer.expect_navigation():
        officer.click("button[value=save]")
    with officer.expect_navigation():
        officer.click("form[action*='submit'] button")
    with officer.expect_navigation():
        officer.click("input[name=confirm] ~ button")
    assert officer.locator("#submitted").is_visible()

    # The admin opens the appraisal; the appraiser cuts 1.1 with a reason, accepts the rest.
    next_step(admin, edition, "")
    open_page(appraiser, f"/en/staff/appraisal/{edition.pk}/01/")
    adjust(appraiser, "1.1", "7", "Thiếu tài liệu kiểm chứng")
    with appraiser.expect_navigation():
        appraiser.get_by_role("button", name="Save and accept all remaining self points").click()

    # The admin opens the review and previews the results privately.
    next_step(admin, edition, "")
    assert in_thread(blocker, _stage, edition) == "review"
    open_page(admin, f"/en/staff/editions/{edition.pk}/preview/")
    assert "PREVIEW" in admin.locator(".banner.preview").inner_text()
    assert admin.locator("table.ranking tbody tr td.num").first.inner_text() == "90.00"
    assert serious_violations(admin) == []
    assert admin.request.get(f"{site.url}/en/rankings/{YEAR}/province/").status == 404

    # Publishing asks for confirmation first.
    open_page(admin, f"/en/staff/editions/{edition.pk}/")
    with admin.expect_navigation():
        admin.get_by_role("link", name="Publish…").click()
    assert "the results of 1 unit; this is public" in admin.locator(".banner").inner_text()
    assert serious_violations(admin) == []
    with admin.expect_navigation():
        admin.get_by_role("button", name="Publish now").click()
    assert in_thread(blocker, _stage, edition) == "published"
    # A reader without a session; axe-core is injected inline, which the site's CSP forbids.
    public = browser.new_context(base_url=site.url, bypass_csp=True).new_page()
    open_page(public, f"/en/rankings/{YEAR}/province/")
    assert "90.00" in public.locator("table.ranking").inner_text()

    # A correction: reopened with a reason (required), 2.1 cut, published again.
    open_page(admin, f"/en/staff/editions/{edition.pk}/reopen/")
    assert serious_violations(admin) == []
    admin.fill("#reason", "Tiêu chí 2.1: tài liệu kiểm chứng không hợp lệ")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Reopen for correction").click()
    assert in_thread(blocker, _stage, edition) == "review"
    open_page(appraiser, f"/en/staff/appraisal/{edition.pk}/01/")
    adjust(appraiser, "2.1", "4", "Tài liệu không hợp lệ")
    with appraiser.expect_navigation():
        appraiser.get_by_role("button", name="Save", exact=True).click()
    open_page(admin, f"/en/staff/editions/{edition.pk}/publish/")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Publish now").click()

    assert in_thread(blocker, _correction) == (
        "Tiêu chí 2.1: tài liệu kiểm chứng không hợp lệ",
        [("group", "A", "B"), ("index", "90.00", "85.00")],
    )
    open_page(public, "/en/corrections/")
    text = public.locator("main").inner_text()
    assert "Tiêu chí 2.1: tài liệu kiểm chứng không hợp lệ" in text
    assert "Index\t90.00\t85.00" in text
    assert serious_violations(public) == []
    assert [action for action, _user in in_thread(blocker, _events, edition)] == [
        "open_self_assessment",
        "open_appraisal",
        "open_review",
        "publish",
        "reopen",
        "publish",
    ]
    assert {user for _action, user in in_thread(blocker, _events, edition)} == {"cycle-admin"}

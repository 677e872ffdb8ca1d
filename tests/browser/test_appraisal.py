"""The appraisal screens in Chromium: an appraiser adjusts two leaves with reasons and accepts the
rest, with JavaScript (totals follow the typing) and without (totals by the Recalculate button);
a unit officer replies to a deduction during review. axe-core and 360 px on every screen.

Two editions beside the published demo data, made for this module and removed after it: 2020
provinces under appraisal (self points claimed, nothing appraised) and 2021 provinces in review
(Lào Cai's 2.1 cut from 5 to 4.5). Signing in is the accounts helper's business, tested there:
here the browser gets the session cookie of a signed-in, second-factor-verified test client.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from scoring.models import Edition, Reply, Score
from tests.browser.conftest import open_page, screenshot, serious_violations
from tests.browser.conftest import sideways_overflow as overflow
from tests.conftest import imported
from tests.staff_fixtures import staff_user, verified_client

pytestmark = pytest.mark.browser

TREE = """\
year,level,code,name_vi,name_en,max_points,method
{year},province,1,Lĩnh vực một,Field one,12,
{year},province,1.1,Tiêu chí 1.1,Criterion 1.1,8,self
{year},province,1.2,Tiêu chí 1.2,Criterion 1.2,4,survey
{year},province,2,Lĩnh vực hai,Field two,8,
{year},province,2.1,Tiêu chí 2.1,Criterion 2.1,5,self
{year},province,2.2,Tiêu chí 2.2,Criterion 2.2,3,self
"""


def in_thread(blocker, work, *args):
    """Database work from a test: run in a thread of its own, since Django refuses it in the
    thread where Playwright's event loop runs."""

    def run():
        try:
            return work(*args)
        finally:
            connections.close_all()

    with blocker.unblock(), ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@dataclass
class Setting:
    appraisal: Edition
    review: Edition
    appraiser: object
    officer: object


def _edition(year: int, scores: str, stage: str) -> Edition:
    imported("methodology", TREE.format(year=year))
    imported(
        "participants",
        f"year,level,unit,ranked\n{year},province,01,yes\n"
        f"{year},province,31,yes\n{year},province,10,yes\n",
    )
    imported("scores", scores.format(year=year))
    edition = Edition.objects.get(year=year, level="province")
    Edition.objects.filter(pk=edition.pk).update(status=stage)
    edition.refresh_from_db()
    return edition


def _setting() -> Setting:
    claimed = """\
        year,level,unit,criterion,self_points
        {year},province,01,1.1,8
        {year},province,01,2.1,5
        {year},province,01,2.2,3
        {year},province,31,1.1,7
        {year},province,31,2.1,4
        {year},province,31,2.2,2
        """
    appraisal = _edition(2020, claimed, Edition.Status.APPRAISAL)
    review = _edition(
        2021,
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        {year},province,10,1.1,6,6,
        {year},province,10,2.1,5,4.5,Chưa đạt
        """,
        Edition.Status.REVIEW,
    )
    lao_cai = review.participants.get(unit__code="10").unit
    return Setting(
        appraisal,
        review,
        staff_user("appraiser", username="browser-appraiser"),
        staff_user("unit_officer", unit=lao_cai, username="browser-officer"),
    )


def _remove(made: Setting) -> None:
    Edition.objects.filter(pk__in=[made.appraisal.pk, made.review.pk]).delete()
    get_user_model().objects.filter(pk__in=[made.appraiser.pk, made.officer.pk]).delete()


@pytest.fixture(scope="module")
def setting(site, django_db_blocker):
    made = in_thread(django_db_blocker, _setting)
    yield made
    in_thread(django_db_blocker, _remove, made)


def _session(user) -> str:
    return verified_client(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value


def signed_in(blocker, browser, site, user, width: int = 1280, javascript: bool = True):
    """A browser context carrying the session of `user`, signed in with the second factor."""
    session = in_thread(blocker, _session, user)
    # axe-core is injected as an inline script, which the site's CSP forbids a page.
    context = browser.new_context(
        base_url=site.url,
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        bypass_csp=True,
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session,
                "url": site.url,
            }
        ]
    )
    return context


def appraised(edition: Edition, code: str) -> dict[str, str]:
    return {
        leaf: str(points)
        for leaf, points in Score.objects.filter(
            participant__edition=edition, participant__unit__code=code, criterion__method="self"
        ).values_list("criterion__code", "appraised_points")
    }


def _replies_of(user) -> list[str]:
    return list(Reply.objects.filter(user=user).values_list("role", flat=True))


def adjust(page, leaf: str, points: str, reason: str) -> None:
    fieldset = page.locator("#leaf-" + leaf.replace(".", "\\."))
    fieldset.get_by_label(f"Appraised points {leaf}", exact=True).fill(points)
    fieldset.get_by_label("Reason", exact=False).fill(reason)


def overall(page) -> str:
    return page.locator('td[data-appraised-total=""]').inner_text()


def test_an_appraiser_adjusts_two_leaves_and_accepts_the_rest_with_live_totals(
    browser, site, setting, django_db_blocker
):
    context = signed_in(django_db_blocker, browser, site, setting.appraiser)
    page = context.new_page()
    open_page(page, f"/en/staff/appraisal/?edition={setting.appraisal.pk}")
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="Ha Noi").click()

    adjust(page, "1.1", "7", "Thiếu tài liệu kiểm chứng")
    adjust(page, "2.1", "4,5", "Chậm tiến độ")
    assert overall(page) == "11.50"  # typed, before any request
    assert serious_violations(page) == []
    screenshot(page, "appraisal-unit-typed")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and accept all remaining self points").click()
    # It asks first, with the count (staff/views/by_criterion.py).
    with page.expect_navigation():
        page.get_by_role("button", name="Accept 1 sub-criterion").click()

    assert overall(page) == "14.50"
    assert "3 sub-criteria saved." in page.locator(".messages").inner_text()
    assert in_thread(django_db_blocker, appraised, setting.appraisal, "01") == {
        "1.1": "7.00",
        "2.1": "4.50",
        "2.2": "3.00",
    }
    context.close()


def test_without_javascript_the_same_is_done_by_submitting(
    browser, site, setting, django_db_blocker
):
    context = signed_in(django_db_blocker, browser, site, setting.appraiser, javascript=False)
    page = context.new_page()
    open_page(page, f"/en/staff/appraisal/{setting.appraisal.pk}/31/")

    adjust(page, "1.1", "6", "Thiếu tài liệu")
    adjust(page, "2.2", "1", "Chưa đạt")
    assert overall(page) == "0.00"  # nothing recomputes without a request
    with page.expect_navigation():
        page.get_by_role("button", name="Recalculate totals").click()
    assert overall(page) == "7.00"
    with page.expect_navigation():
        page.get_by_role("button", name="Save and accept all remaining self points").click()
    # It asks first, with the count (staff/views/by_criterion.py).
    with page.expect_navigation():
        page.get_by_role("button", name="Accept 1 sub-criterion").click()

    assert overall(page) == "11.00"
    assert in_thread(django_db_blocker, appraised, setting.appraisal, "31") == {
        "1.1": "6.00",
        "2.1": "4.00",
        "2.2": "1.00",
    }
    context.close()


def test_a_missing_reason_is_shown_beside_its_leaf_and_nothing_is_saved(
    browser, site, setting, django_db_blocker
):
    context = signed_in(django_db_blocker, browser, site, setting.appraiser, javascript=False)
    page = context.new_page()
    open_page(page, f"/en/staff/appraisal/{setting.appraisal.pk}/10/")

    page.locator("#leaf-2\\.1").get_by_label("Appraised points 2.1", exact=True).fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Save all fields", exact=True).click()

    assert page.locator("#leaf-2\\.1 .error").inner_text() == (
        "Give a reason: the appraised points differ from the self-assessed —."
    )
    assert page.get_by_label("Appraised points 2.1", exact=True).input_value() == "3"
    context.close()


def test_a_unit_officer_replies_to_a_deduction_in_review(browser, site, setting, django_db_blocker):
    context = signed_in(django_db_blocker, browser, site, setting.officer)
    page = context.new_page()
    open_page(page, "/en/staff/replies/")
    assert page.locator("section.deduction h2").all_inner_texts() == ["2.1 Criterion 2.1"]
    assert serious_violations(page) == []

    page.get_by_label("Your reply on 2.1").fill("Đã có văn bản số 12 gửi ngày 3/12")
    with page.expect_navigation():
        page.get_by_role("button", name="Send reply").click()

    assert page.locator(".messages").inner_text() == "Your reply was sent."
    assert "Đã có văn bản số 12 gửi ngày 3/12" in page.locator("ol.thread").inner_text()
    assert in_thread(django_db_blocker, _replies_of, setting.officer) == ["unit_officer"]
    context.close()


@pytest.mark.parametrize("who", ["appraiser", "officer"])
def test_the_screens_fit_360_px(browser, site, setting, who, django_db_blocker):
    user = getattr(setting, who)
    context = signed_in(django_db_blocker, browser, site, user, width=360)
    page = context.new_page()
    paths = {
        "appraiser": [
            f"/en/staff/appraisal/?edition={setting.review.pk}",
            f"/vi/staff/appraisal/{setting.review.pk}/10/",
        ],
        "officer": ["/vi/staff/replies/", "/en/staff/replies/"],
    }[who]
    for path in paths:
        open_page(page, path)
        assert overflow(page) == [], path
        assert serious_violations(page) == [], path
        screenshot(page, f"appraisal-{who}-{path.split('/')[1]}")
    context.close()

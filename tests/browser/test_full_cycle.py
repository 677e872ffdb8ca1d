"""One full cycle in Chromium by the three roles (issue 7): an admin opens each stage from the
editions screen, the unit officer self-assesses with evidence and submits, the admin gives it back
with a reason and the officer submits again, the appraiser appraises with a reason, the admin
previews, publishes after the confirmation, the public sees the appraised points and the deduction
on the unit's profile, the admin reopens with a reason, the appraiser corrects, the admin publishes
again, and the public corrections page shows the change. Every step is then on the staff's recent
changes, and what the matrix forbids is refused when tried from the browser.

A 2023 province edition beside the demo data, removed after the module, with Hà Nội (whose officer
works through the browser) and Hải Phòng (imported whole, as a file would bring it). Maximum 20.
Hà Nội claims 1.1 8, 2.1 5, 2.2 3, survey 1.2 3 (imported, as survey files are); appraised 1.1 7 →
18 of 20, index 90.00, group A; corrected 2.1 5 → 4 → 85.00, group B. Hải Phòng: 13 of 20, 65.00,
group D, second throughout.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from scoring.models import Correction, Edition, EditionEvent, Reply, Score
from tests.browser.conftest import open_page, serious_violations, sideways_overflow
from tests.browser.test_appraisal import adjust, in_thread, signed_in
from tests.conftest import PROVINCE_TREE, imported
from tests.staff_fixtures import staff_user

pytestmark = pytest.mark.browser

YEAR = 2023
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def _setting() -> dict:
    imported("methodology", PROVINCE_TREE.replace("2019,", f"{YEAR},"))
    imported(
        "participants", f"year,level,unit,ranked\n{YEAR},province,01,yes\n{YEAR},province,31,yes\n"
    )
    imported(
        "survey",
        f"year,level,unit,criterion,points,respondents\n{YEAR},province,01,1.2,3,500\n"
        f"{YEAR},province,31,1.2,2,450\n",
    )
    imported(
        "scores",
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        f"{YEAR},province,31,1.1,6,5,Thiếu biên bản kiểm tra\n"
        f"{YEAR},province,31,2.1,4,4,\n{YEAR},province,31,2.2,2,2,\n",
    )
    edition = Edition.objects.get(year=YEAR, level="province")
    hanoi = edition.participants.get(unit__code="01").unit
    return {
        "edition": edition,
        "leaves": {c.code: c.pk for c in edition.criteria.all()},
        "haiphong_deduction": Score.objects.get(
            participant__edition=edition, participant__unit__code="31", criterion__code="1.1"
        ).pk,
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


@pytest.fixture(autouse=True)
def evidence_root(tmp_path):
    # The live server runs in this process: it reads the setting at each use.
    previous, settings.EVIDENCE_ROOT = settings.EVIDENCE_ROOT, tmp_path
    yield tmp_path
    settings.EVIDENCE_ROOT = previous


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


def _replies() -> int:
    return Reply.objects.filter(score__participant__edition__year=YEAR).count()


def _evidence(edition: Edition) -> list[tuple[str, str, str]]:
    return list(
        Score.objects.filter(participant__edition=edition, evidence_url__gt="")
        .order_by("criterion__code")
        .values_list("criterion__code", "evidence_url", "evidence_files__content_type")
    )


def changes_shown(page, edition: Edition) -> list[tuple[str, str, str, str]]:
    """The recent changes of the edition as the staff page lists them, page after page: (who,
    kind, what, reason), newest first."""
    open_page(page, f"/en/staff/changes/?edition={edition.pk}")
    shown = []
    while True:
        rows = page.locator("table.changes tbody tr")
        for index in range(rows.count()):
            cells = rows.nth(index).locator("td").all_inner_texts()
            what = cells[5].split("\n")[0].strip()
            shown.append((cells[1].strip(), cells[2].strip(), what, cells[8].strip()))
        older = page.locator("a[rel=next]")
        if not older.count():
            return shown
        with page.expect_navigation():
            older.click()


def next_step(page, edition: Edition, note: str) -> None:
    open_page(page, f"/en/staff/editions/{edition.pk}/")
    page.fill("#note", note)
    with page.expect_navigation():
        page.locator("form[action$='/move/confirm/'] button").click()
    # The confirmation page, with the step's counts and the note typed.
    assert serious_violations(page) == []
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

    # The unit officer claims every self leaf, with evidence on 1.1, and submits.
    open_page(officer, f"/en/staff/self-assessment/?edition={edition.pk}")
    for code, points in (("1.1", "8"), ("2.1", "5"), ("2.2", "3")):
        officer.fill(f"#points-{leaves[code]}", points)
    officer.fill(f"#url-{leaves['1.1']}", "https://hanoi.gov.vn/ke-hoach-cchc-2023")
    officer.set_input_files(
        f"#file-{leaves['1.1']}",
        {"name": "Kế hoạch CCHC.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    with officer.expect_navigation():
        officer.click("button[value=save]")
    assert officer.locator(f"#file-{leaves['1.1']}-list a").inner_text() == "Kế hoạch CCHC.pdf"
    with officer.expect_navigation():
        officer.click("#submit-button")
    with officer.expect_navigation():
        officer.click("input[name=confirm] ~ button")
    assert officer.locator("#submitted").is_visible()
    assert in_thread(blocker, _evidence, edition) == [
        ("1.1", "https://hanoi.gov.vn/ke-hoach-cchc-2023", "application/pdf")
    ]

    # The admin gives it back with a reason; the officer can write again and submits again.
    open_page(admin, f"/en/staff/editions/{edition.pk}/")
    admin.get_by_text("Give back to Ha Noi…").click()
    admin.get_by_label("Reason (required", exact=False).fill("Bổ sung ghi chú cho 2.2")
    assert serious_violations(admin) == []
    with admin.expect_navigation():
        admin.get_by_role("button", name="Give the self-assessment back").click()
    assert "The self-assessment of Ha Noi is given back." in admin.locator(".messages").inner_text()
    open_page(officer, f"/en/staff/self-assessment/?edition={edition.pk}")
    officer.fill(f"#note-{leaves['2.2']}", "Đã hoàn thành đúng hạn")
    with officer.expect_navigation():
        officer.click("button[value=save]")
    with officer.expect_navigation():
        officer.click("#submit-button")
    with officer.expect_navigation():
        officer.click("input[name=confirm] ~ button")
    assert officer.locator("#submitted").is_visible()

    # Not the officer's screens: the appraisal and the editions.
    assert officer.goto("/en/staff/appraisal/").status == 403
    assert officer.goto(f"/en/staff/editions/{edition.pk}/").status == 403

    # The admin opens the appraisal; the appraiser cuts 1.1 with a reason, accepts the rest.
    next_step(admin, edition, "")
    open_page(appraiser, f"/en/staff/appraisal/{edition.pk}/01/")
    assert (
        "https://hanoi.gov.vn/ke-hoach-cchc-2023" in appraiser.locator("#leaf-1\\.1").inner_text()
    )
    adjust(appraiser, "1.1", "7", "Thiếu tài liệu kiểm chứng")
    with appraiser.expect_navigation():
        appraiser.get_by_role("button", name="Save and accept all remaining self points").click()
    with appraiser.expect_navigation():
        appraiser.get_by_role("button", name=re.compile(r"^Accept \d+ sub-criteri")).click()
    # Not the appraiser's screens: the editions, their steps and the preview.
    assert appraiser.goto("/en/staff/editions/").status == 403
    assert appraiser.goto(f"/en/staff/editions/{edition.pk}/preview/").status == 403

    # The admin opens the review and previews the results privately.
    next_step(admin, edition, "")
    assert in_thread(blocker, _stage, edition) == "review"
    open_page(admin, f"/en/staff/editions/{edition.pk}/preview/")
    assert "PREVIEW" in admin.locator(".banner.preview").inner_text()
    assert admin.locator("table.ranking tbody tr td.num").first.inner_text() == "90.00"
    assert serious_violations(admin) == []
    with admin.expect_navigation():
        admin.get_by_role("link", name="Ha Noi").click()
    assert "Thiếu tài liệu kiểm chứng" in admin.locator("main").inner_text()
    assert serious_violations(admin) == []
    with admin.expect_navigation():
        admin.get_by_role("link", name="Full ranking 2023: Province").click()
    assert admin.url.endswith(f"/en/staff/editions/{edition.pk}/preview/")
    assert admin.request.get(f"{site.url}/en/rankings/{YEAR}/province/").status == 404

    # In review the officer replies on their own unit's deductions only: a reply aimed at Hải
    # Phòng's (the form's score changed in the page) is refused and nothing is recorded.
    open_page(officer, "/en/staff/replies/")
    form = officer.locator("section.deduction form").first
    form.locator("input[name=score]").evaluate(
        "(input, score) => { input.value = score; }", made["haiphong_deduction"]
    )
    form.locator("textarea").fill("Đề nghị xem lại điểm của Hải Phòng")
    with officer.expect_navigation():
        form.get_by_role("button", name="Send reply").click()
    assert "a unit officer writes for their own unit only" in officer.locator("main").inner_text()
    assert in_thread(blocker, _replies) == 0

    # Publishing asks for confirmation first.
    open_page(admin, f"/en/staff/editions/{edition.pk}/")
    with admin.expect_navigation():
        admin.get_by_role("link", name="Publish…").click()
    assert "the results of 2 units; this is public" in admin.locator(".banner").inner_text()
    assert serious_violations(admin) == []
    with admin.expect_navigation():
        admin.get_by_role("button", name="Publish now").click()
    assert in_thread(blocker, _stage, edition) == "published"
    # A reader without a session; axe-core is injected inline, which the site's CSP forbids.
    public = browser.new_context(base_url=site.url, bypass_csp=True).new_page()
    open_page(public, f"/en/rankings/{YEAR}/province/")
    assert "90.00" in public.locator("table.ranking").inner_text()
    # The unit's profile of that year (the demo's 2025 is its newest): the appraised points and
    # the deduction with its reason.
    open_page(public, f"/en/units/ha-noi/?year={YEAR}")
    leaf = public.locator("table.criteria-tree tr", has_text="Criterion 1.1")
    assert leaf.locator("td.deduction .reason").inner_text() == "Thiếu tài liệu kiểm chứng"
    assert "7.00" in leaf.inner_text()
    assert serious_violations(public) == []

    # A correction: reopened with a reason (required), 2.1 cut, published again.
    open_page(admin, f"/en/staff/editions/{edition.pk}/reopen/")
    assert serious_violations(admin) == []
    admin.fill("#reason", "Tiêu chí 2.1: tài liệu kiểm chứng không hợp lệ")
    # The units the correction concerns are required too: Hà Nội's 2.1 is the one that changes.
    admin.select_option("#units", "01")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Reopen for correction").click()
    assert in_thread(blocker, _stage, edition) == "review"
    open_page(appraiser, f"/en/staff/appraisal/{edition.pk}/01/")
    adjust(appraiser, "2.1", "4", "Tài liệu không hợp lệ")
    with appraiser.expect_navigation():
        appraiser.get_by_role("button", name="Save all fields", exact=True).click()
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

    # Every step on the staff's recent changes of the edition, by whom, with its reason.
    shown = changes_shown(admin, edition)
    assert serious_violations(admin) == []
    open_page(admin, f"/en/staff/changes/?edition={edition.pk}&kind=score_appraised")
    with admin.expect_navigation():
        admin.locator("table.changes a", has_text="2.1").first.click()
    assert "History of 2.1, Ha Noi" in admin.locator("h1").inner_text()
    assert "Tài liệu không hợp lệ" in admin.locator("table.changes").inner_text()
    assert serious_violations(admin) == []
    steps = [row for row in shown if row[0].startswith("cycle-")]
    # Republishing writes the publication and the correction together: either may come first.
    assert set(steps[:2]) == {
        ("cycle-admin", "Publish", "Published", ""),
        (
            "cycle-admin",
            "Reopening and correction",
            "Correction republished",
            "Tiêu chí 2.1: tài liệu kiểm chứng không hợp lệ",
        ),
    }
    assert steps[2:] == [
        ("cycle-appraiser", "Appraised points", "2.1", "Tài liệu không hợp lệ"),
        (
            "cycle-admin",
            "Reopening and correction",
            "Reopened for correction",
            "Tiêu chí 2.1: tài liệu kiểm chứng không hợp lệ",
        ),
        ("cycle-admin", "Publish", "Published", ""),
        ("cycle-admin", "Stage change", "Review opened", ""),
        ("cycle-appraiser", "Appraised points", "2.2", ""),
        ("cycle-appraiser", "Appraised points", "2.1", ""),
        ("cycle-appraiser", "Appraised points", "1.1", "Thiếu tài liệu kiểm chứng"),
        ("cycle-admin", "Stage change", "Appraisal opened", ""),
        (
            "cycle-officer",
            "Self-assessment submitted or given back",
            "Self-assessment submitted",
            "",
        ),
        ("cycle-officer", "Self-assessed points", "2.2", ""),
        (
            "cycle-admin",
            "Self-assessment submitted or given back",
            "Self-assessment given back",
            "Bổ sung ghi chú cho 2.2",
        ),
        (
            "cycle-officer",
            "Self-assessment submitted or given back",
            "Self-assessment submitted",
            "",
        ),
        *[
            ("cycle-officer", "Self-assessed points", code, "")
            for code in ["2.2", "2.1", "1.1", "1.1", "1.1"]
        ],
        ("cycle-admin", "Stage change", "Self-assessment opened", "Mở đợt tự đánh giá 2023"),
    ]

    # The admin's screens of the cycle on a 360 px phone: nothing sticks out sideways.
    phone = signed_in(blocker, browser, site, made["admin"], width=360).new_page()
    for address in (
        f"/en/staff/editions/{edition.pk}/",
        f"/en/staff/editions/{edition.pk}/reopen/",
        f"/vi/staff/changes/?edition={edition.pk}",
        admin.url.replace(site.url, ""),  # the leaf's history
    ):
        open_page(phone, address)
        assert sideways_overflow(phone) == [], address

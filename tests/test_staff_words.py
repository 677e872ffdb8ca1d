"""The staff screens' words (issue 16, item 11): a notice once, a stage move's notice saying what
happened, a field's maximum the same on the self-assessment and the appraisal screens, the admin
in Vietnamese for a Vietnamese reader, and a new edition set up from the staff editions screen.

The fixture tree (tests/conftest.py): field 1 (max 12) = 1.1 self 8 + 1.2 survey 4; field 2 (8) =
2.1 self 5 + 2.2 self 3.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from scoring.lifecycle import open_appraisal, open_self_assessment
from scoring.models import Edition
from scoring.submission import submit_self_assessment
from tests.staff_fixtures import staff_client, staff_user, verified_client


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path


@pytest.fixture
def admin(client, db):
    return staff_client(client, "admin")


def notices(page: str) -> list[str]:
    """The texts of Django's messages on a staff page (staff/base.html's box)."""
    box = re.search(r'<div class="messages" role="status"><ul>(.*?)</ul></div>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", box.group(1)) if box else []


def move(admin, edition: Edition, action: str) -> str:
    response = admin.post(f"/en/staff/editions/{edition.pk}/move/", {"action": action}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_opening_the_self_assessment_says_who_may_now_enter_it(admin, province_edition):
    page = move(admin, province_edition, "open_self_assessment")

    assert notices(page) == [
        "Self-assessment opened: the officers of 3 units may now enter and submit their "
        "self-assessment."
    ]


def test_opening_the_appraisal_says_how_many_submitted_and_who_is_locked_out(
    admin, scored_provinces
):
    edition = open_self_assessment(scored_provinces, user=None)
    submit_self_assessment(edition.participants.get(unit__code="01"), user=None)

    page = move(admin, edition, "open_appraisal")

    assert notices(page) == [
        "Appraisal opened: 1 of 3 self-assessments submitted. 2 units that had not submitted "
        "are locked out of the self-assessment."
    ]


def test_opening_the_review_says_how_much_was_appraised(admin, scored_provinces):
    edition = open_appraisal(open_self_assessment(scored_provinces, user=None), user=None)

    page = move(admin, edition, "open_review")

    assert notices(page) == [
        "Review opened: 9 of 9 self-assessed sub-criteria appraised; the units may now read "
        "their appraisal and reply to deductions."
    ]


def test_a_saved_self_assessment_says_so_once(client, province_edition):
    edition = open_self_assessment(province_edition, user=None)
    hanoi = edition.participants.get(unit__code="01").unit
    officer = verified_client(client, staff_user("unit_officer", unit=hanoi))
    leaf = edition.criteria.get(code="1.1")
    data = {"edition": edition.pk, "action": "save"}
    data |= {f"points-{leaf.pk}": "7", f"version-{leaf.pk}": 0}

    response = officer.post("/en/staff/self-assessment/", data, follow=True)

    page = response.content.decode()
    assert notices(page) == ["Draft saved: 1 sub-criterion changed."]
    assert page.count("Draft saved") == 1


def _maxima(page: str, marker: str) -> dict[str, str]:
    """Each field's maximum in a totals table: the row's heading code and its Maximum cell."""
    table = page[page.index(marker) :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">(\d+)\. .*?</th>(.*?)</tr>', table, re.S)
    return {code: re.findall(r'<td class="num"[^>]*>([^<]*)</td>', cells) for code, cells in rows}


def test_a_fields_maximum_is_the_same_on_the_self_assessment_and_the_appraisal(
    client, scored_provinces
):
    edition = open_self_assessment(scored_provinces, user=None)
    hanoi = edition.participants.get(unit__code="01")
    officer = verified_client(client, staff_user("unit_officer", unit=hanoi.unit))
    own = officer.get(f"/en/staff/self-assessment/?edition={edition.pk}").content.decode()
    submit_self_assessment(hanoi, user=None)
    open_appraisal(edition, user=None)
    client.logout()
    appraiser = staff_client(client, "appraiser")
    appraised = appraiser.get(f"/en/staff/appraisal/{edition.pk}/01/").content.decode()

    # Self-assessment: points, maximum; appraisal: maximum, self-assessed, appraised.
    own_maxima = {code: cells[1] for code, cells in _maxima(own, "self-totals").items()}
    appraisal_maxima = {
        code: cells[0] for code, cells in _maxima(appraised, "appraisal-totals").items()
    }
    assert own_maxima == {"1": "8.00", "2": "8.00"}
    assert appraisal_maxima == own_maxima
    assert "Self-assessed sub-criteria only; survey points are not included." in own


def test_no_staff_screen_calls_a_sub_criterion_a_leaf(admin, scored_provinces):
    edition = open_appraisal(open_self_assessment(scored_provinces, user=None), user=None)
    appraiser = staff_client(admin, "appraiser")
    pages = [
        appraiser.get(f"/en/staff/appraisal/?edition={edition.pk}"),
        appraiser.get(f"/en/staff/appraisal/{edition.pk}/01/"),
    ]
    texts = [re.sub(r"<[^>]+>", " ", response.content.decode()) for response in pages]

    assert [response.status_code for response in pages] == [200, 200]
    assert [re.findall(r"\bleaf\b|\bleaves\b", text) for text in texts] == [[], []]


def test_the_admin_speaks_vietnamese_to_a_vietnamese_reader(client, db):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    admin_client = verified_client(client, user)

    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    english = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="vi"' in page
    assert "Hoạt động gần đây" in page  # Django's own "Recent actions"
    assert "Recent actions" in english


def test_the_editions_screen_leads_to_setting_up_an_edition(admin, db):
    page = admin.get("/en/staff/editions/").content.decode()

    assert '<a href="/admin/scoring/importbatch/template/methodology.xlsx">' in page
    assert '<a href="/admin/scoring/importbatch/import/?kind=methodology">' in page
    assert '<a href="/admin/scoring/edition/add/">' in page
    upload = admin.get("/admin/scoring/importbatch/import/?kind=methodology")
    assert upload.status_code == 200
    assert admin.get("/admin/scoring/importbatch/template/methodology.xlsx").status_code == 200

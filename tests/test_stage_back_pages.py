"""Over HTTP: an admin takes a stage back after a confirmation page that says what it does, sets
the deadlines and a unit's extension on the edition screen, and names the units of a correction;
the staff home shows the deadline of the current stage; no other role can do any of it."""

import datetime
import re

import pytest
from django.utils import formats, timezone

from scoring.lifecycle import open_appraisal, open_self_assessment
from scoring.models import Edition, EditionChange, EditionEvent
from tests.staff_fixtures import staff_client, staff_user, verified_client


def page(edition: Edition, action: str = "") -> str:
    return f"/en/staff/editions/{edition.pk}/{action + '/' if action else ''}"


@pytest.fixture
def admin(client, db):
    return staff_client(client, "admin")


@pytest.fixture
def in_appraisal(scored_provinces):
    edition = open_self_assessment(scored_provinces, user=None)
    return open_appraisal(edition, user=None)


def test_the_edition_screen_offers_to_take_the_stage_back(admin, in_appraisal):
    html = admin.get(page(in_appraisal)).text

    assert (
        f'<a href="/en/staff/editions/{in_appraisal.pk}/step-back/">'
        "Take the edition back to the Self-assessment stage…</a>"
    ) in html


def test_the_confirmation_page_says_what_taking_the_stage_back_will_do(admin, in_appraisal):
    html = admin.get(page(in_appraisal, "step-back")).text

    assert ("The edition goes back from the Appraisal stage to the Self-assessment stage.") in html
    assert "Appraisers can no longer enter appraised points" in html
    assert '<input type="hidden" name="stage" value="appraisal">' in html
    assert Edition.objects.get(pk=in_appraisal.pk).status == "appraisal"


def test_an_admin_takes_the_stage_back_with_a_reason(admin, in_appraisal):
    response = admin.post(
        page(in_appraisal, "step-back"), {"stage": "appraisal", "reason": "Mở nhầm"}
    )

    assert response.status_code == 302
    assert Edition.objects.get(pk=in_appraisal.pk).status == "self_assessment"
    event = EditionEvent.objects.filter(edition=in_appraisal).order_by("-pk").first()
    assert (event.action, event.reason) == ("step_back", "Mở nhầm")
    html = admin.get(page(in_appraisal)).text
    assert "The edition is back in the Self-assessment stage." in html
    assert '<th scope="row">Stage taken back</th>' in html


def test_without_a_reason_or_from_a_page_left_open_nothing_is_taken_back(admin, in_appraisal):
    response = admin.post(page(in_appraisal, "step-back"), {"stage": "appraisal", "reason": ""})
    assert response.status_code == 409
    assert "taking a stage back needs a written reason" in response.text

    response = admin.post(page(in_appraisal, "step-back"), {"stage": "review", "reason": "Nhầm"})
    assert response.status_code == 409
    assert Edition.objects.get(pk=in_appraisal.pk).status == "appraisal"
    assert not EditionEvent.objects.filter(action="step_back").exists()


def test_an_admin_sets_the_deadlines_and_officers_and_appraisers_see_theirs(
    admin, client, in_appraisal
):
    response = admin.post(
        page(in_appraisal, "deadlines"),
        {
            "deadline-self_assessment_deadline": "2026-03-31",
            "deadline-appraisal_deadline": "2026-05-15",
            "deadline-review_deadline": "",
        },
    )

    assert response.status_code == 302
    edition = Edition.objects.get(pk=in_appraisal.pk)
    assert (edition.appraisal_deadline, edition.review_deadline) == (
        datetime.date(2026, 5, 15),
        None,
    )
    change = EditionChange.objects.filter(edition=edition, subject="edition").latest("pk")
    assert change.new_value == {
        "self_assessment_deadline": "2026-03-31",
        "appraisal_deadline": "2026-05-15",
        "review_deadline": None,
    }
    client.logout()
    appraiser = verified_client(client, staff_user("appraiser"))
    html = appraiser.get("/en/staff/").text
    assert "Deadline of the Appraisal stage: 15 May 2026." in html


def test_a_units_extension_is_set_on_the_edition_screen_and_opens_its_self_assessment(
    admin, client, in_appraisal
):
    until = timezone.localdate() + datetime.timedelta(days=2)
    response = admin.post(page(in_appraisal, "extension/01"), {"extended_until": until})
    assert response.status_code == 302
    hanoi = in_appraisal.participants.get(unit__code="01")
    hanoi.refresh_from_db()
    assert hanoi.extended_until == until

    client.logout()
    officer = verified_client(client, staff_user("unit_officer", unit=hanoi.unit))
    html = officer.get(f"/en/staff/self-assessment/?edition={in_appraisal.pk}").text
    assert 'name="action" value="save"' in html
    shown = formats.date_format(until, "DATE_FORMAT")
    assert f"Your unit may still submit its self-assessment until {shown}." in (
        officer.get("/en/staff/").text
    )


def test_the_reopen_form_asks_for_the_units_and_keeps_them(admin, published):
    form = admin.get(page(published, "reopen")).text
    assert '<select id="units" name="units" multiple required size="10">' in form
    assert re.search(r"<option value=\"31\">31 Hai Phong[^<]*</option>", form)

    refused = admin.post(page(published, "reopen"), {"reason": "Sai sót"})
    assert refused.status_code == 409
    assert "a correction names the units it concerns (one or more)" in refused.text

    response = admin.post(page(published, "reopen"), {"reason": "Sai sót", "units": ["31"]})
    assert response.status_code == 302
    event = EditionEvent.objects.get(edition=published, action="reopen")
    assert list(event.units.values_list("code", flat=True)) == ["31"]
    assert "(units concerned: 31)" in admin.get(page(published)).text


@pytest.mark.parametrize("role", ["appraiser", "unit_officer"])
def test_other_roles_neither_take_back_nor_set_dates(client, in_appraisal, role):
    hanoi = in_appraisal.participants.get(unit__code="01").unit
    other = verified_client(
        client, staff_user(role, unit=hanoi if role == "unit_officer" else None)
    )

    assert other.get(page(in_appraisal, "step-back")).status_code == 403
    posts = (
        ("step-back", {"stage": "appraisal", "reason": "Nhầm"}),
        ("deadlines", {"deadline-appraisal_deadline": "2026-05-15"}),
        ("extension/01", {"extended_until": "2030-01-01"}),
    )
    for action, data in posts:
        assert other.post(page(in_appraisal, action), data).status_code == 403
    edition = Edition.objects.get(pk=in_appraisal.pk)
    assert (edition.status, edition.appraisal_deadline) == ("appraisal", None)
    assert not in_appraisal.participants.filter(extended_until__isnull=False).exists()

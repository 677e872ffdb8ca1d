"""A stage move first shows what it will do, counted, and asks to confirm (issue 16, item 1):
submitted self-assessments, sub-criteria self-assessed and appraised, open disagreements, the
units the move locks out and how many people are told by email; nothing moves until the admin
confirms, and a page left open while the edition moved on is refused."""

import html
import re

import pytest

from scoring.models import Edition, EditionEvent, Score
from scoring.submission import submit_self_assessment
from tests.staff_fixtures import staff_client, staff_user


def page(edition: Edition, action: str = "") -> str:
    return f"/en/staff/editions/{edition.pk}/{action + '/' if action else ''}"


def confirm(edition: Edition, action: str, note: str = "") -> str:
    return f"{page(edition, 'move/confirm')}?action={action}&note={note}"


def counts(response) -> dict[str, str]:
    """The confirmation's figures, term by term."""
    text = response.content.decode()
    return {
        html.unescape(term): html.unescape(value)
        for term, value in re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", text)
    }


def in_stage(edition: Edition, status: str) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(status=status)
    return Edition.objects.get(pk=edition.pk)


@pytest.fixture
def admin(client, db):
    return staff_client(client, "admin")


def test_the_edition_page_asks_for_the_confirmation_page_not_the_move(admin, scored_provinces):
    text = admin.get(page(scored_provinces)).content.decode()

    assert (
        f'<form class="next-step" method="get" '
        f'action="/en/staff/editions/{scored_provinces.pk}/move/confirm/">'
    ) in text
    assert '<input type="hidden" name="action" value="open_self_assessment">' in text


def test_opening_the_self_assessment_is_counted_then_taken_once_confirmed(admin, scored_provinces):
    hai_phong = scored_provinces.participants.get(unit__code="31").unit
    officer = staff_user("unit_officer", unit=hai_phong)
    officer.email = "hoa@example.vn"
    officer.save()

    response = admin.get(confirm(scored_provinces, "open_self_assessment", "Mở đợt"))

    assert response.status_code == 200
    assert counts(response) == {
        "Participants": "3",
        "Self-assessments submitted": "0 of 3",
        "Told by email": "1",
    }
    text = response.content.decode()
    assert "The officers of the 3 participating units may then enter and submit" in text
    assert f'<form class="next-step" method="post" action="{page(scored_provinces, "move")}">' in (
        text
    )
    assert ">Mở đợt</textarea>" in text
    assert Edition.objects.get(pk=scored_provinces.pk).status == "draft"
    assert not EditionEvent.objects.exists()

    moved = admin.post(
        page(scored_provinces, "move"), {"action": "open_self_assessment", "note": "Mở đợt"}
    )

    assert moved.status_code == 302
    assert Edition.objects.get(pk=scored_provinces.pk).status == "self_assessment"


def test_opening_the_appraisal_names_the_units_it_locks_out(admin, scored_provinces):
    edition = in_stage(scored_provinces, Edition.Status.SELF_ASSESSMENT)
    submit_self_assessment(edition.participants.get(unit__code="01"), user=None)
    staff_user("appraiser").__class__.objects.filter(groups__name="appraiser").update(
        email="tham@example.vn"
    )

    response = admin.get(confirm(edition, "open_appraisal"))

    assert counts(response) == {
        "Participants": "3",
        "Self-assessments submitted": "1 of 3",
        "Sub-criteria self-assessed": "9 of 9",
        "Sub-criteria appraised": "9 of 9",
        "Open disagreements": "0",
        "Told by email": "1",
    }
    text = response.content.decode()
    assert (
        "2 units have not submitted their self-assessment; this step locks them out: their "
        "officers can no longer enter or change it."
    ) in text
    assert '<ul class="locked-out"><li>Lao Cai</li><li>Hai Phong</li></ul>' in text
    assert '<input type="hidden" name="action" value="open_appraisal">' in text


def test_opening_the_review_counts_the_appraisal_and_the_open_disagreements(
    admin, scored_provinces
):
    edition = in_stage(scored_provinces, Edition.Status.APPRAISAL)
    Score.objects.filter(participant__unit__code="10", criterion__code="2.2").update(
        appraised_points=None
    )

    response = admin.get(confirm(edition, "open_review"))

    assert counts(response) == {
        "Participants": "3",
        "Self-assessments submitted": "0 of 3",
        "Sub-criteria self-assessed": "9 of 9",
        "Sub-criteria appraised": "8 of 9",
        "Open disagreements": "1",
        # Officers of the units with deductions: none has an account here.
        "Told by email": "0",
    }
    text = response.content.decode()
    assert "1 unit still has self-assessed sub-criteria without appraised points:" in text
    assert '<ul class="unappraised"><li>Lao Cai</li></ul>' in text


def test_a_confirmation_for_a_stage_the_edition_has_left_is_refused(admin, scored_provinces):
    edition = in_stage(scored_provinces, Edition.Status.APPRAISAL)

    response = admin.get(confirm(edition, "open_appraisal"))

    assert response.status_code == 409
    text = response.content.decode()
    assert (
        "the 2019 province edition is in the Appraisal stage; it cannot move on from there this way"
    ) in text
    assert 'class="next-step"' not in text  # nothing to confirm


@pytest.mark.parametrize("role", ["appraiser", "unit_officer"])
def test_only_an_admin_sees_the_confirmation(client, scored_provinces, role):
    unit = scored_provinces.participants.first().unit if role == "unit_officer" else None
    other = staff_client(client, role, unit=unit)

    assert other.get(confirm(scored_provinces, "open_self_assessment")).status_code == 403

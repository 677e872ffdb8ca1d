"""The stage moves an admin can take back, corrections scoped to units and a unit's extension,
on the writers (scoring.lifecycle, scoring.points, scoring.permissions, scoring.submission)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from files.problems import Refused
from provinces.models import Unit
from scoring.lifecycle import (
    open_appraisal,
    open_review,
    open_self_assessment,
    reopen_edition,
    step_back,
)
from scoring.models import Edition, EditionEvent, Score
from scoring.points import Appraisal, SelfAssessment, appraise, set_self_points
from scoring.publish import publish_edition
from scoring.submission import submit_self_assessment
from tests.conftest import lines
from tests.staff_fixtures import staff_user


@pytest.fixture
def admin(db):
    return staff_user("admin", username="quantri")


def _appraisal(edition, admin):
    edition = open_self_assessment(edition, user=admin)
    return open_appraisal(edition, user=admin)


# Taking a stage back -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moves", "before", "after"),
    [
        (1, "self_assessment", "draft"),
        (2, "appraisal", "self_assessment"),
        (3, "review", "appraisal"),
    ],
)
def test_an_admin_takes_each_working_stage_back_one_stage_with_the_reason_recorded(
    scored_provinces, admin, moves, before, after
):
    edition = scored_provinces
    for move in (open_self_assessment, open_appraisal, open_review)[:moves]:
        edition = move(edition, user=admin)
    assert edition.status == before

    edition = step_back(edition, user=admin, reason="Mở nhầm giai đoạn")

    assert Edition.objects.get(pk=edition.pk).status == after
    last = EditionEvent.objects.filter(edition=edition).order_by("-pk").first()
    assert (last.action, last.user, last.reason) == ("step_back", admin, "Mở nhầm giai đoạn")


def test_taking_a_stage_back_needs_a_written_reason(scored_provinces, admin):
    edition = open_self_assessment(scored_provinces, user=admin)

    with pytest.raises(Refused) as refusal:
        step_back(edition, user=admin, reason="   ")

    assert lines(refusal.value.problems) == ["taking a stage back needs a written reason"]
    assert Edition.objects.get(pk=edition.pk).status == "self_assessment"


def test_a_draft_or_a_published_edition_is_not_taken_back_this_way(scored_provinces, admin):
    with pytest.raises(Refused) as refusal:
        step_back(scored_provinces, user=admin, reason="Nhầm")
    assert lines(refusal.value.problems) == [
        "the 2019 province edition is in the Draft stage, which cannot be taken back this way"
    ]
    published = publish_edition(scored_provinces)
    with pytest.raises(Refused):
        step_back(published, user=admin, reason="Nhầm")
    assert Edition.objects.get(pk=published.pk).status == "published"
    assert not EditionEvent.objects.filter(action="step_back").exists()


def test_a_step_back_confirmed_for_another_stage_is_refused(scored_provinces, admin):
    """The confirmation page showed the appraisal; the edition moved on to review meanwhile."""
    edition = open_review(_appraisal(scored_provinces, admin), user=admin)

    with pytest.raises(Refused):
        step_back(edition, user=admin, reason="Nhầm", expected="appraisal")

    assert Edition.objects.get(pk=edition.pk).status == "review"


def test_only_an_admin_takes_a_stage_back(scored_provinces, admin):
    edition = open_self_assessment(scored_provinces, user=admin)

    with pytest.raises(Refused) as refusal:
        step_back(edition, user=staff_user("appraiser"), reason="Nhầm")

    assert lines(refusal.value.problems) == [
        "only an admin moves an edition from one stage to the next"
    ]
    assert Edition.objects.get(pk=edition.pk).status == "self_assessment"


# Corrections scoped to units -------------------------------------------------------------------


def _reopened(published, admin, *codes):
    units = [published.participants.get(unit__code=code).unit for code in codes]
    return reopen_edition(published, user=admin, reason="Sai sót điểm", units=units)


def _appraise(edition, code, leaf, points, user):
    participant = edition.participants.get(unit__code=code)
    entry = Appraisal(participant, edition.criteria.get(code=leaf), points=Decimal(points))
    return appraise(edition, [entry], user=user, source="web")


def test_a_reopening_keeps_the_units_it_names(published, admin):
    edition = _reopened(published, admin, "31", "01")

    event = EditionEvent.objects.get(edition=edition, action="reopen")
    assert sorted(event.units.values_list("code", flat=True)) == ["01", "31"]


def test_a_reopening_without_units_or_with_a_unit_not_taking_part_is_refused(published, admin):
    with pytest.raises(Refused) as refusal:
        reopen_edition(published, user=admin, reason="Sai sót", units=[])
    assert lines(refusal.value.problems) == [
        "a correction names the units it concerns (one or more)"
    ]
    stranger = Unit.objects.filter(level="province").exclude(code__in=["01", "31", "10"]).first()
    with pytest.raises(Refused) as refusal:
        reopen_edition(published, user=admin, reason="Sai sót", units=[stranger])
    assert lines(refusal.value.problems) == [
        f"unit {stranger.code} does not take part in the 2019 province edition"
    ]
    assert Edition.objects.get(pk=published.pk).status == "published"


def test_while_reopened_only_the_named_units_scores_change(published, admin):
    edition = _reopened(published, admin, "31")
    appraiser = staff_user("appraiser")

    _appraise(edition, "31", "1.1", "6.5", appraiser)
    with pytest.raises(Refused) as refusal:
        _appraise(edition, "01", "1.1", "8", appraiser)

    assert lines(refusal.value.problems) == [
        "the correction of the 2019 province edition concerns other units: the scores of "
        "Hà Nội cannot change until it is published again"
    ]
    points = dict(
        Score.objects.filter(criterion__code="1.1").values_list(
            "participant__unit__code", "appraised_points"
        )
    )
    assert points["31"] == Decimal("6.50")
    assert points["01"] == Decimal("7.50")


def test_once_published_again_the_scope_of_the_correction_ends(published, admin):
    edition = publish_edition(_reopened(published, admin, "31"))
    edition = reopen_edition(edition, user=admin, reason="Sai sót khác")  # the whole edition

    _appraise(edition, "01", "1.1", "8", staff_user("appraiser"))

    assert Score.objects.get(
        participant__unit__code="01", criterion__code="1.1"
    ).appraised_points == Decimal("8.00")


# A unit's extension ----------------------------------------------------------------------------


def _extended(edition, code, days):
    participant = edition.participants.get(unit__code=code)
    participant.extended_until = timezone.localdate() + datetime.timedelta(days=days)
    participant.save(update_fields=["extended_until"])
    return participant


def _self_assess(edition, participant, officer):
    entries = [
        SelfAssessment(participant, edition.criteria.get(code=code), points=Decimal(points))
        for code, points in (("1.1", "7.5"), ("2.1", "5"), ("2.2", "3"))
    ]
    return set_self_points(edition, entries, user=officer, source="web")


def test_a_unit_with_an_extension_still_enters_and_submits_after_the_appraisal_opened(
    scored_provinces, admin
):
    edition = _appraisal(scored_provinces, admin)
    participant = _extended(edition, "01", 0)  # until the end of today
    officer = staff_user("unit_officer", unit=participant.unit)

    _self_assess(edition, participant, officer)
    submitted = submit_self_assessment(participant, user=officer)

    assert submitted.submitted_at is not None
    score = Score.objects.get(participant=participant, criterion__code="1.1")
    assert score.self_points == Decimal("7.5")


def test_without_a_current_extension_the_unit_is_locked_once_the_appraisal_opened(
    scored_provinces, admin
):
    edition = _appraisal(scored_provinces, admin)
    expired = _extended(edition, "01", -1)
    others = edition.participants.get(unit__code="31")

    for participant in (expired, others):
        officer = staff_user("unit_officer", unit=participant.unit)
        with pytest.raises(Refused) as refusal:
            _self_assess(edition, participant, officer)
        assert lines(refusal.value.problems) == [
            "self_points cannot be written while the 2019 province edition is in the Appraisal "
            "stage"
        ]


def test_an_extension_does_not_let_another_units_officer_write(scored_provinces, admin):
    edition = _appraisal(scored_provinces, admin)
    participant = _extended(edition, "01", 3)
    stranger = staff_user("unit_officer", unit=edition.participants.get(unit__code="31").unit)

    with pytest.raises(Refused) as refusal:
        _self_assess(edition, participant, stranger)

    assert lines(refusal.value.problems) == ["a unit officer writes for their own unit only"]

"""Submitting a self-assessment: complete first, then locked for the unit; an admin gives it back.

The fixture tree (tests/conftest.py): self leaves 1.1 (max 8), 2.1 (5), 2.2 (3); 1.2 is survey.
"""

from decimal import Decimal

import pytest

from files.problems import Refused
from scoring.lifecycle import open_self_assessment
from scoring.models import EditionChange, Score
from scoring.points import SelfAssessment, set_self_points
from scoring.submission import return_self_assessment, submit_self_assessment
from tests.conftest import lines
from tests.staff_fixtures import staff_user


@pytest.fixture
def hanoi(province_edition):
    open_self_assessment(province_edition, user=None)
    return province_edition.participants.select_related("unit", "edition").get(unit__code="01")


@pytest.fixture
def officer(hanoi):
    return staff_user("unit_officer", unit=hanoi.unit, username="canbo-hanoi")


@pytest.fixture
def admin(db):
    return staff_user("admin", username="quantri")


def _self_points(hanoi, user, points: dict[str, str]):
    edition = hanoi.edition
    entries = [
        SelfAssessment(hanoi, edition.criteria.get(code=code), points=Decimal(value))
        for code, value in points.items()
    ]
    set_self_points(edition, entries, user=user, source="web")


COMPLETE = {"1.1": "7", "2.1": "5", "2.2": "2.5"}


def test_an_incomplete_self_assessment_is_refused_listing_the_codes_without_points(hanoi, officer):
    _self_points(hanoi, officer, {"1.1": "7"})

    with pytest.raises(Refused) as refused:
        submit_self_assessment(hanoi, user=officer)

    assert lines(refused.value.problems) == [
        "the self-assessment is not complete: 2 sub-criteria have no points (2.1, 2.2)"
    ]
    hanoi.refresh_from_db()
    assert hanoi.submitted_at is None
    assert not EditionChange.objects.filter(
        subject="participant", key="01", action="changed"
    ).exists()


def test_a_complete_self_assessment_is_submitted_and_recorded(hanoi, officer):
    _self_points(hanoi, officer, COMPLETE)

    submit_self_assessment(hanoi, user=officer)

    hanoi.refresh_from_db()
    assert hanoi.submitted_by == officer
    assert hanoi.submitted_at is not None
    change = EditionChange.objects.get(subject="participant", key="01", action="changed")
    assert (change.action, change.key, change.user, change.source) == (
        "changed",
        "01",
        officer,
        "web",
    )
    assert change.old_value == {"submitted": None}
    # Under the default rule (warn) the record names the sub-criteria claimed without evidence.
    assert change.new_value == {
        "submitted": hanoi.submitted_at.isoformat(),
        "without_evidence": ["1.1", "2.1", "2.2"],
    }


def test_after_submitting_the_officers_writes_are_refused_but_an_admins_are_not(
    hanoi, officer, admin
):
    _self_points(hanoi, officer, COMPLETE)
    submit_self_assessment(hanoi, user=officer)

    with pytest.raises(Refused) as refused:
        _self_points(hanoi, officer, {"1.1": "8"})

    assert len(refused.value.problems) == 1
    assert lines(refused.value.problems)[0].startswith(
        "the self-assessment of Hà Nội was submitted on "
    )
    assert lines(refused.value.problems)[0].endswith(
        " and can no longer be changed; an admin can give it back"
    )
    assert Score.objects.get(criterion__code="1.1").self_points == Decimal("7.00")
    _self_points(hanoi, admin, {"1.1": "8"})
    assert Score.objects.get(criterion__code="1.1").self_points == Decimal("8.00")


def test_submitting_twice_is_refused(hanoi, officer):
    _self_points(hanoi, officer, COMPLETE)
    submit_self_assessment(hanoi, user=officer)

    with pytest.raises(Refused) as refused:
        submit_self_assessment(hanoi, user=officer)

    assert lines(refused.value.problems) == ["the self-assessment of Hà Nội is already submitted"]


def test_another_units_officer_cannot_submit_it(hanoi, officer, province_edition):
    _self_points(hanoi, officer, COMPLETE)
    haiphong = province_edition.participants.get(unit__code="31").unit
    stranger = staff_user("unit_officer", unit=haiphong)

    with pytest.raises(Refused) as refused:
        submit_self_assessment(hanoi, user=stranger)

    assert lines(refused.value.problems) == ["a unit officer writes for their own unit only"]


def test_an_admin_gives_it_back_with_a_reason_and_the_officer_may_write_again(
    hanoi, officer, admin
):
    _self_points(hanoi, officer, COMPLETE)
    submit_self_assessment(hanoi, user=officer)

    return_self_assessment(hanoi, user=admin, reason="Thiếu tài liệu kiểm chứng 2.1")

    hanoi.refresh_from_db()
    assert (hanoi.submitted_at, hanoi.submitted_by) == (None, None)
    change = EditionChange.objects.filter(subject="participant", key="01", action="changed").first()
    assert change.user == admin
    assert change.new_value == {"submitted": None, "reason": "Thiếu tài liệu kiểm chứng 2.1"}
    _self_points(hanoi, officer, {"2.1": "4"})
    assert Score.objects.get(criterion__code="2.1").self_points == Decimal("4.00")


@pytest.mark.parametrize(
    "who, reason, expected",
    [
        ("officer", "reason", "only an admin gives a submitted self-assessment back"),
        ("admin", "  ", "giving a self-assessment back needs a written reason"),
    ],
)
def test_only_an_admin_with_a_reason_gives_it_back(hanoi, officer, admin, who, reason, expected):
    _self_points(hanoi, officer, COMPLETE)
    submit_self_assessment(hanoi, user=officer)

    with pytest.raises(Refused) as refused:
        return_self_assessment(hanoi, user={"officer": officer, "admin": admin}[who], reason=reason)

    assert lines(refused.value.problems) == [expected]


def test_what_was_not_submitted_cannot_be_given_back(hanoi, admin):
    with pytest.raises(Refused) as refused:
        return_self_assessment(hanoi, user=admin, reason="by mistake")

    assert lines(refused.value.problems) == ["the self-assessment of Hà Nội has not been submitted"]

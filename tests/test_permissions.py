"""scoring.permissions: who may write what in which stage, tested as the whole matrix, and the
writers (the same for forms, imports and the admin) obeying it.

The rule restated here from docs/rules.md, independently of the code: a unit officer writes only
their own unit's self-assessment during self_assessment, and replies to deductions on their own
unit during review; an appraiser writes appraised points during appraisal and review, and answers
replies during review; an admin sets up and fills an edition in any stage before it is published;
nothing is writable once published.
"""

from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from files.problems import Refused
from provinces.models import Unit
from scoring.editions import Change
from scoring.models import Edition, Score, UnitAssignment
from scoring.permissions import ADMIN, APPRAISER, ROLES, UNIT_OFFICER, allowed, role_of
from scoring.points import Appraisal, SelfAssessment, appraise, set_self_points
from tests.conftest import lines

STAGES = [status for status, _label in Edition.Status.choices]
CHANGES = [
    Change.METHODOLOGY,
    Change.PARTICIPANTS,
    Change.SELF_POINTS,
    Change.APPRAISED_POINTS,
    Change.SURVEY_POINTS,
    Change.PUBLISHED_RESULTS,
    Change.REPLY,
]


def expected(role: str, stage: str, change: str, own_unit: bool) -> bool:
    if stage == Edition.Status.PUBLISHED:
        return False
    if role == ADMIN:
        return True
    if role == UNIT_OFFICER:
        return own_unit and (stage, change) in {
            ("self_assessment", Change.SELF_POINTS),
            ("review", Change.REPLY),
        }
    return (stage, change) in {
        ("appraisal", Change.APPRAISED_POINTS),
        ("review", Change.APPRAISED_POINTS),
        ("review", Change.REPLY),
    }


@pytest.mark.parametrize(
    "role, stage, change, own_unit", list(product(ROLES, STAGES, CHANGES, (True, False)))
)
def test_the_matrix_allows_exactly_what_the_rules_say(role, stage, change, own_unit):
    assert allowed(role, stage, change, own_unit=own_unit) is expected(
        role, stage, change, own_unit
    )


def test_no_role_may_write_nothing():
    assert not any(allowed(None, stage, change) for stage, change in product(STAGES, CHANGES))


def _user(name: str, role: str | None, unit: Unit | None = None):
    user = get_user_model().objects.create_user(name, password="x")
    if role:
        user.groups.add(Group.objects.get(name=role))
    if unit:
        UnitAssignment.objects.create(user=user, unit=unit)
    return user


def test_roles_come_from_the_groups_the_migration_creates(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert role_of(_user("a", APPRAISER)) == APPRAISER
    assert role_of(_user("b", None)) is None
    assert role_of(None) == ADMIN  # a management command acts as the system


def _entry(edition, kind, unit_code, leaf_code, points):
    participant = edition.participants.select_related("unit").get(unit__code=unit_code)
    return kind(participant, edition.criteria.get(code=leaf_code), Decimal(points))


@pytest.fixture
def officer(province_edition):
    return _user("hanoi", UNIT_OFFICER, Unit.objects.of_year(2019).get(code="01"))


def test_a_unit_officer_writes_their_own_units_self_assessment_during_self_assessment(
    province_edition, officer
):
    Edition.objects.filter(pk=province_edition.pk).update(status="self_assessment")

    set_self_points(
        province_edition,
        [_entry(province_edition, SelfAssessment, "01", "1.1", "7")],
        user=officer,
        source="web",
    )

    assert Score.objects.get().self_points == Decimal("7.00")


def test_a_unit_officer_cannot_write_another_units_points(province_edition, officer):
    Edition.objects.filter(pk=province_edition.pk).update(status="self_assessment")

    with pytest.raises(Refused) as refusal:
        set_self_points(
            province_edition,
            [_entry(province_edition, SelfAssessment, "31", "1.1", "7")],
            user=officer,
            source="web",
        )

    assert lines(refusal.value.problems) == ["a unit officer writes for their own unit only"]
    assert not Score.objects.exists()


@pytest.mark.parametrize("stage", ["draft", "appraisal", "review"])
def test_a_unit_officer_cannot_write_outside_self_assessment(province_edition, officer, stage):
    Edition.objects.filter(pk=province_edition.pk).update(status=stage)

    with pytest.raises(Refused):
        set_self_points(
            province_edition,
            [_entry(province_edition, SelfAssessment, "01", "1.1", "7")],
            user=officer,
            source="web",
        )

    assert not Score.objects.exists()


def test_an_appraiser_cannot_appraise_during_self_assessment(province_edition):
    appraiser = _user("thamdinh", APPRAISER)
    entries = [_entry(province_edition, Appraisal, "31", "1.1", "6")]
    Edition.objects.filter(pk=province_edition.pk).update(status="self_assessment")

    with pytest.raises(Refused) as refusal:
        appraise(province_edition, entries, user=appraiser, source="web")
    Edition.objects.filter(pk=province_edition.pk).update(status="appraisal")
    appraise(province_edition, entries, user=appraiser, source="web")

    assert lines(refusal.value.problems) == [
        "appraised_points cannot be written while the 2019 province edition is in the "
        "Self-assessment stage"
    ]
    assert Score.objects.get().appraised_points == Decimal("6.00")

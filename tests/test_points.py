"""scoring.points: the rules for a leaf's points and the three writers of points.

The fixture tree (tests/conftest.py): 1.1 self 8, 1.2 survey 4, 2.1 self 5, 2.2 self 3.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from files.problems import Refused
from scoring.models import Edition, Score, ScoreChange
from scoring.points import (
    KEEP,
    Appraisal,
    SelfAssessment,
    SurveyResult,
    appraise,
    parse_points,
    points_problem,
    set_self_points,
    set_survey_points,
)
from scoring.publish import publish_edition
from tests.conftest import lines


def _leaf(edition: Edition, code: str):
    return edition.criteria.get(code=code)


def _participant(edition: Edition, unit_code: str):
    return edition.participants.select_related("unit").get(unit__code=unit_code)


@pytest.fixture
def admin_user(db):
    """An admin: writes any points before publishing (who writes what when: test_permissions)."""
    user = get_user_model().objects.create_user("quantri", password="x")
    user.groups.add(Group.objects.get(name="admin"))
    return user


@pytest.mark.parametrize(
    "value, maximum, expected",
    [
        ("8", "8", None),
        ("0", "8", None),
        ("7.25", "8", None),
        ("7.125", "8", "7.125 has more than 2 decimals"),
        ("-0.5", "8", "-0.5 is below 0"),
        ("8.01", "8.00", "8.01 is above the maximum of 8.00"),
        ("100000", None, "100000 is too large (at most 99999.99)"),
    ],
)
def test_a_value_is_points_only_within_its_leafs_maximum_with_two_decimals(
    value, maximum, expected
):
    problem = points_problem(Decimal(value), Decimal(maximum) if maximum else None)

    assert (str(problem) if problem else None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("7,5", (Decimal("7.5"), None)),
        (" 7.25 ", (Decimal("7.25"), None)),
        ("", (None, None)),
        ("1e1", (None, '"1e1" is not a number of points (e.g. 7.5 or 7,5)')),
        ("\u0661\u0662", (None, '"\u0661\u0662" is not a number of points (e.g. 7.5 or 7,5)')),
        ("NaN", (None, '"NaN" is not a number of points (e.g. 7.5 or 7,5)')),
        ("Infinity", (None, '"Infinity" is not a number of points (e.g. 7.5 or 7,5)')),
        ("8,01", (None, "8,01 is above the maximum of 8.00")),
    ],
)
def test_points_are_read_as_people_type_them_and_nothing_else_python_calls_a_number(text, expected):
    value, problem = parse_points(text, Decimal("8.00"))

    assert (value, str(problem) if problem else None) == expected


def test_self_points_are_written_with_an_audit_row_naming_who_and_where(
    province_edition, admin_user
):
    hanoi, leaf = _participant(province_edition, "01"), _leaf(province_edition, "1.1")

    written = set_self_points(
        province_edition,
        [SelfAssessment(hanoi, leaf, points=Decimal("7.50"), evidence_url="https://a.vn/1")],
        user=admin_user,
        source="web",
    )

    assert written.counts() == (1, 0, 0)
    score = Score.objects.get()
    assert (score.self_points, score.evidence_url) == (Decimal("7.50"), "https://a.vn/1")
    change = ScoreChange.objects.get(column="self_points")
    assert (change.column, change.old_value, change.new_value) == ("self_points", "", "7.50")
    assert (change.user, change.source) == (admin_user, "web")


def test_an_appraisal_keeps_the_self_assessment_and_records_its_reason(
    province_edition, admin_user
):
    hanoi, leaf = _participant(province_edition, "01"), _leaf(province_edition, "1.1")
    set_self_points(
        province_edition, [SelfAssessment(hanoi, leaf, Decimal("8"))], user=None, source="import"
    )

    written = appraise(
        province_edition,
        [Appraisal(hanoi, leaf, Decimal("6.5"), reason="Thiếu tài liệu kiểm chứng")],
        user=admin_user,
        source="web",
    )

    assert written.counts() == (0, 1, 0)
    score = Score.objects.get()
    assert (score.self_points, score.appraised_points) == (Decimal("8.00"), Decimal("6.50"))
    change = ScoreChange.objects.get(column="appraised_points")
    assert (change.new_value, change.reason) == ("6.5", "Thiếu tài liệu kiểm chứng")


def test_the_same_points_again_change_nothing_and_write_no_audit_row(province_edition):
    hanoi, leaf = _participant(province_edition, "01"), _leaf(province_edition, "1.2")
    entry = SurveyResult(hanoi, leaf, Decimal("3"), respondents=500)
    set_survey_points(province_edition, [entry], user=None, source="a")

    written = set_survey_points(province_edition, [entry], user=None, source="b")

    assert written.counts() == (0, 0, 1)
    assert ScoreChange.objects.count() == 1


def test_keep_leaves_a_stored_value_and_none_clears_it(province_edition):
    hanoi, leaf = _participant(province_edition, "01"), _leaf(province_edition, "1.1")
    set_self_points(
        province_edition,
        [SelfAssessment(hanoi, leaf, Decimal("8"), evidence_url="https://a.vn")],
        user=None,
        source="a",
    )

    set_self_points(
        province_edition, [SelfAssessment(hanoi, leaf, None, KEEP)], user=None, source="b"
    )

    score = Score.objects.get()
    assert (score.self_points, score.evidence_url) == (None, "https://a.vn")


def test_a_rejected_change_writes_nothing_not_even_its_audit_rows(province_edition):
    hanoi = _participant(province_edition, "01")
    entries = [
        SelfAssessment(hanoi, _leaf(province_edition, "2.1"), Decimal("5")),
        SelfAssessment(hanoi, _leaf(province_edition, "1.1"), Decimal("8.5")),
        SelfAssessment(hanoi, _leaf(province_edition, "1.2"), Decimal("1")),
    ]

    with pytest.raises(Refused) as refusal:
        set_self_points(province_edition, entries, user=None, source="web")

    assert lines(refusal.value.problems) == [
        "8.5 is above the maximum of 8.00",
        "1.2 is a survey sub-criterion; its points come from a survey file",
    ]
    assert not Score.objects.exists()
    assert not ScoreChange.objects.exists()


def test_a_published_edition_accepts_no_points(scored_provinces):
    publish_edition(scored_provinces)
    hanoi, leaf = _participant(scored_provinces, "01"), _leaf(scored_provinces, "1.1")
    before = list(Score.objects.values_list("pk", "appraised_points"))

    with pytest.raises(Refused) as refusal:
        appraise(scored_provinces, [Appraisal(hanoi, leaf, Decimal("1"))], user=None, source="w")

    assert lines(refusal.value.problems) == [
        "the 2019 province edition is published; a correction must reopen it "
        "before anything is imported into it"
    ]
    assert list(Score.objects.values_list("pk", "appraised_points")) == before


def test_points_for_a_participant_of_another_edition_are_refused(
    province_edition, ministry_edition
):
    btp = _participant(ministry_edition, "BTP")

    with pytest.raises(Refused) as refusal:
        set_self_points(
            province_edition,
            [SelfAssessment(btp, _leaf(province_edition, "1.1"), Decimal("1"))],
            user=None,
            source="web",
        )

    assert lines(refusal.value.problems) == [
        "Bộ Tư pháp (BTP) does not take part in the 2019 province edition "
        "(add it with a participants file)"
    ]

"""scoring.participation: the writer of an edition's participants records every addition,
change and removal, and never drops a participant that has points."""

import pytest

from files.problems import Refused
from provinces.models import Unit
from scoring.models import EditionChange, Participant
from scoring.participation import Participation, set_participants
from tests.conftest import lines


def _unit(code: str, level: str = "province") -> Unit:
    return Unit.objects.of_year(2019).get(level=level, code=code)


def test_the_list_becomes_the_editions_participants_and_each_change_is_recorded(
    province_edition,
):
    written, removed = set_participants(
        province_edition,
        [
            Participation(_unit("01")),
            Participation(_unit("31"), ranked=False, note="Sáp nhập"),
            Participation(_unit("22")),
        ],
        user=None,
        source="import participants p.csv",
    )

    assert (written.counts(), removed) == ((1, 1, 1), 1)
    assert sorted(province_edition.participants.values_list("unit__code", "ranked", "note")) == [
        ("01", True, ""),
        ("22", True, ""),
        ("31", False, "Sáp nhập"),
    ]
    changes = EditionChange.objects.filter(source="import participants p.csv").order_by("key")
    assert [(c.key, c.action, c.old_value, c.new_value) for c in changes] == [
        ("10", "removed", {"ranked": True, "note": ""}, None),
        ("22", "added", None, {"ranked": True, "note": ""}),
        ("31", "changed", {"ranked": True, "note": ""}, {"ranked": False, "note": "Sáp nhập"}),
    ]


def test_a_participant_with_points_is_never_dropped(scored_provinces):
    with pytest.raises(Refused) as refusal:
        set_participants(scored_provinces, [Participation(_unit("01"))], user=None, source="admin")

    assert lines(refusal.value.problems) == [
        "Lào Cai (10) has points in this edition but is missing from the file "
        "(list every participant)",
        "Hải Phòng (31) has points in this edition but is missing from the file "
        "(list every participant)",
    ]
    assert scored_provinces.participants.count() == 3
    assert not EditionChange.objects.filter(source="admin").exists()


def test_a_unit_of_another_level_or_year_cannot_take_part(province_edition):
    new_tay_ninh = Unit.objects.of_year(2025).get(level="province", code="80")
    ministry = _unit("BTP", level="ministry")

    with pytest.raises(Refused) as refusal:
        set_participants(
            province_edition,
            [Participation(_unit("01")), Participation(new_tay_ninh), Participation(ministry)],
            user=None,
            source="admin",
        )

    assert lines(refusal.value.problems) == [
        "Tây Ninh (80) is not a province unit of 2019, so it cannot take part",
        "Bộ Tư pháp (BTP) is not a province unit of 2019, so it cannot take part",
    ]
    assert Participant.objects.filter(edition=province_edition).count() == 3

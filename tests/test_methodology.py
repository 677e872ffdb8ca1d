"""scoring.methodology: changes to a tree that hold points are refused, naming the units and
leaves; every node added or changed is recorded. Driven through methodology files, as an admin
changes a tree, and through the writer itself.

The fixture tree (tests/conftest.py): 1 = 1.1 self 8 + 1.2 survey 4; 2 = 2.1 self 5 + 2.2 self 3.
"""

from decimal import Decimal

import pytest

from files.problems import Refused
from scoring.methodology import CriterionSpec, import_methodology
from scoring.models import Criterion, EditionChange, Score
from tests.conftest import imported, lines, run_import

HEADER = "year,level,code,name_vi,max_points,method\n"


def _refused(text: str) -> list[str]:
    nodes = list(Criterion.objects.order_by("pk").values_list("code", "max_points", "method"))
    changes = EditionChange.objects.count()
    report = run_import("methodology", HEADER + text)
    assert not report.ok
    assert list(Criterion.objects.order_by("pk").values_list("code", "max_points", "method")) == (
        nodes
    )
    assert EditionChange.objects.count() == changes
    return lines(report.problems)


def test_a_leaf_with_points_cannot_get_sub_criteria(scored_provinces):
    problems = _refused(
        "2019,province,2.2,Tiêu chí 2.2,3,\n"
        "2019,province,2.2.1,Tiêu chí 2.2.1,2,self\n"
        "2019,province,2.2.2,Tiêu chí 2.2.2,1,self\n"
    )

    assert problems == [
        "row 2, column code: 2.2 has points stored for 3 units (01, 10, 31); "
        "it cannot get sub-criteria"
    ]


def test_a_maximum_cannot_fall_below_points_already_stored(scored_provinces):
    # 2.1 and 2.2 swap maxima (5/3 → 3/5): the field's sum holds, Hà Nội's 5 on 2.1 does not.
    problems = _refused(
        "2019,province,2.1,Tiêu chí 2.1,3,self\n2019,province,2.2,Tiêu chí 2.2,5,self\n"
    )

    assert problems == [
        "row 2, column max_points: 2.1 cannot have a maximum of 3.00: 3 units have more "
        "points on it (01, 10, 31)"
    ]


def test_a_maximum_may_fall_to_the_highest_points_stored(scored_provinces):
    imported("methodology", HEADER + "2019,province,2.1,Tiêu chí 2.1,5,self\n")

    assert Criterion.objects.get(code="2.1").max_points == Decimal("5.00")


def test_a_leaf_with_points_cannot_change_its_method(scored_provinces):
    problems = _refused("2019,province,1.2,Tiêu chí 1.2,4,self\n")

    assert problems == [
        "row 2, column method: 1.2 cannot change from survey to self: 3 units have survey "
        "points on it (01, 10, 31)"
    ]


def test_a_leaf_without_points_may_change_its_method(province_edition):
    imported("methodology", HEADER + "2019,province,1.2,Tiêu chí 1.2,4,self\n")

    assert Criterion.objects.get(code="1.2").method == "self"


@pytest.mark.parametrize("code", ["1.١", "２", "1.12345", "1.1.1.1.1.1.1"])
def test_a_code_of_other_digits_or_too_deep_is_refused(province_edition, code):
    problems = _refused(f"2019,province,{code},Tiêu chí,1,self\n")

    assert problems[0] == (
        f'row 2, column code: "{code}" is not a dotted code (expected e.g. 1, 1.2, 1.2.3)'
    )


def test_a_maximum_beyond_what_an_edition_can_hold_is_refused(db):
    problems = _refused(
        "2030,province,1,Lĩnh vực một,99999.99,self\n2030,province,2,Lĩnh vực hai,1,self\n"
    )

    assert problems == [
        "row 2, column max_points: the fields add up to a maximum of 100000.99, more than "
        "the 99999.99 points an edition can hold"
    ]


def test_every_node_added_or_changed_is_recorded_with_its_source(province_edition):
    before = EditionChange.objects.filter(subject="criterion").count()

    edition, written, is_new = import_methodology(
        2019,
        "province",
        [
            CriterionSpec("2", "Lĩnh vực hai", Decimal("9.00")),
            CriterionSpec("2.3", "Tiêu chí 2.3", Decimal("1.00"), method="self"),
        ],
        user=None,
        source="admin",
    )

    assert (written.counts(), is_new) == ((1, 1, 0), False)
    changes = EditionChange.objects.filter(subject="criterion").order_by("pk")[before:]
    assert [(c.action, c.key, c.source) for c in changes] == [
        ("changed", "2", "admin"),
        ("added", "2.3", "admin"),
    ]
    assert changes[0].old_value["max_points"] == "8.00"
    assert changes[0].new_value["max_points"] == "9.00"


def test_the_writer_refuses_what_the_file_check_refuses(scored_provinces):
    with pytest.raises(Refused) as refusal:
        import_methodology(
            2019,
            "province",
            [CriterionSpec("2.1", "Tiêu chí 2.1", Decimal("2.00"), method="self")],
            user=None,
            source="admin",
        )

    assert lines(refusal.value.problems)[0].startswith("the maximum of 2 is 8.00")
    assert Score.objects.filter(criterion__code="2.1").count() == 3

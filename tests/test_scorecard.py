"""scoring.scorecard.best_units: the units the public profile and the staff's review preview
name as the best on each field."""

from decimal import Decimal
from types import SimpleNamespace

from scoring.scorecard import BestUnit, best_units


def _row(code, fields, ranked=True):
    return SimpleNamespace(
        code=code, slug=f"unit-{code}", name=f"Unit {code}", ranked=ranked, fields=fields
    )


def test_ties_at_the_top_are_listed_by_code_whatever_the_rows_order_and_unranked_units_left_out():
    rows = [
        _row("31", {"1": Decimal("90.00"), "2": Decimal("70.00")}),
        _row("01", {"1": Decimal("90.00"), "2": Decimal("80.00")}),
        _row("10", {"1": Decimal("95.00")}, ranked=False),
    ]

    best = best_units(rows)

    assert best == {
        "1": [
            BestUnit(slug="unit-01", name="Unit 01", index=Decimal("90.00")),
            BestUnit(slug="unit-31", name="Unit 31", index=Decimal("90.00")),
        ],
        "2": [BestUnit(slug="unit-01", name="Unit 01", index=Decimal("80.00"))],
    }

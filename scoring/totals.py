"""Subtotals per field and the total of one participant's points, from whatever points are at
hand: stored ones, or those a form posted before they are saved (the self-assessment screen's
"Recalculate totals" and its live totals both ask this, so the server is the one that adds up).

Pure over the Tree: no queries. docs/rules.md: node points are the sum of their children's, the
total is the sum of the fields; values have 2 decimals, so these sums are exact.
"""

from dataclasses import dataclass
from decimal import Decimal

from scoring.models import Criterion
from scoring.tree import Tree

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class FieldTotal:
    code: str
    points: Decimal
    max_points: Decimal
    entered: int  # leaves with points
    leaves: int


@dataclass(frozen=True)
class Totals:
    fields: list[FieldTotal]
    points: Decimal
    max_points: Decimal


def totals(tree: Tree, points: dict[str, Decimal | None], *, method: str = "") -> Totals:
    """Per field and overall: the sum of the leaves' points (by leaf code; a leaf missing or None
    counts 0) beside the maximum, with 2 decimals. With a method (the appraisal's `self`), only
    the leaves of that method count, and a field's maximum is the sum of theirs."""
    by_field: dict[str, list] = {node.code: [] for node in tree.fields}
    maxima: dict[str, Decimal] = {node.code: Decimal(0) for node in tree.fields}
    for leaf in tree.leaves:
        if method and leaf.method != method:
            continue
        by_field[leaf.field_code].append(points.get(leaf.code))
        maxima[leaf.field_code] += leaf.max_points
    fields = [
        FieldTotal(
            code=node.code,
            points=sum(
                (value for value in by_field[node.code] if value is not None), Decimal(0)
            ).quantize(TWO_PLACES),
            max_points=maxima[node.code] if method else node.max_points,
            entered=sum(value is not None for value in by_field[node.code]),
            leaves=len(by_field[node.code]),
        )
        for node in tree.fields
    ]
    return Totals(
        fields=fields,
        points=sum((total.points for total in fields), Decimal(0)).quantize(TWO_PLACES),
        max_points=sum((total.max_points for total in fields), Decimal(0)),
    )


def self_assessed_totals(tree: Tree, points: dict[str, Decimal | None]) -> Totals:
    """The totals of the `self` leaves, each field's maximum being the sum of theirs: what the
    self-assessment and the appraisal screens both show, so a field's maximum reads the same on
    both (survey points are the survey's, never self-assessed)."""
    return totals(tree, points, method=Criterion.Method.SELF)

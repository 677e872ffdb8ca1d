"""Which fields moved a unit's index between two editions, and by how much: pure arithmetic, no
Django, so that anyone can check it against the downloads.

A field's exact contribution to the change in index is its change in points ÷ the edition
maximum × 100 (docs/rules.md: index = total ÷ maximum × 100, and the total is the sum of the
fields). The exact contributions add up to the change in the *exact* index, but the published
Δindex is the difference of the two *rounded* indices, which can differ by a hundredth. So the
contributions are rounded to hundredths by the largest-remainder method onto the published Δindex:
every one is its exact value rounded down or up, and together they add up to it exactly.
"""

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from math import floor

HUNDREDTH = Decimal("0.01")


def apportion(exact: Mapping[str, Fraction | Decimal], total: Decimal) -> dict[str, Decimal]:
    """`exact` rounded to hundredths so that the results add up to `total` exactly.

    Each value starts rounded down; the hundredths still missing go one each to the values with
    the largest remainders (ties: the order of `exact`). When the target is below the rounded-down
    sum (it can be, by a hundredth, as the published Δindex comes from rounded indices), the values
    with the smallest remainders give one up each instead. Returned in the order of `exact`.
    """
    keys = list(exact)
    if not keys:
        if total != 0:
            raise ValueError("nothing to apportion a non-zero total over")
        return {}
    scaled = {key: Fraction(exact[key]) * 100 for key in keys}
    target = Fraction(total) * 100
    if target.denominator != 1:
        raise ValueError(f"the total {total} is not a whole number of hundredths")
    hundredths = {key: floor(value) for key, value in scaled.items()}
    missing = int(target) - sum(hundredths.values())
    # sorted() is stable, so equal remainders keep the order of `exact`.
    by_remainder = sorted(keys, key=lambda key: scaled[key] - hundredths[key], reverse=True)
    if missing < 0:
        by_remainder = sorted(keys, key=lambda key: scaled[key] - hundredths[key])
    step = 1 if missing >= 0 else -1
    # More than one hundredth per value only when the target is far from the exact sum.
    rounds, rest = divmod(abs(missing), len(keys))
    for position, key in enumerate(by_remainder):
        hundredths[key] += step * (rounds + (1 if position < rest else 0))
    return {key: Decimal(hundredths[key]) * HUNDREDTH for key in keys}


def field_contributions(
    points: Mapping[str, Decimal],
    previous_points: Mapping[str, Decimal],
    maximum: Decimal,
    delta_index: Decimal,
) -> dict[str, Decimal]:
    """Each field's share of the published Δindex, in hundredths adding up to it exactly.

    `points` and `previous_points` are the field points of the two editions by field code; the
    caller has checked that the two trees have the same fields and maxima (otherwise the change in
    points says nothing about the change in index).
    """
    if set(points) != set(previous_points):
        raise ValueError("the two editions have different fields")
    if maximum <= 0:
        raise ValueError("the edition maximum must be positive")
    exact = {
        code: (Fraction(points[code]) - Fraction(previous_points[code])) / Fraction(maximum) * 100
        for code in points
    }
    return apportion(exact, delta_index)

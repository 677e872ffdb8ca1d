"""public.contributions: the field contributions to Δindex, rounded to hundredths by the largest
remainder so that they add up exactly to the published Δindex. Pure arithmetic, no database."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from public.contributions import apportion, field_contributions

D = Decimal


def test_thirds_give_the_leftover_hundredth_to_the_first_of_equal_remainders():
    third = Fraction(1, 3)

    assert apportion({"1": third, "2": third, "3": third}, D("1.00")) == {
        "1": D("0.34"),
        "2": D("0.33"),
        "3": D("0.33"),
    }


def test_the_leftover_hundredths_go_to_the_largest_remainders():
    # 0.123 + 0.456 + 0.421 = 1.000: rounded down 0.12 + 0.45 + 0.42 = 0.99, one hundredth
    # missing, and 0.456 has the largest remainder (0.6 of a hundredth).
    assert apportion({"a": D("0.123"), "b": D("0.456"), "c": D("0.421")}, D("1.00")) == {
        "a": D("0.12"),
        "b": D("0.46"),
        "c": D("0.42"),
    }


def test_exact_hundredths_are_kept_as_they_are():
    assert apportion({"1": D("0.25"), "2": D("-1.50")}, D("-1.25")) == {
        "1": D("0.25"),
        "2": D("-1.50"),
    }


def test_negative_contributions_round_down_towards_minus_infinity_first():
    # -1/3 each, -1.00 in all: rounded down -0.34 × 3 = -1.02; two hundredths come back to the
    # two first (equal remainders keep the input order).
    third = Fraction(-1, 3)

    assert apportion({"1": third, "2": third, "3": third}, D("-1.00")) == {
        "1": D("-0.33"),
        "2": D("-0.33"),
        "3": D("-0.34"),
    }


def test_a_published_change_above_the_exact_sum_is_made_up_by_the_largest_remainders():
    # Indices 33.334 → 33.33 and 34.665 → 34.67 (half-up): published Δ 1.34, exact sum 1.331.
    # Rounded down 0.44 + 0.44 + 0.44 = 1.32: two hundredths to the two largest remainders.
    exact = {"1": D("0.444"), "2": D("0.443"), "3": D("0.444")}

    assert apportion(exact, D("1.34")) == {"1": D("0.45"), "2": D("0.44"), "3": D("0.45")}


def test_when_the_target_is_below_the_rounded_down_sum_the_smallest_remainders_give_way():
    # Rounded down 0.50 + 0.20 = 0.70 but the published change is 0.69: 0.50 is exact (remainder
    # 0), so it gives the hundredth up rather than 0.209, which would move further from its value.
    assert apportion({"1": D("0.50"), "2": D("0.209")}, D("0.69")) == {
        "1": D("0.49"),
        "2": D("0.20"),
    }


def test_field_contributions_are_the_change_in_points_over_the_edition_maximum():
    # Maximum 20: field 1 from 9.00 to 10.50 (+7.50), field 2 from 6.00 to 7.50 (+7.50).
    assert field_contributions(
        {"1": D("10.50"), "2": D("7.50")}, {"1": D("9.00"), "2": D("6.00")}, D("20"), D("15.00")
    ) == {"1": D("7.50"), "2": D("7.50")}


def test_field_contributions_need_the_same_fields_in_both_editions():
    with pytest.raises(ValueError, match="different fields"):
        field_contributions({"1": D("1")}, {"2": D("1")}, D("10"), D("0.00"))


def test_a_total_that_is_not_whole_hundredths_is_refused():
    with pytest.raises(ValueError, match="hundredths"):
        apportion({"1": D("0.5")}, D("0.505"))


exacts = st.dictionaries(
    st.text("123456789", min_size=1, max_size=2),
    st.fractions(min_value=-100, max_value=100, max_denominator=10_000),
    min_size=1,
    max_size=10,
)


@given(exacts, st.integers(min_value=-1, max_value=1))
def test_contributions_add_up_exactly_to_the_published_change(exact, offset):
    # The published Δ is the exact sum rounded, give or take a hundredth (it is the difference
    # of two indices rounded half-up).
    hundredths = round(sum(exact.values()) * 100) + offset
    total = D(hundredths) / 100

    shares = apportion(exact, total)

    assert sum(shares.values()) == total
    assert list(shares) == list(exact)
    assert all(share == share.quantize(D("0.01")) for share in shares.values())


@given(exacts)
def test_each_contribution_is_its_exact_value_rounded_down_or_up(exact):
    total = D(round(sum(exact.values()) * 100)) / 100

    shares = apportion(exact, total)

    for key, value in exact.items():
        assert abs(Fraction(shares[key]) - value) < Fraction(1, 100)


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=10),
)
def test_field_contributions_add_up_to_the_change_of_the_rounded_indices(now, before, scale):
    """End to end as publish computes Δindex: the difference of the two indices rounded
    half-up, each the total points (hundredths) over the same maximum."""
    size = min(len(now), len(before))
    codes = [str(n) for n in range(1, size + 1)]
    points = {c: D(v) / 100 for c, v in zip(codes, now, strict=False)}
    previous = {c: D(v) / 100 for c, v in zip(codes, before, strict=False)}
    maximum = D(100 * size * scale) / 100 + D("0.01")

    def index(values):
        return (sum(values.values()) / maximum * 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")

    delta = index(points) - index(previous)

    assert sum(field_contributions(points, previous, maximum, delta).values()) == delta

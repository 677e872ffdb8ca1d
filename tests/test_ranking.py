"""Tests for the PAR Index scoring rules in scoring.ranking."""

from collections.abc import Hashable, Sequence
from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction
from math import floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.ranking import (
    TWO_PLACES,
    Averages,
    Entry,
    Outcome,
    Previous,
    SummaryEntry,
    Thresholds,
    competition_ranks,
    compute,
    compute_summary,
    group_for,
    index_of,
    mean_half_up,
    round_half_up,
)

D = Decimal
# Maxima summing to 100, so a unit's index equals its total points.
FIELDS = {"1": D(40), "2": D(60)}
PROPERTY = settings(max_examples=200, deadline=None)


def entry(
    key: Hashable, p1: str | int, p2: str | int, *, ranked: bool = True, region: str | None = None
) -> Entry:
    return Entry(key, ranked, region, {"1": D(p1), "2": D(p2)})


def by_key(outcomes: Sequence[Outcome]) -> dict[Hashable, Outcome]:
    return {outcome.key: outcome for outcome in outcomes}


# --- rounding and exact indices -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("84.425"), "84.43"),
        (D("84.424999"), "84.42"),
        (index_of(D(2), D(3)), "66.67"),  # 2/3 * 100 = 66.666...
        (D("0.005"), "0.01"),
        (D("99.995"), "100.00"),
        (D("0.125"), "0.13"),  # half-even would give 0.12
        (D("90"), "90.00"),
        (D("0"), "0.00"),
    ],
)
def test_round_half_up_rounds_halves_up_to_two_places(value: Decimal, expected: str) -> None:
    assert str(round_half_up(value)) == expected


def test_rounding_and_indices_ignore_the_global_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_DOWN
        assert round_half_up(D("84.425")) == D("84.43")
        assert index_of(D(2), D(3)) == D("66.66666666666666666666666666666667")
        assert mean_half_up([D("84.43"), D("84.42")]) == D("84.43")


def test_index_is_exact_points_over_maximum_times_100() -> None:
    assert index_of(D("84.425"), D(100)) == D("84.425")
    assert index_of(D(1), D(8)) == D("12.5")
    # 34 significant digits: the context precision.
    assert index_of(D(2), D(3)) == D("66.66666666666666666666666666666667")
    assert index_of(D(0), D(5)) == 0


@pytest.mark.parametrize("maximum", [D(0), D(-1)])
def test_index_of_rejects_a_maximum_that_is_not_positive(maximum: Decimal) -> None:
    with pytest.raises(ValueError, match="maximum must be positive"):
        index_of(D(1), maximum)


# --- competition ranks, groups, means -----------------------------------------------------------


def test_equal_indices_share_a_rank_and_the_next_rank_skips() -> None:
    values = {"a": D("90.00"), "b": D("85.00"), "c": D("85.00"), "d": D("70.00")}
    assert competition_ranks(values) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_competition_ranks_of_nothing_is_empty_and_all_equal_values_rank_first() -> None:
    assert competition_ranks({}) == {}
    assert competition_ranks({"x": D("50.00")}) == {"x": 1}
    assert competition_ranks(dict.fromkeys("abc", D("70.00"))) == {"a": 1, "b": 1, "c": 1}


@pytest.mark.parametrize(
    ("index", "group"),
    [
        (D("100.00"), "A"),
        (D("90.00"), "A"),
        (D("89.995"), "A"),  # rounds to 90.00
        (D("89.99"), "B"),
        (D("80.00"), "B"),
        (D("79.99"), "C"),
        (D("70.00"), "C"),
        (D("69.994"), "D"),  # rounds to 69.99
        (D("0.00"), "D"),
    ],
)
def test_groups_are_decided_on_the_rounded_index_at_the_thresholds(
    index: Decimal, group: str
) -> None:
    assert group_for(index) == group


def test_groups_follow_custom_thresholds() -> None:
    strict = Thresholds(a=D(95), b=D(85), c=D(75))
    assert [group_for(D(i), strict) for i in (95, 94, 85, 84, 75, 74)] == list("ABBCCD")


def test_mean_half_up_rounds_the_mean_of_the_values() -> None:
    assert mean_half_up([D("84.43"), D("84.42")]) == D("84.43")  # 84.425 -> 84.43
    assert mean_half_up([D(1), D(2), D(2)]) == D("1.67")  # 5/3 = 1.666...
    assert mean_half_up([D("80.00"), D("80.00"), D("80.01")]) == D("80.00")  # 80.0033...
    assert mean_half_up(iter([D("12.34")])) == D("12.34")
    assert mean_half_up([]) is None


# --- compute ------------------------------------------------------------------------------------


def test_a_unit_gets_its_total_index_component_indices_and_group() -> None:
    [outcome], averages = compute(
        [Entry("u", True, "N", {"1": D("25.50"), "2": D("42.25")})], {"1": D(30), "2": D(50)}
    )
    assert outcome.total_points == D("67.75")  # 25.50 + 42.25
    assert outcome.index_exact == D("84.6875")  # 67.75 / 80 * 100
    assert outcome.index == D("84.69")
    assert outcome.group == "B"
    assert outcome.fields["1"].points == D("25.50")
    assert outcome.fields["1"].index_exact == D(85)  # 25.50 / 30 * 100
    assert outcome.fields["2"].index == D("84.50")  # 42.25 / 50 * 100
    assert (outcome.rank, outcome.rank_in_region) == (1, 1)
    assert {code: field.rank for code, field in outcome.fields.items()} == {"1": 1, "2": 1}
    assert (outcome.delta_index, outcome.delta_rank) == (None, None)
    assert averages == Averages(D("84.69"), {"N": D("84.69")}, {"1": D(85), "2": D("84.50")})


def test_outcomes_keep_the_order_of_the_entries() -> None:
    entries = [entry("low", 10, 10), entry("high", 40, 60), entry("mid", 20, 30)]
    outcomes, _ = compute(entries, FIELDS)
    assert [o.key for o in outcomes] == ["low", "high", "mid"]
    assert [o.rank for o in outcomes] == [3, 1, 2]


def test_tied_units_share_a_rank_and_the_next_rank_skips() -> None:
    entries = [entry("a", 50, 40), entry("b", 45, 40), entry("c", 40, 45), entry("d", 30, 40)]
    outcomes, _ = compute(entries, {"1": D(50), "2": D(50)})
    assert [o.rank for o in outcomes] == [1, 2, 2, 4]  # 90, 85, 85, 70


def test_all_equal_units_share_rank_one() -> None:
    outcomes, averages = compute([entry(k, 30, 45) for k in "abc"], FIELDS)
    assert [o.rank for o in outcomes] == [1, 1, 1]
    assert averages.national == D("75.00")


def test_ranks_are_decided_by_the_rounded_index_not_the_exact_one() -> None:
    entries = [entry("x", 40, "44.4251"), entry("y", 40, "44.4349"), entry("z", 40, "44.4350")]
    outcomes, _ = compute(entries, FIELDS)
    x, y, z = outcomes
    assert x.index_exact < y.index_exact
    assert x.index == y.index == D("84.43")
    assert z.index == D("84.44")  # 84.435 rounds half up
    assert (z.rank, x.rank, y.rank) == (1, 2, 2)


def test_a_unit_with_zero_points_is_indexed_zero_and_ranked_last() -> None:
    outcomes, _ = compute([entry("zero", 0, 0), entry("some", 1, 0)], FIELDS)
    zero = by_key(outcomes)["zero"]
    assert (zero.total_points, zero.index, zero.group, zero.rank) == (0, D("0.00"), "D", 2)
    assert zero.fields["1"].index == zero.fields["2"].index == 0


def test_points_at_the_field_maximum_give_an_index_of_100() -> None:
    [outcome], _ = compute([entry("full", 40, 60)], FIELDS)
    assert (outcome.index, outcome.group) == (D("100.00"), "A")


def test_field_ranks_tie_on_equal_component_indices() -> None:
    entries = [entry("a", 30, 10), entry("b", 30, 20), entry("c", 35, 0), entry("d", 10, 60)]
    outcomes = by_key(compute(entries, FIELDS)[0])
    # field 1: 75, 75, 87.5, 25; field 2: 16.67, 33.33, 0, 100
    assert {k: o.fields["1"].rank for k, o in outcomes.items()} == {"a": 2, "b": 2, "c": 1, "d": 4}
    assert {k: o.fields["2"].rank for k, o in outcomes.items()} == {"a": 3, "b": 2, "c": 4, "d": 1}


def test_field_ranks_are_decided_by_the_rounded_component_index() -> None:
    entries = [entry("a", "26.666", 0), entry("b", "26.667", 0), entry("c", "26.6658", 0)]
    a, b, c = compute(entries, FIELDS)[0]
    # 26.666/40*100 = 66.665 -> 66.67; 26.667 -> 66.6675 -> 66.67; 26.6658 -> 66.6645 -> 66.66
    assert a.fields["1"].index == b.fields["1"].index == D("66.67")
    assert c.fields["1"].index == D("66.66")
    assert (a.fields["1"].rank, b.fields["1"].rank, c.fields["1"].rank) == (1, 1, 3)


def test_region_ranks_are_among_ranked_units_of_the_same_region() -> None:
    entries = [
        entry("n1", 40, 50, region="north"),  # 90
        entry("n2", 40, 40, region="north"),  # 80
        entry("s1", 40, 45, region="south"),  # 85
        entry("s2", 35, 50, region="south"),  # 85
        entry("x", 40, 55),  # 95, no region
        entry("nu", 40, 60, region="north", ranked=False),  # 100, unranked
    ]
    outcomes, averages = compute(entries, FIELDS)
    ranks = {o.key: (o.rank, o.rank_in_region) for o in outcomes}
    assert ranks == {
        "n1": (2, 1),
        "n2": (5, 2),
        "s1": (3, 1),
        "s2": (3, 1),
        "x": (1, None),
        "nu": (None, None),
    }
    assert averages.national == D("87.00")  # (95 + 90 + 85 + 85 + 80) / 5
    assert averages.regions == {"north": D("85.00"), "south": D("85.00")}


def test_unranked_units_get_results_but_no_ranks_and_stay_out_of_averages() -> None:
    entries = [
        entry("a", 30, 50, region="N"),  # 80
        entry("b", 40, 55, region="N", ranked=False),  # 95
        entry("c", 20, 50, region="N"),  # 70
    ]
    outcomes, averages = compute(entries, FIELDS)
    a, b, c = outcomes
    assert (b.total_points, b.index, b.group) == (D(95), D("95.00"), "A")
    assert (b.rank, b.rank_in_region) == (None, None)
    assert b.fields["2"].points == D(55)
    assert b.fields["2"].index == D("91.67")  # 55/60*100 = 91.666...
    assert [field.rank for field in b.fields.values()] == [None, None]
    assert (a.rank, c.rank) == (1, 2)
    # national and region (80 + 70) / 2; field 1: (75 + 50) / 2; field 2: (83.33 + 83.33) / 2
    assert averages == Averages(D("75.00"), {"N": D("75.00")}, {"1": D("62.50"), "2": D("83.33")})


def test_averages_are_the_rounded_mean_of_rounded_indices() -> None:
    entries = [entry("u", 40, "44.425"), entry("v", 40, "44.424")]
    _, averages = compute(entries, FIELDS)
    # (84.43 + 84.42) / 2 = 84.425 -> 84.43; the exact indices would give 84.4245 -> 84.42
    assert averages.national == D("84.43")
    # field 2: 44.425/60*100 = 74.0416... -> 74.04, 44.424/60*100 = 74.04
    assert averages.fields == {"1": D(100), "2": D("74.04")}
    assert averages.regions == {}


def test_averages_are_empty_without_ranked_units() -> None:
    assert compute([], FIELDS) == ([], Averages(None, {}, {}))
    _, averages = compute([entry("u", 1, 1, ranked=False, region="N")], FIELDS)
    assert averages == Averages(None, {}, {})


def test_changes_against_the_previous_edition() -> None:
    entries = [
        entry("up", 50, 40),  # 90, rank 1
        entry("down", 45, 40),  # 85, rank 2
        entry("new", 30, 40),  # 70, rank 3
        entry("out", 40, 40, ranked=False),  # 80, unranked
        entry("unknown_rank", 20, 40),  # 60, rank 4
    ]
    previous = {
        "up": Previous(D("85.50"), 3),
        "down": Previous(D("88.00"), 1),
        "out": Previous(D("75.25"), 2),
        "unknown_rank": Previous(D("60.00"), None),
        "gone": Previous(D("50.00"), 5),
    }
    outcomes = by_key(compute(entries, {"1": D(50), "2": D(50)}, previous=previous)[0])
    deltas = {k: (o.delta_index, o.delta_rank) for k, o in outcomes.items()}
    assert deltas == {
        "up": (D("4.50"), 2),  # moved up from 3 to 1
        "down": (D("-3.00"), -1),
        "new": (None, None),
        "out": (D("4.75"), None),
        "unknown_rank": (D("0.00"), None),
    }


def test_custom_thresholds_are_used_for_groups() -> None:
    [outcome], _ = compute([entry("u", 40, 50)], FIELDS, Thresholds(a=D(95), b=D(90), c=D(85)))
    assert outcome.group == "B"


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"1": D(1)}, r"'u7'.*missing.*'2'"),
        ({"1": D(1), "2": D(1), "9": D(1)}, r"'u7'.*unknown.*'9'"),
        ({"1": D("-0.01"), "2": D(1)}, r"'u7'.*'1' outside"),
        ({"1": D(1), "2": D("60.01")}, r"'u7'.*'2' outside"),
    ],
)
def test_compute_rejects_missing_unknown_or_out_of_range_points(
    points: dict[str, Decimal], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compute([Entry("u7", True, None, points)], FIELDS)


@pytest.mark.parametrize("field_max", [{}, {"1": D(40), "2": D(0)}])
def test_compute_rejects_an_edition_without_positive_field_maxima(
    field_max: dict[str, Decimal],
) -> None:
    with pytest.raises(ValueError, match="positive maximum"):
        compute([], field_max)


def test_duplicate_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate keys: \\['u'\\]"):
        compute([entry("u", 1, 1), entry("u", 2, 2)], FIELDS)
    with pytest.raises(ValueError, match="duplicate keys"):
        compute_summary([SummaryEntry("u", True, None, D(1), None, {})] * 2)


# --- compute_summary ----------------------------------------------------------------------------


def test_summary_keeps_published_ranks_when_every_ranked_entry_has_one() -> None:
    entries = [
        SummaryEntry("s1", True, None, D("85.00"), 1, {}),
        SummaryEntry("s2", True, None, D("85.00"), 2, {}),  # the publisher broke the tie
        SummaryEntry("s3", False, None, D("99.00"), 7, {}),
        SummaryEntry("s4", False, None, D("50.00"), None, {}),
    ]
    outcomes, averages = compute_summary(entries)
    assert [o.rank for o in outcomes] == [1, 2, None, None]
    assert [o.total_points for o in outcomes] == [None] * 4
    assert averages.national == D("85.00")


def test_summary_recomputes_all_ranks_from_rounded_indices_when_one_is_missing() -> None:
    entries = [
        SummaryEntry("p", True, None, D("84.4251"), 1, {}),
        SummaryEntry("q", True, None, D("84.4349"), None, {}),
        SummaryEntry("r", True, None, D("90"), 5, {}),
    ]
    p, q, r = compute_summary(entries)[0]
    assert (r.rank, p.rank, q.rank) == (1, 2, 2)
    assert (p.index_exact, p.index) == (D("84.4251"), D("84.43"))


def test_summary_computes_region_and_field_ranks_over_entries_that_have_the_field() -> None:
    entries = [
        SummaryEntry("a", True, "N", D("70"), 2, {"1": D("75.5"), "2": D(60)}),
        SummaryEntry("b", True, "N", D("89.995"), 1, {"1": D("80.125")}),
        SummaryEntry("c", True, "S", D("60"), 3, {}),
        SummaryEntry("d", False, "N", D("95"), None, {"1": D(99)}),
    ]
    outcomes, averages = compute_summary(entries)
    a, b, c, d = outcomes
    assert (b.index, b.group, b.rank_in_region) == (D("90.00"), "A", 1)
    assert (a.rank_in_region, c.rank_in_region, d.rank_in_region) == (2, 1, None)
    assert b.fields["1"].index == D("80.13")
    assert (b.fields["1"].points, b.fields["1"].index_exact) == (None, D("80.125"))
    assert (b.fields["1"].rank, a.fields["1"].rank, d.fields["1"].rank) == (1, 2, None)
    assert a.fields["2"].rank == 1
    assert c.fields == {}
    # field 1: (75.50 + 80.13) / 2 = 77.815 -> 77.82; national (70 + 90 + 60) / 3
    assert averages == Averages(
        D("73.33"), {"N": D("80.00"), "S": D("60.00")}, {"1": D("77.82"), "2": D("60.00")}
    )


def test_summary_reports_changes_against_the_previous_edition() -> None:
    entries = [SummaryEntry("a", True, None, D("81.234"), 4, {})]
    [outcome], _ = compute_summary(entries, previous={"a": Previous(D("79.99"), 6)})
    assert (outcome.delta_index, outcome.delta_rank) == (D("1.24"), 2)  # 81.23 - 79.99


def test_summary_of_nothing_is_empty() -> None:
    assert compute_summary([]) == ([], Averages(None, {}, {}))


# A partial file: the top two and the last of an edition that ranked more units (63, say).
PARTIAL = [
    SummaryEntry("top", True, "N", D("91.20"), 1, {"1": D("95.00")}),
    SummaryEntry("second", True, "N", D("88.10"), 2, {"1": D("70.00")}),
    SummaryEntry("last", True, "S", D("60.55"), 63, {"1": D("50.00")}),
]


def test_a_partial_summary_keeps_the_published_ranks_even_far_beyond_its_size() -> None:
    outcomes, _ = compute_summary(PARTIAL, partial=True)
    assert [o.rank for o in outcomes] == [1, 2, 63]


def test_a_partial_summary_keeps_a_missing_rank_missing_instead_of_ranking_the_few() -> None:
    entries = [PARTIAL[0], SummaryEntry("unknown", True, "S", D("85.00"), None, {})]
    outcomes, _ = compute_summary(entries, partial=True)
    assert [o.rank for o in outcomes] == [1, None]


def test_a_partial_summary_ranks_nobody_within_a_region_or_on_a_field() -> None:
    outcomes, _ = compute_summary(PARTIAL, partial=True)
    assert [o.rank_in_region for o in outcomes] == [None, None, None]
    assert [o.fields["1"].rank for o in outcomes] == [None, None, None]
    # The component indices themselves are the published ones, rounded as ever.
    assert [o.fields["1"].index for o in outcomes] == [D("95.00"), D("70.00"), D("50.00")]


def test_a_partial_summary_has_no_averages() -> None:
    _, averages = compute_summary(PARTIAL, partial=True)
    assert averages == Averages(None, {}, {})


def test_a_partial_summary_still_groups_each_unit_by_its_own_index_and_thresholds() -> None:
    outcomes, _ = compute_summary(PARTIAL, Thresholds(D(91), D(88), D(60)), partial=True)
    assert [o.group for o in outcomes] == ["A", "B", "C"]


def test_a_partial_summary_still_reports_changes_against_the_previous_edition() -> None:
    outcomes, _ = compute_summary(
        PARTIAL, previous={"last": Previous(D("61.00"), 60)}, partial=True
    )
    assert (outcomes[2].delta_index, outcomes[2].delta_rank) == (D("-0.45"), -3)


# --- properties ---------------------------------------------------------------------------------

REGIONS = st.sampled_from([None, "N", "C", "S"])


@st.composite
def editions(draw: st.DrawFn) -> tuple[list[Entry], dict[str, Decimal]]:
    """A field_max of 1-4 fields and up to 8 entries with in-range two-place points."""
    maxima = draw(
        st.lists(st.decimals(min_value=D("0.01"), max_value=200, places=2), min_size=1, max_size=4)
    )
    field_max = {str(code): maximum for code, maximum in enumerate(maxima, start=1)}
    entries = [
        Entry(
            key,
            draw(st.booleans()),
            draw(REGIONS),
            {
                code: draw(st.decimals(min_value=0, max_value=maximum, places=2))
                for code, maximum in field_max.items()
            },
        )
        for key in range(draw(st.integers(min_value=0, max_value=8)))
    ]
    return entries, field_max


def ranked_outcomes(edition: tuple[list[Entry], dict[str, Decimal]]) -> list[Outcome]:
    entries, field_max = edition
    return [o for o in compute(entries, field_max)[0] if o.rank is not None]


@PROPERTY
@given(editions())
def test_a_higher_rounded_index_never_has_a_worse_rank(
    edition: tuple[list[Entry], dict[str, Decimal]],
) -> None:
    ranked = ranked_outcomes(edition)
    for x in ranked:
        for y in ranked:
            assert x.rank is not None and y.rank is not None
            if x.index > y.index:
                assert x.rank < y.rank
            elif x.index == y.index:
                assert x.rank == y.rank


@PROPERTY
@given(editions())
def test_ranks_of_n_ranked_units_lie_in_1_to_n_and_rank_1_exists(
    edition: tuple[list[Entry], dict[str, Decimal]],
) -> None:
    ranks = [o.rank for o in ranked_outcomes(edition)]
    assert all(rank is not None and 1 <= rank <= len(ranks) for rank in ranks)
    assert not ranks or 1 in ranks


@PROPERTY
@given(editions())
def test_unranked_units_never_change_the_results_of_ranked_ones(
    edition: tuple[list[Entry], dict[str, Decimal]],
) -> None:
    entries, field_max = edition
    outcomes, averages = compute(entries, field_max)
    only_ranked, averages_of_ranked = compute([e for e in entries if e.ranked], field_max)
    assert [o for o in outcomes if o.rank is not None] == only_ranked
    assert averages == averages_of_ranked
    assert all(o.group == group_for(o.index) for o in outcomes)


@PROPERTY
@given(editions())
def test_averages_lie_between_the_lowest_and_highest_rounded_index(
    edition: tuple[list[Entry], dict[str, Decimal]],
) -> None:
    entries, field_max = edition
    outcomes, averages = compute(entries, field_max)
    ranked = [(e, o) for e, o in zip(entries, outcomes, strict=True) if e.ranked]
    indices = [o.index for _, o in ranked]
    if averages.national is not None:
        assert min(indices) <= averages.national <= max(indices)
    for region, mean in averages.regions.items():
        members = [o.index for e, o in ranked if e.region == region]
        assert min(members) <= mean <= max(members)
    for code, mean in averages.fields.items():
        values = [o.fields[code].index for _, o in ranked]
        assert min(values) <= mean <= max(values)


@PROPERTY
@given(editions())
def test_total_is_the_sum_of_field_points_and_the_index_reproduces_it(
    edition: tuple[list[Entry], dict[str, Decimal]],
) -> None:
    entries, field_max = edition
    edition_max = sum(field_max.values())
    for outcome, e in zip(compute(entries, field_max)[0], entries, strict=True):
        assert outcome.total_points == sum(e.field_points.values())
        assert outcome.index == round_half_up(outcome.index_exact)
        with localcontext() as ctx:
            ctx.prec = 34
            # index_exact is correctly rounded to 34 digits, so equality holds only up to that.
            reproduced = outcome.index_exact * edition_max / 100
            assert abs(reproduced - outcome.total_points) < D("1e-28")


@PROPERTY
@given(editions())
def test_summary_of_computed_indices_ranks_like_compute(
    edition: tuple[list[Entry], dict[str, Decimal]],
) -> None:
    entries, field_max = edition
    outcomes, averages = compute(entries, field_max)
    summary = [
        SummaryEntry(
            e.key,
            e.ranked,
            e.region,
            o.index_exact,
            None,
            {code: f.index_exact for code, f in o.fields.items()},
        )
        for e, o in zip(entries, outcomes, strict=True)
    ]
    summary_outcomes, summary_averages = compute_summary(summary)
    assert summary_averages == averages
    for o, s in zip(outcomes, summary_outcomes, strict=True):
        assert (s.index, s.rank, s.rank_in_region, s.group) == (
            o.index,
            o.rank,
            o.rank_in_region,
            o.group,
        )
        assert {c: f.rank for c, f in s.fields.items()} == {c: f.rank for c, f in o.fields.items()}


@PROPERTY
@given(st.dictionaries(st.integers(), st.decimals(min_value=0, max_value=100, places=2)))
def test_a_competition_rank_is_one_plus_the_number_of_better_values(
    values: dict[int, Decimal],
) -> None:
    ranks = competition_ranks(values)
    assert ranks.keys() == values.keys()
    for key, value in values.items():
        assert ranks[key] == 1 + sum(other > value for other in values.values())


@PROPERTY
@given(st.decimals(min_value=0, max_value=1000, places=6))
def test_round_half_up_matches_rounding_half_up_with_fractions(value: Decimal) -> None:
    rounded = round_half_up(value)
    assert rounded.as_tuple().exponent == TWO_PLACES.as_tuple().exponent
    assert Fraction(rounded) == Fraction(floor(Fraction(value) * 100 + Fraction(1, 2)), 100)

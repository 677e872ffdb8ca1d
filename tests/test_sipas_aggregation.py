"""The SIPAS rules (docs/rules.md) on a small file whose every figure is worked out by hand.

Respondents (answers: access, procedures, civil servants, results, feedback; "–" not answered),
and each one's satisfaction = aspects rated 4 or 5 ÷ aspects answered:
  Hà Nội (01)     R1 province đất đai  5 4 3 2 1   2/5 = 0.4
                  R2 district đất đai  4 4 4 4 4   5/5 = 1
                  R3 district tư pháp  1 2 – – –   0/2 = 0
                  R4 commune  tư pháp  – 5 – – –   1/1 = 1
                  R5 commune  tư pháp  – – – – –   answered nothing: left out
  Hải Phòng (31)  R1, R2 province      5 5 5 5 5 / 4 4 4 4 4      1, 1
  Lào Cai (10)    R1, R2 province      5 5 5 1 1 / 4 4 4 2 2      0.6, 0.6
  Quảng Ninh (22) R1 province          1 1 1 1 1                  0
"""

import random
from decimal import Decimal

import pytest

from provinces.models import Unit
from surveys.aggregation import Tally, tallies
from surveys.models import ASPECTS, SipasRespondent, SipasResult
from tests.conftest import imported
from tests.sipas_files import SURVEY, sipas_csv

D = Decimal


@pytest.fixture
def surveyed(db):
    return imported("sipas", SURVEY)


def result(code: str | None, breakdown: str = "all", category: str = "") -> SipasResult:
    """The stored result of a 2019 province (None: the country)."""
    unit = Unit.objects.of_year(2019).get(level="province", code=code) if code else None
    return SipasResult.objects.get(year=2019, unit=unit, breakdown=breakdown, category=category)


def shares(row: SipasResult) -> list:
    return [row.access, row.procedures, row.civil_servants, row.results, row.feedback]


def test_every_row_is_stored_once_per_respondent(surveyed):
    assert (surveyed.created, surveyed.updated, surveyed.unchanged) == (10, 0, 0)
    assert SipasRespondent.objects.count() == 10
    stored = SipasRespondent.objects.get(unit__code="01", respondent_id="R3")
    assert (stored.gov_level, stored.sector, stored.access, stored.results) == (
        "district", "tư pháp", 1, None,
    )  # fmt: skip


def test_an_aspect_share_counts_only_those_who_answered_it(surveyed):
    # access 5, 4, 1 → 2 of 3; procedures 4, 4, 2, 5 → 3 of 4; the rest 1 of 2 each.
    row = result("01")
    assert shares(row) == [D("66.67"), D("75.00"), D("50.00"), D("50.00"), D("50.00")]
    assert [row.access_n, row.procedures_n, row.civil_servants_n] == [3, 4, 2]


def test_aspect_shares_have_95_percent_wilson_intervals(surveyed):
    # 2 of 3, z = 1.96: centre (2/3 + 3.8416/6) / (1 + 3.8416/3) = 0.573084,
    # half 1.96 × √(2/9 / 3 + 3.8416/36) / 2.280533 = 0.365429 → 20.77 … 93.85.
    row = result("01")
    assert (row.access_low, row.access_high) == (D("20.77"), D("93.85"))
    # 3 of 4 → 30.06 … 95.44; 1 of 2 → 9.45 … 90.55.
    assert (row.procedures_low, row.procedures_high) == (D("30.06"), D("95.44"))
    assert (row.feedback_low, row.feedback_high) == (D("9.45"), D("90.55"))
    # All satisfied: the upper end is exactly 100.
    assert (result("31").access_low, result("31").access_high) == (D("34.24"), D("100.00"))


def test_sipas_is_the_mean_of_respondents_satisfaction_over_partly_answered_aspects(surveyed):
    # (0.4 + 1 + 0 + 1) / 4 = 60.00, not the mean of the five shares (58.33); R5 answered
    # nothing and is not counted.
    row = result("01")
    assert (row.respondents, row.sipas) == (4, D("60.00"))


def test_the_sipas_interval_is_plus_minus_1_96_standard_errors_clipped_to_0_100(surveyed):
    # sd of 0.4, 1, 0, 1 = √(0.72 / 3) = 0.489898; 1.96 × 0.489898 / √4 = 0.480100
    # → 60 − 48.01 = 11.99; 60 + 48.01 = 108.01, clipped to 100.
    row = result("01")
    assert (row.sipas_low, row.sipas_high) == (D("11.99"), D("100.00"))
    # Everyone equally satisfied: no spread.
    assert (result("10").sipas, result("10").sipas_low, result("10").sipas_high) == (
        D("60.00"), D("60.00"), D("60.00"),
    )  # fmt: skip


def test_one_respondent_has_a_sipas_but_no_interval(surveyed):
    row = result("22")
    assert (row.respondents, row.sipas, row.sipas_low, row.sipas_high) == (1, D("0.00"), None, None)


def test_the_country_pools_every_respondent(surveyed):
    # 0.4 + 1 + 0 + 1 + 1 + 1 + 0.6 + 0.6 + 0 = 5.6 over 9 → 62.22; sd 0.428... → 34.93 … 89.51.
    row = result(None)
    assert (row.respondents, row.sipas, row.sipas_low, row.sipas_high) == (
        9, D("62.22"), D("34.93"), D("89.51"),
    )  # fmt: skip
    # access 6 of 8, procedures 7 of 9, civil servants 5 of 7, results and feedback 3 of 7.
    assert shares(row) == [D("75.00"), D("77.78"), D("71.43"), D("42.86"), D("42.86")]
    assert (row.procedures_low, row.procedures_high) == (D("45.26"), D("93.68"))
    assert row.rank is None


def test_breakdowns_by_government_level(surveyed):
    # Hà Nội's district respondents: 1 and 0 → 50; sd 0.7071 / √2 × 1.96 = 0.98 → clipped.
    district = result("01", "gov_level", "district")
    assert (district.respondents, district.sipas, district.sipas_low, district.sipas_high) == (
        2, D("50.00"), D("0.00"), D("100.00"),
    )  # fmt: skip
    assert result("01", "gov_level", "province").sipas == D("40.00")
    # R4 counts, R5 (nothing answered) does not.
    assert (result("01", "gov_level", "commune").respondents,) == (1,)
    assert result(None, "gov_level", "district").sipas == D("50.00")
    assert result(None, "gov_level", "province").respondents == 6


def test_breakdowns_by_sector(surveyed):
    # đất đai: 0.4 and 1 → 70; 1.96 × 0.424264 / √2 = 0.588 → 11.20 … 100.
    land = result("01", "sector", "đất đai")
    assert (land.respondents, land.sipas, land.sipas_low, land.sipas_high) == (
        2, D("70.00"), D("11.20"), D("100.00"),
    )  # fmt: skip
    assert result("01", "sector", "tư pháp").sipas == D("50.00")
    # A blank sector belongs to no sector category.
    assert not SipasResult.objects.filter(unit__code="31", breakdown="sector").exists()


def test_equal_rounded_sipas_share_a_rank_and_the_next_rank_skips(surveyed):
    ranks = {
        row.unit.code: row.rank
        for row in SipasResult.objects.filter(breakdown="all", unit__isnull=False)
    }
    assert ranks == {"31": 1, "01": 2, "10": 2, "22": 4}


def test_ranks_within_a_breakdown_category(surveyed):
    # Respondents at province level: 31 → 100, 10 → 60, 01 (R1 only) → 40, 22 → 0.
    ranks = {
        row.unit.code: row.rank
        for row in SipasResult.objects.filter(
            breakdown="gov_level", category="province", unit__isnull=False
        )
    }
    assert ranks == {"31": 1, "10": 2, "01": 3, "22": 4}


def test_the_query_adds_up_what_the_rule_says_for_any_answers(db):
    # 300 respondents with every pattern of blanks; the plain-Python rule is the reference.
    rng = random.Random(8)
    answers = [
        {aspect: rng.choice([None, 1, 2, 3, 4, 5]) for aspect in ASPECTS} for _ in range(300)
    ]
    lines = [
        f"2019,01,R{n},,,{','.join('' if a[x] is None else str(a[x]) for x in ASPECTS)}"
        for n, a in enumerate(answers)
    ]
    imported("sipas", sipas_csv(*lines))

    [(_, _, _, tally)] = tallies(2019)
    assert tally == Tally.of(answers)
    assert tally.respondents == sum(any(v is not None for v in a.values()) for a in answers)

"""The SIPAS rules (docs/rules.md): aspect shares with Wilson intervals, the SIPAS index with
its interval, per province, government level and sector, and for the country; their ranks.

The database adds respondents up per (unit, government level, sector) in one query; everything
else works on those sums, which add up exactly: each respondent's satisfaction is k/m for k of
their m answered aspects rated 4 or 5 (m ≤ 5), so 60 × k/m is a whole number and the sums of it
and of its square are exact integers. The figures are computed from them with exact decimals and
rounded half-up once, as the PAR Index is (scoring.ranking).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Context, Decimal

from django.db import connection, transaction

from scoring.models import DataVersion
from scoring.ranking import competition_ranks, round_half_up
from surveys.models import ASPECTS, SipasRespondent, SipasResult

_CTX = Context(prec=34)
# The normal quantile of a two-sided 95 % interval, as docs/rules.md writes it.
Z = Decimal("1.96")
_HUNDRED = Decimal(100)
# The least common multiple of 1…5: 60 × k/m is whole for any m answered aspects.
SCALE = 60


@dataclass
class Tally:
    """Sums over some respondents; tallies of disjoint groups add up."""

    respondents: int = 0  # who answered at least one aspect
    satisfaction: int = 0  # Σ 60 × (share of their answered aspects rated 4 or 5)
    squares: int = 0  # Σ of its squares
    answered: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASPECTS, 0))
    satisfied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASPECTS, 0))

    def __iadd__(self, other: "Tally") -> "Tally":
        self.respondents += other.respondents
        self.satisfaction += other.satisfaction
        self.squares += other.squares
        for aspect in ASPECTS:
            self.answered[aspect] += other.answered[aspect]
            self.satisfied[aspect] += other.satisfied[aspect]
        return self

    @classmethod
    def of(cls, answers: list[dict[str, int | None]]) -> "Tally":
        """The tally of respondents given as {aspect: answer or None}: the rule in plain Python,
        as the query computes it."""
        tally = cls()
        for respondent in answers:
            given = [respondent.get(aspect) for aspect in ASPECTS]
            count = sum(answer is not None for answer in given)
            if count:
                score = SCALE * sum(answer is not None and answer >= 4 for answer in given)
                score //= count
                tally.respondents += 1
                tally.satisfaction += score
                tally.squares += score * score
            for aspect, answer in zip(ASPECTS, given, strict=True):
                if answer is not None:
                    tally.answered[aspect] += 1
                    tally.satisfied[aspect] += answer >= 4
        return tally


@dataclass(frozen=True)
class AspectShare:
    """% of those who answered an aspect who rated it 4 or 5, with its Wilson interval."""

    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    answered: int


@dataclass(frozen=True)
class Figures:
    respondents: int
    shares: dict[str, AspectShare]
    sipas: Decimal | None
    sipas_low: Decimal | None
    sipas_high: Decimal | None


def _sqrt(value: Decimal) -> Decimal:
    return value.sqrt(context=_CTX)


def _clip(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), _HUNDRED)


def wilson(satisfied: int, answered: int) -> tuple[Decimal, Decimal]:
    """The 95 % Wilson score interval of satisfied/answered, in %, exact before rounding."""
    n, p = Decimal(answered), _CTX.divide(Decimal(satisfied), Decimal(answered))
    z2 = _CTX.multiply(Z, Z)
    denominator = _CTX.add(1, _CTX.divide(z2, n))
    centre = _CTX.divide(_CTX.add(p, _CTX.divide(z2, 2 * n)), denominator)
    spread = _CTX.add(
        _CTX.divide(_CTX.multiply(p, 1 - p), n), _CTX.divide(z2, _CTX.multiply(4, n * n))
    )
    half = _CTX.divide(_CTX.multiply(Z, _sqrt(spread)), denominator)
    return (
        _clip(_CTX.multiply(centre - half, _HUNDRED)),
        _clip(_CTX.multiply(centre + half, _HUNDRED)),
    )


def figures(tally: Tally) -> Figures:
    """The rounded figures of a tally (docs/rules.md). A share is None when no one answered its
    aspect; the SIPAS when no one answered anything; its interval also with one respondent only,
    since a sample standard deviation needs two."""
    shares = {}
    for aspect in ASPECTS:
        answered, satisfied = tally.answered[aspect], tally.satisfied[aspect]
        if not answered:
            shares[aspect] = AspectShare(None, None, None, 0)
            continue
        low, high = wilson(satisfied, answered)
        value = _CTX.divide(Decimal(satisfied * 100), Decimal(answered))
        shares[aspect] = AspectShare(
            round_half_up(value), round_half_up(low), round_half_up(high), answered
        )
    n = tally.respondents
    if not n:
        return Figures(0, shares, None, None, None)
    # mean × 100 of satisfaction = Σ(60 s) / (60 n) × 100
    mean = _CTX.divide(Decimal(tally.satisfaction * 100), Decimal(SCALE * n))
    if n < 2:
        return Figures(n, shares, round_half_up(mean), None, None)
    # Sample variance of 60 s: (n Σx² − (Σx)²) / (n (n − 1)), an exact integer ratio; the
    # interval's half-width in % is 1.96 × (100/60) × sd / √n.
    spread = Decimal(n * tally.squares - tally.satisfaction**2)
    standard_error = _sqrt(_CTX.divide(spread, Decimal(n * n * (n - 1))))
    half = _CTX.divide(_CTX.multiply(_CTX.multiply(Z, standard_error), _HUNDRED), SCALE)
    return Figures(
        n,
        shares,
        round_half_up(mean),
        round_half_up(_clip(mean - half)),
        round_half_up(_clip(mean + half)),
    )


# -- in the database ----------------------------------------------------------------------------

_SATISFIED = " + ".join(f"CASE WHEN {a} >= 4 THEN 1 ELSE 0 END" for a in ASPECTS)
_ANSWERED = " + ".join(f"CASE WHEN {a} IS NOT NULL THEN 1 ELSE 0 END" for a in ASPECTS)
# Integer division is exact here (see the module's docstring); no answer at all gives NULL,
# which COUNT and SUM leave out.
_TALLIES = f"""
    SELECT unit_id, gov_level, sector, COUNT(score), SUM(score), SUM(score * score),
        {", ".join(f"COUNT({a}), SUM(CASE WHEN {a} >= 4 THEN 1 ELSE 0 END)" for a in ASPECTS)}
    FROM (
        SELECT unit_id, gov_level, sector, {", ".join(ASPECTS)},
            {SCALE} * ({_SATISFIED}) / NULLIF({_ANSWERED}, 0) AS score
        FROM {SipasRespondent._meta.db_table}
        WHERE year = %s
    ) respondents
    GROUP BY unit_id, gov_level, sector
"""  # noqa: S608 (no value in it comes from outside)


def tallies(year: int) -> list[tuple[int, str, str, Tally]]:
    """(unit id, government level, sector, tally) of a year's respondents, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_TALLIES, [year])
        rows = cursor.fetchall()
    found = []
    for unit_id, gov_level, sector, count, total, squares, *aspects in rows:
        tally = Tally(count, int(total or 0), int(squares or 0))
        for index, aspect in enumerate(ASPECTS):
            tally.answered[aspect] = aspects[2 * index]
            tally.satisfied[aspect] = int(aspects[2 * index + 1] or 0)
        found.append((unit_id, gov_level, sector, tally))
    return found


Key = tuple[int | None, str, str]  # (unit id or None for the country, breakdown, category)


def rolled_up(groups: list[tuple[int, str, str, Tally]]) -> dict[Key, Tally]:
    """Every breakdown of every unit and of the country, from the smallest groups."""
    totals: dict[Key, Tally] = defaultdict(Tally)
    all_, by_level, by_sector = (
        SipasResult.Breakdown.ALL,
        SipasResult.Breakdown.GOV_LEVEL,
        SipasResult.Breakdown.SECTOR,
    )
    for unit_id, gov_level, sector, tally in groups:
        for where in (unit_id, None):
            totals[(where, all_, "")] += tally
            if gov_level:
                totals[(where, by_level, gov_level)] += tally
            if sector:
                totals[(where, by_sector, sector)] += tally
    return totals


def results(year: int, totals: dict[Key, Tally]) -> list[SipasResult]:
    """Result rows of the year, ranked within each breakdown category by the rounded SIPAS."""
    computed = {key: figures(tally) for key, tally in totals.items()}
    categories: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for (unit_id, breakdown, category), outcome in computed.items():
        if unit_id is not None and outcome.sipas is not None:
            categories[(breakdown, category)][unit_id] = outcome.sipas
    ranks = {
        (unit_id, *category): rank
        for category, values in categories.items()
        for unit_id, rank in competition_ranks(values).items()
    }
    rows = []
    for key, outcome in computed.items():
        unit_id, breakdown, category = key
        row = SipasResult(
            year=year,
            unit_id=unit_id,
            breakdown=breakdown,
            category=category,
            respondents=outcome.respondents,
            sipas=outcome.sipas,
            sipas_low=outcome.sipas_low,
            sipas_high=outcome.sipas_high,
            rank=ranks.get(key),
        )
        for aspect, share in outcome.shares.items():
            setattr(row, aspect, share.value)
            setattr(row, f"{aspect}_n", share.answered)
            setattr(row, f"{aspect}_low", share.low)
            setattr(row, f"{aspect}_high", share.high)
        rows.append(row)
    return rows


def aggregate_year(year: int) -> list[SipasResult]:
    """Recompute and store every SIPAS result of a year from its respondents; bump the data
    version so that public pages show them at once. The only writer of SipasResult."""
    with transaction.atomic():
        rows = results(year, rolled_up(tallies(year)))
        SipasResult.objects.filter(year=year).delete()
        SipasResult.objects.bulk_create(rows)
        DataVersion.bump()
    return rows


__all__ = ["Figures", "AspectShare", "Tally", "aggregate_year", "figures", "wilson"]

"""PAR Index scoring rules: indices, half-up rounding, competition ranks, groups, averages."""

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

TWO_PLACES = Decimal("0.01")
_HUNDRED = Decimal(100)
# A private context so results never depend on whatever the global decimal context is.
_CTX = Context(prec=34)


@dataclass(frozen=True)
class Thresholds:
    """Lowest rounded index of groups A, B and C; anything below C is group D."""

    a: Decimal = Decimal("90")
    b: Decimal = Decimal("80")
    c: Decimal = Decimal("70")


@dataclass(frozen=True)
class Entry:
    """One participant with its leaf scores summed per field."""

    key: Hashable
    ranked: bool
    region: str | None
    field_points: Mapping[str, Decimal]


@dataclass(frozen=True)
class SummaryEntry:
    """A historical published result: indices and a rank, either of them maybe missing (a
    published rank without its index, or an index without its rank), but no points."""

    key: Hashable
    ranked: bool
    region: str | None
    index: Decimal | None
    rank: int | None
    field_indices: Mapping[str, Decimal]


@dataclass(frozen=True)
class Previous:
    """A participant's rounded index and rank in the previous edition (either may be missing
    where it was not published)."""

    index: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class FieldOutcome:
    """Result on one field."""

    points: Decimal | None
    index_exact: Decimal
    index: Decimal
    rank: int | None


@dataclass(frozen=True)
class Outcome:
    """Full result of one participant."""

    key: Hashable
    total_points: Decimal | None
    index_exact: Decimal | None
    index: Decimal | None
    rank: int | None
    rank_in_region: int | None
    group: str
    fields: dict[str, FieldOutcome]
    delta_index: Decimal | None
    delta_rank: int | None


@dataclass(frozen=True)
class Averages:
    """Means of rounded indices over ranked participants."""

    national: Decimal | None
    regions: dict[str, Decimal]
    fields: dict[str, Decimal]


@dataclass(frozen=True)
class _Row:
    """A participant normalised for ranking; fields map code -> (points, exact index)."""

    key: Hashable
    ranked: bool
    region: str | None
    total_points: Decimal | None
    index_exact: Decimal | None
    fields: dict[str, tuple[Decimal | None, Decimal]]


def round_half_up(value: Decimal) -> Decimal:
    """Round to 2 decimals, halves away from zero (the design document's display rule)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP, context=_CTX)


def index_of(points: Decimal, maximum: Decimal) -> Decimal:
    """Exact index points / maximum * 100."""
    if maximum <= 0:
        raise ValueError(f"maximum must be positive, got {maximum}")
    # Multiplying first keeps the only rounding step in the division.
    return _CTX.divide(_CTX.multiply(points, _HUNDRED), maximum)


def competition_ranks(values: Mapping[K, Decimal]) -> dict[K, int]:
    """Standard competition ranks (1, 2, 2, 4): higher value = better rank."""
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(sorted(values.values(), reverse=True), start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in values.items()}


def group_for(index: Decimal, thresholds: Thresholds = Thresholds()) -> str:
    """Group "A".."D" of an index, judged on its rounded value."""
    rounded = round_half_up(index)
    for name, lowest in (("A", thresholds.a), ("B", thresholds.b), ("C", thresholds.c)):
        if rounded >= lowest:
            return name
    return "D"


def _sum(values: Iterable[Decimal]) -> Decimal:
    """Sum in the private context."""
    total = Decimal(0)
    for value in values:
        total = _CTX.add(total, value)
    return total


def _mean(values: Sequence[Decimal]) -> Decimal:
    """Mean of a non-empty sequence, rounded half-up."""
    return round_half_up(_CTX.divide(_sum(values), Decimal(len(values))))


def mean_half_up(values: Iterable[Decimal]) -> Decimal | None:
    """Arithmetic mean rounded half-up to 2 decimals; None when there are no values."""
    items = list(values)
    return _mean(items) if items else None


def field_averages(
    members: Iterable[Mapping[str, Decimal]], field_codes: Iterable[str]
) -> dict[str, Decimal | None]:
    """Per-field averages of a group of units (a region) from their rounded component indices.

    Publishing stores no per-field average of a region, so the pages that show one compute it
    by the rule docs/rules.md gives for every average: the arithmetic mean of the rounded
    indices of the ranked units, rounded half-up to 2 decimals. `members` holds each ranked
    unit's indices by field code; a field no unit has an index on averages to None.
    """
    members = list(members)
    return {
        code: mean_half_up(m[code] for m in members if m.get(code) is not None)
        for code in field_codes
    }


def _check_points(entry: Entry, field_max: Mapping[str, Decimal]) -> None:
    """Require points for exactly the edition's fields, each within [0, field maximum]."""
    missing = sorted(field_max.keys() - entry.field_points.keys())
    unknown = sorted(entry.field_points.keys() - field_max.keys())
    if missing or unknown:
        raise ValueError(
            f"entry {entry.key!r}: missing field(s) {missing}, unknown field(s) {unknown}"
        )
    for code, maximum in field_max.items():
        points = entry.field_points[code]
        if not 0 <= points <= maximum:
            raise ValueError(
                f"entry {entry.key!r}: points {points} on field {code!r} outside [0, {maximum}]"
            )


def compute(
    entries: Sequence[Entry],
    field_max: Mapping[str, Decimal],
    thresholds: Thresholds = Thresholds(),
    previous: Mapping[Hashable, Previous] | None = None,
) -> tuple[list[Outcome], Averages]:
    """Score, rank and group participants from their points per field."""
    if not field_max or any(maximum <= 0 for maximum in field_max.values()):
        raise ValueError("field_max must hold at least one field, each with a positive maximum")
    edition_max = _sum(field_max.values())
    rows = []
    for entry in entries:
        _check_points(entry, field_max)
        points = entry.field_points
        fields: dict[str, tuple[Decimal | None, Decimal]] = {
            code: (points[code], index_of(points[code], maximum))
            for code, maximum in field_max.items()
        }
        total = _sum(points.values())
        index_exact = index_of(total, edition_max)
        rows.append(_Row(entry.key, entry.ranked, entry.region, total, index_exact, fields))
    return _assemble(rows, thresholds, previous, given_ranks=None)


def compute_summary(
    entries: Sequence[SummaryEntry],
    thresholds: Thresholds = Thresholds(),
    previous: Mapping[Hashable, Previous] | None = None,
    *,
    partial: bool = False,
) -> tuple[list[Outcome], Averages]:
    """Rank and group published results; keep published ranks only if all are given.

    A partial set (fewer ranked entries than the edition ranked) keeps its published ranks as
    they are and gets no region or field ranks and no averages: those would describe the few
    units the file holds, not the edition. Groups depend on each unit alone and are kept.
    """
    rows = [
        _Row(
            entry.key,
            entry.ranked,
            entry.region,
            None,
            entry.index,
            {code: (None, index) for code, index in entry.field_indices.items()},
        )
        for entry in entries
    ]
    ranked = [entry for entry in entries if entry.ranked]
    given = {entry.key: entry.rank for entry in ranked if entry.rank is not None}
    # A published rank without its index cannot be compared with the others either.
    if partial or any(entry.index is None for entry in ranked):
        return _assemble(rows, thresholds, previous, given, among_rows=False)
    return _assemble(rows, thresholds, previous, given if len(given) == len(ranked) else None)


def _assemble(
    rows: list[_Row],
    thresholds: Thresholds,
    previous: Mapping[Hashable, Previous] | None,
    given_ranks: dict[Hashable, int] | None,
    among_rows: bool = True,
) -> tuple[list[Outcome], Averages]:
    """Rank, group, average and compare normalised rows; unranked rows get no ranks.

    Without `among_rows` the rows are not the whole edition: nothing that compares them with
    each other (region and field ranks, averages) is computed, and ranks come from given_ranks.
    """
    duplicates = [key for key, count in Counter(row.key for row in rows).items() if count > 1]
    if duplicates:
        raise ValueError(f"duplicate keys: {duplicates}")
    index = {
        row.key: None if row.index_exact is None else round_half_up(row.index_exact) for row in rows
    }
    ranked = [row for row in rows if row.ranked]
    national = {row.key: value for row in ranked if (value := index[row.key]) is not None}
    ranks = competition_ranks(national) if given_ranks is None else given_ranks
    by_region: defaultdict[str, dict[Hashable, Decimal]] = defaultdict(dict)
    by_field: defaultdict[str, dict[Hashable, Decimal]] = defaultdict(dict)
    for row in ranked if among_rows else ():
        # As nationally, a row without an index is ranked in no region.
        if row.region is not None and (value := index[row.key]) is not None:
            by_region[row.region][row.key] = value
        for code, (_, exact) in row.fields.items():
            by_field[code][row.key] = round_half_up(exact)
    region_ranks: dict[Hashable, int] = {}
    for members in by_region.values():
        region_ranks.update(competition_ranks(members))
    field_ranks = {code: competition_ranks(members) for code, members in by_field.items()}

    outcomes = []
    for row in rows:
        rounded, rank, before = index[row.key], ranks.get(row.key), (previous or {}).get(row.key)
        fields = {
            code: FieldOutcome(
                points, exact, round_half_up(exact), field_ranks.get(code, {}).get(row.key)
            )
            for code, (points, exact) in row.fields.items()
        }
        # Changes only between two published figures, never from a missing one.
        delta_rank = delta_index = None
        if before is not None and before.rank is not None and rank is not None:
            delta_rank = before.rank - rank
        if before is not None and before.index is not None and rounded is not None:
            delta_index = _CTX.subtract(rounded, before.index)
        outcomes.append(
            Outcome(
                key=row.key,
                total_points=row.total_points,
                index_exact=row.index_exact,
                index=rounded,
                rank=rank,
                rank_in_region=region_ranks.get(row.key),
                group="" if rounded is None else group_for(rounded, thresholds),
                fields=fields,
                delta_index=delta_index,
                delta_rank=delta_rank,
            )
        )
    averages = Averages(
        national=mean_half_up(national.values()) if among_rows else None,
        regions={region: _mean(list(members.values())) for region, members in by_region.items()},
        fields={code: _mean(list(members.values())) for code, members in by_field.items()},
    )
    return outcomes, averages

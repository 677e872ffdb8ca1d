"""One node of an edition's criteria tree across all its units: a field by its published
component index, a criterion or sub-criterion by the final points of the leaves under it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from public.rankings import RankingRow
from scoring.models import Criterion, Edition, Score
from scoring.ranking import index_of, mean_half_up, round_half_up
from scoring.tree import Tree, parent_code

BAND_WIDTH = 10
TOP = Decimal(100)


@dataclass(frozen=True)
class DistributionBand:
    low: int
    high: int  # exclusive, except the last band which holds 100
    count: int
    last: bool


@dataclass
class NodeRow:
    row: RankingRow
    points: Decimal | None  # None on a field: pages show its published index
    percent: Decimal


def bands(percents: Iterable[Decimal]) -> list[DistributionBand]:
    """Counts per 10-point band of a percentage: [0, 10), [10, 20), … [90, 100]; 100 falls in
    the last band."""
    counts = [0] * (100 // BAND_WIDTH)
    for value in percents:
        position = min(int(value // BAND_WIDTH), len(counts) - 1)
        counts[position] += 1
    return [
        DistributionBand(i * BAND_WIDTH, (i + 1) * BAND_WIDTH, count, i == len(counts) - 1)
        for i, count in enumerate(counts)
    ]


def extremes(rows: list[NodeRow]) -> tuple[list[NodeRow], list[NodeRow]]:
    """The best and the worst rows by percentage, every tied row listed."""
    if not rows:
        return [], []
    best = max(row.percent for row in rows)
    worst = min(row.percent for row in rows)
    return [r for r in rows if r.percent == best], [r for r in rows if r.percent == worst]


def average(values: Iterable[Decimal]) -> Decimal | None:
    """The rule of every average (docs/rules.md): mean of rounded values, half-up."""
    return mean_half_up(values)


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    """Points as a percentage of the node's maximum, rounded half-up like an index."""
    return round_half_up(index_of(points, maximum)) if maximum > 0 else Decimal("0.00")


def node_rows(
    edition: Edition, tree: Tree, node: Criterion, rows: list[RankingRow]
) -> list[NodeRow]:
    """Every unit's value on the node, best first (then by code)."""
    if node.parent_id is None:
        found = [
            NodeRow(row, None, row.fields[node.code]) for row in rows if node.code in row.fields
        ]
    else:
        points = _points_under(edition, tree, node)
        found = [
            NodeRow(row, points[row.code], percent_of(points[row.code], node.max_points))
            for row in rows
            if row.code in points
        ]
    found.sort(key=lambda r: (-r.percent, r.row.code))
    return found


def _points_under(edition: Edition, tree: Tree, node: Criterion) -> dict[str, Decimal]:
    """Final points per unit code summed over the leaves under the node, as scoring/publish.py
    takes them: appraised points on `self` leaves, survey points on `survey` leaves."""
    prefix = node.code + "."
    leaves = {
        leaf.pk: leaf.method
        for leaf in tree.leaves
        if leaf.code == node.code or leaf.code.startswith(prefix)
    }
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for code, criterion_id, appraised, survey in Score.objects.filter(
        participant__edition=edition, criterion_id__in=leaves
    ).values_list("participant__unit__code", "criterion_id", "appraised_points", "survey_points"):
        value = survey if leaves[criterion_id] == Criterion.Method.SURVEY else appraised
        if value is not None:
            totals[code] += value
    return dict(totals)


def breadcrumb(tree: Tree, node: Criterion) -> list[Criterion]:
    """The node's ancestors from its field down, without the node itself."""
    trail = []
    code = parent_code(node.code)
    while code:
        trail.append(tree.by_code[code])
        code = parent_code(code)
    return trail[::-1]


def children(tree: Tree, node: Criterion) -> list[Criterion]:
    return [n for n in tree.nodes if n.parent_id == node.pk]

"""A unit's scorecard in one edition, as its profile shows it and as the staff's review preview
shows it before publishing: each field against the averages and the best units, and the
criteria tree with the unit's points on every node."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from provinces.localized import localized
from scoring.models import Criterion, Result, Score
from scoring.tree import Tree


@dataclass
class UnitLink:
    slug: str
    name: str


@dataclass
class BestUnit(UnitLink):
    index: Decimal


@dataclass
class FieldLine:
    """One field of the shown edition: the unit's component index against the averages and
    the best unit(s) of the field."""

    code: str
    name: str
    points: Decimal | None
    max_points: Decimal | None
    index: Decimal
    rank: int | None
    national_average: Decimal | None
    regional_average: Decimal | None
    best: list[BestUnit] = field(default_factory=list)


def best_units(rows) -> dict[str, list[BestUnit]]:
    """The ranked units with the highest component index on each field, all of them on a tie,
    listed by unit code (`rows`: ranking rows, each with its component indices by field code);
    a field no ranked unit has maps to an empty list. The public profile and the staff's review
    preview both show these, so they list ties alike."""
    best: dict[str, list[BestUnit]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.code):
        if not row.ranked:
            continue
        for code, index in row.fields.items():
            top = best[code]
            if not top or index > top[0].index:
                best[code] = [BestUnit(slug=row.slug, name=row.name, index=index)]
            elif index == top[0].index:
                top.append(BestUnit(slug=row.slug, name=row.name, index=index))
    return best


@dataclass
class PointsRow:
    """A node of the criteria tree with the unit's points; leaves carry the Score columns."""

    code: str
    name: str
    depth: int
    max_points: Decimal
    method: str
    method_label: str
    is_leaf: bool
    points: Decimal | None = None
    self_points: Decimal | None = None
    appraised_points: Decimal | None = None
    deduction: Decimal | None = None
    reason: str = ""
    survey_points: Decimal | None = None


@dataclass
class Branch:
    """A field of the tree and all the nodes under it, in code order."""

    field: PointsRow
    nodes: list[PointsRow]


def points_tree(result: Result, nodes: list[Criterion]) -> list[Branch]:
    """The edition's criteria tree, field by field, with the unit's points on every leaf and
    their sums on every parent."""
    if not nodes:
        return []
    tree = Tree(nodes)
    scores = {s.criterion_id: s for s in Score.objects.filter(participant=result.participant)}
    by_id = {n.pk: n for n in nodes}
    rows = {}
    for node in tree.nodes:
        leaf = tree.is_leaf(node)
        row = PointsRow(
            code=node.code,
            name=localized(node, "name"),
            depth=node.code.count("."),
            max_points=node.max_points,
            method=node.method,
            method_label=node.get_method_display() if node.method else "",
            is_leaf=leaf,
        )
        score = scores.get(node.pk)
        if leaf and score is not None:
            _fill_leaf(row, score)
        rows[node.pk] = row
    # Parents' points are the sums of their leaves' final points (docs/rules.md), deepest first.
    for node in sorted(tree.nodes, key=lambda n: -n.code.count(".")):
        row, parent = rows[node.pk], node.parent_id
        if parent is None or parent not in by_id or row.points is None:
            continue
        above = rows[parent]
        above.points = (above.points or Decimal("0")) + row.points
    branches = []
    for node in tree.nodes:
        if node.parent_id is None:
            branches.append(Branch(field=rows[node.pk], nodes=[]))
        elif branches:
            branches[-1].nodes.append(rows[node.pk])
    return branches


def _fill_leaf(row: PointsRow, score: Score) -> None:
    row.self_points = score.self_points
    row.appraised_points = score.appraised_points
    row.survey_points = score.survey_points
    if row.method == Criterion.Method.SURVEY:
        row.points = score.survey_points
        return
    row.points = score.appraised_points
    if (
        score.self_points is not None
        and score.appraised_points is not None
        and score.self_points != score.appraised_points
    ):
        row.deduction = score.self_points - score.appraised_points
        row.reason = score.appraisal_reason

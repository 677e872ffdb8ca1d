"""An edition's methodology: the writer of its criteria tree, which checks the tree's rules
(scoring/tree.py) against what is stored and records every node it adds or changes."""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction

from files.problems import Refused
from files.texts import text_problem
from scoring.editions import Change, Written, create_edition, lock_edition, record_changes
from scoring.models import Criterion, Edition, EditionChange
from scoring.points import points_problem
from scoring.tree import Finding, Node, code_problem, parent_code, stored_points_findings
from scoring.tree import tree_findings as _tree_findings

NAME_LIMIT = Criterion._meta.get_field("name_vi").max_length


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name_vi: str
    max_points: Decimal
    method: str = ""
    name_en: str = ""
    description_vi: str = ""
    description_en: str = ""


def methodology_findings(edition: Edition | None, specs: list[CriterionSpec]) -> list[Finding]:
    """Everything wrong with these nodes over the edition's stored tree (None: a new edition)."""
    findings = []
    for spec in specs:
        problem = code_problem(spec.code)
        if problem:
            findings.append(Finding(spec.code, "code", problem))
        problem = points_problem(spec.max_points)
        if problem:
            findings.append(Finding(spec.code, "max_points", problem))
        for column in ("name_vi", "name_en"):
            problem = text_problem(getattr(spec, column), NAME_LIMIT)
            if problem:
                findings.append(Finding(spec.code, column, problem))
        for column in ("description_vi", "description_en"):
            problem = text_problem(getattr(spec, column))
            if problem:
                findings.append(Finding(spec.code, column, problem))
    if findings:
        return findings
    nodes = {}
    if edition is not None:
        nodes = {
            node.code: Node(node.code, node.max_points, node.method)
            for node in edition.criteria.all()
        }
    proposed = {spec.code: Node(spec.code, spec.max_points, spec.method) for spec in specs}
    findings = _tree_findings({**nodes, **proposed}, set(proposed))
    if edition is not None:
        findings += stored_points_findings(edition, proposed)
    return findings


def import_methodology(
    year: int, level: str, specs: Iterable[CriterionSpec], *, user, source: str
) -> tuple[Edition, Written, bool]:
    """Add or change nodes of the year's tree, creating the edition if there is none yet.

    Returns the edition, the counts, and whether the edition was created."""
    specs = sorted(specs, key=lambda spec: Criterion.sort_key_for(spec.code))
    with transaction.atomic():
        edition = Edition.objects.filter(year=year, level=level).first()
        is_new = edition is None
        if is_new:
            edition = create_edition(year, level, user=user, source=source)
        edition = lock_edition(edition, Change.METHODOLOGY, user=user)
        findings = methodology_findings(None if is_new else edition, specs)
        if findings:
            raise Refused(finding.message for finding in findings)
        nodes = {node.code: node for node in edition.criteria.all()}
        audit = []
        created, updated, unchanged = set(), set(), set()
        # Parents come before their children in sort-key order, so each parent has its key.
        for spec in specs:
            values = asdict(spec)
            parent = nodes.get(parent_code(spec.code))
            node = nodes.get(spec.code)
            if node is None:
                node = Criterion(edition=edition, parent=parent, **values)
                node.save()
                nodes[spec.code] = node
                audit.append((EditionChange.Action.ADDED, spec.code, None, _jsonable(values)))
                created.add((edition.pk, spec.code))
                continue
            old = {name: getattr(node, name) for name in values}
            if old == values and node.parent_id == (parent.pk if parent else None):
                unchanged.add((edition.pk, spec.code))
                continue
            for name, value in values.items():
                setattr(node, name, value)
            node.parent = parent
            node.save()
            audit.append(
                (EditionChange.Action.CHANGED, spec.code, _jsonable(old), _jsonable(values))
            )
            updated.add((edition.pk, spec.code))
        record_changes(edition, EditionChange.Subject.CRITERION, audit, user=user, source=source)
    written = Written(frozenset(created), frozenset(updated), frozenset(unchanged))
    return edition, written, is_new


def _jsonable(values: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}

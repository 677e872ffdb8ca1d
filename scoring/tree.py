"""An edition's criteria tree: its leaves, computed in one place, and the rules a tree obeys.

docs/rules.md: each node has a dotted code and a maximum of at most 2 decimals; a parent's maximum
equals the sum of its children's; each leaf has a method, `self` or `survey`, and parents none.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_noop

from files.problems import Listing, Message, register
from scoring.models import Criterion, Edition, Score

# ASCII digits only ([0-9], not \d, which also matches other scripts' digits); at most 6 levels
# of at most 4 digits, so that the zero-padded sort key fits its column.
CODE = re.compile(r"[0-9]{1,4}(\.[0-9]{1,4}){0,5}")
METHODS = {Criterion.Method.SELF, Criterion.Method.SURVEY}
# The points columns hold 7 digits with 2 decimals; an edition's total must fit them too.
POINTS_LIMIT = Decimal("99999.99")
MAX_LISTED = 8

register(
    bad_code=gettext_noop('"%(code)s" is not a dotted code (expected e.g. 1, 1.2, 1.2.3)'),
    no_parent=gettext_noop("%(code)s has no parent %(parent)s in the file or the edition"),
    sum_mismatch=gettext_noop(
        # Translators: %(parts)s lists the children, e.g. "1.1: 8 + 1.2: 4".
        "the maximum of %(code)s is %(maximum)s but its children add up to %(total)s (%(parts)s)"
    ),
    parent_with_method=gettext_noop(
        "%(code)s has sub-criteria, so it takes no method (only the sub-criteria below it are self "
        "or survey)"
    ),
    leaf_without_method=gettext_noop(
        "%(code)s has no sub-criteria of its own, so it needs a method (self or survey)"
    ),
    # Translators: self and survey are the methods a file may hold; keep them as written.
    bad_method=gettext_noop('"%(method)s" is not self or survey'),
    total_too_large=gettext_noop(
        "the fields add up to a maximum of %(total)s, more than the %(limit)s points an "
        "edition can hold"
    ),
    # Translators: %(units)s lists unit codes with the points stored, e.g. "01 (6.00), 31".
    leaf_gets_children=gettext_noop(
        "%(code)s has points stored for %(count)s units (%(units)s); it cannot get sub-criteria"
    ),
    max_below_points=gettext_noop(
        "%(code)s cannot have a maximum of %(maximum)s: %(count)s units have more points on it "
        "(%(units)s)"
    ),
    method_with_points=gettext_noop(
        # Translators: %(old)s and %(new)s are the methods self and survey, kept as written.
        "%(code)s cannot change from %(old)s to %(new)s: %(count)s units have %(old)s points on "
        "it (%(units)s)"
    ),
)


@dataclass(frozen=True)
class Node:
    """A node as stored or as a change proposes it."""

    code: str
    max_points: Decimal
    method: str = ""


@dataclass(frozen=True)
class Finding:
    """A problem of the tree and the node (and column) it is about."""

    code: str
    column: str
    message: Message


class Tree:
    """An edition's criteria, read once: nodes by code, parents, leaves and fields."""

    def __init__(self, nodes: Iterable[Criterion]):
        self.nodes = sorted(nodes, key=lambda node: node.sort_key)
        self.by_code = {node.code: node for node in self.nodes}
        self._parent_ids = {node.parent_id for node in self.nodes if node.parent_id}

    @classmethod
    def of(cls, edition: Edition) -> "Tree":
        return cls(edition.criteria.all())

    def is_leaf(self, node: Criterion) -> bool:
        return node.pk not in self._parent_ids

    @property
    def leaves(self) -> list[Criterion]:
        return [node for node in self.nodes if self.is_leaf(node)]

    @property
    def fields(self) -> list[Criterion]:
        return [node for node in self.nodes if node.parent_id is None]


def parent_code(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def code_problem(code: str) -> Message | None:
    return None if CODE.fullmatch(code) else Message("bad_code", {"code": code})


def tree_findings(nodes: dict[str, Node], touched: set[str]) -> list[Finding]:
    """What is wrong with a whole tree (stored nodes with a change's nodes over them).

    Only what the change touches is judged: a node in `touched`, or a parent one of whose
    children is; the rest was judged when it was imported.
    """
    children: dict[str, list[Node]] = defaultdict(list)
    findings = []
    for code, node in nodes.items():
        parent = parent_code(code)
        if not parent:
            continue
        if parent not in nodes:
            if code in touched:
                message = Message("no_parent", {"code": code, "parent": parent})
                findings.append(Finding(code, "code", message))
            continue
        children[parent].append(node)
    for code, node in nodes.items():
        kids = children.get(code, [])
        if code not in touched and not any(kid.code in touched for kid in kids):
            continue
        if kids:
            total = sum((kid.max_points for kid in kids), Decimal("0"))
            if total != node.max_points:
                parts = Listing(
                    tuple(Listing((kid.code, kid.max_points), ": ") for kid in kids), " + "
                )
                params = {"code": code, "maximum": node.max_points, "total": total, "parts": parts}
                findings.append(Finding(code, "max_points", Message("sum_mismatch", params)))
            if node.method:
                message = Message("parent_with_method", {"code": code})
                findings.append(Finding(code, "method", message))
        elif not node.method and code in touched:
            findings.append(Finding(code, "method", Message("leaf_without_method", {"code": code})))
    fields = [node for code, node in nodes.items() if not parent_code(code)]
    total = sum((node.max_points for node in fields), Decimal("0"))
    if total > POINTS_LIMIT and touched:
        first = min(touched, key=Criterion.sort_key_for)
        params = {"total": total, "limit": POINTS_LIMIT}
        findings.append(Finding(first, "max_points", Message("total_too_large", params)))
    return findings


def stored_points_findings(edition: Edition, proposed: dict[str, Node]) -> list[Finding]:
    """Changes to the tree that would leave points already stored invalid: a leaf with points
    getting sub-criteria, a maximum lowered below stored points, a leaf with points changing
    its method. Refused, naming the units, rather than leaving scores publish would misread."""
    stored = {node.code: node for node in edition.criteria.all()}
    gets_children = {parent_code(code) for code in proposed} & set(stored)
    watched = {
        code
        for code in proposed
        if code in stored
        and (
            proposed[code].max_points < stored[code].max_points
            or (stored[code].method and proposed[code].method != stored[code].method)
        )
    } | gets_children
    if not watched:
        return []
    points = defaultdict(list)
    for code, unit, self_points, appraised, survey in (
        Score.objects.filter(participant__edition=edition, criterion__code__in=watched)
        .filter(
            Q(self_points__isnull=False)
            | Q(appraised_points__isnull=False)
            | Q(survey_points__isnull=False)
        )
        .order_by("criterion__code", "participant__unit__code")
        .values_list(
            "criterion__code",
            "participant__unit__code",
            "self_points",
            "appraised_points",
            "survey_points",
        )
    ):
        points[code].append((unit, self_points, appraised, survey))
    findings = []
    for code in sorted(watched, key=Criterion.sort_key_for):
        held = points.get(code)
        if not held:
            continue
        old = stored[code]
        if code in gets_children:
            message = Message("leaf_gets_children", _units(code, held))
            findings.append(Finding(code, "code", message))
            continue
        new = proposed[code]  # watched without getting children: a node of both trees
        if new.max_points < old.max_points:
            above = [h for h in held if max(v for v in h[1:] if v is not None) > new.max_points]
            if above:
                params = {**_units(code, above), "maximum": new.max_points}
                findings.append(Finding(code, "max_points", Message("max_below_points", params)))
        if old.method and new.method != old.method:
            if old.method == Criterion.Method.SURVEY:
                affected = [h for h in held if h[3] is not None]
            else:
                affected = [h for h in held if h[1] is not None or h[2] is not None]
            if affected:
                params = {**_units(code, affected), "old": old.method, "new": new.method or "-"}
                findings.append(Finding(code, "method", Message("method_with_points", params)))
    return findings


def _units(code: str, held: list[tuple]) -> dict:
    listed = ", ".join(unit for unit, *_values in held[:MAX_LISTED])
    if len(held) > MAX_LISTED:
        listed += ", …"
    return {"code": code, "count": len(held), "units": listed}

"""An edition's criteria tree as the methodology page shows it, and what changed in it since
the previous published edition of the level (compared by code and maximum points)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.models import Criterion, Edition


@dataclass
class TreeChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # code -> (previous maximum, this edition's maximum)
    reweighted: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.reweighted)


@dataclass
class TreeRow:
    node: Criterion
    depth: int
    is_leaf: bool
    added: bool
    previous_max: Decimal | None  # set when re-weighted


def tree_changes(current: Mapping[str, Decimal], previous: Mapping[str, Decimal]) -> TreeChanges:
    """Codes added, removed and re-weighted (same code, another maximum), in tree order."""
    order = Criterion.sort_key_for
    return TreeChanges(
        added=sorted(current.keys() - previous.keys(), key=order),
        removed=sorted(previous.keys() - current.keys(), key=order),
        reweighted={
            code: (previous[code], current[code])
            for code in sorted(current.keys() & previous.keys(), key=order)
            if previous[code] != current[code]
        },
    )


def previous_edition(edition: Edition) -> Edition | None:
    """The latest published edition of the same level before this one."""
    return (
        Edition.objects.published()
        .filter(level=edition.level, year__lt=edition.year)
        .order_by("-year")
        .first()
    )


def tree_rows(nodes: list[Criterion], changes: TreeChanges | None) -> list[TreeRow]:
    parents = {node.parent_id for node in nodes if node.parent_id}
    changes = changes or TreeChanges()
    return [
        TreeRow(
            node=node,
            depth=node.code.count("."),
            is_leaf=node.pk not in parents,
            added=node.code in changes.added,
            previous_max=changes.reweighted.get(node.code, (None,))[0],
        )
        for node in nodes
    ]

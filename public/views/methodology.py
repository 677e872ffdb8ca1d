from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.localized import localized
from public.editions import published_edition, published_years
from public.methodology import previous_edition, tree_changes, tree_rows


def methodology(request: HttpRequest, year: int, level: str) -> HttpResponse:
    """An edition's criteria tree, the rules in plain words and what changed in the tree."""
    edition = published_edition(year, level)
    nodes = list(edition.criteria.order_by("sort_key"))
    previous = previous_edition(edition)
    changes = None
    removed = []
    if previous is not None and nodes:
        before = {node.code: node for node in previous.criteria.order_by("sort_key")}
        if before:  # a summary-only edition may have no tree to compare with
            changes = tree_changes(
                {n.code: n.max_points for n in nodes},
                {code: node.max_points for code, node in before.items()},
            )
            removed = [before[code] for code in changes.removed]
    return render(
        request,
        "public/methodology.html",
        {
            "edition": edition,
            "rows": tree_rows(nodes, changes),
            "total": sum((n.max_points for n in nodes if n.parent_id is None), 0),
            "previous": previous,
            "changes": changes,
            "removed": removed,
            "note": localized(edition, "methodology_note"),
            "years": published_years(level),
        },
    )

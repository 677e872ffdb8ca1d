from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from public.criteria import average, bands, breadcrumb, children, extremes, node_rows
from public.editions import published_edition
from public.rankings import ranking_rows
from scoring.tree import Tree


def criterion(request: HttpRequest, year: int, level: str, code: str) -> HttpResponse:
    """One field or criterion across every unit of a published edition."""
    edition = published_edition(year, level)
    tree = Tree.of(edition)
    node = tree.by_code.get(code)
    if node is None:
        raise Http404("no such criterion in this edition")
    rows = node_rows(edition, tree, node, ranking_rows(edition))
    # Distribution, extremes and averages count ranked units only, as every average does.
    ranked = [row for row in rows if row.row.ranked]
    partial = edition.is_partial
    best, worst = extremes(ranked)
    is_field = node.parent_id is None
    return render(
        request,
        "public/criterion.html",
        {
            "edition": edition,
            "node": node,
            "is_field": is_field,
            "is_leaf": tree.is_leaf(node),
            "trail": breadcrumb(tree, node),
            "children": children(tree, node),
            "rows": rows,
            "ranked_count": len(ranked),
            "bands": bands(row.percent for row in ranked),
            "best": best,
            "worst": worst,
            # A partial edition's units are not the whole edition: no average of them.
            "average_percent": None if partial else average(row.percent for row in ranked),
            "average_points": None
            if partial or is_field
            else average(row.points for row in ranked),
            "partial": partial,
        },
    )

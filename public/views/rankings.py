from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.localized import localized
from public.editions import shown_edition, shown_years
from public.rankings import (
    RankingRow,
    cite_sources,
    published_averages,
    published_field_figures,
    ranking_columns,
    regions_of,
    sorted_rows,
)
from public.rankings import ranking_rows as _ranking_rows
from scoring.downloads import FORMATS
from scoring.notes import SourceNotes
from scoring.responses import table_download

_GROUPS = ("A", "B", "C", "D")


def ranking(request: HttpRequest, year: int, level: str) -> HttpResponse:
    """An edition's ranking, sorted and filtered by query parameters, as a page or a file."""
    edition = shown_edition(year, level)  # under a correction: as last published
    fields = list(edition.fields())
    rows = _ranking_rows(edition, [field.code for field in fields])
    record = any(row.source for row in rows)
    columns = ranking_columns(fields)
    # The public record gives indices and ranks, never points: no columns of blanks for them.
    no_points = record and all(
        row.appraised_points is None and row.survey_points is None for row in rows
    )
    if no_points:
        columns = [c for c in columns if c[0] not in {"appraised_points", "survey_points"}]
    sort = request.GET.get("sort", "rank")
    if sort not in {key for key, _label in columns}:
        sort = "rank"
    descending = request.GET.get("order", _default_order(sort)) == "desc"
    region = request.GET.get("region", "")
    group = request.GET.get("group", "")
    shown = [row for row in rows if (not region or row.region_code == region)]
    shown = [row for row in shown if (not group or row.group == group)]
    ranked = sorted_rows([row for row in shown if row.ranked], sort, descending)
    unranked = [row for row in shown if not row.ranked]
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise Http404("unknown format")
        return _download(edition, columns, ranked + unranked, fmt)
    notes = SourceNotes()
    cite_sources(edition, ranked + unranked, notes)
    query = {
        "sort": sort,
        "order": "desc" if descending else "asc",
        "region": region,
        "group": group,
    }
    return render(
        request,
        "public/ranking.html",
        {
            "edition": edition,
            "rows": ranked,
            "unranked": unranked,
            "fields": [(field.code, localized(field, "name")) for field in fields],
            "columns": columns,
            "sort": sort,
            "descending": descending,
            "region": region,
            "group": group,
            "regions": regions_of(rows),
            "groups": _GROUPS,
            "years": shown_years(level),
            "query": {k: v for k, v in query.items() if v},
            "formats": FORMATS,
            "total": len(rows),
            "notes": notes,
            "no_points": no_points,
            "averages": published_averages(edition, notes) if record else [],
            "field_figures": published_field_figures(edition, notes) if record else [],
        },
    )


def _default_order(column: str) -> str:
    """Ranks and names read best ascending; indices and points best first."""
    return "asc" if column in {"rank", "unit", "region", "group"} else "desc"


def _download(edition, columns, rows: list[RankingRow], fmt: str) -> HttpResponse:
    """Exactly the rows and columns of the view, in machine-readable names and numbers."""
    names = ["rank", "unit_code", "unit_name", "region_code", "index", "group"]
    names += [key for key, _label in columns if key.startswith("field_")]
    names += ["appraised_points", "survey_points", "delta_index", "delta_rank", "ranked", "source"]
    table = [
        {
            "rank": row.rank,
            "unit_code": row.code,
            "unit_name": row.name,
            "region_code": row.region_code,
            "index": row.index,
            "group": row.group,
            **{f"field_{code}": value for code, value in row.fields.items()},
            "appraised_points": row.appraised_points,
            "survey_points": row.survey_points,
            "delta_index": row.delta_index,
            "delta_rank": row.delta_rank,
            "ranked": "yes" if row.ranked else "no",
            "source": row.source,
        }
        for row in rows
    ]
    filename = f"par-index-{edition.year}-{edition.level}-ranking.{fmt}"
    return table_download(names, table, fmt, filename)

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.collation import vietnamese
from provinces.localized import localized
from provinces.models import Level
from public.compare import (
    MAX_UNITS,
    MIN_UNITS,
    bar_rows,
    chosen_codes,
    download_rows,
    history,
    peers,
    query,
)
from public.editions import shown_edition, shown_years
from public.rankings import ranking_rows
from scoring.downloads import FORMATS
from scoring.responses import table_download


def compare(request: HttpRequest, level: str) -> HttpResponse:
    """2 to 5 units of one level side by side in one published edition; the URL is the
    comparison (GET form, permalink)."""
    if level not in Level.values:
        raise Http404("unknown level")
    years = shown_years(level)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        raise Http404("no such year") from None
    edition = shown_edition(year, level)
    rows = ranking_rows(edition)
    by_code = {row.code: row for row in rows}
    asked = chosen_codes(request.GET.getlist("units"))
    unknown = [code for code in asked if code not in by_code]
    codes = [code for code in asked if code in by_code]
    too_many = len(codes) > MAX_UNITS
    codes = codes[:MAX_UNITS]
    chosen = [by_code[code] for code in codes]
    suggested = []
    if chosen and len(chosen) < MAX_UNITS:
        suggested = [
            (row, query(year, codes + [row.code])) for row in peers(chosen[0], rows, codes)
        ]
    fields = list(edition.fields())
    compared = chosen if len(chosen) >= MIN_UNITS else []
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS or not compared:
            raise Http404("unknown format or no comparison")
        columns, table = download_rows(edition, compared, [field.code for field in fields])
        filename = f"par-index-{edition.year}-{level}-comparison.{fmt}"
        return table_download(columns, table, fmt, filename)
    field_rows = [
        (field.code, localized(field, "name"), [row.fields.get(field.code) for row in compared])
        for field in fields
    ]
    return render(
        request,
        "public/compare.html",
        {
            "edition": edition,
            "level": level,
            "years": years,
            "rows": sorted(rows, key=lambda row: vietnamese(row.name)),
            "chosen": compared,
            "codes": codes,
            "too_few": len(chosen) < MIN_UNITS,
            "too_many": too_many,
            "asked_count": len(asked) - len(unknown),
            "unknown": unknown,
            "first": chosen[0] if chosen else None,
            "suggested": suggested,
            "field_rows": field_rows,
            "bars": bar_rows(compared, field_rows),
            "history": history(level, compared) if compared else [],
            "download_query": query(year, codes)[1:],
            "formats": FORMATS,
            "min_units": MIN_UNITS,
            "max_units": MAX_UNITS,
        },
    )

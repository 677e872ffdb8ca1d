from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.collation import vietnamese
from provinces.localized import localized
from provinces.models import Level
from public.editions import shown_edition, shown_years
from public.map import map_tiles
from public.rankings import ranking_rows


def map_page(request: HttpRequest, year: int) -> HttpResponse:
    """The provinces of a published edition as a tile-grid map, coloured by the index or by one
    field's component index (?field=2), with the same values as a table."""
    edition = shown_edition(year, Level.PROVINCE)
    fields = [(field.code, localized(field, "name")) for field in edition.fields()]
    field = request.GET.get("field", "")
    if field not in {code for code, _name in fields}:
        field = ""  # an unknown field shows the index, as an unknown sort shows the rank
    rows = ranking_rows(edition)
    tiles, bands = map_tiles(edition, rows, field)
    units = [tile for tile in tiles if tile.slug]
    return render(
        request,
        "public/map.html",
        {
            "edition": edition,
            "fields": fields,
            "field": field,
            "field_name": dict(fields).get(field, ""),
            "tiles": tiles,
            "bands": bands,
            "table": sorted(
                units, key=lambda t: (t.value is None, -(t.value or 0), vietnamese(t.name))
            ),
            "years": shown_years(Level.PROVINCE),
            "total": len(rows),
        },
    )

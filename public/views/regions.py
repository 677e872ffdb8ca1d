from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.localized import localized
from provinces.models import Level
from public.editions import shown_edition, shown_years
from public.rankings import ranking_rows
from public.regions import FIRST_MERGED_YEAR, national_comparison, region_blocks


def regions(request: HttpRequest, year: int) -> HttpResponse:
    """A province edition region by region: averages, spread and every rank in its region."""
    edition = shown_edition(year, Level.PROVINCE)
    fields = list(edition.fields())
    codes = [field.code for field in fields]
    partial = edition.is_partial
    # A partial edition ranks nobody within a region and averages nothing (docs/rules.md).
    blocks = [] if partial else region_blocks(edition, ranking_rows(edition), codes)
    average, field_averages = national_comparison(edition, codes)
    return render(
        request,
        "public/regions.html",
        {
            "edition": edition,
            "partial": partial,
            "blocks": blocks,
            "fields": [(field.code, localized(field, "name")) for field in fields],
            "national_average": average,
            "national_fields": field_averages,
            "shows_basis": edition.year >= FIRST_MERGED_YEAR,
            "years": shown_years(Level.PROVINCE),
        },
    )

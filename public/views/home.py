from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.models import Level
from public import story
from public.rankings import RankingRow, rows_by_edition
from scoring.models import Average, Edition
from scoring.notes import SourceNotes

TOP = 5


def home(request: HttpRequest) -> HttpResponse:
    """The latest published edition of each level at a glance, the story over the years (national
    averages, each year's first units, each figure with its source) and every edition listed."""
    editions = list(Edition.objects.published().order_by("-year", "level"))
    newest = []
    for level in Level.values:
        edition = next((e for e in editions if e.level == level), None)
        if edition is not None:
            newest.append(edition)
    # Both levels' rows and averages in one read each, not one per level.
    rows = rows_by_edition(newest)
    averages = {
        a.edition_id: a.value
        for a in Average.objects.filter(edition__in=newest, region_code="", field_code="")
    }
    latest = [_glance(edition, rows[edition.pk], averages.get(edition.pk)) for edition in newest]
    told = story.story_editions(editions)
    years = story.years(told)
    notes = SourceNotes()
    story.cite(years, notes)
    return render(
        request,
        "public/home.html",
        {
            "editions": editions,
            "latest": latest,
            "years": years,
            "story_demo": any(edition.is_demo for edition in told),
            "has_averages": any(line.averages for line in years),
            "has_firsts": any(line.firsts for line in years),
            "notes": notes,
        },
    )


def _glance(edition: Edition, rows: list[RankingRow], average: Decimal | None) -> dict:
    rows = [row for row in rows if row.rank is not None]
    movers = sorted(
        (row for row in rows if row.delta_rank),
        key=lambda row: (-abs(row.delta_rank), row.rank),
    )
    return {
        "edition": edition,
        "average": average,
        "top": rows[:TOP],
        "bottom": rows[-TOP:][::-1] if len(rows) > TOP else [],
        "movers": movers[:TOP],
        "count": len(rows),
    }

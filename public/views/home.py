from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provinces.models import Level
from public import story
from public.rankings import ranking_rows
from scoring.models import Average, Edition
from scoring.notes import SourceNotes

TOP = 5


def home(request: HttpRequest) -> HttpResponse:
    """The latest published edition of each level at a glance, the story over the years (national
    averages, each year's first units, each figure with its source) and every edition listed."""
    editions = list(Edition.objects.published().order_by("-year", "level"))
    latest = []
    for level in Level.values:
        edition = next((e for e in editions if e.level == level), None)
        if edition is not None:
            latest.append(_glance(edition))
    told = story.story_editions()
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


def _glance(edition: Edition) -> dict:
    rows = [row for row in ranking_rows(edition) if row.rank is not None]
    movers = sorted(
        (row for row in rows if row.delta_rank),
        key=lambda row: (-abs(row.delta_rank), row.rank),
    )
    national = Average.objects.filter(edition=edition, region_code="", field_code="").first()
    return {
        "edition": edition,
        "average": national.value if national else None,
        "top": rows[:TOP],
        "bottom": rows[-TOP:][::-1] if len(rows) > TOP else [],
        "movers": movers[:TOP],
        "count": len(rows),
    }

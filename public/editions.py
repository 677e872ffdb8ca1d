"""The published editions the public pages may show: never a draft, whoever asks."""

from django.http import Http404

from provinces.models import Level
from scoring.models import Edition


def published_edition(year: int, level: str) -> Edition:
    if level not in Level.values:
        raise Http404("unknown level")
    edition = Edition.objects.published().filter(year=year, level=level).first()
    if edition is None:
        raise Http404("no such published edition")
    return edition


def published_years(level: str) -> list[int]:
    return list(
        Edition.objects.published()
        .filter(level=level)
        .order_by("-year")
        .values_list("year", flat=True)
    )

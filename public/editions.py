"""The editions the public pages may show: never a draft, whoever asks.

An edition reopened for a correction keeps its last published results public (issue 15): its
Result rows are written only by publishing (scoring/publish.py), so until it is published again
they are the figures as they stood. Pages built from those rows (rankings, regions, the map, the
comparison, a unit's profile, their charts) show it with a notice; what reads the live points a
correction is changing (criteria pages, the points tree of a profile, bulk downloads of points)
keeps to published editions.
"""

from django.http import Http404

from provinces.models import Level
from scoring.models import Edition, EditionEvent


def published_edition(year: int, level: str) -> Edition:
    if level not in Level.values:
        raise Http404("unknown level")
    edition = Edition.objects.published().filter(year=year, level=level).first()
    if edition is None:
        raise Http404("no such published edition")
    return edition


def shown_edition(year: int, level: str) -> Edition:
    """A published edition, or one reopened for a correction after its publication, with
    `reopening` set to the reopening event (its date and reason) for the page's notice, None
    when the edition is published."""
    if level not in Level.values:
        raise Http404("unknown level")
    edition = Edition.objects.shown().filter(year=year, level=level).first()
    if edition is None:
        raise Http404("no such published edition")
    edition.reopening = None if edition.is_published else reopening_of(edition)
    return edition


def reopening_of(edition: Edition) -> EditionEvent | None:
    """The event that reopened the edition for its correction (its date and reason)."""
    return (
        EditionEvent.objects.filter(edition=edition, action=EditionEvent.Action.REOPEN)
        .order_by("-at", "-id")
        .first()
    )


def published_years(level: str) -> list[int]:
    return list(
        Edition.objects.published()
        .filter(level=level)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def shown_years(level: str) -> list[int]:
    """The years of shown_edition: published, or under correction after a publication."""
    return list(
        Edition.objects.shown().filter(level=level).order_by("-year").values_list("year", flat=True)
    )

"""Share cards at their own addresses (the og:image of the pages), cached until the next
publish.

As for the charts, the cache key holds the data version, the language and the path, and the
edition or unit is checked before the cache is read, so that a reopened edition's card is never
served from an entry made while it was published.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from provinces.localized import localized
from provinces.models import Unit
from public import share
from public.editions import published_edition
from public.rankings import ranking_rows
from scoring import responses
from scoring.models import Edition, Result

TOP = 5


def cache_key(path: str) -> str:
    return responses.cache_key("share", path)


def _cached_card(path: str, draw: Callable[[], bytes]) -> HttpResponse:
    return responses.cached_response("share", path, draw, "image/png")


def site(request: HttpRequest) -> HttpResponse:
    """The portal's card, for pages that are about no one edition or unit."""
    return _cached_card(
        request.path,
        lambda: share.site_card(
            _("Public Administration Reform Index"),
            _("Rankings of ministries and provinces, unit profiles and open data"),
        ),
    )


def ranking(request: HttpRequest, year: int, level: str) -> HttpResponse:
    """An edition's card: its first units by rank with their index."""
    edition = published_edition(year, level)

    def draw() -> bytes:
        # A rank published without its index (the public record) has no bar to draw.
        rows = [r for r in ranking_rows(edition) if r.rank is not None and r.index is not None]
        rows = rows[:TOP]
        return share.ranking_card(
            _edition_title(edition),
            [share.Line(row.rank, row.name, row.index) for row in rows],
            demo=edition.is_demo,
        )

    return _cached_card(request.path, draw)


def unit(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's card: its index and rank in the latest published edition it took part in."""
    unit = get_object_or_404(Unit, slug=slug)
    result = (
        Result.objects.filter(participant__unit=unit, edition__in=Edition.objects.shown())
        .select_related("edition", "participant")
        .order_by("-edition__year")
        .first()
    )

    def draw() -> bytes:
        if result is None:
            return share.site_card(localized(unit, "name"), _("No published results."))
        edition = result.edition
        name = unit.name_in(edition.year)
        return share.unit_card(
            name,
            _edition_title(edition),
            result.index,
            _rank_text(result),
            demo=edition.is_demo,
        )

    return _cached_card(request.path, draw)


def _edition_title(edition: Edition) -> str:
    return _("PAR Index %(year)s: %(level)s") % {
        "year": edition.year,
        "level": edition.get_level_display(),
    }


def _rank_text(result: Result) -> str:
    if result.rank is None:
        return _("Assessed but not ranked")
    edition = result.edition
    count = (
        edition.ranked_total or Result.objects.filter(edition=edition, rank__isnull=False).count()
    )
    return _("Rank %(rank)s of %(count)s") % {"rank": result.rank, "count": count}

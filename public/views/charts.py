"""Each chart at its own URL as an SVG image, cached until the next publish.

The cache key holds the data version (bumped by every publish), the reader's language and the
normalised URL, so a publish refreshes every chart at once and a language never sees the other's
labels. The edition or unit is checked before the cache is read, so that a reopened edition's
charts are not served from an entry made while it was published.
"""

from collections.abc import Callable
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from charts import results
from charts.drawing import Chart
from provinces.localized import localized
from provinces.models import Level, Region, Unit, former_names
from public import story
from public.editions import published_edition, shown_edition
from public.fields_chart import FieldsFigures, regional_averages, unit_fields_chart
from public.rankings import rows_by_edition
from scoring import responses
from scoring.models import Average, Edition, FieldResult, Result

GROUPS = ("A", "B", "C", "D")


def cache_key(path: str) -> str:
    return responses.cache_key("chart", path)


def _svg(path: str, build: Callable[[], Chart]) -> HttpResponse:
    return responses.cached_response("chart", path, lambda: build().svg, "image/svg+xml")


def ranking(request: HttpRequest, year: int, level: str) -> HttpResponse:
    """The ranked units by index, optionally one region's or one group's, as the ranking page
    filters them."""
    edition = shown_edition(year, level)
    region = request.GET.get("region", "")
    group = request.GET.get("group", "")
    if group not in GROUPS:
        group = ""
    if region and not Region.objects.filter(code=region).exists():
        region = ""
    path = (
        request.path + "?" + "&".join(f"{k}={v}" for k, v in (("region", region), ("group", group)))
    )

    def build() -> Chart:
        # No component index is drawn: the rows without them (a query and their rows fewer).
        rows = [row for row in rows_by_edition([edition])[edition.pk] if row.rank is not None]
        rows = [row for row in rows if (not region or row.region_code == region)]
        rows = [row for row in rows if (not group or row.group == group)]
        title = _("PAR Index %(year)s: %(level)s, index by unit") % {
            "year": edition.year,
            "level": edition.get_level_display(),
        }
        bars = [results.Bar(row.name, row.index) for row in rows]
        return results.ranking_chart(title, bars, _national_average(edition))

    return _svg(path, build)


def unit_fields(request: HttpRequest, slug: str, year: int, level: str) -> HttpResponse:
    """A unit's component index on each field against its region's and the national average."""
    unit = get_object_or_404(Unit.objects.select_related("region"), slug=slug, level=level)
    edition = published_edition(year, level)
    result = (
        Result.objects.filter(edition=edition, participant__unit=unit)
        .prefetch_related("fields", former_names("participant__unit__"))
        .first()
    )
    if result is None:
        raise Http404("the unit has no result in this edition")

    def build() -> Chart:
        national = {
            a.field_code: a.value
            for a in Average.objects.filter(edition=edition, region_code="").exclude(field_code="")
        }
        figures = FieldsFigures(
            edition=edition,
            name=result.participant.unit.name_in(edition.year),
            region=unit.region,
            fields=list(edition.fields()),
            own={f.field_code: f.index for f in result.fields.all()},
            national=national,
            regional=regional_averages(edition, unit.region, _region_members(edition, unit.region)),
        )
        return unit_fields_chart(figures)

    return _svg(request.path, build)


def unit_history(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's index in every published edition it took part in."""
    unit = get_object_or_404(Unit, slug=slug)

    def build() -> Chart:
        points = list(
            Result.objects.filter(participant__unit=unit, edition__in=Edition.objects.shown())
            .order_by("edition__year")
            .values_list("edition__year", "index")
        )
        name = localized(unit, "name")
        title = _("%(unit)s: PAR Index over the years") % {"unit": name}
        return results.history_chart(title, name, points)

    return _svg(request.path, build)


def averages(request: HttpRequest) -> HttpResponse:
    """The published national average of each level over the years (the home page's story)."""

    def build() -> Chart:
        by_level = story.national_averages(story.years(story.story_editions()))
        series = [
            (_("Provinces"), by_level[Level.PROVINCE]),
            (_("Ministries"), by_level[Level.MINISTRY]),
        ]
        title = _("National average of the PAR Index over the years")
        return results.averages_chart(title, series)

    return _svg(request.path, build)


def regions(request: HttpRequest, year: int) -> HttpResponse:
    """Each region's average index, with every ranked province of it as a dot."""
    edition = shown_edition(year, Level.PROVINCE)

    def build() -> Chart:
        averages = {
            a.region_code: a.value
            for a in Average.objects.filter(edition=edition, field_code="").exclude(region_code="")
        }
        dots: dict[str, list[Decimal]] = {}
        for code, index in Result.objects.filter(
            edition=edition, participant__ranked=True
        ).values_list("participant__unit__region__code", "index"):
            dots.setdefault(code, []).append(index)
        rows = [
            (localized(region, "name"), averages.get(region.code), dots.get(region.code, []))
            for region in Region.objects.filter(code__in=set(dots) | set(averages))
        ]
        title = _("PAR Index %(year)s: provinces by region") % {"year": year}
        return results.regions_chart(title, rows)

    return _svg(request.path, build)


def field(request: HttpRequest, year: int, level: str, code: str) -> HttpResponse:
    """How the ranked units spread over one field's component index."""
    edition = published_edition(year, level)
    criterion = edition.fields().filter(code=code).first()
    if criterion is None:
        raise Http404("no such field in this edition")

    def build() -> Chart:
        values = list(
            FieldResult.objects.filter(
                result__edition=edition, result__participant__ranked=True, field_code=code
            ).values_list("index", flat=True)
        )
        average = Average.objects.filter(edition=edition, region_code="", field_code=code).first()
        title = _("PAR Index %(year)s: field %(code)s, %(name)s") % {
            "year": year,
            "code": code,
            "name": localized(criterion, "name"),
        }
        return results.distribution_chart(title, values, average.value if average else None)

    return _svg(request.path, build)


def _national_average(edition: Edition) -> Decimal | None:
    average = Average.objects.filter(edition=edition, region_code="", field_code="").first()
    return average.value if average else None


def _region_members(edition: Edition, region: Region | None) -> list[dict[str, Decimal | None]]:
    """The component indices of the region's ranked units, each by field code (none without a
    region or in a partial edition, which has no regional average)."""
    if region is None or edition.is_partial:
        return []
    members: dict[int, dict[str, Decimal | None]] = {}
    for result_id, code, index in FieldResult.objects.filter(
        result__edition=edition,
        result__participant__ranked=True,
        result__participant__unit__region=region,
    ).values_list("result_id", "field_code", "index"):
        members.setdefault(result_id, {})[code] = index
    return list(members.values())

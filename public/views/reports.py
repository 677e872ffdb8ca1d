from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from public.fields_chart import unit_fields_chart
from public.profiles import Profile, unit_profile
from public.reports import Prepared, render_pdf
from scoring.responses import cached_response


def unit_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The unit profile of one edition (the latest, or ?year=) as the one A4 page its print
    stylesheet makes of it, drawn on the server. Cached by data version, language, address and
    the day, as the page prints the date it was printed."""
    profile = unit_profile(slug, request.GET.get("year"))
    if profile.shown is None:
        raise Http404("the unit has no published result")
    today = timezone.localdate()

    def draw() -> bytes:
        html = render_to_string(
            "public/unit.html",
            {"profile": profile, "unit": profile.unit, "report": True},
            request=request,
        )
        return render_pdf(html, request, _charts(profile))

    response = cached_response(
        "report",
        f"{today.isoformat()}:{request.build_absolute_uri()}",
        draw,
        "application/pdf",
        timeout=60 * 60 * 24,  # a day at most: tomorrow prints another date
    )
    filename = f"par-index-{profile.unit.slug}-{profile.shown.edition.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _charts(profile: Profile) -> Prepared:
    """The fields chart the printed page shows, drawn from the figures its profile has read (as
    the chart's own address draws it, and kept in the cache under that address), so that
    printing the page reads none of them again. None for an edition the chart's address does
    not draw (under correction: the page prints without it) or a page without it (summary
    only): WeasyPrint then asks the address itself, as for anything else."""
    shown = profile.shown
    edition = shown.edition
    if edition.summary_only or not edition.is_published or shown.fields_figures is None:
        return {}
    args = [profile.unit.slug, edition.year, edition.level]
    path = reverse("public:chart_unit_fields", args=args)
    figures = shown.fields_figures
    # The chart address's own cache entry (public/views/charts.py).
    response = cached_response(
        "chart", path, lambda: unit_fields_chart(figures).svg, "image/svg+xml"
    )
    return {path: (response.content, response["Content-Type"])}

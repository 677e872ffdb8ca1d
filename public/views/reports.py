from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from public.profiles import unit_profile
from public.reports import render_pdf
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
        return render_pdf(html, request)

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

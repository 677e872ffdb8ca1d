from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from parindex.cache import data_version_number
from public.profiles import unit_profile
from public.reports import render_pdf

MAX_AGE = 60 * 60  # as the charts: the server's cache follows the data version


def unit_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The unit profile of one edition (the latest, or ?year=) as the one A4 page its print
    stylesheet makes of it, drawn on the server. Cached by data version, language, address and
    the day, as the page prints the date it was printed."""
    profile = unit_profile(slug, request.GET.get("year"))
    if profile.shown is None:
        raise Http404("the unit has no published result")
    today = timezone.localdate()
    key = (
        f"report:{data_version_number()}:{get_language()}:{today.isoformat()}:"
        f"{request.build_absolute_uri()}"
    )
    pdf = cache.get(key)
    if pdf is None:
        html = render_to_string(
            "public/unit.html",
            {"profile": profile, "unit": profile.unit, "report": True},
            request=request,
        )
        pdf = render_pdf(html, request)
        cache.set(key, pdf, 60 * 60 * 24)  # a day at most: tomorrow prints another date
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"par-index-{profile.unit.slug}-{profile.shown.edition.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response

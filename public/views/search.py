from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from public.search import search as find

SUGGESTIONS = 8


def search(request: HttpRequest) -> HttpResponse:
    """Units and criteria found by code or name (?q=); ?format=json gives the best few as
    suggestions for the search box, from the same search."""
    text = request.GET.get("q", "").strip()
    results = find(text) if text else None
    if request.GET.get("format") == "json":
        return JsonResponse({"query": text, "suggestions": _suggestions(results)})
    return render(request, "public/search.html", {"query": text, "results": results})


def _suggestions(results) -> list[dict]:
    if results is None:
        return []
    unit_url = reverse("public:unit", args=["-slug-"])
    units = [
        {
            "label": hit.name,
            "detail": " · ".join(
                [str(hit.level_label), hit.code]
                # Two units of one name (the Quảng Ngãi before and after 1/7/2025) differ here.
                + (
                    [_("until %(year)s") % {"year": hit.valid_until.year}]
                    if hit.valid_until
                    else []
                )
            ),
            "url": unit_url.replace("-slug-", hit.slug),
        }
        for hit in results.units
    ]
    criteria = [
        {
            "label": hit.name,
            "detail": f"{hit.level_label} · {hit.code} · {hit.years[-1]}",
            "url": reverse("public:criterion", args=[hit.years[-1], hit.level, hit.code]),
        }
        for hit in results.criteria
    ]
    return (units + criteria)[:SUGGESTIONS]

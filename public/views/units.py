from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from provinces.models import Unit
from scoring.models import Edition, Result


def unit(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's published results over the years, and its lineage across the 2025 mergers."""
    unit = get_object_or_404(Unit.objects.select_related("region", "successor"), slug=slug)
    results = (
        Result.objects.filter(participant__unit=unit, edition__status=Edition.Status.PUBLISHED)
        .select_related("edition", "participant")
        .order_by("-edition__year")
    )
    return render(
        request,
        "public/unit.html",
        {
            "unit": unit,
            "results": list(results),
            "predecessors": list(unit.predecessors.order_by("code")),
        },
    )

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from public.corrections import corrections_log, under_correction


def corrections(request: HttpRequest) -> HttpResponse:
    """Every correction of a published edition, newest first, and the editions reopened now."""
    return render(
        request,
        "public/corrections.html",
        {"entries": corrections_log(), "reopened": under_correction()},
    )

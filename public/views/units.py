from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from public.profiles import unit_profile


def unit(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's profile: one published edition in full (the latest, or ?year=), its history over
    every published edition and its lineage across the 2025 mergers."""
    profile = unit_profile(slug, request.GET.get("year"))
    return render(request, "public/unit.html", {"profile": profile, "unit": profile.unit})

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def robots(request: HttpRequest) -> HttpResponse:
    """robots.txt: the admin (where the staff work) and the health check stay out of search
    engines; the sitemap lists everything else."""
    return render(
        request,
        "robots.txt",
        {
            "disallowed": [reverse("admin:index"), reverse("health")],
            "sitemap": request.build_absolute_uri(reverse("sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )

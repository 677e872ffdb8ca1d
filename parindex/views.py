from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from scoring.models import Edition


def home(request: HttpRequest) -> HttpResponse:
    editions = Edition.objects.published().order_by("-year", "level")
    return render(request, "parindex/home.html", {"editions": editions})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

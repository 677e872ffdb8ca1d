"""Keeping a session alive: the staff pages warn before it expires, and their "Stay signed in"
button posts here. Any staff request renews the session (SESSION_SAVE_EVERY_REQUEST), so this
one only answers how long it now lasts."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from staff.access import staff_required


@require_POST
@staff_required()
def keep_alive(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"seconds": settings.SESSION_COOKIE_AGE})


urlpatterns = [
    path("session/keep-alive/", keep_alive, name="keep_alive"),
]

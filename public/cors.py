"""Cross-origin reads of the JSON API (docs/formats.md): any web page, browser tool or notebook
may read /api/ with GET or HEAD, and its preflight OPTIONS is answered here, before the
middleware that refuses other methods on public pages. No credentials: the API is public and
the same for everyone, so the answer never depends on cookies and `*` is safe."""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_READS = ("GET", "HEAD")
_LANGUAGES = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
_API = re.compile(rf"^/(?:(?:{_LANGUAGES})/)?api/")
# How long a browser may remember a preflight's answer.
PREFLIGHT_SECONDS = 86400


def is_api(path: str) -> bool:
    return _API.match(path) is not None


class CrossOriginApiMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request.path):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
        elif request.method in _READS:
            response = self.get_response(request)
        else:
            return self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        return response

"""What every public page shows around its content: the other language's address of the page."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation


def languages(request: HttpRequest) -> dict:
    current = translation.get_language()
    path = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }

"""The SIPAS pages for sitemap.xml: the SIPAS home, and each surveyed year's national page and
province ranking. parindex/urls.py adds it to public's SITEMAPS (as "sipas")."""

from django.urls import reverse

from runtime.sitemaps import LocalizedPages
from surveys.pages import sipas_years


class SipasPages(LocalizedPages):
    # In each language with its alternates and x-default, as every public page.

    def items(self) -> list[tuple[str, tuple]]:
        pages = [("surveys:latest", ())]
        for year in sipas_years():
            pages += [("surveys:national", (year,)), ("surveys:ranking", (year,))]
        return pages

    def location(self, page: tuple[str, tuple]) -> str:
        name, args = page
        return reverse(name, args=args)

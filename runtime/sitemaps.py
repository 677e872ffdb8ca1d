"""The sitemap of pages in every language with their alternates (hreflang and x-default), that
the public pages' and the SIPAS pages' sitemaps build on."""

from urllib.parse import urlsplit, urlunsplit

from django.contrib.sitemaps import Sitemap

from runtime.languages import x_default_path


class LocalizedPages(Sitemap):
    i18n = True
    alternates = True

    def get_urls(self, page=1, site=None, protocol=None):
        """Alternates with x-default as the page heads write them. Django's x-default drops
        the language prefix, an address that only the home page has here."""
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            scheme, host, path, query, _fragment = urlsplit(url["location"])
            default = x_default_path(urlunsplit(("", "", path, query, "")))
            url["alternates"].append(
                {"location": f"{scheme}://{host}{default}", "lang_code": "x-default"}
            )
        return urls

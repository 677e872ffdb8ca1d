"""sitemap.xml: every public page, in each language with its alternates (hreflang).

Pages of every published edition (ranking, methodology, the page of each field, criterion and
sub-criterion, the comparison page, and for provinces the regions and the map), the profile of
every unit (the map and the lineage across the 2025 mergers link them all, with or without
results), and the pages about no edition (home, data, codebook, search). Draft editions are
left out, as their pages 404.
"""

from django.urls import NoReverseMatch, reverse

from provinces.models import Level, Unit
from runtime.sitemaps import LocalizedPages
from scoring.models import Criterion, Edition, Result


class StaticPages(LocalizedPages):
    """The pages about no one edition; the search page once it exists."""

    def items(self) -> list[str]:
        names = ["public:home", "public:data", "public:codebook", "public:corrections"]
        try:
            reverse("public:search")
            names.append("public:search")
        except NoReverseMatch:
            pass
        return names

    def location(self, name: str) -> str:
        return reverse(name)


class EditionPages(LocalizedPages):
    """Every page of every published edition, as (url name, arguments, query, lastmod)."""

    def items(self) -> list[tuple]:
        editions = list(Edition.objects.published().order_by("-year", "level"))
        criteria: dict[int, list[str]] = {}
        for edition_id, code in (
            Criterion.objects.filter(edition__in=editions)
            .order_by("sort_key")
            .values_list("edition_id", "code")
        ):
            criteria.setdefault(edition_id, []).append(code)
        pages = []
        for edition in editions:
            when = edition.published_at
            args = (edition.year, edition.level)
            pages.append(("public:ranking", args, "", when))
            pages.append(("public:methodology", args, "", when))
            for code in criteria.get(edition.pk, []):
                pages.append(("public:criterion", (*args, code), "", when))
            if edition.level == Level.PROVINCE:
                pages.append(("public:regions", (edition.year,), "", when))
                pages.append(("public:map", (edition.year,), "", when))
            # The edition's comparison page before any unit is chosen, as the home page links
            # it; the comparisons themselves are endless and left out.
            pages.append(("public:compare", (edition.level,), f"?year={edition.year}", when))
        return pages

    def location(self, page: tuple) -> str:
        name, args, query, _when = page
        return reverse(name, args=args) + query

    def lastmod(self, page: tuple):
        return page[3]


class UnitPages(LocalizedPages):
    """Each unit's profile, and the profile as of each published year it has a result in (a page of
    its own: seo.KEPT_PARAMETERS), which the "units like this one" lists link to."""

    def items(self) -> list[tuple[str, str]]:
        slugs = Unit.objects.order_by("level", "code", "slug").values_list("slug", flat=True)
        years: dict[str, list[int]] = {}
        for slug, year in (
            Result.objects.filter(edition__in=Edition.objects.published())
            .order_by("participant__unit__slug", "edition__year")
            .values_list("participant__unit__slug", "edition__year")
            .distinct()
        ):
            years.setdefault(slug, []).append(year)
        return [
            (slug, query)
            for slug in slugs
            for query in ["", *(f"?year={year}" for year in years.get(slug, []))]
        ]

    def location(self, page: tuple[str, str]) -> str:
        slug, query = page
        return reverse("public:unit", args=[slug]) + query


SITEMAPS = {"pages": StaticPages, "editions": EditionPages, "units": UnitPages}

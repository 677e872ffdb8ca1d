"""The public SIPAS pages: the country's figures of a year, the provinces ranked with their
intervals, the year's results as a file, the figures as published every year at once (a file
the data page lists), and the charts.

Like the public pages they are plain views of stored rows (surveys.pages); whole pages are
cached by parindex.middleware.PageCacheMiddleware under the data version, and each chart's SVG,
as public/views/charts.py does, under the data version and the language.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from charts import sipas
from charts.drawing import Chart
from scoring.downloads import FORMATS
from scoring.responses import cached_response, table_download
from surveys import pages
from surveys.exports import COLUMNS, PUBLISHED_COLUMNS, published_rows, sipas_rows


def latest(request: HttpRequest) -> HttpResponse:
    """The newest year's national page; ?year= (the year picker without JavaScript) goes to
    that year's own address."""
    if "year" in request.GET:
        try:
            year = int(request.GET["year"])
        except ValueError:
            raise Http404("not a year") from None
        # A year with no results (-1 and 0 among them, which no address can hold) is a 404 here.
        if year not in _all_years():
            raise Http404("no SIPAS results for this year")
        return redirect("surveys:national", year)
    years = _all_years()
    if not years:
        return render(request, "surveys/none.html", {})
    return _year(request, years[0])


def national(request: HttpRequest, year: int) -> HttpResponse:
    return _year(request, year)


def _all_years() -> list[int]:
    """Every year the SIPAS pages show, newest first: with respondent results or with published
    headline figures only."""
    return sorted({*pages.sipas_years(), *pages.figure_years()}, reverse=True)


def _year(request: HttpRequest, year: int) -> HttpResponse:
    """A year's national page: its respondents' figures, or where the portal holds none, the
    headline figures published for it."""
    if year in pages.sipas_years():
        return render(
            request,
            "surveys/national.html",
            {
                "national": pages.national_figures(year),
                "year": year,
                "years": _all_years(),
                "formats": FORMATS,
            },
        )
    if year in pages.figure_years():
        return render(
            request,
            "surveys/published.html",
            {"published": pages.published_year(year), "year": year, "years": _all_years()},
        )
    raise Http404("no SIPAS results for this year")


def ranking(request: HttpRequest, year: int) -> HttpResponse:
    """The provinces of a year by SIPAS, with which of their ranks the intervals tell apart; a
    year of published headline figures only has them on its national page."""
    years = pages.sipas_years()
    if year not in years:
        if year in pages.figure_years():
            return redirect("surveys:national", year)
        raise Http404("no SIPAS results for this year")
    found = pages.sipas_ranking(year)
    title, summary = ranking_chart_text(found)
    return render(
        request,
        "surveys/ranking.html",
        {
            "ranking": found,
            "chart": {"title": title, "summary": summary},
            "year": year,
            "years": _all_years(),
            "formats": FORMATS,
        },
    )


def download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The year's results exactly as `manage.py export_sipas YEAR --format FMT` writes them."""
    if fmt not in FORMATS:
        raise Http404("unknown format")
    rows = sipas_rows(year)
    if not rows:
        raise Http404("no SIPAS results for this year")
    return table_download(COLUMNS, rows, fmt, f"sipas-{year}.{fmt}")


def published_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The SIPAS figures as published, every year at once: served at the data page's address
    of its tables across all editions (data/all/sipas.<fmt>), under their file name."""
    if fmt not in FORMATS:
        raise Http404("unknown format")
    return table_download(PUBLISHED_COLUMNS, published_rows(), fmt, f"par-index-all-sipas.{fmt}")


def chart_aspects(request: HttpRequest, year: int) -> HttpResponse:
    """The country's SIPAS and its five aspects, each with its interval."""

    def build() -> Chart:
        national = pages.national_figures(year)
        found = national.overall
        dots = [sipas.Dot(_("SIPAS"), found.sipas, found.low, found.high)]
        dots += [
            sipas.Dot(aspect.label, aspect.value, aspect.low, aspect.high)
            for aspect in found.aspects
            if aspect.value is not None
        ]
        title = _("SIPAS %(year)s: the country, by aspect") % {"year": year}
        summary = _demo_said(sipas.aspects_summary(dots), national.is_demo)
        return sipas.dots_chart(title, summary, dots, demo=national.is_demo)

    return _sipas_svg(request.path, build)


def chart_ranking(request: HttpRequest, year: int) -> HttpResponse:
    """Every ranked province's SIPAS with its interval, by rank, and the national SIPAS."""

    def build() -> Chart:
        found = pages.sipas_ranking(year)
        title, summary = ranking_chart_text(found)
        dots = [sipas.Dot(row.name, row.sipas, row.low, row.high) for row in found.ranked]
        return sipas.dots_chart(title, summary, dots, found.national, demo=found.is_demo)

    return _sipas_svg(request.path, build)


def ranking_chart_text(found: pages.Ranking) -> tuple[str, str]:
    """The ranking chart's title and summary: the SVG's <title>/<desc> and the page's alt."""
    dots = [sipas.Dot(row.name, row.sipas, row.low, row.high) for row in found.ranked]
    title = _("SIPAS %(year)s: provinces by SIPAS") % {"year": found.year}
    return title, _demo_said(sipas.sipas_ranking_summary(dots, found.national), found.is_demo)


def _demo_said(summary: str, demo: bool) -> str:
    # The summary is the chart's <desc> and the page's alt text: read without the picture.
    if not demo:
        return summary
    return f"{capfirst(_('illustrative demo data, not official results'))}. {summary}"


def _sipas_svg(path: str, build: Callable[[], Chart]) -> HttpResponse:
    return cached_response("sipas-chart", path, lambda: build().svg, "image/svg+xml")

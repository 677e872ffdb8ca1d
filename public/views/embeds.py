import html
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from provinces.models import Level
from public.reports import sub_request
from scoring.models import Edition, Result

_TITLE = re.compile(r'<title id="chart-title">(.*?)</title>', re.S)
_DESC = re.compile(r'<desc id="chart-desc">(.*?)</desc>', re.S)


@xframe_options_exempt  # made to be shown in other sites' iframes; every other page stays DENY
def embed(request: HttpRequest, chart: str) -> HttpResponse:
    """A chart alone, to embed: /<lang>/embed/<chart>/ shows /<lang>/charts/<chart>.svg (same
    parts, same query) with its title, the source and a link back to the page it belongs to.
    The chart's own view is asked first, so what it refuses (an unpublished edition, an unknown
    unit) is a 404 here too, and its cached SVG gives the title and the summary."""
    path = f"{reverse('public:home')}charts/{chart}.svg"
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise Http404("no such chart") from error
    if match.namespace != "public" or not match.url_name.startswith("chart_"):
        raise Http404("no such chart")
    query = request.GET.urlencode()
    svg = match.func(sub_request(request, path, query), *match.args, **match.kwargs)
    text = svg.content.decode("utf-8")
    back, edition = _belongs_to(match.url_name, match.kwargs, query)
    if match.url_name == "chart_unit_history":
        demo = _demo_history(match.kwargs)
    else:
        demo = edition is not None and edition.is_demo
    return render(
        request,
        "public/embed.html",
        {
            "title": html.unescape(_TITLE.search(text).group(1)),
            "summary": html.unescape(_DESC.search(text).group(1)),
            "src": path + (f"?{query}" if query else ""),
            "back": request.build_absolute_uri(back),
            # What the demo banner reads: the drawn edition's flag, or any of a history's.
            "edition": {"is_demo": demo},
        },
    )


def _belongs_to(name: str, kwargs: dict, query: str) -> tuple[str, Edition | None]:
    """The page that shows the chart with its numbers, and the edition it draws (if one)."""
    if name == "chart_ranking":
        back = reverse("public:ranking", args=[kwargs["year"], kwargs["level"]])
        return back + (f"?{query}" if query else ""), _edition(kwargs["year"], kwargs["level"])
    if name == "chart_unit_fields":
        back = reverse("public:unit", args=[kwargs["slug"]]) + f"?year={kwargs['year']}"
        return back, _edition(kwargs["year"], kwargs["level"])
    if name == "chart_unit_history":
        return reverse("public:unit", args=[kwargs["slug"]]), None
    if name == "chart_regions":
        return reverse("public:regions", args=[kwargs["year"]]), _edition(
            kwargs["year"], Level.PROVINCE
        )
    if name == "chart_averages":
        return reverse("public:home"), None
    if name == "chart_field":
        args = [kwargs["year"], kwargs["level"], kwargs["code"]]
        return reverse("public:criterion", args=args), _edition(kwargs["year"], kwargs["level"])
    raise Http404("no such chart")


def _edition(year: int, level: str) -> Edition | None:
    return Edition.objects.published().filter(year=year, level=level).first()


def _demo_history(kwargs: dict) -> bool:
    """A unit's history is illustrative when any edition it draws is."""
    return Result.objects.filter(
        participant__unit__slug=kwargs["slug"],
        edition__status=Edition.Status.PUBLISHED,
        edition__is_demo=True,
    ).exists()

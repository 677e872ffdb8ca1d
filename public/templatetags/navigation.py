"""The site's frame: the sections every public page links to, the current one marked, and the
breadcrumb trail of a detail page."""

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from provinces.models import Level
from runtime.cache import safe_get, safe_set
from scoring.versions import data_version_number

register = template.Library()

# (key, label, the URL names of the pages that belong to the section). A section is marked
# current on its own pages and on the detail pages reached from it (a unit from the ranking).
SECTIONS = (
    ("ranking", _("Rankings"), {"public:ranking", "public:unit", "public:criterion"}),
    ("map", _("Map"), {"public:map"}),
    ("regions", _("Regions"), {"public:regions"}),
    ("sipas", _("SIPAS"), {"surveys:latest", "surveys:national", "surveys:ranking"}),
    ("compare", _("Compare"), {"public:compare"}),
    ("data", _("Data"), {"public:data", "public:codebook"}),
    ("methodology", _("Methodology"), {"public:methodology"}),
    ("corrections", _("Corrections"), {"public:corrections"}),
)


@register.simple_tag(takes_context=True)
def site_sections(context) -> list[dict]:
    """The sections of the header, each {key, label, url, current}; the rankings, map, regions
    and methodology open on the latest published edition of the provinces, and are left out
    while none is published."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    year = _latest_province_year()
    urls = {
        "sipas": reverse("surveys:latest"),
        "compare": reverse("public:compare", args=[Level.PROVINCE]),
        "data": reverse("public:data"),
        "corrections": reverse("public:corrections"),
    }
    if year is not None:
        urls["ranking"] = reverse("public:ranking", args=[year, Level.PROVINCE])
        urls["map"] = reverse("public:map", args=[year])
        urls["regions"] = reverse("public:regions", args=[year])
        urls["methodology"] = reverse("public:methodology", args=[year, Level.PROVINCE])
        # The comparison's own address names its year (the one the sitemap lists).
        urls["compare"] += f"?year={year}"
    return [
        {"key": key, "label": label, "url": urls[key], "current": here in views}
        for key, label, views in SECTIONS
        if key in urls
    ]


def _latest_province_year() -> int | None:
    """Read once per data version (a publish or a reopening changes it), so that the frame adds
    no query to a page; None while the database cannot be asked (an error page still draws)."""
    from public.editions import shown_years

    try:
        key = f"nav:latest-province-year:{data_version_number()}"
        found = safe_get(key)
        if found is None:
            # Under a correction the latest edition stays shown (public/editions.py).
            year = next(iter(shown_years(Level.PROVINCE)), None)
            # 0 stands for "none published", which the cache cannot tell from a miss as None.
            found = year or 0
            safe_set(key, found, None)
    except Exception:  # noqa: BLE001 - an error page (database down, refused) still draws its frame
        return None
    return found or None


@register.simple_tag
def trail(*pairs) -> list[tuple[str, str]]:
    """Breadcrumb steps from alternating labels and URLs: {% trail label url label url as x %}."""
    return list(zip(pairs[0::2], pairs[1::2], strict=True))

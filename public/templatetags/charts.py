"""What a page needs to show a chart without drawing it: the image's address, its title and the
generated summary for its alt text, from rows the page already holds (no query)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from charts import results

register = template.Library()


@register.simple_tag
def ranking_chart(edition, rows, average=None, region="", group="") -> dict:
    """The ranking chart of an edition (one region's or group's when the page is filtered), its
    summary from the page's rows: their highest and lowest index and the national average when
    the page has it."""
    query = urlencode({k: v for k, v in (("region", region), ("group", group)) if v})
    ranked = [row for row in rows if row.rank is not None]
    return {
        "src": reverse("public:chart_ranking", args=[edition.year, edition.level])
        + (f"?{query}" if query else ""),
        "title": _("PAR Index %(year)s: %(level)s, index by unit")
        % {"year": edition.year, "level": edition.get_level_display()},
        "summary": results.ranking_summary([results.Bar(r.name, r.index) for r in ranked], average),
        "table_href": reverse("public:ranking", args=[edition.year, edition.level])
        + "#ranking-table",
    }


@register.simple_tag
def chart_at(url_name: str, *args, title: str = "") -> dict:
    """A chart whose numbers the page already shows in a table: its address, its title, and an
    alt text that sends the reader to that table (the SVG carries its own generated summary)."""
    return {
        "src": reverse(f"public:{url_name}", args=args),
        "title": title,
        "summary": _("%(title)s. The numbers are in the table on this page.") % {"title": title},
    }

"""`{% load cells %}`: cells of the ranking table drawn by tags, not by an included template or a
loop of the template per cell (as deltas.py draws its Δ cells): the table has a row per unit and
a cell per field in each, and an include per row or a template loop per row cost a tenth of the
page's render each (DESIGN.md's budget: a ranking renders in 20 ms).
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def region_name(full: str, short: str) -> SafeString:
    """A region by its short name where it has one, its full name at hand in the title (the
    ranking's and the map's tables)."""
    if short and short != full:
        return format_html('<abbr title="{}">{}</abbr>', full, short)
    return conditional_escape(full)


@register.simple_tag
def number_cells(values) -> SafeString:
    """A numeric cell per value, written as the template writes a number (the reader's
    language); a blank cell for None."""
    cells = ("" if value is None else conditional_escape(localize(value)) for value in values)
    return mark_safe("".join(f'<td class="num">{cell}</td>' for cell in cells))

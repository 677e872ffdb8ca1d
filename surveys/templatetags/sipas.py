"""`{% unit_sipas unit %}`: the SIPAS section of a province's profile (templates/public/unit.html).

Renders nothing for a ministry (SIPAS surveys provinces only) or a province without results.
"""

from django import template

from surveys.pages import unit_figures, unit_years

register = template.Library()


@register.inclusion_tag("surveys/_unit_sipas.html")
def unit_sipas(unit) -> dict:
    years = unit_years(unit)
    published, notes = unit_figures(unit)
    return {
        "years": years,
        "latest": years[0] if years else None,
        "unit": unit,
        "published": published,
        "notes": notes,
    }

"""`{% sipas_trend %}`: the country's published SIPAS of every year, with their sources, for the
home page (templates/public/home.html); nothing where none was published."""

from django import template

from surveys.pages import national_trend

register = template.Library()


@register.inclusion_tag("surveys/_national_trend.html")
def sipas_trend() -> dict:
    trend, notes = national_trend()
    return {"trend": trend, "notes": notes}

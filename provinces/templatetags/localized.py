"""`{% load localized %}` then `{{ unit|localized:"name" }}`: see provinces.localized."""

from django import template

from provinces import localized as _localized

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    # An absent relation (a ministry has no region) or an unknown variable (the template engine
    # passes "") renders as nothing, as a missing value does anywhere in a template.
    if obj is None or obj == "":
        return ""
    return _localized.localized(obj, field)

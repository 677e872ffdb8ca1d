"""Links that change one query parameter of the current view and keep the others (permalinks)."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def with_query(query: dict, **changes) -> str:
    merged = {**query, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value not in ("", None)})

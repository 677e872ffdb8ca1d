from django import template

from scoring.points import addresses

register = template.Library()


@register.filter
def evidence_addresses(text: str) -> list[str]:
    """The evidence addresses a Score keeps one a line."""
    return addresses(text or "")

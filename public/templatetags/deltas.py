"""Δindex and Δrank with an arrow for the eye and words for screen readers.

Tags rather than included templates: the ranking page shows two per row, and an include per cell
cost more than the rest of the page (DESIGN.md's budget: a ranking renders in 20 ms).
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_NONE = '<span class="delta none">–<span class="visually-hidden">{}</span></span>'
_UP = '<span class="delta up"><span aria-hidden="true">▲</span> {}<span class="visually-hidden"> {}</span></span>'  # noqa: E501
_DOWN = '<span class="delta down"><span aria-hidden="true">▼</span> {}<span class="visually-hidden"> {}</span></span>'  # noqa: E501


@register.simple_tag
def delta_rank(delta):
    if delta is None:
        return format_html(_NONE, _("no comparison"))
    if delta > 0:
        return format_html(_UP, delta, _("places up"))
    if delta < 0:
        return format_html(_DOWN, -delta, _("places down"))
    return format_html(
        '<span class="delta same"><span aria-hidden="true">=</span>'
        '<span class="visually-hidden">{}</span></span>',
        _("same rank"),
    )


@register.simple_tag
def delta_index(delta):
    if delta is None:
        return format_html(_NONE, _("no comparison"))
    if delta > 0:
        return format_html(_UP, "+" + localize(delta), _("higher"))
    if delta < 0:
        return format_html(_DOWN, localize(delta), _("lower"))
    return mark_safe('<span class="delta same">0</span>')

"""`{% load numbers %}`: counts with the reader's thousands separator (28.085 in Vietnamese,
28,085 in English). The site leaves USE_THOUSAND_SEPARATOR off, so that years and codes are
never grouped ("2.019"); counts ask for their groups here."""

import re
from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()

_DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?")


@register.filter
def grouped(value):
    """A whole number or decimal written with the active language's separators; anything else
    (None, "–") as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return formats.number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def number_text(value):
    """A number kept as text in the English way ("94.50", as corrections store their before and
    after) in the reader's language ("94,50"), its decimals kept; other text ("B") as it is."""
    text = str(value)
    if not _DECIMAL_TEXT.fullmatch(text):
        return value
    decimals = len(text.partition(".")[2])
    return formats.number_format(Decimal(text), decimals, use_l10n=True)

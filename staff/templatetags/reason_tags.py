"""The standard reasons an admin keeps (scoring.models.StandardReason), offered on the appraisal
forms as a <datalist>: the appraiser picks one and may edit it, or types their own."""

from django import template
from django.utils.translation import get_language

from scoring.models import StandardReason

register = template.Library()


@register.inclusion_tag("staff/_standard_reasons.html")
def standard_reasons() -> dict:
    english = (get_language() or "").startswith("en")
    texts = [
        (reason.text_en if english and reason.text_en else reason.text_vi)
        for reason in StandardReason.objects.all()
    ]
    return {"texts": texts}

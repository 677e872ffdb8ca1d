"""The work split on the screens that existed before it (staff.assignments): an appraiser's own
share on the appraisal list, the done and checked marks on a unit's appraisal, and the progress
per appraiser on an edition's screen; each screen's template includes it in one line."""

from django import template

from provinces.localized import localized
from scoring.models import Criterion
from scoring.permissions import APPRAISER, role_of
from staff import assignments
from staff.models import AppraisalCheck

register = template.Library()


@register.inclusion_tag("staff/_appraiser_progress.html")
def appraiser_progress(edition):
    return {
        "edition": edition,
        "progress": assignments.progress_per_appraiser(edition),
    }


@register.inclusion_tag("staff/_my_assignments.html", takes_context=True)
def my_assignments(context, edition):
    user = context["request"].user
    mine = []
    if edition is not None and role_of(user) == APPRAISER:
        mine = assignments.my_assignments(edition, user)
    return {"edition": edition, "mine": mine}


@register.inclusion_tag("staff/_unit_check.html", takes_context=True)
def unit_check(context, edition, participant):
    return {
        "edition": edition,
        "participant": participant,
        "check": AppraisalCheck.objects.filter(participant=participant)
        .select_related("done_by", "checked_by")
        .first(),
        "open": edition.status == edition.Status.APPRAISAL,
        "user": context["request"].user,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def self_criteria(edition) -> list[tuple[str, str]]:
    """(code, name) of the edition's self-assessed sub-criteria, in the tree's order."""
    return [
        (leaf.code, localized(leaf, "name"))
        for leaf in edition.criteria.filter(method=Criterion.Method.SELF).order_by("sort_key")
    ]


@register.inclusion_tag("staff/_unchecked_units.html")
def unchecked_before_review(edition):
    """On the review's confirmation page: the units whose appraisal is not checked yet, which
    keep the review shut once the edition has a work split."""
    units = assignments.unchecked_units(edition) if assignments.has_assignments(edition) else []
    return {"units": units}

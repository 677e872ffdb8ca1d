"""The work split of an appraisal (staff/assignments.py): the admin's screen that gives fields ×
units to appraisers, and the appraisers' "done" and "checked" marks of a unit's appraisal."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from files.problems import Refused
from provinces.localized import localized
from scoring.models import Edition
from scoring.permissions import ADMIN, APPRAISER
from scoring.tree import Tree
from staff import assignments
from staff.access import staff_required


def _assignment_cell(participant_id: int, field_code: str) -> str:
    return f"cell-{participant_id}-{field_code}"


@staff_required(ADMIN)
def assign(request: HttpRequest, edition_id: int) -> HttpResponse:
    """Every participating unit against every field, each cell a choice of appraiser."""
    edition = get_object_or_404(Edition, pk=edition_id, summary_only=False)
    fields = Tree.of(edition).fields
    participants = list(
        edition.participants.select_related("unit").prefetch_related("unit__former_names")
    )
    people = list(assignments.appraisers())
    problems: list = []
    if request.method == "POST":
        by_pk = {str(person.pk): person.pk for person in people}
        wanted = {
            (participant.pk, node.code): by_pk.get(
                request.POST.get(_assignment_cell(participant.pk, node.code), "")
            )
            for participant in participants
            for node in fields
        }
        try:
            changed = assignments.set_assignments(edition, wanted, user=request.user)
        except Refused as refused:
            problems = [problem.text() for problem in refused.problems]
        else:
            messages.success(
                request,
                ngettext("%(count)s assignment changed.", "%(count)s assignments changed.", changed)
                % {"count": changed},
            )
            return redirect(reverse("staff:assignments", args=[edition.pk]))
    grid = assignments.assignment_grid(edition)
    rows = [
        {
            "participant": participant,
            "name": participant.unit.name_in(edition.year),
            "cells": [
                (
                    _assignment_cell(participant.pk, node.code),
                    node.code,
                    grid.get((participant.pk, node.code)),
                )
                for node in fields
            ],
        }
        for participant in participants
    ]
    return render(
        request,
        "staff/assignments.html",
        {
            "edition": edition,
            "fields": [(node.code, localized(node, "name")) for node in fields],
            "rows": rows,
            "people": people,
            "problems": problems,
            "writable": edition.status
            in (Edition.Status.SELF_ASSESSMENT, Edition.Status.APPRAISAL),
            "progress": assignments.progress_per_appraiser(edition),
            "unchecked": assignments.unchecked_units(edition),
        },
    )


_MARKS = {
    "done": (assignments.mark_done, gettext_noop("The appraisal of %(name)s is marked done.")),
    "check": (assignments.check_appraisal, gettext_noop("The appraisal of %(name)s is checked.")),
    "reopen": (
        assignments.reopen_appraisal,
        gettext_noop("The mark on the appraisal of %(name)s is taken back."),
    ),
}


@require_POST
@staff_required(APPRAISER, ADMIN)
def mark(request: HttpRequest, edition_id: int, unit_code: str, what: str) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=edition_id, summary_only=False)
    participant = get_object_or_404(
        edition.participants.select_related("unit", "edition"), unit__code=unit_code
    )
    if what not in _MARKS:
        return redirect(reverse("staff:appraise_unit", args=[edition.pk, unit_code]))
    act, said = _MARKS[what]
    try:
        act(participant, user=request.user)
    except Refused as refused:
        for problem in refused.problems:
            messages.error(request, problem.text())
    else:
        messages.success(request, _(said) % {"name": participant.unit.name_in(edition.year)})
    return redirect(reverse("staff:appraise_unit", args=[edition.pk, unit_code]))


urlpatterns = [
    path("editions/<int:edition_id>/assignments/", assign, name="assignments"),
    path(
        "appraisal/<int:edition_id>/<str:unit_code>/mark/<str:what>/",
        mark,
        name="appraisal_mark",
    ),
]

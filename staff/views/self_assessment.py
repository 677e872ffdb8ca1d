"""The unit officer's self-assessment: points, a note and evidence per `self` leaf of their unit's
open edition, totals computed by the server, a draft saved at any time, then submitted.

Every save goes through scoring.points.set_self_points (the permission matrix, the version check,
the audit rows); a refused or mistyped save shows the page again with everything as typed,
uploaded files included. The form (reading a post, the entries, the refusals beside their leaves)
is staff/self_assessment.py.
"""

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from files.problems import Refused
from scoring.models import Edition, Participant, Score
from scoring.permissions import ADMIN, APPRAISER, UNIT_OFFICER, unit_of
from scoring.points import set_self_points, submitted_message
from scoring.storage import evidence_storage
from scoring.submission import given_back, missing_self_points, submit_self_assessment
from scoring.totals import totals
from scoring.tree import Tree
from staff.access import staff_required
from staff.self_assessment import (
    entries_of,
    leaf_sections,
    leaves_of,
    place_refusal,
    points_by_code,
    points_text,
    read_post,
    store_uploads,
)


def _open_participants(user):
    unit = unit_of(user)
    if unit is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(
            Q(edition__status=Edition.Status.SELF_ASSESSMENT)
            # An extension keeps the unit's self-assessment open after the appraisal opened.
            | Q(edition__status=Edition.Status.APPRAISAL, extended_until__gte=timezone.localdate()),
            unit=unit,
        )
        .select_related("edition", "unit", "submitted_by")
        .order_by("-edition__year", "edition__level")
    )


def _chosen_participation(request: HttpRequest):
    """(the participant shown, every open participation of the officer's unit)."""
    choices = list(_open_participants(request.user))
    wanted = request.GET.get("edition") or request.POST.get("edition")
    chosen = next((p for p in choices if str(p.edition_id) == wanted), None)
    if chosen is None and len(choices) == 1:
        chosen = choices[0]
    return chosen, choices


@staff_required(UNIT_OFFICER)
def self_assessment(request: HttpRequest) -> HttpResponse:
    participant, choices = _chosen_participation(request)
    if participant is None:
        return render(request, "staff/self_assessment_choose.html", {"choices": choices})
    tree = Tree.of(participant.edition)
    sections = leaf_sections(participant, tree)
    leaves = leaves_of(sections)
    writable = participant.submitted_at is None
    problems: list[str] = []
    parsed = None
    if request.method == "POST" and writable:
        parsed = read_post(request.POST, leaves)
        store_uploads(request.POST, request.FILES, leaves, participant)
        if request.POST.get("action") == "save" and not any(leaf.errors for leaf in leaves):
            try:
                written = set_self_points(
                    participant.edition,
                    entries_of(leaves, parsed, participant),
                    user=request.user,
                    source="web",
                )
            except Refused as refusal:
                problems = place_refusal(refusal, leaves, participant)
            else:
                changed = len(written.created | written.updated)
                # Translators: %(changes)s is e.g. "3 sub-criteria changed".
                messages.success(
                    request, _("Draft saved: %(changes)s.") % {"changes": saved_count(changed)}
                )
                return redirect(_page_address(participant))
        elif request.POST.get("action") == "save":
            problems = [_("Nothing was saved: correct the values marked below.")]
    elif request.method == "POST":
        problems = [submitted_message(participant).text()]
    figures = totals(tree, points_by_code(leaves, parsed))
    by_code = {total.code: total for total in figures.fields}
    for section in sections:
        section["total"] = by_code[section["node"].code]
    context = {
        "participant": participant,
        "unit_name": participant.unit.name_in(participant.edition.year),
        "edition": participant.edition,
        "choices": choices,
        "sections": sections,
        "totals": figures,
        "writable": writable,
        "problems": problems,
        "errors": sum(bool(leaf.errors) for leaf in leaves),
        "missing": missing_self_points(participant, tree) if writable else [],
        "given_back": given_back(participant) if writable else None,
        "evidence_limit": f"{settings.EVIDENCE_MAX_BYTES / (1024 * 1024):g}",
    }
    return render(request, "staff/self_assessment.html", context)


@require_POST
@staff_required(UNIT_OFFICER)
def self_assessment_totals(request: HttpRequest) -> JsonResponse:
    """The totals of the posted (unsaved) points, for the page's script: the same sums as the
    "Recalculate totals" button, so the server stays the one that adds up."""
    participant, _choices = _chosen_participation(request)
    if participant is None:
        raise Http404
    tree = Tree.of(participant.edition)
    leaves = leaves_of(leaf_sections(participant, tree))
    parsed = read_post(request.POST, leaves)
    figures = totals(tree, points_by_code(leaves, parsed))
    return JsonResponse(
        {
            "fields": {total.code: points_text(total.points) for total in figures.fields},
            "points": points_text(figures.points),
            "invalid": [leaf.node.code for leaf in leaves if leaf.errors],
        }
    )


@require_POST
@staff_required(UNIT_OFFICER)
def submit(request: HttpRequest) -> HttpResponse:
    """Submitting asks once more on a page of its own; the confirming post submits."""
    participant, _choices = _chosen_participation(request)
    if participant is None:
        raise Http404
    problems: list[str] = []
    if request.POST.get("confirm") == "yes":
        try:
            submit_self_assessment(participant, user=request.user)
        except Refused as refusal:
            problems = [problem.text() for problem in refusal.problems]
        else:
            messages.success(request, _("Self-assessment submitted."))
            return redirect(_page_address(participant))
    context = {
        "participant": participant,
        "unit_name": participant.unit.name_in(participant.edition.year),
        "edition": participant.edition,
        "missing": missing_self_points(participant),
        "problems": problems,
    }
    return render(request, "staff/self_assessment_submit.html", context)


@staff_required(UNIT_OFFICER, APPRAISER, ADMIN)
def evidence(request: HttpRequest, score_id: int) -> FileResponse:
    """An evidence file, to staff who may see its unit: that unit's officer, appraisers, admins.
    Another unit's officer gets the same 404 as a score that does not exist."""
    score = get_object_or_404(Score.objects.select_related("participant"), pk=score_id)
    if request.staff_role == UNIT_OFFICER:
        own = unit_of(request.user)
        if own is None or own.pk != score.participant.unit_id:
            raise Http404
    if not score.evidence_file or not evidence_storage.exists(score.evidence_file.name):
        raise Http404
    response = FileResponse(
        evidence_storage.open(score.evidence_file.name, "rb"),
        as_attachment=True,
        filename=score.evidence_name or "evidence",
        content_type=score.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _page_address(participant: Participant) -> str:
    return f"{reverse('staff:self_assessment')}?edition={participant.edition_id}"


def saved_count(count: int) -> str:
    return ngettext("%(count)s sub-criterion changed", "%(count)s sub-criteria changed", count) % {
        "count": count
    }


urlpatterns = [
    path("self-assessment/", self_assessment, name="self_assessment"),
    path("self-assessment/totals/", self_assessment_totals, name="self_assessment_totals"),
    path("self-assessment/submit/", submit, name="submit_self_assessment"),
    path("evidence/<int:score_id>/", evidence, name="evidence"),
]

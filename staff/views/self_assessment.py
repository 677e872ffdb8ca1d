"""The unit officer's self-assessment: points, a note and evidence per `self` leaf of their unit's
open edition, totals computed by the server, a draft saved at any time, then submitted.

Every save goes through scoring.points.set_self_points (the permission matrix, the version check,
the audit rows); a refused or mistyped save shows the page again with everything as typed,
uploaded files included. The form (reading a post, the entries, the refusals beside their leaves)
is staff/self_assessment.py.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from files.problems import Refused
from scoring.models import Edition, EvidenceFile, Participant, Score
from scoring.permissions import ADMIN, APPRAISER, UNIT_OFFICER, unit_of
from scoring.points import set_self_points, submitted_message
from scoring.storage import evidence_storage
from scoring.submission import (
    given_back,
    missing_self_points,
    submit_self_assessment,
    without_evidence,
)
from scoring.totals import self_assessed_totals
from scoring.tree import Tree
from staff.access import staff_required
from staff.drafts import keeps_drafts, owner_token, take_drafts
from staff.self_assessment import (
    discard_uploads,
    entries_of,
    error_summary,
    in_part,
    leaf_sections,
    leaves_of,
    part_progress,
    place_refusal,
    points_by_code,
    points_text,
    read_post,
    set_aside_uploads,
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


@dataclass
class _Page:
    """The form of one participation as the page shows it: stored values, or what was posted or
    restored, the messages about it."""

    participant: Participant
    tree: Tree
    sections: list[dict]
    leaves: list
    parsed: dict | None = None
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, participant: Participant) -> "_Page":
        tree = Tree.of(participant.edition)
        sections = leaf_sections(participant, tree)
        return cls(participant, tree, sections, leaves_of(sections))

    def refresh(self, part: str) -> None:
        """The saved field as stored now (its new versions, its files); the others as typed."""
        fresh = leaf_sections(self.participant, self.tree)
        self.sections = [
            new if new["node"].code == part else old
            for new, old in zip(fresh, self.sections, strict=True)
        ]
        self.leaves = leaves_of(self.sections)


@keeps_drafts()
@staff_required(UNIT_OFFICER)
def self_assessment(request: HttpRequest) -> HttpResponse:
    participant, choices = _chosen_participation(request)
    if participant is None:
        return render(request, "staff/self_assessment_choose.html", {"choices": choices})
    page = _Page.of(participant)
    if request.method == "POST" and participant.submitted_at is not None:
        page.problems = [submitted_message(participant).text()]
        if _autosaving(request):
            return JsonResponse({"saved": False, "problems": page.problems})
    elif request.method == "POST":
        answer = _post(request, page)
        if answer is not None:
            return answer
    elif participant.submitted_at is None:
        _restore(request, page)
    return _render(request, page, choices)


def _autosaving(request: HttpRequest) -> bool:
    return request.POST.get("autosave") == "1"


def _post(request: HttpRequest, page: _Page) -> HttpResponse | None:
    """Saves the posted field (or the whole form); the answer, or None to show the page again."""
    page.parsed = read_post(request.POST, page.leaves)
    part = request.POST.get("save_part") or None
    saving = part is not None or request.POST.get("action") == "save"
    chosen = in_part(page.leaves, part) if saving else []
    store_uploads(request.FILES, chosen, page.participant)
    set_aside_uploads(request.FILES, [leaf for leaf in page.leaves if leaf not in chosen])
    if not saving:
        return None
    saved = _save(request, page, part)
    if _autosaving(request):
        return _autosaved(page, part, saved)
    if saved is None:
        return None
    if part is not None and _unsaved_elsewhere(page, part):
        page.refresh(part)
        page.notices = [
            _("Field %(field)s saved: %(changes)s.")
            % {"field": part, "changes": saved_count(saved)},
            _("Other fields still have changes that are not saved: save them too."),
        ]
        return None
    # Translators: %(changes)s is e.g. "3 sub-criteria changed".
    messages.success(request, _("Draft saved: %(changes)s.") % {"changes": saved_count(saved)})
    return redirect(_page_address(page.participant))


def _save(request: HttpRequest, page: _Page, part: str | None) -> int | None:
    """Writes the changed leaves of one field (of all when part is None); how many were
    written, or None when nothing was (the reasons in page.problems and beside the leaves)."""
    chosen = in_part(page.leaves, part)
    if any(leaf.errors for leaf in chosen):
        page.problems = [_("Nothing was saved: correct the values marked below.")]
        discard_uploads(chosen)
        return None
    try:
        written = set_self_points(
            page.participant.edition,
            entries_of(chosen, page.parsed or {}, page.participant),
            user=request.user,
            source="web",
        )
    except Refused as refusal:
        page.problems = place_refusal(refusal, chosen, page.participant) or [
            _("Nothing was saved: correct the values marked below.")
        ]
        discard_uploads(chosen)
        return None
    return len(written.created | written.updated)


def _unsaved_elsewhere(page: _Page, part: str) -> bool:
    others = [leaf for leaf in page.leaves if leaf.node.field_code != part]
    changed = entries_of(others, page.parsed or {}, page.participant)
    # A file sent for another field was not kept: the page must say so beside it.
    return bool(changed) or any(leaf.errors or leaf.not_kept for leaf in others)


def _autosaved(page: _Page, part: str | None, saved: int | None) -> JsonResponse:
    """The answer to the page's script: the new versions of the saved leaves (its next save
    must carry them), or why nothing was saved."""
    chosen = in_part(page.leaves, part)
    if saved is None:
        lines = [f"{line['code']}: {line['text']}" for line in error_summary(chosen)]
        return JsonResponse({"saved": False, "problems": page.problems + lines})
    scores = Score.objects.filter(
        participant=page.participant, criterion__in=[leaf.node for leaf in chosen]
    )
    return JsonResponse(
        {
            "saved": True,
            "at": formats.time_format(timezone.localtime(), "H:i"),
            "values": {f"version-{score.criterion_id}": str(score.version) for score in scores},
        }
    )


def _restore(request: HttpRequest, page: _Page) -> None:
    """What was typed before the session expired, shown again, not saved."""
    restored = take_drafts(request)
    if restored is None:
        return
    page.parsed = read_post(restored.data, page.leaves)
    page.notices.append(
        _(
            "Your session had expired: the values you typed are back but not saved yet. "
            "Check them and save."
        )
    )
    again = [leaf.node.code for leaf in page.leaves if f"file-{leaf.node.pk}" in restored.files]
    if again:
        page.notices.append(
            _("Files cannot be kept over a sign-in: attach the evidence file of %(codes)s again.")
            % {"codes": ", ".join(again)}
        )


def _render(request: HttpRequest, page: _Page, choices: list) -> HttpResponse:
    participant = page.participant
    writable = participant.submitted_at is None
    figures = self_assessed_totals(page.tree, points_by_code(page.leaves, page.parsed))
    by_code = {total.code: total for total in figures.fields}
    for section in page.sections:
        section["total"] = by_code[section["node"].code]
        section["filled"], section["count"] = part_progress(section)
    context = {
        "participant": participant,
        "unit_name": participant.unit.name_in(participant.edition.year),
        "edition": participant.edition,
        "choices": choices,
        "sections": page.sections,
        "totals": figures,
        "writable": writable,
        "problems": page.problems,
        "notices": page.notices,
        "summary": error_summary(page.leaves),
        "errors": sum(bool(leaf.errors) for leaf in page.leaves),
        "missing": missing_self_points(participant, page.tree) if writable else [],
        "given_back": given_back(participant) if writable else None,
        "evidence_limit": f"{settings.EVIDENCE_MAX_BYTES / (1024 * 1024):g}",
        "owner": owner_token(request.user),
        "session_seconds": settings.SESSION_COOKIE_AGE,
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
    figures = self_assessed_totals(tree, points_by_code(leaves, parsed))
    return JsonResponse(
        {
            "fields": {total.code: points_text(total.points) for total in figures.fields},
            "points": points_text(figures.points),
            "invalid": [leaf.node.code for leaf in leaves if leaf.errors],
        }
    )


@keeps_drafts("staff:self_assessment")
@require_POST
@staff_required(UNIT_OFFICER)
def submit(request: HttpRequest) -> HttpResponse:
    """Submitting asks once more on a page of its own; the confirming post submits. The button
    on the self-assessment page posts the whole form: its unsaved changes are saved first, or
    nothing is submitted and the page says why."""
    participant, choices = _chosen_participation(request)
    if participant is None:
        raise Http404
    problems: list[str] = []
    notices: list[str] = []
    if request.POST.get("confirm") == "yes":
        try:
            submit_self_assessment(participant, user=request.user)
        except Refused as refusal:
            problems = [problem.text() for problem in refusal.problems]
        else:
            messages.success(request, _("Self-assessment submitted."))
            return redirect(_page_address(participant))
    elif participant.submitted_at is None and _carries_values(request):
        page = _Page.of(participant)
        page.parsed = read_post(request.POST, page.leaves)
        store_uploads(request.FILES, page.leaves, participant)
        saved = _save(request, page, None)
        if saved is None:
            page.problems.insert(0, _("Nothing was submitted: the changes below are not saved."))
            return _render(request, page, choices)
        if saved:
            notices.append(
                _("Your unsaved changes were saved first: %(changes)s.")
                % {"changes": saved_count(saved)}
            )
    context = {
        "participant": participant,
        "unit_name": participant.unit.name_in(participant.edition.year),
        "edition": participant.edition,
        "missing": missing_self_points(participant),
        "without_evidence": without_evidence(participant),
        "evidence_refused": participant.edition.evidence_rule == Edition.EvidenceRule.REFUSE,
        "problems": problems,
        "notices": notices,
    }
    return render(request, "staff/self_assessment_submit.html", context)


@staff_required(UNIT_OFFICER, APPRAISER, ADMIN)
def evidence(request: HttpRequest, file_id: int) -> FileResponse:
    """An evidence file (of a self-assessment or a reply), to staff who may see its unit: that
    unit's officer, appraisers, admins. Another unit's officer gets the same 404 as a file that
    does not exist."""
    item = get_object_or_404(EvidenceFile.objects.select_related("score__participant"), pk=file_id)
    if request.staff_role == UNIT_OFFICER:
        own = unit_of(request.user)
        if own is None or own.pk != item.score.participant.unit_id:
            raise Http404
    if not evidence_storage.exists(item.file.name):
        raise Http404
    response = FileResponse(
        evidence_storage.open(item.file.name, "rb"),
        as_attachment=True,
        filename=item.name or "evidence",
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _carries_values(request: HttpRequest) -> bool:
    """Whether the post is the self-assessment form itself (its submit button), not the
    confirmation page's."""
    return any(key.startswith("points-") for key in request.POST)


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
    path("evidence/<int:file_id>/", evidence, name="evidence"),
]

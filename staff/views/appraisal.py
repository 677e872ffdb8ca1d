"""Appraisal (appraisers and admins): progress across an edition's units, one unit's leaves beside
their self-assessment, and the unit officers' right of reply during review."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from files.problems import Refused
from provinces.localized import localized
from provinces.models import former_names
from scoring.models import Criterion, Edition, Participant, Reply, Score
from scoring.permissions import ADMIN, APPRAISER, UNIT_OFFICER, unit_of
from scoring.points import appraise
from scoring.replies import reply
from scoring.tree import Tree
from staff.access import staff_required
from staff.appraisal import AppraisalRow, LeafForm, appraisal_totals, form_errors
from staff.assignments import require_may_appraise
from staff.drafts import keeps_drafts, owner_token, take_drafts
from staff.evidence import discard_all, store_all
from staff.progress import self_leaf_count, with_progress
from staff.views.by_criterion import accept_count, confirm_accept, needs_confirmation

_APPRAISAL_STAGES = (Edition.Status.APPRAISAL, Edition.Status.REVIEW)


def _chosen_edition(editions: list[Edition], wanted: str | None) -> Edition | None:
    """The edition asked for by ?edition=, else the first one listed."""
    by_id = {str(edition.pk): edition for edition in editions}
    return by_id.get(wanted or "") or (editions[0] if editions else None)


@staff_required(APPRAISER, ADMIN)
def appraisal(request: HttpRequest) -> HttpResponse:
    """The editions under appraisal or review, and for the chosen one every unit's progress."""
    editions = list(Edition.objects.filter(status__in=_APPRAISAL_STAGES, summary_only=False))
    edition = _chosen_edition(editions, request.GET.get("edition"))
    only_open = request.GET.get("open") == "1"
    participants = []
    if edition is not None:
        rows = with_progress(
            edition.participants.select_related("unit").prefetch_related(former_names("unit__"))
        )
        if only_open:
            rows = rows.filter(open__gt=0)
        participants = list(rows)
        for participant in participants:
            participant.name = participant.unit.name_in(edition.year)
    return render(
        request,
        "staff/appraisal.html",
        {
            "editions": editions,
            "edition": edition,
            "only_open": only_open,
            "participants": participants,
            "leaf_count": self_leaf_count(edition) if edition else 0,
        },
    )


def _appraisal_rows(
    participant: Participant, leaves: list[Criterion], data=None, stored: str | None = None
) -> list[AppraisalRow]:
    """A row per leaf; a leaf's form holds the posted values when the post has that leaf (a
    part of the page autosaved alone posts only its own), else the stored ones, as do the leaves
    of the field `stored` names (just saved)."""
    scores = {
        score.criterion_id: score for score in participant.scores.prefetch_related("evidence_files")
    }
    threads = defaultdict(list)
    replies = Reply.objects.filter(score__participant=participant)
    for item in replies.select_related("user").prefetch_related("files"):
        threads[item.score_id].append(item)
    rows = []
    for leaf in leaves:
        score = scores.get(leaf.pk)
        form = None
        if leaf.method == Criterion.Method.SELF:
            posted = data is not None and f"leaf-{leaf.pk}-version" in data
            if stored is not None and leaf.field_code == stored:
                posted = False
            form = LeafForm(data if posted else None, leaf=leaf, score=score)
        thread = threads.get(score.pk, []) if score else []
        rows.append(AppraisalRow(leaf, score, form, thread, localized(leaf, "name")))
    return rows


def _refreshed(data, rows: list[AppraisalRow]):
    """The posted data with each changed-meanwhile leaf's version and shown values set to what
    is stored now: what the appraiser typed stays, and saving again is a deliberate choice."""
    data = data.copy()
    for row in rows:
        form, score = row.form, row.score
        if form is None or score is None:
            continue
        if data.get(form.add_prefix("version")) != str(score.version):
            data[form.add_prefix("version")] = str(score.version)
            data[form.add_prefix("shown_points")] = (
                "" if score.appraised_points is None else str(score.appraised_points)
            )
            data[form.add_prefix("shown_reason")] = score.appraisal_reason
    return data


def _save(
    request, edition: Edition, participant: Participant, rows: list[AppraisalRow], action: str
):
    """Writes the changed leaves (and on "accept", the remaining self points) and the answers to
    the unit's replies, all or nothing; returns how many leaves and answers were written."""
    forms = [row.form for row in rows if row.form is not None and row.form.is_bound]
    entries = [entry for form in forms if (entry := form.entry(participant))]
    if action == "accept":
        entries += [entry for form in forms if (entry := form.accepted(participant))]
    answers = [
        (row.score, row.form.cleaned_data["answer"])
        for row in rows
        if row.form is not None
        and row.form.is_bound
        and row.score is not None
        and row.form.cleaned_data["answer"]
    ]
    with transaction.atomic():
        if entries:
            appraise(edition, entries, user=request.user, source="web")
            # What the work split forbids (staff.assignments), read under the edition's lock the
            # writer took, so a unit marked done meanwhile is refused too: all is rolled back.
            require_may_appraise(request.user, participant, [entry.leaf for entry in entries])
        for score, text in answers:
            reply(score, text, user=request.user)
    return len(entries), len(answers)


@keeps_drafts()
@staff_required(APPRAISER, ADMIN)
def appraise_unit(request: HttpRequest, edition_id: int, unit_code: str) -> HttpResponse:
    """One unit's `self` leaves: self points, note and evidence beside the appraised points and
    the reason; survey leaves read-only; totals; the reply threads of the review stage. Each
    field has its own Save (save_part), which the page's script also posts as one types."""
    edition = get_object_or_404(Edition, pk=edition_id, summary_only=False)
    participant = get_object_or_404(
        edition.participants.select_related("unit").prefetch_related(former_names("unit__")),
        unit__code=unit_code,
    )
    page = _UnitPage(edition, participant, Tree(edition.criteria.all()))
    if request.method == "POST":
        answer = _post(request, page)
        if answer is not None:
            return answer
    else:
        page.rows = _appraisal_rows(participant, page.tree.leaves)
        _restore(request, page)
    return _render_unit(request, page)


@dataclass
class _UnitPage:
    edition: Edition
    participant: Participant
    tree: Tree
    rows: list[AppraisalRow] = field(default_factory=list)
    problems: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _post(request: HttpRequest, page: _UnitPage) -> HttpResponse | None:
    """Saves the posted field (save_part) or the whole form; the answer, or None to show the
    page again with what was typed."""
    participant, leaves = page.participant, page.tree.leaves
    part = request.POST.get("save_part") or None
    action = "save" if part else request.POST.get("action", "save")
    page.rows = _appraisal_rows(participant, leaves, request.POST)
    chosen = [row for row in page.rows if part is None or row.leaf.field_code == part]
    valid = [row.form.is_valid() for row in chosen if row.form is not None and row.form.is_bound]
    if all(valid) and action in {"save", "accept"}:
        if needs_confirmation(request, action):
            forms = [row.form for row in page.rows if row.form is not None]
            accepted, typed = accept_count(forms, lambda form: participant)
            title = participant.unit.name_in(page.edition.year)
            back = request.get_full_path()
            return confirm_accept(request, accepted=accepted, typed=typed, back=back, title=title)
        try:
            written, answered = _save(request, page.edition, participant, chosen, action)
        except Refused as refused:
            page.problems = refused.problems
            rows = _appraisal_rows(participant, leaves)
            page.rows = _appraisal_rows(participant, leaves, _refreshed(request.POST, rows))
        else:
            if request.POST.get("autosave") == "1":
                return _autosaved(participant, chosen)
            if part is not None and _unsaved_elsewhere(page.rows, part):
                page.rows = _appraisal_rows(participant, leaves, request.POST, stored=part)
                page.notices = [
                    _saved_message(written, answered),
                    _("Other fields still have changes that are not saved: save them too."),
                ]
                return None
            messages.success(request, _saved_message(written, answered))
            return redirect(request.get_full_path())
    elif action != "recalculate":
        page.problems = [_("Correct the marked sub-criteria and save again.")]
    if request.POST.get("autosave") == "1":
        texts = [str(problem) for problem in page.problems]
        texts += [f"{line['code']}: {line['text']}" for line in form_errors(chosen)]
        return JsonResponse({"saved": False, "problems": texts})
    return None


def _unsaved_elsewhere(rows: list[AppraisalRow], part: str) -> bool:
    others = [row.form for row in rows if row.form is not None and row.leaf.field_code != part]
    return any(form.is_bound and (not form.is_valid() or form.is_changed()) for form in others)


def _autosaved(participant: Participant, chosen: list[AppraisalRow]) -> JsonResponse:
    """The new version and shown values of each saved leaf: the page's next save carries them."""
    scores = {
        score.criterion_id: score
        for score in participant.scores.filter(criterion__in=[row.leaf for row in chosen])
    }
    values = {}
    for row in chosen:
        score = scores.get(row.leaf.pk)
        if row.form is None or not row.form.is_bound or score is None:
            continue
        values[row.form.add_prefix("version")] = str(score.version)
        values[row.form.add_prefix("shown_points")] = (
            "" if score.appraised_points is None else str(score.appraised_points)
        )
        values[row.form.add_prefix("shown_reason")] = score.appraisal_reason
        values[row.form.add_prefix("shown_note")] = score.appraisal_note
    at = formats.time_format(timezone.localtime(), "H:i")
    return JsonResponse({"saved": True, "at": at, "values": values})


def _restore(request: HttpRequest, page: _UnitPage) -> None:
    """What was typed before the session expired, shown again as unsaved values."""
    restored = take_drafts(request)
    if restored is None:
        return
    page.rows = _appraisal_rows(page.participant, page.tree.leaves, restored.data)
    page.notices.append(
        _(
            "Your session had expired: the values you typed are back but not saved yet. "
            "Check them and save."
        )
    )


def _render_unit(request: HttpRequest, page: _UnitPage) -> HttpResponse:
    edition, participant, rows = page.edition, page.participant, page.rows
    field_totals, overall = appraisal_totals(page.tree, rows)
    sections = []
    for node in page.tree.fields:
        own = [row for row in rows if row.leaf.field_code == node.code]
        forms = [row.form for row in own if row.form is not None]
        appraised = sum(1 for form in forms if form.typed_points() is not None)
        sections.append((node, localized(node, "name"), own, appraised, len(forms)))
    return render(
        request,
        "staff/appraisal_unit.html",
        {
            "edition": edition,
            "participant": participant,
            "name": participant.unit.name_in(edition.year),
            "rows": rows,
            "sections": sections,
            "field_totals": field_totals,
            "overall": overall,
            "problems": page.problems,
            "notices": page.notices,
            "summary": form_errors(rows),
            "writable": edition.status in _APPRAISAL_STAGES,
            "in_review": edition.status == Edition.Status.REVIEW,
            "owner": owner_token(request.user),
            "session_seconds": settings.SESSION_COOKIE_AGE,
        },
    )


def _saved_message(written: int, answered: int) -> str:
    if not written and not answered:
        return _("Nothing had changed; nothing was saved.")
    parts = []
    if written:
        parts.append(
            ngettext("%(count)s sub-criterion saved.", "%(count)s sub-criteria saved.", written)
            % {"count": written}
        )
    if answered:
        parts.append(
            ngettext("%(count)s answer sent.", "%(count)s answers sent.", answered)
            % {"count": answered}
        )
    return " ".join(parts)


def _send_reply(request: HttpRequest, score: Score, unit, text: str) -> list:
    """The reply with its evidence files (checked and stored only on the officer's own unit's
    score; the writer refuses any other), or the problems, with no file kept."""
    files, problems = [], []
    if unit is not None and score.participant.unit_id == unit.pk:
        files, problems = store_all(request.FILES.getlist("files"), score.participant)
    if problems:
        return problems
    try:
        reply(score, text, user=request.user, files=tuple(files))
    except Refused as refused:
        discard_all(files)
        return refused.problems
    return []


@staff_required(UNIT_OFFICER)
def replies(request: HttpRequest) -> HttpResponse:
    """A unit officer's right of reply: the deductions on their unit in an edition under review,
    each with the appraiser's reason, the thread so far and a form to reply."""
    unit = unit_of(request.user)
    editions = list(
        Edition.objects.filter(
            status=Edition.Status.REVIEW, summary_only=False, participants__unit=unit
        )
    )
    edition = _chosen_edition(editions, request.GET.get("edition"))
    problems, typed = [], {}
    if request.method == "POST":
        score = get_object_or_404(
            Score.objects.select_related("participant__edition"), pk=request.POST.get("score")
        )
        text = request.POST.get("text", "")
        problems = _send_reply(request, score, unit, text)
        if not problems:
            messages.success(request, _("Your reply was sent."))
            return redirect(request.get_full_path())
        typed[score.pk] = text
    deductions = []
    if edition is not None:
        deductions = list(
            Score.objects.filter(
                participant__edition=edition,
                participant__unit=unit,
                criterion__method=Criterion.Method.SELF,
                appraised_points__lt=F("self_points"),
            )
            .select_related("criterion")
            .prefetch_related("replies__user", "replies__files", "evidence_files")
            .order_by("criterion__sort_key")
        )
        for score in deductions:
            score.typed = typed.get(score.pk, "")
            score.name = localized(score.criterion, "name")
    return render(
        request,
        "staff/replies.html",
        {
            "unit": unit,
            "name": unit.name_in(edition.year) if unit and edition else "",
            "editions": editions,
            "edition": edition,
            "deductions": deductions,
            "problems": problems,
            "evidence_limit": f"{settings.EVIDENCE_MAX_BYTES / (1024 * 1024):g}",
        },
    )


urlpatterns = [
    path("appraisal/", appraisal, name="appraisal"),
    path("appraisal/<int:edition_id>/<str:unit_code>/", appraise_unit, name="appraise_unit"),
    path("replies/", replies, name="replies"),
]

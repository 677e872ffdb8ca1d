"""One sub-criterion across every unit of an edition (issue 16, item 3): each unit's self-assessed
points, note and evidence beside its appraised points and reason, appraised in one table.

It writes through the appraisal writer the per-unit screen uses (scoring.points.appraise), with
the per-unit screen's form (staff.appraisal.LeafForm: the version it showed, the reason where the
points differ), so two appraisers on the same sub-criterion meet the same version check on either
screen. "Accept all remaining", here and on the per-unit screen, first asks to confirm with the
number of sub-criteria it would write (`confirm_accept`).
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from files.problems import Refused
from provinces.localized import localized
from scoring.models import Criterion, Edition, Participant
from scoring.permissions import ADMIN, APPRAISER, role_of
from scoring.points import appraise
from staff.access import staff_required
from staff.appraisal import LeafForm
from staff.assignments import has_assignments, require_may_appraise
from staff.models import AppraisalAssignment

_APPRAISAL_STAGES = (Edition.Status.APPRAISAL, Edition.Status.REVIEW)
# The confirmation page posts the form back with this set, so the second post writes.
CONFIRMED = "confirmed"


class UnitLeafForm(LeafForm):
    """The per-unit screen's form of one sub-criterion, named after the unit (one table holds
    the same sub-criterion of every unit)."""

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.prefix = f"unit-{participant.pk}"


def accept_count(forms, participant_of) -> tuple[int, int]:
    """(sub-criteria "accept all remaining" would give their self points, typed changes)."""
    accepted = sum(1 for form in forms if form.accepted(participant_of(form)) is not None)
    typed = sum(1 for form in forms if form.entry(participant_of(form)) is not None)
    return accepted, typed


def confirm_accept(request: HttpRequest, *, accepted: int, typed: int, back: str, title: str):
    """The page that asks before "accept all remaining" writes: how many sub-criteria it would
    write, with the posted form kept in hidden fields (no JavaScript needed)."""
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", "action", CONFIRMED}
        for value in values
    ]
    context = {"accepted": accepted, "typed": typed, "kept": kept, "back": back, "title": title}
    return render(request, "staff/appraisal_accept.html", context)


def needs_confirmation(request: HttpRequest, action: str) -> bool:
    return action == "accept" and request.POST.get(CONFIRMED) != "yes"


def _rows(edition: Edition, leaf: Criterion, user, data=None) -> list[dict]:
    participants = (
        edition.participants.select_related("unit", "edition")
        .prefetch_related("unit__former_names")
        .order_by("unit__code")
    )
    scores = {
        score.participant_id: score for score in leaf.scores.prefetch_related("evidence_files")
    }
    limited = has_assignments(edition) and role_of(user) == APPRAISER
    mine = set(
        AppraisalAssignment.objects.filter(
            participant__edition=edition, appraiser=user, field_code=leaf.field_code
        ).values_list("participant_id", flat=True)
    )
    rows = []
    for participant in participants:
        score = scores.get(participant.pk)
        writable = not limited or participant.pk in mine
        form = UnitLeafForm(
            data if writable else None, leaf=leaf, score=score, participant=participant
        )
        rows.append(
            {
                "participant": participant,
                "name": participant.unit.name_in(edition.year),
                "score": score,
                "form": form if writable else None,
                "assigned": writable,
            }
        )
    return rows


def _refreshed(data, rows: list[dict]):
    """The posted data with each changed-meanwhile row's version and shown values set to what
    is stored now: what the appraiser typed stays, saving again is a deliberate choice."""
    data = data.copy()
    for row in rows:
        form, score = row["form"], row["score"]
        if form is None or score is None:
            continue
        if data.get(form.add_prefix("version")) != str(score.version):
            data[form.add_prefix("version")] = str(score.version)
            shown = "" if score.appraised_points is None else str(score.appraised_points)
            data[form.add_prefix("shown_points")] = shown
            data[form.add_prefix("shown_reason")] = score.appraisal_reason
    return data


@staff_required(APPRAISER, ADMIN)
def appraise_criterion(request: HttpRequest, edition_id: int, code: str) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=edition_id, summary_only=False)
    leaf = get_object_or_404(edition.criteria, code=code, method=Criterion.Method.SELF)
    writable = edition.status in _APPRAISAL_STAGES
    problems: list = []
    if request.method == "POST" and writable:
        action = request.POST.get("action", "save")
        rows = _rows(edition, leaf, request.user, request.POST)
        forms = [row["form"] for row in rows if row["form"] is not None]
        valid = [form.is_valid() for form in forms]  # every row, so each shows its errors
        if all(valid) and action in {"save", "accept"}:
            if needs_confirmation(request, action):
                accepted, typed = accept_count(forms, lambda form: form.participant)
                title = _("%(code)s in every unit") % {"code": leaf.code}
                back = request.get_full_path()
                return confirm_accept(
                    request, accepted=accepted, typed=typed, back=back, title=title
                )
            try:
                written = _save(request, edition, forms, action)
            except Refused as refused:
                problems = refused.problems
                rows = _rows(edition, leaf, request.user)
                rows = _rows(edition, leaf, request.user, _refreshed(request.POST, rows))
            else:
                messages.success(request, _saved(written))
                return redirect(request.get_full_path())
        elif action != "recalculate":
            problems = [_("Correct the marked rows and save again.")]
    else:
        rows = _rows(edition, leaf, request.user)
    return render(
        request,
        "staff/appraisal_criterion.html",
        {
            "edition": edition,
            "leaf": leaf,
            "name": localized(leaf, "name"),
            "rows": rows,
            "problems": problems,
            "writable": writable,
        },
    )


@staff_required(APPRAISER, ADMIN)
def choose_criterion(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The picker's GET form, sent on to the chosen sub-criterion's address."""
    edition = get_object_or_404(Edition, pk=edition_id, summary_only=False)
    leaf = get_object_or_404(
        edition.criteria, code=request.GET.get("code", ""), method=Criterion.Method.SELF
    )
    return redirect("staff:appraise_criterion", edition.pk, leaf.code)


def _save(request: HttpRequest, edition: Edition, forms: list[UnitLeafForm], action: str) -> int:
    entries = [entry for form in forms if (entry := form.entry(form.participant))]
    if action == "accept":
        entries += [entry for form in forms if (entry := form.accepted(form.participant))]
    if entries:
        with transaction.atomic():
            appraise(edition, entries, user=request.user, source="web")
            # Under the edition's lock the writer took: see staff.views.appraisal._save.
            for entry in entries:
                require_may_appraise(request.user, entry.participant, [entry.leaf])
    return len(entries)


def _saved(written: int) -> str:
    if not written:
        return _("Nothing had changed; nothing was saved.")
    return ngettext("%(count)s unit saved.", "%(count)s units saved.", written) % {"count": written}


urlpatterns = [
    path("appraisal/criteria/<int:edition_id>/", choose_criterion, name="choose_criterion"),
    path(
        "appraisal/<int:edition_id>/criterion/<str:code>/",
        appraise_criterion,
        name="appraise_criterion",
    ),
]

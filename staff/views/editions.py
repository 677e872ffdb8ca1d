"""The editions screens (admins): every edition's stage and progress, one edition's event log and
its one next step (open self-assessment, appraisal, review; publish after a confirmation; reopen a
published edition with a written reason), and the private preview of the results in review.

The steps are scoring.lifecycle's and scoring.publish's functions, which check the role and the
stage again under the edition's lock; a refusal is shown on the page it came from, with what was
typed kept in the form.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from files.problems import Refused
from provinces.localized import localized
from scoring import lifecycle
from scoring.models import Criterion, Edition, EditionEvent, Participant, Score
from scoring.permissions import ADMIN
from scoring.publish import (
    Computed,
    PublishRefused,
    compute_edition,
    computed_results,
    publish_edition,
)
from scoring.ranking import field_averages
from scoring.rows import RankingRow, computed_rows, ranking_columns
from scoring.scorecard import FieldLine, best_units, points_tree
from scoring.submission import return_self_assessment, set_evidence_rule
from staff.access import staff_required
from staff.moves import done_notice

RECENT_EVENTS = 3

# The one step forward from each stage before review, as the lifecycle's verbs.
_STEPS = {
    Edition.Status.DRAFT: (
        EditionEvent.Action.OPEN_SELF_ASSESSMENT,
        lifecycle.open_self_assessment,
    ),
    Edition.Status.SELF_ASSESSMENT: (EditionEvent.Action.OPEN_APPRAISAL, lifecycle.open_appraisal),
    Edition.Status.APPRAISAL: (EditionEvent.Action.OPEN_REVIEW, lifecycle.open_review),
}
# The button of each step says what it does; the event log says what was done.
_STEP_BUTTONS = {
    EditionEvent.Action.OPEN_SELF_ASSESSMENT: gettext_lazy("Open the self-assessment"),
    EditionEvent.Action.OPEN_APPRAISAL: gettext_lazy("Open the appraisal"),
    EditionEvent.Action.OPEN_REVIEW: gettext_lazy("Open the review"),
}


# What taking each stage back does, said on its confirmation page before the admin confirms.
_BACK_CONSEQUENCES = {
    Edition.Status.SELF_ASSESSMENT: gettext_lazy(
        "Unit officers can no longer enter or submit their self-assessment. What they entered "
        "and the submissions are kept."
    ),
    Edition.Status.APPRAISAL: gettext_lazy(
        "Appraisers can no longer enter appraised points; unit officers whose self-assessment "
        "is not submitted can enter it and submit it again. Appraised points are kept."
    ),
    Edition.Status.REVIEW: gettext_lazy(
        "The preview and publishing wait, and unit officers can no longer reply to deductions; "
        "appraisers go on with the appraisal. Replies are kept."
    ),
}


class DeadlinesForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = list(lifecycle.DEADLINES)
        widgets = {name: forms.DateInput(attrs={"type": "date"}) for name in lifecycle.DEADLINES}


class EvidenceRuleForm(forms.Form):
    evidence_rule = forms.ChoiceField(
        label=gettext_lazy("Rule"), choices=Edition.EvidenceRule.choices
    )


class ExtensionForm(forms.Form):
    extended_until = forms.DateField(
        label=gettext_lazy("Extended until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@dataclass
class Progress:
    """How far an edition has come: participants, submitted self-assessments and appraised
    leaves (self-assessed leaves with appraised points, of all participants' such leaves)."""

    edition: Edition
    participants: int = 0
    submitted: int = 0
    appraised: int = 0
    to_appraise: int = 0
    events: list[EditionEvent] = field(default_factory=list)

    @property
    def percent_appraised(self) -> int | None:
        if not self.to_appraise:
            return None
        return self.appraised * 100 // self.to_appraise


def _progress(editions: list[Edition], events: int | None = RECENT_EVENTS) -> list[Progress]:
    """Each edition's progress in four queries, however many editions."""
    rows = {e.pk: Progress(e) for e in editions}
    for edition_id, count, submitted in (
        Participant.objects.filter(edition__in=rows)
        .values("edition")
        .annotate(n=Count("id"), s=Count("id", filter=Q(submitted_at__isnull=False)))
        .values_list("edition", "n", "s")
    ):
        rows[edition_id].participants, rows[edition_id].submitted = count, submitted
    leaves = dict(
        Criterion.objects.filter(edition__in=rows, method=Criterion.Method.SELF)
        .values("edition")
        .annotate(n=Count("id"))
        .values_list("edition", "n")
    )
    for edition_id, count in (
        Score.objects.filter(
            participant__edition__in=rows,
            criterion__method=Criterion.Method.SELF,
            appraised_points__isnull=False,
        )
        .values("participant__edition")
        .annotate(n=Count("id"))
        .values_list("participant__edition", "n")
    ):
        rows[edition_id].appraised = count
    for row in rows.values():
        row.to_appraise = leaves.get(row.edition.pk, 0) * row.participants
    for event in EditionEvent.objects.filter(edition__in=rows).select_related("user"):
        kept = rows[event.edition_id].events
        if events is None or len(kept) < events:
            kept.append(event)
    return list(rows.values())


@staff_required(ADMIN)
def editions(request: HttpRequest) -> HttpResponse:
    rows = _progress(list(Edition.objects.order_by("-year", "level")))
    return render(request, "staff/editions.html", {"rows": rows})


def _listed_participants(edition: Edition) -> list[Participant]:
    """The edition's participants by unit code, each with `appraised`: its self-assessed leaves
    that have appraised points."""
    participants = list(
        edition.participants.select_related("unit", "submitted_by")
        .prefetch_related("unit__former_names")
        .annotate(
            appraised=Count(
                "scores",
                filter=Q(
                    scores__criterion__method=Criterion.Method.SELF,
                    scores__appraised_points__isnull=False,
                ),
            )
        )
        .order_by("unit__code")
    )
    for participant in participants:
        participant.name = participant.unit.name_in(edition.year)
    return participants


def _edition_page(
    request,
    edition: Edition,
    *,
    note: str = "",
    problems=(),
    status: int = 200,
    give_back: tuple[int, str] | None = None,
    deadlines: DeadlinesForm | None = None,
):
    """The edition's page; `give_back` (participant id, reason) keeps a refused give-back's
    reason in its form."""
    progress = _progress([edition], events=None)[0]
    step = _STEPS.get(edition.status)
    leaves = progress.to_appraise // progress.participants if progress.participants else 0
    return render(
        request,
        "staff/edition.html",
        {
            "edition": edition,
            "progress": progress,
            "step": step[0] if step else None,
            "step_label": _STEP_BUTTONS[step[0]] if step else "",
            "note": note,
            "problems": [str(problem) for problem in problems],
            "participants": _listed_participants(edition),
            "leaves": leaves,
            "give_back": give_back,
            "deadlines": deadlines or DeadlinesForm(instance=edition, prefix="deadline"),
            "evidence_rule": EvidenceRuleForm(initial={"evidence_rule": edition.evidence_rule}),
            "back_to": _stage_label(lifecycle.BACK.get(edition.status)),
        },
        status=status,
    )


@staff_required(ADMIN)
def edition(request: HttpRequest, edition_id: int) -> HttpResponse:
    return _edition_page(request, get_object_or_404(Edition, pk=edition_id))


@require_POST
@staff_required(ADMIN)
def move(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The next stage, as the button asked: refused if the edition has moved meanwhile."""
    edition = get_object_or_404(Edition, pk=edition_id)
    action = request.POST.get("action", "")
    functions = dict(_STEPS.values())
    if action not in functions:
        return HttpResponseBadRequest("unknown action")
    note = request.POST.get("note", "").strip()
    try:
        functions[action](edition, user=request.user, note=note)
    except Refused as refusal:
        edition.refresh_from_db()
        return _edition_page(request, edition, note=note, problems=refusal.problems, status=409)
    messages.success(request, done_notice(edition, action))
    return redirect("staff:edition", edition.pk)


@require_POST
@staff_required(ADMIN)
def give_back(request: HttpRequest, edition_id: int, unit_code: str) -> HttpResponse:
    """A submitted self-assessment given back to its unit, with a written reason."""
    edition, participant = _participant_or_404(edition_id, unit_code)
    reason = request.POST.get("reason", "").strip()
    try:
        return_self_assessment(participant, user=request.user, reason=reason)
    except Refused as refusal:
        edition.refresh_from_db()
        return _edition_page(
            request,
            edition,
            problems=refusal.problems,
            status=409,
            give_back=(participant.pk, reason),
        )
    name = participant.unit.name_in(edition.year)
    # Translators: %(name)s is the unit's name.
    messages.success(request, _("The self-assessment of %(name)s is given back.") % {"name": name})
    return redirect("staff:edition", edition.pk)


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def publish(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The confirmation page (GET) and the publication (POST) of an edition in review."""
    edition = get_object_or_404(Edition, pk=edition_id)
    problems: list[str] = []
    if request.method == "POST":
        try:
            publish_edition(edition, user=request.user)
        except PublishRefused as refusal:
            problems = refusal.problems
        else:
            messages.success(request, _("The edition is published."))
            return redirect("staff:edition", edition.pk)
    elif edition.status != Edition.Status.REVIEW:
        problems = [str(lifecycle.Message("wrong_stage", _stage_params(edition)))]
    edition.refresh_from_db()
    return render(
        request,
        "staff/edition_publish.html",
        {"edition": edition, "count": edition.participants.count(), "problems": problems},
        status=409 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def reopen(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The correction form (GET) and the reopening (POST) of a published edition."""
    edition = get_object_or_404(Edition, pk=edition_id)
    reason = request.POST.get("reason", "")
    chosen = set(request.POST.getlist("units"))
    participants = _listed_participants(edition)
    problems: list[str] = []
    if request.method == "POST":
        units = [p.unit for p in participants if p.unit.code in chosen]
        try:
            lifecycle.reopen_edition(edition, user=request.user, reason=reason, units=units)
        except Refused as refusal:
            problems = [str(problem) for problem in refusal.problems]
        else:
            messages.success(request, EditionEvent.Action.REOPEN.label)
            return redirect("staff:edition", edition.pk)
    elif not edition.is_published:
        problems = [str(lifecycle.Message("wrong_stage", _stage_params(edition)))]
    edition.refresh_from_db()
    return render(
        request,
        "staff/edition_reopen.html",
        {
            "edition": edition,
            "reason": reason,
            "problems": problems,
            "participants": participants,
            "chosen": chosen,
        },
        status=409 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def step_back(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The confirmation (GET) and the taking back (POST) of the edition's stage, one stage, with
    a written reason; the stage confirmed is posted too, so a page left open while the edition
    moved is refused rather than taking back another stage."""
    edition = get_object_or_404(Edition, pk=edition_id)
    reason = request.POST.get("reason", "")
    problems: list[str] = []
    if request.method == "POST":
        stage = request.POST.get("stage", "")
        try:
            lifecycle.step_back(edition, user=request.user, reason=reason, expected=stage)
        except Refused as refusal:
            problems = [str(problem) for problem in refusal.problems]
        else:
            edition.refresh_from_db()
            # Translators: %(stage)s is the stage the edition is back in, translated.
            text = _("The edition is back in the %(stage)s stage.")
            messages.success(request, text % {"stage": edition.get_status_display()})
            return redirect("staff:edition", edition.pk)
    elif edition.status not in lifecycle.BACK:
        problems = [str(lifecycle.Message("no_step_back", _stage_params(edition)))]
    edition.refresh_from_db()
    context = {
        "edition": edition,
        "reason": reason,
        "problems": problems,
        "back_to": _stage_label(lifecycle.BACK.get(edition.status)),
        "consequence": _BACK_CONSEQUENCES.get(edition.status, ""),
    }
    return render(request, "staff/edition_step_back.html", context, status=409 if problems else 200)


@require_POST
@staff_required(ADMIN)
def deadlines(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The deadline of each stage, set by an admin (shown on the staff home)."""
    edition = get_object_or_404(Edition, pk=edition_id)
    form = DeadlinesForm(request.POST, instance=edition, prefix="deadline")
    problems = []
    if form.is_valid():
        try:
            lifecycle.set_deadlines(edition, form.cleaned_data, user=request.user)
        except Refused as refusal:
            problems = refusal.problems
        else:
            messages.success(request, _("The deadlines are saved."))
            return redirect("staff:edition", edition.pk)
    edition.refresh_from_db()
    return _edition_page(
        request, edition, problems=problems, status=409 if problems else 400, deadlines=form
    )


@require_POST
@staff_required(ADMIN)
def evidence_rule(request: HttpRequest, edition_id: int) -> HttpResponse:
    """What submitting does with points claimed without evidence: warn, or refuse."""
    edition = get_object_or_404(Edition, pk=edition_id)
    form = EvidenceRuleForm(request.POST)
    problems = []
    if form.is_valid():
        try:
            set_evidence_rule(edition, form.cleaned_data["evidence_rule"], user=request.user)
        except Refused as refusal:
            problems = refusal.problems
        else:
            messages.success(request, _("The rule on evidence is saved."))
            return redirect("staff:edition", edition.pk)
    return _edition_page(request, edition, problems=problems, status=409 if problems else 400)


@require_POST
@staff_required(ADMIN)
def extension(request: HttpRequest, edition_id: int, unit_code: str) -> HttpResponse:
    """One unit's extension: a date until which it may still submit its self-assessment."""
    edition, participant = _participant_or_404(edition_id, unit_code)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _edition_page(request, edition, problems=[_("Enter a valid date.")], status=400)
    try:
        lifecycle.extend(participant, form.cleaned_data["extended_until"], user=request.user)
    except Refused as refusal:
        return _edition_page(request, edition, problems=refusal.problems, status=409)
    name = participant.unit.name_in(edition.year)
    # Translators: %(name)s is the unit's name.
    messages.success(request, _("The extension of %(name)s is saved.") % {"name": name})
    return redirect("staff:edition", edition.pk)


def _participant_or_404(edition_id: int, unit_code: str) -> tuple[Edition, Participant]:
    """The edition and its participating unit an admin's action on one unit names."""
    edition = get_object_or_404(Edition, pk=edition_id)
    participant = get_object_or_404(
        edition.participants.select_related("unit"), unit__code=unit_code
    )
    return edition, participant


def _stage_label(stage: str | None) -> str:
    return str(Edition.Status(stage).label) if stage else ""


def _stage_params(edition: Edition) -> dict:
    return {"year": edition.year, "level": edition.level, "stage": edition.get_status_display()}


# The preview ----------------------------------------------------------------------------------
#
# Rendered from scoring.publish.compute_edition, which writes nothing: no Result row, no data
# version, no cache entry (see scoring/publish.py for why not a rolled-back publish). The page is
# a staff page (admins only, never cached by staff_required) and asks search engines to keep out.


def _computed(edition: Edition) -> tuple[Computed | None, list[str]]:
    try:
        return compute_edition(edition), []
    except PublishRefused as refusal:
        return None, refusal.problems


def _unit_preview(edition: Edition):
    return lambda code: reverse("staff:preview_unit", args=[edition.pk, code])


def _preview_response(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@staff_required(ADMIN)
def preview(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The edition's ranking as publishing would give it, privately."""
    edition = get_object_or_404(Edition, pk=edition_id)
    if edition.is_published:
        return redirect("public:ranking", edition.year, edition.level)
    computed, problems = _computed(edition)
    fields = list(edition.fields())
    codes = [f.code for f in fields]
    rows = computed_rows(edition, computed, codes, _unit_preview(edition)) if computed else []
    averages = computed.averages if computed else None
    return _preview_response(
        request,
        "staff/preview.html",
        {
            "edition": edition,
            "problems": problems,
            "rows": [row for row in rows if row.ranked],
            "unranked": [row for row in rows if not row.ranked],
            "fields": [(f.code, localized(f, "name")) for f in fields],
            "columns": ranking_columns(fields),
            "national_average": averages.national if averages else None,
            "field_averages": [(code, averages.fields.get(code)) for code in codes]
            if averages
            else [],
        },
        status=409 if problems else 200,
    )


@staff_required(ADMIN)
def preview_unit(request: HttpRequest, edition_id: int, unit_code: str) -> HttpResponse:
    """One unit's results as its public profile would show them, privately."""
    edition = get_object_or_404(Edition, pk=edition_id)
    if edition.is_published:
        return redirect("public:ranking", edition.year, edition.level)
    computed, problems = _computed(edition)
    if computed is None:
        return redirect("staff:preview", edition.pk)
    participant = next((p for p in computed.participants if p.unit.code == unit_code), None)
    if participant is None:
        raise Http404("no such participant")
    unit = participant.unit
    rows = computed_rows(edition, computed, [], _unit_preview(edition))
    row = next(r for r in rows if r.code == unit_code)
    nodes = list(edition.criteria.order_by("sort_key"))
    result = next(r for r in computed_results(edition, computed) if r.participant == participant)
    region = unit.region.code if unit.region else None
    shown = SimpleNamespace(
        edition=edition,
        name=row.name,
        result=result,
        ranked_count=sum(1 for r in rows if r.rank is not None) or None,
        national_average=computed.averages.national,
        regional_average=computed.averages.regions.get(region) if region else None,
        fields=_field_lines(computed, participant, rows, nodes),
        tree=[] if edition.summary_only else points_tree(result, nodes),
    )
    return _preview_response(
        request,
        "staff/preview_unit.html",
        {"edition": edition, "shown": shown, "unit": unit, "name": row.name},
    )


def _field_lines(computed: Computed, participant, rows: list[RankingRow], nodes) -> list:
    """Each field of the unit against the averages and the best unit, as the profile shows it
    (public.profiles._fields), from the computed outcomes."""
    outcome = next(o for o in computed.outcomes if o.key == participant.unit_id)
    names = {n.code: localized(n, "name") for n in nodes if n.parent_id is None}
    region = participant.unit.region.code if participant.unit.region else ""
    best = best_units(rows)
    in_region = [row.fields for row in rows if row.ranked and region and row.region_code == region]
    regional = field_averages(in_region, outcome.fields)
    return [
        FieldLine(
            code=code,
            name=names.get(code, ""),
            points=f.points,
            max_points=computed.field_max.get(code),
            index=f.index,
            rank=f.rank,
            national_average=computed.averages.fields.get(code),
            regional_average=regional.get(code) if region else None,
            best=best[code],
        )
        for code, f in sorted(outcome.fields.items(), key=lambda i: Criterion.sort_key_for(i[0]))
    ]


urlpatterns = [
    path("editions/", editions, name="editions"),
    path("editions/<int:edition_id>/", edition, name="edition"),
    path("editions/<int:edition_id>/move/", move, name="move"),
    path("editions/<int:edition_id>/publish/", publish, name="publish"),
    path(
        "editions/<int:edition_id>/give-back/<str:unit_code>/",
        give_back,
        name="give_back",
    ),
    path("editions/<int:edition_id>/reopen/", reopen, name="reopen"),
    path("editions/<int:edition_id>/step-back/", step_back, name="step_back"),
    path("editions/<int:edition_id>/deadlines/", deadlines, name="deadlines"),
    path("editions/<int:edition_id>/evidence-rule/", evidence_rule, name="evidence_rule"),
    path("editions/<int:edition_id>/extension/<str:unit_code>/", extension, name="extension"),
    path("editions/<int:edition_id>/preview/", preview, name="preview"),
    path("editions/<int:edition_id>/preview/<str:unit_code>/", preview_unit, name="preview_unit"),
]

"""The unit officer's self-assessment: points, a note and evidence per `self` leaf of their unit's
open edition, totals computed by the server, a draft saved at any time, then submitted.

Every save goes through scoring.points.set_self_points (the permission matrix, the version check,
the audit rows); a refused or mistyped save shows the page again with everything as typed,
uploaded files included (kept in the private storage and carried by a signed token).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from scoring.models import Criterion, Edition, Participant, Score
from scoring.permissions import ADMIN, APPRAISER, UNIT_OFFICER, unit_of
from scoring.points import (
    KEEP,
    EvidenceFile,
    SelfAssessment,
    parse_points,
    set_self_points,
    submitted_message,
    url_problem,
)
from scoring.problems import Refused
from scoring.storage import evidence_storage
from scoring.submission import given_back, missing_self_points, submit_self_assessment
from scoring.totals import totals
from scoring.tree import Tree
from staff.access import staff_required
from staff.evidence import evidence_problem, store_evidence

_PENDING_SALT = "staff.self_assessment.pending_evidence"
_PENDING_MAX_AGE = 24 * 60 * 60


@dataclass
class LeafForm:
    """One leaf as the form shows it: stored values, or what was posted."""

    node: Criterion
    depth: int
    score: Score | None
    points: str = ""
    note: str = ""
    url: str = ""
    version: int = 0
    remove: bool = False
    pending: EvidenceFile | None = None
    pending_token: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    is_leaf: bool = True

    @property
    def is_self(self) -> bool:
        return self.node.method == Criterion.Method.SELF


@dataclass
class Heading:
    node: Criterion
    depth: int
    is_leaf: bool = False


def _open_participants(user):
    unit = unit_of(user)
    if unit is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(unit=unit, edition__status=Edition.Status.SELF_ASSESSMENT)
        .select_related("edition", "unit", "submitted_by")
        .order_by("-edition__year", "edition__level")
    )


def _chosen(request: HttpRequest):
    """(the participant shown, every open participation of the officer's unit)."""
    choices = list(_open_participants(request.user))
    wanted = request.GET.get("edition") or request.POST.get("edition")
    chosen = next((p for p in choices if str(p.edition_id) == wanted), None)
    if chosen is None and len(choices) == 1:
        chosen = choices[0]
    return chosen, choices


def _rows(participant: Participant, tree: Tree) -> list[dict]:
    """The tree as sections, one per field: its headings and leaf forms in tree order."""
    scores = {
        score.criterion_id: score
        for score in Score.objects.filter(participant=participant).select_related("criterion")
    }
    sections = []
    for node in tree.nodes:
        depth = node.code.count(".")
        if depth == 0:
            sections.append({"node": node, "items": []})
        if tree.is_leaf(node):
            score = scores.get(node.pk)
            item = LeafForm(node=node, depth=depth, score=score)
            if score is not None:
                item.points = _shown(score.self_points)
                item.note, item.url, item.version = (
                    score.self_note,
                    score.evidence_url,
                    score.version,
                )
            sections[-1]["items"].append(item)
        elif depth:
            sections[-1]["items"].append(Heading(node=node, depth=depth))
    return sections


def _leaves(sections) -> list[LeafForm]:
    return [item for section in sections for item in section["items"] if item.is_leaf]


def _read_post(request: HttpRequest, leaves: list[LeafForm]) -> dict[int, Decimal | None]:
    """Puts the posted values into the leaf forms; returns the points that parse, by leaf."""
    parsed = {}
    for leaf in leaves:
        if not leaf.is_self:
            continue
        pk = leaf.node.pk
        if f"points-{pk}" not in request.POST:
            # Not in this form (a leaf added since it was shown): left as stored.
            parsed[pk] = leaf.score.self_points if leaf.score else None
            continue
        leaf.points = request.POST.get(f"points-{pk}", "")
        leaf.note = request.POST.get(f"note-{pk}", "")
        leaf.url = request.POST.get(f"url-{pk}", "").strip()
        leaf.remove = request.POST.get(f"remove-{pk}") == "1"
        try:
            leaf.version = int(request.POST.get(f"version-{pk}", ""))
        except ValueError:
            leaf.version = leaf.score.version if leaf.score else 0
        if leaf.url and (problem := url_problem(leaf.url)):
            leaf.errors.setdefault("url", []).append(problem.text())
        value, problem = parse_points(leaf.points, leaf.node.max_points)
        if problem:
            leaf.errors.setdefault("points", []).append(problem.text())
        else:
            parsed[pk] = value
    return parsed


def _points_by_code(leaves: list[LeafForm], parsed: dict | None) -> dict[str, Decimal | None]:
    points = {}
    for leaf in leaves:
        if not leaf.is_self:
            points[leaf.node.code] = leaf.score.survey_points if leaf.score else None
        elif parsed is None:
            points[leaf.node.code] = leaf.score.self_points if leaf.score else None
        else:
            points[leaf.node.code] = parsed.get(leaf.node.pk)
    return points


def _pending(request: HttpRequest, leaf: LeafForm, participant: Participant) -> None:
    """A file uploaded with an earlier, refused post of this form: kept, not asked for again."""
    token = request.POST.get(f"pending-{leaf.node.pk}", "")
    if not token:
        return
    try:
        data = signing.loads(token, salt=_PENDING_SALT, max_age=_PENDING_MAX_AGE)
    except signing.BadSignature:
        return
    if data.get("participant") == participant.pk and data.get("leaf") == leaf.node.pk:
        leaf.pending = EvidenceFile(**data["file"])
        leaf.pending_token = token


def _hold(leaf: LeafForm, participant: Participant, evidence: EvidenceFile) -> None:
    leaf.pending = evidence
    leaf.pending_token = signing.dumps(
        {"participant": participant.pk, "leaf": leaf.node.pk, "file": evidence.__dict__},
        salt=_PENDING_SALT,
    )


def _uploads(request: HttpRequest, leaves: list[LeafForm], participant: Participant) -> None:
    for leaf in leaves:
        if not leaf.is_self:
            continue
        _pending(request, leaf, participant)
        upload = request.FILES.get(f"file-{leaf.node.pk}")
        if upload is None:
            continue
        problem = evidence_problem(upload)
        if problem:
            leaf.errors.setdefault("file", []).append(problem.text())
        else:
            _hold(leaf, participant, store_evidence(upload, participant))


def _entries(leaves: list[LeafForm], parsed: dict, participant: Participant) -> list:
    """Entries for the leaves whose posted values differ from the stored ones."""
    entries = []
    for leaf in leaves:
        if not leaf.is_self:
            continue
        score = leaf.score
        stored = (
            score.self_points if score else None,
            score.self_note if score else "",
            score.evidence_url if score else "",
        )
        posted = (parsed.get(leaf.node.pk), leaf.note, leaf.url)
        evidence = leaf.pending or (None if leaf.remove and score and score.evidence_file else KEEP)
        if posted == stored and evidence is KEEP:
            continue
        entries.append(
            SelfAssessment(
                participant,
                leaf.node,
                points=posted[0],
                evidence_url=leaf.url,
                note=leaf.note,
                evidence_file=evidence,
                version=leaf.version,
            )
        )
    return entries


def _refused(refusal: Refused, leaves: list[LeafForm], participant: Participant) -> list[str]:
    """Puts each message about one leaf beside it; returns those about the whole form."""
    by_code = {leaf.node.code: leaf for leaf in leaves}
    general = []
    current = {
        score.criterion_id: score.version for score in Score.objects.filter(participant=participant)
    }
    for problem in refusal.problems:
        leaf = by_code.get(problem.params.get("code")) if problem.params else None
        if leaf is None:
            general.append(problem.text())
            continue
        key = "conflict" if problem.code == "changed_meanwhile" else "points"
        leaf.errors.setdefault(key, []).append(problem.text())
        if problem.code == "changed_meanwhile":
            # The person has now seen the other's value: saving again is their decision.
            leaf.version = current.get(leaf.node.pk, 0)
    return general


@staff_required(UNIT_OFFICER)
def self_assessment(request: HttpRequest) -> HttpResponse:
    participant, choices = _chosen(request)
    if participant is None:
        return render(request, "staff/self_assessment_choose.html", {"choices": choices})
    tree = Tree.of(participant.edition)
    sections = _rows(participant, tree)
    leaves = _leaves(sections)
    writable = participant.submitted_at is None
    problems: list[str] = []
    parsed = None
    if request.method == "POST" and writable:
        parsed = _read_post(request, leaves)
        _uploads(request, leaves, participant)
        if request.POST.get("action") == "save" and not any(leaf.errors for leaf in leaves):
            try:
                written = set_self_points(
                    participant.edition,
                    _entries(leaves, parsed, participant),
                    user=request.user,
                    source="web",
                )
            except Refused as refusal:
                problems = _refused(refusal, leaves, participant)
            else:
                changed = len(written.created | written.updated)
                # Translators: %(changes)s is e.g. "3 sub-criteria changed".
                messages.success(
                    request, _("Draft saved: %(changes)s.") % {"changes": saved_count(changed)}
                )
                return redirect(_address(participant))
        elif request.POST.get("action") == "save":
            problems = [_("Nothing was saved: correct the values marked below.")]
    elif request.method == "POST":
        problems = [submitted_message(participant).text()]
    figures = totals(tree, _points_by_code(leaves, parsed))
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
    participant, _choices = _chosen(request)
    if participant is None:
        raise Http404
    tree = Tree.of(participant.edition)
    leaves = _leaves(_rows(participant, tree))
    parsed = _read_post(request, leaves)
    figures = totals(tree, _points_by_code(leaves, parsed))
    return JsonResponse(
        {
            "fields": {total.code: _shown(total.points) for total in figures.fields},
            "points": _shown(figures.points),
            "invalid": [leaf.node.code for leaf in leaves if leaf.errors],
        }
    )


@require_POST
@staff_required(UNIT_OFFICER)
def submit(request: HttpRequest) -> HttpResponse:
    """Submitting asks once more on a page of its own; the confirming post submits."""
    participant, _choices = _chosen(request)
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
            return redirect(_address(participant))
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


def _shown(value: Decimal | None) -> str:
    """Points as this page writes them in the reader's language (7,50 in Vietnamese), which
    parse_points reads back."""
    return "" if value is None else formats.number_format(value, 2)


def _address(participant: Participant) -> str:
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

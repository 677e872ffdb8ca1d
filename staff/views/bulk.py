"""Bulk entry of the self-assessment (staff/bulk.py): the workbook to download, the upload with
its preview, and the confirmation that writes it. Only a unit officer, only for their own unit."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from files.problems import Refused
from scoring.models import Participant
from scoring.permissions import UNIT_OFFICER, unit_of
from scoring.points import set_self_points
from staff import bulk
from staff.access import staff_required
from staff.views.self_assessment import saved_count


def _own_participant(request: HttpRequest) -> Participant:
    """The officer's unit in the edition asked for (?edition= or the posted edition); another
    unit's participation is not theirs to see, so it is the same 404 as none."""
    unit = unit_of(request.user)
    wanted = request.GET.get("edition") or request.POST.get("edition") or ""
    if unit is None or not wanted.isdigit():
        raise Http404
    participant = (
        Participant.objects.filter(unit=unit, edition_id=int(wanted), edition__summary_only=False)
        .select_related("edition", "unit")
        .first()
    )
    if participant is None:
        raise Http404
    return participant


def _page(participant: Participant) -> str:
    return f"{reverse('staff:bulk_upload')}?edition={participant.edition_id}"


@staff_required(UNIT_OFFICER)
def download_workbook(request: HttpRequest) -> HttpResponse:
    participant = _own_participant(request)
    response = HttpResponse(
        bulk.workbook(participant),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{bulk.filename(participant)}"'
    return response


@staff_required(UNIT_OFFICER)
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the page to download and upload. POST: the uploaded file checked and shown as what it
    would change, with a button to confirm; nothing is written yet."""
    participant = _own_participant(request)
    context = {
        "participant": participant,
        "edition": participant.edition,
        "unit_name": participant.unit.name_in(participant.edition.year),
        "columns": bulk.COLUMNS,
        "upload": None,
        "problems": [],
        "limit": f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}",
    }
    stage = bulk.stage_problem(participant)
    if stage is not None:
        context["problems"] = [stage.text()]
    if request.method == "POST":
        request.session.pop(bulk.SESSION_KEY, None)
        sent = request.FILES.get("file")
        if sent is None:
            context["problems"] = [_("Choose the workbook to upload.")]
        elif sent.size > settings.IMPORT_MAX_BYTES:
            context["problems"] = [
                _("The file is larger than %(limit)s MB.") % {"limit": context["limit"]}
            ]
        else:
            checked = bulk.check_upload(participant, sent.read(), sent.name)
            context["upload"] = checked
            context["problems"] = [str(problem) for problem in checked.problems.listed()]
            if checked.ok and checked.changes:
                request.session[bulk.SESSION_KEY] = bulk.pending(participant, checked)
    return render(request, "staff/bulk_upload.html", context)


@require_POST
@staff_required(UNIT_OFFICER)
def confirm_upload(request: HttpRequest) -> HttpResponse:
    """Writes the upload the preview showed, all of it or nothing."""
    participant = _own_participant(request)
    waiting = request.session.get(bulk.SESSION_KEY)
    if not waiting or waiting.get("participant") != participant.pk:
        messages.error(request, _("There is no upload waiting to be confirmed; upload it again."))
        return redirect(_page(participant))
    problem = bulk.stage_problem(participant)
    try:
        if problem is not None:
            raise Refused([problem])
        written = set_self_points(
            participant.edition,
            bulk.entries(participant, waiting),
            user=request.user,
            source=bulk.source_line(waiting),
        )
    except Refused as refused:
        del request.session[bulk.SESSION_KEY]
        for message in refused.problems:
            messages.error(request, message.text())
        messages.error(request, _("Nothing was saved from the workbook."))
        return redirect(_page(participant))
    del request.session[bulk.SESSION_KEY]
    changed = len(written.created | written.updated)
    # Translators: %(changes)s is e.g. "3 sub-criteria changed".
    messages.success(request, _("Workbook saved: %(changes)s.") % {"changes": saved_count(changed)})
    return redirect(f"{reverse('staff:self_assessment')}?edition={participant.edition_id}")


urlpatterns = [
    path("self-assessment/workbook/", download_workbook, name="bulk_download"),
    path("self-assessment/upload/", upload, name="bulk_upload"),
    path("self-assessment/upload/confirm/", confirm_upload, name="bulk_confirm"),
]

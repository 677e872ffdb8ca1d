"""The confirmation page of a stage move: what the next step will do, counted (staff.moves),
before the admin takes it. The step itself is posted to staff:move, which checks the stage
again under the edition's lock: a page left open while the edition moved on is refused there."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from scoring import lifecycle
from scoring.models import Edition
from scoring.permissions import ADMIN
from staff.access import staff_required
from staff.moves import preview
from staff.views.editions import _STEP_BUTTONS, _STEPS


@require_GET
@staff_required(ADMIN)
def confirm_move(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = get_object_or_404(Edition, pk=edition_id)
    step = _STEPS.get(edition.status)
    context = {"edition": edition, "note": request.GET.get("note", "").strip(), "move": None}
    if step is None or request.GET.get("action") != step[0]:
        # Asked for a step that is not this stage's next one (the edition has moved meanwhile).
        problem = lifecycle.wrong_stage(edition, "") or ""
        context["problems"] = [str(problem)]
        return render(request, "staff/edition_move.html", context, status=409)
    move = preview(edition, step[0])
    context.update(
        move=move,
        step_label=_STEP_BUTTONS[step[0]],
        to_self_assess=move.leaves * move.participants,
    )
    return render(request, "staff/edition_move.html", context)


urlpatterns = [
    path("editions/<int:edition_id>/move/confirm/", confirm_move, name="confirm_move"),
]

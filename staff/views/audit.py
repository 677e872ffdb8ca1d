"""The audit trail on the staff screens: one leaf's history, and the recent changes."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from scoring.models import Score
from scoring.permissions import UNIT_OFFICER, unit_of
from staff import audit
from staff.access import staff_required


@staff_required()
def leaf_history(request: HttpRequest, score_id: int) -> HttpResponse:
    score = get_object_or_404(
        Score.objects.select_related("criterion", "participant__unit", "participant__edition"),
        pk=score_id,
    )
    # A unit officer sees their own unit only; another unit's leaf does not exist for them.
    if request.staff_role == UNIT_OFFICER and unit_of(request.user) != score.participant.unit:
        raise Http404
    context = {
        "score": score,
        "edition": score.participant.edition,
        "unit": score.participant.unit,
        "entries": audit.leaf_history(score),
    }
    return render(request, "staff/leaf_history.html", context)


urlpatterns = [
    path("<int:score_id>/history/", leaf_history, name="leaf_history"),
]

"""The audit trail on the staff screens: one leaf's history, and the recent changes."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from provinces.models import Unit
from scoring.models import Edition, Score
from scoring.permissions import UNIT_OFFICER, unit_of
from staff import audit, privacy
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


PER_PAGE = 50


class ChangesFilter(forms.Form):
    """The recent changes' filters, read from the address (a GET form: it works without JS)."""

    edition = forms.ModelChoiceField(
        Edition.objects.all(), required=False, label=_("Edition"), empty_label=_("All editions")
    )
    unit = forms.ModelChoiceField(
        Unit.objects.order_by("level", "code", "valid_from"),
        required=False,
        label=_("Unit"),
        empty_label=_("All units"),
    )
    person = forms.ModelChoiceField(
        get_user_model().objects.order_by("username"),
        required=False,
        label=_("Person"),
        empty_label=_("Everyone"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *audit.Kind.choices], required=False, label=_("Kind")
    )


@staff_required()
def changes(request: HttpRequest) -> HttpResponse:
    form = ChangesFilter(request.GET or None)
    # The Person filter lists (and accepts) only the accounts whose names the reader may see.
    form.fields["person"].queryset = privacy.visible_accounts(
        request, form.fields["person"].queryset
    )
    chosen = form.cleaned_data if form.is_valid() else {}
    unit = chosen.get("unit")
    if request.staff_role == UNIT_OFFICER:
        # A unit officer follows their own unit's changes only, whatever the address asks.
        unit = unit_of(request.user)
        if unit is None:
            raise PermissionDenied
        del form.fields["unit"]
    filters = audit.Filters(
        edition=chosen.get("edition"),
        unit=unit,
        user=chosen.get("person"),
        kind=chosen.get("kind") or "",
    )
    # A page past the end is a 404 found from the counts alone, not the last page shown
    # instead (which reads the rows of every page before it).
    try:
        page = Paginator(audit.Timeline(filters), PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("no such page") from None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "officer": request.staff_role == UNIT_OFFICER,
        "query": query.urlencode(),
    }
    return render(request, "staff/changes.html", context)


urlpatterns = [
    path("changes/", changes, name="changes"),
    path("<int:score_id>/history/", leaf_history, name="leaf_history"),
]

"""The appraisal of one unit: a form per `self` leaf, what a save or "accept all" writes, and the
totals the page shows.

docs/rules.md: the appraisal screen asks for a reason wherever the appraised value differs from
the self-assessed one. Only the leaves the appraiser changed are written (the form carries the
values and the Score.version it showed), so a leaf someone else saved meanwhile is refused by the
writer's version check instead of being overwritten with what this page happened to show.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provinces.localized import localized
from scoring.models import Criterion, Participant, Reply, Score
from scoring.points import KEEP, Appraisal, parse_points
from scoring.replies import REPLY_MAX_LENGTH, is_deduction
from scoring.totals import self_assessed_totals
from scoring.tree import Tree

CENT = Decimal("0.01")


def _typed_text(value: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; a hidden input's as they were.
    return value.replace("\r\n", "\n").strip()


def _stored_text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


class LeafForm(forms.Form):
    """One `self` leaf: the appraised points, the reason, and what the page showed of them."""

    points = forms.CharField(required=False, max_length=20)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 28}))
    # Internal: never published nor shown to the unit (docs/rules.md).
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 28}))
    answer = forms.CharField(
        required=False,
        max_length=REPLY_MAX_LENGTH,
        # Sent to the unit with the Save button only: never autosaved as a draft.
        widget=forms.Textarea(attrs={"rows": 2, "cols": 28, "data-no-autosave": ""}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    shown_points = forms.CharField(required=False, widget=forms.HiddenInput)
    shown_reason = forms.CharField(required=False, widget=forms.HiddenInput)
    shown_note = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, leaf: Criterion, score: Score | None, **kwargs):
        self.leaf = leaf
        self.score = score
        stored_points = score.appraised_points if score else None
        stored_reason = score.appraisal_reason if score else ""
        stored_note = score.appraisal_note if score else ""
        kwargs.setdefault(
            "initial",
            {
                "points": _stored_text(stored_points),
                "reason": stored_reason,
                "version": score.version if score else 0,
                "shown_points": _stored_text(stored_points),
                "shown_reason": stored_reason,
                "note": stored_note,
                "shown_note": stored_note,
            },
        )
        super().__init__(*args, prefix=f"leaf-{leaf.pk}", **kwargs)
        # The standard reasons (staff:appraisal pages' <datalist>) to pick from, then edit.
        self.fields["reason"].widget.attrs["list"] = "standard-reasons"
        self.fields["points"].widget.attrs.update(
            {"inputmode": "decimal", "size": 6, "data-points": "", "data-field": leaf.field_code}
        )

    @property
    def self_points(self) -> Decimal | None:
        return self.score.self_points if self.score else None

    def clean_points(self) -> Decimal | None:
        # The self-assessment's parser: both screens accept and refuse the same text.
        value, problem = parse_points(self.cleaned_data["points"], self.leaf.max_points)
        if problem is not None and problem.code == "points_not_a_number":
            raise forms.ValidationError(_("Enter a number of points, such as 7.5."))
        if problem is not None:
            raise forms.ValidationError(problem.text())
        # Stored with 2 decimals: the audit row then reads 6.50, as imports write it.
        return None if value is None else value.quantize(CENT)

    def clean(self):
        data = super().clean()
        if "points" in data and self.is_changed():
            points, reason = data["points"], _typed_text(data.get("reason", ""))
            if points is not None and points != self.self_points and not reason:
                self.add_error(
                    "reason",
                    _("Give a reason: the appraised points differ from the self-assessed %(self)s.")
                    % {"self": _stored_text(self.self_points) or "—"},
                )
        return data

    def is_changed(self) -> bool:
        """Whether the appraiser changed the points, the reason or the note the page showed."""
        data = self.cleaned_data
        shown, _problem = parse_points(data.get("shown_points", ""))
        return (
            data.get("points") != shown
            or self._typed("reason") != self._typed("shown_reason")
            or self._typed("note") != self._typed("shown_note")
        )

    def _typed(self, name: str) -> str:
        return _typed_text(self.cleaned_data.get(name, ""))

    def entry(self, participant: Participant) -> Appraisal | None:
        """What a save writes for this leaf: nothing unless the appraiser changed it."""
        if not self.is_bound or not self.is_changed():
            return None
        return Appraisal(
            participant,
            self.leaf,
            points=self.cleaned_data["points"],
            reason=_typed_text(self.cleaned_data["reason"]),
            # A screen without the note (the table across units) leaves it as stored.
            note=self._typed("note") if self.add_prefix("shown_note") in self.data else KEEP,
            version=self.cleaned_data["version"],
        )

    def accepted(self, participant: Participant) -> Appraisal | None:
        """What "accept all remaining" writes for this leaf: the self points, on a leaf with self
        points, nothing appraised yet and nothing typed."""
        score = self.score
        if score is None or score.self_points is None or score.appraised_points is not None:
            return None
        if not self.is_bound:
            return None
        if self.is_changed():
            return None
        return Appraisal(
            participant,
            self.leaf,
            points=score.self_points,
            reason=KEEP,
            version=self.cleaned_data["version"],
        )

    def typed_points(self) -> Decimal | None:
        """The points as the page shows them now: typed when valid, else as stored."""
        if self.is_bound:
            self.is_valid()
            if "points" in self.cleaned_data:  # valid points, even if the reason is missing
                return self.cleaned_data["points"]
        return self.score.appraised_points if self.score else None


@dataclass
class AppraisalRow:
    leaf: Criterion
    score: Score | None
    form: LeafForm | None  # None for survey leaves: read-only here
    replies: list[Reply] = field(default_factory=list)
    name: str = ""

    @property
    def is_deduction(self) -> bool:
        return self.score is not None and is_deduction(self.score)


@dataclass
class Total:
    code: str
    name: str
    maximum: Decimal
    self_points: Decimal
    appraised: Decimal


def appraisal_totals(tree: Tree, rows: list[AppraisalRow]) -> tuple[list[Total], Total]:
    """Self-assessed against appraised points of the `self` leaves, per field and overall, with
    what the appraiser has typed (survey leaves are not in either): scoring.totals adds up both."""
    forms = [row.form for row in rows if row.form is not None]
    self_sums = self_assessed_totals(tree, {form.leaf.code: form.self_points for form in forms})
    appraised_sums = self_assessed_totals(
        tree, {form.leaf.code: form.typed_points() for form in forms}
    )
    listed = [
        Total(node.code, localized(node, "name"), own.max_points, own.points, appraised.points)
        for node, own, appraised in zip(
            tree.fields, self_sums.fields, appraised_sums.fields, strict=True
        )
    ]
    overall = Total(
        "",
        gettext_lazy("All fields"),
        self_sums.max_points,
        self_sums.points,
        appraised_sums.points,
    )
    return listed, overall


def form_errors(rows: list[AppraisalRow]) -> list[dict]:
    """One line per message beside an input of the unit's appraisal, linking to that input."""
    lines = []
    for row in rows:
        form = row.form
        if form is None or not form.is_bound or form.is_valid():
            continue
        for name, texts in form.errors.items():
            anchor = form[name].id_for_label if name in form.fields else form["points"].id_for_label
            lines += [{"anchor": anchor, "code": row.leaf.code, "text": text} for text in texts]
    return lines

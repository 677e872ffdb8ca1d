"""The appraisal of one unit: a form per `self` leaf, what a save or "accept all" writes, and the
totals the page shows.

docs/rules.md: the appraisal screen asks for a reason wherever the appraised value differs from
the self-assessed one. Only the leaves the appraiser changed are written (the form carries the
values and the Score.version it showed), so a leaf someone else saved meanwhile is refused by the
writer's version check instead of being overwritten with what this page happened to show.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provinces.localized import localized
from scoring.models import Criterion, Participant, Reply, Score
from scoring.points import KEEP, Appraisal, points_problem
from scoring.replies import REPLY_MAX_LENGTH, is_deduction

CENT = Decimal("0.01")


def parse_points(text: str) -> Decimal | None:
    """A typed value: blank is None; a decimal comma (7,5) is read as a point, as people in
    Viet Nam write it. Raises ValueError for anything that is not a finite number."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _text(value: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; a hidden input's as they were.
    return value.replace("\r\n", "\n").strip()


def _shown(value: Decimal | None) -> str:
    return "" if value is None else str(value)


class LeafForm(forms.Form):
    """One `self` leaf: the appraised points, the reason, and what the page showed of them."""

    points = forms.CharField(required=False, max_length=20)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 28}))
    answer = forms.CharField(
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 28}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    shown_points = forms.CharField(required=False, widget=forms.HiddenInput)
    shown_reason = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, leaf: Criterion, score: Score | None, **kwargs):
        self.leaf = leaf
        self.score = score
        stored_points = score.appraised_points if score else None
        stored_reason = score.appraisal_reason if score else ""
        kwargs.setdefault(
            "initial",
            {
                "points": _shown(stored_points),
                "reason": stored_reason,
                "version": score.version if score else 0,
                "shown_points": _shown(stored_points),
                "shown_reason": stored_reason,
            },
        )
        super().__init__(*args, prefix=f"leaf-{leaf.pk}", **kwargs)
        self.fields["points"].widget.attrs.update(
            {"inputmode": "decimal", "size": 6, "data-points": "", "data-field": leaf.field_code}
        )

    @property
    def self_points(self) -> Decimal | None:
        return self.score.self_points if self.score else None

    def clean_points(self) -> Decimal | None:
        try:
            value = parse_points(self.cleaned_data["points"])
        except ValueError:
            raise forms.ValidationError(_("Enter a number of points, such as 7.5.")) from None
        if value is not None:
            problem = points_problem(value, self.leaf.max_points)
            if problem is not None:
                raise forms.ValidationError(problem.text())
            # Stored with 2 decimals: the audit row then reads 6.50, as imports write it.
            value = value.quantize(CENT)
        return value

    def clean(self):
        data = super().clean()
        if "points" in data and self.is_changed():
            points, reason = data["points"], _text(data.get("reason", ""))
            if points is not None and points != self.self_points and not reason:
                self.add_error(
                    "reason",
                    _("Give a reason: the appraised points differ from the self-assessed %(self)s.")
                    % {"self": _shown(self.self_points) or "—"},
                )
        return data

    def is_changed(self) -> bool:
        """Whether the appraiser changed the points or the reason the page showed."""
        data = self.cleaned_data
        try:
            shown = parse_points(data.get("shown_points", ""))
        except ValueError:
            shown = None
        return data.get("points") != shown or _text(data.get("reason", "")) != _text(
            data.get("shown_reason", "")
        )

    def entry(self, participant: Participant) -> Appraisal | None:
        """What a save writes for this leaf: nothing unless the appraiser changed it."""
        if not self.is_changed():
            return None
        return Appraisal(
            participant,
            self.leaf,
            points=self.cleaned_data["points"],
            reason=_text(self.cleaned_data["reason"]),
            version=self.cleaned_data["version"],
        )

    def accepted(self, participant: Participant) -> Appraisal | None:
        """What "accept all remaining" writes for this leaf: the self points, on a leaf with self
        points, nothing appraised yet and nothing typed."""
        score = self.score
        if score is None or score.self_points is None or score.appraised_points is not None:
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
class Row:
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


def totals(fields: list[Criterion], rows: list[Row]) -> tuple[list[Total], Total]:
    """Self-assessed against appraised points of the `self` leaves, per field and overall, with
    what the appraiser has typed (survey leaves are not in either)."""
    zero = Decimal("0")
    by_field = {
        node.code: Total(node.code, localized(node, "name"), zero, zero, zero) for node in fields
    }
    for row in rows:
        if row.form is None:
            continue
        total = by_field[row.leaf.field_code]
        total.maximum += row.leaf.max_points
        total.self_points += row.form.self_points or 0
        total.appraised += row.form.typed_points() or 0
    listed = list(by_field.values())
    for total in listed:
        total.self_points = total.self_points.quantize(CENT)
        total.appraised = total.appraised.quantize(CENT)
    overall = Total(
        "",
        gettext_lazy("All fields"),
        sum((t.maximum for t in listed), zero),
        sum((t.self_points for t in listed), zero),
        sum((t.appraised for t in listed), zero),
    )
    return listed, overall

"""The `scores` and `survey` kinds: points on the leaves of an edition, written by
scoring.points' writers (set_self_points, appraise, set_survey_points)."""

from collections import defaultdict
from typing import Any, TypeVar

from django.utils.translation import gettext_noop
from import_export import fields, widgets

from files.problems import Message, register
from files.tabular import Row
from files.texts import text_problem
from scoring.editions import Change
from scoring.imports.resources.base import Checked, FileResource, ImportOptions
from scoring.models import Criterion, Edition, Participant, Score
from scoring.points import (
    KEEP,
    Appraisal,
    ScoreEntry,
    SelfAssessment,
    SurveyResult,
    Written,
    addresses_problem,
    appraise,
    leaf_problem,
    participant_problem,
    set_self_points,
    set_survey_points,
)
from scoring.tree import Tree

register(
    no_points_given=gettext_noop("no points given (expected self_points or appraised_points)"),
    missing_reasons=gettext_noop(
        "%(count)s rows have appraised points that differ from the "
        "self-assessment without an appraisal_reason"
    ),
)


class _ScoreResource(FileResource):
    """Scores and survey points share their lookups: participant and leaf of the row's edition."""

    method = ""
    participant_id = fields.Field(attribute="participant_id", column_name="participant_id")
    criterion_id = fields.Field(attribute="criterion_id", column_name="criterion_id")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._trees: dict[int, Tree] = {}
        self._participants: dict[int, dict[int, Participant]] = {}

    def participant_and_leaf(self, row: Row) -> tuple[Participant | None, Criterion | None]:
        """The row's participant and leaf; None for either with its problem noted."""
        edition = self.existing_edition(row)
        if edition.pk not in self._trees:
            self._trees[edition.pk] = Tree.of(edition)
            self._participants[edition.pk] = {
                p.unit_id: p for p in edition.participants.select_related("unit", "edition")
            }
        unit = self.cell(self.unit, row)
        participant = self._participants[edition.pk].get(unit.pk) if unit else None
        if unit:
            self.note("unit", participant_problem(edition, participant, unit))
        tree = self._trees[edition.pk]
        code = row.values["criterion"].strip()
        problem = leaf_problem(edition, tree, code, self.method)
        self.note("criterion", problem)
        return participant, None if problem else tree.by_code[code]

    def check_file(self, checked: Checked) -> None:
        self.duplicates(
            checked, ("participant_id", "criterion_id"), "criterion", "this_unit_and_criterion"
        )

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        # The loaded objects, so that describing a row (import-export calls str()) costs no query.
        self._objects = {
            (row["participant_id"], row["criterion_id"]): (row["_participant"], row["_leaf"])
            for row in checked.rows
        }
        scores = Score.objects.filter(
            participant_id__in={row["participant_id"] for row in checked.rows}
        )
        self._existing = {(s.participant_id, s.criterion_id): s for s in scores}
        rows = []
        for clean in checked.rows:
            # A blank cell leaves what is stored: a file of appraised points does not erase
            # the self-assessment entered before it.
            current = self._existing.get((clean["participant_id"], clean["criterion_id"]))
            rows.append(
                {
                    column: getattr(current, column)
                    if current is not None and value in (None, "") and not column.startswith("_")
                    else value
                    for column, value in clean.items()
                    if not column.startswith("_") or column == "_row"
                }
            )
        return rows

    def get_instance(self, instance_loader, row):
        return self._existing.get((row["participant_id"], row["criterion_id"]))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        participant, leaf = self._objects[(instance.participant_id, instance.criterion_id)]
        instance.participant, instance.criterion = participant, leaf

    def by_edition(self, checked: Checked) -> dict[Edition, list[dict]]:
        rows = defaultdict(list)
        for clean in checked.rows:
            rows[clean["_participant"].edition].append(clean)
        return rows


def _given(value):
    """A blank cell (None or "") keeps what is stored."""
    return KEEP if value in (None, "") else value


Entry = TypeVar("Entry", bound=ScoreEntry)


def _score_entries(
    rows: list[dict[str, Any]], kind: type[Entry], *, points: str, text: str, text_as: str
) -> list[Entry]:
    """A `kind` entry of each row that gives its `points` column or its `text` column (the
    entry's `text_as`); a row giving neither leaves that kind's stored values alone."""
    return [
        kind(
            row["_participant"],
            row["_leaf"],
            points=_given(row[points]),
            **{text_as: _given(row[text])},
        )
        for row in rows
        if row[points] is not None or row[text]
    ]


class ScoreResource(_ScoreResource):
    kind = "scores"
    change = Change.SELF_POINTS
    method = Criterion.Method.SELF
    required = ("year", "level", "unit", "criterion")
    optional = ("self_points", "appraised_points", "appraisal_reason", "evidence_url")

    class Meta(ImportOptions):
        model = Score
        fields = (
            "participant_id",
            "criterion_id",
            "self_points",
            "appraised_points",
            "appraisal_reason",
            "evidence_url",
        )
        import_id_fields = ("participant_id", "criterion_id")

    def check_row(self, row: Row) -> dict[str, Any]:
        participant, criterion = self.participant_and_leaf(row)
        maximum = criterion.max_points if criterion else None
        given = [row.values.get(column, "") for column in ("self_points", "appraised_points")]
        self_points = self.cell(self.points, row, "self_points", maximum=maximum)
        appraised = self.cell(self.points, row, "appraised_points", maximum=maximum)
        if not any(given):
            self.note("self_points", Message("no_points_given"))
        url = row.values.get("evidence_url", "")
        if url:
            self.note("evidence_url", addresses_problem(url))
        reason = row.values.get("appraisal_reason", "")
        self.note("appraisal_reason", text_problem(reason))
        return {
            "participant_id": participant.pk if participant else None,
            "criterion_id": criterion.pk if criterion else None,
            "self_points": self_points,
            "appraised_points": appraised,
            "appraisal_reason": reason,
            "evidence_url": url,
            "_participant": participant,
            "_leaf": criterion,
        }

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        rows = super().prepare(checked)
        # Judged on the rows as they will be stored: an appraiser's file may leave the
        # self-assessment or an earlier reason blank.
        missing_reason = sum(
            1
            for row in rows
            if row["self_points"] is not None
            and row["appraised_points"] is not None
            and row["self_points"] != row["appraised_points"]
            and not row["appraisal_reason"]
        )
        if missing_reason:
            checked.warnings.append(Message("missing_reasons", {"count": missing_reason}))
        return rows

    def write(self, checked: Checked) -> Written:
        written = Written()
        for edition, rows in self.by_edition(checked).items():
            assessed = _score_entries(
                rows,
                SelfAssessment,
                points="self_points",
                text="evidence_url",
                text_as="evidence_url",
            )
            appraised = _score_entries(
                rows,
                Appraisal,
                points="appraised_points",
                text="appraisal_reason",
                text_as="reason",
            )
            if assessed:
                written |= set_self_points(edition, assessed, user=self.user, source=self.source)
            if appraised:
                written |= appraise(edition, appraised, user=self.user, source=self.source)
        return written


class SurveyResource(_ScoreResource):
    kind = "survey"
    change = Change.SURVEY_POINTS
    method = Criterion.Method.SURVEY
    required = ("year", "level", "unit", "criterion", "points")
    optional = ("respondents",)

    survey_points = fields.Field(
        attribute="survey_points", column_name="survey_points", widget=widgets.DecimalWidget()
    )

    class Meta(ImportOptions):
        model = Score
        fields = ("participant_id", "criterion_id", "survey_points", "respondents")
        import_id_fields = ("participant_id", "criterion_id")

    def check_row(self, row: Row) -> dict[str, Any]:
        participant, criterion = self.participant_and_leaf(row)
        maximum = criterion.max_points if criterion else None
        return {
            "participant_id": participant.pk if participant else None,
            "criterion_id": criterion.pk if criterion else None,
            "survey_points": self.cell(self.points, row, "points", maximum=maximum, required=True),
            "respondents": self.cell(self.whole_number, row, "respondents"),
            "_participant": participant,
            "_leaf": criterion,
        }

    def write(self, checked: Checked) -> Written:
        written = Written()
        for edition, rows in self.by_edition(checked).items():
            entries = [
                SurveyResult(
                    row["_participant"],
                    row["_leaf"],
                    points=row["survey_points"],
                    respondents=_given(row["respondents"]),
                )
                for row in rows
            ]
            written |= set_survey_points(edition, entries, user=self.user, source=self.source)
        return written

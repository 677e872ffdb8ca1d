"""The `scores` and `survey` kinds: points on the leaves of an edition, audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from import_export import fields, widgets

from scoring.models import Criterion, Participant, Score, ScoreChange
from scoring.resources.base import (
    Checked,
    FileResource,
    ImportOptions,
    RowProblem,
    participants_by_unit,
)
from scoring.tabular import Row


class _ScoreResource(FileResource):
    """Scores and survey points share their lookups: participant and leaf of the row's edition."""

    method = ""
    participant_id = fields.Field(attribute="participant_id", column_name="participant_id")
    criterion_id = fields.Field(attribute="criterion_id", column_name="criterion_id")
    audited: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._leaves: dict[int, dict[str, Criterion]] = {}
        self._parents: dict[int, set[int]] = {}
        self._participants: dict[int, dict[int, Participant]] = {}
        self._changes: list[ScoreChange] = []

    def participant_and_leaf(self, row: Row) -> tuple[Participant | None, Criterion | None]:
        """The row's participant and leaf; None for either with its problem noted."""
        edition = self.existing_edition(row)
        if edition.summary_only:
            raise RowProblem(
                "year",
                # Translators: %(level)s is province or ministry, as written in the file.
                _("the %(year)s %(level)s edition holds summary results only")
                % {"year": edition.year, "level": edition.level},
                per_edition=True,
            )
        if edition.pk not in self._leaves:
            nodes = list(edition.criteria.all())
            self._parents[edition.pk] = {n.parent_id for n in nodes if n.parent_id}
            self._leaves[edition.pk] = {n.code: n for n in nodes}
            self._participants[edition.pk] = participants_by_unit(edition)
        unit = self.cell(self.unit, row)
        participant = self._participants[edition.pk].get(unit.pk) if unit else None
        if unit and participant is None:
            self.note(
                RowProblem(
                    "unit",
                    _(
                        "%(name)s (%(code)s) does not take part in the %(year)s %(level)s "
                        "edition (add it with a participants file)"
                    )
                    % {
                        "name": unit.name_vi,
                        "code": unit.code,
                        "year": edition.year,
                        "level": edition.level,
                    },
                )
            )
        return participant, self.cell(self._leaf, edition, row)

    def _leaf(self, edition, row: Row) -> Criterion:
        code = row.values["criterion"].strip()
        criterion = self._leaves[edition.pk].get(code)
        if criterion is None:
            raise RowProblem(
                "criterion",
                _('"%(code)s" is not a criterion of the %(year)s %(level)s edition')
                % {"code": code, "year": edition.year, "level": edition.level},
            )
        if criterion.pk in self._parents[edition.pk]:
            raise RowProblem(
                "criterion",
                _("%(code)s has sub-criteria; points go on its leaves only") % {"code": code},
            )
        if criterion.method != self.method:
            other = "survey" if self.method == "self" else "scores"
            raise RowProblem(
                "criterion",
                # Translators: %(method)s is self or survey, %(kind)s is the file kind survey or
                # scores; both are kept as written.
                _("%(code)s is a %(method)s leaf; its points come from a %(kind)s file")
                % {"code": code, "method": criterion.method, "kind": other},
            )
        return criterion

    def check_file(self, checked: Checked) -> None:
        self._duplicates(
            checked, ("participant_id", "criterion_id"), "criterion", _("this unit and criterion")
        )

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        self._participant_objects = {
            p.pk: p for by_unit in self._participants.values() for p in by_unit.values()
        }
        self._criterion_objects = {
            c.pk: c for by_code in self._leaves.values() for c in by_code.values()
        }
        scores = Score.objects.filter(
            participant_id__in={row["participant_id"] for row in checked.rows}
        )
        self._existing = {(s.participant_id, s.criterion_id): s for s in scores}
        # import-export changes the loaded instances in place: keep the old values for the audit.
        self._before = {
            key: {column: getattr(score, column) for column in self.audited}
            for key, score in self._existing.items()
        }
        rows = []
        for clean in checked.rows:
            # A blank cell leaves what is stored: a file of appraised points does not erase
            # the self-assessment entered before it.
            current = self._existing.get((clean["participant_id"], clean["criterion_id"]))
            rows.append(
                {
                    column: getattr(current, column)
                    if current is not None and value in (None, "") and column != "_row"
                    else value
                    for column, value in clean.items()
                }
            )
        return rows

    def get_instance(self, instance_loader, row):
        return self._existing.get((row["participant_id"], row["criterion_id"]))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # Cached objects, so that describing the row (str()) costs no query.
        instance.participant = self._participant_objects[instance.participant_id]
        instance.criterion = self._criterion_objects[instance.criterion_id]

    def save_instance(self, instance, is_create, row, **kwargs):
        before = self._before.get((instance.participant_id, instance.criterion_id), {})
        super().save_instance(instance, is_create, row, **kwargs)
        for column in self.audited:
            old = before.get(column)
            new = getattr(instance, column)
            if old != new:
                self._changes.append(
                    ScoreChange(
                        score=instance,
                        column=column,
                        old_value="" if old is None else str(old),
                        new_value="" if new is None else str(new),
                        reason=getattr(instance, "appraisal_reason", "")
                        if column == "appraised_points"
                        else "",
                        source=self.source,
                        user=self.user,
                    )
                )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        ScoreChange.objects.bulk_create(self._changes)


class ScoreResource(_ScoreResource):
    kind = "scores"
    method = Criterion.Method.SELF
    required = ("year", "level", "unit", "criterion")
    optional = ("self_points", "appraised_points", "appraisal_reason", "evidence_url")
    audited = ("self_points", "appraised_points")

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
        use_bulk = True

    def check_row(self, row: Row) -> dict[str, Any]:
        participant, criterion = self.participant_and_leaf(row)
        maximum = criterion.max_points if criterion else None
        given = [row.values.get(column, "") for column in ("self_points", "appraised_points")]
        self_points = self.cell(self.points, row, "self_points", maximum=maximum)
        appraised = self.cell(self.points, row, "appraised_points", maximum=maximum)
        if not any(given):
            self.note(
                RowProblem(
                    "self_points", _("no points given (expected self_points or appraised_points)")
                )
            )
        url = row.values.get("evidence_url", "")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                self.note(
                    RowProblem(
                        "evidence_url",
                        _('"%(url)s" is not a web address (expected https://...)') % {"url": url},
                    )
                )
        return {
            "participant_id": participant.pk if participant else None,
            "criterion_id": criterion.pk if criterion else None,
            "self_points": self_points,
            "appraised_points": appraised,
            "appraisal_reason": row.values.get("appraisal_reason", ""),
            "evidence_url": url,
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
            checked.warnings.append(
                _(
                    "%(count)s rows have appraised points that differ from the "
                    "self-assessment without an appraisal_reason"
                )
                % {"count": missing_reason}
            )
        return rows


class SurveyResource(_ScoreResource):
    kind = "survey"
    method = Criterion.Method.SURVEY
    required = ("year", "level", "unit", "criterion", "points")
    optional = ("respondents",)
    audited = ("survey_points",)

    survey_points = fields.Field(
        attribute="survey_points", column_name="survey_points", widget=widgets.DecimalWidget()
    )

    class Meta(ImportOptions):
        model = Score
        fields = ("participant_id", "criterion_id", "survey_points", "respondents")
        import_id_fields = ("participant_id", "criterion_id")
        use_bulk = True

    def check_row(self, row: Row) -> dict[str, Any]:
        participant, criterion = self.participant_and_leaf(row)
        maximum = criterion.max_points if criterion else None
        return {
            "participant_id": participant.pk if participant else None,
            "criterion_id": criterion.pk if criterion else None,
            "survey_points": self.cell(self.points, row, "points", maximum=maximum, required=True),
            "respondents": self.cell(self.whole_number, row, "respondents"),
        }

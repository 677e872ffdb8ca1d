"""The `published` kind: historical results without leaf scores (summary-only editions)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from import_export import fields

from scoring.models import Edition, Participant, SummaryScore
from scoring.resources.base import (
    Checked,
    FileResource,
    ImportOptions,
    RowProblem,
    participants_by_unit,
)
from scoring.tabular import Row


class PublishedResource(FileResource):
    kind = "published"
    field_columns = tuple(f"field_{n}" for n in range(1, 9))
    required = ("year", "level", "unit", "index")
    optional = ("rank", "ranked", "appraised_points", "survey_points", *field_columns)

    participant_id = fields.Field(attribute="participant_id", column_name="participant_id")
    field_indices = fields.Field(attribute="field_indices", column_name="field_indices")

    class Meta(ImportOptions):
        model = SummaryScore
        fields = (
            "participant_id",
            "index",
            "rank",
            "appraised_points",
            "survey_points",
            "field_indices",
        )
        import_id_fields = ("participant_id",)

    def check_row(self, row: Row) -> dict[str, Any]:
        year, level = self.year(row), self.level(row)
        edition = self.edition(row)
        if edition is not None and not edition.summary_only:
            raise RowProblem(
                "year",
                _(
                    # Translators: %(level)s is province or ministry, as written in the file.
                    "the %(year)s %(level)s edition has a criteria tree; its results are "
                    "computed from its scores, not imported"
                )
                % {"year": year, "level": level},
                per_edition=True,
            )
        hundred = Decimal("100")
        unit = self.cell(self.unit, row)
        index = self.cell(self.points, row, "index", maximum=hundred, required=True)
        rank = self.cell(self.whole_number, row, "rank")
        if rank == 0:
            self.note(RowProblem("rank", _("a rank starts at 1")))
        indices = {}
        for column in self.field_columns:
            value = self.cell(self.points, row, column, maximum=hundred)
            if value is not None:
                indices[column.removeprefix("field_")] = str(value)
        return {
            "year": year,
            "level": level,
            "unit": unit,
            "index": index,
            "rank": rank,
            "ranked": self.cell(self.yes_no, row, "ranked", default=True),
            "appraised_points": self.cell(self.points, row, "appraised_points"),
            "survey_points": self.cell(self.points, row, "survey_points"),
            "field_indices": indices,
        }

    def check_file(self, checked: Checked) -> None:
        for clean in checked.rows:
            clean["unit_id"] = clean["unit"].pk
        self._duplicates(checked, ("year", "level", "unit_id"), "unit", _("this unit"))

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        rows = []
        for year, level in sorted({(r["year"], r["level"]) for r in checked.rows}):
            edition = self._editions.get((year, level))
            if edition is None:
                edition = Edition.objects.create(
                    year=year, level=level, summary_only=True, status=Edition.Status.REVIEW
                )
                checked.notes.append(
                    _("created the summary-only %(year)s %(level)s edition")
                    % {"year": year, "level": level}
                )
            participants = participants_by_unit(edition)
            for clean in (r for r in checked.rows if (r["year"], r["level"]) == (year, level)):
                participant = participants.get(clean["unit_id"])
                if participant is None:
                    participant = Participant.objects.create(
                        edition=edition, unit=clean["unit"], ranked=clean["ranked"]
                    )
                elif participant.ranked != clean["ranked"]:
                    participant.ranked = clean["ranked"]
                    participant.save(update_fields=["ranked"])
                rows.append(
                    {
                        "participant_id": participant.pk,
                        **{
                            k: clean[k]
                            for k in (
                                "index",
                                "rank",
                                "appraised_points",
                                "survey_points",
                                "field_indices",
                            )
                        },
                    }
                )
        self._existing = {
            s.participant_id: s
            for s in SummaryScore.objects.filter(
                participant_id__in=[row["participant_id"] for row in rows]
            )
        }
        return rows

    def get_instance(self, instance_loader, row):
        return self._existing.get(row["participant_id"])

"""The `published` kind: historical results without leaf scores (summary-only editions),
written by scoring.summaries.set_published_results."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop
from import_export import fields

from scoring.editions import Change, Written
from scoring.models import SummaryScore
from scoring.points import KEEP
from scoring.problems import Message, register
from scoring.resources.base import Checked, FileResource, ImportOptions, RowProblem
from scoring.summaries import PublishedResult, set_published_results
from scoring.tabular import Row

# Ranks and unit counts are stored as 16-bit integers.
RANK_LIMIT = 32767
HUNDRED = Decimal("100")

register(
    rank_from_one=gettext_noop("a rank starts at 1"),
    summary_edition_created=gettext_noop("created the summary-only %(year)s %(level)s edition"),
    # Translators: %(column)s is ranked_total or average; %(first)s a row number.
    edition_value_differs=gettext_noop(
        "%(column)s is the same for the whole edition: %(value)s here, %(other)s on row %(first)s"
    ),
    rank_beyond_total=gettext_noop(
        "rank %(rank)s is beyond the %(total)s units ranked (ranked_total)"
    ),
    more_ranked_than_total=gettext_noop(
        "the file ranks %(count)s units but ranked_total says %(total)s were ranked"
    ),
)


class PublishedResource(FileResource):
    kind = "published"
    change = Change.PUBLISHED_RESULTS
    field_columns = tuple(f"field_{n}" for n in range(1, 9))
    required = ("year", "level", "unit", "index")
    optional = (
        "rank",
        "ranked",
        "appraised_points",
        "survey_points",
        *field_columns,
        "ranked_total",
        "average",
    )

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
        self.edition(row)
        unit = self.cell(self.unit, row)
        index = self.cell(self.points, row, "index", maximum=HUNDRED, required=True)
        rank = self.cell(self.whole_number, row, "rank", limit=RANK_LIMIT)
        if rank == 0:
            raise RowProblem("rank", Message("rank_from_one"))
        indices = {}
        for column in self.field_columns:
            value = self.cell(self.points, row, column, maximum=HUNDRED)
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
            "ranked_total": self.cell(self.whole_number, row, "ranked_total", limit=RANK_LIMIT),
            "average": self.cell(self.points, row, "average", maximum=HUNDRED),
        }

    def by_edition(self, checked: Checked) -> dict[tuple[int, str], list[dict]]:
        rows = defaultdict(list)
        for clean in checked.rows:
            rows[(clean["year"], clean["level"])].append(clean)
        return rows

    def check_file(self, checked: Checked) -> None:
        for clean in checked.rows:
            clean["unit_id"] = clean["unit"].pk
        self.duplicates(checked, ("year", "level", "unit_id"), "unit", "this_unit")
        for rows in self.by_edition(checked).values():
            for column in ("ranked_total", "average"):
                self._same_on_every_row(checked, rows, column)
            total = next((r["ranked_total"] for r in rows if r["ranked_total"] is not None), None)
            if total is None:
                continue
            for row in rows:
                if row["rank"] is not None and row["rank"] > total:
                    params = {"rank": row["rank"], "total": total}
                    checked.problems.add(
                        Message("rank_beyond_total", params).at(row["_row"], "rank")
                    )
            ranked = [row for row in rows if row["ranked"]]
            if len(ranked) > total:
                params = {"count": len(ranked), "total": total}
                message = Message("more_ranked_than_total", params)
                checked.problems.add(message.at(ranked[total]["_row"], "ranked_total"))

    @staticmethod
    def _same_on_every_row(checked: Checked, rows: list[dict], column: str) -> None:
        """An edition-level column may be blank on some rows, but never say two things."""
        first = next((row for row in rows if row[column] is not None), None)
        for row in rows:
            if row[column] is not None and row[column] != first[column]:
                params = {
                    "column": column,
                    "value": row[column],
                    "other": first[column],
                    "first": first["_row"],
                }
                message = Message("edition_value_differs", params)
                checked.problems.add(message.at(row["_row"], column))

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        self._existing = {
            (s.participant.edition.year, s.participant.edition.level, s.participant.unit_id): s
            for s in SummaryScore.objects.filter(
                participant__edition__year__in={r["year"] for r in checked.rows},
                participant__unit_id__in={r["unit_id"] for r in checked.rows},
            ).select_related("participant__edition", "participant__unit")
        }
        columns = ("index", "rank", "appraised_points", "survey_points", "field_indices")
        return [
            {
                "_key": (row["year"], row["level"], row["unit_id"]),
                "participant_id": getattr(
                    self._existing.get((row["year"], row["level"], row["unit_id"])),
                    "participant_id",
                    None,
                ),
                **{column: row[column] for column in columns},
            }
            for row in checked.rows
        ]

    def get_instance(self, instance_loader, row):
        return self._existing.get(row["_key"])

    def write(self, checked: Checked) -> Written:
        written = Written()
        for (year, level), rows in self.by_edition(checked).items():
            entries = [
                PublishedResult(
                    unit=row["unit"],
                    index=row["index"],
                    rank=row["rank"],
                    ranked=row["ranked"],
                    appraised_points=row["appraised_points"],
                    survey_points=row["survey_points"],
                    field_indices=row["field_indices"],
                )
                for row in rows
            ]
            edition, outcome, is_new = set_published_results(
                year,
                level,
                entries,
                ranked_total=_edition_value(rows, "ranked_total"),
                average=_edition_value(rows, "average"),
                user=self.user,
                source=self.source,
            )
            written |= outcome
            if is_new:
                params = {"year": year, "level": level}
                checked.notes.append(Message("summary_edition_created", params))
        return written


def _edition_value(rows: list[dict], column: str):
    """The edition-level value the file gives, or KEEP where every row leaves it blank."""
    return next((row[column] for row in rows if row[column] is not None), KEEP)

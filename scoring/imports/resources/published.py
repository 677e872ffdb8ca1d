"""The `published` kind: historical results without leaf scores (summary-only editions),
written by scoring.summaries.set_published_results. A row gives an index, a rank or both, as
they were published, and where they were read (`source`); the files of the public record
(fixtures/public_record/par_*.csv) are read under their own column names."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop
from import_export import fields

from files.problems import Message, register
from files.tabular import Row
from scoring.editions import Change, Written
from scoring.imports.resources.base import Checked, FileResource, ImportOptions, RowProblem
from scoring.models import SummaryScore
from scoring.points import KEEP
from scoring.sources import source_problem
from scoring.summaries import PublishedResult, differences, set_published_results

# Ranks and unit counts are stored as 16-bit integers.
RANK_LIMIT = 32767
HUNDRED = Decimal("100")
INDEX_PLACES = 4
INDEX_QUANTUM = Decimal("0.0001")

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
    index_too_many_decimals=gettext_noop(
        '"%(text)s" has more than 4 decimals (an index is kept as published, to 4 at most)'
    ),
    index_or_rank=gettext_noop("an index or a rank is required (either may be blank, not both)"),
    published_edition_differs=gettext_noop(
        "the %(year)s %(level)s edition is published and this row would change it "
        "(a correction reopens it first)"
    ),
)


class SourceColumn:
    """The `source` column shared by the kinds of the public record: optional, but where a file
    has it, every row must say where its figures were read (scoring.sources)."""

    def source_cell(self, row: Row) -> str:
        if "source" not in row.values:
            return ""
        value = row.values["source"].strip()
        problem = source_problem(value)
        if problem is not None:
            raise RowProblem("source", problem)
        return value


class PublishedResource(SourceColumn, FileResource):
    kind = "published"
    change = Change.PUBLISHED_RESULTS
    field_columns = tuple(f"field_{n}" for n in range(1, 9))
    required = ("year", "level", "unit", "index")
    aliases = {"unit_code": "unit", "par_index_pct": "index", "rank_of": "ranked_total"}
    repeats_published = True
    optional = (
        "unit_name_vi",
        "source",
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
            "source",
        )
        import_id_fields = ("participant_id",)

    def check_row(self, row: Row) -> dict[str, Any]:
        year, level = self.year(row), self.level(row)
        self.edition(row)
        unit = self.cell(self.unit, row)
        index = self.cell(self.published_index, row, "index")
        rank = self.cell(self.whole_number, row, "rank", limit=RANK_LIMIT)
        if rank == 0:
            raise RowProblem("rank", Message("rank_from_one"))
        if row.values.get("index", "") == "" and row.values.get("rank", "") == "":
            raise RowProblem("index", Message("index_or_rank"))
        source = self.cell(self.source_cell, row)
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
            "source": source,
            "ranked_total": self.cell(self.whole_number, row, "ranked_total", limit=RANK_LIMIT),
            "average": self.cell(self.points, row, "average", maximum=HUNDRED),
        }

    def published_index(self, row: Row, column: str) -> Decimal | None:
        """An index as it was published: 0 to 100, with up to 4 decimals (a few were printed
        with more than the 2 the portal shows)."""
        value = self.number(row, column)
        if value is None:
            return None
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -INDEX_PLACES:
            raise RowProblem(
                column, Message("index_too_many_decimals", {"text": row.values[column]})
            )
        text = row.values[column]
        if value < 0:
            raise RowProblem(column, Message("below_zero", {"text": text}))
        if value > HUNDRED:
            raise RowProblem(column, Message("above_maximum", {"text": text, "maximum": HUNDRED}))
        return value.quantize(INDEX_QUANTUM)

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
        if not checked.problems:
            self._check_published(checked)

    def _check_published(self, checked: Checked) -> None:
        """A published edition takes only rows that repeat what it holds."""
        for (year, level), rows in self.by_edition(checked).items():
            edition = self._editions.get((year, level))
            if edition is None or not edition.is_published:
                continue
            changed, edition_changed = differences(
                edition,
                _entries(rows),
                ranked_total=_edition_value(rows, "ranked_total"),
                average=_edition_value(rows, "average"),
            )
            message = Message("published_edition_differs", {"year": year, "level": level})
            differing = [row for row in rows if row["unit_id"] in changed]
            if edition_changed and not differing:
                differing = rows[:1]
            for row in differing:
                checked.problems.add(message.at(row["_row"], "year"))

    @staticmethod
    def _same_on_every_row(checked: Checked, rows: list[dict], column: str) -> None:
        """An edition-level column may be blank on some rows, but never say two things."""
        first = next((row for row in rows if row[column] is not None), None)
        if first is None:
            return
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
        columns = ("index", "rank", "appraised_points", "survey_points", "field_indices", "source")
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
            edition, outcome, is_new = set_published_results(
                year,
                level,
                _entries(rows),
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


def _entries(rows: list[dict]) -> list[PublishedResult]:
    return [
        PublishedResult(
            unit=row["unit"],
            index=row["index"],
            rank=row["rank"],
            ranked=row["ranked"],
            appraised_points=row["appraised_points"],
            survey_points=row["survey_points"],
            field_indices=row["field_indices"],
            source=row["source"],
        )
        for row in rows
    ]


def _edition_value(rows: list[dict], column: str):
    """The edition-level value the file gives, or KEEP where every row leaves it blank."""
    return next((row[column] for row in rows if row[column] is not None), KEEP)

"""The summary kinds of the public record beside `published`: `averages` (national and regional
averages as published) and `field_figures` (a unit's figure on one field as a page gave it),
written by scoring.summaries. Both go into a summary-only edition (created, as `published`
creates it, when the year and level have none yet), never a full one, and each row says where it
was read."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_noop

from files.problems import Message, register
from files.tabular import Row
from provinces.models import Level, Region
from provinces.names import normalize
from scoring.editions import Change, Written
from scoring.imports.resources.base import Checked, FileResource, ImportOptions, RowProblem
from scoring.imports.resources.published import HUNDRED, SourceColumn
from scoring.models import Average, Edition, FieldFigure
from scoring.summaries import (
    PrintedAverage,
    PrintedFieldFigure,
    set_field_figures,
    set_published_averages,
    summary_edition,
)

NATIONAL = "national"
FIELD_LIMIT = 300

register(
    # Translators: keep "national" untranslated: it is the value a file holds.
    unknown_scope=gettext_noop(
        '"%(text)s" is neither national nor a region (expected national or one of: %(regions)s)'
    ),
    ministry_scope_national=gettext_noop("ministries have only a national average"),
    this_scope=gettext_noop("this scope"),
    this_unit_and_field=gettext_noop("this unit and field"),
    field_name_required=gettext_noop("the field's name is required"),
)


class _RecordResource(SourceColumn, FileResource):
    change = Change.PUBLISHED_RESULTS
    repeats_published = True

    class Meta(ImportOptions):
        fields = ()

    def by_edition(self, checked: Checked) -> dict[tuple[int, str], list[dict]]:
        rows = defaultdict(list)
        for clean in checked.rows:
            rows[(clean["year"], clean["level"])].append(clean)
        return rows

    def edition_of(self, row: Row) -> dict[str, Any]:
        """The row's year, level and edition (None while the year and level have none)."""
        return {"year": self.year(row), "level": self.level(row), "edition": self.edition(row)}

    def target(self, rows: list[dict], checked: Checked) -> Edition:
        """The rows' edition, the summary-only one created for them if there was none."""
        edition: Edition | None = rows[0]["edition"]
        if edition is not None:
            return edition
        year, level = rows[0]["year"], rows[0]["level"]
        edition, is_new = summary_edition(year, level, user=self.user, source=self.source)
        if is_new:
            checked.notes.append(Message("summary_edition_created", {"year": year, "level": level}))
        return edition

    def published_changes(self, checked: Checked, same) -> None:
        """A row that would change a published edition is refused at its row."""
        for clean in checked.rows:
            edition = clean["edition"]
            if edition is not None and edition.is_published and not same(clean):
                params = {"year": edition.year, "level": edition.level}
                message = Message("published_edition_differs", params)
                checked.problems.add(message.at(clean["_row"], "year"))

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        # import-export diffs nothing here: the writer reports created / updated / unchanged.
        return []

    def get_instance(self, instance_loader, row):
        return None


class AveragesResource(_RecordResource):
    kind = "averages"
    required = ("year", "level", "scope", "average", "source")
    aliases = {"average_pct": "average"}

    class Meta(_RecordResource.Meta):
        model = Average

    def check_row(self, row: Row) -> dict[str, Any]:
        where = self.edition_of(row)
        scope = self.cell(self.scope, row)
        value = self.cell(self.points, row, "average", maximum=HUNDRED, required=True)
        source = self.cell(self.source_cell, row)
        if scope and where["level"] == Level.MINISTRY:
            raise RowProblem("scope", Message("ministry_scope_national"))
        return {**where, "scope": scope, "value": value, "source": source}

    def scope(self, row: Row) -> str:
        """ "" for the national average, else the region's code (its code or Vietnamese name)."""
        text = row.values.get("scope", "")
        if normalize(text) == NATIONAL:
            return ""
        if not hasattr(self, "_regions"):
            self._regions = {}
            for region in Region.objects.all():
                self._regions[normalize(region.code)] = region.code
                self._regions[normalize(region.name_vi)] = region.code
                self._regions[normalize(region.name_en)] = region.code
        code = self._regions.get(normalize(text))
        if code is None:
            names = ", ".join(sorted({r.name_vi for r in Region.objects.all()}))
            raise RowProblem("scope", Message("unknown_scope", {"text": text, "regions": names}))
        return code

    def check_file(self, checked: Checked) -> None:
        for clean in checked.rows:
            clean["edition_id"] = getattr(clean["edition"], "pk", None)
        self.duplicates(checked, ("year", "level", "scope"), "scope", "this_scope")
        if checked.problems:
            return
        stored = {
            (a.edition_id, a.region_code): (a.published, a.value, a.source)
            for a in Average.objects.filter(
                edition_id__in={c["edition_id"] for c in checked.rows}, field_code=""
            )
        }
        self.published_changes(
            checked,
            lambda c: stored.get((c["edition_id"], c["scope"])) == (True, c["value"], c["source"]),
        )

    def write(self, checked: Checked) -> Written:
        written = Written()
        for rows in self.by_edition(checked).values():
            entries = [PrintedAverage(row["scope"], row["value"], row["source"]) for row in rows]
            written |= set_published_averages(
                self.target(rows, checked), entries, user=self.user, source=self.source
            )
        return written


class FieldFiguresResource(_RecordResource):
    kind = "field_figures"
    required = ("year", "level", "unit", "field", "source")
    optional = ("index",)
    aliases = {"unit_code": "unit", "index_pct": "index"}

    class Meta(_RecordResource.Meta):
        model = FieldFigure

    def check_row(self, row: Row) -> dict[str, Any]:
        where = self.edition_of(row)
        unit = self.cell(self.unit, row)
        name = self.cell(self.text, row, "field", FIELD_LIMIT)
        if name is not None and not name.strip():
            self.note("field", Message("field_name_required"))
        index = self.cell(self.points, row, "index", maximum=HUNDRED)
        source = self.cell(self.source_cell, row)
        return {
            **where,
            "unit": unit,
            "field": (name or "").strip(),
            "index": index,
            "source": source,
        }

    def check_file(self, checked: Checked) -> None:
        for clean in checked.rows:
            clean["edition_id"] = getattr(clean["edition"], "pk", None)
            clean["unit_id"] = clean["unit"].pk
        self.duplicates(
            checked, ("year", "level", "unit_id", "field"), "field", "this_unit_and_field"
        )
        if checked.problems:
            return
        stored = {
            (f.edition_id, f.unit_id, f.field): (f.index, f.source)
            for f in FieldFigure.objects.filter(
                edition_id__in={c["edition_id"] for c in checked.rows}
            )
        }
        self.published_changes(
            checked,
            lambda c: (
                stored.get((c["edition_id"], c["unit_id"], c["field"])) == (c["index"], c["source"])
            ),
        )

    def write(self, checked: Checked) -> Written:
        written = Written()
        for rows in self.by_edition(checked).values():
            entries = [
                PrintedFieldFigure(row["unit"], row["field"], row["index"], row["source"])
                for row in rows
            ]
            written |= set_field_figures(
                self.target(rows, checked), entries, user=self.user, source=self.source
            )
        return written

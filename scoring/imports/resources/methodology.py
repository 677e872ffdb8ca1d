"""The `methodology` kind: an edition's criteria tree, one node a row, written by
scoring.methodology.import_methodology."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_noop
from import_export import fields

from files.problems import Message, register
from files.tabular import Row
from provinces.names import normalize
from scoring.editions import Change, Written
from scoring.imports.resources.base import Checked, FileResource, ImportOptions
from scoring.methodology import NAME_LIMIT, CriterionSpec, import_methodology, methodology_findings
from scoring.models import Criterion
from scoring.tree import code_problem, parent_code

register(
    name_vi_required=gettext_noop("the Vietnamese name is required"),
    edition_created=gettext_noop(
        "created the %(year)s %(level)s edition with %(count)s participants"
    ),
)


class MethodologyResource(FileResource):
    kind = "methodology"
    change = Change.METHODOLOGY
    required = ("year", "level", "code", "name_vi", "max_points")
    optional = ("name_en", "method", "description_vi", "description_en")

    edition_id = fields.Field(attribute="edition_id", column_name="edition_id")
    parent_code = fields.Field(column_name="parent_code")

    class Meta(ImportOptions):
        model = Criterion
        fields = (
            "edition_id",
            "parent_code",
            "code",
            "name_vi",
            "name_en",
            "max_points",
            "method",
            "description_vi",
            "description_en",
        )
        import_id_fields = ("edition_id", "code")

    def check_row(self, row: Row) -> dict[str, Any]:
        year, level = self.cell(self.year, row), self.cell(self.level, row)
        if year and level:
            self.edition(row)
        code = row.values["code"].strip()
        self.note("code", code_problem(code))
        if not row.values["name_vi"]:
            self.note("name_vi", Message("name_vi_required"))
        method = normalize(row.values.get("method", ""))
        if method not in {"", "self", "survey"}:
            self.note("method", Message("bad_method", {"method": row.values["method"]}))
        return {
            "year": year,
            "level": level,
            "code": code,
            "name_vi": self.cell(self.text, row, "name_vi", NAME_LIMIT),
            "name_en": self.cell(self.text, row, "name_en", NAME_LIMIT),
            "max_points": self.cell(self.points, row, "max_points", required=True),
            "method": method,
            "description_vi": self.cell(self.text, row, "description_vi"),
            "description_en": self.cell(self.text, row, "description_en"),
        }

    def specs(self, checked: Checked) -> dict[tuple[int, str], list[CriterionSpec]]:
        specs = defaultdict(list)
        for row in checked.rows:
            values = {k: v for k, v in row.items() if k not in {"year", "level", "_row"}}
            specs[(row["year"], row["level"])].append(CriterionSpec(**values))
        return specs

    def check_file(self, checked: Checked) -> None:
        self.duplicates(checked, ("year", "level", "code"), "code", "this_code")
        if checked.problems:
            return
        rows = {(r["year"], r["level"], r["code"]): r["_row"] for r in checked.rows}
        for (year, level), specs in self.specs(checked).items():
            edition = self._editions.get((year, level))
            for finding in methodology_findings(edition, specs):
                # Blame the node's row, else the first row of a child the file brings.
                row = rows.get((year, level, finding.code)) or min(
                    number
                    for (y, lv, code), number in rows.items()
                    if (y, lv) == (year, level) and parent_code(code) == finding.code
                )
                checked.problems.add(finding.message.at(row, finding.column))

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        self._nodes: dict[tuple[int, str], Criterion] = {}
        for (_year, _level), edition in self._editions.items():
            if edition is not None:
                for node in edition.criteria.all():
                    self._nodes[(edition.pk, node.code)] = node
        rows = []
        for clean in sorted(checked.rows, key=lambda r: Criterion.sort_key_for(r["code"])):
            edition = self._editions.get((clean["year"], clean["level"]))
            rows.append(
                {
                    **clean,
                    "edition_id": edition.pk if edition else None,
                    "parent_code": parent_code(clean["code"]),
                }
            )
        return rows

    def get_instance(self, instance_loader, row):
        return self._nodes.get((row["edition_id"], row["code"]))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        parent = self._nodes.get((row["edition_id"], row["parent_code"]))
        instance.parent_id = parent.pk if parent else None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and original.parent_id != instance.parent_id:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def write(self, checked: Checked) -> Written:
        written = Written()
        for (year, level), specs in self.specs(checked).items():
            edition, outcome, is_new = import_methodology(
                year, level, specs, user=self.user, source=self.source
            )
            written |= outcome
            if is_new:
                params = {"year": year, "level": level, "count": edition.participants.count()}
                checked.notes.append(Message("edition_created", params))
        return written

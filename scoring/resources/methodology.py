"""The `methodology` kind: an edition's criteria tree, one node a row."""

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from import_export import fields

from provinces.models import Unit
from provinces.names import normalize
from scoring.models import Criterion, Edition, Participant
from scoring.resources.base import Checked, FileResource, ImportOptions, RowProblem, row_column
from scoring.tabular import Row

_CODE = re.compile(r"^\d+(\.\d+)*$")


class MethodologyResource(FileResource):
    kind = "methodology"
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
            edition = self.edition(row)
            if edition is not None and edition.summary_only:
                raise RowProblem(
                    "year",
                    # Translators: %(level)s is province or ministry, as written in the file.
                    _("the %(year)s %(level)s edition holds summary results only, without a tree")
                    % {"year": year, "level": level},
                    per_edition=True,
                )
        code = row.values["code"].strip()
        if not _CODE.fullmatch(code):
            self.note(
                RowProblem(
                    "code",
                    _('"%(code)s" is not a dotted code (expected e.g. 1, 1.2, 1.2.3)')
                    % {"code": code},
                )
            )
        if not row.values["name_vi"]:
            self.note(RowProblem("name_vi", _("the Vietnamese name is required")))
        method = normalize(row.values.get("method", ""))
        if method not in {"", "self", "survey"}:
            # Translators: self and survey are the methods a file may hold; keep them as written.
            problem = _('"%(method)s" is not self or survey') % {"method": row.values["method"]}
            self.note(RowProblem("method", problem))
        return {
            "year": year,
            "level": level,
            "code": code,
            "name_vi": row.values["name_vi"],
            "name_en": row.values.get("name_en", ""),
            "max_points": self.cell(self.points, row, "max_points", required=True),
            "method": method,
            "description_vi": row.values.get("description_vi", ""),
            "description_en": row.values.get("description_en", ""),
        }

    def check_file(self, checked: Checked) -> None:
        self._duplicates(checked, ("year", "level", "code"), "code", _("this code"))
        if checked.problems:
            return
        trees: dict[tuple[int, str], dict[str, dict]] = defaultdict(dict)
        for (year, level), edition in self._editions.items():
            if edition is not None:
                for node in edition.criteria.values("code", "max_points", "method"):
                    trees[(year, level)][node["code"]] = {**node, "_row": None}
        for clean in checked.rows:
            trees[(clean["year"], clean["level"])][clean["code"]] = clean
        for tree in trees.values():
            self._check_tree(tree, checked.problems)

    @staticmethod
    def _check_tree(tree: dict[str, dict], problems: list[str]) -> None:
        children: dict[str, list[dict]] = defaultdict(list)
        for code, node in tree.items():
            if "." in code:
                parent = code.rsplit(".", 1)[0]
                if parent not in tree:
                    if node["_row"]:
                        problem = _(
                            "%(code)s has no parent %(parent)s in the file or the edition"
                        ) % {"code": code, "parent": parent}
                        problems.append(row_column(node["_row"], "code", problem))
                    continue
                children[parent].append(node)
        for code, node in sorted(tree.items(), key=lambda item: item[1]["_row"] or 0):
            kids = children.get(code)
            # Blame the parent's row, else the first child the file brings; a part of the tree
            # the file does not touch was checked when it was imported.
            where = node["_row"] or min((k["_row"] for k in kids or [] if k["_row"]), default=None)
            if not where:
                continue
            if kids:
                total = sum((kid["max_points"] for kid in kids), Decimal("0"))
                if total != node["max_points"]:
                    parts = " + ".join(f"{kid['code']}: {kid['max_points']}" for kid in kids)
                    problem = _(
                        # Translators: %(parts)s lists the children, e.g. "1.1: 8 + 1.2: 4".
                        "the maximum of %(code)s is %(maximum)s but its children add up to "
                        "%(total)s (%(parts)s)"
                    ) % {
                        "code": code,
                        "maximum": node["max_points"],
                        "total": total,
                        "parts": parts,
                    }
                    problems.append(row_column(where, "max_points", problem))
                if node["method"] and node["_row"]:
                    problem = _(
                        "%(code)s has sub-criteria, so it takes no method "
                        "(only leaves are self or survey)"
                    ) % {"code": code}
                    problems.append(row_column(where, "method", problem))
            elif not node["method"] and node["_row"]:
                problem = _("%(code)s is a leaf and needs a method (self or survey)") % {
                    "code": code
                }
                problems.append(row_column(where, "method", problem))

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        self._nodes: dict[tuple[int, str], Criterion] = {}
        for year, level in {(r["year"], r["level"]) for r in checked.rows}:
            edition = self._editions.get((year, level))
            if edition is None:
                edition = create_edition(year, level)
                checked.notes.append(
                    _("created the %(year)s %(level)s edition with %(count)s participants")
                    % {"year": year, "level": level, "count": edition.participants.count()}
                )
                self._editions[(year, level)] = edition
            for node in edition.criteria.all():
                self._nodes[(edition.pk, node.code)] = node
        rows = []
        for clean in sorted(checked.rows, key=lambda r: r["code"].count(".")):
            edition = self._editions[(clean["year"], clean["level"])]
            parent = clean["code"].rsplit(".", 1)[0] if "." in clean["code"] else ""
            rows.append({**clean, "edition_id": edition.pk, "parent_code": parent})
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

    def after_save_instance(self, instance, row, **kwargs):
        self._nodes[(instance.edition_id, instance.code)] = instance


def create_edition(year: int, level: str, **extra) -> Edition:
    """A new edition with every unit of the level that existed in that year as a participant
    (the default of docs/formats.md; a participants file changes it)."""
    edition = Edition.objects.create(year=year, level=level, **extra)
    Participant.objects.bulk_create(
        Participant(edition=edition, unit=unit)
        for unit in Unit.objects.filter(level=level).of_year(year)
    )
    return edition

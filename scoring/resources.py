"""django-import-export Resources for the file kinds of docs/formats.md.

Each Resource validates the **whole** file in `check()` before anything is written: every problem
becomes one `row N, column C: ...` line. Only a clean file reaches `import_data`, which then
writes in one transaction through import-export's row machinery (skip_unchanged gives the
created / updated / unchanged counts and makes a re-import a no-op). The admin reuses the same
Resources, so the web import shows the same messages.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count
from import_export import fields, resources, widgets

from provinces.models import Level, Unit
from provinces.names import UnitNotFound, UnitResolver, normalize
from scoring.models import Criterion, Edition, Participant, Score, ScoreChange, SummaryScore
from scoring.tabular import Row, Table, decimal_places, parse_decimal


class ImportRefused(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class RowProblem(ValueError):
    """One cell is wrong: the message says what and what was expected."""

    def __init__(self, column: str, message: str, *, per_edition: bool = False):
        super().__init__(message)
        self.column = column
        # A problem of the whole edition (published, missing) is reported on its first row only.
        self.per_edition = per_edition


_LEVELS = {
    "province": Level.PROVINCE,
    "provinces": Level.PROVINCE,
    "tinh": Level.PROVINCE,
    "ministry": Level.MINISTRY,
    "ministries": Level.MINISTRY,
    "bo": Level.MINISTRY,
}
_YES = {"yes", "y", "true", "1", "co", "x"}
_NO = {"no", "n", "false", "0", "khong"}
_CODE = re.compile(r"^\d+(\.\d+)*$")


@dataclass
class Checked:
    """The outcome of validating a file: problems, warnings and the clean rows to write."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


class FileResource(resources.ModelResource):
    """Shared validation of one file kind; subclasses say what a row means."""

    kind = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def __init__(self, *, user=None, source: str = ""):
        super().__init__()
        self.user = user
        self.source = source
        self.checked: Checked | None = None
        self._resolvers: dict[tuple[str, int], UnitResolver] = {}
        self._editions: dict[tuple[int, str], Edition | None] = {}

    # -- whole-file validation -------------------------------------------------------------

    def check(self, table: Table) -> Checked:
        checked = Checked()
        known = set(self.required) | set(self.optional)
        missing = [column for column in self.required if column not in table.headers]
        if missing:
            checked.problems.append(
                f"row 1, column {missing[0]}: required column missing "
                f"(missing: {', '.join(missing)}; a {self.kind} file needs "
                f"{', '.join(self.required)})"
            )
            self.checked = checked
            return checked
        for header in table.headers:
            if header and header not in known:
                checked.warnings.append(
                    f'column "{header}" is not part of the {self.kind} format and was ignored'
                )
        if not table.rows:
            checked.problems.append("row 2: the file has a header but no data rows")
        edition_problems: set[str] = set()
        for row in table.rows:
            for column in sorted(row.formula_without_value & known):
                checked.problems.append(
                    f"row {row.number}, column {column}: a formula without a saved value "
                    "(open the file in Excel, save it, and import again)"
                )
            if row.formula_without_value & known:
                continue
            try:
                clean = self.check_row(row)
            except RowProblem as problem:
                if problem.per_edition and str(problem) in edition_problems:
                    continue
                if problem.per_edition:
                    edition_problems.add(str(problem))
                checked.problems.append(f"row {row.number}, column {problem.column}: {problem}")
                continue
            clean["_row"] = row.number
            checked.rows.append(clean)
        self.check_file(checked)
        self.checked = checked
        return checked

    def check_row(self, row: Row) -> dict[str, Any]:
        raise NotImplementedError

    def check_file(self, checked: Checked) -> None:
        """Rules that span the valid rows (duplicates, tree sums): append to checked.problems."""

    def _duplicates(self, checked: Checked, key_names: tuple[str, ...], column: str, what: str):
        seen: dict[tuple, int] = {}
        for clean in checked.rows:
            key = tuple(clean[name] for name in key_names)
            if key in seen:
                checked.problems.append(
                    f"row {clean['_row']}, column {column}: {what} appears twice "
                    f"(first on row {seen[key]})"
                )
            else:
                seen[key] = clean["_row"]

    # -- cell parsers ----------------------------------------------------------------------

    @staticmethod
    def year(row: Row) -> int:
        text = row.values.get("year", "")
        if not re.fullmatch(r"\d{4}(\.0)?", text) or not 2000 <= int(float(text)) <= 2100:
            raise RowProblem("year", f'"{text}" is not a year (expected e.g. 2019)')
        return int(float(text))

    @staticmethod
    def level(row: Row) -> str:
        text = row.values.get("level", "")
        level = _LEVELS.get(normalize(text))
        if level is None:
            raise RowProblem("level", f'"{text}" is not a level (expected province or ministry)')
        return level

    @staticmethod
    def points(
        row: Row, column: str, *, maximum: Decimal | None = None, required: bool = False
    ) -> Decimal | None:
        text = row.values.get(column, "")
        if text == "":
            if required:
                raise RowProblem(column, "a number is required here")
            return None
        try:
            value = parse_decimal(text)
        except ValueError:
            raise RowProblem(column, f'"{text}" is not a number (expected e.g. 1.25)') from None
        if decimal_places(value) > 2:
            raise RowProblem(column, f"{text} has more than 2 decimals")
        if value < 0:
            raise RowProblem(column, f"{text} is below 0")
        if maximum is not None and value > maximum:
            raise RowProblem(column, f"{text} is above the maximum of {maximum}")
        return value.quantize(Decimal("0.01"))

    @staticmethod
    def whole_number(row: Row, column: str) -> int | None:
        text = row.values.get(column, "")
        if text == "":
            return None
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise RowProblem(column, f'"{text}" is not a whole number of 0 or more')
        return int(float(text))

    @staticmethod
    def yes_no(row: Row, column: str, default: bool) -> bool:
        text = normalize(row.values.get(column, ""))
        if text == "":
            return default
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise RowProblem(column, f'"{row.values[column]}" is not yes or no')

    def edition(self, row: Row, *, create_summary: bool = False) -> Edition | None:
        """The row's edition, refusing published ones. None if it does not exist yet."""
        key = (self.year(row), self.level(row))
        if key not in self._editions:
            self._editions[key] = Edition.objects.filter(year=key[0], level=key[1]).first()
        edition = self._editions[key]
        if edition is not None and edition.is_published:
            raise RowProblem(
                "year",
                f"the {key[0]} {key[1]} edition is published; a correction must reopen it "
                "before anything is imported into it",
                per_edition=True,
            )
        return edition

    def existing_edition(self, row: Row) -> Edition:
        edition = self.edition(row)
        if edition is None:
            year, level = self.year(row), self.level(row)
            raise RowProblem(
                "year",
                f"there is no {year} {level} edition (import its methodology first)",
                per_edition=True,
            )
        return edition

    def unit(self, row: Row) -> Unit:
        key = (self.level(row), self.year(row))
        if key not in self._resolvers:
            self._resolvers[key] = UnitResolver(*key)
        try:
            return self._resolvers[key].resolve(row.values.get("unit", ""))
        except UnitNotFound as error:
            raise RowProblem("unit", str(error)) from None

    # -- import-export hooks ---------------------------------------------------------------

    def before_import(self, dataset: tablib.Dataset, **kwargs) -> None:
        if self.checked is None:
            headers = [str(h or "").strip().lower() for h in dataset.headers or []]
            rows = [
                Row(
                    number,
                    {
                        h: str(v if v is not None else "").strip()
                        for h, v in zip(headers, values, strict=False)
                    },
                )
                for number, values in enumerate(dataset, start=2)
            ]
            self.check(Table(headers, rows))
        if self.checked.problems:
            dataset.wipe()  # so that import-export writes no row of a refused file
            raise ImportRefused(self.checked.problems)
        clean_rows = self.prepare(self.checked)
        columns = sorted({key for clean in clean_rows for key in clean})
        dataset.wipe()
        dataset.headers = columns
        for clean in clean_rows:
            dataset.append([clean.get(column) for column in columns])

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        """Create what rows refer to (editions, participants); return the rows to save."""
        return checked.rows


def _participants_by_unit(edition: Edition) -> dict[int, Participant]:
    participants = Participant.objects.filter(edition=edition).select_related("unit", "edition")
    return {p.unit_id: p for p in participants}


class MethodologyResource(FileResource):
    kind = "methodology"
    required = ("year", "level", "code", "name_vi", "max_points")
    optional = ("name_en", "method", "description_vi", "description_en")

    edition_id = fields.Field(attribute="edition_id", column_name="edition_id")
    parent_code = fields.Field(column_name="parent_code")

    class Meta:
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
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def check_row(self, row: Row) -> dict[str, Any]:
        year, level = self.year(row), self.level(row)
        edition = self.edition(row)
        if edition is not None and edition.summary_only:
            raise RowProblem(
                "year",
                f"the {year} {level} edition holds summary results only, without a tree",
                per_edition=True,
            )
        code = row.values["code"].strip()
        if not _CODE.fullmatch(code):
            raise RowProblem("code", f'"{code}" is not a dotted code (expected e.g. 1, 1.2, 1.2.3)')
        if not row.values["name_vi"]:
            raise RowProblem("name_vi", "the Vietnamese name is required")
        method = normalize(row.values.get("method", ""))
        if method not in {"", "self", "survey"}:
            raise RowProblem("method", f'"{row.values["method"]}" is not self or survey')
        return {
            "year": year,
            "level": level,
            "code": code,
            "name_vi": row.values["name_vi"],
            "name_en": row.values.get("name_en", ""),
            "max_points": self.points(row, "max_points", required=True),
            "method": method,
            "description_vi": row.values.get("description_vi", ""),
            "description_en": row.values.get("description_en", ""),
        }

    def check_file(self, checked: Checked) -> None:
        self._duplicates(checked, ("year", "level", "code"), "code", "this code")
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
                        problems.append(
                            f"row {node['_row']}, column code: {code} has no parent {parent} "
                            "in the file or the edition"
                        )
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
                    problems.append(
                        f"row {where}, column max_points: the maximum of {code} is "
                        f"{node['max_points']} but its children add up to {total} ({parts})"
                    )
                if node["method"] and node["_row"]:
                    problems.append(
                        f"row {where}, column method: {code} has sub-criteria, so it takes no "
                        "method (only leaves are self or survey)"
                    )
            elif not node["method"] and node["_row"]:
                problems.append(
                    f"row {where}, column method: {code} is a leaf and needs a method "
                    "(self or survey)"
                )

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        self._nodes: dict[tuple[int, str], Criterion] = {}
        for year, level in {(r["year"], r["level"]) for r in checked.rows}:
            edition = self._editions.get((year, level))
            if edition is None:
                edition = create_edition(year, level)
                checked.notes.append(
                    f"created the {year} {level} edition with "
                    f"{edition.participants.count()} participants"
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


class ParticipantResource(FileResource):
    kind = "participants"
    required = ("year", "level", "unit")
    optional = ("ranked", "note")

    edition_id = fields.Field(attribute="edition_id", column_name="edition_id")
    unit_id = fields.Field(attribute="unit_id", column_name="unit_id")

    class Meta:
        model = Participant
        fields = ("edition_id", "unit_id", "ranked", "note")
        import_id_fields = ("edition_id", "unit_id")
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def check_row(self, row: Row) -> dict[str, Any]:
        edition = self.existing_edition(row)
        unit = self.unit(row)
        return {
            "edition_id": edition.pk,
            "unit_id": unit.pk,
            "ranked": self.yes_no(row, "ranked", default=True),
            "note": row.values.get("note", ""),
        }

    def check_file(self, checked: Checked) -> None:
        """The file lists an edition's participants: units it leaves out stop taking part,
        unless they already have points, which are never dropped silently."""
        self._duplicates(checked, ("edition_id", "unit_id"), "unit", "this unit")
        listed = {(row["edition_id"], row["unit_id"]) for row in checked.rows}
        first_row = {}
        for row in checked.rows:
            first_row.setdefault(row["edition_id"], row["_row"])
        self._dropped = []
        for participant in (
            Participant.objects.filter(edition__in=first_row)
            .select_related("unit")
            .annotate(scored=Count("scores") + Count("summary"))
        ):
            if (participant.edition_id, participant.unit_id) in listed:
                continue
            if participant.scored:
                checked.problems.append(
                    f"row {first_row[participant.edition_id]}, column unit: "
                    f"{participant.unit.name_vi} ({participant.unit.code}) has points in this "
                    "edition but is missing from the file (list every participant)"
                )
            else:
                self._dropped.append(participant.pk)

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        if self._dropped:
            Participant.objects.filter(pk__in=self._dropped).delete()
            checked.notes.append(f"{len(self._dropped)} units not in the file no longer take part")
        editions = {row["edition_id"] for row in checked.rows}
        self._existing = {
            (p.edition_id, p.unit_id): p for p in Participant.objects.filter(edition__in=editions)
        }
        return checked.rows

    def get_instance(self, instance_loader, row):
        return self._existing.get((row["edition_id"], row["unit_id"]))


class _ScoreResource(FileResource):
    """Scores and survey points share their lookups: participant and leaf of the row's edition."""

    method = ""
    participant_id = fields.Field(attribute="participant_id", column_name="participant_id")
    criterion_id = fields.Field(attribute="criterion_id", column_name="criterion_id")
    audited: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._leaves: dict[int, dict[str, Criterion]] = {}
        self._parents: dict[int, set[str]] = {}
        self._participants: dict[int, dict[int, Participant]] = {}
        self._changes: list[ScoreChange] = []

    def participant_and_leaf(self, row: Row) -> tuple[Participant, Criterion]:
        edition = self.existing_edition(row)
        if edition.summary_only:
            raise RowProblem(
                "year",
                f"the {edition.year} {edition.level} edition holds summary results only",
                per_edition=True,
            )
        if edition.pk not in self._leaves:
            nodes = list(edition.criteria.all())
            self._parents[edition.pk] = {n.parent_id for n in nodes if n.parent_id}
            self._leaves[edition.pk] = {n.code: n for n in nodes}
            self._participants[edition.pk] = _participants_by_unit(edition)
        unit = self.unit(row)
        participant = self._participants[edition.pk].get(unit.pk)
        if participant is None:
            raise RowProblem(
                "unit",
                f"{unit.name_vi} ({unit.code}) does not take part in the {edition.year} "
                f"{edition.level} edition (add it with a participants file)",
            )
        code = row.values["criterion"].strip()
        criterion = self._leaves[edition.pk].get(code)
        if criterion is None:
            raise RowProblem(
                "criterion",
                f'"{code}" is not a criterion of the {edition.year} {edition.level} edition',
            )
        if criterion.pk in self._parents[edition.pk]:
            raise RowProblem("criterion", f"{code} has sub-criteria; points go on its leaves only")
        if criterion.method != self.method:
            other = "survey" if self.method == "self" else "scores"
            raise RowProblem(
                "criterion",
                f"{code} is a {criterion.method} leaf; its points come from a {other} file",
            )
        return participant, criterion

    def check_file(self, checked: Checked) -> None:
        self._duplicates(
            checked, ("participant_id", "criterion_id"), "criterion", "this unit and criterion"
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
            merged = dict(clean)
            for column in self.audited + ("appraisal_reason", "evidence_url"):
                if column in merged and merged[column] in (None, "") and current is not None:
                    merged[column] = getattr(current, column)
            rows.append(merged)
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

    class Meta:
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
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def check_row(self, row: Row) -> dict[str, Any]:
        participant, criterion = self.participant_and_leaf(row)
        maximum = criterion.max_points
        self_points = self.points(row, "self_points", maximum=maximum)
        appraised = self.points(row, "appraised_points", maximum=maximum)
        if self_points is None and appraised is None:
            raise RowProblem(
                "self_points", "no points given (expected self_points or appraised_points)"
            )
        url = row.values.get("evidence_url", "")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise RowProblem(
                    "evidence_url", f'"{url}" is not a web address (expected https://...)'
                ) from None
        return {
            "participant_id": participant.pk,
            "criterion_id": criterion.pk,
            "self_points": self_points,
            "appraised_points": appraised,
            "appraisal_reason": row.values.get("appraisal_reason", ""),
            "evidence_url": url,
        }

    def check_file(self, checked: Checked) -> None:
        super().check_file(checked)
        missing_reason = sum(
            1
            for row in checked.rows
            if row["self_points"] is not None
            and row["appraised_points"] is not None
            and row["self_points"] != row["appraised_points"]
            and not row["appraisal_reason"]
        )
        if missing_reason:
            checked.warnings.append(
                f"{missing_reason} rows have appraised points that differ from the "
                "self-assessment without an appraisal_reason"
            )


class SurveyResource(_ScoreResource):
    kind = "survey"
    method = Criterion.Method.SURVEY
    required = ("year", "level", "unit", "criterion", "points")
    optional = ("respondents",)
    audited = ("survey_points",)

    survey_points = fields.Field(
        attribute="survey_points", column_name="survey_points", widget=widgets.DecimalWidget()
    )

    class Meta:
        model = Score
        fields = ("participant_id", "criterion_id", "survey_points", "respondents")
        import_id_fields = ("participant_id", "criterion_id")
        use_bulk = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def check_row(self, row: Row) -> dict[str, Any]:
        participant, criterion = self.participant_and_leaf(row)
        return {
            "participant_id": participant.pk,
            "criterion_id": criterion.pk,
            "survey_points": self.points(
                row, "points", maximum=criterion.max_points, required=True
            ),
            "respondents": self.whole_number(row, "respondents"),
        }


class PublishedResource(FileResource):
    kind = "published"
    field_columns = tuple(f"field_{n}" for n in range(1, 9))
    required = ("year", "level", "unit", "index")
    optional = ("rank", "ranked", "appraised_points", "survey_points", *field_columns)

    participant_id = fields.Field(attribute="participant_id", column_name="participant_id")
    field_indices = fields.Field(attribute="field_indices", column_name="field_indices")

    class Meta:
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
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def check_row(self, row: Row) -> dict[str, Any]:
        year, level = self.year(row), self.level(row)
        edition = self.edition(row)
        if edition is not None and not edition.summary_only:
            raise RowProblem(
                "year",
                f"the {year} {level} edition has a criteria tree; its results are computed "
                "from its scores, not imported",
                per_edition=True,
            )
        hundred = Decimal("100")
        rank = self.whole_number(row, "rank")
        if rank == 0:
            raise RowProblem("rank", "a rank starts at 1")
        indices = {}
        for column in self.field_columns:
            value = self.points(row, column, maximum=hundred)
            if value is not None:
                indices[column.removeprefix("field_")] = str(value)
        return {
            "year": year,
            "level": level,
            "unit": self.unit(row),
            "index": self.points(row, "index", maximum=hundred, required=True),
            "rank": rank,
            "ranked": self.yes_no(row, "ranked", default=True),
            "appraised_points": self.points(row, "appraised_points"),
            "survey_points": self.points(row, "survey_points"),
            "field_indices": indices,
        }

    def check_file(self, checked: Checked) -> None:
        for clean in checked.rows:
            clean["unit_id"] = clean["unit"].pk
        self._duplicates(checked, ("year", "level", "unit_id"), "unit", "this unit")

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        rows = []
        for year, level in sorted({(r["year"], r["level"]) for r in checked.rows}):
            edition = self._editions.get((year, level))
            if edition is None:
                edition = Edition.objects.create(
                    year=year, level=level, summary_only=True, status=Edition.Status.REVIEW
                )
                checked.notes.append(f"created the summary-only {year} {level} edition")
            participants = _participants_by_unit(edition)
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


RESOURCES: dict[str, type[FileResource]] = {
    resource.kind: resource
    for resource in (
        MethodologyResource,
        ParticipantResource,
        ScoreResource,
        SurveyResource,
        PublishedResource,
    )
}

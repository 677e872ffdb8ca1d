"""What every file kind shares: reading cells, whole-file validation, import-export hooks."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django.utils.translation import gettext as _
from import_export import resources

from provinces.models import Level, Unit
from provinces.names import UnitNotFound, UnitResolver, normalize
from scoring.models import Edition, Participant
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


def row_column(row: int, column: str, problem: str) -> str:
    """One problem line of docs/formats.md: `row N, column C: what is wrong`."""
    # Translators: the line format of every import problem; %(column)s is a column name of the
    # file (year, unit, self_points...), kept as written.
    return _("row %(row)s, column %(column)s: %(problem)s") % {
        "row": row,
        "column": column,
        "problem": problem,
    }


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


@dataclass
class Checked:
    """The outcome of validating a file: problems, warnings and the clean rows to write."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


class ImportOptions:
    """Meta options of every kind: an unchanged row is counted, not written, so a re-import
    reports everything unchanged; no HTML diff is built for the command line."""

    skip_unchanged = True
    report_skipped = True
    skip_html_diff = True


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
            problem = _(
                # Translators: %(kind)s is a file kind (methodology, scores...), not translated.
                "required column missing (missing: %(missing)s; a %(kind)s file needs %(required)s)"
            ) % {
                "missing": ", ".join(missing),
                "kind": self.kind,
                "required": ", ".join(self.required),
            }
            checked.problems.append(row_column(1, missing[0], problem))
            self.checked = checked
            return checked
        for header in table.headers:
            if header and header not in known:
                checked.warnings.append(
                    _('column "%(header)s" is not part of the %(kind)s format and was ignored')
                    % {"header": header, "kind": self.kind}
                )
        if not table.rows:
            checked.problems.append(
                _("row %(row)s: the file has a header but no data rows") % {"row": 2}
            )
        edition_problems: set[str] = set()
        for row in table.rows:
            for column in sorted(row.formula_without_value & known):
                problem = _(
                    "a formula without a saved value "
                    "(open the file in Excel, save it, and import again)"
                )
                checked.problems.append(row_column(row.number, column, problem))
            if row.formula_without_value & known:
                continue
            self._noted: list[RowProblem] = []
            try:
                clean = self.check_row(row)
            except RowProblem as problem:
                self._noted.append(problem)
            if self._noted:
                for problem in self._noted:
                    if problem.per_edition and str(problem) in edition_problems:
                        continue
                    if problem.per_edition:
                        edition_problems.add(str(problem))
                    checked.problems.append(row_column(row.number, problem.column, str(problem)))
                continue
            clean["_row"] = row.number
            checked.rows.append(clean)
        self.check_file(checked)
        self.checked = checked
        return checked

    def check_row(self, row: Row) -> dict[str, Any]:
        """The row's clean values. Raise RowProblem when nothing more can be checked; call
        cell() for checks that may fail independently, so that every problem is reported."""
        raise NotImplementedError

    def cell(self, parse: Callable[..., Any], *args, **kwargs) -> Any:
        """parse(*args, **kwargs), or None with its problem noted for the row."""
        try:
            return parse(*args, **kwargs)
        except RowProblem as problem:
            self._noted.append(problem)
            return None

    def note(self, problem: RowProblem) -> None:
        self._noted.append(problem)

    def check_file(self, checked: Checked) -> None:
        """Rules that span the valid rows (duplicates, tree sums): append to checked.problems."""

    def _duplicates(self, checked: Checked, key_names: tuple[str, ...], column: str, what: str):
        seen: dict[tuple, int] = {}
        for clean in checked.rows:
            key = tuple(clean[name] for name in key_names)
            if key in seen:
                # Translators: %(what)s is "this code", "this unit"... (translated separately).
                problem = _("%(what)s appears twice (first on row %(first)s)") % {
                    "what": what,
                    "first": seen[key],
                }
                checked.problems.append(row_column(clean["_row"], column, problem))
            else:
                seen[key] = clean["_row"]

    # -- cell parsers ----------------------------------------------------------------------

    @staticmethod
    def year(row: Row) -> int:
        text = row.values.get("year", "")
        if not re.fullmatch(r"\d{4}(\.0)?", text) or not 2000 <= int(float(text)) <= 2100:
            raise RowProblem(
                "year", _('"%(text)s" is not a year (expected e.g. 2019)') % {"text": text}
            )
        return int(float(text))

    @staticmethod
    def level(row: Row) -> str:
        text = row.values.get("level", "")
        level = _LEVELS.get(normalize(text))
        if level is None:
            raise RowProblem(
                "level",
                _('"%(text)s" is not a level (expected province or ministry)') % {"text": text},
            )
        return level

    @staticmethod
    def points(
        row: Row, column: str, *, maximum: Decimal | None = None, required: bool = False
    ) -> Decimal | None:
        text = row.values.get(column, "")
        if text == "":
            if required:
                raise RowProblem(column, _("a number is required here"))
            return None
        try:
            value = parse_decimal(text)
        except ValueError:
            raise RowProblem(
                column, _('"%(text)s" is not a number (expected e.g. 1.25)') % {"text": text}
            ) from None
        if decimal_places(value) > 2:
            raise RowProblem(column, _("%(text)s has more than 2 decimals") % {"text": text})
        if value < 0:
            raise RowProblem(column, _("%(text)s is below 0") % {"text": text})
        if maximum is not None and value > maximum:
            raise RowProblem(
                column,
                _("%(text)s is above the maximum of %(maximum)s")
                % {"text": text, "maximum": maximum},
            )
        return value.quantize(Decimal("0.01"))

    @staticmethod
    def whole_number(row: Row, column: str) -> int | None:
        text = row.values.get(column, "")
        if text == "":
            return None
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise RowProblem(
                column, _('"%(text)s" is not a whole number of 0 or more') % {"text": text}
            )
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
        # Translators: yes and no are the values a file may hold; keep them untranslated.
        raise RowProblem(column, _('"%(text)s" is not yes or no') % {"text": row.values[column]})

    def edition(self, row: Row) -> Edition | None:
        """The row's edition, refusing published ones. None if it does not exist yet."""
        key = (self.year(row), self.level(row))
        if key not in self._editions:
            self._editions[key] = Edition.objects.filter(year=key[0], level=key[1]).first()
        edition = self._editions[key]
        if edition is not None and edition.is_published:
            raise RowProblem(
                "year",
                _(
                    # Translators: %(level)s is province or ministry, as written in the file.
                    "the %(year)s %(level)s edition is published; a correction must reopen it "
                    "before anything is imported into it"
                )
                % {"year": key[0], "level": key[1]},
                per_edition=True,
            )
        return edition

    def existing_edition(self, row: Row) -> Edition:
        edition = self.edition(row)
        if edition is None:
            year, level = self.year(row), self.level(row)
            raise RowProblem(
                "year",
                # Translators: %(level)s is province or ministry, as written in the file.
                _("there is no %(year)s %(level)s edition (import its methodology first)")
                % {"year": year, "level": level},
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


def participants_by_unit(edition: Edition) -> dict[int, Participant]:
    participants = Participant.objects.filter(edition=edition).select_related("unit", "edition")
    return {p.unit_id: p for p in participants}

"""What every file kind shares: columns, reading cells, row numbers, whole-file checking, and
the import-export hooks that hand the clean rows to the kind's writer.

The rules themselves live in the modules named after them (scoring/points.py, tree.py,
participation.py, editions.py); a Resource only turns cells into values, asks those rules, and
puts each answer at its row and column.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, cast

import tablib
from django.db import transaction
from django.utils.translation import gettext_noop
from import_export import resources

from files.problems import Message, Problems, Refused, register
from files.tabular import Row, Table, parse_decimal
from files.texts import text_problem
from provinces.models import Level, Unit
from provinces.names import UnitNotFound, UnitResolver, normalize
from scoring.editions import stage_refusal
from scoring.models import Edition
from scoring.points import COUNT_LIMIT, Written, points_problem

register(
    missing_columns=gettext_noop(
        # Translators: %(kind)s is a file kind (methodology, scores...), not translated.
        "required column missing (missing: %(missing)s; a %(kind)s file needs %(required)s)"
    ),
    unknown_column=gettext_noop(
        'column "%(header)s" is not part of the %(kind)s format and was ignored'
    ),
    no_data_rows=gettext_noop("row %(row)s: the file has a header but no data rows"),
    formula_without_value=gettext_noop(
        "a formula without a saved value (open the file in Excel, save it, and import again)"
    ),
    # Translators: %(what)s is "this code", "this unit"... (translated separately).
    duplicate=gettext_noop("%(what)s appears twice (first on row %(first)s)"),
    this_code=gettext_noop("this code"),
    this_unit=gettext_noop("this unit"),
    this_unit_and_criterion=gettext_noop("this unit and criterion"),
    not_a_year=gettext_noop('"%(text)s" is not a year (expected e.g. 2019)'),
    not_a_level=gettext_noop('"%(text)s" is not a level (expected province or ministry)'),
    number_required=gettext_noop("a number is required here"),
    not_a_number=gettext_noop('"%(text)s" is not a number (expected e.g. 1.25)'),
    not_a_whole_number=gettext_noop('"%(text)s" is not a whole number of 0 or more'),
    # Translators: yes and no are the values a file may hold; keep them untranslated.
    not_yes_no=gettext_noop('"%(text)s" is not yes or no'),
    unit_not_found=gettext_noop("%(reason)s"),
)

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


def _cell_text(value) -> str:
    return str(value if value is not None else "").strip()


class ImportRefused(Refused):
    """The file has problems; nothing was written."""


class RowProblem(Exception):
    """One cell is wrong: the message says what and what was expected."""

    def __init__(self, column: str, message: Message, *, per_edition: bool = False):
        super().__init__(column, message)
        self.column = column
        self.message = message
        # A problem of the whole edition (published, missing) is reported on its first row only.
        self.per_edition = per_edition


@dataclass
class Checked:
    """The outcome of checking a file: problems, warnings, notes and the clean rows to write."""

    problems: Problems = field(default_factory=Problems)
    warnings: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


class _FileColumnNames(Problems):
    """Problems placed at the column as the file names it, where the file used another name
    (an alias) for one of the kind's columns."""

    def __init__(self, names: dict[str, str]):
        super().__init__()
        self.names = names

    def add(self, message: Message) -> None:
        if message.column in self.names:
            message = replace(message, column=self.names[message.column])
        super().add(message)


class ImportOptions:
    """Meta options of every kind: rows are diffed by import-export for the admin's preview but
    written by the kind's writer (in after_import there, by store() on every other path), so
    nothing is saved row by row."""

    skip_unchanged = True
    report_skipped = True
    skip_html_diff = True
    use_bulk = True


class FileResource(resources.ModelResource):
    """Shared checking of one file kind; subclasses say what a row means and which writer
    stores it."""

    kind = ""
    change = ""  # the scoring.editions.Change this kind makes
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # Other names a file may give a column, e.g. {"unit_code": "unit"}: the files of the
    # public record (fixtures/public_record/) are read as they were written.
    aliases: dict[str, str] = {}
    # A kind that compares its rows with what a published edition holds may take a file into
    # one when it changes nothing there (a second load of the public record); it refuses any
    # row that would change it in check_file.
    repeats_published = False

    def __init__(self, *, user=None, source: str = ""):
        super().__init__()
        self.user = user
        self.source = source
        self.checked: Checked | None = None
        self.written = Written()
        self._resolvers: dict[tuple[str, int], UnitResolver] = {}
        self._editions: dict[tuple[int, str], Edition | None] = {}

    # -- whole-file checking ---------------------------------------------------------------

    def check(self, table: Table) -> Checked:
        """Every problem of every row. Iterating the rows may raise tabular.FileProblem."""
        table, file_names = self._aliased(table)
        checked = Checked(problems=_FileColumnNames(file_names)) if file_names else Checked()
        self.checked = checked
        known = set(self.required) | set(self.optional)
        # The header's own problems (a quote left open, a column twice) come first: a header
        # that could not be read would otherwise look like missing columns.
        checked.problems.extend(table.problems)
        if not self._headers_usable(table, checked, known):
            return checked
        seen_rows = False
        edition_problems: set[str] = set()
        for row in table.rows:
            seen_rows = True
            clean = self._checked_row(row, checked, known, edition_problems)
            if clean is not None:
                clean["_row"] = row.number
                checked.rows.append(clean)
        if not seen_rows:
            checked.problems.add(Message("no_data_rows", {"row": 2}))
        if not checked.problems:
            self.check_file(checked)
        return checked

    def _headers_usable(self, table: Table, checked: Checked, known: set[str]) -> bool:
        """Adds the missing columns as a problem (then False) and unknown ones as warnings."""
        missing = [column for column in self.required if column not in table.headers]
        if missing:
            if not table.problems:
                params = {
                    "missing": ", ".join(missing),
                    "kind": self.kind,
                    "required": ", ".join(self.required),
                }
                checked.problems.add(Message("missing_columns", params).at(1, missing[0]))
            return False
        for header in table.headers:
            if header and header not in known:
                params = {"header": header, "kind": self.kind}
                checked.warnings.append(Message("unknown_column", params))
        return True

    def _checked_row(
        self, row: Row, checked: Checked, known: set[str], edition_problems: set[str]
    ) -> dict | None:
        """The row's clean values, or None with its problems added (a problem of the whole
        edition only once per file)."""
        if row.problems:
            checked.problems.extend(row.problems)
            return None
        formulas = sorted(row.formula_without_value & known)
        for column in formulas:
            checked.problems.add(Message("formula_without_value").at(row.number, column))
        if formulas:
            return None
        self._noted: list[RowProblem] = []
        try:
            clean = self.check_row(row)
        except RowProblem as problem:
            self._noted.append(problem)
        if not self._noted:
            return clean
        for noted in self._noted:
            if noted.per_edition:
                if str(noted.message) in edition_problems:
                    continue
                edition_problems.add(str(noted.message))
            checked.problems.add(noted.message.at(row.number, noted.column))
        return None

    def _aliased(self, table: Table) -> tuple[Table, dict[str, str]]:
        """The table with aliased headers under the kind's own names (a column the file also
        gives under its own name keeps that one), and the file's names by the kind's."""
        renamed = {
            header: self.aliases[header]
            for header in table.headers
            if header in self.aliases and self.aliases[header] not in table.headers
        }
        if not renamed:
            return table, {}
        rows = (
            replace(
                row,
                values={renamed.get(k, k): v for k, v in row.values.items()},
                formula_without_value={renamed.get(k, k) for k in row.formula_without_value},
            )
            for row in table.rows
        )
        headers = [renamed.get(header, header) for header in table.headers]
        return Table(headers, rows, table.problems), {new: old for old, new in renamed.items()}

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

    def note(self, column: str, message: Message | None) -> None:
        if message is not None:
            self._noted.append(RowProblem(column, message))

    def check_file(self, checked: Checked) -> None:
        """Rules that span the clean rows (duplicates, tree sums): add to checked.problems."""

    @staticmethod
    def duplicates(checked: Checked, key_names: tuple[str, ...], column: str, what: str):
        seen: dict[tuple, int] = {}
        for clean in checked.rows:
            key = tuple(clean[name] for name in key_names)
            if key in seen:
                params = {"what": Message(what), "first": seen[key]}
                checked.problems.add(Message("duplicate", params).at(clean["_row"], column))
            else:
                seen[key] = clean["_row"]

    # -- cell parsers ----------------------------------------------------------------------

    @staticmethod
    def text(row: Row, column: str, limit: int | None = None) -> str:
        value = row.values.get(column, "")
        problem = text_problem(value, limit)
        if problem:
            raise RowProblem(column, problem)
        return value

    @staticmethod
    def year(row: Row) -> int:
        text = row.values.get("year", "")
        if not re.fullmatch(r"[0-9]{4}(\.0)?", text) or not 2000 <= int(float(text)) <= 2100:
            raise RowProblem("year", Message("not_a_year", {"text": text}))
        return int(float(text))

    @staticmethod
    def level(row: Row) -> str:
        text = row.values.get("level", "")
        level = _LEVELS.get(normalize(text))
        if level is None:
            raise RowProblem("level", Message("not_a_level", {"text": text}))
        return level

    @staticmethod
    def number(row: Row, column: str, *, required: bool = False) -> Decimal | None:
        text = row.values.get(column, "")
        if text == "":
            if required:
                raise RowProblem(column, Message("number_required"))
            return None
        try:
            return parse_decimal(text)
        except ValueError:
            raise RowProblem(column, Message("not_a_number", {"text": text})) from None

    @classmethod
    def points(
        cls, row: Row, column: str, *, maximum: Decimal | None = None, required: bool = False
    ) -> Decimal | None:
        value = cls.number(row, column, required=required)
        if value is None:
            return None
        problem = points_problem(value, maximum, shown=row.values[column])
        if problem:
            raise RowProblem(column, problem)
        return value.quantize(Decimal("0.01"))

    @staticmethod
    def whole_number(row: Row, column: str, *, limit: int = COUNT_LIMIT) -> int | None:
        text = row.values.get(column, "")
        if text == "":
            return None
        if not re.fullmatch(r"[0-9]+(\.0+)?", text):
            raise RowProblem(column, Message("not_a_whole_number", {"text": text}))
        value = int(text.split(".")[0])
        if value > limit:
            raise RowProblem(column, Message("above_limit", {"text": text, "limit": limit}))
        return value

    @staticmethod
    def yes_no(row: Row, column: str, default: bool) -> bool:
        text = normalize(row.values.get(column, ""))
        if text == "":
            return default
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise RowProblem(column, Message("not_yes_no", {"text": row.values[column]}))

    def edition(self, row: Row) -> Edition | None:
        """The row's edition if it accepts this kind's change; None if it does not exist yet.

        Inside a transaction (every import runs in one) the edition is locked as publishing
        locks it, so the file is checked and written against an edition nobody else changes.
        """
        key = (self.year(row), self.level(row))
        if key not in self._editions:
            editions = Edition.objects.filter(year=key[0], level=key[1])
            if transaction.get_connection().in_atomic_block:
                editions = editions.select_for_update()
            self._editions[key] = editions.first()
        edition = self._editions[key]
        if edition is not None:
            problem = stage_refusal(edition, self.change)
            if problem is not None and problem.code == "edition_published":
                problem = self.published_refusal(edition, problem)
            if problem is not None:
                raise RowProblem("year", problem, per_edition=True)
        return edition

    def published_refusal(self, edition: Edition, problem: Message) -> Message | None:
        """What to say of a published edition: refused, unless the kind repeats_published and
        the edition would otherwise accept its change (then check_file compares the rows)."""
        if not self.repeats_published:
            return problem
        unpublished = Edition(
            year=edition.year, level=edition.level, summary_only=edition.summary_only
        )
        return stage_refusal(unpublished, self.change)

    def existing_edition(self, row: Row) -> Edition:
        edition = self.edition(row)
        if edition is None:
            year, level = self.year(row), self.level(row)
            message = Message("edition_missing", {"year": year, "level": level})
            raise RowProblem("year", message, per_edition=True)
        return edition

    def unit(self, row: Row) -> Unit:
        key = (self.level(row), self.year(row))
        if key not in self._resolvers:
            self._resolvers[key] = UnitResolver(*key)
        try:
            return self._resolvers[key].resolve(row.values.get("unit", ""))
        except UnitNotFound as error:
            # Name matching explains itself (suggestions, successors) in the active language.
            raise RowProblem("unit", Message("unit_not_found", {"reason": str(error)})) from None

    # -- import-export hooks ---------------------------------------------------------------

    def before_import(self, dataset: tablib.Dataset, **kwargs) -> None:
        checked = self.checked
        if checked is None:
            # The admin path: a raw Dataset that no one has checked yet.
            headers = [str(h or "").strip().lower() for h in dataset.headers or []]
            rows = (
                Row(number, dict(zip(headers, map(_cell_text, values), strict=False)))
                for number, values in enumerate(dataset, start=2)
            )
            checked = self.check(Table(headers, rows, []))
        if checked.problems:
            dataset.wipe()  # so that import-export handles no row of a refused file
            raise ImportRefused(checked.problems.listed())
        clean_rows = self.prepare(checked)
        columns = sorted({key for clean in clean_rows for key in clean})
        dataset.wipe()
        dataset.headers = columns
        for clean in clean_rows:
            dataset.append([clean.get(column) for column in columns])

    def prepare(self, checked: Checked) -> list[dict[str, Any]]:
        """The rows as import-export should diff them (reading, never writing)."""
        return checked.rows

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing is saved row by row: the writer stores the whole file in after_import."""

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # Also on a dry run: the caller's transaction is rolled back, and the counts are the
        # writer's own, so a dry run reports exactly what the import would do.
        # before_import has checked the file (or refused it, and no row reaches this hook).
        self.written = self.write(cast(Checked, self.checked))

    def store(self, checked: Checked) -> None:
        """What import_data does with a checked file, less import-export's row-by-row result
        that only the admin's preview shows: the rows prepared (a kind's warnings come from
        there) and handed to the writer."""
        self.prepare(checked)
        self.written = self.write(checked)

    def write(self, checked: Checked) -> Written:
        """Hand the clean rows to the kind's writer; returns what it created, updated, kept."""
        raise NotImplementedError

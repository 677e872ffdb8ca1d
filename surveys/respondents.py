"""Reading and checking a SIPAS respondent file (docs/formats.md, kind `sipas`) in bulk.

A file holds one year's respondents, hundreds of thousands of rows: checked row by row through
a Resource, the checking would be the slow part. So the cells are read into columns (a pandas
DataFrame of texts) and each rule is applied to a whole column at once, most of them to its few
distinct values only (years, units, answers). What is reported is what every other kind reports:
the same reader (files.tabular) refuses a damaged file and the cells it cannot read, the same
message codes say what is wrong, at the same row and column.

CSV is parsed by pandas' C parser when nothing in the file needs the exact reader's judgement:
UTF-8, no quote character, no control character, no line longer than a cell may be, no value
outside the header's columns. Any other file (UTF-16, quoted cells, damage) and every workbook
are read row by row by files.tabular, which locates such problems; workbooks always, because
our streaming parser is the fastest correct one we have (bench/reading.py, bench/sipas.py).
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd
from django.utils.translation import gettext_noop

from files.problems import Message, Problems, register
from files.tabular import Limits, parse_decimal, read_table
from files.texts import text_problem
from provinces.models import Level
from provinces.names import UnitNotFound, UnitResolver, normalize
from surveys.models import ASPECTS, GovLevel

# The codes missing_columns, unknown_column, no_data_rows, formula_without_value, duplicate,
# not_a_year and unit_not_found are those of every kind (scoring.imports.resources.base).
register(
    respondent_id_required=gettext_noop("a respondent id is required here"),
    # Translators: keep province, district and commune untranslated: they are the file's values.
    not_a_gov_level=gettext_noop(
        '"%(text)s" is not a government level (expected province, district or commune)'
    ),
    not_an_answer=gettext_noop(
        '"%(text)s" is not an answer (expected a whole number from 1 to 5, blank if not answered)'
    ),
    mixed_years=gettext_noop(
        "this row is for %(year)s but the file is for %(first)s (from row %(row)s); "
        "import one year per file"
    ),
    this_respondent=gettext_noop("this respondent id of this unit"),
)

KIND = "sipas"
REQUIRED = ("year", "unit", "respondent_id")
OPTIONAL = ("gov_level", "sector", *ASPECTS)
COLUMNS = REQUIRED + OPTIONAL
ID_LIMIT = 64
SECTOR_LIMIT = 200
PROGRESS_EVERY = 5_000

_GOV_LEVELS = {
    "province": GovLevel.PROVINCE,
    "tinh": GovLevel.PROVINCE,
    "district": GovLevel.DISTRICT,
    "huyen": GovLevel.DISTRICT,
    "commune": GovLevel.COMMUNE,
    "xa": GovLevel.COMMUNE,
}
_ANSWERS = {"": None, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
# Those of files.tabular: a file holding them is read by it, which reports them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_YEAR = re.compile(r"[0-9]{4}(\.0)?")

Progress = Callable[[int, int], None]


@dataclass
class Sheet:
    """The file's cells as texts: one row per data row that holds a value."""

    headers: list[str]
    header_problems: list[Message]
    # "row" (as a spreadsheet numbers it) and the file's columns of the format, texts as read.
    frame: pd.DataFrame
    # Problems the reader found in cells, and formulas without a saved value: those rows are
    # not in `frame`, since their values cannot be trusted.
    problems: list[Message] = field(default_factory=list)
    rows_seen: int = 0


@dataclass
class CheckedRespondents:
    problems: Problems = field(default_factory=Problems)
    warnings: list[Message] = field(default_factory=list)
    year: int | None = None
    # year is one per file; unit_id, respondent_id, gov_level, sector and the aspects (Int8).
    frame: pd.DataFrame | None = None


# -- reading ------------------------------------------------------------------------------------


def read_sheet(
    source: bytes | BinaryIO,
    filename: str,
    *,
    limits: Limits,
    progress: Progress | None = None,
) -> Sheet:
    """The file's cells. Raises files.tabular.FileProblem for a file refused as a whole."""
    if not isinstance(source, bytes | bytearray):
        if not source.seekable():
            source = source.read(limits.max_bytes + 1)
        else:
            start = source.tell()
    table = read_table(source, filename, sheet=KIND, limits=limits)
    known = [name for name in COLUMNS if name in table.headers]
    frame = None
    if not table.problems:
        if isinstance(source, bytes | bytearray):
            data = bytes(source)
        else:
            source.seek(start)
            data = source.read(limits.max_bytes + 1)
        if not data.startswith(b"PK\x03\x04"):
            frame = _parsed_csv(data, table.headers, known, limits)
        del data
    if frame is not None:
        if progress:
            progress(len(frame), 0)
        return Sheet(table.headers, [], frame, rows_seen=len(frame))
    return _read_rows(table, known, progress)


def _parsed_csv(data: bytes, headers: list[str], known: list[str], limits: Limits):
    """The CSV's cells through pandas, or None when the file needs files.tabular's reading."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if '"' in text or _CONTROL.search(text):
        return None
    # Split at line feeds only: a file whose lines end in a lone carriage return looks like
    # one long line and is left to files.tabular, which is right, only slower.
    lines = text.split("\n")
    if max(map(len, lines)) > limits.max_cell_chars:
        return None
    first = lines[0].rstrip("\r")
    del lines
    # As files.tabular chooses it, from the header line.
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None  # a row longer than the header: files.tabular says which cell
    del text
    width = len(headers)
    for index in range(cells.shape[1]):
        if index < width and headers[index]:
            continue
        # A value under a blank header or past the last one: reported by files.tabular.
        if not _blank(cells[index].to_numpy()[1:]).all():
            return None
    named = [index for index in range(min(width, cells.shape[1])) if headers[index]]
    cells = cells.iloc[1:]
    # Rows whose every named cell is blank are skipped, as the reader skips blank lines.
    filled = np.zeros(len(cells), dtype=bool)
    for index in named:
        filled |= ~_blank(cells[index].to_numpy())
    frame = pd.DataFrame(
        {"row": np.arange(2, len(cells) + 2, dtype=np.int64)[filled]}
        | {name: cells[headers.index(name)].to_numpy()[filled] for name in known}
    )
    return frame


def _blank(texts: np.ndarray) -> np.ndarray:
    """Which texts are blank once stripped, stripping each distinct text once."""
    codes, distinct = pd.factorize(texts)
    blank = np.fromiter((not text.strip() for text in distinct), dtype=bool, count=len(distinct))
    return blank[codes]


def _read_rows(table, known: list[str], progress: Progress | None) -> Sheet:
    """The cells through files.tabular, row by row (workbooks, and CSV that needs it)."""
    columns: dict[str, list[str]] = {name: [] for name in known}
    numbers: list[int] = []
    problems: list[Message] = []
    # The same text read many times (years, units, answers) kept once, not once per cell.
    shared: dict[str, str] = {}
    seen = 0
    watched = set(COLUMNS)
    for row in table.rows:
        seen += 1
        if row.problems:
            problems.extend(row.problems)
            continue
        formulas = sorted(row.formula_without_value & watched)
        if formulas:
            problems.extend(Message("formula_without_value").at(row.number, c) for c in formulas)
            continue
        numbers.append(row.number)
        values = row.values
        for name in known:
            text = values[name]
            columns[name].append(shared.setdefault(text, text) if len(text) < 16 else text)
        if progress and len(numbers) % PROGRESS_EVERY == 0:
            progress(len(numbers), 0)
    frame = pd.DataFrame({"row": np.array(numbers, dtype=np.int64)} | columns)
    if progress:
        progress(len(frame), 0)
    return Sheet(table.headers, table.problems, frame, problems, seen)


# -- checking -----------------------------------------------------------------------------------


class _Found:
    """Problems found column by column, listed as a reader expects them: by row, then column.

    Each check adds the frame positions it flags with a function that words one of them, so
    that only the messages that will be shown are built, however many rows are wrong.
    """

    def __init__(self, rows: np.ndarray):
        self.rows = rows
        self._parts: list[tuple[np.ndarray, int, Callable[[int], Message]]] = []
        self._fixed: list[Message] = []

    def add(self, mask: np.ndarray, column: str, word: Callable[[int], Message]) -> None:
        positions = np.flatnonzero(mask)
        if len(positions):
            self._parts.append((positions, COLUMNS.index(column), word))

    def add_messages(self, messages: list[Message]) -> None:
        self._fixed.extend(messages)

    def flagged(self) -> np.ndarray:
        mask = np.zeros(len(self.rows), dtype=bool)
        for positions, _, _ in self._parts:
            mask[positions] = True
        return mask

    def into(self, problems: Problems) -> None:
        keys = [(m.row or 0, -1, i, -1) for i, m in enumerate(self._fixed)]
        for part, (positions, order, _) in enumerate(self._parts):
            rows = self.rows[positions]
            keys.extend(
                zip(rows.tolist(), [order] * len(rows), [part] * len(rows), positions, strict=True)
            )
        keys.sort()
        for row, order, part, position in keys[: problems.limit]:
            if order == -1:
                problems.add(self._fixed[part])
            else:
                problems.add(self._parts[part][2](int(position)).at(row, COLUMNS[order]))
        problems.count += max(0, len(keys) - problems.limit)


def check(sheet: Sheet, *, progress: Progress | None = None) -> CheckedRespondents:
    """Every problem of the file; when there is none, its clean values. Column by column, each
    step adding its problems to `found`, so they are reported in row order at the end."""
    checked = CheckedRespondents()
    if not _headers_usable(sheet, checked):
        return checked
    if not sheet.rows_seen:
        checked.problems.add(Message("no_data_rows", {"row": 2}))
        return checked
    frame = sheet.frame
    count = len(frame)
    rows = frame["row"].to_numpy()
    found = _Found(rows)
    found.add_messages(sheet.problems)
    blank = np.full(count, "", dtype=object)

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=object) if name in frame else blank

    def step(done: int) -> None:
        if progress:
            progress(count + count * done // 4, 3 * count)

    years, good = _check_year(column("year"), rows, found, checked)
    step(1)
    unit_ids = _check_unit(column("unit"), years, good, found)
    step(2)
    ids, lengths = _check_respondent_id(column("respondent_id"), found)
    gov_levels = _check_gov_level(column("gov_level"), found)
    sectors = _check_sector(column("sector"), found)
    step(3)
    answers = {aspect: _check_answer(aspect, column(aspect), found) for aspect in ASPECTS}
    _check_repeated(unit_ids, ids, lengths, rows, found)
    step(4)

    found.into(checked.problems)
    if checked.problems:
        return checked
    checked.frame = pd.DataFrame(
        {
            "unit_id": unit_ids,
            "respondent_id": ids,
            "gov_level": gov_levels,
            "sector": sectors,
        }
        | {aspect: _answers(values) for aspect, values in answers.items()}
    )
    return checked


def _headers_usable(sheet: Sheet, checked: CheckedRespondents) -> bool:
    """The header's problems and warnings; False where a required column is missing."""
    checked.problems.extend(sheet.header_problems)
    missing = [name for name in REQUIRED if name not in sheet.headers]
    if missing:
        if not sheet.header_problems:
            params = {"missing": ", ".join(missing), "kind": KIND, "required": ", ".join(REQUIRED)}
            checked.problems.add(Message("missing_columns", params).at(1, missing[0]))
        return False
    for header in sheet.headers:
        if header and header not in COLUMNS:
            checked.warnings.append(Message("unknown_column", {"header": header, "kind": KIND}))
    return True


def _check_year(
    texts: np.ndarray, rows: np.ndarray, found: _Found, checked: CheckedRespondents
) -> tuple[np.ndarray, np.ndarray]:
    """year: one per file, the first row's. Returns the years and the positions of good ones."""
    years = _mapped(texts, _parse_year)
    bad_year = pd.isna(years)
    found.add(bad_year, "year", lambda i: Message("not_a_year", {"text": texts[i].strip()}))
    good = np.flatnonzero(~bad_year)
    if len(good):
        checked.year = file_year = int(years[good[0]])
        first_row = int(rows[good[0]])
        other = ~bad_year & (years != file_year)
        params = {"first": file_year, "row": first_row}
        found.add(other, "year", lambda i: Message("mixed_years", {"year": int(years[i])} | params))
    return years, good


def _check_unit(
    texts: np.ndarray, years: np.ndarray, good: np.ndarray, found: _Found
) -> np.ndarray:
    """unit: resolved once per distinct (year, text), for the year of its row; -1 where not."""
    count = len(texts)
    unit_ids = np.full(count, -1, dtype=np.int64)
    if not len(good):
        return unit_ids
    unit_problems: dict[int, Message] = {}
    year_codes, year_values = pd.factorize(years[good])
    text_codes, text_values = pd.factorize(texts[good])
    codes, pairs = np.unique(year_codes * len(text_values) + text_codes, return_inverse=True)
    resolvers: dict[int, UnitResolver] = {}
    answers: list[int] = []
    for number, pair in enumerate(codes):
        year, text = year_values[pair // len(text_values)], text_values[pair % len(text_values)]
        year = int(year)
        resolver = resolvers.get(year) or resolvers.setdefault(
            year, UnitResolver(Level.PROVINCE, year)
        )
        try:
            answers.append(resolver.resolve(text).pk)
        except UnitNotFound as error:
            unit_problems[number] = Message("unit_not_found", {"reason": str(error)})
            answers.append(-1)
    unit_ids[good] = np.array(answers, dtype=np.int64)[pairs]
    code_of = np.full(count, -1, dtype=np.int64)
    code_of[good] = pairs
    found.add((code_of >= 0) & (unit_ids < 0), "unit", lambda i: unit_problems[int(code_of[i])])
    return unit_ids


def _check_respondent_id(texts: np.ndarray, found: _Found) -> tuple[np.ndarray, np.ndarray]:
    """respondent_id: required, at most ID_LIMIT characters. Returns the ids and lengths."""
    ids = np.array([text.strip() for text in texts], dtype=object)
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    found.add(lengths == 0, "respondent_id", lambda i: Message("respondent_id_required"))
    found.add(lengths > ID_LIMIT, "respondent_id", lambda i: text_problem(ids[i], ID_LIMIT))
    return ids, lengths


def _check_gov_level(texts: np.ndarray, found: _Found) -> np.ndarray:
    gov_levels = _mapped(texts, _parse_gov_level)
    found.add(
        pd.isna(gov_levels),
        "gov_level",
        lambda i: Message("not_a_gov_level", {"text": texts[i].strip()}),
    )
    return gov_levels


def _check_sector(texts: np.ndarray, found: _Found) -> np.ndarray:
    sectors = _mapped(texts, _parse_sector)
    too_long = np.fromiter(map(len, sectors), dtype=np.int64, count=len(sectors)) > SECTOR_LIMIT
    found.add(too_long, "sector", lambda i: text_problem(sectors[i], SECTOR_LIMIT))
    return sectors


def _check_answer(aspect: str, texts: np.ndarray, found: _Found) -> np.ndarray:
    values = _mapped(texts, _parse_answer)
    found.add(
        pd.isna(values), aspect, lambda i: Message("not_an_answer", {"text": texts[i].strip()})
    )
    return values


def _check_repeated(
    unit_ids: np.ndarray, ids: np.ndarray, lengths: np.ndarray, rows: np.ndarray, found: _Found
) -> None:
    """The same respondent of the same unit twice, among rows whose unit and id are known."""
    keyed = (unit_ids >= 0) & (lengths > 0)
    keys = pd.DataFrame({"unit": unit_ids[keyed], "id": ids[keyed]})
    repeated = keys.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    count = len(rows)
    first = keys.assign(row=rows[keyed]).groupby(["unit", "id"])["row"].transform("min")
    first_rows = np.zeros(count, dtype=np.int64)
    first_rows[keyed] = first.to_numpy()
    duplicate = np.zeros(count, dtype=bool)
    duplicate[keyed] = repeated
    duplicate &= rows != first_rows
    what = Message("this_respondent")
    found.add(
        duplicate,
        "respondent_id",
        lambda i: Message("duplicate", {"what": what, "first": int(first_rows[i])}),
    )


_NA = object()  # what a parser answers for text that is wrong


def _mapped(texts: np.ndarray, parse: Callable[[str], object]) -> np.ndarray:
    """parse() of each text, computed once per distinct text; None (pd.isna) where it is wrong.

    A blank answer is 0 here, not None, so that it is not taken for a wrong one.
    """
    codes, distinct = pd.factorize(texts)
    values = []
    for text in distinct:
        value = parse(text.strip())
        values.append(None if value is _NA else value)
    return np.array(values + [None], dtype=object)[codes]


def _answers(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Checked answers (0 for blank) as small integers, blank as missing."""
    numbers = values.astype(np.int8)
    return pd.arrays.IntegerArray(numbers, mask=numbers == 0)


def _parse_year(text: str) -> object:
    if not _YEAR.fullmatch(text) or not 2000 <= int(float(text)) <= 2100:
        return _NA
    return int(float(text))


def _parse_gov_level(text: str) -> object:
    if not text:
        return ""
    level = _GOV_LEVELS.get(normalize(text))
    return _NA if level is None else str(level)


def _parse_sector(text: str) -> str:
    # NFC so that the same sector typed on two keyboards is one category.
    return unicodedata.normalize("NFC", text)


def _parse_answer(text: str) -> object:
    if text in _ANSWERS:
        return _ANSWERS[text] or 0
    try:
        value = parse_decimal(text)
    except ValueError:
        return _NA
    # 4.0, as a spreadsheet may write a whole number.
    if value != value.to_integral_value() or not 1 <= value <= 5:
        return _NA
    return int(value)

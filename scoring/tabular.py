"""Reading an uploaded CSV or XLSX file into rows, refusing anything damaged or disguised.

Every check that can be made before parsing is made before parsing: the size, the file's real
type from its first bytes, and for XLSX the unpacked size and compression ratio of the zip (a zip
bomb would otherwise exhaust memory inside openpyxl). openpyxl parses XML through defusedxml,
which is installed, so entity-expansion attacks are refused too.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected workbooks
_ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_RATIO = 100


class FileProblem(ValueError):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]
    formula_without_value: set[str] = field(default_factory=set)


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """Rows of a CSV or XLSX file, with lower-cased headers and text values (blank = "")."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise FileProblem(
            # Translators: the sizes are already formatted, e.g. 12,345,678.
            _("the file is %(size)s bytes, over the limit of %(limit)s")
            % {"size": f"{len(data):,}", "limit": f"{settings.IMPORT_MAX_BYTES:,}"}
        )
    if not data.strip():
        raise FileProblem(_("the file is empty"))
    suffix = Path(filename).suffix.lower()
    if suffix in {".xls", ".xlsm", ".xlsb", ".ods"}:
        raise FileProblem(
            _("%(suffix)s files are not accepted (expected .csv or .xlsx)") % {"suffix": suffix}
        )
    if data.startswith(_OLE_MAGIC):
        raise FileProblem(
            _(
                "this is an old .xls or a password-protected workbook; "
                "save it as an unprotected .xlsx or .csv"
            )
        )
    if suffix == ".xlsx" or data.startswith(_ZIP_MAGIC):
        if suffix != ".xlsx":
            raise FileProblem(
                _("the file is a zip archive, not a %(suffix)s file") % {"suffix": suffix or "CSV"}
            )
        table = _read_xlsx(data, sheet)
    elif suffix in {".csv", ".txt", ""}:
        table = _read_csv(data)
    else:
        raise FileProblem(
            _("%(suffix)s files are not accepted (expected .csv or .xlsx)") % {"suffix": suffix}
        )
    if not table.headers:
        raise FileProblem(_("the file has no header row"))
    return table


def _headers(cells: list) -> list[str]:
    return [str(cell or "").strip().lstrip("\ufeff").strip().lower() for cell in cells]


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(_("the file is binary, not CSV text"))
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            # Translators: %(byte)s is the position of the first byte that is not valid text.
            _("the file is not UTF-8 or UTF-16 text (byte %(byte)s); save it as CSV UTF-8")
            % {"byte": error.start}
        ) from None
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Excel writes "Unicode text" as tab-separated UTF-16; Vietnamese-locale Excel uses ";".
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        # Translators: %(error)s is the CSV reader's own explanation, in English.
        raise FileProblem(_("the CSV cannot be read: %(error)s") % {"error": error}) from None
    if not lines:
        raise FileProblem(_("the file is empty"))
    headers = _headers(lines[0])
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers)}
        rows.append(Row(number, values))
    return Table(headers, rows)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(_("the .xlsx file is damaged (not a readable zip archive)")) from None
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileProblem(_("the workbook is encrypted; remove its password and import again"))
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES or unpacked / packed > MAX_ZIP_RATIO:
        raise FileProblem(
            _("the .xlsx file would unpack to an unreasonable size (a zip bomb?); refused")
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise FileProblem(_("the file is a zip archive but not an Excel workbook"))
    if "xl/vbaProject.bin" in names:
        raise FileProblem(_("macro-enabled workbooks are not accepted; save it as .xlsx"))


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    _check_zip(data)
    # openpyxl parses lazily in read-only mode, so damage can surface while rows are read:
    # everything up to the last row is inside the same guard.
    try:
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            name = _sheet_name(values_book, sheet)
            values_rows = values_book[name].iter_rows(values_only=True)
            formula_rows = formulas_book[name].iter_rows(values_only=True)
            lines = list(zip(values_rows, formula_rows, strict=False))
        finally:
            values_book.close()
            formulas_book.close()
    except FileProblem:
        raise
    except Exception as error:  # openpyxl, zipfile and the XML parser raise many types
        reason = " ".join(str(error).split()) or type(error).__name__
        raise FileProblem(
            # Translators: %(reason)s is the reader's own explanation, in English.
            _("the .xlsx file is damaged and cannot be read (%(reason)s)") % {"reason": reason}
        ) from None
    if not lines:
        raise FileProblem(_("the file is empty"))
    headers = _headers(list(lines[0][0]))
    rows = []
    for number, (cells, formulas) in enumerate(lines[1:], start=2):
        values: dict[str, str] = {}
        missing: set[str] = set()
        for i, header in enumerate(headers):
            cell = cells[i] if i < len(cells) else None
            formula = formulas[i] if i < len(formulas) else None
            if cell is None and isinstance(formula, str) and formula.startswith("="):
                missing.add(header)
            values[header] = _cell_text(cell)
        if not any(values.values()) and not missing:
            continue
        rows.append(Row(number, values, missing))
    return Table(headers, rows)


def _sheet_name(book, wanted: str | None) -> str:
    """The sheet named after the kind (any case), else the first worksheet (not a chart)."""
    worksheets = [ws.title for ws in book.worksheets]
    for title in worksheets:
        if wanted and title.strip().lower() == wanted.lower():
            return title
    if not worksheets:
        raise FileProblem(_("the workbook has no worksheet"))
    return worksheets[0]


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        # repr gives the shortest text that round-trips: 84.43, not 84.4299999.
        text = repr(cell)
        return text[:-2] if text.endswith(".0") else text
    return str(cell).strip()


def parse_decimal(text: str) -> Decimal:
    """84.43 or 84,43 (decimal comma). Raises ValueError on anything else."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0

"""Reading an uploaded CSV or XLSX file row by row, refusing anything damaged or disguised.

`read_table` checks what can be checked before parsing (the size, without reading the file
whole; the file's real type from its first bytes; for XLSX the unpacked size and compression
ratio of the zip, so that a zip bomb is refused before anything is inflated), reads the header
row, and hands back the data rows as a lazy iterator: memory does not grow with the number of
rows. Damage found further down (a byte that is not UTF-8, a broken XML element) raises
`FileProblem` while the rows are iterated, so the caller guards the iteration too.

Workbooks are read by our own streaming parser over the sheet's XML rather than openpyxl: it
opens the file once, reads the cached value and the presence of a formula in one pass, never
trusts the stored dimension or `spans`, and does work proportional to the cells actually stored.
It uses ElementTree's C parser; a part holding a DTD is refused, so no entity can be declared or
expanded. `bench/reading.py` measures it against openpyxl read-only and python-calamine.

Every message is a `files.problems.Message`; the reader does not know the file's name (the
caller adds it) nor the settings (the caller passes `Limits`).
"""

import codecs
import contextlib
import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import iterparse

from django.utils.translation import gettext_noop

from files.problems import Message, register

register(
    # Translators: the sizes are already formatted, e.g. 12,345,678.
    file_too_big=gettext_noop("the file is %(size)s bytes, over the limit of %(limit)s"),
    # Translators: the limit is already formatted, e.g. 20,971,520. Said of a file whose size is
    # not known in advance (read from a stream until it went over the limit).
    file_over_limit=gettext_noop("the file is over the limit of %(limit)s bytes"),
    file_empty=gettext_noop("the file is empty"),
    suffix_refused=gettext_noop("%(suffix)s files are not accepted (expected .csv or .xlsx)"),
    ole_file=gettext_noop(
        "this is an old .xls or a password-protected workbook; "
        "save it as an unprotected .xlsx or .csv"
    ),
    zip_not_suffix=gettext_noop("the file is a zip archive, not a %(suffix)s file"),
    no_header=gettext_noop("the file has no header row"),
    binary_file=gettext_noop("the file is binary, not CSV text"),
    # Translators: %(byte)s is the position of the first byte that is not valid text.
    not_text=gettext_noop(
        "the file is not UTF-8 or UTF-16 text (byte %(byte)s); save it as CSV UTF-8"
    ),
    # Translators: %(error)s is the CSV reader's own explanation, in English.
    csv_unreadable=gettext_noop("the CSV cannot be read: %(error)s"),
    zip_damaged=gettext_noop("the .xlsx file is damaged (not a readable zip archive)"),
    zip_encrypted=gettext_noop("the workbook is encrypted; remove its password and import again"),
    zip_bomb=gettext_noop(
        "the .xlsx file would unpack to an unreasonable size (a zip bomb?); refused"
    ),
    zip_not_workbook=gettext_noop("the file is a zip archive but not an Excel workbook"),
    macro_workbook=gettext_noop("macro-enabled workbooks are not accepted; save it as .xlsx"),
    # Translators: %(reason)s is the reader's own explanation, in English.
    xlsx_damaged=gettext_noop("the .xlsx file is damaged and cannot be read (%(reason)s)"),
    no_worksheet=gettext_noop("the workbook has no worksheet"),
    # Translators: the header row names more columns than an import accepts.
    too_many_columns=gettext_noop(
        "the header row has %(count)s columns, more than the %(limit)s accepted"
    ),
    # Translators: a workbook's table of texts (shared strings) is too long to be held.
    too_many_texts=gettext_noop(
        "the workbook holds more than %(limit)s different texts; split it into smaller files"
    ),
    # Translators: %(first)s and %(second)s are spreadsheet column letters (A, B, ... AA).
    duplicate_header=gettext_noop(
        "the column %(header)s appears twice (spreadsheet columns %(first)s and %(second)s); "
        "keep one"
    ),
    # Translators: %(letter)s is a spreadsheet column letter; %(char)s a code such as U+0000.
    header_control_character=gettext_noop(
        "the header in spreadsheet column %(letter)s holds a control character (%(char)s); "
        "remove it"
    ),
    # Translators: %(letter)s is a spreadsheet column letter; the numbers are formatted.
    header_too_long=gettext_noop(
        "the header in spreadsheet column %(letter)s is %(length)s characters long, "
        "over the limit of %(limit)s"
    ),
    # Translators: %(letter)s is a spreadsheet column letter; %(last)s the letter of the last
    # column that has a header.
    cell_beyond_header=gettext_noop(
        "a value in spreadsheet column %(letter)s, beyond the last column of the header "
        "(%(last)s): the row has more cells than the header"
    ),
    # Translators: %(letter)s is a spreadsheet column letter.
    cell_without_header=gettext_noop(
        "a value in spreadsheet column %(letter)s, whose header is blank; give the column a "
        "header or clear it"
    ),
    # Translators: %(char)s is a character code such as U+0000.
    control_character=gettext_noop(
        "the cell holds a control character (%(char)s), which text never contains; remove it"
    ),
    # Translators: the numbers are already formatted, e.g. 40,000.
    cell_too_long=gettext_noop("the cell holds %(length)s characters, over the limit of %(limit)s"),
    # Translators: %(letter)s is a spreadsheet column letter. A CSV cell that starts with a
    # quote ends at the next quote; here there is none, so every row after it would vanish.
    unclosed_quote=gettext_noop(
        "the quote that opens this cell (spreadsheet column %(letter)s) is never closed, so it "
        'would swallow every row after it; close it, or write a quote inside a cell as ""'
    ),
    # Translators: %(letter)s is a spreadsheet column letter.
    text_after_quote=gettext_noop(
        "text follows the closing quote of this cell (spreadsheet column %(letter)s); quote the "
        'whole cell and write a quote inside it as ""'
    ),
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected workbooks
_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HEAD = 64 * 1024  # what is looked at before choosing how to read the file
# C0 controls but tab, line feed and carriage return (legitimate inside a cell), DEL and the C1
# controls: no one types them; they come from binary junk or a wrong conversion.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MAX_PARTS_PER_CELL = 10_000  # elements inside one cell's XML (rich-text runs, say)
_MAX_SHEETS = 10_000
_MAX_PARTS_BEFORE_CELLS = 200_000  # a sheet's views, column widths... before its cells
_CELL_BATCH = 4096  # cells of one row read and dropped at a time
_MAX_FORMATS = 65_536  # custom number formats (Excel allows a few hundred)


@dataclass(frozen=True)
class Limits:
    """What one file may hold. The caller passes the settings; these defaults are theirs."""

    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024
    # Unpacked ÷ packed size of an .xlsx; real workbooks stay far below (XML packs ~10×).
    max_zip_ratio: int = 100
    # Columns named by the header; Excel has 16,384, our widest kind about 30.
    max_columns: int = 1024
    # Excel's own limit for one cell: a longer cell cannot have been typed in a spreadsheet.
    max_cell_chars: int = 32_767
    # Entries of an .xlsx's shared-strings table, held in memory while the sheet is read.
    max_shared_strings: int = 2_000_000


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing in it is imported.

    `message` has no location: the caller adds the file name with `message.in_file(filename)`.
    """

    def __init__(self, message: Message):
        super().__init__(message.code)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]  # every named header, "" for a blank cell
    formula_without_value: set[str] = field(default_factory=set)
    # Problems of this row's cells, each at (row, column). A row whose structure is broken (an
    # unclosed quote) has only what could be read: its values should not be validated further.
    problems: list[Message] = field(default_factory=list)


@dataclass
class Table:
    headers: list[str]  # lower-cased and stripped; "" for a blank header between named ones
    rows: Iterator[Row]  # lazy: read while iterated, may raise FileProblem
    problems: list[Message] = field(default_factory=list)  # of the header row, at row 1


def _problem(code: str, **params) -> FileProblem:
    return FileProblem(Message(code, params))


def _damaged(reason: str) -> FileProblem:
    return _problem("xlsx_damaged", reason=" ".join(reason.split()) or "unknown")


# -- the file as a whole ------------------------------------------------------------------------


def read_table(
    source: bytes | BinaryIO, filename: str, *, sheet: str | None = None, limits: Limits
) -> Table:
    """The header and a lazy iterator of the rows of a CSV or XLSX file.

    `source` is the file's bytes or a binary file object (read from its current position, never
    closed). `sheet` names the worksheet to prefer in a workbook (any case).
    """
    stream, size = _open(source, limits)
    head = stream.read(_HEAD)
    stream.seek(0)
    if size <= _HEAD and not head.strip():
        raise _problem("file_empty")
    suffix = Path(filename).suffix.lower()
    if suffix in {".xls", ".xlsm", ".xlsb", ".ods"}:
        raise _problem("suffix_refused", suffix=suffix)
    if head.startswith(_OLE_MAGIC):
        raise _problem("ole_file")
    if suffix == ".xlsx" or head.startswith(_ZIP_MAGIC):
        if suffix != ".xlsx":
            raise _problem("zip_not_suffix", suffix=suffix or "CSV")
        return _read_xlsx(stream, sheet, limits)
    if suffix in {".csv", ".txt", ""}:
        return _read_csv(stream, head, limits)
    raise _problem("suffix_refused", suffix=suffix)


class _Window(io.RawIOBase):
    """A read-only view of `size` bytes of the caller's file from where it stood.

    Reading through it can never go past the size measured against the limit, and closing it
    (as TextIOWrapper and zipfile do) leaves the caller's file open.
    """

    def __init__(self, source: BinaryIO, start: int, size: int):
        self._source, self._start, self._size, self._pos = source, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self._size - self._pos)
        if wanted <= 0:
            return 0
        self._source.seek(self._start + self._pos)
        data = self._source.read(wanted)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _open(source: bytes | BinaryIO, limits: Limits) -> tuple[BinaryIO, int]:
    """A seekable binary stream over the file and its size, refusing a file over the limit.

    A file object that can seek is measured without being read; one that cannot is read up to
    one byte past the limit, and no further.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        size = len(source)
        if size > limits.max_bytes:
            raise _problem("file_too_big", size=f"{size:,}", limit=f"{limits.max_bytes:,}")
        return io.BytesIO(source), size
    try:
        seekable = source.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    if seekable:
        start = source.tell()
        size = source.seek(0, io.SEEK_END) - start
        source.seek(start)
        if size > limits.max_bytes:
            raise _problem("file_too_big", size=f"{size:,}", limit=f"{limits.max_bytes:,}")
        return io.BufferedReader(_Window(source, start, size)), size
    data = source.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise _problem("file_over_limit", limit=f"{limits.max_bytes:,}")
    return io.BytesIO(data), len(data)


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _char(text: str) -> str:
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else ""


class _Columns:
    """The header row, and how a row's cells map onto it."""

    def __init__(self, cells: list[tuple[int, str]], limits: Limits):
        """`cells`: (0-based column, raw text) of the header row's non-blank cells, in order."""
        self.limits = limits
        self.problems: list[Message] = []
        last = cells[-1][0] if cells else -1
        if last + 1 > limits.max_columns:
            raise _problem(
                "too_many_columns", count=f"{last + 1:,}", limit=f"{limits.max_columns:,}"
            )
        self.headers = [""] * (last + 1)
        # The column each header is read from; the second of a duplicate is not read at all.
        self.names: list[str | None] = [""] * (last + 1)
        first_seen: dict[str, int] = {}
        for index, raw in cells:
            letter = _letter(index)
            if _CONTROL.search(raw):
                self.problems.append(
                    Message("header_control_character", {"letter": letter, "char": _char(raw)}).at(
                        1, letter
                    )
                )
            if len(raw) > limits.max_cell_chars:
                self.problems.append(
                    Message(
                        "header_too_long",
                        {
                            "letter": letter,
                            "length": f"{len(raw):,}",
                            "limit": f"{limits.max_cell_chars:,}",
                        },
                    ).at(1, letter)
                )
                raw = raw[:100]
            name = raw.strip().lstrip("\ufeff").strip().lower()
            self.headers[index] = name
            if not name:
                continue
            if name in first_seen:
                self.problems.append(
                    Message(
                        "duplicate_header",
                        {"header": name, "first": _letter(first_seen[name]), "second": letter},
                    ).at(1, name)
                )
                self.names[index] = None
            else:
                first_seen[name] = index
                self.names[index] = name
        self.named = [(i, name) for i, name in enumerate(self.names) if name]
        self.unnamed = [i for i, name in enumerate(self.names) if name == ""]
        self.blank = {name: "" for _, name in self.named}

    def stray_index(self, cells: list[str]) -> int | None:
        """The first CSV cell with a value but no header, if any (cheap when there is none)."""
        count, width = len(cells), len(self.headers)
        for index in self.unnamed:
            if index < count and cells[index].strip():
                return index
        if count > width and "".join(cells[width:]).strip():
            return next(i for i in range(width, count) if cells[i].strip())
        return None

    def stray(self, number: int, index: int) -> Message:
        """A value in a column that has no header (blank, or beyond the last one)."""
        letter = _letter(index)
        if index < len(self.headers):
            return Message("cell_without_header", {"letter": letter}).at(number, letter)
        last = _letter(len(self.headers) - 1) if self.headers else "-"
        return Message("cell_beyond_header", {"letter": letter, "last": last}).at(number, letter)

    def check_cell(self, number: int, column: str, raw: str, problems: list[Message]) -> None:
        if _CONTROL.search(raw):
            problems.append(Message("control_character", {"char": _char(raw)}).at(number, column))
        if len(raw) > self.limits.max_cell_chars:
            problems.append(
                Message(
                    "cell_too_long",
                    {"length": f"{len(raw):,}", "limit": f"{self.limits.max_cell_chars:,}"},
                ).at(number, column)
            )


# -- CSV ----------------------------------------------------------------------------------------


def _read_csv(stream: BinaryIO, head: bytes, limits: Limits) -> Table:
    utf16 = head.startswith(_UTF16_BOMS)
    if b"\x00" in head[:4096] and not utf16:
        raise _problem("binary_file")
    encoding = "utf-16" if utf16 else "utf-8-sig"
    # The csv module refuses a field over its (process-wide) limit with an error that names no
    # row. A field can never be longer than the file, so lift the limit to the file limit and
    # report a long cell ourselves, with its row and column. Only ever raised, never lowered.
    if csv.field_size_limit() <= limits.max_bytes:
        csv.field_size_limit(limits.max_bytes + 1)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    lines = _Lines(text, stream, encoding)
    first = lines.peek()
    # Excel writes "Unicode text" as tab-separated UTF-16; Vietnamese-locale Excel uses ";".
    delimiter = max([",", ";", "\t"], key=first.count)
    # strict: an unclosed quote or text after a closing quote is an error we locate, rather
    # than rows silently merged into one cell.
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        index, problem = _quote_problem(lines.record(), delimiter, error)
        return Table([], iter(()), [problem.at(1, _letter(index))])
    if header is None:
        raise _problem("file_empty")
    lines.clear()
    columns = _Columns([(i, cell) for i, cell in enumerate(header) if cell.strip()], limits)
    if not columns.named and not columns.problems:
        raise _problem("no_header")
    return Table(columns.headers, _csv_rows(reader, lines, columns, delimiter), columns.problems)


class _Lines:
    """The file's lines for the csv reader, keeping those of the record being read.

    When the csv reader stops on a broken record, those lines tell where its quote opened. A
    byte that is not valid text is reported with its position in the file, as before.
    """

    def __init__(self, text: io.TextIOWrapper, stream: BinaryIO, encoding: str):
        self._text, self._stream, self._encoding = text, stream, encoding
        self._pending: list[str] = []
        self._peeked: str | None = None

    def _next_line(self) -> str:
        try:
            return self._text.readline()
        except UnicodeDecodeError:
            raise _problem("not_text", byte=_bad_byte(self._stream, self._encoding)) from None

    def peek(self) -> str:
        if self._peeked is None:
            self._peeked = self._next_line().lstrip("\ufeff")
        return self._peeked

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._peeked is not None:
            line, self._peeked = self._peeked, None
        else:
            line = self._next_line()
        if not line:
            raise StopIteration
        self._pending.append(line)
        return line

    def record(self) -> str:
        return "".join(self._pending)

    def clear(self) -> None:
        self._pending.clear()


def _bad_byte(stream: BinaryIO, encoding: str) -> int:
    """The position of the first byte that does not decode (TextIOWrapper does not say)."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    while chunk := stream.read(_HEAD):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            buffered = len(decoder.getstate()[0])
            return offset - buffered + error.start
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        return offset - len(decoder.getstate()[0]) + error.start
    return offset


def _csv_rows(reader, lines: _Lines, columns: _Columns, delimiter: str) -> Iterator[Row]:
    named, limit = columns.named, columns.limits.max_cell_chars
    number = 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            index, problem = _quote_problem(lines.record(), delimiter, error)
            column = _column_name(columns, index)
            yield Row(number + 1, dict(columns.blank), set(), [problem.at(number + 1, column)])
            return  # what follows a broken quote cannot be told apart from the cell
        if cells is None:
            return
        lines.clear()
        number += 1
        if not cells:
            continue
        count = len(cells)
        values = {name: (cells[i].strip() if i < count else "") for i, name in named}
        problems: list[Message] = []
        joined = "".join(cells)
        if len(joined) > limit or _CONTROL.search(joined):
            for i, name in named:
                if i < count:
                    columns.check_cell(number, name, cells[i], problems)
        stray = columns.stray_index(cells)
        if stray is not None:
            problems.append(columns.stray(number, stray))
        if problems or any(values.values()):
            yield Row(number, values, set(), problems)


def _column_name(columns: _Columns, index: int) -> str:
    """A cell's header, or its spreadsheet letter when it has none."""
    if index < len(columns.names) and columns.names[index]:
        return columns.names[index]
    return _letter(index)


def _quote_problem(record: str, delimiter: str, error: csv.Error) -> tuple[int, Message]:
    """Which cell of a record the csv reader refused, and why (its message names neither)."""
    index, kind = _quote_fault(record, delimiter)
    if kind is None:
        raise _problem("csv_unreadable", error=str(error))
    return index, Message(kind, {"letter": _letter(index)})


def _quote_fault(record: str, delimiter: str) -> tuple[int, str | None]:
    """(0-based cell, "unclosed_quote" or "text_after_quote") of a record's first bad quote."""
    position, index, end = 0, 0, len(record)
    while position <= end:
        if position < end and record[position] == '"':
            search = position + 1
            while True:
                close = record.find('"', search)
                if close == -1:
                    return index, "unclosed_quote"
                if record.startswith('"', close + 1):
                    search = close + 2
                    continue
                break
            position = close + 1
            if position < end and record[position] not in (delimiter, "\r", "\n"):
                return index, "text_after_quote"
        else:
            stops = [
                found
                for found in (record.find(c, position) for c in (delimiter, "\r", "\n"))
                if found != -1
            ]
            position = min(stops) if stops else end
        if position >= end or record[position] in "\r\n":
            return index, None
        position += 1
        index += 1
    return index, None


# -- XLSX ---------------------------------------------------------------------------------------

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _check_zip(archive: zipfile.ZipFile, packed_size: int, limits: Limits) -> None:
    infos = archive.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        raise _problem("zip_encrypted")
    # zipfile never inflates a member past its declared size, so checking the declared sizes
    # bounds what is really unpacked; a member that lies fails its CRC and reads as damaged.
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or packed_size or 1
    if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_zip_ratio:
        raise _problem("zip_bomb")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _problem("zip_not_workbook")
    if "xl/vbaProject.bin" in names:
        raise _problem("macro_workbook")


def _read_xlsx(stream: BinaryIO, sheet: str | None, limits: Limits) -> Table:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _problem("zip_damaged") from None
    try:
        size = stream.seek(0, io.SEEK_END)
        _check_zip(archive, size, limits)
        book = _Workbook(archive, limits)
        cells = book.rows(book.sheet_path(sheet))
        first = next(cells, None)
        if first is None:
            raise _problem("file_empty")
        number, header_cells = first
        if number != 1:
            raise _problem("no_header")
        columns = _Columns([(i, text) for i, text, _ in header_cells if text.strip()], limits)
        if not columns.named and not columns.problems:
            raise _problem("no_header")
    except FileProblem:
        archive.close()
        raise
    except Exception as error:  # zipfile, zlib, expat and defusedxml raise many types
        archive.close()
        raise _damaged(str(error) or type(error).__name__) from None
    return Table(columns.headers, _xlsx_rows(archive, cells, columns), columns.problems)


def _xlsx_rows(archive, cells, columns: _Columns) -> Iterator[Row]:
    names = columns.names
    width = len(names)
    try:
        for number, row_cells in cells:
            values = dict(columns.blank)
            missing: set[str] = set()
            problems: list[Message] = []
            stray = False
            for index, text, no_value in row_cells:
                name = names[index] if index < width else ""
                if name:
                    if text:
                        columns.check_cell(number, name, text, problems)
                        values[name] = text.strip()
                    if no_value:
                        missing.add(name)
                elif name is None:
                    continue  # the second of a duplicated header: the table is refused
                elif not stray and (text.strip() or no_value):
                    problems.append(columns.stray(number, index))
                    stray = True
            if problems or missing or any(values.values()):
                yield Row(number, values, missing, problems)
    except FileProblem:
        raise
    except Exception as error:  # damage met midway: zipfile, zlib, expat raise many types
        raise _damaged(str(error) or type(error).__name__) from None
    finally:
        archive.close()


class _Workbook:
    """The parts of a workbook that say where its sheets are and how to read their cells."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive, self.limits = archive, limits
        path = self._relations("_rels/.rels").get("officeDocument", {}).get("", "xl/workbook.xml")
        self.path = path
        self.sheets, self.date1904 = self._read_workbook(path)
        base = posixpath.dirname(path)
        self.relations = self._relations(
            posixpath.join(base, "_rels", posixpath.basename(path) + ".rels")
        )
        self._strings: list[str] | None = None
        self._styles: tuple[set[int], set[int]] | None = None

    def _parts(self, path: str) -> Iterator[tuple[str, object]]:
        with self.archive.open(path) as part:
            yield from iterparse(_NoDoctype(part), events=("start", "end"))

    def _relations(self, path: str) -> dict[str, dict[str, str]]:
        """{type's last word: {id: target path}}; "" is the first of that type."""
        found: dict[str, dict[str, str]] = {}
        if path not in self.archive.NameToInfo:
            return found
        base = posixpath.dirname(posixpath.dirname(path))
        root = None
        for event, element in self._parts(path):
            if root is None:
                root = element
            if event == "end" and element.tag == _PKG_REL:
                kind = element.get("Type", "").rsplit("/", 1)[-1]
                target = element.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(base, target))
                of_kind = found.setdefault(kind, {})
                if len(of_kind) < _MAX_SHEETS:
                    of_kind.setdefault("", target)
                    of_kind[element.get("Id", "")] = target
                root.clear()
        return found

    def _read_workbook(self, path: str) -> tuple[list[tuple[str, str]], bool]:
        sheets: list[tuple[str, str]] = []
        date1904 = False
        root = None
        for event, element in self._parts(path):
            if root is None:
                root = element
                namespace = _namespace(element.tag)
            if event != "end":
                continue
            if element.tag == namespace + "sheet":
                if len(sheets) >= _MAX_SHEETS:
                    raise _damaged(f"more than {_MAX_SHEETS:,} sheets")
                sheets.append((element.get("name", ""), element.get(f"{{{_REL}}}id", "")))
                element.clear()
            elif element.tag == namespace + "workbookPr":
                date1904 = element.get("date1904", "").lower() in {"1", "true"}
        return sheets, date1904

    def sheet_path(self, wanted: str | None) -> str:
        """The sheet named after the kind (any case), else the first worksheet (not a chart)."""
        worksheets = self.relations.get("worksheet", {})
        titles = [(title, worksheets[rid]) for title, rid in self.sheets if rid in worksheets]
        for title, path in titles:
            if wanted and title.strip().lower() == wanted.lower():
                return path
        if not titles:
            raise _problem("no_worksheet")
        return titles[0][1]

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            path = self.relations.get("sharedStrings", {}).get("")
            if path and path in self.archive.NameToInfo:
                self._strings = self._read_strings(path)
        return self._strings

    def _read_strings(self, path: str) -> list[str]:
        strings: list[str] = []
        limit = self.limits.max_shared_strings
        root, namespace, parts = None, "", 0
        for event, element in self._parts(path):
            if root is None:
                root = element
                namespace = _namespace(element.tag)
                continue
            if event == "start":
                parts += 1
                if parts > _MAX_PARTS_PER_CELL:
                    raise _damaged(f"shared string {len(strings)} has too many parts")
                continue
            if element.tag == namespace + "si":
                if len(strings) >= limit:
                    raise _problem("too_many_texts", limit=f"{limit:,}")
                strings.append(_rich_text(element, namespace))
                root.clear()
                parts = 0
        return strings

    def styles(self) -> tuple[set[int], set[int]]:
        """The cell styles (indices of cellXfs) that show a number as a date, or as a duration."""
        if self._styles is None:
            self._styles = (set(), set())
            path = self.relations.get("styles", {}).get("")
            if path and path in self.archive.NameToInfo:
                self._styles = self._read_styles(path)
        return self._styles

    def _read_styles(self, path: str) -> tuple[set[int], set[int]]:
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        custom: dict[int, str] = {}
        dates: set[int] = set()
        durations: set[int] = set()
        root = cell_xfs = None
        namespace, depth, index = "", 0, 0
        # numFmts come before cellXfs in the schema; every element is dropped once read.
        for event, element in self._parts(path):
            tag = element.tag
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    namespace = _namespace(tag)
                elif tag == namespace + "cellXfs":
                    cell_xfs = element
                continue
            depth -= 1
            if tag == namespace + "numFmt" and len(custom) < _MAX_FORMATS:
                with contextlib.suppress(ValueError):
                    custom[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
            elif tag == namespace + "xf" and cell_xfs is not None and depth == 2:
                code = _format_code(element, custom, BUILTIN_FORMATS)
                if is_date_format(code):
                    dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
                index += 1
                cell_xfs.clear()
            elif tag == namespace + "cellXfs":
                cell_xfs = None
            if depth == 1:
                root.clear()
            elif depth == 2 and cell_xfs is None:
                element.clear()
        return dates, durations

    # One streaming loop over every element of the sheet, its states kept in locals on purpose:
    # a call or an attribute per element is what bench/reading.py measures the reader by.
    def rows(self, path: str) -> Iterator[tuple[int, list[tuple[int, str, bool]]]]:  # noqa: C901
        """(row number, [(0-based column, text, formula without a saved value)]) of each row.

        Streams the sheet's XML and drops each row once read, so memory stays flat however many
        rows the sheet holds; a row with very many cells is read in batches. The stored
        dimension and `spans` are never read: only the cells themselves count. Only "start"
        events are asked for (half as many as start and end, the main cost): a row is complete
        when the next one starts, and the cells are complete when a sibling of sheetData
        starts. The parser runs a chunk ahead of its events, so elements are dropped by
        identity, never by their position from the end.
        """
        strings = self.strings()
        dates, durations = self.styles()
        read = _CellReader(strings, dates, durations, _epoch(self.date1904))
        root = sheet_data = row = None
        c_tag = v_tag = f_tag = row_tag = data_tag = ""
        number = 0
        cells_in_row = parts = before = 0
        with self.archive.open(path) as part:
            for _, element in iterparse(_NoDoctype(part), events=("start",)):
                tag = element.tag
                if tag == c_tag:
                    parts = 0
                    cells_in_row += 1
                    if cells_in_row > _CELL_BATCH:
                        # Read the cells before this one (complete) and drop them.
                        read.cells(row[:-1])
                        del row[:-1]
                        cells_in_row = 1
                    continue
                parts += 1
                if parts > _MAX_PARTS_PER_CELL:
                    raise _damaged(f"row {number} holds a cell with too many parts")
                if tag in (v_tag, f_tag):
                    continue
                if tag == row_tag:
                    if row is not None:
                        read.cells(row)
                        yield number, read.done()
                        _drop(sheet_data, row)
                    row = element
                    number = _row_number(element.get("r"), number)
                    read.column, read.row = -1, number
                    cells_in_row = parts = 0
                elif root is None:
                    root = element
                    namespace = _namespace(tag)
                    c_tag, v_tag, f_tag = namespace + "c", namespace + "v", namespace + "f"
                    row_tag, data_tag = namespace + "row", namespace + "sheetData"
                elif sheet_data is None:
                    if tag == data_tag:
                        sheet_data = element
                        while root[0] is not sheet_data:
                            del root[0]  # views, column widths...: not needed
                    else:
                        before += 1
                        if before > _MAX_PARTS_BEFORE_CELLS:
                            raise _damaged("too many elements before the cells")
                elif any(child is element for child in root):
                    break  # sheetData has ended: merged ranges, margins... are not needed
            if row is not None:
                read.cells(row)
                yield number, read.done()


def _drop(parent, child) -> None:
    if len(parent) and parent[0] is child:
        del parent[0]
    else:
        parent.remove(child)


class _CellReader:
    """The text of `<c>` elements, collected for one row at a time."""

    def __init__(self, strings: list[str], dates: set[int], durations: set[int], epoch):
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.column = -1
        self.row = 0
        self._cells: list[tuple[int, str, bool]] = []
        self._tags: dict[str, str] = {}

    def done(self) -> list[tuple[int, str, bool]]:
        cells, self._cells = self._cells, []
        return cells

    def cells(self, elements) -> None:
        for element in elements:
            tags = self._tags.get(element.tag[:-1])
            if tags is None:
                namespace = element.tag[:-1]
                tags = self._tags[namespace] = {
                    "v": namespace + "v",
                    "f": namespace + "f",
                    "is": namespace + "is",
                }
            self.column = _column_index(element.get("r"), self.column, self.row)
            cell = _cell(element, tags, self.strings, self.dates, self.durations, self.epoch)
            if cell is not None:
                self._cells.append((self.column, cell[0], cell[1]))


class _NoDoctype:
    """A workbook part's bytes, refused if they hold a document type declaration.

    The parts of an .xlsx may not contain a DTD (Open Packaging Conventions), and without one
    an XML file can declare no entity: no entity expansion ("billion laughs"), no external
    entity. Refusing it here lets the sheet be parsed by ElementTree's C parser; defusedxml
    would force the pure-Python one, ten times slower.
    """

    _DOCTYPE = tuple(
        "<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    )

    def __init__(self, part):
        self._part, self._tail = part, b""

    def read(self, size: int = -1) -> bytes:
        data = self._part.read(size)
        window = self._tail + data
        if any(doctype in window for doctype in self._DOCTYPE):
            raise _damaged("a document type declaration (DTD), which a workbook never holds")
        self._tail = window[-20:]
        return data


def _namespace(tag: str) -> str:
    """ "{uri}" of an element's tag: the transitional and the strict schemas differ."""
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def _epoch(date1904: bool):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    return CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900


def _row_number(reference: str | None, previous: int) -> int:
    if reference is None:
        return previous + 1
    try:
        number = int(reference)
    except ValueError:
        raise _damaged(f"row number {reference[:20]!r}") from None
    if not previous < number <= 1_048_576:
        raise _damaged(f"row {number} after row {previous}")
    return number


_LETTERS = re.compile(r"[A-Z]{1,3}")


def _column_index(reference: str | None, previous: int, row: int) -> int:
    """0-based column of a cell reference such as "AB12"; the next column when there is none."""
    if reference is None:
        index = previous + 1
    else:
        letters = reference.rstrip("0123456789")
        if not _LETTERS.fullmatch(letters):
            raise _damaged(f"cell reference {reference[:20]!r}")
        index = -1
        for letter in letters:
            index = (index + 1) * 26 + ord(letter) - 65
        if index <= previous:
            raise _damaged(f"cell {reference} out of order")
    if index >= 16_384:
        raise _damaged(f"a cell beyond column XFD in row {row}")
    return index


def _format_code(xf, custom: dict[int, str], builtin: dict[int, str]) -> str | None:
    """The number format of a cell style (`<xf>`): a custom one of the file, or a built-in."""
    try:
        format_id = int(xf.get("numFmtId", "0"))
    except ValueError:
        format_id = 0
    return custom.get(format_id, builtin.get(format_id))


def _cell(element, tags, strings, dates, durations, epoch) -> tuple[str, bool] | None:
    """(text, formula without a saved value) of one `<c>` element, None when it is empty."""
    kind = element.get("t", "n")
    value = None
    has_value = formula = False
    inline = None
    for child in element:
        tag = child.tag
        if tag == tags["v"]:
            has_value, value = True, child.text
        elif tag == tags["f"]:
            formula = True
        elif tag == tags["is"]:
            inline = child
    if formula and (not has_value or (not value and kind != "str")):
        # No saved value: a file written by a program that never computed it. A saved empty
        # text (`t="str"` with an empty `<v>`) is how Excel and LibreOffice store ="": blank.
        return "", True
    if kind == "inlineStr":
        return (_rich_text(inline, tags["is"][: -len("is")]) if inline is not None else ""), False
    if not value:
        return None
    if kind == "n":
        return _number(value, element.get("s"), dates, durations, epoch), False
    return _saved_text(kind, value, element, strings), False


def _saved_text(kind: str, value: str, element, strings) -> str:
    """The text of a saved value of a cell that is not a number: a shared string, a boolean, an
    ISO date, or a formula's text or an error as written."""
    if kind == "s":
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            raise _damaged(f"cell {element.get('r')}: no shared string {value[:20]!r}") from None
    if kind == "b":
        return "yes" if value.strip() not in {"0", "false"} else "no"
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        try:
            return str(from_ISO8601(value))
        except ValueError:
            raise _damaged(f"cell {element.get('r')}: {value[:20]!r} is not a date") from None
    return _unescape(value)  # "str" (a formula's text), "e" (#N/A...), anything else


def _number(text: str, style: str | None, dates, durations, epoch) -> str:
    try:
        number = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
    except ValueError:
        raise _damaged(f"{text[:20]!r} is not a number") from None
    if style and int(style) in dates:
        from openpyxl.utils.datetime import from_excel

        try:
            return str(from_excel(number, epoch, timedelta=int(style) in durations))
        except (OverflowError, ValueError):
            return "#VALUE!"  # what openpyxl and Excel show for a serial that is no date
    return _number_text(number)


def _number_text(number: int | float) -> str:
    if isinstance(number, int):
        return str(number)
    # repr gives the shortest text that round-trips: 84.43, not 84.4299999; a person never
    # writes an exponent, so 1e-05 is written 0.00001.
    text = repr(number)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def _rich_text(element, namespace: str) -> str:
    """The text of a shared or inline string: its `<t>` and its runs' `<t>`, no phonetics."""
    t, r = namespace + "t", namespace + "r"
    parts = []
    for child in element:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            parts.extend(run.text or "" for run in child if run.tag == t)
    return _unescape("".join(parts))


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold (control characters) as _xHHHH_."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


# -- numbers as people write them ---------------------------------------------------------------

# A sign only for negatives (a leading + is how a spreadsheet formula starts); ASCII digits,
# optionally grouped by thousands with spaces; one decimal point or comma.
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)?(?:[.,][0-9]+)?")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def parse_decimal(text: str) -> Decimal:
    """A number as a person writes it in a cell. Raises ValueError on anything else.

    Accepted: 84.43, 84,43 (decimal comma), -3.5, .5, 007, 1 234,5 (groups of three separated
    by spaces, also no-break or thin ones). Refused, though Python's Decimal takes them: a
    leading +, digit separators such as _, exponents (1e3), Infinity and NaN, digits of other
    scripts, a lone or trailing separator (5., 1,2.5), loose spaces (8 5).
    """
    cleaned = text.strip().translate(_SPACES)
    if not cleaned or not _NUMBER.fullmatch(cleaned) or not any(c.isdigit() for c in cleaned):
        raise ValueError(text)
    try:
        value = Decimal(cleaned.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    return value.copy_abs() if value.is_zero() else value  # -0 is 0


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


__all__ = [
    "FileProblem",
    "Limits",
    "Row",
    "Table",
    "decimal_places",
    "parse_decimal",
    "read_table",
]

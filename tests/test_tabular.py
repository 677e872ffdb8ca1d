"""The file reader on its own: real CSV bytes and real workbooks, careless and hostile ones.

Workbooks are written by openpyxl and then edited at the XML level where a case needs what
Excel, LibreOffice or a malicious hand would have saved. Messages are asserted as the commands
print them (English, tests/conftest.py).
"""

import io
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from files.tabular import FileProblem, Limits, Table, decimal_places, parse_decimal, read_table
from tests.files import forge, with_sheet_xml, workbook, zip_members, zipped

LIMITS = Limits()
HEADER = ["year", "unit", "points"]


# -- helpers ------------------------------------------------------------------------------


def _read(data: bytes, filename: str = "file.csv", limits: Limits = LIMITS, **kwargs) -> Table:
    return read_table(data, filename, limits=limits, **kwargs)


def _rows(table: Table) -> list[tuple[int, dict[str, str]]]:
    return [(row.number, row.values) for row in table.rows]


def _problems(table: Table) -> list[str]:
    """Every problem of the table, header first, as the commands print them."""
    lines = [str(problem) for problem in table.problems]
    for row in table.rows:
        lines.extend(str(problem) for problem in row.problems)
    return lines


def _refusal(data: bytes, filename: str = "file.csv", limits: Limits = LIMITS, **kwargs) -> str:
    """The whole-file refusal, raised by read_table or while its rows are read."""
    with pytest.raises(FileProblem) as raised:
        list(_read(data, filename, limits, **kwargs).rows)
    assert raised.value.message.row is None
    return str(raised.value.message)


def _small_workbook() -> bytes:
    return workbook(("scores", [HEADER, [2019, "01", 5]]))


class _Counting(io.RawIOBase):
    """A file object that cannot seek (a pipe, a socket) and counts what is read from it."""

    def __init__(self, data: bytes):
        self._data, self.read_bytes = data, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data[self.read_bytes : self.read_bytes + len(buffer)]
        buffer[: len(chunk)] = chunk
        self.read_bytes += len(chunk)
        return len(chunk)


# -- good files: what the importers rely on -----------------------------------------------


def test_csv_headers_are_lower_cased_and_stripped_and_rows_numbered_as_a_spreadsheet():
    table = _read(b"\xef\xbb\xbf Year ,UNIT,Points\r\n2019,01, 5 \r\n\r\n,,\r\n2019,31,4\r\n")

    assert table.headers == ["year", "unit", "points"]
    assert table.problems == []
    assert _rows(table) == [
        (2, {"year": "2019", "unit": "01", "points": "5"}),
        (5, {"year": "2019", "unit": "31", "points": "4"}),
    ]


def test_utf16_tab_separated_text_as_excel_writes_it_is_read():
    text = "year\tunit\tpoints\r\n2019\tCà Mau\t4,5\r\n"

    table = _read(b"\xff\xfe" + text.encode("utf-16-le"), "diem.txt")

    assert _rows(table) == [(2, {"year": "2019", "unit": "Cà Mau", "points": "4,5"})]


def test_semicolons_and_a_note_spanning_two_lines_are_one_row():
    table = _read('year;unit;note\n2019;01;"Thiếu;\nbổ sung"\n2019;31;x\n'.encode())

    assert _rows(table) == [
        (2, {"year": "2019", "unit": "01", "note": "Thiếu;\nbổ sung"}),
        (3, {"year": "2019", "unit": "31", "note": "x"}),
    ]


def test_a_short_row_reads_its_missing_cells_as_blank():
    assert _rows(_read(b"year,unit,points\n2019,01\n")) == [
        (2, {"year": "2019", "unit": "01", "points": ""})
    ]


def test_a_workbook_gives_numbers_booleans_and_dates_as_text():
    import datetime

    data = workbook(
        (
            "scores",
            [
                HEADER,
                [2019, "01", 84.43],
                [2019, True, 0.00001],
                [datetime.date(2020, 1, 2), "31", 1e20],
            ],
        )
    )

    assert _rows(_read(data, "diem.xlsx")) == [
        (2, {"year": "2019", "unit": "01", "points": "84.43"}),
        (3, {"year": "2019", "unit": "yes", "points": "0.00001"}),
        (4, {"year": "2020-01-02 00:00:00", "unit": "31", "points": "100000000000000000000"}),
    ]


def test_the_sheet_named_after_the_kind_is_read_and_a_chart_sheet_in_front_is_passed_over():
    from openpyxl.chart import BarChart

    book = Workbook()
    book.active.title = "Hướng dẫn"
    book.active.append(["read me"])
    book.create_sheet("SCORES").append(HEADER)
    book["SCORES"].append([2019, "01", 5])
    book.create_chartsheet("Biểu đồ", 0).add_chart(BarChart())
    buffer = io.BytesIO()
    book.save(buffer)

    assert _rows(_read(buffer.getvalue(), "diem.xlsx", sheet="scores")) == [
        (2, {"year": "2019", "unit": "01", "points": "5"})
    ]
    assert _read(buffer.getvalue(), "diem.xlsx").headers == ["read me"]


def test_a_workbook_with_shared_strings_and_rich_text_as_excel_saves_it_is_read():
    members = zip_members(_small_workbook())
    members["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2">'
        "<si><t>Hà Nội</t></si>"
        "<si><r><t>Thiếu </t></r><r><rPr><b/></rPr><t>tài liệu</t></r>"
        "<rPh><t>phonetic</t></rPh></si></sst>"
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    sheet = members["xl/worksheets/sheet1.xml"]
    start = sheet.index(b'<row r="2"')
    end = sheet.index(b"</row>", start) + len(b"</row>")
    members["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + b'<row r="2"><c r="A2"><v>2019</v></c><c r="B2" t="s"><v>0</v></c>'
        b'<c r="C2" t="s"><v>1</v></c></row>' + sheet[end:]
    )

    assert _rows(_read(zipped(members), "diem.xlsx")) == [
        (2, {"year": "2019", "unit": "Hà Nội", "points": "Thiếu tài liệu"})
    ]


def test_rows_are_a_lazy_iterator():
    table = _read(b"year,unit\n2019,01\n2019,31\n")

    assert iter(table.rows) is table.rows
    assert next(table.rows).number == 2


# -- the size limit -----------------------------------------------------------------------


def test_bytes_over_the_limit_are_refused_with_their_size():
    data = b"year,unit\n" + b"2019,01\n" * 200

    assert _refusal(data, limits=Limits(max_bytes=1000)) == (
        "the file is 1,610 bytes, over the limit of 1,000"
    )


def test_a_file_object_over_the_limit_is_measured_without_being_read(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"year,unit\n" + b"2019,01\n" * 200)

    with path.open("rb") as source:
        with pytest.raises(FileProblem) as raised:
            read_table(source, "big.csv", limits=Limits(max_bytes=1000))
        assert source.tell() == 0

    assert str(raised.value.message) == "the file is 1,610 bytes, over the limit of 1,000"


def test_a_stream_over_the_limit_is_refused_after_reading_one_byte_past_it():
    source = _Counting(b"year,unit\n" + b"2019,01\n" * 10_000)

    with pytest.raises(FileProblem) as raised:
        read_table(source, "big.csv", limits=Limits(max_bytes=1000))

    assert str(raised.value.message) == "the file is over the limit of 1,000 bytes"
    assert source.read_bytes <= 1001


def test_a_stream_within_the_limit_is_read():
    source = _Counting(b"year,unit\n2019,01\n")

    table = read_table(source, "ok.csv", limits=Limits(max_bytes=1000))

    assert _rows(table) == [(2, {"year": "2019", "unit": "01"})]


# -- whole-file refusals kept from before -------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"   \n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_an_empty_file_is_refused(data):
    assert _refusal(data) == "the file is empty"


def test_a_workbook_without_any_cell_is_refused_as_empty():
    assert _refusal(workbook(("scores", [])), "empty.xlsx") == "the file is empty"


@pytest.mark.parametrize("data", [b"\n\nyear,unit\n2019,01\n", b",,,\n2019,01\n"])
def test_a_file_whose_first_row_is_blank_has_no_header(data):
    assert _refusal(data) == "the file has no header row"


def test_a_png_renamed_csv_is_refused_as_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02"

    assert _refusal(png + bytes(200), "scan.csv") == "the file is binary, not CSV text"


def test_a_legacy_code_page_is_refused_with_the_byte():
    data = "year,unit\n2019,Cà Mau\n".encode("cp1252")

    assert _refusal(data) == (
        "the file is not UTF-8 or UTF-16 text (byte 16); save it as CSV UTF-8"
    )


def test_a_bad_byte_far_down_the_file_is_found_while_rows_are_read_with_its_position():
    good = b"year,unit\n" + b"2019,01\n" * 20_000
    table = _read(good + b"2019,C\xe0 Mau\n")

    with pytest.raises(FileProblem) as raised:
        list(table.rows)

    assert str(raised.value.message) == (
        f"the file is not UTF-8 or UTF-16 text (byte {len(good) + 6}); save it as CSV UTF-8"
    )


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (
            b"not a zip at all" * 10,
            "bang-diem.xlsx",
            "the .xlsx file is damaged (not a readable zip archive)",
        ),
        (None, "scores.csv", "the file is a zip archive, not a .csv file"),
        (None, "scores.xls", ".xls files are not accepted (expected .csv or .xlsx)"),
        (None, "SCORES.XLSM", ".xlsm files are not accepted (expected .csv or .xlsx)"),
        (b"year\n", "scores.pdf", ".pdf files are not accepted (expected .csv or .xlsx)"),
        (
            bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600),
            "protected.xlsx",
            "this is an old .xls or a password-protected workbook; "
            "save it as an unprotected .xlsx or .csv",
        ),
    ],
)  # fmt: skip
def test_disguised_files_are_refused(data, filename, expected):
    assert _refusal(data if data is not None else _small_workbook(), filename) == expected


def test_a_truncated_workbook_is_refused_as_damaged():
    data = _small_workbook()

    assert _refusal(data[: len(data) // 2], "cut.xlsx") == (
        "the .xlsx file is damaged (not a readable zip archive)"
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    data = zipped({"report.xml": "<w:document/>", "readme.txt": "hello"})

    assert _refusal(data, "scores.xlsx") == "the file is a zip archive but not an Excel workbook"


def test_a_macro_workbook_renamed_xlsx_is_refused():
    members = zip_members(_small_workbook())
    members["xl/vbaProject.bin"] = bytes(100)

    assert _refusal(zipped(members), "scores.xlsx") == (
        "macro-enabled workbooks are not accepted; save it as .xlsx"
    )


def test_encrypted_zip_entries_are_refused():
    data = forge(_small_workbook(), "xl/worksheets/sheet1.xml", "flags", 0x1)

    assert _refusal(data, "locked.xlsx") == (
        "the workbook is encrypted; remove its password and import again"
    )


ZIP_BOMB = "the .xlsx file would unpack to an unreasonable size (a zip bomb?); refused"


def test_a_zip_bomb_is_refused_by_its_ratio():
    data = with_sheet_xml(_small_workbook(), b"<sheetData>", b"<sheetData>" + b" " * 4_000_000)

    assert _refusal(data, "bomb.xlsx") == ZIP_BOMB


def test_a_workbook_over_the_unpacked_limit_is_refused():
    assert _refusal(_small_workbook(), "big.xlsx", Limits(max_unpacked_bytes=2000)) == ZIP_BOMB


def test_a_zip_bomb_that_understates_its_size_is_refused_as_damaged():
    bomb = with_sheet_xml(_small_workbook(), b"<sheetData>", b"<sheetData>" + b" " * 4_000_000)
    packed = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml").compress_size
    liar = forge(bomb, "xl/worksheets/sheet1.xml", "file_size", packed * 50)

    assert _refusal(liar, "bomb.xlsx").startswith("the .xlsx file is damaged and cannot be read (")


def test_an_xml_entity_declaration_is_refused_before_it_is_expanded():
    data = with_sheet_xml(
        _small_workbook(),
        b"<worksheet",
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><worksheet',
    )

    assert _refusal(data, "laughs.xlsx") == (
        "the .xlsx file is damaged and cannot be read "
        "(a document type declaration (DTD), which a workbook never holds)"
    )


def test_a_damaged_number_is_refused_as_damaged():
    data = with_sheet_xml(_small_workbook(), b"<v>5</v>", b"<v>x5</v>")

    assert _refusal(data, "damaged.xlsx") == (
        "the .xlsx file is damaged and cannot be read ('x5' is not a number)"
    )


def test_broken_xml_far_down_a_sheet_is_found_while_rows_are_read():
    rows = [HEADER] + [[2019, "01", n] for n in range(3000)]
    data = with_sheet_xml(workbook(("scores", rows)), b'<row r="2999">', b'<row r="2999"><c>')
    table = _read(data, "cut.xlsx")

    with pytest.raises(FileProblem) as raised:
        list(table.rows)

    assert str(raised.value.message).startswith(
        "the .xlsx file is damaged and cannot be read (mismatched tag"
    )


# -- careless files: problems located at a row and a column -------------------------------


def test_the_same_header_twice_is_refused_at_row_1():
    table = _read(b"year,unit,points,Unit\n2019,01,5,31\n")

    assert [str(problem) for problem in table.problems] == [
        "row 1, column unit: the column unit appears twice (spreadsheet columns B and D); keep one"
    ]


def test_the_same_header_twice_in_a_workbook_is_refused_at_row_1():
    data = workbook(("scores", [["year", "unit", " YEAR "], [2019, "01", 2020]]))

    assert _problems(_read(data, "diem.xlsx")) == [
        "row 1, column year: the column year appears twice (spreadsheet columns A and C); keep one"
    ]


def test_a_row_with_more_cells_than_the_header_is_refused_at_the_first_extra_cell():
    table = _read(b"year,unit,points\n2019,01,5\n2019,31,4,,9,8\n2019,10,3,,\n")

    assert _problems(table) == [
        "row 3, column E: a value in spreadsheet column E, beyond the last column of the header "
        "(C): the row has more cells than the header"
    ]


def test_a_workbook_row_with_more_cells_than_the_header_is_refused():
    data = workbook(("scores", [HEADER, [2019, "01", 5, None, "lạc"]]))

    assert _problems(_read(data, "diem.xlsx")) == [
        "row 2, column E: a value in spreadsheet column E, beyond the last column of the header "
        "(C): the row has more cells than the header"
    ]


def test_a_value_under_a_blank_header_is_refused():
    table = _read(b"year,,points\n2019,01,5\n")

    assert table.headers == ["year", "", "points"]
    assert _problems(table) == [
        "row 2, column B: a value in spreadsheet column B, whose header is blank; "
        "give the column a header or clear it"
    ]


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_cell_is_refused_at_its_row_and_column(char):
    text = f"year,unit,points\n2019,01,5\n2019,Hà{char}Nội,5\n"

    assert _problems(_read(text.encode())) == [
        f"row 3, column unit: the cell holds a control character (U+{ord(char):04X}), "
        "which text never contains; remove it"
    ]


def test_a_nul_far_into_the_file_is_refused_at_its_row():
    data = b"year,unit,points\n" + b"2019,01,5\n" * 1000 + b"2019,01,\x005\n"

    assert _problems(_read(data)) == [
        "row 1002, column points: the cell holds a control character (U+0000), "
        "which text never contains; remove it"
    ]


def test_a_nul_in_the_first_kilobytes_means_a_binary_file():
    assert _refusal(b"year,unit\n2019,\x0001\n") == "the file is binary, not CSV text"


def test_a_control_character_in_a_header_is_refused_at_row_1():
    assert _problems(_read(b"year,un\x02it\n2019,01\n")) == [
        "row 1, column B: the header in spreadsheet column B holds a control character "
        "(U+0002); remove it"
    ]


def test_a_control_character_escaped_in_a_workbook_is_refused():
    # Excel writes characters XML cannot hold as _xHHHH_; the reader decodes them.
    data = with_sheet_xml(
        workbook(("scores", [HEADER, [2019, "Hà Nội", 5]])), b"<t>H\xc3\xa0", b"<t>_x0001_H"
    )

    assert _problems(_read(data, "diem.xlsx")) == [
        "row 2, column unit: the cell holds a control character (U+0001), "
        "which text never contains; remove it"
    ]


def test_a_huge_cell_is_reported_at_its_row_and_column():
    data = b"year,unit,note\n2019,01,ok\n2019,31," + b"x" * 200_000 + b"\n2019,10,ok\n"

    table = _read(data, limits=Limits(max_cell_chars=1000))

    assert _problems(table) == [
        "row 3, column note: the cell holds 200,000 characters, over the limit of 1,000"
    ]


def test_a_huge_quoted_cell_over_the_csv_modules_own_limit_is_reported_at_its_cell():
    data = b'year,unit,note\n2019,31,"' + b"x\n" * 100_000 + b'"\n2019,10,ok\n'

    table = _read(data)

    assert _problems(table) == [
        "row 2, column note: the cell holds 200,000 characters, over the limit of 32,767"
    ]


def test_a_huge_workbook_cell_is_reported_at_its_row_and_column():
    data = workbook(("scores", [HEADER, [2019, "01", "y" * 5000]]))

    assert _problems(_read(data, "diem.xlsx", Limits(max_cell_chars=4000))) == [
        "row 2, column points: the cell holds 5,000 characters, over the limit of 4,000"
    ]


# -- quotes that do not close -------------------------------------------------------------


def test_an_unclosed_quote_is_refused_at_the_row_and_cell_where_it_opened():
    data = b'year,unit,note\n2019,01,ok\n2019,31,"Thi\xe1\xba\xbfu\n2019,10,ok\n2019,22,ok\n'

    table = _read(data)
    rows = list(table.rows)

    assert [row.number for row in rows] == [2, 3]
    assert [str(problem) for problem in rows[1].problems] == [
        "row 3, column note: the quote that opens this cell (spreadsheet column C) is never "
        "closed, so it would swallow every row after it; close it, or write a quote inside a "
        'cell as ""'
    ]


def test_a_quote_closed_rows_later_and_followed_by_text_is_refused_where_it_opened():
    data = b'year,unit,note\n2019,01,"stray\n2019,31,ok\n2019,10,"x"y\n'

    assert _problems(_read(data)) == [
        "row 2, column note: text follows the closing quote of this cell (spreadsheet column "
        'C); quote the whole cell and write a quote inside it as ""'
    ]


def test_an_unclosed_quote_in_the_header_is_refused_at_row_1():
    table = _read(b'year,"unit\n2019,01\n')

    assert table.headers == []
    assert _problems(table) == [
        "row 1, column B: the quote that opens this cell (spreadsheet column B) is never "
        "closed, so it would swallow every row after it; close it, or write a quote inside a "
        'cell as ""'
    ]


def test_quotes_doubled_inside_a_quoted_cell_are_one_quote():
    assert _rows(_read(b'year,note\n2019,"say ""hi"", then go"\n')) == [
        (2, {"year": "2019", "note": 'say "hi", then go'})
    ]


# -- formulas -----------------------------------------------------------------------------


def test_a_formula_without_a_saved_value_is_flagged():
    # openpyxl writes formulas with an empty <v/>, as a script that never opened Excel.
    data = workbook(("scores", [HEADER, [2019, "01", "=8-0.5"]]))
    rows = list(_read(data, "diem.xlsx").rows)

    assert [(row.number, row.formula_without_value) for row in rows] == [(2, {"points"})]


def test_a_formula_with_no_value_element_at_all_is_flagged():
    written = workbook(("scores", [HEADER, [2019, "01", "=8-0.5"]]))
    data = with_sheet_xml(written, b"<f>8-0.5</f><v />", b"<f>8-0.5</f>")

    assert [row.formula_without_value for row in _read(data, "diem.xlsx").rows] == [{"points"}]


def test_a_formula_counts_by_its_saved_value():
    written = workbook(("scores", [HEADER, [2019, "01", "=8-0.5"]]))
    data = with_sheet_xml(written, b"<f>8-0.5</f><v />", b"<f>8-0.5</f><v>7.5</v>")
    rows = list(_read(data, "diem.xlsx").rows)

    assert [(row.values["points"], row.formula_without_value) for row in rows] == [("7.5", set())]


def test_a_formula_saved_as_an_empty_text_is_a_blank_cell():
    # ="" as Excel and LibreOffice save it: a string result with an empty cached value.
    written = workbook(("scores", [HEADER, [2019, "01", "=8-0.5"], [2019, "31", 4]]))
    data = with_sheet_xml(
        written, b'<c r="C2"><f>8-0.5</f><v /></c>', b'<c r="C2" t="str"><f>""</f><v></v></c>'
    )
    rows = list(_read(data, "diem.xlsx").rows)

    assert [(row.number, row.values["points"], row.formula_without_value) for row in rows] == [
        (2, "", set()),
        (3, "4", set()),
    ]


# -- hostile shapes: work proportional to what is stored, not to what is claimed ------------


def test_a_lying_dimension_does_not_hide_rows():
    rows = [HEADER] + [[2019, "01", n] for n in range(5)]
    data = with_sheet_xml(
        workbook(("scores", rows)), b'<dimension ref="A1:C6"', b'<dimension ref="A1:B2"'
    )

    assert [row.values["points"] for row in _read(data, "diem.xlsx").rows] == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]


def test_a_cell_at_xfd1048576_is_one_problem_not_seventeen_billion_cells():
    data = with_sheet_xml(
        _small_workbook(),
        b"</sheetData>",
        b'<row r="1048576" spans="1:16384"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
    )
    data = with_sheet_xml(data, b'<dimension ref="A1:C2"', b'<dimension ref="A1:XFD1048576"')

    assert _problems(_read(data, "diem.xlsx")) == [
        "row 1048576, column XFD: a value in spreadsheet column XFD, beyond the last column of "
        "the header (C): the row has more cells than the header"
    ]


def test_a_header_with_a_million_empty_columns_is_read_as_its_named_ones():
    data = b"year,unit" + b"," * 1_000_000 + b"\n2019,01\n"

    table = _read(data)

    assert table.headers == ["year", "unit"]
    assert _rows(table) == [(2, {"year": "2019", "unit": "01"})]


def test_a_header_padded_with_empty_cells_up_to_xfd_is_read_as_its_named_ones():
    from openpyxl.utils import get_column_letter

    empty = b"".join(
        b'<c r="%s1" s="0"/>' % get_column_letter(index).encode() for index in range(4, 16_385)
    )
    data = with_sheet_xml(_small_workbook(), b"</row>", empty + b"</row>")

    table = _read(data, "diem.xlsx")

    assert table.headers == HEADER
    assert _rows(table) == [(2, {"year": "2019", "unit": "01", "points": "5"})]


def test_a_row_of_a_million_cells_is_refused_in_bounded_memory():
    # Cells without a reference take the next column: past XFD the sheet cannot be Excel's.
    data = with_sheet_xml(
        _small_workbook(), b"</row></sheetData>", b"<c/>" * 1_000_000 + b"</row></sheetData>"
    )

    tracemalloc.start()
    try:
        refusal = _refusal(data, "wide.xlsx", Limits(max_zip_ratio=10**6))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert refusal == (
        "the .xlsx file is damaged and cannot be read (a cell beyond column XFD in row 2)"
    )
    assert peak < 20_000_000


def test_more_named_columns_than_the_limit_are_refused():
    data = (",".join(f"c{n}" for n in range(2000)) + "\n").encode()

    assert _refusal(data) == "the header row has 2,000 columns, more than the 1,024 accepted"


# -- streaming: memory does not grow with the number of rows ------------------------------


def _large_csv(rows: int) -> bytes:
    header = "year,unit,respondent_id,gov_level,sector,access,procedures,civil_servants,results"
    line = "2019,01,R{:07d},province,đất đai,4,5,3,4\n"
    return (header + "\n" + "".join(line.format(n) for n in range(rows))).encode()


def _peak_of_reading(data: bytes, filename: str) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_table(data, filename, limits=LIMITS).rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return count, peak


def test_reading_a_large_csv_does_not_hold_its_rows():
    data = _large_csv(100_000)  # about 5 MB of text; its rows as dicts would be ~100 MB

    count, peak = _peak_of_reading(data, "sipas.csv")

    assert count == 100_000
    assert peak < 5_000_000


def test_reading_a_large_workbook_does_not_hold_its_rows():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("sipas")
    sheet.append(["year", "unit", "respondent_id", "access"])
    for n in range(30_000):
        sheet.append([2019, "01", f"R{n:07d}", 4])
    buffer = io.BytesIO()
    book.save(buffer)

    count, peak = _peak_of_reading(buffer.getvalue(), "sipas.xlsx")

    assert count == 30_000
    assert peak < 10_000_000


# -- numbers as people write them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("84.43", "84.43"),
        ("84,43", "84.43"),
        (" 8 ", "8"),
        ("-3.5", "-3.5"),
        ("-0", "0"),
        (".5", "0.5"),
        ("007", "7"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234 567.25", "1234567.25"),
        ("1,234", "1.234"),  # one comma: a decimal comma, as before
    ],
)
def test_numbers_as_people_write_them_are_read(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "x",
        "+5",
        "1_000",
        "1e3",
        "1E-2",
        "Infinity",
        "-inf",
        "NaN",
        "٣",  # Arabic-Indic three
        "３",  # full-width three
        "5.",
        "5,",
        ",",
        "-",
        "1,234.5",
        "1.234,5",
        "8 5",
        "12 34",
        "0x10",
    ],
)
def test_number_syntax_no_person_writes_is_refused(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("value", "places"), [("8", 0), ("8.50", 1), ("8.25", 2), ("0.001", 3), ("100", 0)]
)
def test_decimal_places(value, places):
    assert decimal_places(Decimal(value)) == places

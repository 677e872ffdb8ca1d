"""Tests for the file imports of docs/formats.md, driven through real files.

Every problem the format promises to catch is imported as a file and must give the exact
`row N, column C: ...` line(s) with nothing written; the good paths (encodings, delimiters,
workbooks, spellings, re-imports, the command) import real files too. The shared fixture is
conftest's: Hà Nội (01), Hải Phòng (31) and Lào Cai (10) on a 2019 tree of maximum 20.
"""

import hashlib
import io
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from openpyxl.chart import BarChart

from provinces import names
from scoring.imports import ImportReport, import_file
from scoring.models import (
    Criterion,
    Edition,
    Participant,
    Result,
    Score,
    ScoreChange,
    SummaryScore,
)
from scoring.publish import publish_edition
from tests.conftest import (
    MINISTRY_PARTICIPANTS,
    MINISTRY_TREE,
    PROVINCE_PARTICIPANTS,
    PROVINCE_TREE,
    imported,
    lines,
    run_import,
)
from tests.files import forge, with_sheet_xml, workbook, zip_members, zipped

SCORES_HEADER = ["year", "level", "unit", "criterion", "self_points", "appraised_points"]
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


# -- helpers ------------------------------------------------------------------------------


def _snapshot() -> dict[str, list]:
    """Every row an import can write, so that "nothing written" means nothing changed."""
    return {
        "editions": list(
            Edition.objects.order_by("pk").values_list(
                "pk", "year", "level", "status", "summary_only"
            )
        ),
        "criteria": list(
            Criterion.objects.order_by("pk").values_list(
                "pk", "edition_id", "parent_id", "code", "name_vi", "max_points", "method"
            )
        ),
        "participants": list(
            Participant.objects.order_by("pk").values_list(
                "pk", "edition_id", "unit_id", "ranked", "note"
            )
        ),
        "scores": list(
            Score.objects.order_by("pk").values_list(
                "pk",
                "participant_id",
                "criterion_id",
                "self_points",
                "appraised_points",
                "appraisal_reason",
                "survey_points",
                "respondents",
            )
        ),
        "summaries": list(
            SummaryScore.objects.order_by("pk").values_list(
                "pk", "participant_id", "index", "rank", "field_indices"
            )
        ),
        "changes": list(ScoreChange.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _refused(
    kind: str, text: str = "", *, data: bytes | None = None, filename: str = "file.csv"
) -> list[str]:
    """Import a file that must be refused, check that nothing was written, return the lines."""
    before = _snapshot()
    report = import_file(kind, data, filename) if data is not None else run_import(kind, text)
    assert not report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert _snapshot() == before
    return lines(report.problems)


def _import_bytes(kind: str, data: bytes, filename: str) -> ImportReport:
    report = import_file(kind, data, filename)
    assert report.ok, report.problems
    return report


def _csv(text: str) -> str:
    return textwrap.dedent(text)


def _points(unit_code: str, criterion: str, year: int = 2019) -> Score:
    return Score.objects.get(
        participant__edition__year=year,
        participant__unit__code=unit_code,
        criterion__code=criterion,
    )


def _scores_workbook() -> bytes:
    return workbook(("scores", [SCORES_HEADER, [2019, "province", 31, "2.1", 5, 5]]))


@pytest.fixture
def edition_2025(db) -> Edition:
    """A 2025 province edition: created with every unit of 2025, i.e. the 34 new provinces."""
    imported(
        "methodology",
        """\
        year,level,code,name_vi,max_points,method
        2025,province,1,Lĩnh vực một,10,self
        """,
    )
    return Edition.objects.get(year=2025, level="province")


# -- the problems every import must catch: exact lines, nothing written --------------------


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"   \n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_an_empty_file_is_refused(db, data):
    assert _refused("scores", data=data) == ["file file.csv: the file is empty"]


def test_a_workbook_without_any_cell_is_refused_as_empty(db):
    data = workbook(("scores", []))

    assert _refused("scores", data=data, filename="empty.xlsx") == [
        "file empty.xlsx: the file is empty"
    ]


def test_a_file_with_headers_but_no_rows_is_refused(scored_provinces):
    problems = _refused("scores", "year,level,unit,criterion,self_points\n\n")

    assert problems == ["row 2: the file has a header but no data rows"]


def test_a_missing_required_column_is_named_with_what_the_kind_needs(scored_provinces):
    problems = _refused(
        "survey",
        """\
        year,level,unit,points
        2019,province,01,4
        """,
    )

    assert problems == [
        "row 1, column criterion: required column missing (missing: criterion; "
        "a survey file needs year, level, unit, criterion, points)"
    ]


def test_every_missing_required_column_is_listed(scored_provinces):
    problems = _refused("methodology", "year,code,name\n2019,1,Lĩnh vực\n")

    assert problems == [
        "row 1, column level: required column missing (missing: level, name_vi, max_points; "
        "a methodology file needs year, level, code, name_vi, max_points)"
    ]


def test_an_unknown_unit_is_refused_with_close_suggestions(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,province,31,2.1,5
        2019,province,Hà Mội,1.1,8
        """,
    )

    assert problems == [
        'row 3, column unit: unknown unit "Hà Mội" for 2019 '
        "(did you mean: Hà Nội (01), Hà Nam (35), Hà Tĩnh (42)?)"
    ]


def test_an_unknown_ministry_is_refused_with_close_suggestions(ministry_edition):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,ministry,Bộ Ngoại thương,1.1,5
        """,
    )

    assert problems == [
        'row 2, column unit: unknown unit "Bộ Ngoại thương" for 2019 '
        "(did you mean: Bộ Công Thương (BCT), Bộ Ngoại giao (BNG)?)"
    ]


def test_an_unknown_unit_without_a_close_name_says_what_was_expected(ministry_edition):
    # The State Audit Office is not one of the 19 units assessed.
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,ministry,Kiểm toán Nhà nước,1.1,5
        """,
    )

    assert problems == [
        'row 2, column unit: unknown unit "Kiểm toán Nhà nước" for 2019 '
        "(expected a ministry code or name)"
    ]


def test_an_ambiguous_unit_is_refused_listing_every_candidate(scored_provinces, monkeypatch):
    # The reference data has no ambiguous spelling in any year (every name, English name,
    # former name and alias of a level resolves to one unit of that year), so two units are
    # given the same alias here, as a careless edit of names.ALIASES would.
    monkeypatch.setitem(names.ALIASES, ("province", "30"), ("HP",))
    monkeypatch.setitem(names.ALIASES, ("province", "31"), ("Haiphong", "HP"))

    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,province,HP,2.1,5
        """,
    )

    assert problems == [
        'row 2, column unit: "HP" is ambiguous in 2019: it could be Hải Dương (30), Hải Phòng (31)'
    ]


@pytest.mark.parametrize(
    "unit, message",
    [
        (
            "Long An",
            '"Long An" (Long An, 80) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean Tây Ninh (80)?",
        ),
        (
            "72",
            '"72" (Tây Ninh, 72) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean Tây Ninh (80)?",
        ),
        (
            "Ha Giang",
            '"Ha Giang" (Hà Giang, 02) did not exist in 2025 (it existed until 30/06/2025); '
            "did you mean Tuyên Quang (08)?",
        ),
    ],
)
def test_a_unit_that_did_not_exist_that_year_is_refused_with_its_successor(
    edition_2025, unit, message
):
    problems = _refused(
        "scores",
        f"""\
        year,level,unit,criterion,self_points
        2025,province,80,1,5
        2025,province,{unit},1,5
        """,
    )

    assert problems == [f"row 3, column unit: {message}"]


def test_a_unit_that_does_not_take_part_in_the_edition_is_refused(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,province,TP HCM,1.1,5
        """,
    )

    assert problems == [
        "row 2, column unit: TP Hồ Chí Minh (79) does not take part in the 2019 province "
        "edition (add it with a participants file)"
    ]


def test_an_unknown_criterion_is_refused(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2019,province,31,2.1,5
        2019,province,01,2.3,1
        """,
    )

    assert problems == [
        'row 3, column criterion: "2.3" is not a criterion of the 2019 province edition'
    ]


def test_a_criterion_with_sub_criteria_is_refused(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,31,2.1,5,5
        2019,province,01,2,8,8
        """,
    )

    assert problems == [
        "row 3, column criterion: 2 has sub-criteria; points go on the sub-criteria below it"
    ]


def test_self_points_on_a_survey_leaf_are_refused(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,01,1.2,4,4
        """,
    )

    assert problems == [
        "row 2, column criterion: 1.2 is a survey sub-criterion; its points come from a survey file"
    ]


def test_survey_points_on_a_self_leaf_are_refused(scored_provinces):
    problems = _refused(
        "survey",
        """\
        year,level,unit,criterion,points
        2019,province,01,1.2,4
        2019,province,01,1.1,4
        """,
    )

    assert problems == [
        "row 3, column criterion: 1.1 is a self sub-criterion; its points come from a scores file"
    ]


def test_points_below_zero_are_refused_with_row_and_column(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,31,2.1,5,5
        2019,province,01,2.1,5,-0.5
        """,
    )

    assert problems == ["row 3, column appraised_points: -0.5 is below 0"]


def test_points_above_the_leafs_maximum_are_refused_with_row_and_column(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,31,2.1,5,5
        2019,province,01,1.1,8.01,8
        """,
    )

    assert problems == ["row 3, column self_points: 8.01 is above the maximum of 8.00"]


def test_survey_points_above_the_leafs_maximum_are_refused(scored_provinces):
    problems = _refused(
        "survey",
        """\
        year,level,unit,criterion,points,respondents
        2019,province,01,1.2,4.5,500
        """,
    )

    assert problems == ["row 2, column points: 4.5 is above the maximum of 4.00"]


def test_points_with_more_than_two_decimals_are_refused(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,31,2.1,5,5
        2019,province,01,1.1,7.125,7
        """,
    )

    assert problems == ["row 3, column self_points: 7.125 has more than 2 decimals"]


@pytest.mark.parametrize("text", ["tám", "7.5 điểm", "NaN", "1.2.3", "x"])
def test_text_where_a_number_belongs_is_refused(scored_provinces, text):
    problems = _refused(
        "scores",
        f"""\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,31,2.1,5,5
        2019,province,01,1.1,8,{text}
        """,
    )

    assert problems == [
        f'row 3, column appraised_points: "{text}" is not a number (expected e.g. 1.25)'
    ]


def test_a_blank_survey_points_cell_is_refused(scored_provinces):
    problems = _refused(
        "survey",
        """\
        year,level,unit,criterion,points,respondents
        2019,province,01,1.2,,500
        """,
    )

    assert problems == ["row 2, column points: a number is required here"]


def test_a_scores_row_without_any_points_is_refused(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,,,Chưa nộp
        """,
    )

    assert problems == [
        "row 2, column self_points: no points given (expected self_points or appraised_points)"
    ]


def test_text_where_a_whole_number_belongs_is_refused(scored_provinces):
    problems = _refused(
        "survey",
        """\
        year,level,unit,criterion,points,respondents
        2019,province,01,1.2,3,năm trăm
        """,
    )

    assert problems == ['row 2, column respondents: "năm trăm" is not a whole number of 0 or more']


def test_the_same_unit_and_criterion_twice_is_refused_even_when_spelled_differently(
    scored_provinces,
):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,01,1.1,8,8
        2019,province,31,2.1,5,5
        2019,province,Hà Nội,1.1,7,7
        """,
    )

    assert problems == [
        "row 4, column criterion: this unit and criterion appears twice (first on row 2)"
    ]


def test_the_same_unit_twice_in_a_participants_file_is_refused(province_edition):
    problems = _refused(
        "participants",
        """\
        year,level,unit
        2019,province,01
        2019,province,31
        2019,province,10
        2019,province,Hanoi
        """,
    )

    assert problems == ["row 5, column unit: this unit appears twice (first on row 2)"]


def test_every_problem_of_the_file_is_reported_at_once(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,01,1.1,9,8
        2019,province,31,2.1,5,5
        2019,province,Atlantis,2.1,5,5
        2019,province,10,2.2,2,-1
        """,
    )

    assert problems == [
        "row 2, column self_points: 9 is above the maximum of 8.00",
        'row 4, column unit: unknown unit "Atlantis" for 2019 (expected a province code or name)',
        "row 5, column appraised_points: -1 is below 0",
    ]


def test_a_parent_maximum_that_is_not_the_sum_of_its_children_is_refused(db):
    problems = _refused(
        "methodology",
        """\
        year,level,code,name_vi,max_points,method
        2020,province,1,Lĩnh vực một,12,
        2020,province,1.1,Tiêu chí 1.1,8,self
        2020,province,1.2,Tiêu chí 1.2,3,survey
        """,
    )

    assert problems == [
        "row 2, column max_points: the maximum of 1 is 12.00 but its children add up to 11.00 "
        "(1.1: 8.00 + 1.2: 3.00)"
    ]
    assert not Edition.objects.filter(year=2020).exists()


@pytest.mark.parametrize(
    "row, problem",
    [
        # A first child changed: 7 + 4 is not the field's 12.
        (
            "2019,province,1.1,Tiêu chí 1.1,7,self",
            "the maximum of 1 is 12.00 but its children add up to 11.00 (1.1: 7.00 + 1.2: 4.00)",
        ),
        # A later child changed, its siblings and parent stored: 8 + 3 is not 12.
        (
            "2019,province,1.2,Tiêu chí 1.2,3,survey",
            "the maximum of 1 is 12.00 but its children add up to 11.00 (1.1: 8.00 + 1.2: 3.00)",
        ),
        # A new leaf under a stored parent: 5 + 3 + 1 is not the field's 8.
        (
            "2019,province,2.3,Tiêu chí 2.3,1,self",
            "the maximum of 2 is 8.00 but its children add up to 9.00 "
            "(2.1: 5.00 + 2.2: 3.00 + 2.3: 1.00)",
        ),
    ],
    ids=["first-child", "later-child", "new-leaf"],
)
def test_a_row_that_breaks_a_stored_parents_sum_is_refused(province_edition, row, problem):
    problems = _refused("methodology", "year,level,code,name_vi,max_points,method\n" + row + "\n")

    assert problems == [f"row 2, column max_points: {problem}"]


PUBLISHED_EDITION_REFUSAL = (
    "column year: the 2019 province edition is published; a correction must reopen it "
    "before anything is imported into it"
)


FILES_OF_EACH_KIND = {
    "scores": """\
        year,level,unit,criterion,self_points
        2019,province,01,1.1,7
        2019,province,31,2.1,4
        """,
    "survey": """\
        year,level,unit,criterion,points
        2019,province,01,1.2,4
        2019,province,31,1.2,4
        """,
    "participants": """\
        year,level,unit
        2019,province,01
        2019,province,31
        2019,province,10
        """,
    "methodology": """\
        year,level,code,name_vi,max_points,method
        2019,province,1.1,Tiêu chí 1.1,8,self
        2019,province,1.2,Tiêu chí 1.2,4,survey
        """,
}


@pytest.mark.parametrize("kind", FILES_OF_EACH_KIND)
def test_importing_into_a_published_edition_is_refused(scored_provinces, kind):
    publish_edition(scored_provinces)

    # A problem of the whole edition is reported once, on its first row.
    assert _refused(kind, FILES_OF_EACH_KIND[kind]) == [f"row 2, {PUBLISHED_EDITION_REFUSAL}"]


def test_published_results_that_would_change_a_published_edition_are_refused(db):
    text = "year,level,unit,index\n2019,province,01,80\n2019,province,31,75\n"
    imported("published", text)
    publish_edition(Edition.objects.get(year=2019, level="province"))

    changed = text.replace(",75", ",76")

    assert _refused("published", changed) == [
        "row 3, column year: the 2019 province edition is published and this row would change "
        "it (a correction reopens it first)"
    ]


def test_the_same_published_results_again_leave_a_published_edition_unchanged(db):
    # What makes a second load of the public record harmless (load_public_record).
    text = "year,level,unit,index\n2019,province,01,80\n2019,province,31,75\n"
    imported("published", text)
    publish_edition(Edition.objects.get(year=2019, level="province"))

    report = run_import("published", text)

    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 0, 2)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(scored_provinces, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = ("year,level,unit,criterion,self_points\n" + "2019,province,01,1.1,8\n" * 50).encode()

    assert _refused("scores", data=data) == [
        "file file.csv: the file is 1,188 bytes, over the limit of 1,000"
    ]


# -- damaged or disguised files -----------------------------------------------------------


def test_random_bytes_named_xlsx_are_refused_as_damaged(db):
    data = bytes(range(256)) * 8

    assert _refused("scores", data=data, filename="bang-diem.xlsx") == [
        "file bang-diem.xlsx: the .xlsx file is damaged (not a readable zip archive)"
    ]


def test_a_truncated_workbook_is_refused_as_damaged(db):
    data = _scores_workbook()

    assert _refused("scores", data=data[: len(data) // 2], filename="cut.xlsx") == [
        "file cut.xlsx: the .xlsx file is damaged (not a readable zip archive)"
    ]


def test_a_png_renamed_csv_is_refused_as_binary(db):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02"

    assert _refused("scores", data=png + bytes(200), filename="scan.csv") == [
        "file scan.csv: the file is binary, not CSV text"
    ]


def test_a_csv_in_a_legacy_code_page_is_refused_with_what_to_do(db):
    data = "year,level,unit,criterion,self_points\n2019,province,Cà Mau,1.1,8\n".encode("cp1252")

    assert _refused("scores", data=data) == [
        "file file.csv: the file is not UTF-8 or UTF-16 text (byte 53); save it as CSV UTF-8"
    ]


def test_a_workbook_renamed_csv_is_refused(db):
    assert _refused("scores", data=_scores_workbook(), filename="scores.csv") == [
        "file scores.csv: the file is a zip archive, not a .csv file"
    ]


def test_a_zip_that_is_not_a_workbook_is_refused(db):
    data = zipped({"report.docx.xml": "<w:document/>", "readme.txt": "hello"})

    assert _refused("scores", data=data, filename="scores.xlsx") == [
        "file scores.xlsx: the file is a zip archive but not an Excel workbook"
    ]


def test_a_macro_workbook_renamed_xlsx_is_refused(db):
    members = zip_members(_scores_workbook())
    members["xl/vbaProject.bin"] = OLE_MAGIC + bytes(100)

    assert _refused("scores", data=zipped(members), filename="scores.xlsx") == [
        "file scores.xlsx: macro-enabled workbooks are not accepted; save it as .xlsx"
    ]


ZIP_BOMB_REFUSAL = "the .xlsx file would unpack to an unreasonable size (a zip bomb?); refused"


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(db):
    # 4 MB of one byte packs into a few kilobytes: a ratio far above the limit of 100.
    members = zip_members(_scores_workbook())
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(
        b"<sheetData>", b"<sheetData>" + b" " * 4_000_000
    )
    data = zipped(members)
    assert len(data) < 20_000

    assert _refused("scores", data=data, filename="bomb.xlsx") == [
        f"file bomb.xlsx: {ZIP_BOMB_REFUSAL}"
    ]


def test_a_workbook_that_unpacks_over_the_limit_is_refused(db, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2000

    assert _refused("scores", data=_scores_workbook(), filename="big.xlsx") == [
        f"file big.xlsx: {ZIP_BOMB_REFUSAL}"
    ]


@pytest.mark.parametrize("filename", ["protected.xlsx", "protected.csv"])
def test_a_password_protected_workbook_is_refused(db, filename):
    # Excel saves a workbook with a password as an OLE compound file, like an old .xls.
    data = OLE_MAGIC + bytes(504) + b"EncryptionInfo".ljust(512, b"\0")

    assert _refused("scores", data=data, filename=filename) == [
        f"file {filename}: this is an old .xls or a password-protected workbook; "
        "save it as an unprotected .xlsx or .csv"
    ]


def test_a_workbook_with_encrypted_zip_entries_is_refused(db):
    data = forge(_scores_workbook(), "xl/worksheets/sheet1.xml", "flags", 0x1)

    assert _refused("scores", data=data, filename="locked.xlsx") == [
        "file locked.xlsx: the workbook is encrypted; remove its password and import again"
    ]


@pytest.mark.parametrize("filename", ["scores.xls", "scores.xlsm", "SCORES.XLSM"])
def test_xls_and_xlsm_names_are_refused_whatever_they_hold(db, filename):
    suffix = filename.rsplit(".", 1)[1].lower()

    assert _refused("scores", data=_scores_workbook(), filename=filename) == [
        f"file {filename}: .{suffix} files are not accepted (expected .csv or .xlsx)"
    ]


def test_a_workbook_with_a_damaged_cell_is_refused_with_a_message(db):
    data = with_sheet_xml(_scores_workbook(), b'<c r="E2" t="n"><v>5', b'<c r="E2" t="n"><v>x5')

    problems = _refused("scores", data=data, filename="damaged.xlsx")

    assert len(problems) == 1
    assert problems[0].startswith("file damaged.xlsx: ")


def test_a_zip_bomb_that_understates_its_size_is_refused_with_a_message(db):
    members = zip_members(_scores_workbook())
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(
        b"<sheetData>", b"<sheetData>" + b" " * 4_000_000
    )
    bomb = zipped(members)
    packed = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml").compress_size
    liar = forge(bomb, "xl/worksheets/sheet1.xml", "file_size", packed * 50)

    problems = _refused("scores", data=liar, filename="bomb.xlsx")

    assert len(problems) == 1
    assert problems[0].startswith("file bomb.xlsx: ")


def test_a_chart_sheet_in_front_is_passed_over_for_the_first_worksheet(db):
    book = Workbook()
    book.active.append(SCORES_HEADER)
    book.create_chartsheet("Biểu đồ", 0).add_chart(BarChart())
    buffer = io.BytesIO()
    book.save(buffer)

    report = import_file("scores", buffer.getvalue(), "chart.xlsx")

    # The worksheet behind the chart is read: it has the header and no rows.
    assert lines(report.problems) == ["row 2: the file has a header but no data rows"]


def test_an_xml_entity_bomb_is_refused_in_one_line(db):
    # "Billion laughs": openpyxl parses through defusedxml, which refuses entity declarations.
    data = with_sheet_xml(
        _scores_workbook(),
        b"<worksheet",
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><worksheet',
    )

    problems = _refused("scores", data=data, filename="laughs.xlsx")

    assert len(problems) == 1
    assert problems[0].startswith(
        "file laughs.xlsx: the .xlsx file is damaged and cannot be read ("
    )
    assert "\n" not in problems[0]


# -- the command: one line per problem on stderr, exit 1, counts on stdout -----------------


def test_the_command_prints_one_line_per_problem_and_fails(scored_provinces, tmp_path):
    path = tmp_path / "diem-2019.csv"
    path.write_text(
        _csv(
            """\
            year,level,unit,criterion,self_points,appraised_points,ghi_chu
            2019,province,01,1.1,8,9,
            2019,province,31,1.3,7,7,
            """
        ),
        encoding="utf-8",
    )
    before = _snapshot()
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_data", "scores", str(path), stdout=stdout, stderr=stderr)

    assert str(error.value) == "2 problem(s) in diem-2019.csv; nothing was imported"
    assert error.value.returncode == 1
    assert stderr.getvalue().splitlines() == [
        'warning: column "ghi_chu" is not part of the scores format and was ignored',
        "row 2, column appraised_points: 9 is above the maximum of 8.00",
        'row 3, column criterion: "1.3" is not a criterion of the 2019 province edition',
    ]
    assert stdout.getvalue() == ""
    assert _snapshot() == before


def test_the_command_reports_a_damaged_file_on_stderr(db, tmp_path):
    path = tmp_path / "bang-diem.xlsx"
    path.write_bytes(b"year,level,unit\n2019,province,01\n")
    stderr = io.StringIO()

    with pytest.raises(CommandError, match=r"^1 problem\(s\) in bang-diem.xlsx; nothing"):
        call_command("import_data", "participants", str(path), stderr=stderr)

    assert stderr.getvalue() == (
        "file bang-diem.xlsx: the .xlsx file is damaged (not a readable zip archive)\n"
    )


def test_the_command_line_exits_with_status_1_and_the_problem_on_stderr(tmp_path):
    # The file is refused before any query, so the real command runs without a database.
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    done = subprocess.run(
        [sys.executable, "manage.py", "import_data", "scores", str(path)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "file empty.csv: the file is empty",
        "CommandError: 1 problem(s) in empty.csv; nothing was imported",
    ]


def test_the_command_prints_the_counts_of_a_clean_import(scored_provinces, tmp_path):
    path = tmp_path / "diem.csv"
    path.write_text(
        _csv(
            """\
            year,level,unit,criterion,self_points,appraised_points,appraisal_reason
            2019,province,01,1.1,8,7,Thiếu tài liệu
            2019,province,31,2.1,4,4,
            """
        ),
        encoding="utf-8",
    )
    stdout = io.StringIO()

    call_command("import_data", "scores", str(path), stdout=stdout, stderr=io.StringIO())

    assert stdout.getvalue() == "scores: 0 created, 1 updated, 1 unchanged\n"
    assert _points("01", "1.1").appraised_points == Decimal("7.00")


def test_dry_run_reports_the_counts_and_writes_nothing(scored_provinces, tmp_path):
    path = tmp_path / "diem.csv"
    path.write_text(
        _csv(
            """\
            year,level,unit,criterion,self_points,appraised_points,appraisal_reason
            2019,province,01,1.1,8,7,Thiếu tài liệu
            2019,province,31,2.1,4,4,
            """
        ),
        encoding="utf-8",
    )
    before = _snapshot()
    stdout = io.StringIO()

    call_command("import_data", "scores", str(path), "--dry-run", stdout=stdout)

    assert (
        stdout.getvalue()
        == "scores (dry run, nothing written): 0 created, 1 updated, 1 unchanged\n"
    )
    assert _snapshot() == before
    # The same file for real gives the same counts.
    stdout = io.StringIO()
    call_command("import_data", "scores", str(path), stdout=stdout)
    assert stdout.getvalue() == "scores: 0 created, 1 updated, 1 unchanged\n"


def test_dry_run_of_a_new_methodology_creates_no_edition(db, tmp_path):
    path = tmp_path / "cay-2020.csv"
    path.write_text(
        _csv(
            """\
            year,level,code,name_vi,max_points,method
            2020,ministry,1,Lĩnh vực một,10,
            2020,ministry,1.1,Tiêu chí 1.1,10,self
            """
        ),
        encoding="utf-8",
    )
    stdout = io.StringIO()

    call_command("import_data", "methodology", str(path), "--dry-run", stdout=stdout)

    assert stdout.getvalue().splitlines() == [
        "created the 2020 ministry edition with 19 participants",
        "methodology (dry run, nothing written): 2 created, 0 updated, 0 unchanged",
    ]
    assert not Edition.objects.exists()
    assert not Participant.objects.exists()


def test_dry_run_of_a_participants_file_drops_nobody(province_edition):
    before = _snapshot()

    report = run_import("participants", "year,level,unit\n2019,province,01\n", dry_run=True)

    assert report.ok
    assert lines(report.notes) == ["2 units not in the file no longer take part"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert _snapshot() == before


def test_dry_run_of_published_results_creates_no_edition(db):
    report = run_import("published", "year,level,unit,index\n2018,ministry,BTP,80\n", dry_run=True)

    assert report.ok
    assert (
        str(report.summary())
        == "published (dry run, nothing written): 1 created, 0 updated, 0 unchanged"
    )
    assert not Edition.objects.exists()
    assert not Participant.objects.exists()


# -- CSV as people save it: encodings, delimiters, headers, blank lines --------------------

GOOD_ROWS = """\
year,level,unit,criterion,self_points,appraised_points,appraisal_reason
2019,province,01,1.1,8,6.5,Thiếu tài liệu
2019,province,31,2.1,4.5,4.25,Chậm
"""


def _assert_good_rows_imported(report: ImportReport) -> None:
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    hanoi, haiphong = _points("01", "1.1"), _points("31", "2.1")
    assert (hanoi.self_points, hanoi.appraised_points) == (Decimal("8.00"), Decimal("6.50"))
    assert hanoi.appraisal_reason == "Thiếu tài liệu"
    assert (haiphong.self_points, haiphong.appraised_points) == (Decimal("4.50"), Decimal("4.25"))


def test_a_csv_with_a_utf8_bom_is_imported(scored_provinces):
    report = _import_bytes("scores", GOOD_ROWS.encode("utf-8-sig"), "diem.csv")

    assert lines(report.warnings) == []
    _assert_good_rows_imported(report)


def test_utf16_unicode_text_as_excel_writes_it_is_imported(scored_provinces):
    # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF line ends.
    text = GOOD_ROWS.replace(",", "\t").replace("\n", "\r\n")

    report = _import_bytes("scores", b"\xff\xfe" + text.encode("utf-16-le"), "diem.txt")

    _assert_good_rows_imported(report)


def test_semicolons_and_decimal_commas_as_vietnamese_excel_writes_them_are_imported(
    scored_provinces,
):
    text = _csv(
        """\
        year;level;unit;criterion;self_points;appraised_points;appraisal_reason
        2019;province;01;1.1;8;6,5;Thiếu tài liệu
        2019;province;31;2.1;4,5;4,25;Chậm
        """
    )

    _assert_good_rows_imported(_import_bytes("scores", text.encode("utf-8-sig"), "diem.csv"))


def test_a_quoted_decimal_comma_in_a_comma_separated_file_is_a_number(scored_provinces):
    report = imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,8,"6,5",Thiếu tài liệu
        2019,province,31,2.1,"4,5","4,25",Chậm
        """,
    )

    _assert_good_rows_imported(report)


def test_headers_in_any_order_and_case_are_read(scored_provinces):
    report = imported(
        "scores",
        """\
        Appraisal_Reason,APPRAISED_POINTS,Criterion,Unit,Self_Points,LEVEL,Year
        Thiếu tài liệu,6.5,1.1,01,8,province,2019
        Chậm,4.25,2.1,31,4.5,province,2019
        """,
    )

    _assert_good_rows_imported(report)


def test_an_unknown_extra_column_gives_a_warning_and_the_file_is_imported(scored_provinces):
    report = imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason,nguoi_nhap
        2019,province,01,1.1,8,6.5,Thiếu tài liệu,Lan
        2019,province,31,2.1,4.5,4.25,Chậm,Minh
        """,
    )

    assert lines(report.warnings) == [
        'column "nguoi_nhap" is not part of the scores format and was ignored'
    ]
    _assert_good_rows_imported(report)


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(scored_provinces):
    text = (
        "year,level,unit,criterion,self_points,appraised_points,appraisal_reason\n"
        "\n"
        "2019,province,01,1.1,8,6.5,Thiếu tài liệu\n"
        ",,,,,,\n"
        "\n"
        "2019,province,31,2.1,4.5,4.25,Chậm\n"
        "\n"
    )
    _assert_good_rows_imported(imported("scores", text))

    problems = _refused("scores", text.replace("4.25", "5.25"))

    assert problems == ["row 6, column appraised_points: 5.25 is above the maximum of 5.00"]


def test_a_note_spanning_two_lines_counts_as_one_row(scored_provinces):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,8,6.5,"Thiếu tài liệu;
        bổ sung sau"
        2019,province,31,2.1,4.5,x,
        """,
    )

    assert problems == ['row 3, column appraised_points: "x" is not a number (expected e.g. 1.25)']


# -- XLSX workbooks -----------------------------------------------------------------------


def test_a_workbook_with_numbers_as_numbers_and_as_text_is_imported(scored_provinces):
    data = workbook(
        (
            "scores",
            [
                [*SCORES_HEADER, "appraisal_reason"],
                [2019, "province", 1, 1.1, 8, 6.5, "Thiếu tài liệu"],
                ["2019", "province", "31", "2.1", "4.5", "4,25", "Chậm"],
            ],
        )
    )

    _assert_good_rows_imported(_import_bytes("scores", data, "diem.xlsx"))


def test_a_formula_without_a_saved_value_is_refused(scored_provinces):
    # openpyxl writes formulas without a cached value, as a script that never opened Excel.
    data = workbook(
        (
            "scores",
            [
                SCORES_HEADER,
                [2019, "province", "31", "2.1", 5, 5],
                [2019, "province", "01", "1.1", 8, "=8-0.5"],
            ],
        )
    )

    assert _refused("scores", data=data, filename="diem.xlsx") == [
        "row 3, column appraised_points: a formula without a saved value "
        "(open the file in Excel, save it, and import again)"
    ]


def test_a_formula_counts_by_its_saved_value(scored_provinces):
    written = workbook(("scores", [SCORES_HEADER, [2019, "province", "01", "1.1", 8, "=8-0.5"]]))
    # What Excel stores after computing the formula: the formula and its cached value.
    data = with_sheet_xml(written, b"<f>8-0.5</f><v />", b"<f>8-0.5</f><v>7.5</v>")

    report = _import_bytes("scores", data, "diem.xlsx")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert _points("01", "1.1").appraised_points == Decimal("7.50")


def test_the_sheet_named_after_the_kind_is_chosen_over_the_first_sheet(scored_provinces):
    data = workbook(
        ("Hướng dẫn", [["Điền điểm vào sheet scores"], ["year", "level"]]),
        ("survey", [["year", "level", "unit", "criterion", "points"]]),
        (
            "scores",
            [
                [*SCORES_HEADER, "appraisal_reason"],
                [2019, "province", "01", "1.1", 8, 6.5, "Thiếu tài liệu"],
                [2019, "province", "31", "2.1", 4.5, 4.25, "Chậm"],
            ],
        ),
    )

    _assert_good_rows_imported(_import_bytes("scores", data, "diem.xlsx"))


def test_the_first_sheet_is_read_when_none_is_named_after_the_kind(scored_provinces):
    data = workbook(
        ("Sheet1", [SCORES_HEADER, [2019, "province", "01", "1.1", 8, 9]]),
        ("Ghi chú", [SCORES_HEADER]),
    )

    assert _refused("scores", data=data, filename="diem.xlsx") == [
        "row 2, column appraised_points: 9 is above the maximum of 8.00"
    ]


def test_blank_rows_of_a_workbook_are_skipped_and_rows_keep_their_numbers(scored_provinces):
    data = workbook(
        (
            "scores",
            [
                SCORES_HEADER,
                [],
                [2019, "province", "01", "1.1", 8, 7.5],
                [None, None, None],
                [2019, "province", "31", "2.1", 4, "bốn"],
            ],
        )
    )

    assert _refused("scores", data=data, filename="diem.xlsx") == [
        'row 5, column appraised_points: "bốn" is not a number (expected e.g. 1.25)'
    ]


# -- levels and units in the spellings people write ----------------------------------------


@pytest.mark.parametrize("level", ["tỉnh", "Tỉnh", "TINH", "tinh", "Province"])
def test_province_level_aliases_are_accepted(scored_provinces, level):
    imported(
        "scores",
        f"""\
        year,level,unit,criterion,self_points,appraised_points
        2019,{level},01,1.1,8,6
        """,
    )

    assert _points("01", "1.1").appraised_points == Decimal("6.00")


@pytest.mark.parametrize("level", ["bộ", "Bộ", "bo", "MINISTRY"])
def test_ministry_level_aliases_are_accepted(ministry_edition, level):
    imported(
        "scores",
        f"""\
        year,level,unit,criterion,self_points
        2019,{level},BTP,1.1,5
        """,
    )

    assert _points("BTP", "1.1").self_points == Decimal("5.00")


def test_an_unknown_level_is_refused(scored_provinces):
    assert _refused("scores", "year,level,unit,criterion,self_points\n2019,huyện,01,1.1,5\n") == [
        'row 2, column level: "huyện" is not a level (expected province or ministry)'
    ]


@pytest.mark.parametrize(
    "spelling",
    [
        "79",
        "TP HCM",
        "TP.HCM",
        "TP. Hồ Chí Minh",
        "Thành phố Hồ Chí Minh",
        "ho chi minh city",
        "HO CHI MINH",
        unicodedata.normalize("NFD", "Thành phố Hồ Chí Minh"),
        "  TP   Hồ  Chí   Minh ",
        "Sài Gòn",
    ],
)
def test_a_participant_is_found_by_any_spelling_of_its_name(province_edition, spelling):
    imported("participants", PROVINCE_PARTICIPANTS + f"2019,province,{spelling},no\n")

    added = Participant.objects.get(edition=province_edition, ranked=False)
    assert (added.unit.code, added.unit.name_vi) == ("79", "TP Hồ Chí Minh")


@pytest.mark.parametrize(
    "spelling",
    [
        "1",
        "Ha Noi",
        "hà nội",
        "HÀ NỘI",
        unicodedata.normalize("NFD", "Hà Nội"),
        "  Hà   Nội  ",
        "Thành phố Hà Nội",
        "TP. Hà Nội",
        "Hanoi",
    ],
)
def test_points_are_found_by_any_spelling_of_the_unit(scored_provinces, spelling):
    imported(
        "scores",
        f"""\
        year,level,unit,criterion,self_points,appraised_points
        2019,province,{spelling},2.1,5,4
        """,
    )

    assert _points("01", "2.1").appraised_points == Decimal("4.00")


@pytest.mark.parametrize(
    "spelling", ["BTP", "btp", "Bộ Tư pháp", "bo tu phap", "Ministry of Justice", "MOJ"]
)
def test_a_ministry_is_found_by_code_name_english_name_or_abbreviation(ministry_edition, spelling):
    imported(
        "scores",
        f"""\
        year,level,unit,criterion,self_points
        2019,ministry,{spelling},1.1,5.5
        """,
    )

    assert _points("BTP", "1.1").self_points == Decimal("5.50")


def test_a_code_means_the_unit_of_the_files_year(province_edition, edition_2025):
    # Code 80 was Long An until 30/6/2025 and is the new Tây Ninh after (docs/rules.md).
    imported("participants", PROVINCE_PARTICIPANTS + "2019,province,80,yes\n")
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2025,province,80,1,7
        """,
    )

    added_2019 = Participant.objects.get(edition=province_edition, unit__code="80")
    assert (added_2019.unit.name_vi, added_2019.unit.valid_until.isoformat()) == (
        "Long An",
        "2025-06-30",
    )
    score_2025 = Score.objects.get(participant__edition=edition_2025)
    assert score_2025.participant.unit.name_vi == "Tây Ninh"
    assert score_2025.participant.unit.valid_from.isoformat() == "2025-07-01"


def test_a_name_means_the_unit_of_the_files_year(province_edition, edition_2025):
    imported("participants", PROVINCE_PARTICIPANTS + "2019,province,Tây Ninh,yes\n")
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2025,province,Tây Ninh,1,7
        """,
    )

    added_2019 = Participant.objects.get(edition=province_edition, unit__name_vi="Tây Ninh")
    assert added_2019.unit.code == "72"
    assert Score.objects.get(participant__edition=edition_2025).participant.unit.code == "80"


def test_a_unit_renamed_while_it_continued_is_found_by_either_name(edition_2025):
    # Thừa Thiên Huế became the city of Huế on 1/1/2025: the same unit, code 46.
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2025,province,Thừa Thiên Huế,1,7
        """,
    )
    report = imported(
        "scores",
        """\
        year,level,unit,criterion,self_points
        2025,province,Huế,1,7
        """,
    )

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Score.objects.get(participant__edition=edition_2025).participant.unit.code == "46"


def test_old_and_new_tone_mark_placement_name_the_same_unit(province_edition):
    # "Thanh Hoá" (older placement) and "Thanh Hóa" (the reference data's).
    imported("participants", PROVINCE_PARTICIPANTS + "2019,province,Thanh Hoá,yes\n")

    assert Participant.objects.filter(edition=province_edition, unit__code="38").exists()


# -- writing: re-imports, blank cells, the audit trail -------------------------------------

SURVEY_FILE = """\
year,level,unit,criterion,points,respondents
2019,province,01,1.2,3,500
2019,province,31,1.2,3,450
2019,province,10,1.2,3,400
"""


@pytest.mark.parametrize(
    "kind, text, rows",
    [
        ("methodology", PROVINCE_TREE, 6),
        ("participants", PROVINCE_PARTICIPANTS, 3),
        ("survey", SURVEY_FILE, 3),
        (
            "scores",
            """\
            year,level,unit,criterion,self_points,appraised_points,appraisal_reason
            2019,province,01,1.1,8,7.5,Thiếu tài liệu kiểm chứng
            2019,province,31,2.1,4,4,
            2019,province,10,2.2,2,,
            """,
            3,
        ),
    ],
)
def test_reimporting_the_same_file_reports_everything_unchanged(scored_provinces, kind, text, rows):
    before = _snapshot()

    report = imported(kind, text)

    assert (report.created, report.updated, report.unchanged) == (0, 0, rows)
    assert _snapshot() == before


def test_reimporting_published_results_reports_everything_unchanged(db):
    text = """\
    year,level,unit,index,rank,field_1,field_2
    2018,province,01,84.43,1,80,90.5
    2018,province,31,80,2,75.25,88
    """
    assert imported("published", text).created == 2
    before = _snapshot()

    report = imported("published", text)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert _snapshot() == before


def test_a_blank_appraised_cell_keeps_the_self_points_and_a_blank_self_cell_keeps_them_too(
    province_edition,
):
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,evidence_url
        2019,province,01,1.1,8,https://hanoi.gov.vn/cchc/1-1.pdf
        2019,province,01,2.1,5,
        """,
    )
    # The appraiser's file has no self points: blank cells leave what is stored.
    report = imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,,7.5,Thiếu tài liệu kiểm chứng
        2019,province,01,2.1,,5,
        """,
    )

    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    first, second = _points("01", "1.1"), _points("01", "2.1")
    assert (first.self_points, first.appraised_points) == (Decimal("8.00"), Decimal("7.50"))
    assert first.evidence_url == "https://hanoi.gov.vn/cchc/1-1.pdf"
    assert first.appraisal_reason == "Thiếu tài liệu kiểm chứng"
    assert (second.self_points, second.appraised_points) == (Decimal("5.00"), Decimal("5.00"))


def test_every_change_of_points_is_recorded_with_old_and_new_values(province_edition):
    appraiser = get_user_model().objects.create_user("tham-dinh-vien")
    appraiser.groups.add(Group.objects.get(name="appraiser"))
    imported("scores", "year,level,unit,criterion,self_points\n2019,province,01,1.1,8\n")
    # Appraisers write appraised points during appraisal (scoring/permissions.py).
    Edition.objects.filter(pk=province_edition.pk).update(status="appraisal")
    import_file(
        "scores",
        _csv(
            """\
            year,level,unit,criterion,appraised_points,appraisal_reason
            2019,province,01,1.1,7.5,Thiếu tài liệu kiểm chứng
            """
        ).encode(),
        "tham-dinh.csv",
        user=appraiser,
    )
    imported("survey", "year,level,unit,criterion,points\n2019,province,01,1.2,3.25\n")
    imported("survey", "year,level,unit,criterion,points\n2019,province,01,1.2,3.5\n")

    changes = [
        (*change[:5], change[5].split(" sha256=")[0], change[6])
        for change in ScoreChange.objects.order_by("pk").values_list(
            "score__criterion__code", "column", "old_value", "new_value", "reason", "source", "user"
        )
    ]
    assert changes == [
        ("1.1", "self_points", "", "8.00", "", "import scores file.csv", None),
        (
            "1.1",
            "appraised_points",
            "",
            "7.50",
            "Thiếu tài liệu kiểm chứng",
            "import scores tham-dinh.csv",
            appraiser.pk,
        ),
        ("1.2", "survey_points", "", "3.25", "", "import survey file.csv", None),
        ("1.2", "survey_points", "3.25", "3.50", "", "import survey file.csv", None),
    ]
    # The source names the file by its content too: the SHA-256 of the bytes imported.
    first = ScoreChange.objects.order_by("pk").first().source
    data = b"year,level,unit,criterion,self_points\n2019,province,01,1.1,8\n"
    assert first == f"import scores file.csv sha256={hashlib.sha256(data).hexdigest()}"


def test_an_update_records_only_the_columns_that_changed(scored_provinces):
    before = list(ScoreChange.objects.values_list("pk", flat=True))

    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,10,2.1,5,4,Thiếu minh chứng
        """,
    )

    change = ScoreChange.objects.exclude(pk__in=before).get()
    assert (change.column, change.old_value, change.new_value, change.reason) == (
        "appraised_points",
        "4.50",
        "4.00",
        "Thiếu minh chứng",
    )


# -- participants: the file lists the edition's participants -------------------------------


def test_the_participants_file_removes_listed_out_units_without_points(province_edition):
    report = imported(
        "participants",
        """\
        year,level,unit,ranked,note
        2019,province,01,yes,
        2019,province,31,no,Thí điểm
        """,
    )

    assert lines(report.notes) == ["1 units not in the file no longer take part"]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    participants = province_edition.participants.order_by("unit__code")
    assert list(participants.values_list("unit__code", "ranked", "note")) == [
        ("01", True, ""),
        ("31", False, "Thí điểm"),
    ]


def test_the_participants_file_refuses_to_drop_a_unit_with_points(scored_provinces):
    problems = _refused(
        "participants",
        """\
        year,level,unit
        2019,province,01
        2019,province,31
        """,
    )

    assert problems == [
        "row 2, column unit: Lào Cai (10) has points in this edition but is missing from the "
        "file (list every participant)"
    ]


def test_a_participants_file_needs_the_edition_first(db):
    assert _refused("participants", "year,level,unit\n2021,province,01\n") == [
        "row 2, column year: there is no 2021 province edition (import its methodology first)"
    ]


def test_a_new_methodology_makes_every_unit_of_the_year_take_part(db):
    report = imported("methodology", MINISTRY_TREE)

    assert lines(report.notes) == ["created the 2019 ministry edition with 19 participants"]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    imported("participants", MINISTRY_PARTICIPANTS)
    edition = Edition.objects.get(year=2019, level="ministry")
    assert sorted(edition.participants.values_list("unit__code", flat=True)) == ["BTP", "BYT"]


# -- published results: summary-only editions ---------------------------------------------


def test_published_results_create_a_summary_only_edition(db):
    report = imported(
        "published",
        """\
        year,level,unit,index,rank,ranked,appraised_points,survey_points,field_1,field_2
        2018,province,Hà Nội,84.43,1,yes,60.5,23.93,80,90.5
        2018,province,Hải Phòng,"80,1",2,yes,58,22.1,75.25,88
        2018,province,Lào Cai,70,,no,50,20,70,70
        """,
    )

    assert lines(report.notes) == ["created the summary-only 2018 province edition"]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    edition = Edition.objects.get(year=2018, level="province")
    assert (edition.summary_only, edition.status) == (True, Edition.Status.REVIEW)
    summaries = SummaryScore.objects.order_by("participant__unit__code").values_list(
        "participant__unit__code", "participant__ranked", "index", "rank", "field_indices"
    )
    assert list(summaries) == [
        ("01", True, Decimal("84.43"), 1, {"1": "80.00", "2": "90.50"}),
        ("10", False, Decimal("70.00"), None, {"1": "70.00", "2": "70.00"}),
        ("31", True, Decimal("80.10"), 2, {"1": "75.25", "2": "88.00"}),
    ]


def test_publishing_published_results_computes_ranks_when_the_file_has_none(db):
    imported(
        "published",
        """\
        year,level,unit,index,ranked
        2018,province,01,80.5,yes
        2018,province,31,85.1,yes
        2018,province,10,80.5,yes
        2018,province,79,95,no
        """,
    )

    publish_edition(Edition.objects.get(year=2018, level="province"))

    results = Result.objects.order_by("participant__unit__code").values_list(
        "participant__unit__code", "index", "rank", "group"
    )
    assert list(results) == [
        ("01", Decimal("80.50"), 2, "B"),
        ("10", Decimal("80.50"), 2, "B"),
        ("31", Decimal("85.10"), 1, "B"),
        ("79", Decimal("95.00"), None, "A"),
    ]


def test_publishing_published_results_keeps_the_ranks_of_the_file(db):
    # MoHA broke this tie on unrounded points: the published ranks stand.
    imported(
        "published",
        """\
        year,level,unit,index,rank
        2018,province,01,80.5,3
        2018,province,31,85.1,1
        2018,province,10,85.1,2
        """,
    )

    publish_edition(Edition.objects.get(year=2018, level="province"))

    results = Result.objects.order_by("participant__unit__code").values_list(
        "participant__unit__code", "rank"
    )
    assert list(results) == [("01", 3), ("10", 2), ("31", 1)]


def test_published_results_are_refused_for_an_edition_with_a_criteria_tree(scored_provinces):
    assert _refused("published", "year,level,unit,index\n2019,province,01,90\n") == [
        "row 2, column year: the 2019 province edition has a criteria tree; its results are "
        "computed from its scores, not imported"
    ]


def test_a_published_index_above_100_is_refused(db):
    problems = _refused(
        "published",
        """\
        year,level,unit,index,rank
        2018,province,01,100.5,1
        2018,province,31,85,0
        """,
    )

    assert problems == [
        "row 2, column index: 100.5 is above the maximum of 100",
        "row 3, column rank: a rank starts at 1",
    ]
    assert not Edition.objects.exists()


def test_a_units_published_results_twice_are_refused(db):
    problems = _refused(
        "published",
        """\
        year,level,unit,index
        2018,province,01,84
        2018,province,Hà Nội,85
        """,
    )

    assert problems == ["row 3, column unit: this unit appears twice (first on row 2)"]


# -- several problems in one row: each is its own line -------------------------------------


def test_every_problem_of_a_row_is_reported_not_only_the_first(province_edition):
    problems = _refused(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,evidence_url
        2019,province,Hà Mội,9.9,abc,-1,ftp://x
        """,
    )

    assert problems == [
        'row 2, column unit: unknown unit "Hà Mội" for 2019 '
        "(did you mean: Hà Nội (01), Hà Nam (35), Hà Tĩnh (42)?)",
        'row 2, column criterion: "9.9" is not a criterion of the 2019 province edition',
        'row 2, column self_points: "abc" is not a number (expected e.g. 1.25)',
        "row 2, column appraised_points: -1 is below 0",
        'row 2, column evidence_url: "ftp://x" is not a web address (expected https://...)',
    ]


# -- appraised points that differ without a reason: a warning, judged on the stored values --


def test_an_appraisal_that_differs_from_the_stored_self_assessment_without_reason_warns(
    province_edition,
):
    imported("scores", "year,level,unit,criterion,self_points\n2019,province,01,1.1,8\n")

    report = imported(
        "scores", "year,level,unit,criterion,appraised_points\n2019,province,01,1.1,7\n"
    )

    assert lines(report.warnings) == [
        "1 rows have appraised points that differ from the self-assessment without an "
        "appraisal_reason"
    ]


def test_a_reason_already_stored_needs_no_repeating(province_edition):
    imported(
        "scores",
        """\
        year,level,unit,criterion,self_points,appraised_points,appraisal_reason
        2019,province,01,1.1,8,7,Thiếu minh chứng
        """,
    )

    report = imported(
        "scores", "year,level,unit,criterion,appraised_points\n2019,province,01,1.1,6.5\n"
    )

    assert lines(report.warnings) == []
    assert Score.objects.get().appraisal_reason == "Thiếu minh chứng"

"""Importing SIPAS respondent files: what is stored, and every bad file refused whole, with the
same row and column messages as every other kind (docs/formats.md)."""

import codecs
import io

import pytest
from django.core.management import CommandError, call_command

from scoring.imports import import_file
from surveys import importer
from surveys.models import SipasRespondent, SipasResult
from tests.conftest import lines, run_import
from tests.sipas_files import generated, sipas_csv, sipas_workbook

GOOD = sipas_csv(
    "2019,01,R1,province,đất đai,5,4,3,2,1",
    "2019,31,R1,district,,4,,,,",
    "2019,Lào Cai,R2,commune,tư pháp,1,2,3,4,5",
)
ANSWER = "(expected a whole number from 1 to 5, blank if not answered)"


def refused(text: str | bytes, filename: str = "sipas.csv") -> list[str]:
    """The problems of a refused file; nothing of it is stored."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    report = import_file("sipas", data, filename)
    assert not report.ok
    assert SipasRespondent.objects.count() == 0
    assert SipasResult.objects.count() == 0
    return lines(report.problems)


# -- what is stored -----------------------------------------------------------------------------


def test_a_good_file_stores_its_respondents_and_computes_the_year(db):
    report = run_import("sipas", GOOD)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert lines(report.notes) == ["SIPAS 2019 computed for 3 provinces from 3 respondents"]
    assert sorted(SipasRespondent.objects.values_list("unit__code", "respondent_id")) == [
        ("01", "R1"), ("10", "R2"), ("31", "R1"),
    ]  # fmt: skip
    assert SipasResult.objects.filter(breakdown="all").count() == 4


def test_reimporting_the_same_respondents_updates_instead_of_duplicating(db):
    run_import("sipas", GOOD)
    again = run_import("sipas", GOOD)
    changed = run_import(
        "sipas",
        sipas_csv("2019,01,R1,province,đất đai,5,4,3,2,5", "2019,01,R9,province,,1,1,1,1,1"),
    )

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 0)
    assert SipasRespondent.objects.count() == 4
    assert SipasRespondent.objects.get(unit__code="01", respondent_id="R1").feedback == 5
    # The results count every respondent of the year, old and new.
    assert SipasResult.objects.get(unit=None, breakdown="all").respondents == 4


def test_a_dry_run_counts_and_writes_nothing(db):
    report = run_import("sipas", GOOD, dry_run=True)

    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 3, 0, 0)
    assert (
        str(report.summary())
        == "sipas (dry run, nothing written): 3 created, 0 updated, 0 unchanged"
    )
    assert SipasRespondent.objects.count() == 0
    assert SipasResult.objects.count() == 0


def test_a_workbook_imports_like_the_same_csv(db):
    data = sipas_workbook(
        [2019, "01", "R1", "province", "đất đai", 5, 4, 3, 2, 1],
        [2019, 31, "R1", "district", None, 4, None, None, None, None],
        [2019, "Lào Cai", "R2", "commune", "tư pháp", 1, 2, 3, 4, 5],
    )
    report = import_file("sipas", data, "sipas.xlsx")

    assert (report.ok, report.created) == (True, 3)
    assert SipasRespondent.objects.get(unit__code="31").access == 4


def test_quoted_cells_and_utf16_are_read_like_plain_csv(db):
    quoted = GOOD.replace("tư pháp", '"tư pháp, hộ tịch"')
    utf16 = codecs.BOM_UTF16_LE + GOOD.replace(",", "\t").encode("utf-16-le")

    assert import_file("sipas", quoted.encode(), "a.csv").created == 3
    assert SipasRespondent.objects.get(unit__code="10").sector == "tư pháp, hộ tịch"
    assert import_file("sipas", utf16, "b.csv").unchanged == 2


def test_a_semicolon_file_with_answers_written_as_decimals_is_read(db):
    text = sipas_csv(
        "2019;01;R1;tỉnh;;4,0;5.0;;;", header=";".join(GOOD.splitlines()[0].split(","))
    )
    report = run_import("sipas", text)

    assert report.ok, lines(report.problems)
    stored = SipasRespondent.objects.get()
    assert (stored.gov_level, stored.access, stored.procedures) == ("province", 4, 5)


def test_unknown_columns_are_ignored_with_a_warning(db):
    report = run_import("sipas", sipas_csv("2019,01,R1,1", header="year,unit,respondent_id,age"))

    assert lines(report.warnings) == [
        'column "age" is not part of the sipas format and was ignored'
    ]
    assert report.created == 1


def test_the_import_data_command_imports_a_sipas_file(db, tmp_path):
    path = tmp_path / "sipas_2019.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()

    call_command("import_data", "sipas", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "SIPAS 2019 computed for 3 provinces from 3 respondents",
        "sipas: 3 created, 0 updated, 0 unchanged",
    ]


def test_the_import_data_command_lists_the_problems_and_exits_1(db, tmp_path):
    path = tmp_path / "sipas_2019.csv"
    path.write_text(sipas_csv("2019,01,R1,,,9,,,,"), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(
        CommandError, match=r"^1 problem\(s\) in sipas_2019.csv; nothing was imported$"
    ):
        call_command("import_data", "sipas", str(path), stderr=err)
    assert err.getvalue().splitlines() == [f'row 2, column access: "9" is not an answer {ANSWER}']


def test_a_failure_half_way_through_the_write_leaves_nothing(db, monkeypatch):
    def fail(year):
        assert SipasRespondent.objects.count() == 3  # the rows were written…
        raise RuntimeError("worker killed")

    monkeypatch.setattr(importer, "aggregate_year", fail)
    with pytest.raises(RuntimeError, match="worker killed"):
        run_import("sipas", GOOD)

    assert SipasRespondent.objects.count() == 0  # …and rolled back with the transaction
    assert SipasResult.objects.count() == 0


def test_progress_is_reported_in_rows_through_the_three_phases(db):
    seen = []
    run_import("sipas", generated(12_000), progress=lambda done, total: seen.append((done, total)))

    # Rows read while the length is unknown; then a third of each row checked, a third written.
    read = [step for step in seen if step[1] == 0]
    known = [step for step in seen if step[1]]
    assert read[-1] == (12_000, 0)
    assert seen.index(read[-1]) == len(read) - 1
    assert known[0] == (5_000, 12_000)  # read, and the first of four checking steps done
    assert known[-1] == (12_000, 12_000)
    assert {total for _, total in known} == {12_000}
    assert [done for done, _ in known] == sorted(done for done, _ in known)


def test_the_commands_progress_bar_counts_the_files_rows(db, tmp_path):
    path = tmp_path / "sipas.csv"
    path.write_text(generated(30))
    err = io.StringIO()

    call_command("import_data", "sipas", str(path), "--progress", stdout=io.StringIO(), stderr=err)

    assert err.getvalue().split("\r")[-1] == f"[{'#' * 30}] 100 %  30/30 rows\n"


# -- bad files ----------------------------------------------------------------------------------


def test_a_missing_required_column_is_refused(db):
    assert refused(sipas_csv("2019,01,1", header="year,unit,access")) == [
        "row 1, column respondent_id: required column missing (missing: respondent_id; "
        "a sipas file needs year, unit, respondent_id)"
    ]


def test_blank_required_cells_are_refused(db):
    assert refused(sipas_csv(",01,R1,,,,,,,", "2019,,R2,,,,,,,", "2019,01,,,,,,,,")) == [
        'row 2, column year: "" is not a year (expected e.g. 2019)',
        "row 3, column unit: no unit given",
        "row 4, column respondent_id: a respondent id is required here",
    ]


@pytest.mark.parametrize(
    "cell, shown",
    [("0", "0"), ("6", "6"), ("-1", "-1"), ("3.5", "3.5"), ('"4,2"', "4,2"), ("abc", "abc")],
)
def test_an_answer_outside_1_to_5_or_not_a_whole_number_is_refused(db, cell, shown):
    text = sipas_csv(f"2019,01,R1,,,4,4,{cell},4,4")
    assert refused(text) == [f'row 2, column civil_servants: "{shown}" is not an answer {ANSWER}']


def test_an_unknown_government_level_is_refused(db):
    assert refused(sipas_csv("2019,01,R1,village,,4,,,,")) == [
        'row 2, column gov_level: "village" is not a government level '
        "(expected province, district or commune)"
    ]


def test_a_respondent_id_repeated_within_the_file_is_refused(db):
    # The same id in another province is another respondent; "Hà Nội" is 01.
    text = sipas_csv("2019,01,R1,,,4,,,,", "2019,31,R1,,,4,,,,", "2019,Hà Nội,R1,,,5,,,,")
    assert refused(text) == [
        "row 4, column respondent_id: this respondent id of this unit appears twice "
        "(first on row 2)"
    ]


def test_a_file_mixing_years_is_refused(db):
    text = sipas_csv("2019,01,R1,,,4,,,,", "2020,01,R2,,,4,,,,", "2019,01,R3,,,4,,,,")
    assert refused(text) == [
        "row 3, column year: this row is for 2020 but the file is for 2019 (from row 2); "
        "import one year per file"
    ]


def test_an_unknown_unit_or_one_that_is_not_a_province_is_refused(db):
    assert refused(sipas_csv("2019,Xyz,R1,,,4,,,,", "2019,BTP,R2,,,4,,,,")) == [
        'row 2, column unit: unknown unit "Xyz" for 2019 (expected a province code or name)',
        'row 3, column unit: unknown unit "BTP" for 2019 (expected a province code or name)',
    ]


def test_a_province_that_did_not_exist_that_year_is_refused(db):
    # Yên Bái merged into the new Lào Cai (15) on 1/7/2025; code 10 was the old Lào Cai.
    text = sipas_csv("2025,Yên Bái,R1,,,4,,,,", "2025,15,R2,,,4,,,,", "2025,10,R3,,,4,,,,")
    assert refused(text) == [
        'row 2, column unit: "Yên Bái" (Yên Bái, 15) did not exist in 2025 (it existed until '
        "30/06/2025); did you mean Lào Cai (15)?",
        'row 4, column unit: "10" (Lào Cai, 10) did not exist in 2025 (it existed until '
        "30/06/2025); did you mean Lào Cai (15)?",
    ]


def test_a_formula_without_a_saved_value_is_refused(db):
    data = sipas_workbook([2019, "01", "R1", None, None, "=2+2", 4, 4, 4, 4])
    assert refused(data, "sipas.xlsx") == [
        "row 2, column access: a formula without a saved value (open the file in Excel, save "
        "it, and import again)"
    ]


def test_a_file_that_is_not_utf8_is_refused(db):
    data = sipas_csv("2019,01,R1,,đất đai,4,,,,").encode("cp1258", errors="replace")
    assert refused(data) == [
        "file sipas.csv: the file is not UTF-8 or UTF-16 text (byte 103); save it as CSV UTF-8"
    ]


def test_an_empty_file_and_a_header_alone_are_refused(db):
    assert refused(b"") == ["file sipas.csv: the file is empty"]
    assert refused(sipas_csv()) == ["row 2: the file has a header but no data rows"]


def test_a_file_over_the_size_limit_is_refused(db, settings):
    settings.IMPORT_MAX_BYTES = 200
    assert refused(generated(5)) == ["file sipas.csv: the file is 266 bytes, over the limit of 200"]


def test_a_damaged_cell_is_reported_where_it_is(db):
    # Nothing after a broken quote can be told apart from the cell: the reader stops there.
    text = sipas_csv("2019,01,R1,,,4,,,,", '2019,01,R2,,"x"y,4,,,,', "2019,01,R3,,,7,,,,")
    assert refused(text) == [
        "row 3, column sector: text follows the closing quote of this cell (spreadsheet "
        'column E); quote the whole cell and write a quote inside it as ""'
    ]


def test_a_control_character_in_a_cell_is_refused(db):
    assert refused(sipas_csv("2019,01,R\x011,,,4,,,,")) == [
        "row 2, column respondent_id: the cell holds a control character (U+0001), which text "
        "never contains; remove it"
    ]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_blank_lines_included(db):
    text = sipas_csv("2019,01,R1,,,4,,,,", "", ",,,,,,,,,", "2019,01,R2,,,8,,,,")
    assert refused(text) == [f'row 5, column access: "8" is not an answer {ANSWER}']


def test_at_most_200_problems_are_listed_and_all_are_counted(db):
    text = generated(300).replace(",commune,", ",village,")
    report = run_import("sipas", text)

    assert report.problem_count == 300
    assert len(report.problems) == 201
    assert str(report.problems[0]).startswith("row 2, column gov_level:")
    assert str(report.problems[-1]) == "and 100 more problems"


def test_a_disguised_or_password_protected_file_is_refused(db):
    assert refused(GOOD, "sipas.xlsx") == [
        "file sipas.xlsx: the .xlsx file is damaged (not a readable zip archive)"
    ]
    protected = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert refused(protected, "sipas.xlsx") == [
        "file sipas.xlsx: this is an old .xls or a password-protected workbook; save it as an "
        "unprotected .xlsx or .csv"
    ]


def test_a_value_beyond_the_header_is_refused(db):
    assert refused(sipas_csv("2019,01,R1,,,4,,,,", "2019,01,R2,,,4,,,,,x")) == [
        "row 3, column K: a value in spreadsheet column K, beyond the last column of the header "
        "(J): the row has more cells than the header"
    ]


def test_a_value_under_a_blank_header_is_refused(db):
    text = sipas_csv("2019,x,01,R1", header="year,,unit,respondent_id")
    assert refused(text) == [
        "row 2, column B: a value in spreadsheet column B, whose header is blank; give the "
        "column a header or clear it"
    ]


def test_a_respondent_id_longer_than_64_characters_is_refused(db):
    assert refused(sipas_csv(f"2019,01,{'R' * 65},,,4,,,,")) == [
        "row 2, column respondent_id: the text is 65 characters long, more than the 64 allowed"
    ]


def test_sipas_is_an_import_kind_of_its_own(db):
    from scoring.imports import IMPORTERS, kinds

    assert "sipas" in kinds()
    assert IMPORTERS["sipas"] is importer.import_sipas
